// Small text helpers shared by the builder, the parser and the schema.
// Loops rather than regexes: `/\s+$/` is quadratic on long whitespace runs (ReDoS).

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Removes XML whitespace (space, tab, CR, LF) at both ends; other Unicode spaces are kept. */
export function trimXml(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isXmlSpace(s.charCodeAt(a))) a++;
  while (b > a && isXmlSpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** True when {@link trimXml} would not change `s`. */
export function isXmlTrimmed(s: string): boolean {
  return s.length === 0 || (!isXmlSpace(s.charCodeAt(0)) && !isXmlSpace(s.charCodeAt(s.length - 1)));
}

/** True when `s` holds only XML whitespace. */
export function isXmlBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isXmlSpace(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Escapes element content. `>` is escaped too (never wrong, and it keeps `]]>` out), and CR/LF
 * become character references so a parser's line-end normalisation cannot change the value and
 * the file's own line breaks stay CRLF.
 */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r\n]/g, (c) => TEXT_ESCAPES[c]!);
}

/** Escapes a double-quoted attribute value (also tab/CR/LF, which attribute normalisation would turn into spaces). */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"'\t\r\n]/g, (c) => TEXT_ESCAPES[c]!);
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\r': '&#13;',
  '\n': '&#10;',
};
