// Correlation (spec §9): group the receipts and notices that answer one sent message and derive
// the state of each recipient, with the evidence message for every step. Keys, in order of trust:
// the signed daticert msgid, then the signed identificativo; never the unsigned headers alone.
// Only verified messages count (a forged receipt must never mark a recipient delivered); bounces
// from ordinary servers are unsigned and count apart, as `bounced`, never as a certified failure.
import { type BytesInput, describe } from '../bytes.js';
import type { Daticert } from '../daticert/schema.js';
import { invalidArgument, isPecError } from '../errors.js';
import type { DeliveryForm, PecKind } from '../kinds.js';
import type { Limits } from '../limits.js';
import { parseDate } from '../mime/address.js';
import { checkOptions, optionKeys } from '../options.js';
import type { DeliveryStatusNotification } from '../reading/dsn.js';
import { type PecMessage, parsePec } from '../reading/parse.js';
import type { MessageReading } from '../reading/reading.js';
import { createVerifier, type VerificationReport, type VerifyOptions } from './verify.js';

const CORRELATE_KEYS = optionKeys<CorrelateOptions>({ limits: true });

/**
 * One message that proves a step, by its position in the input.
 *
 * @example
 * ```ts
 * const c = await verifyAndCorrelate(sentBytes, messages);
 * const e: Evidence | null = c.accepted;
 * if (e) console.log(`accepted by ${e.gestore} at ${e.at} (message #${e.index})`);
 * ```
 * @category Verifying
 */
export interface Evidence {
  /** Index of the message in the `messages` argument. */
  index: number;
  kind: PecKind;
  /** The daticert instant (UTC ISO). */
  at: string;
  /** The provider that signed it (gestore-emittente; null when the provider left it out). */
  gestore: string | null;
}

/**
 * An RFC 3464 bounce from an ordinary server: unsigned, so a notice, not proof.
 *
 * @example
 * ```ts
 * const r = (await verifyAndCorrelate(sentBytes, messages)).recipients.find((x) => x.status === 'bounced');
 * const b: BounceEvidence | null | undefined = r?.bounced;
 * if (b) console.log(`${r?.address} bounced at ${b.reportingMta}: ${b.status} ${b.diagnosticCode}`);
 * ```
 */
export interface BounceEvidence {
  /** Index of the message in the `messages` argument. */
  index: number;
  /** Always false: nobody signed a delivery-status notification. */
  signed: false;
  /** How it arrived: as ordinary mail, or as the received message of an anomaly envelope. */
  via: 'mail' | 'anomaly';
  /** Last-Attempt-Date, else Arrival-Date, else the Date header, as an ISO instant (unsigned). */
  at: string | null;
  reportingMta: string | null;
  /** The enhanced status code, e.g. `5.1.1`. */
  status: string | null;
  diagnosticCode: string | null;
}

/**
 * Status of one recipient. `bounced` rests on an unsigned notice (see {@link BounceEvidence});
 * every other state rests on verified, signed receipts.
 *
 * @example
 * ```ts
 * const c = await verifyAndCorrelate(sentBytes, messages);
 * const pending = c.recipients.filter((r) => r.status === ('sent' satisfies RecipientStatus));
 * ```
 * @category Verifying
 */
export type RecipientStatus =
  | 'sent'
  | 'taken-in-charge'
  | 'delivered'
  | 'failed'
  | 'timeout-warning'
  | 'timed-out'
  | 'virus'
  | 'bounced';

/**
 * Everything known about one recipient.
 *
 * @example
 * ```ts
 * for (const r of (await verifyAndCorrelate(sentBytes, messages)).recipients satisfies RecipientState[]) {
 *   if (r.delivered) console.log(r.address, 'delivered at', r.delivered.at, r.delivered.form);
 *   else if (r.failed) console.log(r.address, 'failed:', r.failed.errore);
 * }
 * ```
 * @category Verifying
 */
export interface RecipientState {
  address: string;
  /** certificato / esterno, from the acceptance (or envelope) daticert. */
  tipo: 'certificato' | 'esterno' | null;
  status: RecipientStatus;
  takenInCharge: Evidence | null;
  delivered: (Evidence & { form: DeliveryForm | null }) | null;
  failed: (Evidence & { errore: string; erroreEsteso: string | null }) | null;
  /**
   * 12 h and 24 h notices, in time order, and what decided the hours: the errore-esteso text
   * (`5.4.1 … ventiquattro ore`, `… dodici ore`), else the time elapsed since the acceptance.
   */
  timeouts: (Evidence & { hours: 12 | 24; erroreEsteso: string | null; decidedBy: 'text' | 'elapsed' })[];
  /** An unsigned RFC 3464 bounce for this recipient, or null. */
  bounced: BounceEvidence | null;
}

