// Base64 (RFC 2045 §6.8): tolerant decoding of mail bodies, 76-column encoding for output.
import type { Bytes } from '../bytes.js';
import { PecError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = ALPHABET.charCodeAt(i);

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Decodes base64 text, ignoring whitespace and any line length.
 * With `strict` (the default) any other character outside the alphabet, data after padding or a
 * dangling single character is a BASE64_INVALID error: a broken signature must not decode to
 * something that merely looks like DER.
 */
export function decodeBase64(text: Uint8Array, strict = true): Bytes {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let n = 0;
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (isSpace(c)) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    const v = DECODE[c]!;
    if (v < 0 || pad > 0) {
      if (strict) {
        throw new PecError(
          'BASE64_INVALID',
          v < 0
            ? `invalid base64 character 0x${c.toString(16)} at offset ${i}`
            : `base64 data after padding at offset ${i}`,
          { offset: i },
        );
      }
      if (v < 0) continue;
    }
    acc = (acc << 6) | v;
    n++;
    if (n === 4) {
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

/**
 * The decoded length of base64 text without decoding it, or -1 when the text is not valid
 * base64 (a character outside the alphabet, data after padding, a dangling character).
 * Lets a parser report an attachment's size without allocating its content.
 */
export function base64DecodedLength(text: Uint8Array): number {
  let n = 0;
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === 0x3d) pad++;
    else if (DECODE[c]! >= 0) {
      if (pad > 0) return -1;
      n++;
    } else if (!isSpace(c)) return -1;
  }
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
  const put = (c: number): void => {
    out[o++] = c;
    if (++col === lineLength) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
    }
  };
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
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
  const lines = encodeBase64Lines(data, 1 << 30);
  let s = '';
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i]!;
    if (c !== 0x0d && c !== 0x0a) s += String.fromCharCode(c);
  }
  return s;
}
