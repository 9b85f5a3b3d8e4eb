// Writes the entity tree to canonical bytes (CRLF everywhere, no line over 998 bytes). Bytes, not
// strings, all the way: an embedded message/rfc822 must come out byte-identical (after LF→CRLF),
// whatever its charset.
//
// Speed (a 30 MB postacert.eml must not be copied once per nesting level): every node is written
// as a list of pieces that point into the caller's bytes where they can, with the transfer class
// of the whole entity worked out from its parts, and the pieces are copied once, into one
// preallocated output. Each large input is scanned once (line breaks, NUL, 8-bit, line length).
import type { Bytes } from '../bytes.js';
import { ascii, concat, describe, encodeUtf8, indexOf, scanLines, toCRLF } from '../bytes.js';
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
const RANK: Readonly<Record<Cte, number>> = { '7bit': 0, '8bit': 1, binary: 2 };

/** One chunk of output. `b64` marks base64 text (only the alphabet, `=` and CRLF). */
interface Piece {
  bytes: Uint8Array;
  b64: boolean;
}

/** A written entity not yet copied into one buffer: its pieces in order and its transfer class. */
interface Written {
  pieces: Piece[];
  length: number;
  /** 7bit / 8bit / binary of the whole entity (RFC 2045 §2.7–2.9), as if scanned. */
  cte: Cte;
}

function piece(bytes: Uint8Array, b64 = false): Piece {
  return { bytes, b64 };
}

function written(pieces: Piece[], cte: Cte): Written {
  let length = 0;
  for (const p of pieces) length += p.bytes.length;
  return { pieces, length, cte };
}

