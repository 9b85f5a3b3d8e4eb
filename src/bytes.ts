// Byte helpers shared by every module. Pure, no Node APIs: the library runs in browsers.
import { invalidArgument } from './errors.js';

/**
 * What the public API accepts as message bytes.
 *
 * @example
 * ```ts
 * const input: BytesInput = new Uint8Array(await file.arrayBuffer()); // also an ArrayBuffer, or a 7-bit string
 * const pec = parsePec(input);
 * ```
 * @category Low-level
 */
export type BytesInput = Uint8Array | ArrayBuffer | string;

/**
 * A Uint8Array backed by a plain ArrayBuffer (what WebCrypto accepts under TS >= 5.7).
 *
 * @example
 * ```ts
 * const b: Bytes = new Uint8Array(16);
 * ```
 * @category Low-level
 */
export type Bytes = Uint8Array<ArrayBuffer>;

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * Normalises caller input to bytes without copying when it already is bytes.
 * Strings are accepted for 7-bit text only: a code point above 0xFF would be lost, so it is refused.
 */
export function toBytes(input: unknown, name = 'input'): Bytes {
  if (input instanceof Uint8Array) return input as Bytes;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input))
    return new Uint8Array(input.buffer as ArrayBuffer, input.byteOffset, input.byteLength);
  if (typeof input === 'string') {
    const out = new Uint8Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      if (c > 0xff) {
        throw invalidArgument(
          `${name}: string input must be 8-bit text (found U+${c.toString(16)} at ${i}); pass a Uint8Array instead`,
        );
      }
      out[i] = c;
    }
    return out;
  }
  throw invalidArgument(`${name} must be a Uint8Array, ArrayBuffer or string, got ${describe(input)}`);
}

/** A short type description for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}

// Node's Buffer has natives that beat the portable code by an order of magnitude on large input:
// indexOf/lastIndexOf of a byte are memchr (TypedArray#indexOf is a plain loop: 14 ms against 1 ms
// for 20 MB, measured) and latin1Slice maps bytes to chars one to one. They are used only when
// present and behaving as expected on a plain Uint8Array (a bundler's Buffer polyfill may not);
// browsers get the portable code.
type ByteSearch = (this: Uint8Array, value: number, from: number) => number;
interface BufferNatives {
  indexOf?: ByteSearch;
  lastIndexOf?: ByteSearch;
  latin1Slice?: (this: Uint8Array, start: number, end: number) => string;
}
const bufferNatives = (globalThis as { Buffer?: { prototype?: BufferNatives } }).Buffer?.prototype;
const PROBE = new Uint8Array([0x80, 0x0a, 0x41, 0x0a]);
function trusted<F>(f: F | undefined, works: (f: F) => boolean): F | undefined {
  try {
    return f !== undefined && works(f) ? f : undefined;
  } catch {
    return undefined;
  }
}
const nativeIndexOf = trusted(bufferNatives?.indexOf, (f) => f.call(PROBE, 0x0a, 2) === 3);
const nativeLastIndexOf = trusted(bufferNatives?.lastIndexOf, (f) => f.call(PROBE, 0x0a, 2) === 1);
const nativeLatin1 = trusted(bufferNatives?.latin1Slice, (f) => f.call(PROBE, 0, 3) === '\x80\nA');

/**
 * Bytes → string, one char per byte (never fails, never loses bytes). Not TextDecoder('latin1'):
 * the Encoding standard makes that label windows-1252, so browsers turn 0x80–0x9f into other
 * characters (0x80 → "€"); Node's Buffer has the true byte-to-char mapping natively.
 */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (nativeLatin1) return nativeLatin1.call(bytes, start, end);
  let s = '';
  // Chunks keep the argument count of fromCharCode well under engine limits.
  for (let i = start; i < end; i += 8192)
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  return s;
}

/** UTF-8 decode, replacing invalid sequences with U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** String → UTF-8 bytes. */
export function encodeUtf8(s: string): Bytes {
  return utf8Encoder.encode(s) as Bytes;
}

