// A reader for the plain subset of XML that daticerts are written in, ahead of saxes: running saxes
// cost about half of reading a daticert. It builds the same tree saxes would (names, attributes,
// text, line numbers), and it gives up (undefined) on anything outside the subset or not certainly
// well-formed, leaving it to saxes, which stays the judge of every error. Differential-tested
// against saxes in xml-subset.test.ts.
//
// The subset: an optional `<?xml version="1.0" ...?>` declaration, elements with ASCII names,
// quoted attribute values without `&`, `<`, tabs or line breaks, text with the five predefined
// entities and character references, LF or CRLF line ends. Not in it (saxes reads them):
// comments, CDATA sections, processing instructions, non-ASCII names, astral characters,
// anything else.
import type { XmlElement } from './xml-tree.js';

// What it never reads: characters XML 1.0 forbids, any surrogate (astral characters, the
// control-character stand-ins), a CR not followed by LF.
const OUTSIDE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]|\r(?!\n)/;
const DECL =
  /^<\?xml[ \t\r\n]+version=(["'])1\.0\1(?:[ \t\r\n]+encoding=(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone=(["'])(?:yes|no)\3)?[ \t\r\n]*\?>/;
const ATTR_OUTSIDE = /[<&\t\r\n]/;
/** The attributes of every element without any: one shared, frozen, empty list. */
export const NO_ATTRIBUTES: readonly string[] = Object.freeze([]);
// Daticert elements have at most two attributes (namespace declarations aside).
const MAX_ATTRIBUTES = 16;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** A character reference's character, or undefined when it is not one saxes would accept. */
function charRef(name: string): string | undefined {
  let code: number;
  if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else return undefined;
  const ok =
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return ok ? String.fromCodePoint(code) : undefined;
}

/** Character data as saxes reports it (line ends normalised, references expanded), or undefined. */
function charData(s: string): string | undefined {
  if (s.includes(']]>')) return undefined;
  let amp = s.indexOf('&');
  if (amp === -1) return s;
  let out = '';
  let at = 0;
  while (amp !== -1) {
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1) return undefined;
    const name = s.slice(amp + 1, semi);
    const ch = Object.hasOwn(PREDEFINED, name) ? PREDEFINED[name] : charRef(name);
    if (ch === undefined) return undefined;
    out += s.slice(at, amp) + ch;
    at = semi + 1;
    amp = s.indexOf('&', at);
  }
  return out + s.slice(at);
}

/**
 * The element tree of `text` when it is in the subset above and well-formed, exactly as
 * parseXmlTree builds it through saxes; undefined otherwise (then saxes must read it).
 */
export function parseXmlSubset(source: string): XmlElement | undefined {
  if (OUTSIDE.test(source)) return undefined;
  // Every CR is part of a CRLF here: turned into LF once, as saxes reads it (same line count,
  // and attribute values with a line break are left to saxes anyway).
  const text = source.includes('\r') ? source.replace(/\r\n/g, '\n') : source;
  const n = text.length;
  let i = 0;
  if (text.startsWith('<?xml')) {
    const m = DECL.exec(text);
    if (!m) return undefined;
    i = m[0].length;
  }
  i = skipSpace(text, i);
  if (text.charCodeAt(i) !== 0x3c) return undefined;
  // saxes' line at an element is the line of the `>` that ends its start tag.
  let line = 1;
  let nl = text.indexOf('\n');
  const lineAt = (p: number): number => {
    while (nl !== -1 && nl < p) {
      line++;
      nl = text.indexOf('\n', nl + 1);
    }
    return line;
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (;;) {
    // Here text[i] is '<'.
    const c = text.charCodeAt(i + 1);
    let closedRoot = false;
    if (c === 0x2f) {
      const top = stack.pop();
      if (top === undefined || !text.startsWith(top.name, i + 2)) return undefined;
      const j = skipSpace(text, i + 2 + top.name.length);
      if (text.charCodeAt(j) !== 0x3e) return undefined;
      i = j + 1;
      closedRoot = stack.length === 0;
    } else if (isNameStart(c)) {
      let j = i + 2;
      while (j < n && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(i + 1, j);
      let attributes: string[] | undefined;
      let empty = false;
      for (;;) {
        const k = skipSpace(text, j);
        const ch = text.charCodeAt(k);
        if (ch === 0x3e) {
          j = k + 1;
          break;
        }
        if (ch === 0x2f) {
          if (text.charCodeAt(k + 1) !== 0x3e) return undefined;
          empty = true;
          j = k + 2;
          break;
        }
        if (k === j || !isNameStart(ch)) return undefined;
        let e = k + 1;
        while (e < n && isNameChar(text.charCodeAt(e))) e++;
        const q = text.charCodeAt(e + 1);
        if (text.charCodeAt(e) !== 0x3d || (q !== 0x22 && q !== 0x27)) return undefined;
        const end = text.indexOf(q === 0x22 ? '"' : "'", e + 2);
        if (end === -1) return undefined;
        const value = text.slice(e + 2, end);
        const key = text.slice(k, e);
        if (ATTR_OUTSIDE.test(value)) return undefined;
        if (attributes === undefined) attributes = [key, value];
        else {
          // The duplicate check is quadratic: a tag with many attributes is left to saxes.
          if (attributes.length >= 2 * MAX_ATTRIBUTES) return undefined;
          for (let a = 0; a < attributes.length; a += 2) if (attributes[a] === key) return undefined;
          attributes.push(key, value);
        }
        j = end + 1;
      }
      const el: XmlElement = {
        name,
        attributes: attributes ?? NO_ATTRIBUTES,
        children: [],
        text: '',
        line: lineAt(j - 1),
      };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else root = el;
      if (!empty) stack.push(el);
      i = j;
      closedRoot = empty && parent === undefined;
    } else {
      return undefined; // a comment, CDATA, a processing instruction, a stray '<'
    }
    if (closedRoot) return skipSpace(text, i) === n ? root : undefined;
    const lt = text.indexOf('<', i);
    if (lt === -1) return undefined;
    if (lt > i) {
      const data = charData(text.slice(i, lt));
      if (data === undefined) return undefined;
      stack[stack.length - 1]!.text += data;
    }
    i = lt;
  }
}
