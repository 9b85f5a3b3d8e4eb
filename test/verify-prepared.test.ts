// The plain call's prepared-options cache (src/verify/prepared-cache.ts): reuse by identity and by
// value, changes to an options object taking effect, a bound on what is kept, and a clock read per
// call when the caller gave none (a cached `now` would judge 'now' at the first call's instant).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  clearPreparedCache,
  PREPARED_CACHE_MAX,
  preparedCacheSize,
  preparedFor,
} from '../src/verify/prepared-cache.js';
import type { VerifyOptions } from '../src/verify/verify.js';
import { createVerifier, verifyPec } from '../src/verify/verify.js';
import { TEST_ROOT_PEM, testTransaction } from './helpers/sample.js';

function counting(): {
  prepare: (o: VerifyOptions) => { now: Date; from: VerifyOptions };
  calls: () => number;
} {
  let n = 0;
  return {
    prepare: (o) => {
      if (o.at !== undefined && o.at !== 'now' && o.at !== 'signing-time' && !(o.at instanceof Date))
        throw new TypeError('bad at');
      n++;
      return { now: o.now ?? new Date(), from: o };
    },
    calls: () => n,
  };
}

afterEach(() => {
  vi.useRealTimers();
  clearPreparedCache();
});

describe('preparedFor', () => {
  it('prepares the same options object once', () => {
    const c = counting();
    const o: VerifyOptions = { trust: ['PEM'], at: 'now' };
    for (let i = 0; i < 5; i++) preparedFor(o, c.prepare);
    expect(c.calls()).toBe(1);
  });

  it('shares one prepared default for the no-options call (a fresh {} each time)', () => {
    const c = counting();
    for (let i = 0; i < 5; i++) preparedFor({}, c.prepare);
    expect(c.calls()).toBe(1);
    expect(preparedCacheSize()).toBe(1);
  });

  it('reuses options rebuilt per call with the same values (list items, limit values, Date instants)', () => {
    const c = counting();
    const trust = ['PEM A', 'PEM B'];
    for (let i = 0; i < 5; i++)
      preparedFor(
        { trust: [...trust], limits: { maxParts: 10 }, at: new Date('2025-01-01T00:00:00Z') },
        c.prepare,
      );
    expect(c.calls()).toBe(1);
  });

  it('a changed options object is prepared again (options are compared on every call)', () => {
    const c = counting();
    const o: VerifyOptions = { trust: ['PEM'] };
    preparedFor(o, c.prepare);
    o.at = 'now';
    expect(preparedFor(o, c.prepare)).toMatchObject({ from: { at: 'now' } });
    (o.trust as string[]).push('PEM 2');
    preparedFor(o, c.prepare);
    o.limits = { maxParts: 3 };
    preparedFor(o, c.prepare);
    (o.limits as { maxParts: number }).maxParts = 4;
    preparedFor(o, c.prepare);
    expect(c.calls()).toBe(5);
    // Back to a value seen before: found again, not prepared.
    (o.limits as { maxParts: number }).maxParts = 3;
    preparedFor(o, c.prepare);
    expect(c.calls()).toBe(5);
  });

  it('bad options throw every time and are not kept', () => {
    const c = counting();
    const bad = { at: 'tomorrow' } as unknown as VerifyOptions;
    expect(() => preparedFor(bad, c.prepare)).toThrow('bad at');
    expect(() => preparedFor(bad, c.prepare)).toThrow('bad at');
    expect(preparedCacheSize()).toBe(0);
  });

  it(`keeps at most ${PREPARED_CACHE_MAX} option sets`, () => {
    const c = counting();
    for (let i = 0; i < 500; i++) preparedFor({ trust: [`PEM ${i}`] }, c.prepare);
    expect(c.calls()).toBe(500);
    expect(preparedCacheSize()).toBe(PREPARED_CACHE_MAX);
  });

  it('reads the clock per call when the caller gave no now, and keeps a given now', () => {
    const c = counting();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const o: VerifyOptions = {};
    expect(preparedFor(o, c.prepare).now.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    vi.setSystemTime(new Date('2031-06-01T00:00:00Z'));
    expect(preparedFor(o, c.prepare).now.toISOString()).toBe('2031-06-01T00:00:00.000Z');
    const given = new Date('2020-02-02T00:00:00Z');
    expect(preparedFor({ now: given }, c.prepare).now).toBe(given);
    expect(c.calls()).toBe(2);
  });
});

describe('verifyPec through the cache', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    bytes = (await testTransaction()).accettazione;
  });

  it("judges at: 'now' at each call's clock with one options object", async () => {
    const o: VerifyOptions = { trust: [TEST_ROOT_PEM], at: 'now' };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-10T00:00:00Z'));
    const first = await verifyPec(bytes, o);
    vi.setSystemTime(new Date('2027-03-20T12:00:00Z'));
    const second = await verifyPec(bytes, o);
    expect(first.chain.at).toBe('2026-01-10T00:00:00.000Z');
    expect(second.chain.at).toBe('2027-03-20T12:00:00.000Z');
    expect(second.valid).toBe(true);
  });

  it('a changed trust list takes effect on the same options object', async () => {
    const o: VerifyOptions = { trust: [TEST_ROOT_PEM] };
    expect((await verifyPec(bytes, o)).valid).toBe(true);
    o.trust = undefined; // back to the embedded AgID anchors: the test root is not one
    const r = await verifyPec(bytes, o);
    expect(r.valid).toBe(false);
    expect(r.chain.trusted).toBe(false);
    expect(preparedCacheSize()).toBe(2);
  });

  it('the no-options call keeps one prepared default, however many calls', async () => {
    for (let i = 0; i < 20; i++) await verifyPec(bytes);
    expect(preparedCacheSize()).toBe(1);
  });

  it('options that change the policy are part of the entry (maxClockSkew, minRsaBits, legacyKeysUntil)', async () => {
    const signed = Date.parse((await verifyPec(bytes, { trust: [TEST_ROOT_PEM] })).signature.signingTime!);
    const now = new Date(signed - 60 * 60 * 1000); // the signature looks one hour in the future
    const strict = await verifyPec(bytes, { trust: [TEST_ROOT_PEM], now });
    expect(strict.issues.map((i) => i.code)).toContain('SIGNING_TIME_IN_FUTURE');
    const lenient = await verifyPec(bytes, { trust: [TEST_ROOT_PEM], now, maxClockSkew: 2 * 60 * 60 * 1000 });
    expect(lenient.issues.map((i) => i.code)).not.toContain('SIGNING_TIME_IN_FUTURE');
    await verifyPec(bytes, { trust: [TEST_ROOT_PEM], now, minRsaBits: 1024 });
    await verifyPec(bytes, { trust: [TEST_ROOT_PEM], now, legacyKeysUntil: null });
    expect(preparedCacheSize()).toBe(5);
  });
});

describe('createVerifier', () => {
  it("reads the clock per message when no now was given (at: 'now' over a long run)", async () => {
    const bytes = (await testTransaction()).accettazione;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-10T00:00:00Z'));
    const verify = createVerifier({ trust: [TEST_ROOT_PEM], at: 'now' });
    expect((await verify(bytes)).chain.at).toBe('2026-01-10T00:00:00.000Z');
    vi.setSystemTime(new Date('2027-03-20T12:00:00Z'));
    expect((await verify(bytes)).chain.at).toBe('2027-03-20T12:00:00.000Z');
  });
});
