// parsePec: any message out of a PEC mailbox → typed data taken from the signed daticert.xml.
// Headers are outside the signature; they only corroborate, and every disagreement is reported.
import { type Bytes, type BytesInput, hasBareCR, toBytes } from '../bytes.js';
import { parseDaticert } from '../daticert/parse.js';
import type { Daticert } from '../daticert/schema.js';
import { invalidArgument, isPecError, type PecError } from '../errors.js';
import { type Issue, issue, type MessageIssueCode } from '../issues.js';
import {
  type DeliveryForm,
  KINDS,
  kindFromHeaders,
  type PecKind,
  postacertFor,
  splitSubjectPrefix,
  subjectPrefixFor,
} from '../kinds.js';
import { enforce, type Limits, resolveLimits } from '../limits.js';
import {
  type AddressAmbiguity,
  addressAmbiguities,
  nameAddress,
  parseDate,
  readMailboxes,
} from '../mime/address.js';
import { decodeBase64 } from '../mime/base64.js';
import { type Headers, parseHeaderBlock, splitHeaderBody } from '../mime/headers.js';
import { parseContentType, repeatedParams } from '../mime/params.js';
import { decodeTextOrNull, type MimeEntity, readMimeWith, walk } from '../mime/read.js';
import { countSignedParts, SIGNATURE_PROTOCOLS, type SignedParts, splitSigned } from '../mime/signed.js';
import { decodeTransfer } from '../mime/transfer.js';
import { checkOptions, optionKeys } from '../options.js';
import { findNestedPec, isAttachedMessageFile, looksPec, type NestedLocation } from './attached-pec.js';
import { pathStringBytes, recognizeInput, recognizeOrdinary } from './input-kind.js';
import {
  attachmentsOf,
  type BreveHash,
  breveHashes,
  type OriginalMessage,
  originalFrom,
} from './original.js';
import { type MessageReading, readingOf } from './reading.js';

const PARSE_PEC_KEYS = optionKeys<ParsePecOptions>({ limits: true });

/**
 * The top-level headers that matter for PEC (all unsigned), decoded.
 *
 * @example
 * ```ts
 * const h: PecHeaders = parsePec(bytes).headers; // unsigned: hints only
 * console.log(h.xRicevuta ?? h.xTrasporto, h.subject, h.xRiferimentoMessageId);
 * ```
 * @category Reading
 */
export interface PecHeaders {
  /** The From address (addr-spec). */
  from: string | null;
  /** The From display name (for envelopes: `Per conto di: <sender>`). */
  fromName: string | null;
  to: string[];
  cc: string[];
  /** Subject, RFC 2047 decoded. */
  subject: string | null;
  /** The Date header as written. */
  date: string | null;
  messageId: string | null;
  xTrasporto: string | null;
  xRicevuta: string | null;
  xTipoRicevuta: string | null;
  xRiferimentoMessageId: string | null;
  xVerificaSicurezza: string | null;
  xMittente: string | null;
}

/**
 * The multipart/signed layer of a message.
 *
 * @example
 * ```ts
 * const sig: SignatureParts | null = parsePec(bytes).signature;
 * if (sig?.der) console.log((await verifyDetached(sig.signed, sig.der)).intact);
 * ```
 * @category Reading
 */
export interface SignatureParts {
  /** The exact bytes covered by the signature. */
  signed: Bytes;
  /** The decoded CMS (DER), or null when the signature part is missing or not base64. */
  der: Bytes | null;
  protocol: string;
  micalg: string | null;
  /** Why `der` is null. */
  error: PecError | null;
}

interface PecMessageBase {
  /** The top-level headers (unsigned). */
  headers: PecHeaders;
  /** Every top-level header field, in order, case-insensitive lookup. */
  rawHeaders: Headers;
  /** The exact input bytes. */
  raw: Bytes;
  /** The multipart/signed layer, or null when the message is not signed. */
  signature: SignatureParts | null;
  /** The signed daticert.xml, or null. */
  daticert: Daticert | null;
  /** The provider's readable text (text/plain), or null. */
  text: string | null;
  /** The original message (postacert.eml, or the received message of an anomaly envelope). */
  original: OriginalMessage | null;
  /** PEC messages found inside this one (forwarded PEC, attached .eml files, wrapped envelopes). */
  nested: PecMessage[];
  /** Where this message sits in the one that lists it in `nested`; null at the top level. */
  location: NestedLocation | null;
  /**
   * This message itself read as mail (addresses with names, subject, dates, text, HTML,
   * attachments, a bounce report), the same reading as `original`. Computed on first use; not
   * an own enumerable property (a spread copy does not carry it).
   */
  readonly mail: MessageReading;
  /** Findings, never fatal. */
  issues: Issue[];
}

