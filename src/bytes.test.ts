// equalBytes confirms every cache hit of the verifier (certificates, CMS certificate fields): it
// must see a difference at any position, at any alignment, in the native and the portable path.
import { describe, expect, it } from 'vitest';
import { equalBytes, equalWords } from './bytes.js';

describe('equalBytes', () => {
  const backing = new Uint8Array(4096 + 16).map((_, i) => (i * 131 + 7) & 0xff);
  for (const [name, equal] of [
    ['equalBytes', equalBytes],
    ['equalWords (no Buffer)', equalWords],
  ] as const) {
    it(`${name}: equal views at any offset, one changed byte anywhere is seen`, () => {
      for (const length of [0, 1, 3, 4, 63, 64, 65, 255, 256, 257, 1000, 4096]) {
        for (const offset of [0, 1, 2, 3, 5]) {
          const a = backing.subarray(offset, offset + length);
          const b = a.slice(); // another buffer, offset 0
          expect(equal(a, b), `${length}@${offset}`).toBe(true);
          for (const at of new Set([0, 1, length >> 1, length - 4, length - 2, length - 1])) {
            if (at < 0 || at >= length) continue;
            b[at] = b[at]! ^ 0x80;
            expect(equal(a, b), `${length}@${offset}, byte ${at}`).toBe(false);
            expect(equal(b, a), `${length}@${offset}, byte ${at} (swapped)`).toBe(false);
            b[at] = b[at]! ^ 0x80;
          }
        }
      }
      expect(equal(backing.subarray(0, 300), backing.subarray(0, 301))).toBe(false);
    });
  }
});
