// RFC 2047 encoded-words for header text: UTF-8, Q or B (whichever is shorter), at most 75
// characters per word, split only between code points so every word decodes to valid UTF-8 alone.
import { describe, encodeUtf8 } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import { encodeBase64 } from './base64.js';
import { assertNoControls, FOLD_WIDTH } from './encode-header.js';

/**
 * Where an encoded-word will stand, which limits the characters Q may leave unencoded:
 * `text` for unstructured fields such as Subject (RFC 2047 §5(1)), `phrase` for display names
 * and anything inside a quoted-string (§5(3), the strictest set).
 *
 * @example
 * ```ts
 * const mode: WordMode = 'phrase';
 * encodeWords('Nicolò', mode);
 * ```
 */
export type WordMode = 'text' | 'phrase';

/**
 * RFC 2047 §2: an encoded-word is at most 75 characters long.
 *
 * @example
 * ```ts
 * encodeWords(text).every((w) => w.length <= MAX_WORD); // true
 * ```
 */
export const MAX_WORD = 75;

// `=?UTF-8?Q?` + `?=`
const OVERHEAD = 12;
// RFC 5322 §2.1.1: lines SHOULD stay within 78 characters.
const LINE_LIMIT = 78;
const HEX = '0123456789ABCDEF';

function qSafe(b: number, mode: WordMode): boolean {
  if (mode === 'phrase') {
    return (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x21 ||
      b === 0x2a ||
      b === 0x2b ||
      b === 0x2d ||
      b === 0x2f
    );
  }
  // Printable ASCII except "=", "?", "_" (Q syntax) and '"', "\" (so a word can sit in quotes).
  return b > 0x20 && b < 0x7f && b !== 0x3d && b !== 0x3f && b !== 0x5f && b !== 0x22 && b !== 0x5c;
}

function qCost(b: number, mode: WordMode): number {
  return b === 0x20 || qSafe(b, mode) ? 1 : 3;
}

