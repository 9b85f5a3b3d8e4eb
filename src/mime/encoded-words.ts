// RFC 2047 encoded-word decoding (and the charset table shared with RFC 2231 parameters).
import { latin1 } from '../bytes.js';
import { decodeBase64 } from './base64.js';
import { decodeUtf7, isUtf7Label } from './utf7.js';

/** Decodes bytes in the named charset; unknown charsets fall back to latin1 so no byte is lost. */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  let cs = charset.trim().toLowerCase();
  if (cs === 'utf8') cs = 'utf-8';
  if (isUtf7Label(cs)) return decodeUtf7(bytes); // TextDecoder has no UTF-7 (WHATWG dropped it)
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return latin1(bytes); // one char per byte: nothing lost
  }
}

function decodeQ(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(out);
}

const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes every RFC 2047 encoded-word in a header value. Whitespace between two adjacent encoded
 * words is dropped (RFC 2047 §6.2); malformed words stay as they are.
 */
export function decodeEncodedWords(value: string): string {
  // Join adjacent words of the same charset/encoding at the byte level, so a multi-byte character
  // split across two words (sloppy encoders do this) decodes correctly.
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Uint8Array[] } | null = null;
  const flush = (): void => {
    if (!pending) return;
    let n = 0;
    for (const b of pending.bytes) n += b.length;
    const all = new Uint8Array(n);
    let o = 0;
    for (const b of pending.bytes) {
      all.set(b, o);
      o += b.length;
    }
    out += decodeCharset(all, pending.charset);
    pending = null;
  };
  WORD.lastIndex = 0;
  for (let m = WORD.exec(value); m; m = WORD.exec(value)) {
    const between = value.slice(last, m.index);
    const charset = m[1]!.split('*')[0]!;
    const bytes =
      m[2]!.toUpperCase() === 'B' ? decodeBase64(new TextEncoder().encode(m[3]!), false) : decodeQ(m[3]!);
    if (pending && /^[ \t\r\n]*$/.test(between)) {
      if ((pending as { charset: string }).charset.toLowerCase() === charset.toLowerCase()) {
        (pending as { bytes: Uint8Array[] }).bytes.push(bytes);
      } else {
        flush();
        pending = { charset, bytes: [bytes] };
      }
    } else {
      flush();
      out += between;
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}