/**
 * Why an input message does not count.
 *
 * @example
 * ```ts
 * for (const i of correlate(sentBytes, messages).ignored satisfies IgnoredMessage[])
 *   console.log(`message #${i.index} ignored (${i.reason}): ${i.message}`);
 * ```
 */
export interface IgnoredMessage {
  index: number;
  /**
   * `unverified`: passed without a verdict (give `{ message, report }`); `invalid`: its report is
   * not valid; `other-transaction`: a PEC message about another sent message; `not-pec`: ordinary
   * mail that is not a bounce of this message; `not-a-failure`: a bounce that reports a delay or
   * a success; `unreadable`: it could not be parsed.
   */
  reason: 'unverified' | 'invalid' | 'other-transaction' | 'not-pec' | 'not-a-failure' | 'unreadable';
  message: string;
}

/**
 * The result of {@link correlate}.
 *
 * @example
 * ```ts
 * const c: Correlation = await verifyAndCorrelate(sentBytes, messages);
 * c.acceptance; // 'accepted'
 * if (c.matched.length === 0) console.log(c.reason); // why nothing matched
 * ```
 * @category Verifying
 */
export interface Correlation {
  /** The client Message-ID of the sent message (as given, or as found), or null. */
  msgid: string | null;
  /** The PEC identificativo: given with the sent message, or from the first matching message. */
  identificativo: string | null;
  /** accepted / not-accepted / unknown (no acceptance seen yet). */
  acceptance: 'accepted' | 'not-accepted' | 'unknown';
  accepted: Evidence | null;
  notAccepted: (Evidence & { errore: string; erroreEsteso: string | null }) | null;
  recipients: RecipientState[];
  /** Indexes of the input messages that count for this sent message. */
  matched: number[];
  /** Indexes of the input messages that do not (every one of them is in `ignored`, with why). */
  unmatched: number[];
  /** Every input message that does not count, with the reason. */
  ignored: IgnoredMessage[];
  /** When nothing matched: why, in one sentence; else null. */
  reason: string | null;
}

/**
 * Options of {@link correlate}.
 *
 * @example
 * ```ts
 * const options: CorrelateOptions = { limits: { maxMessageBytes: 64 * 1024 * 1024 } };
 * ```
 * @category Verifying
 */
export interface CorrelateOptions {
  limits?: Partial<Limits>;
}

/**
 * A message with the verdict of {@link verifyPec} on it: the only form in which a PEC receipt
 * counts. The pair is the caller's: pass the report of this very message.
 *
 * @example
 * ```ts
 * const entry: VerifiedMessage = { message: bytes, report: await verifyPec(bytes) };
 * ```
 */
export interface VerifiedMessage {
  message: BytesInput | PecMessage;
  report: VerificationReport;
}

/**
 * The ids of a sent message, when the app kept only those.
 *
 * @example
 * ```ts
 * const ids: SentIds = { msgid: '<20250114.4f2a@client.example.it>', identificativo: 'opec275.20250114101501.12345.01.1.1@pec.example.it' };
 * ```
 */
export interface SentIds {
  /** The client Message-ID (daticert msgid, X-Riferimento-Message-ID). */
  msgid?: string | null;
  /** The identificativo the sender's provider gave (envelope Message-ID). */
  identificativo?: string | null;
}

/**
 * The sent message in any form an app holds: its bytes (the client's message, the envelope, an
 * extracted postacert.eml), a parsed message, an original or mail reading, its ids, or one id
 * as a string (msgid or identificativo: both are tried).
 *
 * @example
 * ```ts
 * const sent: SentMessage = parsePec(envelopeBytes).original ?? '<20250114.4f2a@client.example.it>';
 * ```
 */
export type SentMessage = BytesInput | PecMessage | MessageReading | SentIds;

/**
 * What {@link correlate} takes for each received message. Raw bytes and parsed messages without a
 * verdict are listed in `ignored` (reason `unverified`) unless they are unsigned bounces.
 *
 * @example
 * ```ts
 * const inputs: CorrelateInput[] = [{ message: bytes, report: await verifyPec(bytes) }, messages[0]!];
 * ```
 */
