// Dates that do not exist are errors: Date.UTC would roll 30 February over into March (a review
// finding on the first version of the reader).
import { describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../bytes.js';
import { DerError, readRoot, TAG, time } from './read.js';
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
