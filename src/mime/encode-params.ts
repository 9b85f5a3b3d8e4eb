// Content-Type / Content-Disposition values with parameters (RFC 2045 §5.1, RFC 2183, RFC 2231).
// Non-ASCII or long values use RFC 2231 (`filename*=UTF-8''…`, continued as `filename*0*=` …);
// Content-Type's `name` keeps the de-facto legacy form (quoted RFC 2047 words) for old readers.
import { describe, encodeUtf8 } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';
import { FOLD_WIDTH } from './encode-header.js';
import { encodeWords } from './encode-words.js';

/**
 * Parameters in output order; `undefined` values are skipped.
 *
 * @example
 * ```ts
 * const params: ParamInput = { charset: 'utf-8', name: 'fattura n° 42.pdf' };
 * ```
 */
export type ParamInput = Readonly<Record<string, string | undefined>>;

/**
 * How a parameter value may be written: RFC 2231 when needed, or the legacy quoted form.
 *
 * @example
 * ```ts
 * formatParameter('name', 'è.pdf', 'legacy'); // 'name="=?UTF-8?B?w6gucGRm?="'
 * ```
 */
export type ParamStyle = 'rfc2231' | 'legacy';

// RFC 2045 token: printable ASCII except SPACE and tspecials.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
// RFC 2231 attribute-char: token characters except "*", "'" and "%".
const ATTR_CHAR = /^[!#$&+\-.0-9A-Z^_`a-z{|}~]$/;
// These read best (and are most compatible) quoted even when they are tokens.
const ALWAYS_QUOTED = new Set(['name', 'filename', 'boundary']);
// Room for " name*12*=…;" on a folded line of 76.
const SEGMENT = FOLD_WIDTH - 2;
const HEX = '0123456789ABCDEF';

function assertParamName(name: unknown): asserts name is string {
  if (typeof name !== 'string')
    throw invalidArgument(`parameter name must be a string, got ${describe(name)}`);
  if (/[\r\n\0]/.test(name))
    throw new PecError('MIME_HEADER_INJECTION', 'parameter name contains CR, LF or NUL');
  if (!/^[!#$&+\-.0-9A-Z^_`a-z{|}~]+$/.test(name)) {
    throw invalidArgument(`invalid parameter name ${JSON.stringify(name)}`, { name });
  }
}

function assertParamValue(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string')
    throw invalidArgument(`parameter ${name} must be a string, got ${describe(value)}`);
  const m = /[\r\n\0]/.exec(value);
  if (m) {
    throw new PecError(
      'MIME_HEADER_INJECTION',
      `parameter ${name} contains CR, LF or NUL at offset ${m.index}`,
      {
        name,
        offset: m.index,
      },
    );
  }
}

function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** RFC 2231 percent-encoding of one character's UTF-8 bytes. */
function pct(ch: string): string {
  if (ATTR_CHAR.test(ch)) return ch;
  let s = '';
  for (const b of encodeUtf8(ch)) s += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  return s;
}

/** Splits `pieces` (indivisible strings) into chunks whose joined length stays within `max`. */
function chunk(pieces: readonly string[], firstMax: number, max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of pieces) {
    if (cur !== '' && cur.length + p.length > (out.length === 0 ? firstMax : max)) {
      out.push(cur);
      cur = '';
    }
    cur += p;
  }
  out.push(cur);
  return out;
}

/** RFC 2231 continuations; each section holds whole characters, never a split %XX or UTF-8 sequence. */
function rfc2231(name: string, value: string, extended: boolean): string {
  const chars = Array.from(value);
  if (extended) {
    const pieces = chars.map(pct);
    const single = `${name}*=UTF-8''${pieces.join('')}`;
    if (single.length <= SEGMENT) return single;
    // Section 0 also carries the charset prefix.
    const parts = chunk(pieces, SEGMENT - name.length - 11, SEGMENT - name.length - 6);
    return parts.map((p, i) => `${name}*${i}*=${i === 0 ? "UTF-8''" : ''}${p}`).join('; ');
  }
  const pieces = chars.map((c) => (c === '"' || c === '\\' ? `\\${c}` : c));
  const parts = chunk(pieces, SEGMENT - name.length - 6, SEGMENT - name.length - 6);
  return parts.map((p, i) => `${name}*${i}="${p}"`).join('; ');
}

/**
 * Writes one `name=value` parameter. Tokens stay bare (`name`, `filename` and `boundary` are always
 * quoted), other printable ASCII becomes a quoted-string, and non-ASCII or long values use RFC 2231
 * (`name*=UTF-8''…`, continued as `name*0*=`, `name*1*=` …). With style `legacy` the value is instead
 * one quoted-string, RFC 2047-encoded when not ASCII: what old readers expect in Content-Type `name`.
 * CR, LF or NUL give `MIME_HEADER_INJECTION`.
 *
 * @example
 * ```ts
 * formatParameter('charset', 'utf-8'); // 'charset=utf-8'
 * formatParameter('filename', 'fattura è.pdf'); // "filename*=UTF-8''fattura%20%C3%A8.pdf"
 * formatParameter('name', 'fattura è.pdf', 'legacy'); // 'name="=?UTF-8?Q?fattura_=C3=A8.pdf?="'
 * ```
 */
export function formatParameter(name: string, value: string, style: ParamStyle = 'rfc2231'): string {
  assertParamName(name);
  assertParamValue(name, value);
  if (style !== 'rfc2231' && style !== 'legacy')
    throw invalidArgument(`unknown parameter style ${describe(style)}`);
  const ascii = /^[\x20-\x7e]*$/.test(value);
  if (style === 'legacy') {
    // Long values become encoded-words too: the spaces between them let the folder break the line.
    if (ascii && !value.includes('=?') && value.length <= 200) return `${name}=${quoted(value)}`;
    // Lines: ` name="word` first, ` word` in between, ` word";` last; all within 76.
    const words = encodeWords(value, 'phrase', FOLD_WIDTH - name.length - 6, FOLD_WIDTH - 3);
    return `${name}="${words.join(' ')}"`;
  }
  if (ascii) {
    const simple = TOKEN.test(value) && !ALWAYS_QUOTED.has(name.toLowerCase()) ? value : quoted(value);
    const whole = `${name}=${simple}`;
    return whole.length <= SEGMENT ? whole : rfc2231(name, value, false);
  }
  return rfc2231(name, value, true);
}

function formatParams(params: ParamInput | undefined, legacy: ReadonlySet<string>): string {
  if (params === undefined) return '';
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw invalidArgument(`params must be an object, got ${describe(params)}`);
  }
  let s = '';
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    s += `; ${formatParameter(k, v, legacy.has(k.toLowerCase()) ? 'legacy' : 'rfc2231')}`;
  }
  return s;
}

