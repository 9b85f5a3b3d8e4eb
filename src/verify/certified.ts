// The verified result: what a valid PEC message certifies, handed out only together with the
// verdict that vouches for it (as jose hands back a payload only with a verified signature). A
// message that is not valid gets no `certified` field at all, and its content checks never say pass.
import { equalBytes } from '../bytes.js';
import { isoString } from '../calendar.js';
import type { Daticert, Destinatario } from '../daticert/schema.js';
import { DELIVERY_FORMS, type DeliveryForm, type PecKind } from '../kinds.js';
import { parseDate } from '../mime/address.js';
import type { Attachment, BreveHash, OriginalMessage } from '../reading/original.js';
import type { PecMessage } from '../reading/parse.js';
import type { Certificate } from '../x509/certificate.js';
import { type Outcome, outcomeOf } from './outcome.js';
import type { CheckOutcome, VerificationReport } from './verify.js';

/**
 * A certified instant: UTC and Italian legal time (what daticert writes).
 *
 * @example
 * ```ts
 * const t: CertifiedTime | null | undefined = (await verifyPec(bytes)).certified?.time;
 * console.log(t?.utc, t?.giorno, t?.ora, t?.zona); // 2021-12-14T13:36:08Z 14/12/2021 14:36:08 +0100
 * ```
 */
export interface CertifiedTime {
  /** ISO 8601 UTC. */
  utc: string;
  /** Local date in Italy, `dd/mm/yyyy`, as daticert writes it (null when only the signing time is known). */
  giorno: string | null;
  /** Local time in Italy, `hh:mm:ss`. */
  ora: string | null;
  /** The Italian UTC offset, `+0100` or `+0200`. */
  zona: string | null;
  /** Where the instant comes from: the signed daticert, or the signed CMS signingTime. */
  source: 'daticert' | 'signing-time';
}

/**
 * The facts a valid PEC message certifies, all from signed data (the daticert, the signer
 * certificate, the signed parts). Present on a report only when `valid` is true.
 *
 * `original` and `attachments` are the live objects (exact bytes, MIME tree; use
 * {@link attachmentContent}); `JSON.stringify` shows them as light descriptions instead.
 *
 * @example
 * ```ts
 * const { certified } = await verifyPec(bytes);
 * if (certified) console.log(certified.provider.name, certified.outcome.status, certified.time?.utc);
 * ```
 */
export interface CertifiedFacts {
  kind: PecKind;
  /** What happened (delivered, not delivered, accepted, …). */
  outcome: Outcome;
  /** Who certified it: the daticert gestore-emittente and the signer certificate. */
  provider: { name: string | null; address: string | null; certificate: string };
  /** The sender (daticert mittente). */
  sender: string | null;
  /** The recipients (daticert destinatari) with their kind (certificato / esterno). */
  recipients: Destinatario[];
  /** The subject of the original message (daticert oggetto). */
  subject: string | null;
  /** When the provider certified the event. */
  time: CertifiedTime | null;
  /** The transaction identificativo (the envelope's Message-ID). */
  identificativo: string | null;
  /** The Message-ID the sender's client gave the original (daticert msgid). */
  msgid: string | null;
  /** Delivery receipts: the form this receipt has; envelopes: the form the sender asked for. */
  deliveryForm: DeliveryForm | null;
  /** For a breve receipt: the attachment hashes. */
  hashes: BreveHash[];
  /** The provider's readable text (signed). */
  text: string | null;
  /** The whole signed daticert (null only for the anomaly envelope, which has none). */
  daticert: Daticert | null;
  /**
   * The original message (postacert.eml) inside the signed content, or null. In an anomaly
   * envelope (kind `errore`) it is the message the provider received and found not to be valid
   * PEC: the provider vouches that it received these bytes, not for what they say; show it as
   * not certified (the CLI and the web page do: `assess().originalCertified` is false).
   */
  original: OriginalMessage | null;
  /** The attachments of the original message (of an anomaly envelope: not certified, see `original`). */
  attachments: Attachment[];
}

/** What JSON shows of an attachment: no bytes, no MIME tree. */
function attachmentJson(a: Attachment): Record<string, unknown> {
  return {
    filename: a.filename,
    contentType: a.contentType,
    disposition: a.disposition,
    size: a.size,
    damaged: a.damaged,
  };
}

function originalJson(o: OriginalMessage | null): Record<string, unknown> | null {
  if (!o) return null;
  return {
    messageId: o.messageId,
    subject: o.subject,
    from: o.from,
    to: o.to,
    cc: o.cc,
    date: o.date,
    xRiferimentoMessageId: o.xRiferimentoMessageId,
    size: o.raw.length,
    attachments: o.attachments.map(attachmentJson),
  };
}

