// Well-formedness and a minimal element tree: XML 1.0 (5th edition) and Namespaces in XML 1.0,
// read by a parser of our own (docs/xml-parser.md: why not saxes any more). It expands only the
// five predefined entities and character references: any other reference is an error, as XML
// makes it in a document without a DTD, and a DOCTYPE is refused. Checked against libxml2
// (xmllint) and expat on mutated daticerts (test/xml-differential.test.ts).
import { PecError } from '../errors.js';

/** An element with its attributes, child elements and its own (direct) text, CDATA included. */
export interface XmlElement {
  name: string;
  /** Names and values in document order, flat: `[name0, value0, name1, value1, ...]`. */
  attributes: readonly string[];
  children: XmlElement[];
  text: string;
  /** The line (1-based) of the element's start tag. */
  line: number;
}

// Name characters (XML 1.0 5th edition §2.3). ASCII through a table, the rest through the regex.
const NAME_START =
  /[:A-Z_a-z\xC0-\xD6\xD8-\xF6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]/u;
const NAME_REST =
  /[\u0300-\u036F\-.0-9\xB7\u203F\u2040:A-Z_a-z\xC0-\xD6\xD8-\xF6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}]/u;
/** 1: may start a name, 2: may continue one (ASCII only). */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_NAME[c] = NAME_START.test(ch) ? 1 : NAME_REST.test(ch) ? 2 : 0;
}
// Not XML `Char`s: C0 controls but TAB, LF, CR; U+FFFE, U+FFFF; surrogates not in a pair.
const NOT_CHAR =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XML_DECL =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*("|')1\.[0-9]+\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*("|')[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*("|')(?:yes|no)\3)?[ \t\n]*\?>/y;
const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['apos', "'"],
  ['quot', '"'],
]);
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

