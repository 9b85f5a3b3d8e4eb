// The original message carried as postacert.eml: exact bytes, the facts a PEC app needs at once,
// and a lazily loaded display-level view (postal-mime, only when asked: it is 78 KB of bundle).
// The reading itself is shared with every other message (reading.ts).
import { type Bytes, describe, latin1, toHex } from '../bytes.js';
import { digestOf } from '../crypto.js';
import { invalidArgument } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import { base64DecodedLength } from '../mime/base64.js';
import { type MimeEntity, walk } from '../mime/read.js';
import { decodeTransfer } from '../mime/transfer.js';
import { type MessageReading, readingOf } from './reading.js';

/**
 * One attachment of the original message, read from its exact MIME part.
 *
 * @example
 * ```ts
 * for (const a of parsePec(bytes).original?.attachments ?? []) {
 *   console.log(a.filename, a.contentType, a.size, a.damaged ? '(damaged)' : '');
 * }
 * ```
 * @category Reading
 */
export interface Attachment {
  /** File name (RFC 2231 / 2047 decoded), or null for an unnamed attachment. */
  filename: string | null;
  /** Lower-cased content type. */
  contentType: string;
  /** `attachment`, `inline` or null when absent. */
  disposition: string | null;
  /** Decoded size in bytes. */
  size: number;
  /** True when the transfer encoding is broken (bad base64): `size` and content are best effort. */
  damaged: boolean;
  /** The MIME part. Use {@link attachmentContent} for the decoded bytes. */
  entity: MimeEntity;
}

/**
 * The original message (postacert.eml) of an envelope or a completa/breve receipt: the common
 * {@link MessageReading} plus the two headers the sender's provider adds.
 *
 * @example
 * ```ts
 * const o: OriginalMessage | null = parsePec(bytes).original;
 * console.log(o?.subject, o?.from, o?.xRiferimentoMessageId, o?.attachments.length);
 * ```
 * @category Reading
 */
export interface OriginalMessage extends MessageReading {
  /** X-Riferimento-Message-ID added by the access point: the client's Message-ID. */
  xRiferimentoMessageId: string | null;
  /** The receipt form the sender asked for (X-TipoRicevuta), lower-cased. */
  xTipoRicevuta: string | null;
}

/**
 * The decoded bytes of an attachment, within `limits` (default {@link DEFAULT_LIMITS}: safe to call without).
 *
 * @example
 * ```ts
 * const pdf = parsePec(bytes).original?.attachments.find((a) => a.filename === 'fattura.pdf');
 * const data = pdf ? attachmentContent(pdf) : null; // decoded bytes, within the default limits
 * ```
 * @category Reading
 */
export function attachmentContent(a: Attachment, limits?: Partial<Limits>): Bytes {
  if (typeof a !== 'object' || a === null || typeof a.entity !== 'object' || a.entity === null)
    throw invalidArgument(`attachmentContent expects an Attachment, got ${describe(a)}`);
  // The default limits apply when none are given: decoding is bounded either way.
  return decodeTransfer(a.entity.body, a.entity.transferEncoding, resolveLimits(limits), !a.damaged);
}

// Size and damage are computed on first read: verifying a 20 MB envelope must not pay for a scan
// of its attachments that nobody looks at (JSON.stringify still sees both: they are enumerable).
function lazyAttachment(part: MimeEntity, disposition: string | null, limits: Limits): Attachment {
  let facts: { size: number; damaged: boolean } | undefined;
  const measure = (): { size: number; damaged: boolean } => {
    if (facts) return facts;
    if (part.transferEncoding === 'base64') {
      // Count, don't decode: listing a 20 MB attachment must not allocate 20 MB.
      const size = base64DecodedLength(part.body);
      facts =
        size >= 0
          ? { size, damaged: false }
          : { size: decodeTransfer(part.body, 'base64', limits, false).length, damaged: true };
    } else facts = { size: decodeTransfer(part.body, part.transferEncoding, limits).length, damaged: false };
    return facts;
  };
  return {
    filename: part.filename ?? null,
    contentType: part.contentType.value,
    disposition,
    get size() {
      return measure().size;
    },
    get damaged() {
      return measure().damaged;
    },
    entity: part,
  };
}

/** The attachments of `root`: parts with a file name or an attachment disposition. */
export function attachmentsOf(root: MimeEntity, limits: Limits): Attachment[] {
  const out: Attachment[] = [];
  for (const part of walk(root, false)) {
    if (part === root || part.contentType.type === 'multipart') continue;
    const disposition = part.disposition?.value ?? null;
    if (!part.filename && disposition !== 'attachment') continue;
    out.push(lazyAttachment(part, disposition, limits));
  }
  return out;
}

/** Builds the original-message view of a message/rfc822 entity. */
export function originalFrom(entity: MimeEntity, limits: Limits): OriginalMessage {
  const h = entity.headers;
  return readingOf(entity, limits, attachmentsOf(entity, limits), {
    xRiferimentoMessageId: h.get('x-riferimento-message-id')?.trim() ?? null,
    xTipoRicevuta: h.get('x-tiporicevuta')?.trim().toLowerCase() ?? null,
  });
}

/**
 * One `<name>.hash` entry of a breve receipt.
 *
 * @example
 * ```ts
 * const pec = parsePec(receiptBytes);
 * if (pec.kind === 'avvenuta-consegna') for (const h of pec.hashes) console.log(h.filename, h.sha1);
 * ```
 * @category Reading
 */
export interface BreveHash {
  /** The original attachment's file name (the `.hash` suffix removed). */
  filename: string;
  /** The hash file's own name. */
  hashFilename: string;
  /** The 40 hex digits, lower-cased, or null when the file does not hold a SHA-1 in hex. */
  sha1: string | null;
}

/** The `.hash` parts of a breve receipt's postacert.eml. */
export function breveHashes(original: OriginalMessage, limits: Limits): BreveHash[] {
  const out: BreveHash[] = [];
  for (const a of original.attachments) {
    if (!a.filename?.toLowerCase().endsWith('.hash')) continue;
    const text = latin1(attachmentContent(a, limits)).trim();
    out.push({
      filename: a.filename.slice(0, -5),
      hashFilename: a.filename,
      sha1: /^[0-9a-fA-F]{40}$/.test(text) ? text.toLowerCase() : null,
    });
  }
  return out;
}

/** SHA-1 in lower-case hex (node:crypto or WebCrypto, see crypto.ts). */
export async function sha1Hex(crypto: Crypto, data: Uint8Array): Promise<string> {
  return toHex(await digestOf(crypto, 'SHA-1', data));
}