/** ASCII/latin1 string → bytes (chars above 0xFF are a programming error here). */
export function ascii(s: string): Bytes {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Concatenate byte arrays. */
export function concat(parts: readonly Uint8Array[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** First index of the byte `value` in `b` at or after `from`, or -1. */
export function indexOfByte(b: Uint8Array, value: number, from = 0): number {
  if (from >= b.length) return -1;
  return nativeIndexOf ? nativeIndexOf.call(b, value, from) : b.indexOf(value, from);
}

/** Last index of the byte `value` in `b` at or before `from` (≥ 0), or -1. */
export function lastIndexOfByte(b: Uint8Array, value: number, from: number): number {
  if (from < 0) return -1;
  return nativeLastIndexOf ? nativeLastIndexOf.call(b, value, from) : b.lastIndexOf(value, from);
}

/** First index of `needle` in `hay[from, end)`, or -1. */
export function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0, end = hay.length): number {
  const n = needle.length;
  if (n === 0) return from;
  const first = needle[0]!;
  const last = Math.min(end, hay.length) - n;
  for (let i = indexOfByte(hay, first, from); i !== -1 && i <= last; i = indexOfByte(hay, first, i + 1)) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

/** Last index of `needle` in `hay` that starts at or before `from`, or -1. */
export function lastIndexOf(hay: Uint8Array, needle: Uint8Array, from = hay.length - needle.length): number {
  const n = needle.length;
  if (n === 0) return Math.min(from, hay.length);
  const first = needle[0]!;
  for (
    let i = lastIndexOfByte(hay, first, Math.min(from, hay.length - n));
    i !== -1;
    i = lastIndexOfByte(hay, first, i - 1)
  ) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

/** What one pass over text bytes found (see {@link scanLines}). */
export interface LineScan {
  /** Some LF is not preceded by CR, or some CR is not followed by LF. */
  bare: boolean;
  /** A NUL byte occurs. */
  nul: boolean;
  /** A byte above 0x7F occurs. */
  eight: boolean;
  /**
   * The longest line: bytes before its LF minus one (the CR of a CRLF), or for the last line
   * without LF, all its bytes. A line ended by a bare LF is counted one short.
   */
  maxLine: number;
}

// Below this many bytes the word-at-a-time loops are not worth setting up.
const WORDWISE = 64;
const HIGH_BITS = 0x80808080 | 0;
const BELOW_0E = 0x0e0e0e0e;

// Scan state of the byte-wise steps (an Int32Array, so the hot loops share no closure).
const BARE = 0;
const NUL = 1;
const HI = 2;
const MAX_LINE = 3;
const LINE_START = 4;

function scanBytes(b: Uint8Array, from: number, to: number, st: Int32Array): void {
  for (let k = from; k < to; k++) {
    const c = b[k]!;
    st[HI] = st[HI]! | c;
    if (c >= 0x0e) continue;
    if (c === 0) st[NUL] = 1;
    else if (c === 0x0a) {
      const line = k - 1 - st[LINE_START]!;
      if (line > st[MAX_LINE]!) st[MAX_LINE] = line;
      st[LINE_START] = k + 1;
      if (k === 0 || b[k - 1] !== 0x0d) st[BARE] = 1;
    } else if (c === 0x0d && b[k + 1] !== 0x0a) st[BARE] = 1;
  }
}

/** Index of the first word from `k` with a byte above 0x7F or below 0x0E (exact), or `words`. */
function nextSpecialWord(w32: Int32Array, k: number, words: number): number {
  for (; k < words; k++) {
    const w = w32[k]!;
    if (((w | (((w - BELOW_0E) | 0) & ~w)) & HIGH_BITS) !== 0) return k;
  }
  return words;
}

/**
 * Line breaks, NUL, 8-bit bytes and the longest line of `b`, in one pass. Reads four bytes at a
 * time and looks at single bytes only in words holding a control character (< 0x0E) or an 8-bit
 * byte: a 20 MB base64 body takes about 11 ms, a third of a byte-by-byte loop.
 */
export function scanLines(b: Uint8Array): LineScan {
  const n = b.length;
  const st = new Int32Array(5);
  if (n < WORDWISE) scanBytes(b, 0, n, st);
  else {
    const head = (4 - (b.byteOffset & 3)) & 3;
    scanBytes(b, 0, head, st);
    const words = (n - head) >> 2;
    const w32 = new Int32Array(b.buffer, b.byteOffset + head, words);
    for (let k = nextSpecialWord(w32, 0, words); k < words; k = nextSpecialWord(w32, k + 1, words))
      scanBytes(b, head + 4 * k, head + 4 * k + 4, st);
    scanBytes(b, head + 4 * words, n, st);
  }
  let maxLine = st[MAX_LINE]!;
  if (n - st[LINE_START]! > maxLine) maxLine = n - st[LINE_START]!;
  return {
    bare: st[BARE] !== 0,
    nul: st[NUL] !== 0,
    eight: (st[HI]! & 0x80) !== 0,
    maxLine,
  };
}

/** True when the bytes contain a LF not preceded by CR (or a CR not followed by LF). */
export function hasBareLineBreaks(b: Uint8Array): boolean {
  // The first bare line break ends the search (LF-stored files have one on their first line).
  return someInWords(b, (from, to) => {
    for (let k = from; k < to; k++) {
      const c = b[k];
      if (c === 0x0a ? k === 0 || b[k - 1] !== 0x0d : c === 0x0d && b[k + 1] !== 0x0a) return true;
    }
    return false;
  });
}

/**
 * True when `bare(from, to)` holds for some range of `b`: below WORDWISE bytes one call over all of
 * it; above, one call per 32-bit word that holds a CR or LF (nextSpecialWord skips the others four
 * bytes at a time), plus the unaligned head and tail.
 */
function someInWords(b: Uint8Array, bare: (from: number, to: number) => boolean): boolean {
  const n = b.length;
  if (n < WORDWISE) return bare(0, n);
  const head = (4 - (b.byteOffset & 3)) & 3;
  if (bare(0, head)) return true;
  const words = (n - head) >> 2;
  const w32 = new Int32Array(b.buffer, b.byteOffset + head, words);
  for (let k = nextSpecialWord(w32, 0, words); k < words; k = nextSpecialWord(w32, k + 1, words))
    if (bare(head + 4 * k, head + 4 * k + 4)) return true;
  return bare(head + 4 * words, n);
}

/**
 * True when some CR is not followed by LF: a byte the MIME reader does not take for a line break,
 * where other mail readers may. With Node's memchr, one search per CR (7 ms for a 20 MB CRLF part,
 * nothing for an LF-only one); elsewhere word-wise like {@link hasBareLineBreaks} (about 20 ms).
 */
export function hasBareCR(b: Uint8Array): boolean {
  if (nativeIndexOf) {
    for (let i = nativeIndexOf.call(b, 0x0d, 0); i !== -1; i = nativeIndexOf.call(b, 0x0d, i + 1))
      if (b[i + 1] !== 0x0a) return true;
    return false;
  }
  return someInWords(b, (from, to) => {
    for (let k = from; k < to; k++) if (b[k] === 0x0d && b[k + 1] !== 0x0a) return true;
    return false;
  });
}

/** Copies `b[from, to)` to `out` at `o`; short runs byte by byte (cheaper than a view and a native copy). */
function copyRun(b: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
  if (to - from > 32) out.set(b.subarray(from, to), o);
  else for (let i = from; i < to; i++) out[o + i - from] = b[i]!;
  return o + to - from;
}

/** Canonical line endings: every bare LF or bare CR becomes CRLF. Idempotent. */
export function toCRLF(b: Uint8Array): Bytes {
  if (!hasBareLineBreaks(b)) return b as Bytes;
  // Count first to allocate once; then copy the runs between line breaks whole, finding the
  // breaks with native searches, instead of looking at every byte twice.
  let extra = 0;
  for (let i = indexOfByte(b, 0x0a); i !== -1; i = indexOfByte(b, 0x0a, i + 1))
    if (i === 0 || b[i - 1] !== 0x0d) extra++;
  for (let i = indexOfByte(b, 0x0d); i !== -1; i = indexOfByte(b, 0x0d, i + 1))
    if (b[i + 1] !== 0x0a) extra++;
  const out = new Uint8Array(b.length + extra);
  let o = 0;
  let from = 0; // start of the bytes not copied yet
  let lf = indexOfByte(b, 0x0a);
  let cr = indexOfByte(b, 0x0d);
  while (lf !== -1 || cr !== -1) {
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      if (b[cr + 1] === 0x0a) {
        // CRLF: already canonical, copied with the run.
        lf = indexOfByte(b, 0x0a, cr + 2);
        cr = indexOfByte(b, 0x0d, cr + 2);
        continue;
      }
      // Bare CR: copy through it, add the LF.
      o = copyRun(b, from, cr + 1, out, o);
      out[o++] = 0x0a;
      from = cr + 1;
      cr = indexOfByte(b, 0x0d, cr + 1);
    } else {
      // Bare LF (a LF after a CR was skipped with its CR): copy up to it, add CR LF.
      o = copyRun(b, from, lf, out, o);
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      from = lf + 1;
      lf = indexOfByte(b, 0x0a, lf + 1);
    }
  }
  copyRun(b, from, b.length, out, o);
  return out;
}

/** True when some LF is not preceded by CR (a CR not followed by LF does not count: see {@link lfToCRLF}). */
export function hasBareLF(b: Uint8Array): boolean {
  for (let i = indexOfByte(b, 0x0a); i !== -1; i = indexOfByte(b, 0x0a, i + 1))
    if (i === 0 || b[i - 1] !== 0x0d) return true;
  return false;
}

/**
 * The verifier's canonical form of stored text: every LF not preceded by CR becomes CRLF; every
 * other byte, a bare CR included, is kept. Idempotent.
 *
 * Why not {@link toCRLF}: the MIME reader (src/mime) breaks lines at LF only (a CR before it is part
 * of the break), so a bare CR is an ordinary byte to it. Were the verifier to turn a bare CR into a
 * line break, removing one LF from a signed CRLF would still match the digest while the reader saw
 * two lines merged into one: a header hidden, a delimiter gone, a different structure shown than the
 * one signed. With this form the reader and the hasher agree on every line break: adding the CR of
 * an LF-stored line changes no line the reader sees. (OpenSSL's text canonicalisation also keeps a
 * CR that is not before a LF.)
 *
 * @example
 * ```ts
 * lfToCRLF(ascii('a\nb\r\nc\rd')); // 'a\r\nb\r\nc\rd'
 * ```
 */
export function lfToCRLF(b: Uint8Array): Bytes {
  let extra = 0;
  for (let i = indexOfByte(b, 0x0a); i !== -1; i = indexOfByte(b, 0x0a, i + 1))
    if (i === 0 || b[i - 1] !== 0x0d) extra++;
  if (extra === 0) return b as Bytes;
  const out = new Uint8Array(b.length + extra);
  let o = 0;
  let from = 0;
  for (let lf = indexOfByte(b, 0x0a); lf !== -1; lf = indexOfByte(b, 0x0a, lf + 1)) {
    if (lf > 0 && b[lf - 1] === 0x0d) continue; // a CRLF: copied with the run
    o = copyRun(b, from, lf, out, o);
    out[o++] = 0x0d;
    out[o++] = 0x0a;
    from = lf + 1;
  }
  copyRun(b, from, b.length, out, o);
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/**
 * A cheap 32-bit key for DER objects that end in a signature (certificates, CRLs): FNV-1a over the
 * length and the last 64 bytes, which are random-looking signature bytes. Not collision-proof: a
 * cache keyed by it must confirm a hit with {@link equalBytes}.
 */
export function tailHash(b: Uint8Array): number {
  return fnv1a(b, Math.max(0, b.length - 64), b.length, b.length);
}

/**
 * 32-bit FNV-1a over `seed` (a length, mixed in first) and the bytes `b[from, to)`: the hash of
 * the caches keyed by content ({@link tailHash}, the OID cache of der/read.ts).
 *
 * @internal
 */
export function fnv1a(b: Uint8Array, from: number, to: number, seed: number): number {
  let h = Math.imul(0x811c9dc5 ^ seed, 0x01000193);
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

// Node's Buffer compares with memcmp; found at run time (browsers have none), never imported, so a
// bundle for the web does not pull a Buffer polyfill in.
const nativeBuffer = (
  globalThis as { Buffer?: { from(b: ArrayBufferLike, offset: number, length: number): Uint8Array } }
).Buffer;

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  // Certificates and CMS fields (kilobytes, compared to confirm every cache hit): memcmp in Node.
  if (n >= 256 && nativeBuffer)
    return (
      nativeBuffer.from(a.buffer, a.byteOffset, n) as Uint8Array & { equals(o: Uint8Array): boolean }
    ).equals(b);
  return equalWords(a, b);
}

/**
 * Byte equality without Buffer (browsers): long arrays four bytes at a time through DataViews (any
 * alignment), about three times faster than the byte loop.
 *
 * @internal
 */
export function equalWords(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (n >= 64) {
    const x = new DataView(a.buffer, a.byteOffset, n);
    const y = new DataView(b.buffer, b.byteOffset, n);
    for (; i + 4 <= n; i += 4) if (x.getUint32(i) !== y.getUint32(i)) return false;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy backed by its own ArrayBuffer (for APIs that read `.buffer` whole). */
export function own(b: Uint8Array): Bytes {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer
    ? (b as Bytes)
    : (b.slice() as Bytes);
}
