// One reading for every message, PEC or not: what a mail client shows (addresses with display
// names, decoded subject, dates, text, HTML, attachments), taken from the exact MIME parts. The
// original of an envelope, an ordinary mail and a receipt itself are all read the same way.
import type { Bytes } from '../bytes.js';
import type { Limits } from '../limits.js';
import { type Mailbox, parseDate, readMailboxes } from '../mime/address.js';
import { decodeTextOrNull, type MimeEntity, walk } from '../mime/read.js';
import { type DeliveryStatusNotification, readDeliveryStatus } from './dsn.js';
import type { Attachment } from './original.js';

/**
 * The address fields of a message, with display names (RFC 2047 decoded).
 *
 * @example
 * ```ts
 * const { from, to } = parsePec(bytes).mail.mailboxes;
 * console.log(from[0]?.name, from[0]?.address, to.map((m) => `${m.name} <${m.address}>`));
 * ```
 */
export interface MessageMailboxes {
  from: Mailbox[];
  to: Mailbox[];
  cc: Mailbox[];
  replyTo: Mailbox[];
}

/**
 * A message read as mail: the same fields for an ordinary message, for the original of an
 * envelope (`pec.original`) and for a PEC message itself (`pec.mail`). Text, HTML, attachment
 * sizes and the delivery-status report are computed on first read.
 *
 * @example
 * ```ts
 * const pec = parsePec(bytes);
 * const m: MessageReading = pec.original ?? pec.mail; // what the sender wrote, else the message itself
 * console.log(m.fromName ?? m.from, m.subject, m.date, m.text?.slice(0, 80), m.attachments.length);
 * ```
 */
export interface MessageReading {
  /** Exact bytes of the message. */
  raw: Bytes;
  /** The parsed MIME tree. */
  entity: MimeEntity;
  /** Message-ID (for a PEC original: the identificativo in angle brackets). */
  messageId: string | null;
  /** Subject, RFC 2047 decoded. */
  subject: string | null;
  /** The first From address. */
  from: string | null;
  /** The first From display name, or null. */
  fromName: string | null;
  to: string[];
  cc: string[];
  /** Every address field with display names. */
  mailboxes: MessageMailboxes;
  /** The Date header as an ISO instant. */
  date: string | null;
  /** The Date header as written. */
  dateHeader: string | null;
  /** The first text/plain body part (not an attachment), decoded from its charset (UTF-7 included). */
  readonly text: string | null;
  /** The first text/html body part (not an attachment), decoded. */
  readonly html: string | null;
  /** Attachments: parts with a file name or an attachment disposition (multiparts excluded). */
  attachments: Attachment[];
  /** The RFC 3464 report when this message is a bounce (unsigned), else null. */
  readonly deliveryStatus: DeliveryStatusNotification | null;
  /**
   * Display-level parse with postal-mime (text, html, decoded attachments), loaded on first use.
   * postal-mime has no UTF-7: prefer `text` and `html`, which do.
   * @example
   * ```ts
   * const email = await parsePec(bytes).mail.parse();
   * console.log(email.subject);
   * ```
   */
  parse(): Promise<import('postal-mime').Email>;
}

/** The first body part of `type` that is not an attachment (messages inside are not entered). */
function bodyText(root: MimeEntity, type: 'text/plain' | 'text/html', limits: Limits): string | null {
  for (const part of walk(root, false)) {
    if (part.contentType.value !== type || part.filename) continue;
    if (part.disposition?.value === 'attachment') continue;
    return decodeTextOrNull(part, limits);
  }
  return null;
}

/**
 * Builds the reading of `entity`. `extra` holds plain fields to add (the original's own ones);
 * the lazy fields are getters, so no body is decoded until someone reads it.
 */
export function readingOf<T extends object>(
  entity: MimeEntity,
  limits: Limits,
  attachments: Attachment[],
  extra: T,
): MessageReading & T {
  const h = entity.headers;
  // Addresses from the raw field: an encoded-word is decoded in display names only (address.ts).
  const list = (name: string): Mailbox[] => readMailboxes(h.getRaw(name));
  const mailboxes: MessageMailboxes = {
    from: list('from'),
    to: list('to'),
    cc: list('cc'),
    replyTo: list('reply-to'),
  };
  const dateHeader = h.get('date')?.trim() ?? null;
  const date = parseDate(dateHeader ?? undefined);
  let text: { v: string | null } | undefined;
  let html: { v: string | null } | undefined;
  let dsn: { v: DeliveryStatusNotification | null } | undefined;
  let parsed: Promise<import('postal-mime').Email> | undefined;
  const reading = {
    raw: entity.raw,
    entity,
    messageId: h.get('message-id')?.trim() ?? null,
    subject: h.get('subject') ?? null,
    from: mailboxes.from[0]?.address ?? null,
    fromName: mailboxes.from[0]?.name || null,
    to: mailboxes.to.map((m) => m.address),
    cc: mailboxes.cc.map((m) => m.address),
    mailboxes,
    date: date ? date.toISOString() : null,
    dateHeader,
    get text() {
      text ??= { v: bodyText(entity, 'text/plain', limits) };
      return text.v;
    },
    get html() {
      html ??= { v: bodyText(entity, 'text/html', limits) };
      return html.v;
    },
    attachments,
    get deliveryStatus() {
      dsn ??= { v: readDeliveryStatus(entity, limits) };
      return dsn.v;
    },
    parse() {
      parsed ??= import('postal-mime').then((m) =>
        m.default.parse(entity.raw, { forceRfc822Attachments: true }),
      );
      return parsed;
    },
  };
  // Added after the literal, in their order: a spread inside a literal with getters is V8's slow
  // path (microseconds per message). No key of `extra` is one of the fields above.
  return Object.assign(reading, extra);
}
