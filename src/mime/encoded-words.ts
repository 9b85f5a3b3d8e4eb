// RFC 2047 encoded-word decoding (and the charset table shared with RFC 2231 parameters).
import { latin1 } from '../bytes.js';
import { decodeBase64 } from './base64.js';
import { decodeUtf7, isUtf7Label } from './utf7.js';

// One decoder per label, made on first use: building a TextDecoder costs more than decoding a
// header or a short text part with it, and decode() without `stream` starts afresh each call.
// Only labels that name an encoding are kept (a finite set, whatever the input says).
const decoders = new Map<string, TextDecoder>();

/** Decodes bytes in the named charset; unknown charsets fall back to latin1 so no byte is lost. */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  let cs = charset.trim().toLowerCase();
  if (cs === 'utf8') cs = 'utf-8';
  if (isUtf7Label(cs)) return decodeUtf7(bytes); // TextDecoder has no UTF-7 (WHATWG dropped it)
  let decoder = decoders.get(cs);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(cs);
    } catch {
      return latin1(bytes); // one char per byte: nothing lost
    }
    decoders.set(cs, decoder);
  }
  return decoder.decode(bytes);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** RFC 2047 "Q": `_` is a space, `=XX` a byte, anything else its char code's low byte. */
function decodeQ(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out[o++] = 0x20;
    else if (c === 0x3d && hexPair(text, i + 1) >= 0) {
      out[o++] = hexPair(text, i + 1);
      i += 2;
    } else out[o++] = c & 0xff;
  }
  return out.slice(0, o);
}

/** The byte written as two hex digits at `text[i]`, or -1. */
function hexPair(text: string, i: number): number {
  if (i + 1 >= text.length) return -1;
  const h = hexDigit(text.charCodeAt(i));
  const l = hexDigit(text.charCodeAt(i + 1));
  return h < 0 || l < 0 ? -1 : (h << 4) | l;
}

const utf8Encoder = new TextEncoder();

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
      m[2]!.toUpperCase() === 'B' ? decodeBase64(utf8Encoder.encode(m[3]!), false) : decodeQ(m[3]!);
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
