// multipart/signed (RFC 1847, RFC 5751 §3.4.3): cut out the exact signed bytes and the signature.
// Delimiters are searched from the end: the signature part is small, the signed part may be 30 MB.
import { ascii, type Bytes } from '../bytes.js';
import { PecError } from '../errors.js';
import { enforce, type Limits } from '../limits.js';
import { decodeBase64 } from './base64.js';
import { type HeaderSplit, type Headers, parseHeaderBlock, splitHeaderBody } from './headers.js';
import { type ContentType, parseContentType } from './params.js';
import {
  indexOfAtLineStart,
  lastIndexOfAtLineStart,
  lineEnd,
  splitMultipart,
  usableBoundary,
} from './read.js';

/** The S/MIME signature protocols PEC providers use. */
export const SIGNATURE_PROTOCOLS = ['application/pkcs7-signature', 'application/x-pkcs7-signature'] as const;

/** What {@link splitSigned} cut out of a multipart/signed entity. */
export interface SignedParts {
  /** Headers of the multipart/signed entity (the message's top-level headers). Not signed. */
  headers: Headers;
  contentType: ContentType;
  boundary: string;
  /** Offset of the multipart/signed body (after its header block). */
  bodyStart: number;
  /** The `protocol` parameter, lower-cased. */
  protocol: string;
  /** The `micalg` parameter as written (informative only: the CMS digest algorithm rules). */
  micalg: string | undefined;
  /** The exact bytes the signature covers: the first part, headers included, without the EOL before the delimiter. */
  signed: Bytes;
  /** Offset of `signed` inside the input. */
  signedOffset: number;
  /** Headers of the signature part. */
  signatureHeaders: Headers;
  /** The signature part's Content-Type (lower-cased value). */
  signatureContentType: string;
  /** The signature part's body as written (base64 text, normally). */
  signatureBody: Bytes;
  /** Bytes after the close delimiter (normally empty or a final EOL). */
  epilogue: Bytes;
}

function signatureEntity(b: Bytes, start: number, end: number, limits: Limits) {
  const split = splitHeaderBody(b, start, end);
  const headers = parseHeaderBlock(b, start, split.headerEnd, limits);
  return { headers, body: b.subarray(split.bodyStart, end) };
}

/**
 * The header block of the entity at `start`, already read by the caller (parsePec reads the
 * top-level headers first to decide whether the message is signed): not parsed a second time.
 */
export interface KnownHead {
  split: HeaderSplit;
  headers: Headers;
  contentType: ContentType;
}

/**
 * Splits a multipart/signed entity `b[start, end)` into its exact signed bytes and its signature
 * part. Throws a coded {@link PecError} saying precisely what is missing:
 * MIME_NOT_SIGNED, MIME_BAD_PROTOCOL, MIME_MALFORMED (no boundary, no delimiter),
 * MIME_SIGNATURE_PART_MISSING (one part only, or no close delimiter after it).
 * `known` is the entity's header block when the caller has read it already (same result).
 *
 * @example
 * ```ts
 * const { signed, signatureBody } = splitSigned(bytes, resolveLimits());
 * ```
 */
