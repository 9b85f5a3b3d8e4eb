// Text-level checks and targeted repairs that run before the XML parser sees anything.
// None of this is a general XML parser: it only looks for a few fixed byte patterns.
import { PecError } from '../errors.js';
import {
  DATICERT_CONTROL_CHARS,
  DATICERT_LEADING_WHITESPACE,
  DATICERT_MSGID_UNESCAPED,
  type DaticertWarning,
} from './warnings.js';

const XINCLUDE = /xmlns(?::[\w.-]+)?[ \t\r\n]*=[ \t\r\n]*["']http:\/\/www\.w3\.org\/2001\/XInclude["']/;

/**
 * Refuses any DOCTYPE, markup declaration (`<!ENTITY`, `<!ELEMENT`, ...) or external reference
 * (XInclude, `<?xml-stylesheet`) with XML_FORBIDDEN. Linear in the input, so entity bombs are
 * refused before a single entity could be read. Comments and CDATA sections are the only `<!`
 * constructs allowed; anything that merely looks like a declaration inside them is refused too.
 */
export function assertNoForbiddenMarkup(text: string): void {
  for (let i = text.indexOf('<!'); i !== -1; i = text.indexOf('<!', i + 2)) {
    if (text.startsWith('<!--', i) || text.startsWith('<![CDATA[', i)) continue;
    const word = /^<!([A-Za-z]*)/.exec(text.slice(i, i + 12))?.[1]?.toUpperCase() ?? '';
    const what =
      word === 'DOCTYPE' ? 'a DOCTYPE' : word === 'ENTITY' ? 'an ENTITY declaration' : 'a markup declaration';
    throw new PecError('XML_FORBIDDEN', `daticert.xml contains ${what} (<!${word}) at offset ${i}; refused`, {
      construct: word === '' ? '<!' : word,
      offset: i,
    });
  }
  const pi = text.search(/<\?xml-stylesheet[ \t\r\n?]/);
  if (pi !== -1) {
    throw new PecError('XML_FORBIDDEN', `daticert.xml references a stylesheet at offset ${pi}; refused`, {
      construct: 'xml-stylesheet',
      offset: pi,
    });
  }
  const xi = text.search(XINCLUDE);
  if (xi !== -1) {
    throw new PecError(
      'XML_FORBIDDEN',
      `daticert.xml declares the XInclude namespace at offset ${xi}; refused`,
      {
        construct: 'XInclude',
        offset: xi,
      },
    );
  }
}

// Not XML 1.0 `Char`s. TextDecoder never yields lone surrogates, so they need no case here.
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
// The same characters written as character references (`&#18;`, `&#x12;`): XML forbids them too.
const CONTROL_REF = /&#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}));/g;
// Stand-ins from the last plane's private-use range (valid XML `Char`s): one per forbidden character.
const STAND_IN_BASE = 0x10ff00;
const STAND_IN = /[\u{10FF00}-\u{10FF21}]/gu;
// The same class without `g`, for test(): a global regex's lastIndex would carry over between calls.
const HAS_STAND_IN = /[\u{10FF00}-\u{10FF21}]/u;

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function isForbidden(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff
  );
}

function standIn(code: number): string {
  return String.fromCodePoint(STAND_IN_BASE + (code < 0x20 ? code : code - 0xfffe + 0x20));
}

function fromStandIn(c: string): string {
  const k = c.codePointAt(0)! - STAND_IN_BASE;
  return String.fromCharCode(k < 0x20 ? k : 0xfffe + k - 0x20);
}

/** Text with forbidden characters protected for the XML parser, and how to undo it in values. */
export interface ProtectedText {
  /** What the security pre-scan reads: the forbidden characters (raw ones) removed. */
  scan: string;
  /** What the XML parser reads: every forbidden character, raw or referenced, as a stand-in. */
  parse: string;
  /** Puts the real characters back into a value read from `parse`; null when there is nothing to put back. */
  restore: ((value: string) => string) | null;
}

// A quick look for anything protectControlChars acts on: a forbidden character (this class) or a
// character reference (`&#`, found with indexOf: one regex for both scanned several times slower).
const HAS_CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

/**
 * Characters XML 1.0 forbids (C0 controls, U+FFFE, U+FFFF), raw or as character references
 * (`&#18;` in a real Cedacri daticert): a provider signed them, so the file is what it is. They
 * are kept in the values (dropping one would change a signed subject), with a warning. The XML
 * parser never sees them: each one travels as a private-use stand-in and `restore` puts it back.
 */