/**
 * Writes a Content-Type value: `type/subtype` then the parameters in the given order.
 * The `name` parameter (the legacy filename) is written in the legacy style so that old readers
 * show it; put the RFC 2231 `filename` in Content-Disposition.
 *
 * @example
 * ```ts
 * formatContentType('text/plain', { charset: 'iso-8859-1' }); // 'text/plain; charset=iso-8859-1'
 * formatContentType('application/xml', { name: 'daticert.xml' }); // 'application/xml; name="daticert.xml"'
 * ```
 */
export function formatContentType(type: string, params?: ParamInput): string {
  if (typeof type !== 'string') throw invalidArgument(`content type must be a string, got ${describe(type)}`);
  if (/[\r\n\0]/.test(type))
    throw new PecError('MIME_HEADER_INJECTION', 'content type contains CR, LF or NUL');
  const parts = type.split('/');
  if (parts.length !== 2 || !TOKEN.test(parts[0]!) || !TOKEN.test(parts[1]!)) {
    throw invalidArgument(`invalid content type ${JSON.stringify(type)} (expected type/subtype)`, { type });
  }
  return type + formatParams(params, new Set(['name']));
}

/**
 * Writes a Content-Disposition value (RFC 2183), e.g. `attachment; filename="a.pdf"`, with
 * `filename` in RFC 2231 form when it is not ASCII or is long.
 *
 * @example
 * ```ts
 * formatContentDisposition('inline', { filename: 'postacert.eml' }); // 'inline; filename="postacert.eml"'
 * ```
 */
export function formatContentDisposition(disposition: string, params?: ParamInput): string {
  if (typeof disposition !== 'string') {
    throw invalidArgument(`disposition must be a string, got ${describe(disposition)}`);
  }
  if (/[\r\n\0]/.test(disposition))
    throw new PecError('MIME_HEADER_INJECTION', 'disposition contains CR, LF or NUL');
  if (!TOKEN.test(disposition)) throw invalidArgument(`invalid disposition ${JSON.stringify(disposition)}`);
  return disposition + formatParams(params, new Set());
}
