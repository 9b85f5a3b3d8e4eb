// The original message carried as postacert.eml: exact bytes, the facts a PEC app needs at once,
// and a lazily loaded display-level view (postal-mime, only when asked: it is 78 KB of bundle).
import { type Bytes, latin1, toHex } from '../bytes.js';
import type { Limits } from '../limits.js';
import { parseAddressList, parseDate } from '../mime/address.js';
import { base64DecodedLength } from '../mime/base64.js';
import { type MimeEntity, walk } from '../mime/read.js';
import { decodeTransfer } from '../mime/transfer.js';

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
 * The original message (postacert.eml) of an envelope or a completa/breve receipt.
 *
 * @example
 * ```ts
 * const o: OriginalMessage | null = parsePec(bytes).original;
 * console.log(o?.subject, o?.from, o?.xRiferimentoMessageId, o?.attachments.length);
 * ```
 * @category Reading
 */
export interface OriginalMessage {
  /** Exact bytes of the message as embedded (inside the signed content when signed). */
  raw: Bytes;
  /** The parsed MIME tree. */
  entity: MimeEntity;
  /** Message-ID (for a PEC original: the identificativo in angle brackets). */
  messageId: string | null;
  subject: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  /** The Date header as an ISO instant. */
  date: string | null;
  /** X-Riferimento-Message-ID added by the access point: the client's Message-ID. */
  xRiferimentoMessageId: string | null;
  /** The receipt form the sender asked for (X-TipoRicevuta), lower-cased. */
  xTipoRicevuta: string | null;
  /** Attachments: parts with a file name or an attachment disposition (multiparts excluded). */
  attachments: Attachment[];
  /**
   * Display-level parse with postal-mime (text, html, decoded attachments), loaded on first use.
   * @example
   * ```ts
   * const email = await pec.original?.parse();
   * console.log(email?.text);
   * ```
   */
  parse(): Promise<import('postal-mime').Email>;
}

/**
 * The decoded bytes of an attachment.
 *
 * @example
 * ```ts
 * const pdf = parsePec(bytes).original?.attachments.find((a) => a.filename === 'fattura.pdf');
 * const data = pdf ? attachmentContent(pdf, DEFAULT_LIMITS) : null; // decoded bytes
 * ```
 * @category Reading
 */
export function attachmentContent(a: Attachment, limits: Limits): Bytes {
  return decodeTransfer(a.entity.body, a.entity.transferEncoding, limits, !a.damaged);
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

function attachmentsOf(root: MimeEntity, limits: Limits): Attachment[] {
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
  let parsed: Promise<import('postal-mime').Email> | undefined;
  const addresses = (name: string): string[] => parseAddressList(h.get(name)).map((m) => m.address);
  const date = parseDate(h.get('date'));
  return {
    raw: entity.raw,
    entity,
    messageId: h.get('message-id')?.trim() ?? null,
    subject: h.get('subject') ?? null,
    from: addresses('from')[0] ?? null,
    to: addresses('to'),
    cc: addresses('cc'),
    date: date ? date.toISOString() : null,
    xRiferimentoMessageId: h.get('x-riferimento-message-id')?.trim() ?? null,
    xTipoRicevuta: h.get('x-tiporicevuta')?.trim().toLowerCase() ?? null,
    attachments: attachmentsOf(entity, limits),
    parse() {
      parsed ??= import('postal-mime').then((m) =>
        m.default.parse(entity.raw, { forceRfc822Attachments: true }),
      );
      return parsed;
    },
  };
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

/** SHA-1 in lower-case hex, through WebCrypto. */
export async function sha1Hex(crypto: Crypto, data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-1', data as Bytes)));
}
