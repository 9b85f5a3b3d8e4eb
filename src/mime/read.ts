// The MIME walker: every entity with its exact byte range, for hashing and for display.
// Works on LF-only, CRLF and mixed files, with preambles, epilogues, nesting and message/rfc822.
import { ascii, type Bytes, indexOfByte, lastIndexOfByte } from '../bytes.js';
import { isPecError, PecError } from '../errors.js';
import { enforce, type Limits, resolveLimits } from '../limits.js';
import { decodeCharset } from './encoded-words.js';
import { type Headers, parseHeaderBlock, splitHeaderBody } from './headers.js';
import { type ContentType, type ParsedValue, parseContentType, parseParams } from './params.js';
import { decodeTransfer } from './transfer.js';

/**
 * One MIME entity: headers plus body, as exact sub-ranges of the input (no copies).
 *
 * @example
 * ```ts
 * const entity: MimeEntity | undefined = parsePec(bytes).original?.entity;
 * ```
 * @category Low-level
 */
export interface MimeEntity {
  /** The whole entity: header block, empty line and body. */
  readonly raw: Bytes;
  /** The header block as written (no trailing empty line). */
  readonly headerBytes: Bytes;
  /** The body as written (still transfer-encoded). */
  readonly body: Bytes;
  readonly headers: Headers;
  readonly contentType: ContentType;
  /** Content-Disposition, parsed (undefined when absent). */
  readonly disposition: ParsedValue | undefined;
  /** Lower-cased Content-Transfer-Encoding, '7bit' when absent. */
  readonly transferEncoding: string;
  /** The file name from `filename` / `name` (RFC 2231 and 2047 decoded), if any. */
  readonly filename: string | undefined;
  /** Children of a multipart. */
  readonly parts: readonly MimeEntity[];
  /** The parsed inner message of a message/rfc822 part. */
  readonly message: MimeEntity | undefined;
  /** Nesting depth (0 = top level). */
  readonly depth: number;
  /** Problems found while reading this entity (never fatal). */
  readonly defects: readonly MimeDefect[];
}

/**
 * A structural problem that did not stop reading.
 *
 * @example
 * ```ts
 * const defects: readonly MimeDefect[] = parsePec(bytes).original?.entity.defects ?? [];
 * ```
 * @category Low-level
 */
export interface MimeDefect {
  code: 'MIME_NO_HEADER_END' | 'MIME_NO_CLOSE_DELIMITER' | 'MIME_NO_BOUNDARY' | 'MIME_NO_PARTS';
  message: string;
}

/** Options of {@link readMime}. */
export interface ReadMimeOptions {
  limits?: Partial<Limits>;
}

/** Where multipart parts lie inside a body. */
export interface MultipartSplit {
  parts: { start: number; end: number }[];
  closed: boolean;
  /** Offset of the first delimiter line, -1 if none. */
  firstDelimiter: number;
  /**
   * Offset of the first line before the close delimiter that starts with the delimiter but is
   * none (`--B-x`, `--B junk`, `--BB`), -1 if none: skipped here, as RFC 2046 §5.1.1 says, while
   * OpenSSL compares only the prefix and cuts the body there.
   */
  nearDelimiter: number;
}

function isLineEndAt(b: Uint8Array, i: number, end: number): boolean {
  return i >= end || b[i] === 0x0a || (b[i] === 0x0d && (i + 1 >= end || b[i + 1] === 0x0a));
}

/** Offset just after the end of the line that contains `i` (after its LF), or `end`. */
export function lineEnd(b: Uint8Array, i: number, end: number): number {
  const lf = indexOfByte(b, 0x0a, i);
  return lf === -1 || lf >= end ? end : lf + 1;
}

/**
 * True when `boundary` can be searched for safely: not empty, and no CR or LF (which RFC 2046 does
 * not allow and which RFC 2231 or RFC 2047 decoding could otherwise smuggle in). The delimiter
 * searches below are linear only because a delimiter never spans a line break.
 */
export function usableBoundary(boundary: string | undefined): boundary is string {
  return !!boundary && !/[\r\n]/.test(boundary);
}

/**
 * First offset `i` in `[from, end)` where `needle` starts a line (`i === lineStart` or `b[i - 1]`
 * is LF). Hostile-input safe: a plain substring search is O(n·m) when a long boundary of dashes
 * meets a body of dashes (a 10 KB boundary over 1 MB took 20 s); here a candidate that does not
 * start a line is never compared, and after one candidate per line the search jumps to the next
 * line, so each byte is compared at most once. `needle` must not contain LF.
 */
