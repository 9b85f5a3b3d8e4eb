// Dates that do not exist are errors: Date.UTC would roll 30 February over into March (a review
// finding on the first version of the reader).
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../bytes.js';
import { DerError, isoString, readRoot, TAG, time } from './read.js';
import { tlv } from './write.js';

const timeOf = (tag: number, s: string): Date => {
  const b = tlv(tag, encodeUtf8(s));
  return time(b, readRoot(b));
};

describe('time(): calendar dates', () => {
  // A notAfter/notBefore, thisUpdate or signingTime that names no real day is a DerError
  // (X.680 §46: the date must be a valid calendar date).
  it.each([
    [TAG.UTC_TIME, '250230120000Z'],
    [TAG.UTC_TIME, '240431000000Z'],
    [TAG.GENERALIZED_TIME, '20250229000000Z'], // 2025 is not a leap year
    [TAG.GENERALIZED_TIME, '20250231120000Z'],
  ])('rejects the impossible date %#', (tag, s) => {
    expect(() => timeOf(tag, s)).toThrow(DerError);
  });

  it('still accepts 29 February of a leap year', () => {
    expect(timeOf(TAG.GENERALIZED_TIME, '20240229000000Z').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });
});

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