function worst(a: Cte, b: Cte): Cte {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Copies the pieces into one new buffer: the only full copy of the content the writer makes. */
function flatten(w: Written): Bytes {
  const out = new Uint8Array(w.length);
  let o = 0;
  for (const p of w.pieces) {
    out.set(p.bytes, o);
    o += p.bytes.length;
  }
  return out;
}

/**
 * 7bit / 8bit / binary per RFC 2045 §2.7–2.9, from canonical CRLF bytes: binary for NUL or a
 * line over 998 bytes, 8bit for bytes above 0x7F. The class of bytes whose lines all end in CRLF
 * is the worst class of its pieces when each piece starts at a line start, which is how the
 * writer composes entities (headers, empty line, body; delimiter lines around parts).
 */
function classOf(scan: { nul: boolean; eight: boolean; maxLine: number }): Cte {
  if (scan.nul || scan.maxLine > MAX_LINE) return 'binary';
  return scan.eight ? '8bit' : '7bit';
}

function transferClass(b: Uint8Array): Cte {
  return classOf(scanLines(b));
}

/** True when base64 text can never contain `needle` (it has a character base64 lacks). */
function outsideBase64(needle: Uint8Array): boolean {
  for (const c of needle) {
    const alpha =
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2b ||
      c === 0x2f ||
      c === 0x3d ||
      c === 0x0d ||
      c === 0x0a;
    if (!alpha) return true;
  }
  return false;
}

/** True when `needle` occurs anywhere in the concatenation of `pieces`, across piece edges too. */
function occursIn(pieces: readonly Piece[], needle: Uint8Array): boolean {
  const n = needle.length;
  const skipBase64 = outsideBase64(needle);
  let carry: Uint8Array = new Uint8Array(0); // the last n - 1 bytes seen
  for (const p of pieces) {
    const b = p.bytes;
    if (carry.length > 0 && indexOf(concat([carry, b.subarray(0, n - 1)]), needle) >= 0) return true;
    if (!(skipBase64 && p.b64) && indexOf(b, needle) >= 0) return true;
    if (n <= 1) continue;
    if (b.length >= n - 1) carry = b.subarray(b.length - (n - 1));
    else {
      const joined = concat([carry, b]);
      carry = joined.subarray(Math.max(0, joined.length - (n - 1)));
    }
  }
  return false;
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

/** Header block + empty line + body. */
function entity(fields: HeaderList, extra: HeaderList, body: Written): Written {
  // Every header line ends in CRLF, so the body starts at a line start (see classOf).
  const head = ascii(writeHeaders([...fields, ...extra]));
  return {
    pieces: [piece(head), piece(CRLF), ...body.pieces],
    length: head.length + CRLF.length + body.length,
    cte: worst(transferClass(head), body.cte),
  };
}

function leaf(
  node: LeafCommon,
  type: string,
  params: Record<string, string | undefined>,
  cte: string,
  body: Written,
): Written {
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

/** Base64 body at 76 columns: 7bit by construction. */
function base64Body(data: Uint8Array): Written {
  const b = encodeBase64Lines(data);
  return { pieces: [piece(b, true)], length: b.length, cte: '7bit' };
}

/** A body already canonical, its class scanned. */
function scannedBody(b: Uint8Array): Written {
  return { pieces: [piece(b)], length: b.length, cte: transferClass(b) };
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

function multipart(node: MultipartNode, depth: number, random: RandomSource | undefined): Written {
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
  const content: Piece[][] = [
    ...children.map((c) => c.pieces),
    ...(pre ? [[piece(pre)]] : []),
    ...(epi ? [[piece(epi)]] : []),
  ];
  const free = (b: string): boolean => {
    const needle = ascii(b);
    return content.every((c) => !occursIn(c, needle));
  };
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
  const body: Piece[] = [];
  // The CRLF before each delimiter belongs to the delimiter (RFC 2046 §5.1.1), not to the part.
  const first = pre !== undefined && pre.length > 0;
  if (pre !== undefined && first) body.push(piece(pre));
  let cte: Cte = '7bit'; // delimiter lines, preamble and epilogue are short 7-bit lines
  for (const [i, c] of children.entries()) {
    body.push(piece(ascii(`${i === 0 && !first ? '' : '\r\n'}--${boundary}\r\n`)), ...c.pieces);
    cte = worst(cte, c.cte);
  }
  body.push(piece(ascii(`\r\n--${boundary}--\r\n`)));
  if (epi) body.push(piece(epi));
  const fields: [string, string][] = [
    ['Content-Type', formatContentType(`multipart/${subtype}`, { ...node.params, boundary })],
  ];
  // 7bit is the default and is left implicit; 8bit/binary content must be declared (RFC 2045 §6.4).
  if (cte !== '7bit') fields.push(['Content-Transfer-Encoding', cte]);
  return entity(
    fields,
    checkExtraHeaders(node.headers, ['content-type', 'content-transfer-encoding']),
    written(body, cte),
  );
}

function write(node: MimeNode, depth: number, random: RandomSource | undefined): Written {
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
        return leaf(node, `text/${node.subtype ?? 'plain'}`, params, 'base64', base64Body(bytes));
      if (encoding !== 'quoted-printable')
        throw invalidArgument(`unknown text encoding ${describe(encoding)}`);
      return leaf(
        node,
        `text/${node.subtype ?? 'plain'}`,
        params,
        'quoted-printable',
        scannedBody(encodeQuotedPrintable(bytes)),
      );
    }
    case 'binary': {
      if (!(node.body instanceof Uint8Array))
        throw invalidArgument(`body must be a Uint8Array, got ${describe(node.body)}`);
      return leaf(node, node.contentType, { ...node.params }, 'base64', base64Body(node.body));
    }
    case 'message': {
      if (!(node.message instanceof Uint8Array)) {
        throw invalidArgument(`message must be a Uint8Array, got ${describe(node.message)}`);
      }
      // One scan tells both whether LF→CRLF is needed and the class (rescanned only if converted).
      let scan = scanLines(node.message);
      let bytes: Uint8Array = node.message;
      if (scan.bare) {
        bytes = toCRLF(node.message);
        scan = scanLines(bytes);
      }
      const cte = classOf(scan);
      if (cte === 'binary' && node.allowBinary !== true) {
        throw invalidArgument(
          `message/rfc822 part has NUL bytes or lines over ${MAX_LINE} bytes; it cannot be re-encoded (RFC 2046 §5.2.1)`,
        );
      }
      return leaf(node, 'message/rfc822', {}, cte, { pieces: [piece(bytes)], length: bytes.length, cte });
    }
    case 'multipart':
      return multipart(node, depth, random);
    case 'raw': {
      if (!(node.bytes instanceof Uint8Array))
        throw invalidArgument(`bytes must be a Uint8Array, got ${describe(node.bytes)}`);
      const scan = scanLines(node.bytes);
      if (scan.bare) {
        throw invalidArgument(
          'raw entity has bare CR or LF; it is embedded as is, so it must already be CRLF',
        );
      }
      return { pieces: [piece(node.bytes)], length: node.bytes.length, cte: classOf(scan) };
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
  return flatten(write(node, 0, options.randomBytes));
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
  const inner = write(body, 0, options.randomBytes);
  const head = ascii(writeHeaders([...headers, ['MIME-Version', '1.0']]));
  return flatten(written([piece(head), ...inner.pieces], inner.cte));
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
  const scan = scanLines(body);
  if (scan.bare) throw invalidArgument('body has bare CR or LF; convert it with toCRLF first');
  if (classOf(scan) === 'binary') {
    throw invalidArgument(`body has NUL bytes or lines over ${MAX_LINE} bytes; encode it (base64, QP)`);
  }
  return flatten(entity(headers, [], { pieces: [piece(body)], length: body.length, cte: '7bit' }));
}