export function splitSigned(
  b: Bytes,
  limits: Limits,
  start = 0,
  end = b.length,
  known?: KnownHead,
): SignedParts {
  const split = known?.split ?? splitHeaderBody(b, start, end);
  const headers = known?.headers ?? parseHeaderBlock(b, start, split.headerEnd, limits);
  const contentType = known?.contentType ?? parseContentType(headers.get('content-type'));
  if (contentType.value !== 'multipart/signed') {
    throw new PecError('MIME_NOT_SIGNED', `the message is ${contentType.value}, not multipart/signed`, {
      contentType: contentType.value,
    });
  }
  const protocol = (contentType.params.get('protocol') ?? '').trim().toLowerCase();
  if (!(SIGNATURE_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new PecError(
      'MIME_BAD_PROTOCOL',
      protocol
        ? `unsupported multipart/signed protocol "${protocol}"`
        : 'multipart/signed without a protocol parameter',
      { protocol },
    );
  }
  const boundary = contentType.params.get('boundary');
  if (!boundary) throw new PecError('MIME_MALFORMED', 'multipart/signed without a boundary parameter');
  if (!usableBoundary(boundary))
    throw new PecError('MIME_MALFORMED', 'multipart/signed boundary contains a line break', { boundary });
  const bodyStart = split.bodyStart;
  const dash = ascii(`--${boundary}`);

  // First delimiter: forward from the body start (it follows a short preamble). The searches
  // compare at line starts only, so they stay linear on hostile boundaries (see read.ts).
  let first = -1;
  for (let i = bodyStart; i < end; ) {
    const hit = indexOfAtLineStart(b, dash, i, end, bodyStart);
    if (hit === -1) break;
    if (isDelimiterLine(b, hit + dash.length, end, false)) {
      first = hit;
      break;
    }
    i = hit + 1;
  }
  if (first === -1)
    throw new PecError('MIME_MALFORMED', `no "--${boundary}" delimiter in the multipart/signed body`, {
      boundary,
    });
  const signedStart = lineEnd(b, first + dash.length, end);

  // Close delimiter and the delimiter before it: backwards from the end.
  let close = -1;
  for (let from = end - dash.length; from >= signedStart; ) {
    const hit = lastIndexOfAtLineStart(b, dash, from, signedStart, end);
    if (hit < signedStart) break;
    if (isDelimiterLine(b, hit + dash.length, end, true)) {
      close = hit;
      break;
    }
    from = hit - 1;
  }
  let second = -1;
  const searchEnd = close === -1 ? end - dash.length : close - 1;
  for (let from = searchEnd; from >= signedStart; ) {
    const hit = lastIndexOfAtLineStart(b, dash, from, signedStart, end);
    if (hit < signedStart) break;
    if (isDelimiterLine(b, hit + dash.length, end, false)) {
      second = hit;
      break;
    }
    from = hit - 1;
  }
  if (second === -1) {
    throw new PecError(
      'MIME_SIGNATURE_PART_MISSING',
      close === -1
        ? 'multipart/signed has a single part and no close delimiter: the signature part is missing (truncated or stripped)'
        : 'multipart/signed has only one part: the signature part is missing (stripped)',
      { boundary },
    );
  }
  const signedEnd = b[second - 2] === 0x0d ? second - 2 : second - 1;
  const sigStart = lineEnd(b, second + dash.length, end);
  let sigEnd = end;
  if (close !== -1) sigEnd = b[close - 2] === 0x0d ? close - 2 : close - 1;
  if (close === -1) {
    // A truncated message: the signature part runs to the end and is probably cut.
    const sig = signatureEntity(b, sigStart, end, limits);
    if (sig.body.length === 0)
      throw new PecError(
        'MIME_SIGNATURE_PART_MISSING',
        'the signature part is empty and the close delimiter is missing (truncated)',
      );
  }
  const sig = signatureEntity(b, sigStart, Math.max(sigStart, sigEnd), limits);
  enforce(limits, 'maxBase64Bytes', sig.body.length, 'signature part');
  return {
    headers,
    contentType,
    boundary,
    bodyStart,
    protocol,
    micalg: contentType.params.get('micalg'),
    signed: b.subarray(signedStart, Math.max(signedStart, signedEnd)),
    signedOffset: signedStart,
    signatureHeaders: sig.headers,
    signatureContentType: parseContentType(sig.headers.get('content-type')).value,
    signatureBody: sig.body,
    epilogue: close === -1 ? b.subarray(end) : b.subarray(lineEnd(b, close + dash.length, end), end),
  };
}

/** Decodes the signature part body (base64 normally; binary tolerated) into DER bytes. */
export function signatureDer(parts: SignedParts): Bytes {
  const enc = (parts.signatureHeaders.get('content-transfer-encoding') ?? 'base64').trim().toLowerCase();
  if (enc === 'base64') return decodeBase64(parts.signatureBody);
  return parts.signatureBody;
}

/**
 * Reads the multipart/signed body forward, as OpenSSL and mail readers do, to compare with the
 * backward search of {@link splitSigned}: how many parts, whether it is closed, where the first
 * part ends (an extra part, a second signature), and the first line that starts like the
 * delimiter but is none.
 */
export function countSignedParts(
  b: Bytes,
  parts: SignedParts,
  maxParts: number,
): { count: number; closed: boolean; firstEnd: number; nearDelimiter: number } {
  const split = splitMultipart(b, parts.bodyStart, b.length, parts.boundary, maxParts);
  // Where a forward reader (OpenSSL, mail clients) ends the first part; -1 when there is none.
  return {
    count: split.parts.length,
    closed: split.closed,
    firstEnd: split.parts[0]?.end ?? -1,
    nearDelimiter: split.nearDelimiter,
  };
}

function isDelimiterLine(b: Uint8Array, k: number, end: number, close: boolean): boolean {
  if (close) {
    if (b[k] !== 0x2d || b[k + 1] !== 0x2d) return false;
    k += 2;
  } else if (b[k] === 0x2d && b[k + 1] === 0x2d) return false;
  while (k < end && (b[k] === 0x20 || b[k] === 0x09)) k++;
  return k >= end || b[k] === 0x0a || (b[k] === 0x0d && (k + 1 >= end || b[k + 1] === 0x0a));
}
