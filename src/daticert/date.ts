// daticert <data>: local wall time (giorno dd/mm/yyyy, ora hh:mm:ss) plus a UTC offset (zona ±hhmm).
// Computed with integer calendar arithmetic, not Date: Date.UTC maps years 0-99 to 19xx and
// would make the result depend on quirks instead of on the three strings.
import { civilFromDays, daysFromCivil } from '../calendar.js';

const GIORNO = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const ORA = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
const ZONA = /^([+-])([01]\d|2[0-3])([0-5]\d)$/;

/** `hh:mm:ss`, 24-hour clock, no leap second. */
export const ORA_PATTERN = ORA;
/** `+hhmm` or `-hhmm`. */
export const ZONA_PATTERN = ZONA;
/** `dd/mm/yyyy` (shape only; {@link isRealGiorno} checks the calendar). */
export const GIORNO_PATTERN = GIORNO;
/** The instant format daticert consumers use: `YYYY-MM-DDTHH:MM:SSZ`. */
export const DATA_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The day, month and year of a `dd/mm/yyyy` that exists, or null. */
function realDay(giorno: string): [number, number, number] | null {
  const m = GIORNO.exec(giorno);
  if (!m) return null;
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const y = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) ? [d, mo, y] : null;
}

/** True when `giorno` is `dd/mm/yyyy` and names a day that exists (no 31/02, 29/02 only in leap years). */
export function isRealGiorno(giorno: string): boolean {
  return realDay(giorno) !== null;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * The UTC instant of a daticert `<data>` as `YYYY-MM-DDTHH:MM:SSZ`, or `null` when any part is
 * malformed, the day does not exist, or the instant falls outside years 0000-9999.
 * "+0100" means local = UTC + 1 h, so UTC = local - 1 h.
 *
 * @param giorno - Local day, `dd/mm/yyyy`.
 * @param ora - Local time, `hh:mm:ss`.
 * @param zona - Offset from UTC, `+hhmm` or `-hhmm`.
 *
 * @example
 * ```ts
 * dataToUtc('13/11/2018', '16:39:26', '+0100'); // '2018-11-13T15:39:26Z'
 * dataToUtc('01/03/2020', '01:00:00', '+0200'); // '2020-02-29T23:00:00Z'
 * dataToUtc('31/02/2020', '10:00:00', '+0100'); // null (no such day)
 * ```
 */
export function dataToUtc(giorno: string, ora: string, zona: string): string | null {
  // The reader asks twice for the same <data> (extraction, then the schema check): the last answer is kept.
  if (giorno === last.giorno && ora === last.ora && zona === last.zona) return last.utc;
  const utc = computeUtc(giorno, ora, zona);
  last = { giorno, ora, zona, utc };
  return utc;
}

let last: { giorno: string; ora: string; zona: string; utc: string | null } = {
  giorno: '',
  ora: '',
  zona: '',
  utc: null,
};

function computeUtc(giorno: string, ora: string, zona: string): string | null {
  const g = realDay(giorno);
  const o = ORA.exec(ora);
  const z = ZONA.exec(zona);
  if (!g || !o || !z) return null;
  const offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60;
  const local =
    daysFromCivil(g[2], g[1], g[0]) * 86400 + Number(o[1]) * 3600 + Number(o[2]) * 60 + Number(o[3]);
  const utc = local - offset;
  const days = Math.floor(utc / 86400);
  const secs = utc - days * 86400;
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}Z`;
}
