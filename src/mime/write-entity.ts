// Writes the entity tree to canonical bytes (CRLF everywhere, no line over 998 bytes). Bytes, not
// strings, all the way: an embedded message/rfc822 must come out byte-identical (after LF→CRLF),
// whatever its charset.
import type { Bytes } from '../bytes.js';
import { ascii, concat, describe, encodeUtf8, hasBareLineBreaks, indexOf, toCRLF } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import { encodeBase64Lines } from './base64.js';
import { type HeaderList, MAX_LINE, writeHeaders } from './encode-header.js';
import { formatContentDisposition, formatContentType } from './encode-params.js';
import { encodeQuotedPrintable } from './encode-qp.js';
import { type RandomSource, randomBoundary } from './write-random.js';
import type { LeafCommon, MimeNode, MultipartNode, TextNode, WriteOptions } from './write-types.js';

type Cte = '7bit' | '8bit' | 'binary';

const MAX_DEPTH = 64;
const BOUNDARY_TRIES = 8;
const CRLF = ascii('\r\n');

/** 7bit / 8bit / binary per RFC 2045 §2.7–2.9, from canonical CRLF bytes. */
function transferClass(b: Uint8Array): Cte {
  let eight = false;
  let lineStart = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) return 'binary';
    if (c === 0x0a) {
      if (i - 1 - lineStart > MAX_LINE) return 'binary';
      lineStart = i + 1;
    } else if (c >= 0x80) eight = true;
  }
  if (b.length - lineStart > MAX_LINE) return 'binary';
  return eight ? '8bit' : '7bit';
}

function encodeText(node: TextNode): Bytes {
  const charset = node.charset ?? 'utf-8';
  const { text } = node;
  if (text instanceof Uint8Array) {
    if (charset === 'us-ascii' && text.some((b) => b > 0x7f))
      throw invalidArgument('us-ascii text has bytes above 0x7F');
    return toCRLF(text);
  }
  if (typeof text !== 'string')
    throw invalidArgument(`text must be a string or Uint8Array, got ${describe(text)}`);
  if (charset === 'utf-8') return toCRLF(encodeUtf8(text));
  const max = charset === 'iso-8859-1' ? 0xff : 0x7f;
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > max) {
      throw invalidArgument(
        `text has U+${c.toString(16).padStart(4, '0')} at ${i}, not representable in ${charset}`,
        {
          offset: i,
        },
      );
    }
    out[i] = c;
  }
  return toCRLF(out);
}

function checkExtraHeaders(headers: HeaderList | undefined, written: readonly string[]): HeaderList {
  if (headers === undefined) return [];
  if (!Array.isArray(headers))
    throw invalidArgument(`headers must be an array of [name, value], got ${describe(headers)}`);
  for (const h of headers) {
    const name = Array.isArray(h) && typeof h[0] === 'string' ? h[0].toLowerCase() : '';
    if (written.includes(name))
      throw invalidArgument(`header ${h[0]} is written by the MIME writer; do not pass it`);
  }
  return headers;
}

/** Header block + empty line + body, as bytes. */
function entity(fields: HeaderList, extra: HeaderList, body: Uint8Array): Bytes {
  return concat([ascii(writeHeaders([...fields, ...extra])), CRLF, body]);
}

function leaf(
  node: LeafCommon,
  type: string,
  params: Record<string, string | undefined>,
  cte: string,
  body: Uint8Array,
): Bytes {
  const { filename } = node;
  if (filename !== undefined && typeof filename !== 'string') {
    throw invalidArgument(`filename must be a string, got ${describe(filename)}`);
  }
  const disposition = node.disposition ?? (filename === undefined ? undefined : 'attachment');
  if (disposition !== undefined && disposition !== 'inline' && disposition !== 'attachment') {
    throw invalidArgument(`disposition must be "inline" or "attachment", got ${describe(disposition)}`);
  }
  const p = { ...params };
  if (filename !== undefined && p.name === undefined) p.name = filename;
  const fields: [string, string][] = [
    ['Content-Type', formatContentType(type, p)],
    ['Content-Transfer-Encoding', cte],
  ];
  if (disposition !== undefined)
    fields.push(['Content-Disposition', formatContentDisposition(disposition, { filename })]);
  const written = ['content-type', 'content-transfer-encoding'];
  if (disposition !== undefined) written.push('content-disposition');
  return entity(fields, checkExtraHeaders(node.headers, written), body);
}

