// RFC 5322 address lists, read leniently: enough to get display names and addr-specs out of real
// PEC headers ("Per conto di: a@b" <posta-certificata@…>, groups, comments, odd quoting).

/** One mailbox. */
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

/** Parses one mailbox (`Name <a@b>` or `a@b`); null when there is no address. */
export function parseMailbox(value: string): Mailbox | null {
  const v = value.trim();
  const lt = v.lastIndexOf('<');
  const gt = v.lastIndexOf('>');
  if (lt !== -1 && gt > lt) {
    const address = v.slice(lt + 1, gt).trim();
    const name = unquote(v.slice(0, lt));
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
    if (c === '"') quoted = !quoted;
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
