// Text-level checks and targeted repairs that run before the XML parser sees anything.
// None of this is a general XML parser: it only looks for a few fixed byte patterns.
import { PecError } from '../errors.js';
import { DATICERT_CONTROL_CHARS, DATICERT_MSGID_UNESCAPED, type DaticertWarning } from './warnings.js';

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

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Removes characters XML 1.0 forbids (a provider signed them, so the file is what it is), with a warning. */
export function removeControlChars(text: string, warnings: DaticertWarning[]): string {
  const found: string[] = [];
  let count = 0;
  for (const m of text.matchAll(CONTROL)) {
    if (++count <= 5)
      found.push(
        `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at line ${lineAt(text, m.index)}`,
      );
  }
  if (count === 0) return text;
  warnings.push({
    code: DATICERT_CONTROL_CHARS,
    message: `removed ${count} character(s) not allowed in XML 1.0: ${found.join(', ')}${count > 5 ? ', ...' : ''}`,
  });
  return text.replace(CONTROL, '');
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