export function indexOfAtLineStart(
  b: Uint8Array,
  needle: Uint8Array,
  from: number,
  end: number,
  lineStart: number,
): number {
  const n = needle.length;
  const stop = Math.min(end, b.length);
  const first = needle[0]!;
  let i = indexOfByte(b, first, from);
  while (i !== -1 && i + n <= stop) {
    if (i === lineStart || b[i - 1] === 0x0a) {
      let j = 1;
      while (j < n && b[i + j] === needle[j]) j++;
      if (j === n) return i;
    }
    const lf = indexOfByte(b, 0x0a, i);
    if (lf === -1 || lf + 1 >= stop) return -1;
    i = indexOfByte(b, first, lf + 1);
  }
  return -1;
}

/**
 * Last offset `i` with `floor <= i <= from` where `needle` follows a LF (`b[i - 1]` is LF) and
 * fits before `end`. Only lines holding the needle's first byte are looked at: the last such byte
 * is found, then the start of its line compared, then the search goes on before that line. A
 * base64 signature part (no `-` in it) is crossed in one native search instead of one per line,
 * and each line costs a bounded number of searches and one comparison whatever the input (linear,
 * see {@link indexOfAtLineStart}). `needle` must not contain LF.
 */
export function lastIndexOfAtLineStart(
  b: Uint8Array,
  needle: Uint8Array,
  from: number,
  floor: number,
  end: number,
): number {
  const n = needle.length;
  const stop = Math.min(end, b.length);
  const first = needle[0]!;
  let c = lastIndexOfByte(b, first, from);
  while (c !== -1 && c >= floor) {
    const lf = lastIndexOfByte(b, 0x0a, c - 1);
    if (lf === -1) return -1; // no line break before: no line start at all
    const i = lf + 1;
    if (i < floor) return -1;
    if (b[i] === first && i + n <= stop) {
      let j = 1;
      while (j < n && b[i + j] === needle[j]) j++;
      if (j === n) return i;
    }
    c = lastIndexOfByte(b, first, lf - 1);
  }
  return -1;
}

/** Offset of the EOL (CRLF or LF) that ends the content before a delimiter starting at `delim`. */
function contentEndBefore(b: Uint8Array, delim: number, floor: number): number {
  if (delim > floor && b[delim - 1] === 0x0a)
    return delim - 1 > floor && b[delim - 2] === 0x0d ? delim - 2 : delim - 1;
  return delim;
}

/**
 * Finds the delimiter lines of a multipart body in `b[start, end)` (RFC 2046 §5.1.1): `--boundary`
 * at the start of a line, optionally `--`, then optional whitespace and the line end. The EOL
 * before a delimiter belongs to the delimiter, not to the part.
 */
export function splitMultipart(
  b: Uint8Array,
  start: number,
  end: number,
  boundary: string,
  maxParts: number,
): MultipartSplit {
  const dash = ascii(`--${boundary}`);
  const parts: { start: number; end: number }[] = [];
  let firstDelimiter = -1;
  let nearDelimiter = -1;
  let partStart = -1;
  let closed = false;
  let from = start;
  while (from < end) {
    const hit = indexOfAtLineStart(b, dash, from, end, start);
    if (hit === -1) break;
    from = hit + 1;
    let k = hit + dash.length;
    const isClose = b[k] === 0x2d && b[k + 1] === 0x2d;
    if (isClose) k += 2;
    while (k < end && (b[k] === 0x20 || b[k] === 0x09)) k++;
    if (!isLineEndAt(b, k, end)) {
      if (nearDelimiter === -1) nearDelimiter = hit; // a longer boundary that merely starts with ours
      continue;
    }
    if (partStart !== -1) {
      parts.push({ start: partStart, end: Math.max(partStart, contentEndBefore(b, hit, partStart)) });
      if (parts.length > maxParts)
        throw new PecError('LIMIT_EXCEEDED', `more than ${maxParts} MIME parts`, { limit: 'maxParts' });
    } else firstDelimiter = hit;
    if (isClose) {
      closed = true;
      break;
    }
    partStart = lineEnd(b, k, end);
    from = partStart;
  }
  if (!closed && partStart !== -1) parts.push({ start: partStart, end });
  return { parts, closed, firstDelimiter, nearDelimiter };
}

interface Budget {
  parts: number;
}

