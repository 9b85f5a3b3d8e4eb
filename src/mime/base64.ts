// Base64 (RFC 2045 §6.8): tolerant decoding of mail bodies, 76-column encoding for output.
import { type Bytes, latin1 } from '../bytes.js';
import { PecError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = ALPHABET.charCodeAt(i);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

// Four-character groups decode through pre-shifted tables: one OR of four lookups gives the 24
// bits, or a negative number when any character is outside the alphabet (padding, whitespace).
const D0 = new Int32Array(256).fill(-1);
const D1 = new Int32Array(256).fill(-1);
const D2 = new Int32Array(256).fill(-1);
const D3 = new Int32Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  const c = ALPHABET.charCodeAt(i);
  D0[c] = i << 18;
  D1[c] = i << 12;
  D2[c] = i << 6;
  D3[c] = i;
}

function invalidAt(c: number, v: number, offset: number): PecError {
  return new PecError(
    'BASE64_INVALID',
    v < 0
      ? `invalid base64 character 0x${c.toString(16)} at offset ${offset}`
      : `base64 data after padding at offset ${offset}`,
    { offset },
  );
}

// Node's native decoder (Buffer#base64Write) is lenient: it skips any character it does not know
// and reads the URL-safe alphabet too. It is used only on text that base64DecodedLength has
// already found strictly valid (alphabet, SP/TAB/CR/LF, at most two final '='), where both
// decoders read the same bits; the JS decoder below still says why a text is invalid. Taken only
// when present and decoding a probe exactly as the JS decoder does (a bundler's polyfill may not).
type Base64Write = (this: Uint8Array, text: string, offset: number, length: number) => number;
const NATIVE_MIN = 256; // below this the JS loop costs less than the string and the native call
const PROBE_TEXT = `${ALPHABET}\r\n ${ALPHABET.slice(0, 28)}\t\nQUI= \r\n=`;
const nativeBase64Write = ((): Base64Write | undefined => {
  const f = (globalThis as { Buffer?: { prototype?: { base64Write?: Base64Write } } }).Buffer?.prototype
    ?.base64Write;
  if (typeof f !== 'function') return undefined;
  try {
    const text = new Uint8Array(PROBE_TEXT.length);
    for (let i = 0; i < text.length; i++) text[i] = PROBE_TEXT.charCodeAt(i);
    const want = decodeBase64Portable(text, true);
    const got = new Uint8Array(want.length);
    if (f.call(got, PROBE_TEXT, 0, got.length) !== want.length) return undefined;
    for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return undefined;
    return f;
  } catch {
    return undefined;
  }
})();

/**
 * Decodes base64 text, ignoring whitespace and any line length.
 * With `strict` (the default) any other character outside the alphabet, data after padding or a
 * dangling single character is a BASE64_INVALID error: a broken signature must not decode to
 * something that merely looks like DER.
 */
export function decodeBase64(text: Uint8Array, strict = true): Bytes {
  if (strict && nativeBase64Write !== undefined && text.length >= NATIVE_MIN) {
    const n = base64DecodedLength(text);
    if (n >= 0) {
      const out = new Uint8Array(n);
      if (nativeBase64Write.call(out, latin1(text), 0, n) === n) return out;
    }
  }
  return decodeBase64Portable(text, strict);
}

/**
 * The portable decoder behind {@link decodeBase64}: the one browsers run, the one that says why a
 * text is invalid, and the reference the native fast path is tested against.
 */
