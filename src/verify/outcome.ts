// "What happened?" — the event a PEC message certifies, apart from "is it authentic?" (the
// verdict): a genuine non-delivery notice is authentic and reports a failure.
import type { Daticert } from '../daticert/schema.js';
import type { PecKind } from '../kinds.js';

/**
 * The event a PEC message certifies:
 * - `in-transit`: a transport envelope, the message itself on its way to the recipients;
 * - `accepted` / `not-accepted`: the sender's provider took the message, or refused it;
 * - `taken-in-charge`: the recipient's provider took it from the sender's provider;
 * - `delivered` / `not-delivered`: into the recipient's mailbox, or not (no such mailbox, no such
 *   domain, virus, other);
 * - `delivery-timeout`: no delivery receipt within 12 h (warning) or 24 h (final);
 * - `virus-detected`: the recipient's provider found a virus (notice to the sender's provider);
 * - `anomaly`: a provider received a message that is not valid PEC and passed it on wrapped.
 *
 * @example
 * ```ts
 * const status: OutcomeStatus | null = (await verifyPec(bytes)).outcome;
 * if (status === 'not-delivered') console.log('authentic notice: the message was NOT delivered');
 * ```
 */
export type OutcomeStatus =
  | 'in-transit'
  | 'accepted'
  | 'not-accepted'
  | 'taken-in-charge'
  | 'delivered'
  | 'not-delivered'
  | 'delivery-timeout'
  | 'virus-detected'
  | 'anomaly';

/**
 * The certified event in detail.
 *
 * @example
 * ```ts
 * const o: Outcome | undefined = (await verifyPec(bytes)).certified?.outcome;
 * if (o?.failure) console.log(o.status, o.reason, o.detail); // not-delivered no-dest 5.1.1 …
 * ```
 */
export interface Outcome {
  status: OutcomeStatus;
  /** True when the event is a failure for the sender (not accepted, not delivered, timeout, virus). */
  failure: boolean;
  /** The daticert `errore` value when it is not `nessuno` (`no-dest`, `no-dominio`, `virus`, `altro`). */
  reason: string | null;
  /** The daticert `errore-esteso` text (the provider's own words, often an SMTP reply). */
  detail: string | null;
  /** The recipient the event is about (daticert `consegna`), when the kind names one. */
  recipient: string | null;
}

const STATUS: Record<PecKind, OutcomeStatus> = {
  'posta-certificata': 'in-transit',
  errore: 'anomaly',
  accettazione: 'accepted',
  'non-accettazione': 'not-accepted',
  'presa-in-carico': 'taken-in-charge',
  'avvenuta-consegna': 'delivered',
  'errore-consegna': 'not-delivered',
  'preavviso-errore-consegna': 'delivery-timeout',
  'rilevazione-virus': 'virus-detected',
};

const FAILURES: ReadonlySet<OutcomeStatus> = new Set([
  'not-accepted',
  'not-delivered',
  'delivery-timeout',
  'virus-detected',
]);

/**
 * The event of a message of kind `kind` with daticert `d` (null for the anomaly envelope).
 *
 * @internal
 * @example
 * ```ts
 * outcomeOf('errore-consegna', daticert).status; // 'not-delivered'
 * ```
 */
export function outcomeOf(kind: PecKind, d: Daticert | null): Outcome {
  const status = STATUS[kind];
  return {
    status,
    failure: FAILURES.has(status),
    reason: d && d.errore !== 'nessuno' ? d.errore : null,
    detail: d?.erroreEsteso ?? null,
    recipient: d?.consegna ?? null,
  };
}
