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

/**
 * Most parameters read from one header value; the rest is ignored. Real headers carry a handful
 * (boundary, charset, name…); a value of thousands is hostile, and a Map of them costs time per
 * parameter however linear the scan.
 */
export const MAX_PARAMS = 256;

const SEMI = 0x3b;
const EQ = 0x3d;
const SP = 0x20;
const TAB = 0x09;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Splits a header value into the main value and raw `name=value` pairs, honouring quotes. One pass
 * over the input, every character visited once: a hostile value such as `;a;a;a…` (no `=`
 * anywhere) must cost its length, not its length squared, so the scan never searches ahead from
 * each parameter for the next `=` or `;`. At most {@link MAX_PARAMS} pairs are kept.
 */
function tokenize(input: string): { main: string; pairs: [string, string, boolean][] } {
  const pairs: [string, string, boolean][] = [];
  let i = input.indexOf(';');
  const main = (i === -1 ? input : input.slice(0, i)).trim();
  if (i === -1) return { main, pairs };
  const n = input.length;
  while (i < n && pairs.length < MAX_PARAMS) {
    let c = input.charCodeAt(i);
    // skip ';' and whitespace
    while (i < n && (c === SEMI || c === SP || c === TAB)) c = input.charCodeAt(++i);
    if (i >= n) break;
    // The name runs to '=' (a parameter) or ';' (a stray token, skipped).
    const start = i;
    while (i < n && c !== EQ && c !== SEMI) c = input.charCodeAt(++i);
    if (i >= n || c === SEMI) continue;
    const name = input.slice(start, i).trim().toLowerCase();
    c = input.charCodeAt(++i); // past '='
    while (i < n && (c === SP || c === TAB)) c = input.charCodeAt(++i);
    let value: string;
    let quoted = false;
    if (c === DQUOTE) {
      quoted = true;
      // Pieces between backslash escapes; most values have none and are one slice.
      let parts: string[] | null = null;
      let from = ++i;
      c = input.charCodeAt(i);
      while (i < n && c !== DQUOTE) {
        if (c === BACKSLASH && i + 1 < n) {
          parts ??= [];
          parts.push(input.slice(from, i));
          from = ++i;
        }
        c = input.charCodeAt(++i);
      }
      const last = input.slice(from, i);
      if (parts === null) value = last;
      else {
        parts.push(last);
        value = parts.join('');
      }
      i++; // closing quote (or end of a truncated value)
      while (i < n && input.charCodeAt(i) !== SEMI) i++;
    } else {
      const from = i;
      while (i < n && c !== SEMI) c = input.charCodeAt(++i);
      value = input.slice(from, i).trim();
    }
    if (name) pairs.push([name, value, quoted]);
  }
  return { main, pairs };
}

const RFC2231_NAME = /^([^*]+)\*(\d+)?(\*)?$/;

/**
 * Parses a structured header value. RFC 2231 `name*=charset'lang'pct` and `name*0*=`…
 * continuations are joined and decoded; RFC 2047 words inside quoted values (common in the wild,
 * though not allowed) are decoded too.
 */
export function parseParams(input: string): ParsedValue {
  const { main, pairs } = tokenize(input);
  const params = new Map<string, string>();
  // RFC 2231 parameters are rare: their map is made for the first one.
  let continued: Map<string, { parts: Map<number, { v: string; enc: boolean }> }> | undefined;
  for (const [rawName, v, quoted] of pairs) {
    // Only a name with a '*' can be an RFC 2231 one: the others skip the regex.
    const m = rawName.includes('*') ? RFC2231_NAME.exec(rawName) : null;
    if (!m) {
      if (!params.has(rawName)) params.set(rawName, quoted && v.includes('=?') ? decodeEncodedWords(v) : v);
      continue;
    }
    const base = m[1]!;
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const enc = m[3] === '*' || (m[2] === undefined && rawName.endsWith('*'));
    continued ??= new Map();
    let entry = continued.get(base);
    if (!entry) {
      entry = { parts: new Map() };
      continued.set(base, entry);
    }
    if (index < 10_000) entry.parts.set(index, { v, enc });
  }
  if (continued === undefined) return { value: main.toLowerCase(), params };
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
 * The parameters `input` names more than once: twice plainly, both plainly and in RFC 2231 form
 * (`boundary="A"; boundary*0="B"`), or one RFC 2231 section twice. Readers disagree on which one
 * counts (pec-kit takes the RFC 2231 form, else the first; Python's email the plain one; OpenSSL
 * refuses the message), so a repeated boundary can show each reader other parts.
 */
export function repeatedParams(input: string): string[] {
  const plain = new Set<string>();
  const starred = new Set<string>();
  const sections = new Set<string>();
  const repeated = new Set<string>();
  for (const [name] of tokenize(input).pairs) {
    const m = name.includes('*') ? RFC2231_NAME.exec(name) : null;
    if (m) {
      const base = m[1]!;
      // By number, as parseParams joins them: `*0` and `*00` are one section.
      const section = `${base}*${Number(m[2] ?? 0)}`;
      if (sections.has(section) || plain.has(base)) repeated.add(base);
      sections.add(section);
      starred.add(base);
    } else {
      if (plain.has(name) || starred.has(name)) repeated.add(name);
      plain.add(name);
    }
  }
  return [...repeated];
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
