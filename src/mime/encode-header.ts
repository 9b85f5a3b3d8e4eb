// Header fields (RFC 5322 §2.2, §3.2.2): name validation, injection checks and folding.
// Values reaching this module are already encoded (RFC 2047, RFC 2231, quoted-strings): it only
// checks and folds them, so every header line it returns is 7-bit and at most 998 bytes.
import { describe } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';

/**
 * A list of header fields, in output order: `[name, value]` pairs with already-encoded values.
 *
 * @example
 * ```ts
 * const headers: HeaderList = [['X-Trasporto', 'posta-certificata'], ['Subject', encodeUnstructured('Prova')]];
 * ```
 */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * Lines are folded to at most this many characters where possible (RFC 2047 §2 asks for 76,
 * within RFC 5322's 78).
 *
 * @example
 * ```ts
 * formatHeader('Subject', long).split('\r\n').every((l) => l.length <= FOLD_WIDTH); // for foldable text
 * ```
 */
export const FOLD_WIDTH = 76;

/**
 * Hard limit of RFC 5322 §2.1.1: 998 characters per line, excluding CRLF.
 *
 * @example
 * ```ts
 * if (line.length > MAX_LINE) throw new Error('not mail-safe');
 * ```
 */
export const MAX_LINE = 998;

/**
 * Refuses CR, LF, NUL and the other control characters (HTAB excepted) in `s`.
 * These are what a header injection is made of, so they get their own error code.
 *
 * @example
 * ```ts
 * assertNoControls('Hello', 'subject'); // ok
 * assertNoControls('a\r\nBcc: x@y', 'subject'); // throws PecError MIME_HEADER_INJECTION
 * ```
 */
export function assertNoControls(s: string, what: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      const label = c === 0x0d ? 'CR' : c === 0x0a ? 'LF' : c === 0 ? 'NUL' : `control 0x${c.toString(16)}`;
      throw new PecError('MIME_HEADER_INJECTION', `${what} contains ${label} at offset ${i}`, {
        offset: i,
        char: c,
      });
    }
  }
}

/**
 * Checks a header field name: printable ASCII without `:` (RFC 5322 `ftext`), at least one character.
 * CR/LF/NUL give `MIME_HEADER_INJECTION`; other invalid names give `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * assertHeaderName('X-Trasporto'); // ok
 * assertHeaderName('Bad Name'); // throws INVALID_ARGUMENT
 * ```
 */
export function assertHeaderName(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw invalidArgument(`header name must be a string, got ${describe(name)}`);
  assertNoControls(name, 'header name');
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
    throw invalidArgument(
      `invalid header field name ${JSON.stringify(name)} (printable ASCII without ":" or spaces)`,
      {
        name,
      },
    );
  }
}

function assertHeaderValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string')
    throw invalidArgument(`${name}: header value must be a string, got ${describe(value)}`);
  assertNoControls(value, `${name} header value`);
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7e) {
      throw invalidArgument(
        `${name}: header value has a non-ASCII character at offset ${i}; encode it first (encodeUnstructured, formatAddress, formatContentType)`,
        { name, offset: i },
      );
    }
  }
}

// Fields whose body is plain text (RFC 5322 §3.6.5, RFC 2045 §8): a '"' there quotes nothing.
const UNSTRUCTURED = new Set(['subject', 'comments', 'content-description']);

function isWsp(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * Where a line may be broken (RFC 5322 §3.2.2: before any WSP): first choice outside quoted-strings,
 * second choice inside them (legal, but some readers handle it badly). Never before trailing
 * whitespace, which would leave an all-blank line.
 */
function breakPoints(line: string, from: number, structured: boolean): number[][] {
  const tiers: number[][] = [[], []];
  let lastText = line.length - 1;
  while (lastText > from && isWsp(line[lastText])) lastText--;
  let quoted = false;
  for (let i = from; i < lastText; i++) {
    const c = line[i];
    if (!structured) {
      if (i > from && isWsp(c)) tiers[0]!.push(i);
      continue;
    }
    if (c === '\\' && quoted) {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (i > from && isWsp(c)) tiers[quoted ? 1 : 0]!.push(i);
  }
  return tiers;
}

/** True when `line[start, end)` has a non-whitespace character: a line must not be all blank. */
function hasText(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isWsp(line[i])) return true;
  return false;
}

function chooseBreak(line: string, tiers: readonly number[][], start: number): number {
  for (const points of tiers) {
    let best = -1;
    for (const p of points) {
      if (p - start > FOLD_WIDTH) break;
      if (p > start && hasText(line, start, p)) best = p;
    }
    if (best >= 0) return best;
  }
  // Nothing fits in 76: take the nearest break so the overlong line is as short as it can be.
  let first = -1;
  for (const points of tiers) {
    for (const p of points) {
      if (p > start && (first < 0 || p < first) && hasText(line, start, p)) {
        first = p;
        break;
      }
    }
  }
  return first;
}

/**
 * Writes one header field as `Name: value` CRLF, folded at whitespace so that lines stay within
 * 76 characters where possible (never inside a word, so never inside an encoded-word), and
 * refused when a line would still exceed 998 characters.
 *
 * The value must already be encoded 7-bit text: use `encodeUnstructured` for free text,
 * `formatAddress` for addresses and `formatContentType` for parameters. CR, LF, NUL and other
 * controls give `MIME_HEADER_INJECTION`; non-ASCII and bad names give `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * formatHeader('X-Trasporto', 'posta-certificata'); // 'X-Trasporto: posta-certificata\r\n'
 * ```
 */
export function formatHeader(name: string, value: string): string {
  assertHeaderName(name);
  assertHeaderValue(name, value);
  const line = value === '' ? `${name}:` : `${name}: ${value}`;
  // Never break between "Name:" and the first word: the first line must carry some value.
  const tiers = breakPoints(line, name.length + 1, !UNSTRUCTURED.has(name.toLowerCase()));
  const out: string[] = [];
  let start = 0;
  while (line.length - start > FOLD_WIDTH) {
    const b = chooseBreak(line, tiers, start);
    if (b < 0) break;
    out.push(line.slice(start, b));
    start = b;
  }
  out.push(line.slice(start));
  for (const l of out) {
    if (l.length > MAX_LINE) {
      throw invalidArgument(
        `${name}: header has a ${l.length}-character word that cannot be folded to ${MAX_LINE}`,
        {
          name,
          length: l.length,
        },
      );
    }
  }
  return `${out.join('\r\n')}\r\n`;
}

/**
 * Writes a header block: every field of `headers` through {@link formatHeader}, in order.
 * The result ends with the last field's CRLF, not with the empty line that ends a header block.
 *
 * @example
 * ```ts
 * writeHeaders([['MIME-Version', '1.0'], ['X-Ricevuta', 'accettazione']]);
 * // 'MIME-Version: 1.0\r\nX-Ricevuta: accettazione\r\n'
 * ```
 */
export function writeHeaders(headers: HeaderList): string {
  if (!Array.isArray(headers))
    throw invalidArgument(`headers must be an array of [name, value], got ${describe(headers)}`);
  let s = '';
  for (const h of headers as readonly unknown[]) {
    if (!Array.isArray(h) || h.length !== 2) {
      throw invalidArgument(`each header must be a [name, value] pair, got ${describe(h)}`);
    }
    s += formatHeader(h[0] as string, h[1] as string);
  }
  return s;
}