export type CorrelateInput = VerifiedMessage | BytesInput | PecMessage;

function bare(id: string | null | undefined): string | null {
  const v = id?.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return v ? v : null;
}

const isParsed = (v: unknown): v is PecMessage =>
  typeof v === 'object' && v !== null && 'kind' in v && 'rawHeaders' in v;
const isReading = (v: unknown): v is MessageReading =>
  typeof v === 'object' && v !== null && 'entity' in v && 'attachments' in v && !('kind' in v);
const isVerified = (v: unknown): v is VerifiedMessage =>
  typeof v === 'object' && v !== null && 'message' in v && 'report' in v;
// A string is an id when it has no header line: `<a@b>`, `a@b`, an identificativo.
const looksLikeId = (s: string): boolean => !/[\r\n]/.test(s) && !/^[!-9;-~]+:/.test(s.trim());

interface Ids {
  msgid: string | null;
  identificativo: string | null;
  /** A bare string id: compared with both keys. */
  either: string | null;
}

/** The ids of a message read as mail: an extracted postacert.eml carries both. */
function idsOfReading(m: MessageReading): Ids {
  const xRif = m.entity.headers.get('x-riferimento-message-id')?.trim() || null;
  return xRif
    ? { msgid: xRif, identificativo: bare(m.messageId), either: null }
    : { msgid: m.messageId, identificativo: null, either: null };
}

function idsOf(sent: SentMessage, options: CorrelateOptions): Ids {
  if (typeof sent === 'string' && looksLikeId(sent))
    return { msgid: null, identificativo: null, either: sent.trim() };
  if (
    isParsed(sent) ||
    typeof sent === 'string' ||
    sent instanceof Uint8Array ||
    sent instanceof ArrayBuffer
  ) {
    const pec = isParsed(sent) ? sent : parsePec(sent, options.limits ? { limits: options.limits } : {});
    const d = pec.daticert;
    if (pec.kind !== 'non-pec' && d)
      return {
        msgid: d.msgid ?? pec.original?.xRiferimentoMessageId ?? null,
        identificativo: d.identificativo,
        either: null,
      };
    return idsOfReading(pec.original ?? pec.mail);
  }
  if (isReading(sent)) return idsOfReading(sent);
  if (typeof sent === 'object' && sent !== null && !Array.isArray(sent)) {
    const { msgid, identificativo } = sent as SentIds;
    if (
      (msgid == null || typeof msgid === 'string') &&
      (identificativo == null || typeof identificativo === 'string')
    )
      return { msgid: msgid ?? null, identificativo: identificativo ?? null, either: null };
  }
  throw invalidArgument(
    `sent must be the sent message (bytes or parsed), its ids or a Message-ID, got ${describe(sent)}`,
  );
}

/**
 * 12 h or 24 h. The errore-esteso text decides when it says so: Aruba and Namirial send the final
 * 24 h failure as `preavviso-errore-consegna` with `5.4.1 … entro le prime ventiquattro ore`,
 * sometimes dated like the acceptance, so elapsed time alone would call it a 12 h warning. Else the
 * time since the acceptance (the 24 h notice comes after 22 h), else a permanent `5.x.x` code.
 */
function timeoutHours(
  d: Daticert,
  acceptedAt: string | null,
): { hours: 12 | 24; decidedBy: 'text' | 'elapsed' } {
  const text = d.erroreEsteso ?? '';
  if (/ventiquattro|\b24\s*(?:ore|h)\b/i.test(text)) return { hours: 24, decidedBy: 'text' };
  if (/dodici|\b12\s*(?:ore|h)\b/i.test(text)) return { hours: 12, decidedBy: 'text' };
  if (acceptedAt)
    return {
      hours: Date.parse(d.dataUtc) - Date.parse(acceptedAt) >= 22 * 3600_000 ? 24 : 12,
      decidedBy: 'elapsed',
    };
  return { hours: /^\s*5\.\d+\.\d+/.test(text) ? 24 : 12, decidedBy: 'text' };
}

interface Candidate {
  pec: PecMessage;
  /** The report, when the input carried one. */
  report: VerificationReport | null;
}

function errorCodes(report: VerificationReport): string {
  const codes = report.issues.filter((i) => i.severity === 'error').map((i) => i.code);
  return codes.length > 0 ? codes.join(', ') : 'signature or chain not verified';
}

