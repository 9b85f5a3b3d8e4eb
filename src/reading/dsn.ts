// Delivery-status notifications (RFC 3464 bounces): ordinary servers send them back to a PEC
// mailbox that wrote to a non-PEC address. They are unsigned: facts to show, never certified ones.
import { isPecError } from '../errors.js';
import type { Limits } from '../limits.js';
import { parseAddressList } from '../mime/address.js';
import { decodeEncodedWords } from '../mime/encoded-words.js';
import { decodeTextOrNull, type MimeEntity, walk } from '../mime/read.js';
import { decodeTransfer } from '../mime/transfer.js';

/**
 * One per-recipient block of a delivery-status notification (RFC 3464 §2.3), as written.
 *
 * @example
 * ```ts
 * const r: DsnRecipient | undefined = parsePec(bytes).mail.deliveryStatus?.recipients[0];
 * if (r?.action === 'failed') console.log(r.finalRecipient, r.status, r.diagnosticCode);
 * ```
 */
export interface DsnRecipient {
  /** The address the report is about (Final-Recipient, the `rfc822;` type removed). */
  finalRecipient: string | null;
  /** Original-Recipient, when the server kept it. */
  originalRecipient: string | null;
  /** failed, delayed, delivered, relayed or expanded (lower-cased). */
  action: string | null;
  /** The enhanced status code (RFC 3463), e.g. `5.1.1`. */
  status: string | null;
  /** Diagnostic-Code, the `smtp;` type removed: the remote server's words. */
  diagnosticCode: string | null;
  /** Remote-MTA, the `dns;` type removed. */
  remoteMta: string | null;
  /** Last-Attempt-Date as written. */
  lastAttemptDate: string | null;
}

/**
 * The headers of the message the notification is about (the returned message or its headers).
 *
 * @example
 * ```ts
 * const o: DsnOriginal | null | undefined = parsePec(bytes).mail.deliveryStatus?.original;
 * console.log(o?.messageId, o?.subject);
 * ```
 */
export interface DsnOriginal {
  /** Message-ID: for a PEC envelope, the identificativo in angle brackets. */
  messageId: string | null;
  /** X-Riferimento-Message-ID: the client's Message-ID, when the returned message is a PEC envelope. */
  xRiferimentoMessageId: string | null;
  subject: string | null;
  from: string | null;
  to: string[];
  date: string | null;
}

/**
 * A delivery-status notification (RFC 3464, `multipart/report; report-type=delivery-status`).
 * Unsigned: anyone can write one. Show it, correlate it as an unsigned notice, never as proof.
 *
 * @example
 * ```ts
 * const dsn: DeliveryStatusNotification | null = parsePec(bytes).mail.deliveryStatus;
 * if (dsn) for (const r of dsn.recipients) console.log(r.finalRecipient, r.action, r.status);
 * ```
 */
export interface DeliveryStatusNotification {
  /** Reporting-MTA, the `dns;` type removed. */
  reportingMta: string | null;
  /** Arrival-Date as written. */
  arrivalDate: string | null;
  recipients: DsnRecipient[];
  /** The returned message's headers (message/rfc822 or text/rfc822-headers part), or null. */
  original: DsnOriginal | null;
  /** The human-readable explanation (first text/plain part), or null. */
  explanation: string | null;
}

type Fields = Map<string, string>;

/** Splits the delivery-status body into blocks of unfolded `name: value` fields. */
function fieldBlocks(text: string): Fields[] {
  const blocks: Fields[] = [];
  let current: Fields | null = null;
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      current = null;
      last = null;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && current && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = new Map();
      blocks.push(current);
    }
    last = line.slice(0, colon).trim().toLowerCase();
    // The first occurrence wins (RFC 3464 allows each field once per block).
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
    else last = null;
  }
  return blocks;
}

/** `rfc822; a@b` → `a@b` (the address-type / diagnostic-type / mta-name-type prefix removed). */
function typed(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semi = value.indexOf(';');
  const v = (semi === -1 ? value : value.slice(semi + 1)).trim();
  return v === '' ? null : v;
}

