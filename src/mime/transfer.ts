// Content-Transfer-Encoding decoding (RFC 2045 §6): base64, quoted-printable, identity.
import type { Bytes } from '../bytes.js';
import { enforce, type Limits } from '../limits.js';
import { decodeBase64 } from './base64.js';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Decodes quoted-printable. Soft line breaks (`=` at line end, CRLF or LF) are removed, `=XX`
 * decoded; a malformed `=` is kept literally (RFC 2045 §6.7 note 1) rather than failing.
 */
export function decodeQuotedPrintable(input: Uint8Array): Bytes {
  const n = input.length;
  const out = new Uint8Array(n);
  let o = 0;
  let i = 0;
  while (i < n) {
    const c = input[i]!;
    if (c !== 0x3d) {
      out[o++] = c;
      i++;
      continue;
    }
    // Soft break: '=' then optional trailing whitespace then EOL. (Every read is bounds-checked:
    // a typed-array read past the end makes V8 compile the whole loop for the slow case.)
    let j = i + 1;
    while (j < n && (input[j] === 0x20 || input[j] === 0x09)) j++;
    if (j >= n) break; // '=' and blanks at the very end: dropped
    if (input[j] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (input[j] === 0x0d && j + 1 < n && input[j + 1] === 0x0a) {
      i = j + 2;
      continue;
    }
    const h = i + 1 < n ? hexValue(input[i + 1]!) : -1;
    const l = i + 2 < n ? hexValue(input[i + 2]!) : -1;
    if (h >= 0 && l >= 0) {
      out[o++] = (h << 4) | l;
      i += 3;
    } else {
      out[o++] = c;
      i++;
    }
  }
  return out.slice(0, o);
}

/**
 * Decodes a part body according to its Content-Transfer-Encoding (absent → identity).
 * `strict` base64 (the default) refuses characters outside the alphabet with BASE64_INVALID;
 * lenient decoding skips them, for display of damaged attachments.
 */
export function decodeTransfer(
  body: Uint8Array,
  encoding: string | undefined,
  limits: Limits,
  strict = true,
): Bytes {
  const enc = (encoding ?? '7bit').trim().toLowerCase();
  if (enc === 'base64') {
    enforce(limits, 'maxBase64Bytes', body.length, 'base64 body');
    return decodeBase64(body, strict);
  }
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return body as Bytes;
}
