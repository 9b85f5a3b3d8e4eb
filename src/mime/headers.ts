// RFC 5322 header blocks: split from the body, unfolded, looked up case-insensitively, with the
// original bytes kept (a verifier must be able to say exactly what an unsigned header said).
import { latin1 } from '../bytes.js';
import { enforce, type Limits } from '../limits.js';
import { decodeEncodedWords } from './encoded-words.js';

/**
 * One header field as it appeared.
 *
 * @example
 * ```ts
 * const first: HeaderField | undefined = parsePec(bytes).rawHeaders.field('Received');
 * ```
 * @category Low-level
 */
export interface HeaderField {
  /** The name as written (case kept). */
  readonly name: string;
  /** The unfolded value, raw: bytes mapped one-to-one to chars (latin1), no RFC 2047 decoding. */
  readonly raw: string;
  /** The unfolded value decoded for display: 8-bit UTF-8 recognised, RFC 2047 words decoded. */
  readonly value: string;
}

/**
 * An ordered, case-insensitive list of header fields.
 *
 * @example
 * ```ts
 * const tipo = parsePec(bytes).rawHeaders.get('X-TipoRicevuta'); // any spelling of the name
 * ```
 * @category Low-level
 */
export class Headers {
  readonly fields: readonly HeaderField[];
  // The lower-cased names, in field order: a lookup scans them (an entity has a handful of
  // fields and a reader asks for a handful of names; building a Map per entity cost more).
  readonly #names: string[];
  #lists: Map<string, HeaderField[]> | undefined;

  constructor(fields: readonly HeaderField[]) {
    this.fields = fields;
    const names = new Array<string>(fields.length);
    for (let i = 0; i < fields.length; i++) names[i] = fields[i]!.name.toLowerCase();
    this.#names = names;
  }

  /** The first field with this name (any case), or undefined. */
  field(name: string): HeaderField | undefined {
    const i = this.#names.indexOf(name.toLowerCase());
    return i === -1 ? undefined : this.fields[i];
  }

  /** The decoded value of the first field with this name, or undefined. */
  get(name: string): string | undefined {
    return this.field(name)?.value;
  }

  /** The raw (undecoded, unfolded) value of the first field with this name. */
  getRaw(name: string): string | undefined {
    return this.field(name)?.raw;
  }

  /** Every field with this name, in order. */
  getAll(name: string): HeaderField[] {
    const key = name.toLowerCase();
    // One list per name, made on first ask and kept: the same array on every call, as before.
    this.#lists ??= new Map();
    let list = this.#lists.get(key);
    if (list === undefined) {
      list = [];
      for (let i = 0; i < this.#names.length; i++) if (this.#names[i] === key) list.push(this.fields[i]!);
      if (list.length === 0) return list;
      this.#lists.set(key, list);
    }
    return list;
  }

  /** True when a field with this name exists. */
  has(name: string): boolean {
    return this.#names.includes(name.toLowerCase());
  }
}

/** Where a header block ends and the body starts, within `bytes[start, end)`. */
export interface HeaderSplit {
  /** Offset of the end of the header block (excluding the empty line). */
  headerEnd: number;
  /** Offset of the first body byte (after the empty line), or `end` when there is no body. */
  bodyStart: number;
  /** False when no empty line was found: the whole range was taken as headers. */
  complete: boolean;
}

/**
 * Finds the empty line that ends a header block. Accepts CRLF CRLF, LF LF and the mixed forms.
 * An entity that starts with an empty line has no headers (legal in MIME parts).
 */
export function splitHeaderBody(bytes: Uint8Array, start = 0, end = bytes.length): HeaderSplit {
  if (bytes[start] === 0x0a) return { headerEnd: start, bodyStart: start + 1, complete: true };
  if (bytes[start] === 0x0d && bytes[start + 1] === 0x0a)
    return { headerEnd: start, bodyStart: start + 2, complete: true };
  for (let i = bytes.indexOf(0x0a, start); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) {
    const j = i + 1;
    if (bytes[j] === 0x0a && j < end) return { headerEnd: i + 1, bodyStart: j + 1, complete: true };
    if (bytes[j] === 0x0d && bytes[j + 1] === 0x0a && j + 1 < end)
      return { headerEnd: i + 1, bodyStart: j + 2, complete: true };
  }
  return { headerEnd: end, bodyStart: end, complete: false };
}

// Made once: a fatal decoder throws on bad input and starts afresh on the next call.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Raw 8-bit header bytes (not allowed by RFC 5322, sent anyway): UTF-8 when they decode cleanly, else latin1. */
export function decode8bit(raw: string): string {
  if (!HIGH.test(raw)) return raw;
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return raw;
  }
}