function asciiText(s: unknown, what: string): Bytes {
  if (typeof s !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(s)}`);
  if (!/^[\t\r\n\x20-\x7e]*$/.test(s)) throw invalidArgument(`${what} must be printable ASCII`);
  const b = toCRLF(ascii(s));
  if (transferClass(b) !== '7bit') throw invalidArgument(`${what} has a line over ${MAX_LINE} characters`);
  return b;
}

function assertBoundary(b: unknown): asserts b is string {
  // RFC 2046 §5.1.1 bchars, 1–70 characters, not ending in a space.
  if (typeof b !== 'string' || !/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(b)) {
    throw invalidArgument(`invalid multipart boundary ${JSON.stringify(b)}`);
  }
}

function multipart(node: MultipartNode, depth: number, random: RandomSource | undefined): Bytes {
  const { subtype, parts } = node;
  if (typeof subtype !== 'string' || !/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/.test(subtype)) {
    throw invalidArgument(`invalid multipart subtype ${describe(subtype)}`);
  }
  if (!Array.isArray(parts) || parts.length === 0)
    throw invalidArgument('a multipart needs at least one part');
  const children = parts.map((p) => write(p, depth + 1, random));
  // The preamble is written as whole lines; an empty one is the same as none.
  let pre = node.preamble === undefined ? undefined : asciiText(node.preamble, 'preamble');
  if (pre && pre.length > 0 && !(pre[pre.length - 2] === 0x0d && pre[pre.length - 1] === 0x0a))
    pre = concat([pre, CRLF]);
  const epi = node.epilogue === undefined ? undefined : asciiText(node.epilogue, 'epilogue');
  const content = [...children, ...(pre ? [pre] : []), ...(epi ? [epi] : [])];
  const free = (b: string): boolean => content.every((c) => indexOf(c, ascii(b)) < 0);
  let boundary = node.boundary;
  if (boundary !== undefined) {
    assertBoundary(boundary);
    if (!free(boundary))
      throw invalidArgument(`the boundary ${JSON.stringify(boundary)} occurs in the content`);
  } else {
    // A random 160-bit boundary practically never collides; checking makes it certain.
    for (let i = 0; boundary === undefined; i++) {
      if (i === BOUNDARY_TRIES)
        throw invalidArgument('the random source keeps producing boundaries found in the content');
      const b = randomBoundary(random);
      if (free(b)) boundary = b;
    }
  }
  const body: Uint8Array[] = [];
  // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), not to the part.
  const first = pre !== undefined && pre.length > 0;
  if (pre !== undefined && first) body.push(pre);
  children.forEach((c, i) => {
    body.push(ascii(`${i === 0 && !first ? '' : '\r\n'}--${boundary}\r\n`), c);
  });
  body.push(ascii(`\r\n--${boundary}--\r\n`));
  if (epi) body.push(epi);
  const bytes = concat(body);
  const cte = transferClass(bytes);
  const fields: [string, string][] = [
    ['Content-Type', formatContentType(`multipart/${subtype}`, { ...node.params, boundary })],
  ];
  // 7bit is the default and is left implicit; 8bit/binary content must be declared (RFC 2045 §6.4).
  if (cte !== '7bit') fields.push(['Content-Transfer-Encoding', cte]);
  return entity(
    fields,
    checkExtraHeaders(node.headers, ['content-type', 'content-transfer-encoding']),
    bytes,
  );
}

function write(node: MimeNode, depth: number, random: RandomSource | undefined): Bytes {
  if (depth > MAX_DEPTH) throw invalidArgument(`MIME tree deeper than ${MAX_DEPTH} levels (a cycle?)`);
  if (typeof node !== 'object' || node === null)
    throw invalidArgument(`MIME node must be an object, got ${describe(node)}`);
  switch (node.kind) {
    case 'text': {
      const encoding = node.encoding ?? 'quoted-printable';
      const bytes = encodeText(node);
      if (node.params && Object.keys(node.params).some((k) => k.toLowerCase() === 'charset')) {
        throw invalidArgument('text params must not contain charset; use the charset field');
      }
      const params = { charset: node.charset ?? 'utf-8', ...node.params };
      if (encoding === 'base64')
        return leaf(node, `text/${node.subtype ?? 'plain'}`, params, 'base64', encodeBase64Lines(bytes));
      if (encoding !== 'quoted-printable')
        throw invalidArgument(`unknown text encoding ${describe(encoding)}`);
      return leaf(
        node,
        `text/${node.subtype ?? 'plain'}`,
        params,
        'quoted-printable',
        encodeQuotedPrintable(bytes),
      );
    }
    case 'binary': {
      if (!(node.body instanceof Uint8Array))
        throw invalidArgument(`body must be a Uint8Array, got ${describe(node.body)}`);
      return leaf(node, node.contentType, { ...node.params }, 'base64', encodeBase64Lines(node.body));
    }
    case 'message': {
      if (!(node.message instanceof Uint8Array)) {
        throw invalidArgument(`message must be a Uint8Array, got ${describe(node.message)}`);
      }
      const bytes = toCRLF(node.message);
      const cte = transferClass(bytes);
      if (cte === 'binary' && node.allowBinary !== true) {
        throw invalidArgument(
          `message/rfc822 part has NUL bytes or lines over ${MAX_LINE} bytes; it cannot be re-encoded (RFC 2046 §5.2.1)`,
        );
      }
      return leaf(node, 'message/rfc822', {}, cte, bytes);
    }
    case 'multipart':
      return multipart(node, depth, random);
    case 'raw': {
      if (!(node.bytes instanceof Uint8Array))
        throw invalidArgument(`bytes must be a Uint8Array, got ${describe(node.bytes)}`);
      if (hasBareLineBreaks(node.bytes)) {
        throw invalidArgument(
          'raw entity has bare CR or LF; it is embedded as is, so it must already be CRLF',
        );
      }
      return node.bytes as Bytes;
    }
    default:
      throw invalidArgument(`unknown MIME node kind ${describe((node as { kind?: unknown }).kind)}`);
  }
}

/**
 * Writes a MIME entity: its Content-* header fields, an empty line and the encoded body, with
 * CRLF line breaks and no line over 998 bytes. No RFC 5322 message headers are added, so the
 * result is exactly what a multipart/signed first part holds (the bytes that get signed).
 *
 * @example
 * ```ts
 * const signed = writeEntity({
 *   kind: 'multipart', subtype: 'mixed', parts: [
 *     { kind: 'text', text: 'Ricevuta di accettazione', charset: 'iso-8859-1', disposition: 'inline' },
 *     { kind: 'binary', contentType: 'application/xml', body: xml, filename: 'daticert.xml', disposition: 'inline' },
 *   ],
 * });
 * ```
 */
export function writeEntity(node: MimeNode, options: WriteOptions = {}): Bytes {
  return write(node, 0, options.randomBytes);
}

/**
 * Writes a whole message: the RFC 5322 `headers` (From, To, Subject, Date, Message-ID, X-…, in the
 * given order), `MIME-Version: 1.0`, then the entity `body` as {@link writeEntity} writes it.
 * MIME-Version and Content-* fields belong to the entity and are refused in `headers`.
 *
 * @example
 * ```ts
 * const eml = writeMessage(
 *   [['From', formatAddress('mario@example.it')], ['Subject', encodeUnstructured('Prova')]],
 *   { kind: 'text', text: 'Ciao\n' },
 * );
 * ```
 */
export function writeMessage(headers: HeaderList, body: MimeNode, options: WriteOptions = {}): Bytes {
  if (!Array.isArray(headers))
    throw invalidArgument(`headers must be an array of [name, value], got ${describe(headers)}`);
  for (const h of headers) {
    const name = Array.isArray(h) && typeof h[0] === 'string' ? h[0].toLowerCase() : '';
    if (name === 'mime-version' || name.startsWith('content-')) {
      throw invalidArgument(`header ${h[0]} belongs to the MIME entity; the writer makes it`);
    }
  }
  const entityBytes = writeEntity(body, options);
  return concat([ascii(writeHeaders([...headers, ['MIME-Version', '1.0']])), entityBytes]);
}

/**
 * Writes a hand-made entity: `headers` (any fields, e.g. a Content-Type written with
 * `formatContentType`), the empty line, then `body` as is. The body must already be canonical:
 * CRLF line breaks only and no line over 998 bytes; it is never rewritten.
 *
 * @example
 * ```ts
 * const part = writePart([['Content-Type', formatContentType('text/plain', { charset: 'us-ascii' })]], ascii('ok\r\n'));
 * ```
 */
export function writePart(headers: HeaderList, body: Uint8Array): Bytes {
  if (!(body instanceof Uint8Array))
    throw invalidArgument(`body must be a Uint8Array, got ${describe(body)}`);
  if (hasBareLineBreaks(body)) throw invalidArgument('body has bare CR or LF; convert it with toCRLF first');
  if (transferClass(body) === 'binary') {
    throw invalidArgument(`body has NUL bytes or lines over ${MAX_LINE} bytes; encode it (base64, QP)`);
  }
  return entity(headers, [], body);
}