/** The bounce a message carries, directly (ordinary mail) or as an anomaly envelope's original. */
function bounceOf(
  pec: PecMessage,
): { dsn: DeliveryStatusNotification; via: 'mail' | 'anomaly'; date: string | null } | null {
  if (pec.kind === 'non-pec') {
    const dsn = pec.mail.deliveryStatus;
    return dsn ? { dsn, via: 'mail', date: pec.mail.date } : null;
  }
  if (pec.kind === 'errore' && pec.original) {
    const dsn = pec.original.deliveryStatus;
    return dsn ? { dsn, via: 'anomaly', date: pec.original.date } : null;
  }
  return null;
}

/**
 * Groups receipts and notices with the message they answer and gives the status per recipient:
 * accepted, taken in charge, delivered (when, which form), failed (why), timed out (12 h warning,
 * 24 h final), bounced (an unsigned RFC 3464 notice), with the evidence message for each step.
 *
 * - `sent`: the sent message in any form an app holds ({@link SentMessage}); an id it does not
 *   recognise simply matches nothing, and `reason` says so.
 * - `messages`: each received message with its verdict (`{ message, report }` from verifyPec).
 *   A PEC message without a verdict, or with a verdict that is not valid, never counts: it is
 *   listed in `ignored`. Use {@link verifyAndCorrelate} to verify and correlate in one call.
 * - Bounces (RFC 3464) count without a verdict, since nobody signs them: matched on the returned
 *   Message-ID (the identificativo, for a PEC envelope sent to an ordinary address) or
 *   X-Riferimento-Message-ID, they set `bounced` and the status `bounced` only for a recipient with
 *   no signed outcome; a signed delivery, failure or timeout always wins.
 *
 * Provider behaviour built in: the final 24 h timeout arrives as `preavviso-errore-consegna`
 * (Aruba, Namirial: errore-esteso `5.4.1 … ventiquattro ore`), so the text decides 24 h over the
 * elapsed time; a timeout notice naming no `consegna` covers every recipient still pending (those of
 * its own daticert when no acceptance is at hand).
 *
 * @example
 * ```ts
 * const verified = await Promise.all(messages.map(async (m) => ({ message: m, report: await verifyPec(m) })));
 * const c = await verifyAndCorrelate(sentBytes, messages);
 * for (const r of c.recipients) console.log(r.address, r.status);
 * ```
 * @category Verifying
 */
