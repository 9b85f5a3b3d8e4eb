// The access point's formal checks on a submitted original (RFC 6109 §3.1.1, spec §2): one valid
// From equal to MAIL FROM, at least one To, every RCPT TO in To/Cc, no Bcc, size × recipients
// within the limit, a readable message. A failed check is a result (the caller sends a
// non-accettazione), or, in strict mode, a PecError BUILD_INVALID.
import { type BytesInput, describe, toBytes } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';
import type { DeliveryForm } from '../kinds.js';
import { type Limits, resolveLimits } from '../limits.js';
import { nameAddress, parseAddressList } from '../mime/address.js';
import { readMimeWith } from '../mime/read.js';
import { assertAddrSpec, type RandomSource } from '../mime/write.js';
import { checkOptions, optionKeys } from '../options.js';
import { assertDomain, assertIdentificativo, makeIdentificativo } from './ids.js';
import { originalSubject, postacertFrom, rawField, readOriginal } from './original.js';
import { italianTime } from './time.js';
import type { PecTransaction, TransactionRecipient } from './transaction.js';

const SUBMISSION_KEYS = optionKeys<SubmissionOptions>({
  domain: true,
  sender: true,
  recipients: true,
  isCertified: true,
  pecDomains: true,
  maxTransactionBytes: true,
  at: true,
  identificativo: true,
  random: true,
  strict: true,
  limits: true,
});

/**
 * Why a submission fails the formal checks. Codes are stable.
 *
 * @example
 * ```ts
 * SUBMISSION_REASONS.BCC_PRESENT; // 'presenza di destinatari nascosti (Bcc)'
 * ```
 * @category Building
 */
export const SUBMISSION_REASONS = {
  UNPARSEABLE: 'messaggio non leggibile',
  FROM_MISSING: 'mittente (From) assente',
  FROM_MULTIPLE: 'più di un mittente (From)',
  FROM_INVALID: 'indirizzo del mittente (From) non valido',
  FROM_NOT_SENDER: 'il mittente (From) non corrisponde al mittente della sessione SMTP',
  TO_MISSING: 'nessun destinatario principale (To)',
  RECIPIENT_INVALID: 'indirizzo di un destinatario non valido',
  RECIPIENT_NOT_IN_HEADERS: 'destinatario non presente nei campi To o Cc',
  BCC_PRESENT: 'presenza di destinatari nascosti (Bcc)',
  SIZE_EXCEEDED: 'dimensione del messaggio per numero di destinatari oltre il limite',
} as const;

/**
 * A formal-check failure code.
 *
 * @example
 * ```ts
 * const check = checkSubmission(eml, { domain: 'pec.example.it' });
 * const codes: SubmissionReasonCode[] = check.reasons.map((r) => r.code); // e.g. ['BCC_PRESENT']
 * ```
 * @category Building
 */
export type SubmissionReasonCode = keyof typeof SUBMISSION_REASONS;

/**
 * One formal-check failure.
 *
 * @example
 * ```ts
 * const { accepted, reasons } = checkSubmission(eml, { domain: 'pec.example.it' });
 * if (!accepted) for (const r of reasons satisfies SubmissionReason[]) console.log(r.code, r.descrizione);
 * ```
 * @category Building
 */
export interface SubmissionReason {
  code: SubmissionReasonCode;
  /** English sentence with the details. */
  message: string;
  /** Short Italian description, for the non-accettazione text and errore-esteso. */
  descrizione: string;
}

/**
 * Options of {@link checkSubmission}.
 *
 * @example
 * ```ts
 * const options: SubmissionOptions = { domain: 'pec.example.it', pecDomains: ['pec.example.it', 'pec.example.org'] };
 * const { transaction } = checkSubmission(eml, options);
 * ```
 * @category Building
 */