/**
 * A transport envelope (busta di trasporto).
 *
 * @example
 * ```ts
 * const pec = parsePec(bytes);
 * if (pec.kind === 'posta-certificata') {
 *   const envelope: EnvelopeMessage = pec;
 *   console.log(envelope.ricevutaRichiesta, envelope.original?.subject);
 * }
 * ```
 * @category Reading
 */
export interface EnvelopeMessage extends PecMessageBase {
  kind: 'posta-certificata';
  /**
   * The receipt form the sender asked for, or null: the daticert's ricevuta, else postacert.eml's
   * X-TipoRicevuta, else the envelope's (unsigned) X-TipoRicevuta. A verified report's
   * `certified.deliveryForm` takes only the first two.
   */
  ricevutaRichiesta: DeliveryForm | null;
}

/**
 * An anomaly envelope (busta di anomalia): the received message is in `original`.
 *
 * @example
 * ```ts
 * const pec = parsePec(bytes);
 * if (pec.kind === 'errore') {
 *   const anomaly: AnomalyMessage = pec; // not valid PEC: the received message is in anomaly.original
 *   console.log(anomaly.original?.from);
 * }
 * ```
 * @category Reading
 */
export interface AnomalyMessage extends PecMessageBase {
  kind: 'errore';
}

/**
 * A receipt or notice.
 *
 * @example
 * ```ts
 * const pec = parsePec(bytes);
 * if (pec.kind !== 'posta-certificata' && pec.kind !== 'errore' && pec.kind !== 'non-pec') {
 *   const receipt: ReceiptMessage = pec;
 *   console.log(receipt.kind, receipt.daticert?.consegna, receipt.deliveryForm);
 * }
 * ```
 * @category Reading
 */
export interface ReceiptMessage extends PecMessageBase {
  kind: Exclude<PecKind, 'posta-certificata' | 'errore'>;
  /** For avvenuta-consegna: the form this receipt really has (from its content), else null. */
  deliveryForm: DeliveryForm | null;
  /** For a breve receipt: the `.hash` entries of postacert.eml. */
  hashes: BreveHash[];
}

/**
 * Ordinary mail (possibly wrapping a PEC message: see `nested`).
 *
 * @example
 * ```ts
 * const pec = parsePec(bytes);
 * if (pec.kind === 'non-pec') {
 *   const mail: NonPecMessage = pec;
 *   console.log(mail.nested.length, 'PEC messages inside'); // a forwarded PEC message
 * }
 * ```
 * @category Reading
 */
export interface NonPecMessage extends PecMessageBase {
  kind: 'non-pec';
}

/**
 * Any parsed message, discriminated on `kind`.
 *
 * @example
 * ```ts
 * const pec: PecMessage = parsePec(bytes);
 * switch (pec.kind) {
 *   case 'posta-certificata':
 *     console.log('envelope asking for', pec.ricevutaRichiesta);
 *     break;
 *   case 'avvenuta-consegna':
 *     console.log('delivered to', pec.daticert?.consegna);
 *     break;
 * }
 * ```
 * @category Reading
 */
export type PecMessage = EnvelopeMessage | AnomalyMessage | ReceiptMessage | NonPecMessage;

/**
 * Options of {@link parsePec}.
 *
 * @example
 * ```ts
 * const options: ParsePecOptions = { limits: { maxMessageBytes: 5 * 1024 * 1024 } };
 * const pec = parsePec(bytes, options);
 * ```
 * @category Reading
 */
export interface ParsePecOptions {
  /** Input limits (see {@link Limits}); unknown keys and negative values are refused. */
  limits?: Partial<Limits>;
}

/** How deep the search for PEC messages nested in other messages goes (levels of PEC-looking messages). */
const MAX_NESTED_PEC = 4;

/**
 * State of one parsePec call's nested-PEC search: how many times it stopped at MAX_NESTED_PEC with
 * PEC-looking content left unread below. A wrapper above such a cut cannot be cleared (the signed
 * message that would make it a mere wrapper may be down there), so it never presents its own data.
 */
interface Search {
  cut: number;
}

/** True when some entity inside `root` (root included when `self`) looks like a PEC message. */
function pecBelow(root: MimeEntity, self: boolean): boolean {
  for (const e of walk(root))
    if ((self || e !== root) && (looksPec(e) || isAttachedMessageFile(e))) return true;
  return false;
}

function nestingLimit(level: number, severity: 'error' | 'warning'): Issue {
  return issue(
    'PEC_NESTING_LIMIT',
    `PEC-looking messages are nested deeper than ${MAX_NESTED_PEC} levels; the search stopped at level ${level}, what lies below was not read${severity === 'error' ? ', so the unsigned data around it is not shown' : ''}`,
    severity,
  );
}

