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
  const out = new Uint8Array(input.length);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== 0x3d) {
      out[o++] = c;
      continue;
    }
    // Soft break: '=' then optional trailing whitespace then EOL.
    let j = i + 1;
    while (input[j] === 0x20 || input[j] === 0x09) j++;
    if (input[j] === 0x0a) {
      i = j;
      continue;
    }
    if (input[j] === 0x0d && input[j + 1] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (j >= input.length) {
      i = j;
      continue;
    }
    const h = hexValue(input[i + 1] ?? 0);
    const l = hexValue(input[i + 2] ?? 0);
    if (h >= 0 && l >= 0) {
      out[o++] = (h << 4) | l;
      i += 2;
    } else out[o++] = c;
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
