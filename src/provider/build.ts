// Building PEC messages: the transport envelope, every receipt and notice, and the anomaly
// envelope, all through one code path driven by the KINDS table (headers, subject prefix, parts,
// daticert fields, Message-ID rule). Input is checked completely before anything is signed.
import { type Bytes, type BytesInput, describe, toBytes } from '../bytes.js';
import { resolveCrypto } from '../crypto.js';
import { buildDaticert } from '../daticert/build.js';
import { type Daticert, type DaticertErrore, ERRORI, validateDaticert } from '../daticert/schema.js';
import { invalidArgument, PecError } from '../errors.js';
import { type DeliveryForm, KINDS, type PecKind, postacertFor, subjectPrefixFor } from '../kinds.js';
import { type Limits, resolveLimits } from '../limits.js';
import { parseAddressList } from '../mime/address.js';
import { assertNoControls } from '../mime/encode-header.js';
import { assertAddrSpec, encodeUnstructured, formatAddress, formatAddressList } from '../mime/write.js';
import { checkOptions as checkOptionKeys, optionKeys } from '../options.js';
import type { BreveHash } from '../reading/original.js';
import { type BreveHashInput, breveOriginal } from './breve.js';
import type { SubmissionReason } from './checks.js';
import { assertIdentificativo, makeFallbackMessageId, makeReceiptMessageId, unbracket } from './ids.js';
import { copiedFields, originalSubject, type ReadOriginal, rawField, readOriginal } from './original.js';
import { type BuildOptions, providerAddress, resolveSigning, signAndWrite } from './sign.js';
import { defaultErroreEsteso, htmlBody, plainBody, readableText } from './text.js';
import { type ItalianTime, italianTime } from './time.js';
import {
  deliveryFormFor,
  type PecTransaction,
  type TransactionRecipient,
  validateTransaction,
} from './transaction.js';

/**
 * The kinds {@link buildReceipt} makes: every receipt and notice.
 *
 * @example
 * ```ts
 * const kind: ReceiptKind = 'avvenuta-consegna';
 * const receipt = await buildReceipt({ kind, transaction, recipient: 'ufficio@pec.example.org', provider: provider2 });
 * ```
 * @category Building
 */
export type ReceiptKind = Exclude<PecKind, 'posta-certificata' | 'errore'>;

/**
 * A built PEC message and the identifiers and data it carries.
 *
 * @example
 * ```ts
 * const built: BuiltPec = await buildEnvelope({ transaction, provider });
 * built.messageId; // '<opec….@pec.example.it>'
 * const bytesToSend = built.bytes; // CRLF, ready for SMTP
 * ```
 * @category Building
 */
export interface BuiltPec {
  /** The whole message, CRLF, ready for SMTP. */
  bytes: Bytes;
  kind: PecKind;
  /** Its Message-ID, with angle brackets. */
  messageId: string;
  /** The transaction's identificativo (no brackets); null for an anomaly envelope. */
  identificativo: string | null;
  /** The provider address it comes from (SMTP MAIL FROM). */
  from: string;
  /** Who it goes to (SMTP RCPT TO). */
  to: string[];
  /** The `Date:` header value. */
  date: string;
  /** The event instant: daticert `<data>` = `Date:` = CMS signingTime. */
  at: Date;
  /** The daticert written into it (null for an anomaly envelope). */
  daticert: Daticert | null;
  /** For avvenuta-consegna: the form this receipt has; else null. */
  deliveryForm: DeliveryForm | null;
  /** For a breve receipt: the `.hash` files in its postacert.eml. */
  hashes: BreveHash[];
}

/**
 * Input of {@link buildEnvelope}.
 *
 * @example
 * ```ts
 * const input: EnvelopeInput = { transaction, provider, providerCompat: true };
 * const envelope = await buildEnvelope(input);
 * ```
 * @category Building
 */
export interface EnvelopeInput extends BuildOptions {
  /** The transaction (from `checkSubmission`). */
  transaction: PecTransaction;
  /** Input limits for reading postacert.eml. */
  limits?: Partial<Limits>;
}

/**
 * Input of {@link buildReceipt}.
 *
 * @example
 * ```ts
 * const input: ReceiptInput = { kind: 'errore-consegna', transaction, recipient: 'ufficio@pec.example.org', errore: 'no-dest', provider: provider2 };
 * const notice = await buildReceipt(input);
 * ```
 * @category Building
 */