// RFC 3986 pieces, each a plain character class (linear on any input): a namespace name must be a
// URI reference, as libxml2 checks (a browser's DOMParser in Chromium refuses what it refuses).
const PCHARS = /^(?:[-A-Za-z0-9._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
const QUERY = /^(?:[-A-Za-z0-9._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/;
const USERINFO = /^(?:[-A-Za-z0-9._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$/;
const REG_NAME = /^(?:[-A-Za-z0-9._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const IP_LITERAL = /^\[[^[\]/?#@]*\]$/;
const SCHEME = /^[A-Za-z][-A-Za-z0-9+.]*:/;

/** True when `v` is an RFC 3986 URI reference (absolute or relative; IP literals read loosely). */
export function isUriReference(v: string): boolean {
  const scheme = SCHEME.exec(v);
  let rest = scheme ? v.slice(scheme[0].length) : v;
  const hash = rest.indexOf('#');
  if (hash !== -1) {
    if (!QUERY.test(rest.slice(hash + 1))) return false;
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  if (q !== -1) {
    if (!QUERY.test(rest.slice(q + 1))) return false;
    rest = rest.slice(0, q);
  }
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    let authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    const path = slash === -1 ? '' : rest.slice(slash);
    const at = authority.indexOf('@');
    if (at !== -1) {
      if (!USERINFO.test(authority.slice(0, at))) return false;
      authority = authority.slice(at + 1);
    }
    const close = authority.startsWith('[') ? authority.indexOf(']') + 1 : 0;
    const colon = authority.indexOf(':', close);
    const host = colon === -1 ? authority : authority.slice(0, colon);
    if (colon !== -1 && !/^[0-9]*$/.test(authority.slice(colon + 1))) return false;
    return (close > 0 ? IP_LITERAL.test(host) : REG_NAME.test(host)) && PCHARS.test(path);
  }
  // A relative path's first segment holds no ':' (it would read as a scheme).
  if (!scheme && !rest.startsWith('/')) {
    const slash = rest.indexOf('/');
    if ((slash === -1 ? rest : rest.slice(0, slash)).includes(':')) return false;
  }
  return PCHARS.test(rest);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09;
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0d ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** One start tag on the open-element stack, with the namespace prefixes it declares. */
interface Open {
  el: XmlElement;
  prefixes: string[] | null;
}

/** The reader: one pass over the text, positions instead of copies, an explicit element stack. */
class Reader {
  readonly s: string;
  i = 0;
  line = 1;
  #lineAt = 0; // the offset up to which `line` counts the LFs
  readonly stack: Open[] = [];
  // Next '&' and ']]>' at or after some offset, searched again only once passed: a search per
  // text run that ran to the end of the text would make a long document quadratic.
  #amp = -2;
  #cdataEnd = -2;
  #lt = -2;

  constructor(s: string) {
    this.s = s;
  }

  fail(why: string, at = this.i): never {
    let line = 1;
    let col = 1;
    for (let k = 0; k < at && k < this.s.length; k++) {
      if (this.s.charCodeAt(k) === 0x0a) {
        line++;
        col = 1;
      } else col++;
    }
    throw new PecError(
      'XML_MALFORMED',
      `daticert.xml is not well-formed XML: ${why} (line ${line}, column ${col})`,
      {
        line,
        column: col,
      },
    );
  }

  lineOf(at: number): number {
    const s = this.s;
    for (let k = s.indexOf('\n', this.#lineAt); k !== -1 && k < at; k = s.indexOf('\n', k + 1)) this.line++;
    this.#lineAt = at;
    return this.line;
  }

  /** The next "&" at or after `from` (-1: none), from the cache while it is still ahead. */
  nextAmp(from: number): number {
    if (this.#amp !== -1 && this.#amp < from) this.#amp = this.s.indexOf('&', from);
    return this.#amp;
  }

  /** The next "<" at or after `from` (-1: none), likewise (one tag may hold many attributes). */
  nextLt(from: number): number {
    if (this.#lt !== -1 && this.#lt < from) this.#lt = this.s.indexOf('<', from);
    return this.#lt;
  }

  /** The next "]]>" at or after `from` (-1: none), likewise. */
  nextCdataEnd(from: number): number {
    if (this.#cdataEnd !== -1 && this.#cdataEnd < from) this.#cdataEnd = this.s.indexOf(']]>', from);
    return this.#cdataEnd;
  }

  /** The Name at `i` (its end), or a failure. */
  name(what: string): string {
    const s = this.s;
    const start = this.i;
    let k = start;
    const c0 = s.charCodeAt(k);
    if (c0 < 128 && ASCII_NAME[c0] === 1) k++;
    else if (c0 >= 128 && NAME_START.test(String.fromCodePoint(s.codePointAt(k)!)))
      k += c0 >= 0xd800 && c0 <= 0xdbff ? 2 : 1;
    else this.fail(`${what} expected`);
    for (;;) {
      const c = s.charCodeAt(k);
      if (c < 128) {
        if (ASCII_NAME[c] === 0) break;
        k++;
      } else if (c >= 128 && NAME_REST.test(String.fromCodePoint(s.codePointAt(k)!)))
        k += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      else break; // NaN at the end of the text
    }
    this.i = k;
    return s.slice(start, k);
  }

  spaces(): boolean {
    const start = this.i;
    while (isSpace(this.s.charCodeAt(this.i))) this.i++;
    return this.i > start;
  }

  /** Text with references replaced; `attr` also turns TAB and LF into spaces (§3.3.3). */
  decode(from: number, to: number, attr: boolean): string {
    const s = this.s;
    let amp = this.nextAmp(from);
    if (amp === -1 || amp >= to) {
      const raw = s.slice(from, to);
      return attr && /[\t\n]/.test(raw) ? raw.replace(/[\t\n]/g, ' ') : raw;
    }
    let out = '';
    let k = from;
    while (amp !== -1 && amp < to) {
      const raw = s.slice(k, amp);
      out += attr ? raw.replace(/[\t\n]/g, ' ') : raw;
      const semi = s.indexOf(';', amp);
      if (semi === -1 || semi >= to) this.fail('a reference without its ";"', amp);
      const ref = s.slice(amp + 1, semi);
      if (ref.charCodeAt(0) === 0x23) {
        const hex = ref.charCodeAt(1) === 0x78;
        const digits = ref.slice(hex ? 2 : 1);
        if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits))
          this.fail(`malformed character reference &${ref.slice(0, 40)};`, amp);
        const cp = Number.parseInt(digits, hex ? 16 : 10);
        if (!isXmlChar(cp))
          this.fail(`character reference &${ref.slice(0, 40)}; is not an XML character`, amp);
        out += String.fromCodePoint(cp);
      } else {
        const v = PREDEFINED.get(ref);
        if (v === undefined)
          this.fail(
            `undefined entity &${ref.slice(0, 40)}; (only the five predefined ones exist without a DTD)`,
            amp,
          );
        out += v;
      }
      k = semi + 1;
      amp = this.nextAmp(k);
    }
    const raw = s.slice(k, to);
    return out + (attr ? raw.replace(/[\t\n]/g, ' ') : raw);
  }

  /** A comment, a processing instruction, CDATA (in content only) or a forbidden declaration at `i` ('<' seen). */
  markup(inContent: boolean): string | null {
    const s = this.s;
    const i = this.i;
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('--', i + 4);
      if (end === -1) this.fail('unterminated comment', i);
      if (s.charCodeAt(end + 2) !== 0x3e) this.fail('"--" inside a comment', end);
      this.i = end + 3;
      return null;
    }
    if (s.startsWith('<?', i)) {
      this.i = i + 2;
      const target = this.name('processing instruction target');
      if (target.includes(':')) this.fail(`processing instruction target ${target} has a colon`, i);
      if (target.toLowerCase() === 'xml')
        this.fail(
          i === 0 ? 'malformed XML declaration' : 'XML declaration not at the start of the document',
          i,
        );
      const end = s.indexOf('?>', this.i);
      if (end === -1) this.fail('unterminated processing instruction', i);
      if (end > this.i && !isSpace(s.charCodeAt(this.i)))
        this.fail('space expected after the processing instruction target');
      this.i = end + 2;
      return null;
    }
    if (inContent && s.startsWith('<![CDATA[', i)) {
      const end = s.indexOf(']]>', i + 9);
      if (end === -1) this.fail('unterminated CDATA section', i);
      this.i = end + 3;
      return s.slice(i + 9, end);
    }
    if (/^<!doctype/i.test(s.slice(i, i + 9)))
      throw new PecError('XML_FORBIDDEN', 'daticert.xml contains a DOCTYPE; refused');
    return this.fail(
      inContent ? 'markup not allowed here' : 'markup not allowed outside the root element',
      i,
    );
  }

  /** A start tag at `i` ('<' seen): pushes the element (unless empty) and returns it. */
  startTag(): XmlElement {
    const s = this.s;
    const at = this.i;
    this.i++;
    const name = this.name('element name');
    const attributes: string[] = [];
    let keys: Set<string> | undefined;
    let empty = false;
    for (;;) {
      const spaced = this.spaces();
      const c = s.charCodeAt(this.i);
      if (c === 0x3e) {
        this.i++;
        break;
      }
      if (c === 0x2f && s.charCodeAt(this.i + 1) === 0x3e) {
        this.i += 2;
        empty = true;
        break;
      }
      if (Number.isNaN(c)) this.fail(`unterminated start tag <${name}>`, at);
      if (!spaced) this.fail(`space expected before an attribute in <${name}>`);
      const key = this.name('attribute name');
      this.spaces();
      if (s.charCodeAt(this.i) !== 0x3d) this.fail(`"=" expected after attribute ${key}`);
      this.i++;
      this.spaces();
      const q = s.charCodeAt(this.i);
      if (q !== 0x22 && q !== 0x27) this.fail(`quoted value expected for attribute ${key}`);
      const end = s.indexOf(q === 0x22 ? '"' : "'", this.i + 1);
      if (end === -1) this.fail(`unterminated value of attribute ${key}`);
      const lt = this.nextLt(this.i + 1);
      if (lt !== -1 && lt < end) this.fail(`"<" in the value of attribute ${key}`, lt);
      // A scan while the tag is small (every real one), a set beyond: 100,000 attributes stay linear.
      if (keys) {
        if (keys.has(key)) this.fail(`attribute ${key} repeated in <${name}>`);
        keys.add(key);
      } else {
        for (let k = 0; k < attributes.length; k += 2)
          if (attributes[k] === key) this.fail(`attribute ${key} repeated in <${name}>`);
        if (attributes.length >= 32) keys = new Set(attributes.filter((_, k) => k % 2 === 0).concat(key));
      }
      attributes.push(key, this.decode(this.i + 1, end, true));
      this.i = end + 1;
    }
    const el: XmlElement = { name, attributes, children: [], text: '', line: this.lineOf(at) };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.el.children.push(el);
    const open: Open = { el, prefixes: null };
    this.stack.push(open);
    this.namespaces(open, at);
    if (empty) this.stack.pop();
    return el;
  }

  /** Namespaces in XML 1.0: QNames, declarations, bound prefixes, unique expanded attribute names. */
  namespaces(open: Open, at: number): void {
    const { name, attributes } = open.el;
    if (name.includes(':') || attributes.some((a, k) => k % 2 === 0 && a.includes(':'))) {
      for (let k = 0; k < attributes.length; k += 2) {
        const key = attributes[k]!;
        const value = attributes[k + 1]!;
        if (key.startsWith('xmlns:')) {
          const prefix = key.slice(6);
          this.qname(key, at);
          if (prefix === 'xmlns') this.fail('the xmlns prefix cannot be declared', at);
          if (value === '') this.fail(`empty namespace name for prefix ${prefix}`, at);
          if (!isUriReference(value))
            this.fail(`namespace name ${value} of prefix ${prefix} is not a URI`, at);
          if ((prefix === 'xml') !== (value === XML_NS) || value === XMLNS_NS)
            this.fail(`prefix ${prefix} cannot be bound to ${value}`, at);
          open.prefixes ??= [];
          open.prefixes.push(prefix, value);
        }
      }
      const uri = (qname: string): string => {
        this.qname(qname, at);
        const prefix = qname.slice(0, qname.indexOf(':'));
        if (prefix === 'xml') return XML_NS;
        for (let d = this.stack.length - 1; d >= 0; d--) {
          const p = this.stack[d]!.prefixes;
          if (p) for (let k = 0; k < p.length; k += 2) if (p[k] === prefix) return p[k + 1]!;
        }
        return this.fail(`namespace prefix ${prefix} of ${qname} is not declared`, at);
      };
      if (name.includes(':')) uri(name);
      const seen = new Set<string>();
      for (let k = 0; k < attributes.length; k += 2) {
        const key = attributes[k]!;
        if (!key.includes(':') || key.startsWith('xmlns:')) continue;
        const expanded = `${uri(key)} ${key.slice(key.indexOf(':') + 1)}`;
        if (seen.has(expanded)) this.fail(`attribute ${key} repeated (same namespace and local name)`, at);
        seen.add(expanded);
      }
    }
    // The default namespace: a URI reference, and neither reserved name.
    for (let k = 0; k < attributes.length; k += 2) {
      if (attributes[k] !== 'xmlns') continue;
      const value = attributes[k + 1]!;
      if (value === XML_NS || value === XMLNS_NS) this.fail(`the default namespace cannot be ${value}`, at);
      if (!isUriReference(value)) this.fail(`default namespace name ${value} is not a URI`, at);
    }
  }

  /** A prefixed name must be `NCName:NCName`: one colon, a name start character after it. */
  qname(qname: string, at: number): void {
    const colon = qname.indexOf(':');
    const c = qname.charCodeAt(colon + 1);
    const start =
      c < 128
        ? ASCII_NAME[c] === 1
        : NAME_START.test(String.fromCodePoint(qname.codePointAt(colon + 1) ?? 0));
    if (colon <= 0 || !start || c === 0x3a || qname.indexOf(':', colon + 1) !== -1)
      this.fail(`${qname} is not a qualified name`, at);
  }

  /** An end tag at `i` ('</' seen). */
  endTag(): void {
    const at = this.i;
    this.i += 2;
    const name = this.name('element name');
    this.spaces();
    if (this.s.charCodeAt(this.i) !== 0x3e) this.fail(`">" expected to end </${name}`);
    this.i++;
    const open = this.stack.pop();
    if (!open) this.fail(`end tag </${name}> without a start tag`, at);
    if (open.el.name !== name) this.fail(`end tag </${name}> does not match <${open.el.name}>`, at);
  }
}

/**
 * Parses `text` (already decoded, pre-scanned and repaired) into a tree of elements.
 * Comments and processing instructions are dropped. Throws XML_MALFORMED on any well-formedness
 * or namespace error; a DOCTYPE reaching the parser (the pre-scan should have refused it) is
 * XML_FORBIDDEN.
 */
export function parseXmlTree(input: string): XmlElement {
  // End-of-line handling (§2.11) first: CR LF and a lone CR are LF to everything below.
  const text = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const r = new Reader(text);
  const bad = NOT_CHAR.exec(text);
  if (bad)
    r.fail(
      `character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`,
      bad.index,
    );
  if (text.startsWith('<?xml') && (isSpace(text.charCodeAt(5)) || text.charCodeAt(5) === 0x3f)) {
    XML_DECL.lastIndex = 0;
    if (!XML_DECL.test(text)) r.fail('malformed XML declaration', 0);
    r.i = XML_DECL.lastIndex;
  }
  let root: XmlElement | undefined;
  const s = text;
  const len = s.length;
  while (r.i < len) {
    const lt = s.indexOf('<', r.i);
    const textEnd = lt === -1 ? len : lt;
    const top = r.stack[r.stack.length - 1];
    if (textEnd > r.i) {
      if (top) {
        const gt = r.nextCdataEnd(r.i);
        if (gt !== -1 && gt < textEnd) r.fail('"]]>" in text', gt);
        top.el.text += r.decode(r.i, textEnd, false);
      } else {
        for (let k = r.i; k < textEnd; k++)
          if (!isSpace(s.charCodeAt(k)))
            r.fail(root ? 'text after the root element' : 'text before the root element', k);
      }
      r.i = textEnd;
      if (lt === -1) break;
    }
    const next = s.charCodeAt(lt + 1);
    if (next === 0x2f) {
      if (!top) r.fail('end tag outside the root element', lt);
      r.endTag();
    } else if (next === 0x21 || next === 0x3f) {
      const cdata = r.markup(top !== undefined);
      if (cdata !== null && top) top.el.text += cdata;
    } else {
      if (!top && root) r.fail('a second root element', lt);
      const el = r.startTag();
      root ??= el;
    }
  }
  if (r.stack.length > 0) r.fail(`<${r.stack[r.stack.length - 1]!.el.name}> is not closed`, len);
  if (root === undefined) return r.fail('no root element', len);
  return root;
}