export function decodeBase64Portable(text: Uint8Array, strict = true): Bytes {
  const len = text.length;
  const out = new Uint8Array(Math.floor((len * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let n = 0;
  let pad = 0;
  let i = 0;
  while (i < len) {
    // Fast path: whole groups of four alphabet characters (a 76-column line is 19 of them).
    if (n === 0 && pad === 0) {
      const stop = len - 3;
      while (i < stop) {
        const v = D0[text[i]!]! | D1[text[i + 1]!]! | D2[text[i + 2]!]! | D3[text[i + 3]!]!;
        if (v < 0) break;
        out[o] = v >> 16;
        out[o + 1] = v >> 8;
        out[o + 2] = v;
        o += 3;
        i += 4;
      }
      if (i >= len) break;
    }
    // One character at a time: line breaks, padding, stray characters, the tail.
    const c = text[i++]!;
    if (isSpace(c)) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    const v = DECODE[c]!;
    if (v < 0 || pad > 0) {
      if (strict) throw invalidAt(c, v, i - 1);
      if (v < 0) continue;
    }
    acc = (acc << 6) | v;
    if (++n === 4) {
      out[o++] = (acc >> 16) & 0xff;
      out[o++] = (acc >> 8) & 0xff;
      out[o++] = acc & 0xff;
      acc = 0;
      n = 0;
    }
  }
  if (n === 1) {
    if (strict) throw new PecError('BASE64_INVALID', 'truncated base64: one dangling character');
  } else if (n === 2) {
    out[o++] = (acc >> 4) & 0xff;
  } else if (n === 3) {
    out[o++] = (acc >> 10) & 0xff;
    out[o++] = (acc >> 2) & 0xff;
  }
  if (strict && pad > 2) throw new PecError('BASE64_INVALID', 'too much base64 padding');
  return out.slice(0, o);
}

// PAIRS[x] is 1 when both bytes of the 16-bit value x are alphabet characters (either byte order,
// so platform endianness does not matter). Built on first use of a large input: 64 KiB.
let PAIRS: Uint8Array | undefined;
function pairs(): Uint8Array {
  if (!PAIRS) {
    PAIRS = new Uint8Array(65536);
    for (let a = 0; a < 64; a++) {
      for (let b = 0; b < 64; b++) PAIRS[ALPHABET.charCodeAt(a) | (ALPHABET.charCodeAt(b) << 8)] = 1;
    }
  }
  return PAIRS;
}

/** Index of the first word from `k` that is not four alphabet characters, or `words`. */
function alphabetRun(w32: Int32Array, k: number, words: number, table: Uint8Array): number {
  for (; k < words; k++) {
    const w = w32[k]!;
    if ((table[w & 0xffff]! & table[w >>> 16]!) !== 1) return k;
  }
  return words;
}

/**
 * The decoded length of base64 text without decoding it, or -1 when the text is not valid
 * base64 (a character outside the alphabet, data after padding, a dangling character).
 * Lets a parser report an attachment's size without allocating its content.
 */
export function base64DecodedLength(text: Uint8Array): number {
  const len = text.length;
  let n = 0;
  let pad = 0;
  // One character; false when the text cannot be base64.
  const step = (c: number): boolean => {
    if (c === 0x3d) pad++;
    else if (DECODE[c]! >= 0) {
      if (pad > 0) return false;
      n++;
    } else if (!isSpace(c)) return false;
    return true;
  };
  let i = 0;
  if (len >= 64) {
    // Four characters at a time: two table lookups tell whether all four are in the alphabet.
    const table = pairs();
    const head = (4 - (text.byteOffset & 3)) & 3;
    for (; i < head; i++) if (!step(text[i]!)) return -1;
    const words = (len - head) >> 2;
    const w32 = new Int32Array(text.buffer, text.byteOffset + head, words);
    let k = 0;
    while (k < words) {
      const from = k;
      k = alphabetRun(w32, k, words, table);
      if (k > from) {
        if (pad > 0) return -1;
        n += 4 * (k - from);
      }
      if (k < words) {
        const p = head + 4 * k;
        if (!step(text[p]!) || !step(text[p + 1]!) || !step(text[p + 2]!) || !step(text[p + 3]!)) return -1;
        k++;
      }
    }
    i = head + 4 * words;
  }
  for (; i < len; i++) if (!step(text[i]!)) return -1;
  if (n % 4 === 1 || pad > 2) return -1;
  return Math.floor((n * 3) / 4);
}

/** Encodes bytes as base64 in lines of `lineLength` (76) characters, each ended by CRLF. */
export function encodeBase64Lines(data: Uint8Array, lineLength = 76): Bytes {
  const quads = Math.ceil(data.length / 3);
  const chars = quads * 4;
  const lines = Math.ceil(chars / lineLength);
  const out = new Uint8Array(chars + lines * 2);
  let o = 0;
  let col = 0;
  let i = 0;
  const whole = data.length - 2;
  if (lineLength % 4 === 0) {
    // Lines hold whole groups: a line break can only come after a group.
    for (; i < whole; i += 3) {
      const v = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
      out[o] = ENCODE[v >> 18]!;
      out[o + 1] = ENCODE[(v >> 12) & 63]!;
      out[o + 2] = ENCODE[(v >> 6) & 63]!;
      out[o + 3] = ENCODE[v & 63]!;
      o += 4;
      col += 4;
      if (col === lineLength) {
        out[o++] = 0x0d;
        out[o++] = 0x0a;
        col = 0;
      }
    }
  }
  const put = (c: number): void => {
    out[o++] = c;
    if (++col === lineLength) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
    }
  };
  for (; i < whole; i += 3) {
    const v = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    put(ENCODE[v >> 18]!);
    put(ENCODE[(v >> 12) & 63]!);
    put(ENCODE[(v >> 6) & 63]!);
    put(ENCODE[v & 63]!);
  }
  const rest = data.length - i;
  if (rest > 0) {
    const v = (data[i]! << 16) | (rest === 2 ? data[i + 1]! << 8 : 0);
    put(ENCODE[v >> 18]!);
    put(ENCODE[(v >> 12) & 63]!);
    put(rest === 2 ? ENCODE[(v >> 6) & 63]! : 0x3d);
    put(0x3d);
  }
  if (col !== 0) {
    out[o++] = 0x0d;
    out[o++] = 0x0a;
  }
  return out.subarray(0, o) as Bytes;
}

/** Base64 on one line, no line breaks (for encoded-words and PEM bodies before wrapping). */
export function encodeBase64(data: Uint8Array): string {
  const line = encodeBase64Lines(data, 1 << 30);
  return latin1(line, 0, Math.max(0, line.length - 2)); // one line: only the final CRLF to drop
}
