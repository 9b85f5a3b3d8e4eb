// Structured header values with parameters (Content-Type, Content-Disposition): RFC 2045 §5.1
// tokens and quoted strings, RFC 2231 continuations and charsets.
import { decodeCharset, decodeEncodedWords } from './encoded-words.js';

/**
 * A parsed `type/subtype; a=b` or `disposition; a=b` value.
 *
 * @example
 * ```ts
 * const disposition: ParsedValue | undefined = parsePec(bytes).original?.attachments[0]?.entity.disposition;
 * ```
 * @category Low-level
 */
export interface ParsedValue {
  /** The lower-cased main value (`multipart/signed`, `attachment`). */
  value: string;
  /** Parameters, names lower-cased, values decoded. */
  params: ReadonlyMap<string, string>;
}

function percentDecode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(s.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(out);
}

/** Splits a header value into the main value and raw `name=value` pairs, honouring quotes. */
function tokenize(input: string): { main: string; pairs: [string, string, boolean][] } {
  const pairs: [string, string, boolean][] = [];
  let i = input.indexOf(';');
  const main = (i === -1 ? input : input.slice(0, i)).trim();
  if (i === -1) return { main, pairs };
  const n = input.length;
  while (i < n) {
    // skip ';' and whitespace
    while (i < n && (input[i] === ';' || input[i] === ' ' || input[i] === '\t')) i++;
    if (i >= n) break;
    const eq = input.indexOf('=', i);
    const semi = input.indexOf(';', i);
    if (eq === -1 || (semi !== -1 && semi < eq)) {
      i = semi === -1 ? n : semi;
      continue;
    }
    const name = input.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
    let value = '';
    let quoted = false;
    if (input[i] === '"') {
      quoted = true;
      i++;
      while (i < n && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < n) i++;
        value += input[i];
        i++;
      }
      i++; // closing quote (or end of a truncated value)
      const next = input.indexOf(';', i);
      i = next === -1 ? n : next;
    } else {
      const next = input.indexOf(';', i);
      value = (next === -1 ? input.slice(i) : input.slice(i, next)).trim();
      i = next === -1 ? n : next;
    }
    if (name) pairs.push([name, value, quoted]);
  }
  return { main, pairs };
}

/**
 * Parses a structured header value. RFC 2231 `name*=charset'lang'pct` and `name*0*=`…
 * continuations are joined and decoded; RFC 2047 words inside quoted values (common in the wild,
 * though not allowed) are decoded too.
 */
export function parseParams(input: string): ParsedValue {
  const { main, pairs } = tokenize(input);
  const params = new Map<string, string>();
  const continued = new Map<string, { parts: Map<number, { v: string; enc: boolean }> }>();
  for (const [rawName, v, quoted] of pairs) {
    const m = /^([^*]+)\*(\d+)?(\*)?$/.exec(rawName);
    if (!m) {
      if (!params.has(rawName)) params.set(rawName, quoted && v.includes('=?') ? decodeEncodedWords(v) : v);
      continue;
    }
    const base = m[1]!;
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const enc = m[3] === '*' || (m[2] === undefined && rawName.endsWith('*'));
    let entry = continued.get(base);
    if (!entry) {
      entry = { parts: new Map() };
      continued.set(base, entry);
    }
    if (index < 10_000) entry.parts.set(index, { v, enc });
  }
  for (const [base, { parts }] of continued) {
    let charset = 'us-ascii';
    const bytes: number[] = [];
    const indices = [...parts.keys()].sort((a, b) => a - b);
    for (const idx of indices) {
      const { v, enc } = parts.get(idx)!;
      let text = v;
      if (enc && idx === indices[0]) {
        const q1 = text.indexOf("'");
        const q2 = q1 === -1 ? -1 : text.indexOf("'", q1 + 1);
        if (q2 !== -1) {
          charset = text.slice(0, q1) || 'us-ascii';
          text = text.slice(q2 + 1);
        }
      }
      const chunk = enc ? percentDecode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
      for (const b of chunk) bytes.push(b);
    }
    // RFC 2231 wins over a plain parameter of the same name.
    params.set(base, decodeCharset(Uint8Array.from(bytes), charset === 'us-ascii' ? 'utf-8' : charset));
  }
  return { value: main.toLowerCase(), params };
}

/**
 * A parsed Content-Type with the RFC 2045 default (`text/plain; charset=us-ascii`).
 *
 * @example
 * ```ts
 * const ct: ContentType | undefined = parsePec(bytes).original?.entity.contentType;
 * ```
 * @category Low-level
 */
export interface ContentType extends ParsedValue {
  type: string;
  subtype: string;
}

/** Parses a Content-Type header value (undefined → the RFC 2045 default). */
export function parseContentType(input: string | undefined, fallback = 'text/plain'): ContentType {
  const parsed = parseParams(input ?? fallback);
  let value = parsed.value;
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(value)) value = fallback;
  const slash = value.indexOf('/');
  return { value, params: parsed.params, type: value.slice(0, slash), subtype: value.slice(slash + 1) };
}
