// One PEC transaction as the providers know it: what the access point decided at acceptance
// (sender, recipients, identificativo, time, requested receipt form) and the original message as
// it travels (postacert.eml). Every envelope and receipt of the transaction is built from it.
import { type BytesInput, describe } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';
import type { DeliveryForm } from '../kinds.js';
import type { Limits } from '../limits.js';
import { assertNoControls } from '../mime/encode-header.js';
import { assertAddrSpec } from '../mime/write.js';
import { checkOptions, optionKeys } from '../options.js';
import { parsePec } from '../reading/parse.js';
import { assertIdentificativo, unbracket } from './ids.js';

const FROM_ENVELOPE_KEYS = optionKeys<TransactionFromEnvelopeOptions>({ limits: true });

/**
 * One recipient of a transaction (an SMTP RCPT TO).
 *
 * @example
 * ```ts
 * const r: TransactionRecipient = { address: 'ufficio@pec.example.org', tipo: 'certificato', field: 'to' };
 * deliveryFormFor(transaction, r.address); // 'completa', unless the sender asked otherwise
 * ```
 * @category Building
 */
export interface TransactionRecipient {
  /** The address (addr-spec). */
  address: string;
  /** `certificato` (a PEC domain) or `esterno` (ordinary mail). */
  tipo: 'certificato' | 'esterno';
  /** Primary (`to`) or copy (`cc`) recipient; a recipient in both is primary (RFC 6109 §3.3.2). */
  field: 'to' | 'cc';
}

/**
 * A PEC transaction: the data every message of it repeats. Made by {@link checkSubmission} at the
 * access point, or read back from a received envelope by {@link transactionFromEnvelope} at the
 * recipient's provider. Plain data: it can be stored as JSON (with `postacert` as base64).
 *
 * @example
 * ```ts
 * const { transaction } = checkSubmission(eml, { domain: 'pec.example.it' });
 * const stored = JSON.stringify({ ...transaction, postacert: btoa(String.fromCharCode(...transaction.postacert)) });
 * transaction.identificativo; // 'opec….@pec.example.it'
 * ```
 * @category Building
 */
export interface PecTransaction {
  /** The PEC msgid (no angle brackets): Message-ID of the envelope and of postacert.eml. */
  identificativo: string;
  /** The acceptance instant (whole seconds). */
  at: Date;
  /** The sender: SMTP MAIL FROM, equal to the original From. */
  sender: string;
  /** The recipients (SMTP RCPT TO), in order. */
  recipients: readonly TransactionRecipient[];
  /** daticert `<risposte>`: the original Reply-To, else the sender. */
  replyTo: string;
  /** The original subject, decoded; null when it had none. */
  subject: string | null;
  /** The original Message-ID with angle brackets; null when it had none. */
  msgid: string | null;
  /** The receipt form asked for with X-TipoRicevuta; null when not asked (a completa is then due). */
  requestedForm: DeliveryForm | null;
  /** The original as it travels: CRLF, Message-ID replaced, X-Riferimento-Message-ID added. */
  postacert: Uint8Array;
}

