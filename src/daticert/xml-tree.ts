// Well-formedness and a minimal element tree, via saxes (see docs/xml-parser.md for why saxes).
// saxes never expands entities beyond the five predefined ones and character references; it
// reports any other reference as an error, and it refuses XML 1.0 ill-formed input outright.
import { SaxesParser } from 'saxes';
import { PecError } from '../errors.js';

/** An element with its attributes, child elements and its own (direct) text, CDATA included. */
export interface XmlElement {
  name: string;
  /** Names and values in document order, flat: `[name0, value0, name1, value1, ...]`. */
  attributes: readonly string[];
  children: XmlElement[];
  text: string;
  line: number;
}

/**
 * Parses `text` (already decoded, pre-scanned and repaired) into a tree of elements.
 * Comments and processing instructions are dropped. Throws XML_MALFORMED on any well-formedness
 * error; a DOCTYPE reaching the parser (the pre-scan should have refused it) is XML_FORBIDDEN.
 */
export function parseXmlTree(text: string): XmlElement {
  // XML 1.0 forced: a `version="1.1"` declaration must not re-admit control characters.
  const parser = new SaxesParser({
    xmlns: false,
    position: true,
    defaultXMLVersion: '1.0',
    forceXMLVersion: true,
  });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('opentag', (tag) => {
    const el: XmlElement = {
      name: tag.name,
      attributes: flatAttributes(tag.attributes as Record<string, string>),
      children: [],
      text: '',
      line: parser.line,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('doctype', () => {
    throw new PecError('XML_FORBIDDEN', 'daticert.xml contains a DOCTYPE; refused');
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof PecError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new PecError(
      'XML_MALFORMED',
      `daticert.xml is not well-formed XML: ${why}`,
      { line: parser.line, column: parser.column },
      { cause: e },
    );
  }
  if (root === undefined) throw new PecError('XML_MALFORMED', 'daticert.xml has no root element');
  return root;
}

/** saxes' attribute object (null prototype, document order) as a flat name/value list. */
function flatAttributes(attributes: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k in attributes) out.push(k, attributes[k]!);
  return out;
}