function qEncode(bytes: readonly number[], mode: WordMode): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x20) s += '_';
    else if (qSafe(b, mode)) s += String.fromCharCode(b);
    else s += `=${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return s;
}

/**
 * Encodes `text` as UTF-8 encoded-words, returned one per array item (join them with a space:
 * readers drop whitespace between adjacent encoded-words). Q or B is chosen for the whole text,
 * whichever is shorter. The first word is at most `firstMax` characters, the others at most `max`
 * (both capped at 75 and floored at 24, room for any one character), and words
 * break only between code points, so a multi-byte character or a surrogate pair is never split.
 *
 * @example
 * ```ts
 * encodeWords('caffè macchiato'); // ['=?UTF-8?Q?caff=C3=A8_macchiato?=']
 * encodeWords('città'); // ['=?UTF-8?B?Y2l0dMOg?='] (B is shorter here)
 * ```
 */
export function encodeWords(
  text: string,
  mode: WordMode = 'text',
  firstMax: number = MAX_WORD,
  max: number = MAX_WORD,
): string[] {
  if (typeof text !== 'string') throw invalidArgument(`text must be a string, got ${describe(text)}`);
  if (mode !== 'text' && mode !== 'phrase')
    throw invalidArgument(`mode must be "text" or "phrase", got ${describe(mode)}`);
  if (
    typeof firstMax !== 'number' ||
    Number.isNaN(firstMax) ||
    typeof max !== 'number' ||
    Number.isNaN(max)
  ) {
    throw invalidArgument(`firstMax and max must be numbers, got ${describe(firstMax)}, ${describe(max)}`);
  }
  // A code point is at most 4 bytes = 12 Q characters, so 24 always leaves room for one.
  const clamp = (n: number): number => Math.max(OVERHEAD + 12, Math.min(MAX_WORD, Math.floor(n)));
  const first = clamp(firstMax);
  const rest = clamp(max);
  const chars = Array.from(text, (c) => encodeUtf8(c));
  let qTotal = 0;
  let nBytes = 0;
  for (const c of chars) {
    for (const b of c) qTotal += qCost(b, mode);
    nBytes += c.length;
  }
  const useQ = qTotal <= Math.ceil(nBytes / 3) * 4;
  const words: string[] = [];
  let cur: number[] = [];
  let curLen = 0;
  const flush = (): void => {
    const payload = useQ ? qEncode(cur, mode) : encodeBase64(new Uint8Array(cur));
    words.push(`=?UTF-8?${useQ ? 'Q' : 'B'}?${payload}?=`);
    cur = [];
    curLen = 0;
  };
  for (const c of chars) {
    const budget = (words.length === 0 ? first : rest) - OVERHEAD;
    let cost = 0;
    for (const b of c) cost += qCost(b, mode);
    const next = useQ ? curLen + cost : Math.ceil((cur.length + c.length) / 3) * 4;
    if (cur.length > 0 && next > budget) flush();
    for (const b of c) cur.push(b);
    curLen += cost;
  }
  if (cur.length > 0) flush();
  return words;
}

// A word must be encoded when it is not ASCII, when a reader could take it for an encoded-word
// (so it would not come back literally), or when it is too long for a 78-character line.
function needsEncoding(word: string, room = LINE_LIMIT - 1): boolean {
  return /[^\x00-\x7e]/.test(word) || word.includes('=?') || word.length > room;
}

/**
 * Options of {@link encodeUnstructured} and the address formatters.
 *
 * @example
 * ```ts
 * encodeUnstructured(subject, { offset: 'Subject: '.length });
 * ```
 */
export interface HeaderTextOptions {
  /**
   * Characters already used on the first line before the value, i.e. `name.length + 2`.
   * It shortens the first encoded-word so that the first line stays within 76 characters.
   * Default 10 (`Reply-To: `, also enough for `Subject: `, `From: `, `To: `).
   */
  offset?: number;
}

/**
 * Default first-line offset: fits `Subject: `, `From: `, `To: `, `Cc: ` and `Reply-To: `.
 *
 * @example
 * ```ts
 * encodeUnstructured(text); // same as encodeUnstructured(text, { offset: DEFAULT_OFFSET })
 * ```
 */
export const DEFAULT_OFFSET = 10;

function firstMaxAfter(offset: number | undefined, used: number): number {
  const o = offset ?? DEFAULT_OFFSET;
  if (typeof o !== 'number' || !Number.isFinite(o) || o < 0) {
    throw invalidArgument(`offset must be a non-negative number, got ${describe(o)}`);
  }
  return FOLD_WIDTH - o - used;
}

/**
 * Encodes free text for an unstructured header field such as Subject (RFC 2047 §5(1)).
 * ASCII words stay as they are (unless longer than a 78-character line allows, or shaped like an
 * encoded-word); runs of words with non-ASCII characters become UTF-8
 * encoded-words (the spaces inside a run are encoded with it, so they survive decoding).
 * The result is 7-bit, ready for `formatHeader`, which folds it between words.
 * CR, LF, NUL and other controls give `MIME_HEADER_INJECTION`.
 *
 * @example
 * ```ts
 * encodeUnstructured('POSTA CERTIFICATA: Fattura n. 12'); // unchanged
 * encodeUnstructured('POSTA CERTIFICATA: perché no'); // 'POSTA CERTIFICATA: =?UTF-8?Q?perch=C3=A9?= no'
 * ```
 */
export function encodeUnstructured(text: string, options: HeaderTextOptions = {}): string {
  if (typeof text !== 'string') throw invalidArgument(`header text must be a string, got ${describe(text)}`);
  assertNoControls(text, 'header text');
  firstMaxAfter(options.offset, 0);
  // Odd indices are whitespace runs, even indices words (possibly empty at the ends).
  const tokens = text.split(/([ \t]+)/);
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    // The first word shares its line with the field name.
    const atStart = out.trim() === '';
    const room = atStart ? LINE_LIMIT - (options.offset ?? DEFAULT_OFFSET) - out.length : LINE_LIMIT - 1;
    if (i % 2 === 1 || tok === '' || !needsEncoding(tok, room)) {
      out += tok;
      continue;
    }
    let run = tok;
    while (i + 2 < tokens.length && tokens[i + 2] !== '' && needsEncoding(tokens[i + 2]!)) {
      run += tokens[i + 1]! + tokens[i + 2]!;
      i += 2;
    }
    const firstMax = atStart ? firstMaxAfter(options.offset, out.length) : MAX_WORD;
    out += encodeWords(run, 'text', firstMax).join(' ');
  }
  return out;
}

/**
 * Encodes a display name as encoded-words safe in an RFC 5322 phrase (RFC 2047 §5(3)).
 * Used by `formatAddress` for names with non-ASCII characters.
 *
 * @example
 * ```ts
 * encodePhrase('Nicolò Rossi'); // '=?UTF-8?Q?Nicol=C3=B2_Rossi?='
 * ```
 */
export function encodePhrase(name: string, options: HeaderTextOptions = {}): string {
  if (typeof name !== 'string') throw invalidArgument(`display name must be a string, got ${describe(name)}`);
  assertNoControls(name, 'display name');
  return encodeWords(name, 'phrase', firstMaxAfter(options.offset, 0)).join(' ');
}
