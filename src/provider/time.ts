// Italian legal time for PEC messages, computed from the instant alone: the host time zone never
// matters. Italy follows the EU rule (Directive 2000/84/EC): summer time (CEST, +0200) from the last
// Sunday of March at 01:00 UTC to the last Sunday of October at 01:00 UTC, CET (+0100) otherwise.
import { describe } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import { formatDate } from '../mime/write.js';

/**
 * One PEC event time, in every form a message writes it.
 *
 * @example
 * ```ts
 * const t: ItalianTime = italianTime(new Date('2025-07-01T10:00:00Z'));
 * t.zona; // '+0200'
 * t.giorno; // '01/07/2025'
 * t.ora; // '12:00:00'
 * ```
 * @category Building
 */
export interface ItalianTime {
  /** The instant, truncated to whole seconds (daticert, Date and signingTime have second precision). */
  instant: Date;
  /** 60 (CET) or 120 (CEST). */
  offsetMinutes: 60 | 120;
  /** daticert `<data zona>`: `+0100` or `+0200`. */
  zona: '+0100' | '+0200';
  /** daticert `<giorno>`: local `dd/mm/yyyy`. */
  giorno: string;
  /** daticert `<ora>`: local `hh:mm:ss`. */
  ora: string;
  /** The RFC 5322 `Date:` value in Italian time, e.g. `Tue, 14 Dec 2021 14:36:08 +0100`. */
  header: string;
  /** Local `yyyymmddhhmmss`, as real identificativi carry it. */
  compact: string;
}

const HOUR = 3_600_000;

/** The instant of the last Sunday of March (2) or October (9) of `year` at 01:00 UTC. */
function lastSundayAt1Utc(year: number, month: 2 | 9): number {
  // Both months have 31 days. setUTCFullYear, because Date.UTC maps years 0-99 to 19xx.
  const d = new Date(Date.UTC(2000, month, 31, 1));
  d.setUTCFullYear(year);
  d.setUTCDate(31 - d.getUTCDay());
  return d.getTime();
}

function checkDate(at: unknown, name = 'at'): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw invalidArgument(`${name} must be a valid Date, got ${describe(at)}`);
  }
  return at;
}

/**
 * The UTC offset of Italian legal time at `at`, in minutes: 120 during summer time (from the last
 * Sunday of March 01:00 UTC, inclusive, to the last Sunday of October 01:00 UTC, exclusive), else 60.
 *
 * @example
 * ```ts
 * italianOffsetMinutes(new Date('2025-01-15T12:00:00Z')); // 60
 * italianOffsetMinutes(new Date('2025-07-15T12:00:00Z')); // 120
 * italianOffsetMinutes(new Date('2025-03-30T01:00:00Z')); // 120 (02:00 CET became 03:00 CEST)
 * ```
 * @category Building
 */
export function italianOffsetMinutes(at: Date): 60 | 120 {
  const t = checkDate(at).getTime();
  const year = at.getUTCFullYear();
  return t >= lastSundayAt1Utc(year, 2) && t < lastSundayAt1Utc(year, 9) ? 120 : 60;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * Everything a PEC message writes about one event time: the daticert `giorno`/`ora`/`zona`, the
 * `Date:` header and the compact form used in identificativi, all in Italian legal time and all
 * from the same instant truncated to whole seconds (which is also the CMS signingTime).
 *
 * @example
 * ```ts
 * const t = italianTime(new Date('2021-12-14T13:36:08.250Z'));
 * t.giorno; // '14/12/2021'
 * t.ora; // '14:36:08'
 * t.zona; // '+0100'
 * t.header; // 'Tue, 14 Dec 2021 14:36:08 +0100'
 * ```
 * @category Building
 */
export function italianTime(at: Date): ItalianTime {
  checkDate(at);
  const instant = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const offsetMinutes = italianOffsetMinutes(instant);
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const y = local.getUTCFullYear();
  if (y < 1900 || y > 9999) throw invalidArgument(`year ${y} is outside 1900-9999`);
  const date = [pad(local.getUTCDate()), pad(local.getUTCMonth() + 1), pad(y, 4)];
  const time = [pad(local.getUTCHours()), pad(local.getUTCMinutes()), pad(local.getUTCSeconds())];
  return {
    instant,
    offsetMinutes,
    zona: offsetMinutes === 120 ? '+0200' : '+0100',
    giorno: date.join('/'),
    ora: time.join(':'),
    header: formatDate(instant, offsetMinutes),
    compact: `${date[2]}${date[1]}${date[0]}${time.join('')}`,
  };
}

/** `at` plus `hours` (for the 12 h and 24 h timeout notices). */
export function hoursAfter(at: Date, hours: number): Date {
  return new Date(checkDate(at).getTime() + hours * HOUR);
}
