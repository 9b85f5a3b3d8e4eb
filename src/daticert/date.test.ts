// dataToUtc and isRealGiorno against JavaScript's Date (an independent calendar), years 100-9999.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataToUtc, isRealGiorno } from './date.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

describe('dataToUtc (fast-check, against Date)', () => {
  it('gives the instant Date computes for giorno + ora at zona', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0100-01-02T00:00:00Z'),
          max: new Date('9999-12-30T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (local, offsetMinutes) => {
          const giorno = `${pad(local.getUTCDate())}/${pad(local.getUTCMonth() + 1)}/${pad(local.getUTCFullYear(), 4)}`;
          const ora = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
          const a = Math.abs(offsetMinutes);
          const zona = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
          const utc = new Date(Math.floor(local.getTime() / 1000) * 1000 - offsetMinutes * 60_000);
          const want = utc.getUTCFullYear() > 9999 ? null : `${utc.toISOString().slice(0, 19)}Z`;
          expect(dataToUtc(giorno, ora, zona)).toBe(want);
          expect(isRealGiorno(giorno)).toBe(true);
        },
      ),
      { seed: 20261203, numRuns: 2000 },
    );
  });

  it('refuses days that do not exist and malformed parts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 100, max: 9999 }),
        (d, m, y) => {
          const giorno = `${pad(d)}/${pad(m)}/${pad(y, 4)}`;
          const date = new Date(Date.UTC(y, m - 1, d));
          const real = m >= 1 && m <= 12 && d >= 1 && date.getUTCDate() === d && date.getUTCMonth() === m - 1;
          expect(isRealGiorno(giorno)).toBe(real);
          expect(dataToUtc(giorno, '12:00:00', '+0000') !== null).toBe(real);
        },
      ),
      { seed: 20261203, numRuns: 2000 },
    );
    for (const [g, o, z] of [
      ['1/01/2020', '12:00:00', '+0000'],
      ['01/01/2020', '24:00:00', '+0000'],
      ['01/01/2020', '12:60:00', '+0000'],
      ['01/01/2020', '12:00:00', '+2400'],
      ['01/01/2020', '12:00:00', '0100'],
      ['31/12/9999', '23:30:00', '-0100'],
      ['01/01/0000', '00:30:00', '+0100'],
    ] as const)
      expect(dataToUtc(g, o, z)).toBeNull();
  });
});