export interface ReceiptInput extends BuildOptions {
  kind: ReceiptKind;
  /** The transaction (from `checkSubmission`, or `transactionFromEnvelope` at the recipient's provider). */
  transaction: PecTransaction;
  /** daticert `errore`. Default: the kind's usual value (nessuno; altro for non-accettazione and timeouts; no-dest for errore-consegna; virus for rilevazione-virus). */
  errore?: DaticertErrore;
  /** daticert `<consegna>`: the recipient the receipt is about (avvenuta-consegna, errore-consegna, rilevazione-virus; optional for timeouts). */
  recipient?: string;
  /** daticert `<ricezione>` of a presa-in-carico. Default: every `certificato` recipient. */
  ricezione?: readonly string[];
  /** daticert `<errore-esteso>`. Default: a coded text for the kind and errore (see docs/building.md). */
  erroreEsteso?: string;
  /** For preavviso-errore-consegna: the 12 h warning (default) or the 24 h final notice (`5.4.1 …`). */
  timeout?: '12h' | '24h';
  /** For non-accettazione: the formal-check failures, listed in the text and the default errore-esteso. */
  reasons?: readonly SubmissionReason[];
  /** For avvenuta-consegna: the form. Default: per RFC 6109 §3.3.2 ({@link deliveryFormFor}). */
  deliveryForm?: DeliveryForm;
  /** Which bytes the breve hashes cover (default `decoded`; see docs/building.md). */
  breveHashInput?: BreveHashInput;
  /**
   * The addressee, overriding the kind's rule: the sender for most kinds, the sender provider's
   * service mailbox (mailReceipt) for presa-in-carico and rilevazione-virus, by default
   * `posta-certificata@<domain of the identificativo>`.
   */
  to?: string;
  /** The receipt's own Message-ID (with brackets). Default: a new one. */
  messageId?: string;
  /** Input limits for reading postacert.eml. */
  limits?: Partial<Limits>;
}

/**
 * Input of {@link buildAnomaly}.
 *
 * @example
 * ```ts
 * const input: AnomalyInput = { received: bytes, provider: provider2, reason: 'firma non valida' };
 * const anomaly = await buildAnomaly(input);
 * ```
 * @category Building
 */
export interface AnomalyInput extends BuildOptions {
  /** The received message, exactly as it arrived. */
  received: BytesInput;
  /** The original sender. Default: the received message's From. */
  sender?: string;
  /** What was wrong, for the readable text. */
  reason?: string;
  /** Input limits for reading the received message. */
  limits?: Partial<Limits>;
}

/** Kinds emitted at acceptance: their `at` defaults to the transaction's time, others to now. */
const AT_ACCEPTANCE: ReadonlySet<PecKind> = new Set([
  'posta-certificata',
  'accettazione',
  'non-accettazione',
]);

interface Plan {
  kind: PecKind;
  tx: PecTransaction;
  options: BuildOptions;
  limits: Limits;
  original: ReadOriginal;
  errore?: DaticertErrore | undefined;
  consegna?: string | undefined;
  ricezione?: readonly string[] | undefined;
  erroreEsteso?: string | undefined;
  timeout?: '12h' | '24h' | undefined;
  reasons?: readonly SubmissionReason[] | undefined;
  deliveryForm?: DeliveryForm | undefined;
  breveHashInput?: BreveHashInput | undefined;
  to?: string | undefined;
  messageId?: string | undefined;
}

function fail(message: string, details?: Record<string, unknown>): never {
  throw new PecError('BUILD_INVALID', message, details);
}

