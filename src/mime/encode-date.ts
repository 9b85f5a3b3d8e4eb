// RFC 5322 §3.3 date-time for the Date header, in an explicit zone (PEC uses Italian local time).
import { describe } from '../bytes.js';
import { invalidArgument } from '../errors.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Formats `date` as an RFC 5322 date-time in the zone `zoneOffsetMinutes` east of UTC
 * (60 for CET, 120 for CEST, -300 for EST). The default 0 writes `+0000`.
 *
 * @example
 * ```ts
 * formatDate(new Date('2019-01-28T11:31:50Z'), 60); // 'Mon, 28 Jan 2019 12:31:50 +0100'
 * ```
 */
export function formatDate(date: Date, zoneOffsetMinutes = 0): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw invalidArgument(`date must be a valid Date, got ${describe(date)}`);
  }
  if (!Number.isInteger(zoneOffsetMinutes) || Math.abs(zoneOffsetMinutes) > 23 * 60 + 59) {
    throw invalidArgument(
      `zoneOffsetMinutes must be an integer within ±1439, got ${String(zoneOffsetMinutes)}`,
    );
  }
  // Shift the instant so that the UTC getters read the local wall clock of the target zone.
  const t = new Date(date.getTime() + zoneOffsetMinutes * 60_000);
  const year = t.getUTCFullYear();
  if (year < 1900 || year > 9999) throw invalidArgument(`year ${year} is outside 1900–9999`);
  const abs = Math.abs(zoneOffsetMinutes);
  const zone = `${zoneOffsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  const time = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  return `${DAYS[t.getUTCDay()]}, ${pad(t.getUTCDate())} ${MONTHS[t.getUTCMonth()]} ${year} ${time} ${zone}`;
}