function readEntity(
  b: Bytes,
  start: number,
  end: number,
  depth: number,
  limits: Limits,
  budget: Budget,
  defaultType: string,
): MimeEntity {
  enforce(limits, 'maxMimeDepth', depth, 'MIME nesting depth');
  if (++budget.parts > limits.maxParts) {
    throw new PecError('LIMIT_EXCEEDED', `more than ${limits.maxParts} MIME parts`, { limit: 'maxParts' });
  }
  const defects: MimeDefect[] = [];
  const split = splitHeaderBody(b, start, end);
  if (!split.complete)
    defects.push({
      code: 'MIME_NO_HEADER_END',
      message: 'no empty line after the headers: the entity has no body',
    });
  const headers = parseHeaderBlock(b, start, split.headerEnd, limits);
  const contentType = parseContentType(headers.get('content-type'), defaultType);
  const dispositionRaw = headers.get('content-disposition');
  const disposition = dispositionRaw === undefined ? undefined : parseParams(dispositionRaw);
  const filename = disposition?.params.get('filename') ?? contentType.params.get('name');
  const transferEncoding = (headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const parts: MimeEntity[] = [];
  let message: MimeEntity | undefined;
  const bodyStart = split.bodyStart;
  if (contentType.type === 'multipart') {
    const boundary = contentType.params.get('boundary');
    if (!usableBoundary(boundary)) {
      defects.push({
        code: 'MIME_NO_BOUNDARY',
        message: boundary
          ? `${contentType.value} with a boundary containing a line break`
          : `${contentType.value} without a boundary parameter`,
      });
    } else {
      const found = splitMultipart(b, bodyStart, end, boundary, limits.maxParts);
      if (found.parts.length === 0)
        defects.push({
          code: 'MIME_NO_PARTS',
          message: `no "--${boundary}" delimiter found in the ${contentType.value} body`,
        });
      else if (!found.closed)
        defects.push({
          code: 'MIME_NO_CLOSE_DELIMITER',
          message: `the ${contentType.value} body has no close delimiter "--${boundary}--" (truncated?)`,
        });
      const childDefault = contentType.subtype === 'digest' ? 'message/rfc822' : 'text/plain';
      for (const p of found.parts)
        parts.push(readEntity(b, p.start, p.end, depth + 1, limits, budget, childDefault));
    }
  } else if (contentType.value === 'message/rfc822' || contentType.value === 'message/global') {
    if (transferEncoding === 'base64' || transferEncoding === 'quoted-printable') {
      // Not allowed by RFC 2046 §5.2.1 but sent anyway: read the decoded copy.
      const inner = decodeTransfer(b.subarray(bodyStart, end), transferEncoding, limits);
      message = readEntity(inner, 0, inner.length, depth + 1, limits, budget, 'text/plain');
    } else {
      message = readEntity(b, bodyStart, end, depth + 1, limits, budget, 'text/plain');
    }
  }
  return {
    raw: b.subarray(start, end),
    headerBytes: b.subarray(start, split.headerEnd),
    body: b.subarray(bodyStart, end),
    headers,
    contentType,
    disposition,
    transferEncoding,
    filename,
    parts,
    message,
    depth,
    defects,
  };
}

/**
 * Reads a whole MIME message (or a bare entity) into a tree of entities with exact byte ranges.
 * Never copies the input: every `raw`/`body` is a view into it.
 *
 * @example
 * ```ts
 * const root = readMime(bytes);
 * for (const part of root.parts) console.log(part.contentType.value, part.filename);
 * ```
 */
export function readMime(input: Bytes, options: ReadMimeOptions = {}): MimeEntity {
  const limits = resolveLimits(options.limits);
  enforce(limits, 'maxMessageBytes', input.length, 'message size');
  return readEntity(input, 0, input.length, 0, limits, { parts: 0 }, 'text/plain');
}

/** Reads an entity with already-resolved limits (internal fast path). */
export function readMimeWith(input: Bytes, limits: Limits, depth = 0): MimeEntity {
  return readEntity(input, 0, input.length, depth, limits, { parts: 0 }, 'text/plain');
}

/** The decoded body bytes of a leaf entity (base64 / quoted-printable undone). */
export function decodeBody(entity: MimeEntity, limits?: Partial<Limits>): Bytes {
  return decodeTransfer(entity.body, entity.transferEncoding, resolveLimits(limits));
}

/** The decoded text of a text/* entity, in its declared charset. */
export function decodeText(entity: MimeEntity, limits?: Partial<Limits>): string {
  const bytes = decodeBody(entity, limits);
  const charset = entity.contentType.params.get('charset') ?? 'us-ascii';
  return decodeCharset(bytes, charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset);
}

/**
 * {@link decodeText}, or null when the body cannot be decoded (broken base64 or quoted-printable):
 * for readers that show what they can. A limit still throws (nothing is silently cut).
 */
export function decodeTextOrNull(entity: MimeEntity, limits: Limits): string | null {
  try {
    return decodeText(entity, limits);
  } catch (err) {
    if (isPecError(err) && err.code !== 'LIMIT_EXCEEDED') return null;
    throw err;
  }
}

/**
 * An entity and all its descendants (including message/rfc822 insides), depth first, as an array:
 * callers walk small trees several times per message, and nested generators cost a resumption
 * per level for every entity.
 */
export function walk(entity: MimeEntity, intoMessages = true): MimeEntity[] {
  const out: MimeEntity[] = [];
  collect(entity, intoMessages, out);
  return out;
}

function collect(entity: MimeEntity, intoMessages: boolean, out: MimeEntity[]): void {
  out.push(entity);
  for (const p of entity.parts) collect(p, intoMessages, out);
  if (intoMessages && entity.message) collect(entity.message, intoMessages, out);
}