export function protectControlChars(text: string, warnings: DaticertWarning[]): ProtectedText {
  if (!text.includes('&#') && !HAS_CONTROL.test(text)) return { scan: text, parse: text, restore: null }; // the usual case
  const found: string[] = [];
  let count = 0;
  const note = (code: number, offset: number, how: string): void => {
    if (++count <= 5)
      found.push(
        `U+${code.toString(16).toUpperCase().padStart(4, '0')}${how} at line ${lineAt(text, offset)}`,
      );
  };
  for (const m of text.matchAll(CONTROL)) note(m[0].charCodeAt(0), m.index, '');
  const refs: { index: number; length: number; code: number }[] = [];
  for (const m of text.matchAll(CONTROL_REF)) {
    const code = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16);
    if (!isForbidden(code)) continue;
    refs.push({ index: m.index, length: m[0].length, code });
    note(code, m.index, ` (as ${m[0]})`);
  }
  if (count === 0) return { scan: text, parse: text, restore: null };
  const scan = text.replace(CONTROL, '');
  if (HAS_STAND_IN.test(text)) {
    // The stand-ins are taken (never seen in a real daticert): fall back to dropping the characters.
    warnings.push({
      code: DATICERT_CONTROL_CHARS,
      message: `removed ${count} character(s) not allowed in XML 1.0: ${found.join(', ')}${count > 5 ? ', ...' : ''}`,
    });
    let dropped = '';
    let at = 0;
    for (const r of refs) {
      dropped += text.slice(at, r.index);
      at = r.index + r.length;
    }
    dropped = (dropped + text.slice(at)).replace(CONTROL, '');
    return { scan, parse: dropped, restore: null };
  }
  warnings.push({
    code: DATICERT_CONTROL_CHARS,
    message: `kept ${count} character(s) not allowed in XML 1.0 in the values: ${found.join(', ')}${count > 5 ? ', ...' : ''}`,
  });
  let parse = '';
  let at = 0;
  for (const r of refs) {
    parse += text.slice(at, r.index) + standIn(r.code);
    at = r.index + r.length;
  }
  parse = (parse + text.slice(at)).replace(CONTROL, (c) => standIn(c.charCodeAt(0)));
  return { scan, parse, restore: (v) => (v.length > 0 ? v.replace(STAND_IN, fromStandIn) : v) };
}

// XML whitespace before the declaration: not well-formed (the declaration must come first).
const LEADING_SPACE = /^[ \t\r\n]+(?=<\?xml[ \t\r\n])/;

/** Removes whitespace written before `<?xml` (seen in real provider files), with a warning. */
export function removeLeadingSpace(text: string, warnings: DaticertWarning[]): string {
  const m = LEADING_SPACE.exec(text);
  if (!m) return text;
  warnings.push({
    code: DATICERT_LEADING_WHITESPACE,
    message: `removed ${m[0].length} whitespace character(s) before the XML declaration`,
  });
  return text.slice(m[0].length);
}

// `&` that does not start one of the references XML allows without a DTD.
const BARE_AMP = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/g;

function needsEscaping(content: string): boolean {
  if (content.includes('<!') || content.includes('<?')) return false; // CDATA/comment/PI: leave to the parser
  BARE_AMP.lastIndex = 0;
  return content.includes('<') || BARE_AMP.test(content);
}

/**
 * Some providers write the client Message-ID raw: `<msgid><abc@host></msgid>`, which is not
 * well-formed. Escapes `<`, `>` and bare `&` inside `<msgid>` only, with a warning. Content that
 * is already well-formed (escaped text, CDATA, comments) is left alone. indexOf-based, so each
 * byte is looked at a bounded number of times whatever the input (no regex backtracking).
 */
export function repairMsgid(text: string, warnings: DaticertWarning[]): string {
  const parts: string[] = [];
  let emitted = 0; // text before this index is already in `parts`
  let repaired = 0;
  for (let open = text.indexOf('<msgid'); open !== -1; ) {
    const after = text.charCodeAt(open + 6);
    if (!(after === 0x3e || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d)) {
      open = text.indexOf('<msgid', open + 6); // e.g. <msgidx>
      continue;
    }
    const tagEnd = text.indexOf('>', open);
    if (tagEnd === -1) break;
    if (text[tagEnd - 1] === '/') {
      open = text.indexOf('<msgid', tagEnd + 1); // <msgid/>: empty, nothing to repair
      continue;
    }
    const close = text.indexOf('</msgid', tagEnd);
    if (close === -1) break; // no end tag anywhere after: the parser will report it
    const content = text.slice(tagEnd + 1, close);
    if (needsEscaping(content)) {
      repaired++;
      parts.push(
        text.slice(emitted, tagEnd + 1),
        content.replace(BARE_AMP, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      );
      emitted = close;
    }
    open = text.indexOf('<msgid', close + 7);
  }
  if (repaired === 0) return text;
  parts.push(text.slice(emitted));
  warnings.push({
    code: DATICERT_MSGID_UNESCAPED,
    message: `<msgid> contained unescaped "<", ">" or "&" (ill-formed XML); escaped and recovered`,
  });
  return parts.join('');
}
