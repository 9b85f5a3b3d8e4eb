// Correlation (spec §9): group the receipts and notices that answer one sent message and derive
// the state of each recipient, with the evidence message for every step. Keys, in order of trust:
// the signed daticert msgid, then the signed identificativo; never the unsigned headers alone.
import { type BytesInput, describe } from '../bytes.js';
import type { Daticert } from '../daticert/schema.js';
import { invalidArgument } from '../errors.js';
import type { Limits } from '../limits.js';
import type { DeliveryForm, PecKind } from '../message/kinds.js';
import { type PecMessage, parsePec } from '../message/parse.js';

/**
 * One message that proves a step, by its position in the input.
 *
 * @example
 * ```ts
 * const c = correlate(sentBytes, messages);
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
  /** The provider that signed it (gestore-emittente). */
  gestore: string;
}

/**
 * Status of one recipient.
 *
 * @example
 * ```ts
 * const c = correlate(sentBytes, messages);
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
  | 'virus';

/**
 * Everything known about one recipient.
 *
 * @example
 * ```ts
 * for (const r of correlate(sentBytes, messages).recipients satisfies RecipientState[]) {
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
  /** 12 h and 24 h notices, in time order. */
  timeouts: (Evidence & { hours: 12 | 24; erroreEsteso: string | null })[];
}

/**
 * The result of {@link correlate}.
 *
 * @example
 * ```ts
 * const c: Correlation = correlate(sentBytes, messages);
 * c.acceptance; // 'accepted'
 * c.unmatched; // indexes of messages about other transactions
 * ```
 * @category Verifying
 */
export interface Correlation {
  /** The client Message-ID of the sent message. */
  msgid: string;
  /** The PEC identificativo assigned by the sender's provider (from the first matching message). */
  identificativo: string | null;
  /** accepted / not-accepted / unknown (no acceptance seen yet). */
  acceptance: 'accepted' | 'not-accepted' | 'unknown';
  accepted: Evidence | null;
  notAccepted: (Evidence & { errore: string; erroreEsteso: string | null }) | null;
  recipients: RecipientState[];
  /** Indexes of the input messages that answer this sent message. */
  matched: number[];
  /** Indexes of the input messages that do not (other transactions, ordinary mail). */
  unmatched: number[];
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

function bare(id: string | null | undefined): string | null {
  return id ? id.trim().replace(/^<|>$/g, '').toLowerCase() : null;
}

function msgidOf(sent: BytesInput | string, limits: Partial<Limits> | undefined): string {
  if (typeof sent === 'string' && /^\s*<?[^\s<>]+@[^\s<>]+>?\s*$/.test(sent)) return sent.trim();
  const pec = parsePec(sent as BytesInput, limits ? { limits } : {});
  const id = pec.headers.messageId;
  if (!id) throw invalidArgument('the sent message has no Message-ID: receipts cannot be matched to it');
  return id;
}

/** 12 h or 24 h: by elapsed time since acceptance (the 24 h notice comes after 22 h), else by text. */
function timeoutHours(d: Daticert, acceptedAt: string | null): 12 | 24 {
  if (acceptedAt) return Date.parse(d.dataUtc) - Date.parse(acceptedAt) >= 22 * 3600_000 ? 24 : 12;
  return /^5\.4\.1|24|ventiquattro/i.test(d.erroreEsteso ?? '') ? 24 : 12;
}

/**
 * Groups receipts and notices with the message they answer and gives the status per recipient:
 * accepted, taken in charge, delivered (when, which form), failed (why), timed out (12 h warning,
 * 24 h final), with the evidence message for each step. `sent` is the sent message (bytes) or its
 * Message-ID; `messages` are raw messages or results of {@link parsePec}. Only signed daticert
 * data is used: verify each message with verifyPec before relying on the result.
 *
 * @example
 * ```ts
 * const c = correlate(sentBytes, [acceptance, delivery1, failure2]);
 * for (const r of c.recipients) console.log(r.address, r.status);
 * ```
 * @category Verifying
 */
export function correlate(
  sent: BytesInput | string,
  messages: readonly (BytesInput | PecMessage)[],
  options: CorrelateOptions = {},
): Correlation {
  if (!Array.isArray(messages)) throw invalidArgument(`messages must be an array, got ${describe(messages)}`);
  const msgid = msgidOf(sent, options.limits);
  const key = bare(msgid);
  const parsed = messages.map((m) =>
    typeof m === 'object' && m !== null && 'kind' in m
      ? (m as PecMessage)
      : parsePec(m as BytesInput, options.limits ? { limits: options.limits } : {}),
  );
  // First pass: the identificativo from any message whose signed msgid is ours.
  let identificativo: string | null = null;
  for (const p of parsed)
    if (p.daticert && bare(p.daticert.msgid) === key) identificativo ??= p.daticert.identificativo;
  const belongs = (p: PecMessage): p is PecMessage & { daticert: Daticert; kind: PecKind } =>
    p.daticert !== null &&
    p.kind !== 'non-pec' &&
    (bare(p.daticert.msgid) === key ||
      (identificativo !== null && p.daticert.identificativo === identificativo));
  const matched: number[] = [];
  const unmatched: number[] = [];
  for (const [i, p] of parsed.entries()) (belongs(p) ? matched : unmatched).push(i);
  const order = [...matched].sort(
    (a, b) => Date.parse(parsed[a]!.daticert!.dataUtc) - Date.parse(parsed[b]!.daticert!.dataUtc),
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
      };
      recipients.set(k, r);
    }
    return r;
  };
  const result: Correlation = {
    msgid,
    identificativo,
    acceptance: 'unknown',
    accepted: null,
    notAccepted: null,
    recipients: [],
    matched,
    unmatched,
  };
  for (const i of order) {
    const p = parsed[i]!;
    const d = p.daticert!;
    const evidence: Evidence = {
      index: i,
      kind: p.kind as PecKind,
      at: d.dataUtc,
      gestore: d.gestoreEmittente,
    };
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
      const hours = timeoutHours(d, result.accepted?.at ?? null);
      // A notice may name its recipient (consegna) or cover every recipient still pending.
      const targets = d.consegna
        ? [recipient(d.consegna)]
        : [...recipients.values()].filter((r) => !r.delivered && !r.failed);
      for (const r of targets) {
        r.timeouts.push({ ...evidence, hours, erroreEsteso: d.erroreEsteso });
        if (!r.delivered && !r.failed) r.status = hours === 24 ? 'timed-out' : 'timeout-warning';
      }
    }
  }
  result.recipients = [...recipients.values()];
  return result;
}
