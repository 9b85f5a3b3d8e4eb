// RFC 5322 address lists, read leniently: enough to get display names and addr-specs out of real
// PEC headers ("Per conto di: a@b" <posta-certificata@…>, groups, comments, odd quoting).
import { decode8bit, decodeValue } from './headers.js';

/**
 * One mailbox of an address field: display name and address.
 *
 * @example
 * ```ts
 * const from: Mailbox | undefined = parsePec(bytes).mail.mailboxes.from[0];
 * console.log(from?.name || from?.address);
 * ```
 */
export interface Mailbox {
  /** Display name, unquoted (empty when absent). */
  name: string;
  /** The addr-spec as written (case kept). */
  address: string;
}

/** Splits at top-level commas (outside quotes, angle brackets and comments). */
function splitTopLevel(value: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let angle = false;
  let from = 0; // start of the current item: every character but a top-level separator is kept
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '\\' && i + 1 < value.length) i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === sep && depth === 0 && !angle) {
      out.push(value.slice(from, i));
      from = i + 1;
    }
  }
  out.push(value.slice(from));
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

function stripComments(s: string): string {
  return s.replace(/\([^()]*\)/g, ' ').trim();
}

/**
 * Offset of the `<` that opens the angle-addr: the last one outside quoted strings and comments
 * (a quoted display name may itself contain `<x@y>`), or -1.
 */
function angleStart(v: string): number {
  let quoted = false;
  let depth = 0;
  let found = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === '<') found = i;
  }
  return found;
}

/** Parses one mailbox (`Name <a@b>` or `a@b`); null when there is no address. */
export function parseMailbox(value: string): Mailbox | null {
  const v = value.trim();
  const lt = angleStart(v);
  const gt = lt === -1 ? -1 : v.indexOf('>', lt);
  if (lt !== -1 && gt > lt) {
    const address = v.slice(lt + 1, gt).trim();
    const phrase = v.slice(0, lt).trim();
    // An unquoted phrase holding an addr-spec (`a@b <a@b>`) is not a display name (RFC 5322 atext
    // has no "@"): other readers (Python's email.utils) see no name there either.
    const name = !phrase.startsWith('"') && /^[^\s"]+@[^\s"]+$/.test(phrase) ? '' : unquote(phrase);
    return address ? { name, address } : null;
  }
  const bare = stripComments(v).replace(/^"|"$/g, '');
  return bare.includes('@') ? { name: '', address: bare } : null;
}

/** Parses an address list; group syntax (`name: a, b;`) is flattened. */
export function parseAddressList(value: string | undefined): Mailbox[] {
  if (!value) return [];
  const out: Mailbox[] = [];
  for (const item of splitTopLevel(value, ',')) {
    let text = item;
    // A group "Friends: a@b" – but not a quoted display name containing a colon.
    const colon = topLevelColon(text);
    if (colon !== -1) text = text.slice(colon + 1).replace(/;\s*$/, '');
    const m = parseMailbox(text.replace(/;\s*$/, ''));
    if (m) out.push(m);
  }
  return out;
}

/**
 * Reads an address field from its raw value: the mailboxes are found first and RFC 2047 is undone
 * in display names only. An encoded-word is never an address (RFC 2047 §5): decoding the whole
 * value first would let `=?utf-8?Q?X_<a@b>?= <c@d>` or `=?utf-8?B?…?=` invent an address that
 * other readers (postal-mime included) do not see.
 *
 * @example
 * ```ts
 * readMailboxes('=?utf-8?Q?Mario_Rossi?= <mario@example.it>'); // [{ name: 'Mario Rossi', address: 'mario@example.it' }]
 * ```
 */
export function readMailboxes(raw: string | undefined): Mailbox[] {
  return parseAddressList(raw).map((m) => ({
    name: m.name ? decodeValue(m.name) : '',
    address: decode8bit(m.address),
  }));
}

/** What makes an address field read differently by different readers (see {@link addressAmbiguities}). */
export type AddressAmbiguity = 'several' | 'none' | 'encoded-address' | 'name-address';

/**
 * The ways a raw address field can be read as another address by another reader: several
 * mailboxes, none, an encoded-word where the address should be, or a display name that holds an
 * `<address>` itself (quoted, unquoted, or inside an encoded-word).
 *
 * @example
 * ```ts
 * addressAmbiguities('"a@b.it <a@b.it>" <c@d.it>'); // ['name-address']
 * ```
 */
export function addressAmbiguities(raw: string): AddressAmbiguity[] {
  const out: AddressAmbiguity[] = [];
  const boxes = parseAddressList(raw);
  if (boxes.length > 1) out.push('several');
  if (boxes.length === 0) {
    // No address in the raw text, but one once decoded: an encoded-word used as the address.
    out.push(parseAddressList(decodeValue(raw)).length > 0 ? 'encoded-address' : 'none');
    return out;
  }
  if (boxes.some((m) => m.address.includes('=?'))) out.push('encoded-address');
  const items = splitTopLevel(raw, ',');
  const named = (name: string): boolean => /<[^<>]*@[^<>]*>/.test(name);
  if (
    items.some((item) => angleAddrs(item) > 1) ||
    boxes.some((m) => named(stripComments(m.name)) || named(decodeValue(m.name)))
  )
    out.push('name-address');
  return out;
}

const NAME_SEPARATORS = /[\s<>"'()[\]{},;:]+/;

/**
 * The address a From's display name reads as (`"giudice@x" <mario@y>`, `giudice@x <mario@y>`,
 * an encoded word that decodes to one), lower-cased, or null. What precedes the last `<` is the
 * name; it is decoded and cut at blanks and punctuation, without a regular expression that could
 * backtrack over a long name.
 */
export function nameAddress(raw: string): string | null {
  const lt = raw.lastIndexOf('<');
  if (lt <= 0) return null;
  const name = decodeValue(raw.slice(0, lt));
  if (!name.includes('@')) return null;
  for (const token of name.split(NAME_SEPARATORS)) {
    let a = 0;
    let b = token.length;
    while (a < b && token[a] === '.') a++;
    while (b > a && token[b - 1] === '.') b--;
    const at = token.indexOf('@', a);
    if (at > a && at < b - 1) return token.slice(a, b).toLowerCase();
  }
  return null;
}

/** Angle-bracketed parts outside quotes and comments. */
function angleAddrs(s: string): number {
  let n = 0;
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '<' && depth === 0) n++;
  }
  return n;
}

function topLevelColon(s: string): number {
  let quoted = false;
  let angle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    // A backslash quotes the next character inside a quoted string: `"\"Per conto di: a@b\""`
    // is one display name, not a group named `"\"Per conto di`.
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle = true;
    else if (!quoted && c === '>') angle = false;
    else if (!quoted && !angle && c === ':') return i;
  }
  return -1;
}

/** Parses an RFC 5322 date; null when unreadable. */
export function parseDate(value: string | undefined): Date | null {
  if (!value) return null;
  const d = new Date(withoutComments(value).trim());
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The value with `(…)` comments removed, in one pass. (The regex `\([^)]*\)` it replaces was
 * quadratic: on `((((…` with no `)`, each `(` scanned to the end of the value.) Like that regex, an
 * unclosed `(` and what follows it are kept.
 */
function withoutComments(value: string): string {
  let out = '';
  let from = 0;
  for (let i = value.indexOf('('); i !== -1; i = value.indexOf('(', from)) {
    const close = value.indexOf(')', i + 1);
    if (close === -1) break;
    out += value.slice(from, i);
    from = close + 1;
  }
  return out + value.slice(from);
}
