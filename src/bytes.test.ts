// The byte helpers every reader relies on: one char per byte, and byte searches that agree with
// the TypedArray methods at every edge (the Node fast paths must not change a single answer).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasBareCR, hasBareLF, indexOfByte, lastIndexOfByte, latin1, lfToCRLF } from './bytes.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261123), numRuns: 300, endOnFailure: true });

describe('latin1', () => {
  it('maps every byte to the char with the same code (0x80–0x9f included)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = latin1(all);
    expect(s.length).toBe(256);
    for (let i = 0; i < 256; i++) expect(s.charCodeAt(i)).toBe(i);
  });

  it('reads a range, and long inputs (past the chunk size of the portable path)', () => {
    const b = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) & 0xff);
    expect(latin1(b, 5, 9)).toBe(String.fromCharCode(35, 42, 49, 56));
    const s = latin1(b);
    expect(s.length).toBe(20_000);
    expect(s.charCodeAt(19_999)).toBe((19_999 * 7) & 0xff);
  });
});

describe('indexOfByte / lastIndexOfByte', () => {
  it('agree with the TypedArray methods for any input and start (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: -2, max: 70 }),
        (b, value, from) => {
          const want = from >= b.length ? -1 : b.indexOf(value, Math.max(0, from));
          expect(indexOfByte(b, value, Math.max(0, from))).toBe(want);
          expect(lastIndexOfByte(b, value, from)).toBe(from < 0 ? -1 : b.lastIndexOf(value, from));
        },
      ),
    );
  });

  it('search inside a view of a larger buffer, not the whole buffer', () => {
    const whole = Uint8Array.from([10, 1, 2, 3, 10]);
    const view = whole.subarray(1, 4);
    expect(indexOfByte(view, 10)).toBe(-1);
    expect(lastIndexOfByte(view, 10, 2)).toBe(-1);
    expect(indexOfByte(view, 3)).toBe(2);
  });
});

describe('lfToCRLF / hasBareLF / hasBareCR', () => {
  const bytes = fc
    .array(fc.constantFrom(0x0a, 0x0d, 0x41, 0x80), { maxLength: 200 })
    .map((a) => Uint8Array.from(a));
  // Reference: a LF not after a CR gets one; nothing else changes (a bare CR stays a byte).
  const reference = (b: Uint8Array): string =>
    latin1(b)
      .replace(/(^|[^\r])\n/g, '$1\r\n')
      .replace(/(^|[^\r])\n/g, '$1\r\n');

  it('adds the CR of every bare LF and keeps bare CRs (property)', () => {
    fc.assert(
      fc.property(bytes, fc.nat({ max: 7 }), (b, pad) => {
        // Also through a view at an odd offset of a larger buffer (the word-wise scans).
        const big = new Uint8Array(b.length + pad + 3);
        big.set(b, pad);
        const view = big.subarray(pad, pad + b.length);
        expect(latin1(lfToCRLF(view))).toBe(reference(b));
        expect(hasBareLF(view)).toBe(/(^|[^\r])\n/.test(latin1(b)));
        expect(hasBareCR(view)).toBe(/\r(?!\n)/.test(latin1(b)));
        const once = lfToCRLF(view);
        expect(hasBareLF(once)).toBe(false);
        expect(latin1(lfToCRLF(once))).toBe(latin1(once));
      }),
    );
  });

  it('word-wise hasBareCR finds a bare CR far into a long CRLF text', () => {
    const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n';
    const text = line.repeat(2000);
    const b = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(hasBareCR(b)).toBe(false);
    b[b.length - 1000] = 0x0d;
    expect(hasBareCR(b)).toBe(/\r(?!\n)/.test(latin1(b)));
    expect(lfToCRLF(Uint8Array.from('a\rb', (c) => c.charCodeAt(0)))).toEqual(
      Uint8Array.from('a\rb', (c) => c.charCodeAt(0)),
    );
  });
});
