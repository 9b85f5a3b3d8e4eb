// Text from a message, made safe to show to a person: a subject, an address, a certificate name or
// a file name is the sender's (or anyone's) choice, and a control character in it would let that
// choice rewrite what the reader sees around it. A line feed forges a line of our output ("VALIDO
// …" under a NON VALIDO message), ESC sequences move the cursor and erase our verdict, and the
// Unicode direction controls reorder the rest of a line in a page. Each of them is shown instead
// of obeyed, as a visible mark; nothing else changes.

// C0 and C1 controls, DEL; Arabic letter mark, zero-width and direction marks (U+200B–U+200F),
// line and paragraph separators, embeddings and overrides (U+202A–U+202E), invisible operators and
// isolates (U+2060–U+2069), the BOM, interlinear annotation marks; lone surrogates.
const UNSAFE = new RegExp(
  '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff\\ufff9-\\ufffb]' +
    '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  'g',
);

function mark(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x09) return ' '; // a tab left by header unfolding is only a space to the reader
  // Control Pictures (U+2400–U+241F, U+2421): one visible glyph for each C0 control and DEL.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * `text` made safe to show in a terminal or a page: every control character, line break, Unicode
 * direction control and invisible format character becomes a visible mark, so that text taken
 * from a message (its subject, addresses, a certificate's name, an attachment's or a file's name)
 * cannot add lines, move the cursor, recolour or reorder what is shown around it. C0 controls and
 * DEL become their Control Pictures (`␊`, `␛`, `␡`), a tab a space, anything else
 * `<U+XXXX>`; other text is returned as it is (the same string when nothing needed a mark).
 * {@link summarize}, {@link formatReport} and the CLI pass every such value through it; use it
 * wherever an app shows a report's or a message's fields to people. Machine output (JSON) keeps
 * the values exactly as read.
 *
 * @example
 * ```ts
 * displayText('Fattura\r\nVALIDO: firmato'); // 'Fattura␍␊VALIDO: firmato'
 * displayText('ok\u202Eezab'); // 'ok<U+202E>ezab'
 * ```
 * @category Verifying
 */
export function displayText(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, mark) : text;
}