function pecHeaders(h: Headers): PecHeaders {
  // Addresses are read from the raw values: RFC 2047 is undone in display names only.
  const from = readMailboxes(h.getRaw('from'))[0];
  const v = (name: string): string | null => h.get(name)?.trim() ?? null;
  return {
    from: from?.address ?? null,
    fromName: from?.name || null,
    to: readMailboxes(h.getRaw('to')).map((m) => m.address),
    cc: readMailboxes(h.getRaw('cc')).map((m) => m.address),
    subject: h.get('subject') ?? null,
    date: v('date'),
    messageId: v('message-id'),
    xTrasporto: v('x-trasporto'),
    xRicevuta: v('x-ricevuta'),
    xTipoRicevuta: v('x-tiporicevuta'),
    xRiferimentoMessageId: v('x-riferimento-message-id'),
    xVerificaSicurezza: v('x-verificasicurezza'),
    xMittente: v('x-mittente'),
  };
}

function isDaticert(part: MimeEntity): boolean {
  const name = part.filename?.toLowerCase();
  return (
    name === 'daticert.xml' ||
    (name === undefined && part.contentType.params.get('name')?.toLowerCase() === 'daticert.xml')
  );
}

interface PecParts {
  daticert?: MimeEntity;
  postacert?: MimeEntity;
  text?: MimeEntity;
  /** How many daticert.xml and message/rfc822 parts the body holds (a PEC message has one of each at most). */
  daticerts: number;
  postacerts: number;
}

/** The PEC parts of the signed body, found by type and name, never by position (spec §3.1). */
function pecParts(body: MimeEntity): PecParts {
  const found: PecParts = { daticerts: 0, postacerts: 0 };
  for (const part of walk(body, false)) {
    if (part.contentType.type === 'multipart') continue;
    if (isDaticert(part)) {
      found.daticerts++;
      found.daticert ??= part;
    } else if (part.contentType.value === 'message/rfc822' && part.message) {
      found.postacerts++;
      found.postacert ??= part;
    } else if (!found.text && part.contentType.value === 'text/plain' && !part.filename) found.text = part;
  }
  return found;
}

function stripBrackets(id: string | null | undefined): string | null {
  return id ? id.trim().replace(/^<|>$/g, '') : null;
}