function plain(value: string | undefined): string | null {
  const v = value?.trim();
  return v ? v : null;
}

function originalOf(headers: { get(name: string): string | undefined }): DsnOriginal {
  const v = (name: string): string | null => headers.get(name)?.trim() || null;
  return {
    messageId: v('message-id'),
    xRiferimentoMessageId: v('x-riferimento-message-id'),
    subject: headers.get('subject') ?? null,
    from: parseAddressList(headers.get('from'))[0]?.address ?? null,
    to: parseAddressList(headers.get('to')).map((m) => m.address),
    date: v('date'),
  };
}

/** A header block read from text (text/rfc822-headers), decoded for display. */
function headersFromText(text: string): { get(name: string): string | undefined } {
  const blocks = fieldBlocks(text);
  const first = blocks[0] ?? new Map<string, string>();
  return { get: (name) => (first.has(name) ? decodeEncodedWords(first.get(name)!) : undefined) };
}

const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);

/** True when `entity` is a delivery-status report (RFC 3464 / RFC 6533). */
export function isDeliveryStatus(entity: MimeEntity): boolean {
  if (entity.contentType.value !== 'multipart/report') return false;
  const type = entity.contentType.params.get('report-type')?.toLowerCase();
  if (type === 'delivery-status' || type === 'global-delivery-status') return true;
  // Some servers leave report-type out: the status part says what the report is.
  return type === undefined && entity.parts.some((p) => STATUS_TYPES.has(p.contentType.value));
}

/**
 * Reads a delivery-status notification out of `entity` (a whole message or a part), or null
 * when it is not one. Never throws on a malformed report: missing fields are null.
 */
export function readDeliveryStatus(entity: MimeEntity, limits: Limits): DeliveryStatusNotification | null {
  if (!isDeliveryStatus(entity)) return null;
  let status: MimeEntity | undefined;
  let explanation: string | null = null;
  let original: DsnOriginal | null = null;
  for (const part of entity.parts) {
    const type = part.contentType.value;
    if (!status && STATUS_TYPES.has(type)) status = part;
    else if (explanation === null && type === 'text/plain') explanation = decodeTextOrNull(part, limits);
    else if (!original && part.message) original = originalOf(part.message.headers);
    else if (!original && (type === 'text/rfc822-headers' || type === 'message/global-headers')) {
      const text = decodeTextOrNull(part, limits);
      if (text !== null) original = originalOf(headersFromText(text));
    }
  }
  if (explanation === null) {
    // A multipart/alternative explanation (text and HTML): its text part.
    for (const p of entity.parts[0] ? walk(entity.parts[0], false) : []) {
      if (p.contentType.value === 'text/plain') {
        explanation = decodeTextOrNull(p, limits);
        break;
      }
    }
  }
  let blocks: Fields[] = [];
  if (status) {
    try {
      const bytes = decodeTransfer(status.body, status.transferEncoding, limits, false);
      blocks = fieldBlocks(new TextDecoder('utf-8').decode(bytes));
    } catch (err) {
      if (!isPecError(err) || err.code === 'LIMIT_EXCEEDED') throw err;
    }
  }
  const perMessage = blocks.length > 0 && !blocks[0]!.has('final-recipient') ? blocks[0]! : new Map();
  const recipients = blocks
    .filter((b) => b.has('final-recipient') || b.has('original-recipient') || b.has('action'))
    .map(
      (b): DsnRecipient => ({
        finalRecipient: typed(b.get('final-recipient')),
        originalRecipient: typed(b.get('original-recipient')),
        action: plain(b.get('action'))?.toLowerCase() ?? null,
        status: plain(b.get('status'))?.split(/\s/)[0] ?? null,
        diagnosticCode: typed(b.get('diagnostic-code')),
        remoteMta: typed(b.get('remote-mta')),
        lastAttemptDate: plain(b.get('last-attempt-date')),
      }),
    );
  return {
    reportingMta: typed(perMessage.get('reporting-mta')),
    arrivalDate: plain(perMessage.get('arrival-date')),
    recipients,
    original,
    explanation,
  };
}