const FORMS: readonly DeliveryForm[] = ['completa', 'breve', 'sintetica'];

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string, got ${describe(value)}`);
  assertNoControls(value, name);
  return value;
}

function address(value: unknown, name: string): string {
  try {
    assertAddrSpec(value);
  } catch (e) {
    if ((e as { code?: string }).code === 'INVALID_ARGUMENT' && typeof value === 'string') {
      throw new PecError('BUILD_INVALID', `${name}: ${(e as Error).message}`, { [name]: value });
    }
    throw e;
  }
  return value;
}

/**
 * Checks a transaction before anything is built from it: types (TypeError), addresses and ids
 * (`BUILD_INVALID`), CR/LF in any text (`MIME_HEADER_INJECTION`).
 */
export function validateTransaction(t: PecTransaction): void {
  if (typeof t !== 'object' || t === null)
    throw invalidArgument(`transaction must be an object, got ${describe(t)}`);
  if (t.sender === undefined || t.sender === null || t.sender === '') {
    throw new PecError('BUILD_INVALID', 'the transaction has no sender (MAIL FROM / From)');
  }
  address(t.sender, 'sender');
  address(t.replyTo, 'replyTo');
  assertIdentificativo(t.identificativo);
  if (!(t.at instanceof Date) || Number.isNaN(t.at.getTime()))
    throw invalidArgument(`at must be a valid Date, got ${describe(t.at)}`);
  if (!Array.isArray(t.recipients))
    throw invalidArgument(`recipients must be an array, got ${describe(t.recipients)}`);
  if (t.recipients.length === 0)
    throw new PecError(
      'BUILD_INVALID',
      'the transaction has no recipients (daticert needs at least one destinatari)',
    );
  t.recipients.forEach((r, i) => {
    if (typeof r !== 'object' || r === null)
      throw invalidArgument(`recipients[${i}] must be an object, got ${describe(r)}`);
    address(r.address, `recipients[${i}].address`);
    if (r.tipo !== 'certificato' && r.tipo !== 'esterno')
      throw invalidArgument(`recipients[${i}].tipo must be certificato or esterno`);
    if (r.field !== 'to' && r.field !== 'cc')
      throw invalidArgument(`recipients[${i}].field must be to or cc`);
  });
  if (t.subject !== null) text(t.subject, 'subject');
  if (t.msgid !== null) {
    text(t.msgid, 'msgid');
    if (!/^[\x21-\x7e]+$/.test(t.msgid))
      throw new PecError(
        'BUILD_INVALID',
        `msgid ${JSON.stringify(t.msgid)} is not printable ASCII without spaces`,
      );
  }
  if (t.requestedForm !== null && !FORMS.includes(t.requestedForm)) {
    throw invalidArgument(
      `requestedForm must be completa, breve, sintetica or null, got ${describe(t.requestedForm)}`,
    );
  }
  if (!(t.postacert instanceof Uint8Array))
    throw invalidArgument(`postacert must be a Uint8Array, got ${describe(t.postacert)}`);
}

/**
 * The delivery receipt form due to one recipient (RFC 6109 §3.3.2): the requested form (completa
 * when none was asked) for a primary recipient, sintetica for a Cc recipient or when sintetica was
 * asked.
 *
 * @example
 * ```ts
 * deliveryFormFor(tx, 'ufficio@pec.example.org'); // 'completa' (To), 'sintetica' (Cc)
 * ```
 * @category Building
 */
export function deliveryFormFor(t: PecTransaction, recipient: string): DeliveryForm {
  const asked = t.requestedForm ?? 'completa';
  const r = t.recipients.find((x) => x.address.toLowerCase() === recipient.toLowerCase());
  if (asked === 'sintetica' || r?.field === 'cc') return 'sintetica';
  return asked;
}

/**
 * Options of {@link transactionFromEnvelope}.
 *
 * @example
 * ```ts
 * const options: TransactionFromEnvelopeOptions = {};
 * const tx = transactionFromEnvelope(envelopeBytes, options);
 * ```
 * @category Building
 */
export interface TransactionFromEnvelopeOptions {
  limits?: Partial<Limits>;
}

/**
 * Reads the transaction back from a transport envelope, as the recipient's provider does before it
 * emits presa in carico, delivery receipts or notices. Data come from the signed daticert and from
 * postacert.eml (To/Cc tell primary from Cc recipients). The signature is not checked here: verify
 * the envelope with `verifyPec` first.
 *
 * @throws PecError `BUILD_INVALID` when the message is not an envelope with daticert and postacert.
 *
 * @example
 * ```ts
 * const tx = transactionFromEnvelope(envelopeBytes);
 * const receipt = await buildReceipt({ kind: 'avvenuta-consegna', transaction: tx, recipient: tx.recipients[0]!.address, provider });
 * ```
 * @category Building
 */
export function transactionFromEnvelope(
  envelope: BytesInput,
  options: TransactionFromEnvelopeOptions = {},
): PecTransaction {
  checkOptions(options, 'transactionFromEnvelope options', FROM_ENVELOPE_KEYS);
  const pec = parsePec(envelope, { limits: options.limits ?? {} });
  if (pec.kind !== 'posta-certificata')
    throw new PecError('BUILD_INVALID', `not a transport envelope (kind ${pec.kind})`);
  const d = pec.daticert;
  const original = pec.original;
  if (!d || !original)
    throw new PecError('BUILD_INVALID', `the envelope has no ${d ? 'postacert.eml' : 'daticert.xml'}`);
  const to = new Set(original.to.map((a) => a.toLowerCase()));
  const cc = new Set(original.cc.map((a) => a.toLowerCase()));
  const asked = original.xTipoRicevuta ?? pec.headers.xTipoRicevuta?.toLowerCase() ?? null;
  const msgid = d.msgid ?? original.xRiferimentoMessageId;
  return {
    identificativo: d.identificativo,
    at: new Date(d.dataUtc),
    sender: d.mittente,
    recipients: d.destinatari.map((r) => {
      const a = r.address.toLowerCase();
      return { address: r.address, tipo: r.tipo, field: cc.has(a) && !to.has(a) ? 'cc' : 'to' };
    }),
    replyTo: d.risposte || d.mittente,
    subject: d.oggetto,
    msgid: msgid ? `<${unbracket(msgid)}>` : null,
    requestedForm: asked && (FORMS as readonly string[]).includes(asked) ? (asked as DeliveryForm) : null,
    postacert: original.raw,
  };
}