/** Decodes a raw header value: valid UTF-8 bytes become text, otherwise latin1; then RFC 2047. */
export function decodeValue(raw: string): string {
  const text = decode8bit(raw);
  return text.includes('=?') ? decodeEncodedWords(text) : text;
}

/** True when a header name is one or more printable US-ASCII characters other than `:` (RFC 5322 §3.6.8). */
function isFieldName(n: string): boolean {
  if (n.length === 0) return false;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x3a) return false;
  }
  return true;
}

const HIGH = /[\x80-\xff]/;

/**
 * Parses the header block `bytes[start, end)` into fields. Lines that are neither a field nor a
 * continuation (no colon) are skipped rather than failing: real mail has them, and nothing signed
 * depends on them.
 *
 * Lines are split at LF and one CR before it is dropped (as split(/\r?\n/) would); the last line,
 * without a LF, keeps its CR. A field's value then drops one more final CR of each of its lines
 * (a line ending CR CR LF). One pass over the block's text, positions instead of line copies.
 */
export function parseHeaderBlock(bytes: Uint8Array, start: number, end: number, limits: Limits): Headers {
  enforce(limits, 'maxHeaderBytes', end - start, 'header block');
  const text = latin1(bytes, start, end);
  // Unfolding joins lines with the leading whitespace of the next: it cannot form a "=?" or an
  // 8-bit character the block does not hold, so a block without either needs no decoding at all.
  const plain = !text.includes('=?') && !HIGH.test(text);
  const maxLine = limits.maxLineBytes;
  const len = text.length;
  const fields: HeaderField[] = [];
  let name = '';
  let value = '';
  // The first ':' at or after the current line (-1: none left). Kept across lines, so a block of
  // lines without colons is searched once, not once per line.
  let colon = -2; // -2: not searched yet
  for (let at = 0; at <= len; ) {
    let nl = text.indexOf('\n', at);
    let e: number; // end of the line, its CR before the LF dropped
    if (nl === -1) {
      nl = len;
      e = len;
    } else e = nl > at && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    const lineStart = at;
    at = nl + 1;
    const lineLength = e - lineStart;
    if (lineLength > maxLine) enforce(limits, 'maxLineBytes', lineLength, 'header line');
    if (lineLength === 0 || (lineLength === 1 && text.charCodeAt(lineStart) === 0x0d)) continue;
    const first = text.charCodeAt(lineStart);
    // One more final CR goes from the value (see above).
    const valueEnd = text.charCodeAt(e - 1) === 0x0d ? e - 1 : e;
    if ((first === 0x20 || first === 0x09) && name) {
      // Unfolding (RFC 5322 §2.2.3): the CRLF goes, the whitespace stays.
      value += text.slice(lineStart, valueEnd);
      continue;
    }
    if (name) {
      const raw = value.trim();
      fields.push({ name, raw, value: plain ? raw : decodeValue(raw) });
      name = '';
      value = '';
    }
    if (colon !== -1 && colon < lineStart) colon = text.indexOf(':', lineStart);
    if (colon <= lineStart || colon >= e) continue;
    const n = text.slice(lineStart, colon).trimEnd();
    if (!isFieldName(n)) continue;
    name = n;
    value = text.slice(colon + 1, valueEnd);
  }
  if (name) {
    const raw = value.trim();
    fields.push({ name, raw, value: plain ? raw : decodeValue(raw) });
  }
  return new Headers(fields);
}