function checkAddress(a: unknown, what: string): string {
  if (typeof a !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(a)}`);
  try {
    assertAddrSpec(a);
  } catch (e) {
    if ((e as { code?: string }).code === 'INVALID_ARGUMENT')
      fail(`${what}: ${(e as Error).message}`, { [what]: a });
    throw e;
  }
  return a;
}

function findRecipient(tx: PecTransaction, address: string, what: string): TransactionRecipient {
  const r = tx.recipients.find((x) => x.address.toLowerCase() === address.toLowerCase());
  if (!r) fail(`${what} ${address} is not a recipient of the transaction`, { [what]: address });
  return r;
}

function hasBcc(o: ReadOriginal): boolean {
  return o.headers.getAll('bcc').some((f) => f.raw.trim() !== '');
}

/** Decides every field of the message from the plan and the KINDS table, checking as it goes. */
function decide(plan: Plan, time: ItalianTime) {
  const { kind, tx, options } = plan;
  const spec = KINDS[kind];
  const gestore = options.provider.name;
  // errore
  const errore = plan.errore ?? ((spec.errori[0] ?? 'nessuno') as DaticertErrore);
  if (!(ERRORI as readonly string[]).includes(errore))
    throw invalidArgument(`errore must be one of ${ERRORI.join(', ')}, got ${describe(errore)}`);
  if (spec.daticert !== 'forbidden' && !spec.errori.includes(errore))
    fail(`errore="${errore}" does not fit ${kind} (allowed: ${spec.errori.join(', ')})`);
  // consegna
  let consegna: string | null = null;
  if (plan.consegna !== undefined) {
    if (spec.fields.consegna === 'forbidden') fail(`a ${kind} names no recipient (consegna)`);
    consegna = findRecipient(tx, checkAddress(plan.consegna, 'recipient'), 'recipient').address;
  } else if (spec.fields.consegna === 'required')
    fail(`a ${kind} needs the recipient it is about (recipient)`);
  // ricezione
  let ricezione: string[] = [];
  if (spec.fields.ricezione !== 'forbidden') {
    const given =
      plan.ricezione ?? tx.recipients.filter((r) => r.tipo === 'certificato').map((r) => r.address);
    if (!Array.isArray(given)) throw invalidArgument(`ricezione must be an array, got ${describe(given)}`);
    ricezione = given.map(
      (a, i) => findRecipient(tx, checkAddress(a, `ricezione[${i}]`), 'ricezione').address,
    );
    if (spec.fields.ricezione === 'required' && ricezione.length === 0)
      fail(`a ${kind} needs at least one recipient in ricezione`);
  } else if (plan.ricezione !== undefined) fail(`a ${kind} has no ricezione list`);
  // delivery form and the ricevuta element
  let deliveryForm: DeliveryForm | null = null;
  if (kind === 'avvenuta-consegna') {
    deliveryForm = plan.deliveryForm ?? deliveryFormFor(tx, consegna!);
    if (!['completa', 'breve', 'sintetica'].includes(deliveryForm))
      throw invalidArgument(
        `deliveryForm must be completa, breve or sintetica, got ${describe(deliveryForm)}`,
      );
  } else if (plan.deliveryForm !== undefined)
    fail(`deliveryForm applies to avvenuta-consegna only, not ${kind}`);
  // Envelopes and delivery receipts say what was asked (completa when nothing was); Aruba's accettazione has none.
  const ricevutaTipo =
    spec.fields.ricevuta !== 'forbidden' && kind !== 'accettazione' ? (tx.requestedForm ?? 'completa') : null;
  if (plan.reasons !== undefined) {
    if (!Array.isArray(plan.reasons))
      throw invalidArgument(`reasons must be an array, got ${describe(plan.reasons)}`);
    if (kind !== 'non-accettazione') fail(`reasons apply to a non-accettazione only, not ${kind}`);
  }
  // errore-esteso
  let erroreEsteso: string | null = null;
  if (plan.erroreEsteso !== undefined) {
    if (typeof plan.erroreEsteso !== 'string')
      throw invalidArgument(`erroreEsteso must be a string, got ${describe(plan.erroreEsteso)}`);
    assertNoControls(plan.erroreEsteso, 'erroreEsteso');
    if (spec.fields.erroreEsteso === 'forbidden' && kind !== 'errore') fail(`a ${kind} has no errore-esteso`);
    erroreEsteso = plan.erroreEsteso;
  } else if (spec.fields.erroreEsteso !== 'forbidden' || kind === 'errore') {
    erroreEsteso = defaultErroreEsteso(kind, errore, gestore, {
      timeout: plan.timeout,
      reasons: plan.reasons,
    });
  }
  if (
    plan.timeout !== undefined &&
    (kind !== 'preavviso-errore-consegna' || (plan.timeout !== '12h' && plan.timeout !== '24h'))
  ) {
    fail(`timeout must be 12h or 24h, on a preavviso-errore-consegna only`);
  }
  // addressees
  let to: string[] | null;
  if (plan.to !== undefined) to = [checkAddress(plan.to, 'to')];
  else if (spec.to === 'sender') to = [tx.sender];
  else if (spec.to === 'service-mailbox')
    to = [`posta-certificata@${tx.identificativo.slice(tx.identificativo.lastIndexOf('@') + 1)}`];
  else to = null; // envelopes: the original's To/Cc are copied
  // Message-ID
  let messageId: string;
  if (spec.messageId === 'identificativo') messageId = `<${tx.identificativo}>`;
  else if (spec.messageId === 'copied')
    messageId = tx.msgid ?? makeFallbackMessageId(options.provider.domain, options.random);
  else if (plan.messageId !== undefined) {
    if (typeof plan.messageId === 'string') assertNoControls(plan.messageId, 'messageId');
    if (typeof plan.messageId !== 'string' || !/^<.*>$/.test(plan.messageId))
      throw invalidArgument(`messageId must be "<id-left@id-right>", got ${describe(plan.messageId)}`);
    assertIdentificativo(unbracket(plan.messageId), 'messageId');
    messageId = plan.messageId;
  } else
    messageId = makeReceiptMessageId({
      domain: options.provider.domain,
      at: time.instant,
      random: options.random,
    });
  return { spec, errore, consegna, ricezione, deliveryForm, ricevutaTipo, erroreEsteso, to, messageId };
}

/** The one path every PEC message takes. */
async function build(plan: Plan): Promise<BuiltPec> {
  const { kind, tx, options, original } = plan;
  const from = providerAddress(options.provider);
  resolveSigning(options);
  const crypto = resolveCrypto(options.crypto);
  const at = options.at ?? (AT_ACCEPTANCE.has(kind) ? tx.at : new Date());
  const time = italianTime(at);
  const d = decide(plan, time);
  const { spec } = d;

  // Outer headers (unsigned): trace fields first, as a relay would have them.
  const copied = copiedFields(original.headers, spec.copyHeaders);
  const pick = (names: string[]) => copied.filter(([n]) => names.includes(n.toLowerCase()));
  const subjectText = `${subjectPrefixFor(kind, d.errore)}:${tx.subject ? ` ${tx.subject}` : ''}`;
  const headers: (readonly [string, string])[] = [...pick(['return-path', 'received'])];
  headers.push(['Date', time.header], ['Subject', encodeUnstructured(subjectText, { offset: 9 })]);
  if (spec.from === 'per-conto-di') {
    headers.push([
      'From',
      formatAddress({ name: `Per conto di: ${tx.sender}`, address: from }, { offset: 6 }),
    ]);
    const replyTo = pick(['reply-to']);
    headers.push(...(replyTo.length > 0 ? replyTo : [['Reply-To', tx.sender] as const]));
  } else headers.push(['From', from]);
  if (d.to) headers.push(['To', formatAddressList(d.to)]);
  else headers.push(...pick(['to', 'cc']));
  headers.push(['Message-ID', d.messageId]);
  if (spec.messageId !== 'copied' && tx.msgid) headers.push(['X-Riferimento-Message-ID', tx.msgid]);
  headers.push([spec.header.name, spec.header.value]);
  if (d.errore === 'virus' && spec.virusSubjectPrefix) headers.push(['X-VerificaSicurezza', 'errore']);
  if (spec.extraHeader === 'X-Mittente') headers.push(['X-Mittente', tx.sender]);
  if (kind === 'posta-certificata' && tx.requestedForm) headers.push(['X-TipoRicevuta', tx.requestedForm]);

  // daticert.xml
  let daticert: Daticert | null = null;
  if (spec.daticert !== 'forbidden') {
    daticert = validateDaticert(
      {
        tipo: kind,
        errore: d.errore,
        mittente: tx.sender,
        destinatari: tx.recipients.map((r) => ({ address: r.address, tipo: r.tipo })),
        risposte: tx.replyTo,
        oggetto: tx.subject,
        gestoreEmittente: options.provider.name,
        data: { giorno: time.giorno, ora: time.ora, zona: time.zona },
        dataUtc: time.instant.toISOString().replace('.000Z', 'Z'),
        identificativo: tx.identificativo,
        msgid: tx.msgid,
        ricevutaTipo: d.ricevutaTipo,
        consegna: d.consegna,
        ricezione: d.ricezione,
        erroreEsteso: d.erroreEsteso,
      },
      `cannot build the daticert of a ${kind}`,
    );
  }

  // postacert.eml
  let postacert: Bytes | null = null;
  let hashes: BreveHash[] = [];
  if (postacertFor(kind, d.deliveryForm) === 'required') {
    if (kind !== 'errore' && hasBcc(original))
      fail('the original has a Bcc field: a PEC message cannot carry one', { header: 'Bcc' });
    if (d.deliveryForm === 'breve') {
      const breve = await breveOriginal(
        original.bytes,
        crypto,
        plan.limits,
        plan.breveHashInput ?? 'decoded',
      );
      postacert = breve.bytes;
      hashes = breve.hashes;
    } else postacert = original.bytes;
  }
  if (
    plan.breveHashInput !== undefined &&
    plan.breveHashInput !== 'decoded' &&
    plan.breveHashInput !== 'encoded'
  ) {
    throw invalidArgument(`breveHashInput must be decoded or encoded, got ${describe(plan.breveHashInput)}`);
  }

  const text = readableText({
    kind,
    errore: d.errore,
    time,
    subject: tx.subject,
    sender: tx.sender,
    recipients: tx.recipients,
    consegna: d.consegna,
    ricezione: d.ricezione,
    identificativo: tx.identificativo,
    erroreEsteso: d.erroreEsteso,
    deliveryForm: d.deliveryForm,
    reasons: plan.reasons ?? [],
  });
  const bytes = await signAndWrite(
    {
      outerHeaders: headers,
      text: { plain: plainBody(text), html: htmlBody(text) },
      daticert: daticert ? buildDaticert(daticert) : null,
      postacert,
      allowBinary: kind === 'errore',
    },
    { ...options, crypto },
    time.instant,
  );
  return {
    bytes,
    kind,
    messageId: d.messageId,
    identificativo: kind === 'errore' ? null : tx.identificativo,
    from,
    to: d.to ?? tx.recipients.map((r) => r.address),
    date: time.header,
    at: time.instant,
    daticert,
    deliveryForm: d.deliveryForm,
    hashes,
  };
}

function checkOptions(input: unknown, what: string, keys: readonly string[]): void {
  if (typeof input !== 'object' || input === null)
    throw invalidArgument(`${what} expects an object, got ${describe(input)}`);
  checkOptionKeys(input, `${what} input`, keys);
}

// The keys each builder input knows (compiler-checked against the interfaces): a typo is refused.
const BUILD_KEYS = {
  provider: true,
  at: true,
  providerCompat: true,
  digest: true,
  html: true,
  crypto: true,
  random: true,
} as const;
const ENVELOPE_KEYS = optionKeys<EnvelopeInput>({ ...BUILD_KEYS, transaction: true, limits: true });
const RECEIPT_KEYS = optionKeys<ReceiptInput>({
  ...BUILD_KEYS,
  kind: true,
  transaction: true,
  errore: true,
  recipient: true,
  ricezione: true,
  erroreEsteso: true,
  timeout: true,
  reasons: true,
  deliveryForm: true,
  breveHashInput: true,
  to: true,
  messageId: true,
  limits: true,
});
const ANOMALY_KEYS = optionKeys<AnomalyInput>({
  ...BUILD_KEYS,
  received: true,
  sender: true,
  reason: true,
  limits: true,
});

function prepare(
  tx: PecTransaction,
  limitsInput: Partial<Limits> | undefined,
): { limits: Limits; original: ReadOriginal } {
  validateTransaction(tx);
  const limits = resolveLimits(limitsInput);
  return { limits, original: readOriginal(tx.postacert, limits) };
}

/**
 * Builds the transport envelope (busta di trasporto, spec §4.1/§10): From
 * `"Per conto di: <sender>" <posta-certificata@domain>`, the original's Received/To/Cc/Return-Path/
 * Reply-To copied (Reply-To = the sender when absent), `X-Trasporto: posta-certificata`,
 * `X-Riferimento-Message-ID` (when the original had a Message-ID), `X-TipoRicevuta` (when asked),
 * `Message-ID: <identificativo>`, `Subject: POSTA CERTIFICATA: <subject>`; signed body = readable
 * text, daticert.xml, postacert.eml. Time: `at`, default the transaction's acceptance time.
 *
 * @example
 * ```ts
 * import { importSigner, checkSubmission, buildEnvelope } from 'pec-kit';
 * const signer = await importSigner({ certificate, privateKey, chain });
 * const provider = { domain: 'pec.example.it', name: 'ESEMPIO PEC S.p.A.', signer };
 * const { transaction } = checkSubmission(eml, { domain: provider.domain, strict: true });
 * const envelope = await buildEnvelope({ transaction, provider });
 * envelope.messageId; // '<opec…@pec.example.it>' = '<' + transaction.identificativo + '>'
 * ```
 * @category Building
 */
export async function buildEnvelope(input: EnvelopeInput): Promise<BuiltPec> {
  checkOptions(input, 'buildEnvelope', ENVELOPE_KEYS);
  const { transaction, limits, ...options } = input;
  return build({ kind: 'posta-certificata', tx: transaction, options, ...prepare(transaction, limits) });
}

/**
 * Builds any receipt or notice of the catalogue from one generic path driven by the KINDS table:
 * accettazione, non-accettazione (formal, or errore `virus` with X-VerificaSicurezza),
 * presa-in-carico, avvenuta-consegna (completa, breve, sintetica; Cc recipients get sintetica),
 * errore-consegna (no-dest, no-dominio, altro, virus), preavviso-errore-consegna (12 h, 24 h),
 * rilevazione-virus (X-Mittente, to the service mailbox).
 *
 * @example
 * ```ts
 * import { buildReceipt } from 'pec-kit';
 * const acc = await buildReceipt({ kind: 'accettazione', transaction, provider });
 * const del = await buildReceipt({ kind: 'avvenuta-consegna', transaction, recipient: 'ufficio@pec.example.org', provider: provider2 });
 * const late = await buildReceipt({ kind: 'preavviso-errore-consegna', transaction, recipient: 'ufficio@pec.example.org', timeout: '24h', provider });
 * ```
 * @category Building
 */
export async function buildReceipt(input: ReceiptInput): Promise<BuiltPec> {
  checkOptions(input, 'buildReceipt', RECEIPT_KEYS);
  const {
    kind,
    transaction,
    limits,
    errore,
    recipient,
    ricezione,
    erroreEsteso,
    timeout,
    reasons,
    deliveryForm,
    breveHashInput,
    to,
    messageId,
    ...options
  } = input;
  if (!(kind in KINDS) || KINDS[kind].family !== 'receipt')
    throw invalidArgument(
      `kind must be a receipt kind, got ${describe(kind)}${typeof kind === 'string' ? ` "${kind}"` : ''}`,
    );
  return build({
    kind,
    tx: transaction,
    options,
    ...prepare(transaction, limits),
    errore,
    consegna: recipient,
    ricezione,
    erroreEsteso,
    timeout,
    reasons,
    deliveryForm,
    breveHashInput,
    to,
    messageId,
  });
}

/**
 * Builds an anomaly envelope (busta di anomalia, spec §4.6) around a received message that is not
 * a valid PEC message: `X-Trasporto: errore`, `Subject: ANOMALIA MESSAGGIO: <subject>`, the
 * received message's Message-ID/Received/To/Cc/Return-Path copied, the message attached whole as
 * `postacert.eml`, no daticert, signed. Time: `at`, default now.
 *
 * @example
 * ```ts
 * const anomaly = await buildAnomaly({ received: bytes, provider, reason: 'firma non valida' });
 * ```
 * @category Building
 */
export async function buildAnomaly(input: AnomalyInput): Promise<BuiltPec> {
  checkOptions(input, 'buildAnomaly', ANOMALY_KEYS);
  const { received, sender: givenSender, reason, limits: limitsInput, ...options } = input;
  const limits = resolveLimits(limitsInput);
  const original = readOriginal(toBytes(received, 'received'), limits);
  const h = original.headers;
  const valid = (a: string): boolean => {
    try {
      assertAddrSpec(a);
      return true;
    } catch {
      return false;
    }
  };
  const sender =
    givenSender !== undefined
      ? checkAddress(givenSender, 'sender')
      : parseAddressList(h.get('from')).find((m) => valid(m.address))?.address;
  if (sender === undefined)
    fail('no sender: the received message has no usable From and no sender was given');
  const listed = (name: string) =>
    h
      .getAll(name)
      .flatMap((f) => parseAddressList(f.value).map((m) => m.address))
      .filter(valid);
  const to = listed('to');
  const recipients: TransactionRecipient[] = [
    ...to.map((address) => ({ address, tipo: 'certificato' as const, field: 'to' as const })),
    ...listed('cc').map((address) => ({ address, tipo: 'certificato' as const, field: 'cc' as const })),
  ];
  const msgid = rawField(h, 'message-id');
  const usable =
    msgid !== null && /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/.test(msgid) ? msgid : null;
  if (reason !== undefined) {
    if (typeof reason !== 'string') throw invalidArgument(`reason must be a string, got ${describe(reason)}`);
    assertNoControls(reason, 'reason');
  }
  const tx: PecTransaction = {
    identificativo: usable ? unbracket(usable)! : 'anomalia@invalid',
    at: options.at ?? new Date(),
    sender,
    recipients,
    replyTo: sender,
    subject: originalSubject(h),
    msgid: usable,
    requestedForm: null,
    postacert: original.bytes,
  };
  return build({ kind: 'errore', tx, options, limits, original, erroreEsteso: reason });
}
