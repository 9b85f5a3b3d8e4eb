// Text from a message, made safe to show to a person: a subject, an address, a certificate name or
// a file name is the sender's (or anyone's) choice, and a control character in it would let that
// choice rewrite what the reader sees around it. A line feed forges a line of our output ("VALIDO
// …" under a NON VALIDO message), ESC sequences move the cursor and erase our verdict, and the
// Unicode direction controls reorder the rest of a line in a page, invisible characters make two
// different addresses look alike, and a long run of blanks pushes text to a line of its own. Each
// of them is shown instead of obeyed, as a visible mark; nothing else changes.

// Marked wherever they are: controls (Cc), format characters (Cf: the soft hyphen, zero-width
// characters, direction marks, embeddings, overrides and isolates, the BOM, the tag characters of
// ASCII smuggling, prepended number signs, interlinear annotation marks...), the line and
// paragraph separators, and the rest of Unicode's Default_Ignorable_Code_Point
// (DerivedCoreProperties.txt: the combining grapheme joiner, Hangul fillers, Khmer inherent
// vowels, Mongolian selectors, unassigned reserved ranges), plus the blank braille pattern. Each is
// drawn as nothing or nearly nothing, or changes how its neighbours are drawn, so
// `mario.rossi@pec.it` and `mario.rossi\u00ad@pec.it` would look the same.
const INVISIBLE =
  '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u2065\\u2800\\u3164\\uffa0' +
  '\\ufff0-\\ufff8\\u{e0000}-\\u{e00ff}\\u{e01f0}-\\u{e0fff}';
// Blanks: the space, no-break and typographic spaces (a run of them may become one mark, below).
const BLANK = ' \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000';
// Variation selectors are default-ignorable too, but after an emoji or an ideograph they choose
// how it is drawn (❤️ is U+2764 U+FE0F): kept there, marked after ASCII (where they change
// nothing a reader sees), at the start, or after another selector, a blank or a marked character
// (so that a second pass, where a run of blanks has become a mark, marks nothing more).
const SELECTOR = '\\ufe00-\\ufe0f\\u{e0100}-\\u{e01ef}';
// In Unicode mode a surrogate class matches only lone surrogates (pairs are one code point).
const UNSAFE = new RegExp(
  `[${INVISIBLE}]|(?<=^|[\\u0000-\\u007f${INVISIBLE}${SELECTOR}${BLANK}\\ud800-\\udfff])[${SELECTOR}]|[\\ud800-\\udfff]`,
  'gu',
);

// Four or more blanks in a row (spaces, no-break and typographic spaces): enough of them push
// what follows to the start of the next line of a terminal, where it would pose as a line of our
// own. Shown as one mark with the count, `␠×80`; a leading run too (callers indent outside).
const BLANKS = new RegExp(`[${BLANK}]{4,}`, 'g');

/** The visible mark that stands for one character (code point) that may not be shown as it is. */
export function mark(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code === 0x09) return ' '; // a tab left by header unfolding is only a space to the reader
  // Control Pictures (U+2400–U+241F, U+2421): one visible glyph for each C0 control and DEL.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * `text` made safe to show in a terminal or a page: every control character, line break, Unicode
 * direction control and invisible character (Unicode's format characters and default-ignorable
 * code points: zero-width characters, the soft hyphen, tag characters; a variation selector only
 * where it changes nothing a reader sees) becomes a visible mark, so that text taken from a message (its subject,
 * addresses, a certificate's name, an attachment's or a file's name) cannot add lines, move the
 * cursor, recolour or reorder what is shown around it, nor hide a character from the reader.
 * C0 controls and DEL become their Control Pictures (`␊`, `␛`, `␡`), a tab a space, anything
 * else `<U+XXXX>`; four or more blanks in a row (which could push text to a line of its own)
 * become `␠×N`. Other text is returned as it is (the same string when nothing needed a mark).
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
  const marked = UNSAFE.test(text) ? text.replace(UNSAFE, mark) : text;
  BLANKS.lastIndex = 0;
  return BLANKS.test(marked) ? marked.replace(BLANKS, (run) => `\u2420\u00d7${run.length}`) : marked;
}