export function correlate(
  sent: SentMessage,
  messages: readonly CorrelateInput[],
  options: CorrelateOptions = {},
): Correlation {
  checkOptions(options, 'correlate options', CORRELATE_KEYS);
  if (!Array.isArray(messages)) throw invalidArgument(`messages must be an array, got ${describe(messages)}`);
  const ids = idsOf(sent, options);
  const parseOptions = options.limits ? { limits: options.limits } : {};
  const ignored: IgnoredMessage[] = [];
  const candidates: (Candidate | null)[] = messages.map((m, index) => {
    const entry = isVerified(m) ? m : null;
    const value = entry ? entry.message : m;
    try {
      const pec = isParsed(value) ? value : parsePec(value as BytesInput, parseOptions);
      return { pec, report: entry?.report ?? null };
    } catch (e) {
      if (!isPecError(e) || e.code === 'INVALID_ARGUMENT') throw e;
      ignored.push({ index, reason: 'unreadable', message: `${e.code}: ${e.message}` });
      return null;
    }
  });
  const msgidKey = bare(ids.msgid);
  const eitherKey = bare(ids.either);
  let identKey = bare(ids.identificativo);
  const ours = (d: Daticert): boolean => {
    const m = bare(d.msgid);
    const i = bare(d.identificativo);
    return (
      (m !== null && (m === msgidKey || m === eitherKey)) ||
      (i !== null && (i === identKey || i === eitherKey))
    );
  };
  // The PEC messages that count: verified, valid, and of the kind their report says.
  const counted = new Map<number, PecMessage & { daticert: Daticert; kind: PecKind }>();
  const bounces: number[] = [];
  for (const [index, c] of candidates.entries()) {
    if (!c) continue;
    const { pec, report } = c;
    if (bounceOf(pec)) {
      bounces.push(index);
      continue;
    }
    if (pec.kind === 'non-pec' || !pec.daticert) {
      ignored.push({
        index,
        reason: 'not-pec',
        message:
          pec.kind === 'non-pec'
            ? 'ordinary mail, not a bounce'
            : `a ${pec.kind} without a readable daticert`,
      });
      continue;
    }
    if (!report) {
      ignored.push({
        index,
        reason: 'unverified',
        message: `a ${pec.kind} passed without a verdict: pass { message, report } (verifyPec) for it to count`,
      });
      continue;
    }
    if (!report.valid || report.kind !== pec.kind) {
      ignored.push({
        index,
        reason: 'invalid',
        message:
          report.kind !== pec.kind
            ? `the report is about a ${report.kind}, the message is a ${pec.kind}`
            : `its verification failed (${errorCodes(report)})`,
      });
      continue;
    }
    counted.set(index, pec as PecMessage & { daticert: Daticert; kind: PecKind });
  }
  // The identificativo from any counted message whose signed msgid is ours.
  if (identKey === null)
    for (const p of counted.values()) {
      const m = bare(p.daticert.msgid);
      if (m !== null && (m === msgidKey || m === eitherKey)) {
        identKey = bare(p.daticert.identificativo);
        break;
      }
    }
  let identificativo: string | null = ids.identificativo
    ? ids.identificativo.trim().replace(/^<|>$/g, '')
    : null;
  const matched: number[] = [];
  for (const [index, p] of counted) {
    if (ours(p.daticert)) {
      matched.push(index);
      identificativo ??= p.daticert.identificativo;
    } else
      ignored.push({
        index,
        reason: 'other-transaction',
        message: `about msgid ${p.daticert.msgid ?? '(none)'}, identificativo ${p.daticert.identificativo}`,
      });
  }
  const order = [...matched].sort(
    (a, b) => Date.parse(counted.get(a)!.daticert.dataUtc) - Date.parse(counted.get(b)!.daticert.dataUtc),
  );
  const recipients = new Map<string, RecipientState>();
  const recipient = (address: string): RecipientState => {
    const k = address.toLowerCase();
    let r = recipients.get(k);
    if (!r) {
      r = {
        address,
        tipo: null,
        status: 'sent',
        takenInCharge: null,
        delivered: null,
        failed: null,
        timeouts: [],
        bounced: null,
      };
      recipients.set(k, r);
    }
    return r;
  };
  const result: Correlation = {
    msgid: ids.msgid ?? ids.either,
    identificativo,
    acceptance: 'unknown',
    accepted: null,
    notAccepted: null,
    recipients: [],
    matched,
    unmatched: [],
    ignored,
    reason: null,
  };
  for (const i of order) {
    const p = counted.get(i)!;
    const d = p.daticert;
    const evidence: Evidence = { index: i, kind: p.kind, at: d.dataUtc, gestore: d.gestoreEmittente };
    if (p.kind === 'accettazione' || p.kind === 'posta-certificata') {
      for (const dest of d.destinatari) recipient(dest.address).tipo ??= dest.tipo;
      if (p.kind === 'accettazione') {
        result.acceptance = 'accepted';
        result.accepted ??= evidence;
      }
    } else if (p.kind === 'non-accettazione') {
      result.acceptance = 'not-accepted';
      result.notAccepted = { ...evidence, errore: d.errore, erroreEsteso: d.erroreEsteso };
      for (const dest of d.destinatari) recipient(dest.address).tipo ??= dest.tipo;
    } else if (p.kind === 'presa-in-carico') {
      for (const a of d.ricezione) {
        const r = recipient(a);
        r.takenInCharge ??= evidence;
        if (r.status === 'sent' || r.status === 'timeout-warning') r.status = 'taken-in-charge';
      }
    } else if (p.kind === 'avvenuta-consegna' && d.consegna) {
      const r = recipient(d.consegna);
      r.delivered = { ...evidence, form: 'deliveryForm' in p ? p.deliveryForm : null };
      r.status = 'delivered';
    } else if ((p.kind === 'errore-consegna' || p.kind === 'rilevazione-virus') && d.consegna) {
      const r = recipient(d.consegna);
      r.failed = { ...evidence, errore: d.errore, erroreEsteso: d.erroreEsteso };
      if (r.status !== 'delivered')
        r.status = d.errore === 'virus' || p.kind === 'rilevazione-virus' ? 'virus' : 'failed';
    } else if (p.kind === 'preavviso-errore-consegna') {
      const { hours, decidedBy } = timeoutHours(d, result.accepted?.at ?? null);
      // A notice may name its recipient (consegna) or cover every recipient still pending: those
      // already known, and those its own daticert lists.
      if (!d.consegna) for (const dest of d.destinatari) recipient(dest.address).tipo ??= dest.tipo;
      const targets = d.consegna
        ? [recipient(d.consegna)]
        : [...recipients.values()].filter((r) => !r.delivered && !r.failed);
      for (const r of targets) {
        r.timeouts.push({ ...evidence, hours, erroreEsteso: d.erroreEsteso, decidedBy });
        if (!r.delivered && !r.failed) r.status = hours === 24 ? 'timed-out' : 'timeout-warning';
      }
    }
  }
  // Unsigned bounces last: they never override a signed outcome.
  const bounceKeys = new Set([msgidKey, identKey, eitherKey].filter((k): k is string => k !== null));
  for (const index of bounces) {
    const { pec } = candidates[index]!;
    const { dsn, via, date } = bounceOf(pec)!;
    const returned = [bare(dsn.original?.messageId), bare(dsn.original?.xRiferimentoMessageId)];
    if (!returned.some((k) => k !== null && bounceKeys.has(k))) {
      ignored.push({
        index,
        reason: 'not-pec',
        message: `a bounce of another message (${dsn.original?.messageId ?? 'no returned Message-ID'})`,
      });
      continue;
    }
    const failedOnes = dsn.recipients.filter((r) => r.action === 'failed');
    if (failedOnes.length === 0) {
      ignored.push({
        index,
        reason: 'not-a-failure',
        message: `the bounce reports ${dsn.recipients.map((r) => r.action ?? 'no action').join(', ') || 'no recipient'}`,
      });
      continue;
    }
    matched.push(index);
    for (const f of failedOnes) {
      const address = f.finalRecipient ?? f.originalRecipient;
      if (!address) continue;
      const r = recipient(address.replace(/^<|>$/g, ''));
      const at = parseDate(f.lastAttemptDate ?? dsn.arrivalDate ?? undefined)?.toISOString() ?? date;
      r.bounced ??= {
        index,
        signed: false,
        via,
        at,
        reportingMta: dsn.reportingMta,
        status: f.status,
        diagnosticCode: f.diagnosticCode,
      };
      if (r.status === 'sent' || r.status === 'taken-in-charge' || r.status === 'timeout-warning')
        r.status = 'bounced';
    }
  }
  result.recipients = [...recipients.values()];
  result.ignored.sort((a, b) => a.index - b.index);
  const matchedSet = new Set(matched);
  result.unmatched = messages.map((_, i) => i).filter((i) => !matchedSet.has(i));
  if (matched.length === 0) result.reason = whyNothing(ids, messages.length, ignored);
  return result;
}