function normalizeSpaces(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Cross-checks the unsigned headers against the signed daticert (spec §9). */
function corroborate(kind: PecKind, d: Daticert, h: PecHeaders, issues: Issue[]): void {
  const headerKind = kindFromHeaders(h.xTrasporto ?? undefined, h.xRicevuta ?? undefined);
  if (!h.xTrasporto && !h.xRicevuta)
    issues.push(issue('KIND_HEADER_MISSING', `no X-Trasporto or X-Ricevuta header; daticert says ${kind}`));
  else if (headerKind !== kind) {
    issues.push(
      issue(
        'KIND_HEADER_MISMATCH',
        `headers say ${h.xTrasporto ? `X-Trasporto: ${h.xTrasporto}` : `X-Ricevuta: ${h.xRicevuta}`}, the daticert says tipo="${kind}"`,
      ),
    );
  }
  if (KINDS[kind].family === 'envelope' && h.messageId && stripBrackets(h.messageId) !== d.identificativo) {
    issues.push(
      issue(
        'MESSAGE_ID_MISMATCH',
        `Message-ID ${h.messageId} differs from the daticert identificativo ${d.identificativo}`,
      ),
    );
  }
  if (
    d.msgid &&
    h.xRiferimentoMessageId &&
    stripBrackets(h.xRiferimentoMessageId) !== stripBrackets(d.msgid)
  ) {
    issues.push(
      issue(
        'RIFERIMENTO_MISMATCH',
        `X-Riferimento-Message-ID ${h.xRiferimentoMessageId} differs from the daticert msgid ${d.msgid}`,
      ),
    );
  }
  if (h.subject !== null) {
    const { prefix, rest } = splitSubjectPrefix(h.subject);
    const expected = subjectPrefixFor(kind, d.errore);
    if (prefix !== expected) {
      issues.push(
        issue(
          'SUBJECT_PREFIX_MISMATCH',
          `the Subject starts with ${prefix ? `"${prefix}:"` : 'no PEC prefix'}, expected "${expected}:"`,
        ),
      );
    } else if (d.oggetto !== null && normalizeSpaces(rest) !== normalizeSpaces(d.oggetto)) {
      issues.push(
        issue('SUBJECT_MISMATCH', `the Subject "${rest}" differs from the daticert oggetto "${d.oggetto}"`),
      );
    }
  }
  if (KINDS[kind].from === 'per-conto-di' && h.fromName) {
    const m = /per conto di:?\s*(\S+@\S+)/i.exec(h.fromName);
    if (m && m[1]!.toLowerCase() !== d.mittente.toLowerCase()) {
      issues.push(
        issue('SENDER_MISMATCH', `From says "Per conto di: ${m[1]}", the daticert mittente is ${d.mittente}`),
      );
    }
  }
}

const AMBIGUITY_ISSUES: Record<AddressAmbiguity, [MessageIssueCode, string]> = {
  several: ['FROM_MULTIPLE_MAILBOXES', 'the From field names several mailboxes'],
  none: ['FROM_MISSING', 'the From field holds no address'],
  'encoded-address': ['FROM_ENCODED_ADDRESS', 'the From address is an RFC 2047 encoded-word'],
  'name-address': ['FROM_NAME_ADDRESS', 'the From display name holds an <address> of its own'],
};

/**
 * Identity headers that other readers may read as another sender (spec §9 corroboration; RFC 5322
 * §3.6 allows one From and one Content-Type): the From that pec-kit checks against the signer must
 * be the one every reader sees, so each ambiguity is an error.
 */
function identity(h: Headers, issues: Issue[]): void {
  const found = new Map<MessageIssueCode, string>();
  const froms = h.getAll('from');
  if (froms.length === 0)
    found.set('FROM_MISSING', 'no From field: the sender cannot be checked against the signer');
  if (froms.length > 1)
    found.set(
      'FROM_DUPLICATE',
      `${froms.length} From fields (${froms.map((f) => JSON.stringify(f.raw)).join(', ')}); pec-kit checks the first against the signer, other readers may show another`,
    );
  for (const f of froms)
    for (const a of addressAmbiguities(f.raw)) {
      const [code, text] = AMBIGUITY_ISSUES[a];
      if (!found.has(code)) found.set(code, `${text}: From: ${f.raw}`);
    }
  const types = h.getAll('content-type');
  if (types.length > 1)
    found.set(
      'CONTENT_TYPE_DUPLICATE',
      `${types.length} top-level Content-Type fields (${types.map((f) => JSON.stringify(f.raw)).join(', ')}); pec-kit reads the first, other readers may read another`,
    );
  // One field, but its structure named twice: each reader may split the body at another boundary.
  const twice = types[0]
    ? repeatedParams(types[0].raw).filter((p) => p === 'boundary' || p === 'protocol')
    : [];
  if (twice.length > 0)
    found.set(
      'CONTENT_TYPE_PARAM_DUPLICATE',
      `the top-level Content-Type names ${twice.join(' and ')} more than once (${JSON.stringify(types[0]!.raw)}); readers disagree on which counts`,
    );
  for (const [code, message] of found) issues.push(issue(code, message));
}

function deliveryFormOf(
  d: Daticert | null,
  original: OriginalMessage | null,
  hashes: BreveHash[],
): DeliveryForm {
  if (!original) return 'sintetica';
  if (hashes.length > 0) return 'breve';
  // A breve receipt of a message without attachments looks like a completa one.
  if (d?.ricevutaTipo === 'breve' && original.attachments.length === 0) return 'breve';
  return 'completa';
}

interface Located {
  headers: Headers;
  signature: SignatureParts | null;
  /** The entity holding the PEC parts (the signed multipart/mixed, or the unsigned body). */
  body: MimeEntity | null;
  issues: Issue[];
}

/** Finds the signed layer of a top-level entity `b`, reading as little as possible. */
function locate(b: Bytes, limits: Limits, depth: number): Located {
  const split = splitHeaderBody(b);
  const headers = parseHeaderBlock(b, 0, split.headerEnd, limits);
  const ct = parseContentType(headers.get('content-type'));
  const issues: Issue[] = [];
  if (ct.value !== 'multipart/signed') {
    return { headers, signature: null, body: null, issues };
  }
  let parts: SignedParts;
  try {
    parts = splitSigned(b, limits, 0, b.length, { split, headers, contentType: ct });
  } catch (e) {
    if (!isPecError(e) || e.code === 'LIMIT_EXCEEDED') throw e;
    const code =
      e.code === 'MIME_SIGNATURE_PART_MISSING'
        ? 'SIGNATURE_PART_MISSING'
        : e.code === 'MIME_BAD_PROTOCOL'
          ? 'SIGNATURE_PROTOCOL'
          : 'MIME_DEFECT';
    issues.push(issue(code, e.message));
    // Read what is there (unsigned, and said so) so the caller still learns what the message claims.
    const whole = readMimeWith(b, limits, depth);
    const first = whole.parts[0] ?? null;
    return { headers, signature: null, body: first, issues };
  }
  // RFC 1847 §2.1 / RFC 8551 §3.5.3: the second part is the signature, of the protocol's type.
  // OpenSSL refuses any other type ("invalid smime type"); either spelling is accepted, as there.
  if (!(SIGNATURE_PROTOCOLS as readonly string[]).includes(parts.signatureContentType))
    issues.push(
      issue(
        'SIGNATURE_PART_TYPE',
        `the signature part is ${parts.signatureContentType}, not application/pkcs7-signature or application/x-pkcs7-signature`,
      ),
    );
  let der: Bytes | null = null;
  let error: PecError | null = null;
  const enc = (parts.signatureHeaders.get('content-transfer-encoding') ?? 'base64').trim().toLowerCase();
  try {
    der = enc === 'base64' ? decodeBase64(parts.signatureBody) : parts.signatureBody;
  } catch (e) {
    if (!isPecError(e)) throw e;
    error = e;
    issues.push(issue('SIGNATURE_UNREADABLE', `the signature part cannot be decoded: ${e.message}`));
  }
  const count = countSignedParts(b, parts, limits.maxParts);
  // OpenSSL refuses such a message outright ("no multipart body failure"); the signed part is
  // still checked here, but the damage is reported rather than passed over in silence.
  if (!count.closed)
    issues.push(
      issue(
        'MIME_DEFECT',
        `the multipart/signed body has no close delimiter "--${parts.boundary}--" (truncated?)`,
      ),
    );
  if (count.count > 2)
    issues.push(
      issue(
        'MIME_EXTRA_PARTS',
        `multipart/signed has ${count.count} parts; only the first is signed and only the signed data is used`,
      ),
    );
  else if (count.firstEnd !== parts.signedOffset + parts.signed.length)
    // The delimiters are searched from the end (fast on 30 MB messages); when a forward reader
    // would cut the first part elsewhere, the boundary is reused after the close delimiter.
    issues.push(
      issue(
        'MIME_EXTRA_PARTS',
        'the boundary of the multipart/signed occurs again after its close delimiter: a forward reader sees another signed part',
      ),
    );
  // Found by the same forward scan: a line OpenSSL takes for a delimiter and mail readers skip.
  const near = count.nearDelimiter;
  if (near !== -1)
    issues.push(
      issue(
        'MIME_DEFECT',
        `line at offset ${near} starts like the delimiter "--${parts.boundary}" but is none: OpenSSL cuts the body there and refuses the message`,
      ),
    );
  // A bare CR is an ordinary byte to this reader and to the signature check (cms/verify.ts never
  // canonicalises it into a line break), so what is shown is what was hashed; other readers may
  // break the line there, hence the warning.
  if (hasBareCR(parts.signed))
    issues.push(
      issue(
        'SIGNED_BARE_CR',
        'the signed part contains a CR not followed by LF: read as an ordinary byte (as the signature covers it), while other mail readers may see a line break there',
      ),
    );
  const body = readMimeWith(parts.signed, limits, depth + 1);
  return {
    headers,
    signature: { signed: parts.signed, der, protocol: parts.protocol, micalg: parts.micalg ?? null, error },
    body,
    issues,
  };
}

function defects(entity: MimeEntity, issues: Issue[]): void {
  for (const part of walk(entity)) for (const d of part.defects) issues.push(issue('MIME_DEFECT', d.message));
}

/** Every PEC message nested in `root` (not counting root itself), shallowest first (attached-pec.ts). */
function findNested(
  root: MimeEntity,
  limits: Limits,
  level: number,
  search: Search,
  inOriginal = false,
): PecMessage[] {
  if (level >= MAX_NESTED_PEC) {
    if (pecBelow(root, false)) search.cut++;
    return [];
  }
  return findNestedPec(root, limits, (bytes) => parseAt(bytes, limits, level + 1, search), inOriginal);
}

/** True when the view `inner` lies inside the view `outer` of the same buffer. */
function within(inner: Uint8Array, outer: Uint8Array): boolean {
  return (
    inner.buffer === outer.buffer &&
    inner.byteOffset >= outer.byteOffset &&
    inner.byteOffset + inner.byteLength <= outer.byteOffset + outer.byteLength
  );
}

type Unread<T> = T extends unknown ? Omit<T, 'mail'> : never;

function parseAt(b: Bytes, limits: Limits, level: number, search: Search): PecMessage {
  const read: { whole: MimeEntity | null } = { whole: null };
  return withMail(parseContent(b, limits, level, search, read), b, limits, level, read);
}

/** What the `mail` getter of a parsed message needs, until it has run. */
interface MailSource {
  b: Bytes;
  limits: Limits;
  level: number;
  read: { whole: MimeEntity | null };
  mail?: MessageReading;
}
const MAIL_SOURCES = new WeakMap<object, MailSource>();

// One getter for every message, its state in MAIL_SOURCES: a getter closure per message gave each
// message object a hidden class of its own (V8 shares a class only between objects whose accessors
// are the same functions): a new class per message, and polymorphic reads of it in the verifier
// (test/hidden-class.test.ts).
function mailGetter(this: object): MessageReading {
  // The object parsePec returned, or one that inherits from it (Object.create).
  let owner: object | null = this;
  while (owner && !MAIL_SOURCES.has(owner)) owner = Object.getPrototypeOf(owner) as object | null;
  const source = owner ? MAIL_SOURCES.get(owner) : undefined;
  if (!source) throw invalidArgument('mail can be read only on a message parsePec returned');
  if (!source.mail) {
    const entity = source.read.whole ?? readMimeWith(source.b, source.limits, source.level);
    source.mail = readingOf(entity, source.limits, attachmentsOf(entity, source.limits), {});
  }
  return source.mail;
}

/**
 * Adds `mail`, the reading of the message itself, computed on first use: verifying a 20 MB
 * envelope must not pay for a second MIME pass that nobody looks at.
 */
function withMail(
  pec: Unread<PecMessage>,
  b: Bytes,
  limits: Limits,
  level: number,
  read: { whole: MimeEntity | null },
): PecMessage {
  MAIL_SOURCES.set(pec, { b, limits, level, read });
  Object.defineProperty(pec, 'mail', { configurable: true, enumerable: false, get: mailGetter });
  return pec as PecMessage;
}

function parseContent(
  b: Bytes,
  limits: Limits,
  level: number,
  search: Search,
  read: { whole: MimeEntity | null },
): Unread<PecMessage> {
  const located = locate(b, limits, level);
  const issues = located.issues;
  const headers = pecHeaders(located.headers);
  let body = located.body;
  const signature = located.signature;
  const headerKind = kindFromHeaders(headers.xTrasporto ?? undefined, headers.xRicevuta ?? undefined);
  let whole: MimeEntity | null = null;
  if (!body) {
    whole = readMimeWith(b, limits, level);
    defects(whole, issues);
    if (headerKind) {
      issues.push(
        issue(
          'PEC_NOT_SIGNED',
          `the message has ${headers.xTrasporto ? 'X-Trasporto' : 'X-Ricevuta'} headers but no multipart/signed structure`,
        ),
      );
      body = whole;
    }
  } else defects(body, issues);

  // Unsigned content that wraps a signed PEC message is a wrapper, whatever its headers or an
  // unsigned daticert.xml next to the real message claim: what is shown must come from the
  // signed message (reported in `nested`), never from the unsigned bytes around it.
  let wrapped: PecMessage[] | null = null;
  const cutBefore = search.cut;
  if (body && !signature) {
    whole ??= readMimeWith(b, limits, level);
    wrapped = findNested(whole, limits, level, search);
    if (wrapped.some((n) => n.signature !== null)) body = null;
    // Past the nesting limit a signed message may still be below: the unsigned data is not shown.
    else if (search.cut > cutBefore) body = null;
  }

  // The message objects are written out as plain literals, their properties in the order they
  // have always had (JSON output): a spread with more properties after it takes V8's slow path,
  // microseconds per message.
  const rawHeaders = located.headers;
  const nonPec = (nested: PecMessage[], text: string | null): Unread<NonPecMessage> => ({
    headers,
    rawHeaders,
    raw: b,
    signature,
    nested,
    location: null,
    issues,
    kind: 'non-pec',
    daticert: null,
    text,
    original: null,
  });
  read.whole = whole;
  if (!body) {
    // Ordinary mail: look for PEC inside (forwarded, mailing-list wrapped).
    const nested = wrapped ?? findNested(whole!, limits, level, search);
    const cut = search.cut > cutBefore;
    if (cut) issues.push(nestingLimit(level, 'error'));
    for (const n of nested) {
      issues.push(
        issue(
          'WRAPPED_PEC',
          `this ordinary message wraps a PEC message (${n.kind}); the wrapper is not itself PEC`,
        ),
      );
    }
    for (const part of walk(whole!)) {
      // The daticert of a wrapped PEC message is its own business (judged in `nested`).
      if (isDaticert(part) && !nested.some((n) => within(part.raw, n.raw)))
        issues.push(
          issue('DATICERT_OUTSIDE_SIGNATURE', 'a daticert.xml outside any signed PEC content was ignored'),
        );
    }
    if (nested.length === 0 && !cut)
      issues.push(issue('NOT_PEC', 'no PEC headers, no daticert, no signature'));
    const text = firstText(whole!, limits);
    return nonPec(nested, text);
  }

  const parts = pecParts(body);
  // Which one is "the" daticert or original is a reader's choice: another reader may take the
  // other one (a second, sender-made original shown as the certified one). Never pick silently.
  const where = signature ? 'signed part' : 'message';
  if (parts.daticerts > 1)
    issues.push(
      issue(
        'DATICERT_DUPLICATE',
        `the ${where} holds ${parts.daticerts} daticert.xml parts; the first was read, another reader may read another`,
      ),
    );
  if (parts.postacerts > 1)
    issues.push(
      issue(
        'POSTACERT_DUPLICATE',
        `the ${where} holds ${parts.postacerts} message/rfc822 parts; the first was taken as the original, another reader may take another`,
      ),
    );
  let daticert: Daticert | null = null;
  if (parts.daticert) {
    try {
      const content = decodeTransfer(parts.daticert.body, parts.daticert.transferEncoding, limits);
      enforce(limits, 'maxDaticertBytes', content.length, 'daticert.xml');
      const result = parseDaticert(content, { limits });
      daticert = result.daticert;
      for (const w of result.warnings) issues.push({ code: w.code, severity: 'warning', message: w.message });
    } catch (e) {
      if (!isPecError(e) || e.code === 'LIMIT_EXCEEDED') throw e;
      issues.push(issue('DATICERT_UNREADABLE', `daticert.xml cannot be read (${e.code}): ${e.message}`));
    }
  }
  const kind: PecKind | null = (daticert?.tipo as PecKind | undefined) ?? headerKind;
  const text = parts.text ? decodeTextOrNull(parts.text, limits) : null;
  const original = parts.postacert?.message ? originalFrom(parts.postacert.message, limits) : null;
  if (!kind) {
    // Signed, but neither daticert nor PEC headers: an ordinary S/MIME message.
    issues.push(issue('NOT_PEC', 'a signed message without daticert.xml or PEC headers'));
    const nested = findNested(body, limits, level, search);
    if (search.cut > cutBefore) issues.push(nestingLimit(level, 'warning'));
    return nonPec(nested, text);
  }
  if (!daticert && KINDS[kind].daticert === 'required' && !parts.daticert) {
    issues.push(
      issue(
        'DATICERT_MISSING',
        `no daticert.xml in the ${signature ? 'signed ' : ''}content; the kind ${kind} comes from the unsigned headers only`,
      ),
    );
  }
  if (daticert && KINDS[kind].daticert === 'forbidden')
    issues.push(issue('DATICERT_UNEXPECTED', `a ${kind} message should not carry daticert.xml`));
  if (daticert) corroborate(kind, daticert, headers, issues);
  identity(located.headers, issues);

  const hashes = original && kind === 'avvenuta-consegna' ? breveHashes(original, limits) : [];
  const form = kind === 'avvenuta-consegna' ? deliveryFormOf(daticert, original, hashes) : null;
  const presence = postacertFor(kind, form);
  if (presence === 'required' && !original)
    issues.push(
      issue('POSTACERT_MISSING', `a ${kind} message must carry the original message (postacert.eml)`),
    );
  if (presence === 'forbidden' && original && kind !== 'avvenuta-consegna') {
    issues.push(issue('POSTACERT_UNEXPECTED', `a ${kind} message must not carry the original message`));
  }
  if (
    original &&
    daticert &&
    kind !== 'errore' &&
    stripBrackets(original.messageId) !== daticert.identificativo
  ) {
    issues.push(
      issue(
        'POSTACERT_ID_MISMATCH',
        `postacert.eml has Message-ID ${original.messageId ?? '(none)'}, the identificativo is ${daticert.identificativo}`,
      ),
    );
  }
  // The original's From is the sender's own header: the certified sender is the daticert's
  // mittente, so a From that names another, several or none is worth a look (the original is
  // shown with its From, and a reader may take that for the certified sender).
  if (original && daticert && kind !== 'errore') {
    const froms = original.entity.headers.getAll('from');
    const raw = froms[0]?.raw ?? '';
    const address = original.from?.toLowerCase() ?? '';
    // A display name that reads as another address (`"giudice@x" <mario@y>`) is what clients show.
    const shown = nameAddress(raw) ?? address;
    const mittente = daticert.mittente.toLowerCase();
    if (
      froms.length !== 1 ||
      addressAmbiguities(raw).length > 0 ||
      address !== mittente ||
      shown !== mittente
    )
      issues.push(
        issue(
          'ORIGINAL_SENDER_MISMATCH',
          `postacert.eml has ${froms.length === 1 ? `From: ${raw}` : `${froms.length} From fields`}; the daticert mittente is ${daticert.mittente}`,
        ),
      );
  }
  if (kind === 'avvenuta-consegna' && daticert?.ricevutaTipo && form && daticert.ricevutaTipo !== form) {
    // A Cc recipient of a completa/breve request gets a sintetica receipt whose daticert may still name the requested form.
    issues.push(
      issue(
        'DELIVERY_FORM_MISMATCH',
        `daticert says ricevuta tipo="${daticert.ricevutaTipo}" but the receipt is ${form}`,
        form === 'sintetica' ? 'info' : 'warning',
      ),
    );
  }
  // Unsigned content was already searched as a whole (see `wrapped`): do not read it again.
  const nested = wrapped ?? (original ? findNestedIn(original, limits, level, search) : []);
  // Inside a signed message the cut only hides forwarded PEC messages: the signed data stands.
  if (search.cut > cutBefore) issues.push(nestingLimit(level, signature ? 'warning' : 'error'));
  for (const n of nested)
    issues.push(issue('NESTED_PEC', `the original message is itself a PEC message (${n.kind})`));
  if (kind === 'posta-certificata') {
    // The signed daticert first, then postacert.eml's own header (inside the signed part), and only
    // then the envelope's header, which nobody signed.
    const asked =
      daticert?.ricevutaTipo ??
      (original?.xTipoRicevuta as DeliveryForm | null | undefined) ??
      (headers.xTipoRicevuta?.toLowerCase() as DeliveryForm | undefined) ??
      null;
    return {
      headers,
      rawHeaders,
      raw: b,
      signature,
      nested,
      location: null,
      issues,
      daticert,
      text,
      original,
      kind,
      ricevutaRichiesta: asked && ['completa', 'breve', 'sintetica'].includes(asked) ? asked : null,
    };
  }
  if (kind === 'errore')
    return {
      headers,
      rawHeaders,
      raw: b,
      signature,
      nested,
      location: null,
      issues,
      daticert,
      text,
      original,
      kind,
    };
  return {
    headers,
    rawHeaders,
    raw: b,
    signature,
    nested,
    location: null,
    issues,
    daticert,
    text,
    original,
    kind,
    deliveryForm: form,
    hashes,
  };
}

function findNestedIn(
  original: OriginalMessage,
  limits: Limits,
  level: number,
  search: Search,
): PecMessage[] {
  const e = original.entity;
  if (level + 1 >= MAX_NESTED_PEC) {
    if (pecBelow(e, true)) search.cut++;
    return [];
  }
  if (looksPec(e)) {
    const nested = parseAt(e.raw, limits, level + 1, search);
    // A non-PEC result already searched inside `e` (see findNested): do not read it again.
    if (nested.kind === 'non-pec') {
      for (const n of nested.nested) if (n.location) n.location.inOriginal = true;
      return nested.nested;
    }
    nested.location = { path: '', filename: 'postacert.eml', carrier: 'original', inOriginal: true };
    return [nested];
  }
  return findNested(e, limits, level + 1, search, true);
}

function firstText(root: MimeEntity, limits: Limits): string | null {
  for (const part of walk(root, false)) {
    if (part.contentType.value === 'text/plain' && !part.filename) return decodeTextOrNull(part, limits);
  }
  return null;
}

/**
 * Parses any message out of a PEC mailbox: envelopes, every receipt and notice, anomaly
 * envelopes and ordinary mail. The kind and every field come from the signed daticert.xml; the
 * unsigned headers only corroborate, and each disagreement becomes an issue. Never throws on a
 * bad message: only wrong argument types (TypeError) and exceeded limits (LIMIT_EXCEEDED) throw.
 *
 * @example
 * ```ts
 * import { parsePec } from 'pec-kit';
 * const pec = parsePec(bytes);
 * if (pec.kind === 'avvenuta-consegna') console.log(pec.daticert?.consegna, pec.deliveryForm);
 * ```
 * @category Reading
 */
export function parsePec(raw: BytesInput, options: ParsePecOptions = {}): PecMessage {
  checkOptions(options, 'parsePec options', PARSE_PEC_KEYS);
  const bytes = pathStringBytes(raw) ?? toBytes(raw, 'message');
  const limits = resolveLimits(options.limits);
  enforce(limits, 'maxMessageBytes', bytes.length, 'message size');
  // Not e-mail at all (empty, a path, a PDF, a .msg, a lone daticert): say what it is, read nothing.
  const notMail = recognizeInput(bytes);
  if (notMail) return notAMessage(bytes, limits, notMail);
  const pec = parseAt(bytes, limits, 0, { cut: 0 });
  // A piece of PEC read as ordinary mail (an extracted postacert.eml, a fragment): name it.
  const piece = recognizeOrdinary(pec);
  if (piece)
    pec.issues.splice(0, pec.issues.length, ...pec.issues.filter((i) => i.code !== 'NOT_PEC'), piece);
  return pec;
}

function notAMessage(bytes: Bytes, limits: Limits, found: Issue): NonPecMessage {
  const none = parseHeaderBlock(bytes, 0, 0, limits);
  const message: Unread<NonPecMessage> = {
    kind: 'non-pec',
    headers: pecHeaders(none),
    rawHeaders: none,
    raw: bytes,
    signature: null,
    daticert: null,
    text: null,
    original: null,
    nested: [],
    location: null,
    issues: [found],
  };
  return withMail(message, bytes, limits, 0, { whole: null }) as NonPecMessage;
}

/** The Date header of a parsed message as an ISO instant, or null. */
export function messageDate(pec: PecMessage): string | null {
  return parseDate(pec.headers.date ?? undefined)?.toISOString() ?? null;
}
