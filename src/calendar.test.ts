// src/calendar.ts: the day arithmetic shared by daticert <data> and the reports' instants.
import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, isoString } from './calendar.js';

// isoString replaces toISOString in every report (signing time, chain instant): the same text for
// every instant, the fast path's edges included.
describe('isoString', () => {
  it('writes what toISOString writes', () => {
    const edges = [
      0,
      1,
      999,
      86_399_999,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 1, 28, 12),
      Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 5),
      Date.UTC(2025, 0, 1, 0, 0, 0, 50),
      253_402_300_799_999, // 9999-12-31T23:59:59.999Z, the last four-digit year
      253_402_300_800_000, // +010000-01-01: toISOString's six-digit form
      -1, // 1969: toISOString itself
      -62_198_755_200_000, // year 0
      8.64e15,
      -8.64e15,
    ];
    for (const ms of edges) expect(isoString(new Date(ms)), String(ms)).toBe(new Date(ms).toISOString());
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(next() * 253_402_300_800_000);
      expect(isoString(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });

  it('throws as toISOString does for an invalid date', () => {
    expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('daysFromCivil and civilFromDays', () => {
  it('are inverse over years 0000-9999 and agree with Date.UTC where Date is exact', () => {
    for (let z = daysFromCivil(0, 1, 1); z <= daysFromCivil(9999, 12, 31); z += 37) {
      const [y, m, d] = civilFromDays(z);
      expect(daysFromCivil(y, m, d)).toBe(z);
      if (y >= 100) expect(Date.UTC(y, m - 1, d) / 86_400_000).toBe(z);
    }
  });
});
