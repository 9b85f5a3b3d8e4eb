// RFC 5322 address lists, read leniently: enough to get display names and addr-specs out of real
// PEC headers ("Per conto di: a@b" <posta-certificata@…>, groups, comments, odd quoting).

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
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < value.length) cur += value[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === sep && depth === 0 && !angle) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
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
  const d = new Date(value.replace(/\([^)]*\)/g, '').trim());
  return Number.isNaN(d.getTime()) ? null : d;
}
