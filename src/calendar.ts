// Proleptic Gregorian day arithmetic (the calendar of ECMAScript's Date), in integers: day 0 is
// 1970-01-01. Shared by the daticert <data> reader (local wall time to UTC, without Date's
// quirks) and by the reports' instants (isoString).

/**
 * Days since 1970-01-01 of year `y`, month `m` (1–12), day `d` (Howard Hinnant's days_from_civil).
 *
 * @internal
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Year, month (1–12) and day of day `z` since 1970-01-01 (Howard Hinnant's civil_from_days),
 * counted in 400-year eras from 0000-03-01.
 *
 * @internal
 */
export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153); // March is 0
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** Last instant written with a four-digit year: 9999-12-31T23:59:59.999Z. */
const LAST_FOUR_DIGIT_YEAR = 253402300799999;

/**
 * `date.toISOString()`, the same string, ~2.5 times faster for the years 1970–9999 (every
 * report writes its signing time and chain instant). Other instants, and invalid dates (which
 * throw), go to toISOString itself.
 *
 * @internal
 */
export function isoString(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= 0 && ms <= LAST_FOUR_DIGIT_YEAR)) return date.toISOString();
  const days = Math.floor(ms / 86_400_000);
  const [year, month, day] = civilFromDays(days);
  let rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  const msText = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${year}-${two(month)}-${two(day)}T${two(h)}:${two(mi)}:${two(s)}.${msText}Z`;
}