function whyNothing(ids: Ids, total: number, ignored: IgnoredMessage[]): string {
  if (!ids.msgid && !ids.identificativo && !ids.either)
    return 'the sent message has no Message-ID and no identificativo: nothing can be matched to it';
  const keys = [
    ids.msgid && `msgid ${ids.msgid}`,
    ids.identificativo && `identificativo ${ids.identificativo}`,
    ids.either && `id ${ids.either}`,
  ]
    .filter(Boolean)
    .join(' or ');
  if (total === 0) return `no messages were given to match with ${keys}`;
  const by = new Map<string, number>();
  for (const i of ignored) by.set(i.reason, (by.get(i.reason) ?? 0) + 1);
  const parts = [...by].map(([reason, n]) => `${n} ${reason}`).join(', ');
  return `none of the ${total} messages counts for ${keys} (${parts})`;
}

/**
 * Verifies each received message with verifyPec (one verifier for the batch) and correlates the
 * verified ones with the sent message: {@link correlate} over `{ message, report }` pairs.
 *
 * @example
 * ```ts
 * import { verifyAndCorrelate } from 'pec-kit';
 * const c = await verifyAndCorrelate(sentBytes, messages, { trust: [caPem] });
 * for (const r of c.recipients) console.log(r.address, r.status);
 * ```
 */
export async function verifyAndCorrelate(
  sent: SentMessage,
  messages: readonly BytesInput[],
  options: VerifyOptions = {},
): Promise<Correlation> {
  if (!Array.isArray(messages)) throw invalidArgument(`messages must be an array, got ${describe(messages)}`);
  const verify = createVerifier(options);
  const verified: VerifiedMessage[] = [];
  for (const message of messages) verified.push({ message, report: await verify(message) });
  return correlate(sent, verified, options.limits ? { limits: options.limits } : {});
}