export interface SubmissionOptions {
  /** The access point's mail domain (identificativo `…@domain`). */
  domain: string;
  /** SMTP MAIL FROM. Default: the From address (then FROM_NOT_SENDER cannot happen). */
  sender?: string;
  /** SMTP RCPT TO. Default: every To and Cc address. */
  recipients?: readonly string[];
  /** Tells certified (PEC) recipients from external ones. Takes precedence over `pecDomains`. */
  isCertified?: (address: string) => boolean;
  /** PEC mail domains (exact, case-insensitive); other domains are `esterno`. Default: all `certificato`. */
  pecDomains?: readonly string[];
  /** Limit on size × number of recipients, in bytes. Default 30 MiB (RFC 6109 §3.1.1). */
  maxTransactionBytes?: number;
  /** The acceptance instant. Default now. */
  at?: Date;
  /** The identificativo to assign. Default: a new one (see {@link makeIdentificativo}). */
  identificativo?: string;
  /** Random source for the identificativo. */
  random?: RandomSource;
  /** Throw PecError BUILD_INVALID (with `details.reasons`) instead of returning a refusal. */
  strict?: boolean;
  /** Input limits for reading the original. */
  limits?: Partial<Limits>;
}

/**
 * The outcome of {@link checkSubmission}.
 *
 * @example
 * ```ts
 * const check: SubmissionCheck = checkSubmission(eml, { domain: 'pec.example.it' });
 * const first = check.accepted
 *   ? await buildReceipt({ kind: 'accettazione', transaction: check.transaction, provider })
 *   : await buildReceipt({ kind: 'non-accettazione', transaction: check.transaction, reasons: check.reasons, provider });
 * ```
 * @category Building
 */
export interface SubmissionCheck {
  /** True when every formal check passed: send the envelope and an accettazione. */
  accepted: boolean;
  /** Why not (empty when accepted): send a non-accettazione listing them. */
  reasons: SubmissionReason[];
  /** The transaction, also when refused (a non-accettazione is built from it). */
  transaction: PecTransaction;
}

/**
 * Default limit on size × recipients: 30 MiB.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_TRANSACTION_BYTES; // 31457280 (30 MiB): size × number of recipients
 * checkSubmission(eml, { domain: 'pec.example.it', maxTransactionBytes: 2 * DEFAULT_MAX_TRANSACTION_BYTES });
 * ```
 * @category Building
 */
export const DEFAULT_MAX_TRANSACTION_BYTES = 30 * 1024 * 1024;

const FORMS: readonly string[] = ['completa', 'breve', 'sintetica'];

function isAddrSpec(a: string): boolean {
  try {
    assertAddrSpec(a);
    return true;
  } catch {
    return false;
  }
}

function callerAddress(a: unknown, name: string): string {
  if (typeof a !== 'string') throw invalidArgument(`${name} must be a string, got ${describe(a)}`);
  try {
    assertAddrSpec(a);
  } catch (e) {
    if ((e as { code?: string }).code === 'INVALID_ARGUMENT')
      throw new PecError('BUILD_INVALID', `${name}: ${(e as Error).message}`, { [name]: a });
    throw e;
  }
  return a;
}

function classifier(options: SubmissionOptions): (address: string) => 'certificato' | 'esterno' {
  const { isCertified, pecDomains } = options;
  if (isCertified !== undefined) {
    if (typeof isCertified !== 'function')
      throw invalidArgument(`isCertified must be a function, got ${describe(isCertified)}`);
    return (a) => (isCertified(a) ? 'certificato' : 'esterno');
  }
  if (pecDomains !== undefined) {
    if (!Array.isArray(pecDomains) || pecDomains.some((d) => typeof d !== 'string'))
      throw invalidArgument('pecDomains must be an array of strings');
    const set = new Set(pecDomains.map((d) => d.toLowerCase()));
    return (a) => (set.has(a.slice(a.lastIndexOf('@') + 1).toLowerCase()) ? 'certificato' : 'esterno');
  }
  return () => 'certificato';
}

