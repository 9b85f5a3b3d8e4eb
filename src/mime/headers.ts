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
  readonly #index = new Map<string, HeaderField[]>();

  constructor(fields: readonly HeaderField[]) {
    this.fields = fields;
    for (const f of fields) {
      const k = f.name.toLowerCase();
      const list = this.#index.get(k);
      if (list) list.push(f);
      else this.#index.set(k, [f]);
    }
  }

  /** The first field with this name (any case), or undefined. */
  field(name: string): HeaderField | undefined {
    return this.#index.get(name.toLowerCase())?.[0];
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
    return this.#index.get(name.toLowerCase()) ?? [];
  }

  /** True when a field with this name exists. */
  has(name: string): boolean {
    return this.#index.has(name.toLowerCase());
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

/** Decodes a raw header value: valid UTF-8 bytes become text, otherwise latin1; then RFC 2047. */
function decodeValue(raw: string): string {
  let text = raw;
  // Raw 8-bit header bytes (not allowed by RFC 5322, sent anyway): prefer UTF-8 when it decodes cleanly.
  if (/[\x80-\xff]/.test(raw)) {
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = raw;
    }
  }
  return text.includes('=?') ? decodeEncodedWords(text) : text;
}

/**
 * Parses the header block `bytes[start, end)` into fields. Lines that are neither a field nor a
 * continuation (no colon) are skipped rather than failing: real mail has them, and nothing signed
 * depends on them.
 */
export function parseHeaderBlock(bytes: Uint8Array, start: number, end: number, limits: Limits): Headers {
  enforce(limits, 'maxHeaderBytes', end - start, 'header block');
  const text = latin1(bytes, start, end);
  const fields: HeaderField[] = [];
  let name = '';
  let value = '';
  const flush = (): void => {
    if (name) {
      const raw = value.trim();
      fields.push({ name, raw, value: decodeValue(raw) });
    }
    name = '';
    value = '';
  };
  const noCr = (l: string): string => (l.charCodeAt(l.length - 1) === 0x0d ? l.slice(0, -1) : l);
  // Lines split at LF, a CR before it dropped (as split(/\r?\n/) would, without the regex).
  for (let at = 0; at <= text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl === -1) nl = text.length;
    const line = nl < text.length ? noCr(text.slice(at, nl)) : text.slice(at);
    at = nl + 1;
    enforce(limits, 'maxLineBytes', line.length, 'header line');
    if (line === '' || line === '\r') continue;
    const first = line.charCodeAt(0);
    if ((first === 0x20 || first === 0x09) && name) {
      // Unfolding (RFC 5322 §2.2.3): the CRLF goes, the whitespace stays.
      value += noCr(line);
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const n = line.slice(0, colon).trimEnd();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(n)) continue;
    name = n;
    value = noCr(line.slice(colon + 1));
  }
  flush();
  return new Headers(fields);
}