function timeOf(
  d: Daticert | null,
  signingTime: string | null,
  date: Date | null | undefined,
): CertifiedTime | null {
  if (d) {
    const instant = date === undefined ? parseDate(d.dataUtc) : date;
    const utc = instant ? isoString(instant) : d.dataUtc;
    return { utc, giorno: d.data.giorno, ora: d.data.ora, zona: d.data.zona, source: 'daticert' };
  }
  if (signingTime) return { utc: signingTime, giorno: null, ora: null, zona: null, source: 'signing-time' };
  return null;
}

// What the signed part says of the receipt form an envelope asks for: its daticert, else the
// X-TipoRicevuta of postacert.eml. Never the envelope's own header, which is outside the signature.
function signedForm(pec: Extract<PecMessage, { kind: 'posta-certificata' }>): DeliveryForm | null {
  const asked = pec.daticert?.ricevutaTipo ?? pec.original?.xTipoRicevuta ?? null;
  return (DELIVERY_FORMS as readonly string[]).includes(asked ?? '') ? (asked as DeliveryForm) : null;
}

function certifiedFacts(
  pec: Exclude<PecMessage, { kind: 'non-pec' }>,
  r: VerificationReport,
  daticertDate: Date | null | undefined,
): CertifiedFacts {
  const d = pec.daticert;
  const deliveryForm =
    pec.kind === 'posta-certificata'
      ? signedForm(pec)
      : pec.kind === 'errore'
        ? null
        : (pec.deliveryForm ?? d?.ricevutaTipo ?? null);
  const facts: CertifiedFacts = {
    kind: pec.kind,
    outcome: outcomeOf(pec.kind, d),
    provider: {
      name: d?.gestoreEmittente ?? null,
      address: r.signature.signer?.email ?? null,
      certificate: r.signature.signer?.subject ?? '',
    },
    sender: d?.mittente ?? null,
    recipients: d ? d.destinatari.map((x) => ({ ...x })) : [],
    subject: d?.oggetto ?? null,
    time: timeOf(d, r.signature.signingTime, daticertDate),
    identificativo: d?.identificativo ?? null,
    msgid: d?.msgid ?? null,
    deliveryForm,
    hashes: pec.kind !== 'posta-certificata' && pec.kind !== 'errore' ? pec.hashes : [],
    text: pec.text,
    daticert: d,
    original: pec.original,
    attachments: pec.original?.attachments ?? [],
  };
  // JSON: the facts, with the original described instead of dumped (it may be 30 MB of bytes).
  Object.defineProperty(facts, 'toJSON', {
    enumerable: false,
    value(this: CertifiedFacts) {
      const { original, attachments, ...rest } = this;
      return { ...rest, original: originalJson(original), attachments: attachments.map(attachmentJson) };
    },
  });
  return facts;
}

const CONTENT_CHECKS = ['signer', 'daticert', 'headers', 'postacert'] as const;

/**
 * Completes a report from {@link verifyPec}: the content checks are downgraded from `pass` to
 * `unverified` unless the signature is intact and the chain trusted (content nobody trusted
 * vouches for has passed nothing), the outcome and the certified facts are added only to a valid
 * report, and the parsed message is attached, non-enumerable, as `unverified`. `daticertDate`,
 * when given, is the daticert's `dataUtc` as the caller already read it (parseDate), else it is
 * read here.
 *
 * @internal
 */
export function finishReport(
  pec: PecMessage | null,
  report: VerificationReport,
  daticertDate?: Date | null,
): VerificationReport {
  const vouched = report.signature.intact === true && report.chain.trusted === true;
  if (!vouched) {
    const checks = report.checks as Record<string, CheckOutcome>;
    for (const name of CONTENT_CHECKS) if (checks[name] === 'pass') checks[name] = 'unverified';
  }
  // Completed in place: every caller hands over a report it has just built (no copy to make).
  const out = report;
  out.outcome = null;
  if (report.valid && pec && pec.kind !== 'non-pec') {
    const certified = certifiedFacts(pec, report, daticertDate);
    out.outcome = certified.outcome.status;
    out.certified = certified;
  }
  Object.defineProperty(out, 'unverified', { value: pec, enumerable: false, writable: false });
  return out;
}

/**
 * Whether the anchor a chain ended at is one of the embedded PEC anchors (`pec-anchor`) or a
 * certificate the caller added (`caller`, e.g. a test CA). Decided by the anchor certificates
 * themselves, never by a name: a caller certificate that copies an AgID subject counts as `caller`.
 *
 * @internal
 */
export function trustSourceOf(
  anchorSubject: string | null,
  anchors: readonly Certificate[],
  pecAnchors: readonly Certificate[],
): 'pec-anchor' | 'caller' | null {
  if (anchorSubject === null) return null;
  const named = anchors.filter((a) => a.subject.toString() === anchorSubject);
  if (named.length === 0) return 'caller';
  // The prepared pecAnchors are the very objects of `anchors`: identity answers before a byte
  // comparison of 4.5 KB anchors, which stays for certificates decoded apart.
  return named.every((a) => pecAnchors.some((p) => p === a || equalBytes(p.der, a.der)))
    ? 'pec-anchor'
    : 'caller';
}