/**
 * The access point's formal checks on a submitted original (the bytes as the client sent them),
 * and the transaction they open: identificativo, acceptance time, sender, recipients (with
 * `certificato`/`esterno`), subject, msgid, requested receipt form and postacert.eml.
 *
 * A refused submission is a result with coded `reasons` (build a `non-accettazione` from it), or
 * with `strict: true` a PecError `BUILD_INVALID` whose `details.reasons` lists them. Bad options
 * (a MAIL FROM or RCPT TO that is not an address, no sender at all) always throw.
 *
 * @example
 * ```ts
 * import { checkSubmission, buildEnvelope, buildReceipt } from 'pec-kit';
 * const check = checkSubmission(eml, { domain: 'pec.example.it', pecDomains: ['pec.example.it', 'pec.example.org'] });
 * if (check.accepted) {
 *   const envelope = await buildEnvelope({ transaction: check.transaction, provider });
 *   const receipt = await buildReceipt({ kind: 'accettazione', transaction: check.transaction, provider });
 * } else {
 *   await buildReceipt({ kind: 'non-accettazione', transaction: check.transaction, reasons: check.reasons, provider });
 * }
 * ```
 * @category Building
 */
export function checkSubmission(original: BytesInput, options: SubmissionOptions): SubmissionCheck {
  checkOptions(options, 'checkSubmission options', SUBMISSION_KEYS);
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(`options must be an object, got ${describe(options)}`);
  const bytes = toBytes(original, 'original');
  const limits = resolveLimits(options.limits);
  const max = options.maxTransactionBytes ?? DEFAULT_MAX_TRANSACTION_BYTES;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0)
    throw invalidArgument(`maxTransactionBytes must be a non-negative integer, got ${String(max)}`);
  assertDomain(options.domain);
  const time = italianTime(options.at ?? new Date());
  const classify = classifier(options);
  const reasons: SubmissionReason[] = [];
  const fail = (code: SubmissionReasonCode, message: string): void => {
    reasons.push({ code, message, descrizione: SUBMISSION_REASONS[code] });
  };

  const read = readOriginal(bytes, limits);
  const h = read.headers;
  if (!read.complete) fail('UNPARSEABLE', 'no empty line ends the header block');
  else {
    try {
      readMimeWith(read.bytes, limits);
    } catch (e) {
      if ((e as { code?: string }).code === 'LIMIT_EXCEEDED') throw e;
      fail('UNPARSEABLE', `the MIME structure cannot be read: ${(e as Error).message}`);
    }
  }
  const msgid = rawField(h, 'message-id');
  if (msgid !== null && !/^[\x21-\x7e]+$/.test(msgid))
    fail('UNPARSEABLE', `the Message-ID ${JSON.stringify(msgid)} is not printable ASCII without spaces`);

  // From: one valid address, equal to MAIL FROM.
  const fromFields = h.getAll('from');
  const from = fromFields.flatMap((f) => parseAddressList(f.value));
  let fromAddress: string | null = null;
  if (from.length === 0)
    fail('FROM_MISSING', fromFields.length === 0 ? 'no From field' : 'the From field holds no address');
  else if (from.length > 1) fail('FROM_MULTIPLE', `From holds ${from.length} addresses; PEC allows one`);
  else if (!isAddrSpec(from[0]!.address))
    fail('FROM_INVALID', `From ${JSON.stringify(from[0]!.address)} is not a valid address`);
  // A display name that reads as another address is what the recipient's client shows as sender.
  else if (
    (nameAddress(fromFields[0]!.raw) ?? from[0]!.address.toLowerCase()) !== from[0]!.address.toLowerCase()
  )
    fail(
      'FROM_INVALID',
      `From's display name in ${JSON.stringify(fromFields[0]!.raw)} reads as another address`,
    );
  else fromAddress = from[0]!.address;
  // Without MAIL FROM, the first usable From address is who gets the (non-)acceptance.
  const fallback = from.find((m) => isAddrSpec(m.address))?.address ?? null;
  const sender = options.sender === undefined ? fallback : callerAddress(options.sender, 'sender');
  if (sender === null)
    throw new PecError(
      'BUILD_INVALID',
      'no sender: the original has no usable From and no MAIL FROM was given',
      { reasons },
    );
  if (fromAddress !== null && fromAddress.toLowerCase() !== sender.toLowerCase()) {
    fail('FROM_NOT_SENDER', `From ${fromAddress} differs from MAIL FROM ${sender}`);
  }

  // To / Cc / Bcc.
  const listed = (name: string) =>
    h.getAll(name).flatMap((f) => parseAddressList(f.value).map((m) => m.address));
  const to = listed('to');
  const cc = listed('cc');
  if (to.length === 0) fail('TO_MISSING', 'no To address');
  const badHeader = [...to, ...cc].filter((a) => !isAddrSpec(a));
  if (badHeader.length > 0) fail('RECIPIENT_INVALID', `not valid addresses: ${badHeader.join(', ')}`);
  const bcc = h.getAll('bcc').filter((f) => f.raw.trim() !== '');
  if (bcc.length > 0) fail('BCC_PRESENT', 'the original has a non-empty Bcc field');

  // RCPT TO: given, or every valid To/Cc address.
  let rcpt: string[];
  if (options.recipients !== undefined) {
    if (!Array.isArray(options.recipients))
      throw invalidArgument(`recipients must be an array, got ${describe(options.recipients)}`);
    if (options.recipients.length === 0) throw invalidArgument('recipients (RCPT TO) must not be empty');
    rcpt = options.recipients.map((a, i) => callerAddress(a, `recipients[${i}]`));
  } else rcpt = [...to, ...cc].filter(isAddrSpec);
  const lower = (l: string[]) => new Set(l.map((a) => a.toLowerCase()));
  const toSet = lower(to);
  const ccSet = lower(cc);
  const seen = new Set<string>();
  const recipients: TransactionRecipient[] = [];
  const missing: string[] = [];
  for (const a of rcpt) {
    const key = a.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (!toSet.has(key) && !ccSet.has(key)) missing.push(a);
    recipients.push({
      address: a,
      tipo: classify(a),
      field: toSet.has(key) || !ccSet.has(key) ? 'to' : 'cc',
    });
  }
  if (missing.length > 0) fail('RECIPIENT_NOT_IN_HEADERS', `RCPT TO not in To or Cc: ${missing.join(', ')}`);
  const total = bytes.length * Math.max(1, recipients.length);
  if (total > max)
    fail(
      'SIZE_EXCEEDED',
      `${bytes.length} bytes × ${recipients.length} recipients = ${total} exceeds ${max}`,
    );

  const identificativo =
    options.identificativo ??
    makeIdentificativo({ domain: options.domain, at: time.instant, random: options.random });
  assertIdentificativo(identificativo);
  const replyTo =
    h
      .getAll('reply-to')
      .flatMap((f) => parseAddressList(f.value))
      .find((m) => isAddrSpec(m.address))?.address ?? sender;
  const asked = rawField(h, 'x-tiporicevuta')?.toLowerCase() ?? null;
  const transaction: PecTransaction = {
    identificativo,
    at: time.instant,
    sender,
    recipients,
    replyTo,
    subject: originalSubject(h),
    msgid: msgid !== null && /^[\x21-\x7e]+$/.test(msgid) ? msgid : null,
    requestedForm: asked !== null && FORMS.includes(asked) ? (asked as DeliveryForm) : null,
    postacert: postacertFrom(read, identificativo),
  };
  if (options.strict === true && reasons.length > 0) {
    throw new PecError(
      'BUILD_INVALID',
      `the submission fails the formal checks: ${reasons.map((r) => `${r.code}: ${r.message}`).join('; ')}`,
      { reasons },
    );
  }
  return { accepted: reasons.length === 0, reasons, transaction };
}
