// One PEC transaction played end to end by both providers, in memory: the sender's provider
// (formal checks, envelope, accettazione or non-accettazione, timeout and virus notices to the
// sender) and each recipient's provider (presa in carico, delivery receipts, non-delivery
// notices, virus detection). Used by `pec-kit simulate` (which writes the files) and `pec-kit demo`.
import type { Signer } from '../cms/signer.js';
import type { PecKind } from '../kinds.js';
import { resolveLimits } from '../limits.js';
import { parseAddressList } from '../mime/address.js';
import { type BuiltPec, buildEnvelope, buildReceipt } from '../provider/build.js';
import { checkSubmission, type SubmissionReason } from '../provider/checks.js';
import { readOriginal } from '../provider/original.js';
import type { PecProvider } from '../provider/sign.js';
import { hoursAfter } from '../provider/time.js';
import type { PecTransaction, TransactionRecipient } from '../provider/transaction.js';
import { deliveryFormFor, transactionFromEnvelope } from '../provider/transaction.js';
import { createTestPki } from '../testing/test-pki.js';
import { UsageError } from './io.js';

/** How a recipient's delivery goes wrong in the simulation. */
export type Failure = 'no-dest' | 'no-dominio' | 'virus' | 'timeout';

/** A fixed identity (from --cert/--key/--ca) that plays both providers. */
export interface GivenIdentity {
  signer: Signer;
  /** The CA certificate(s) to trust, PEM (written as ca.pem). */
  caPem: string;
  /** gestore-emittente. */
  name: string;
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** The acceptance instant. */
  at: Date;
  /** Failures by recipient address. */
  fail?: ReadonlyMap<string, Failure>;
  providerCompat?: boolean;
  digest?: 'sha1' | 'sha256';
  /** Use this identity for both providers instead of a generated test PKI. */
  identity?: GivenIdentity;
  /** SMTP MAIL FROM (default: the From address). */
  mailFrom?: string;
  /** SMTP RCPT TO (default: To and Cc). */
  rcptTo?: readonly string[];
  /** PEC domains; recipients elsewhere are `esterno` (default: all are PEC). */
  pecDomains?: readonly string[];
  crypto?: Crypto;
}

/** One produced message. */
export interface SimulatedFile {
  name: string;
  kind: PecKind;
  bytes: Uint8Array;
  built: BuiltPec;
  /** Which provider emitted it. */
  emitter: string;
  recipient: string | null;
  note: string | null;
}

/** One line of the provider log (transaction.json `events`). */
export interface LogEvent {
  at: string;
  kind: PecKind;
  file: string;
  emitter: string;
  from: string;
  to: string[];
  messageId: string;
  recipient: string | null;
  deliveryForm: string | null;
  errore: string | null;
  erroreEsteso: string | null;
  note: string | null;
}

/** transaction.json: the provider log record of the transaction. */
export interface TransactionRecord {
  msgid: string | null;
  identificativo: string;
  acceptedAt: string;
  accepted: boolean;
  reasons: SubmissionReason[];
  sender: string;
  recipients: TransactionRecipient[];
  subject: string | null;
  requestedForm: string | null;
  providers: { domain: string; name: string; address: string; role: 'sender' | 'recipient' | 'both' }[];
  /** Recipients outside PEC: they get the envelope as ordinary mail and no receipt. */
  external: string[];
  events: LogEvent[];
}

/** What a simulation produced. */
export interface SimulationResult {
  files: SimulatedFile[];
  record: TransactionRecord;
  /** The CA certificate(s) to trust, PEM. */
  caPem: string;
}

const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

const safe = (s: string): string => s.replace(/[^A-Za-z0-9@._-]/g, '_');

/** Plays the whole transaction. */
export async function simulate(original: Uint8Array, options: SimulateOptions): Promise<SimulationResult> {
  const at = options.at;
  const crypto = options.crypto ?? globalThis.crypto;
  const fail = options.fail ?? new Map<string, Failure>();
  // The sender's provider is the one of the sender's domain.
  const head = readOriginal(original, resolveLimits());
  const sender = options.mailFrom ?? parseAddressList(head.headers.get('from'))[0]?.address;
  if (!sender?.includes('@')) throw new UsageError('the original has no From address; pass --mail-from');

  const pki = options.identity ? null : await createTestPki({ at, crypto });
  const providers = new Map<string, { provider: PecProvider; roles: Set<'sender' | 'recipient'> }>();
  const providerFor = async (domain: string, role: 'sender' | 'recipient'): Promise<PecProvider> => {
    let provider: PecProvider;
    if (options.identity) {
      const email = options.identity.signer.email ?? '';
      provider = { domain: domainOf(email), name: options.identity.name, signer: options.identity.signer };
    } else {
      const p = await pki!.provider(domain);
      provider = { domain: p.domain, name: p.name, signer: p.signer };
    }
    const entry = providers.get(provider.domain) ?? { provider, roles: new Set() };
    entry.roles.add(role);
    providers.set(provider.domain, entry);
    return provider;
  };
  const common = {
    providerCompat: options.providerCompat === true,
    crypto,
    ...(options.digest ? { digest: options.digest } : {}),
  };

  const a = await providerFor(domainOf(sender), 'sender');
  const check = checkSubmission(original, {
    domain: a.domain,
    at,
    ...(options.mailFrom ? { sender: options.mailFrom } : {}),
    ...(options.rcptTo ? { recipients: options.rcptTo } : {}),
    ...(options.pecDomains ? { pecDomains: options.pecDomains } : {}),
  });
  const tx = check.transaction;
  for (const address of fail.keys()) {
    if (!tx.recipients.some((r) => r.address.toLowerCase() === address))
      throw new UsageError(`--fail ${address}: not a recipient of this message`);
  }

  type Pending = {
    at: Date;
    seq: number;
    label: string;
    emitter: PecProvider;
    recipient: string | null;
    note: string | null;
    make: () => Promise<BuiltPec>;
  };
  const pending: Pending[] = [];
  let seq = 0;
  const add = (p: Omit<Pending, 'seq'>) => pending.push({ ...p, seq: seq++ });

  if (!check.accepted) {
    add({
      at,
      label: 'non-accettazione',
      emitter: a,
      recipient: null,
      note: null,
      make: () =>
        buildReceipt({
          kind: 'non-accettazione',
          transaction: tx,
          reasons: check.reasons,
          provider: a,
          ...common,
        }),
    });
  } else {
    const envelope = await buildEnvelope({ transaction: tx, provider: a, ...common });
    add({
      at,
      label: 'posta-certificata',
      emitter: a,
      recipient: null,
      note: 'delivered to every recipient',
      make: async () => envelope,
    });
    add({
      at,
      label: 'accettazione',
      emitter: a,
      recipient: null,
      note: null,
      make: () => buildReceipt({ kind: 'accettazione', transaction: tx, provider: a, ...common }),
    });
    // What each recipient's provider reads back from the envelope it received.
    const received: PecTransaction = transactionFromEnvelope(envelope.bytes);
    const t1 = new Date(at.getTime() + 1000);
    const t2 = new Date(at.getTime() + 2000);
    const t3 = new Date(at.getTime() + 3000);
    const byProvider = new Map<string, { provider: PecProvider; recipients: string[] }>();
    for (const r of tx.recipients) {
      if (r.tipo === 'esterno') continue;
      const failure = fail.get(r.address.toLowerCase());
      if (failure === 'timeout') {
        for (const [hours, timeout] of [
          [12, '12h'],
          [24, '24h'],
        ] as const) {
          add({
            at: hoursAfter(at, hours),
            label: `preavviso-errore-consegna-${timeout}-${safe(r.address)}`,
            emitter: a,
            recipient: r.address,
            note: `no delivery receipt within ${hours} hours`,
            make: () =>
              buildReceipt({
                kind: 'preavviso-errore-consegna',
                transaction: tx,
                recipient: r.address,
                timeout,
                provider: a,
                at: hoursAfter(at, hours),
                ...common,
              }),
          });
        }
        continue;
      }
      if (failure === 'no-dominio') {
        add({
          at: t2,
          label: `errore-consegna-${safe(r.address)}`,
          emitter: a,
          recipient: r.address,
          note: 'the recipient domain is not a PEC domain known to the sender provider',
          make: () =>
            buildReceipt({
              kind: 'errore-consegna',
              transaction: tx,
              recipient: r.address,
              errore: 'no-dominio',
              provider: a,
              at: t2,
              ...common,
            }),
        });
        continue;
      }
      const b = await providerFor(domainOf(r.address), 'recipient');
      const group = byProvider.get(b.domain) ?? { provider: b, recipients: [] };
      group.recipients.push(r.address);
      byProvider.set(b.domain, group);
      if (failure === 'no-dest') {
        add({
          at: t2,
          label: `errore-consegna-${safe(r.address)}`,
          emitter: b,
          recipient: r.address,
          note: 'the mailbox does not exist',
          make: () =>
            buildReceipt({
              kind: 'errore-consegna',
              transaction: received,
              recipient: r.address,
              errore: 'no-dest',
              provider: b,
              at: t2,
              ...common,
            }),
        });
      } else if (failure === 'virus') {
        add({
          at: t2,
          label: `rilevazione-virus-${safe(r.address)}`,
          emitter: b,
          recipient: r.address,
          note: "to the sender provider's service mailbox",
          make: () =>
            buildReceipt({
              kind: 'rilevazione-virus',
              transaction: received,
              recipient: r.address,
              provider: b,
              at: t2,
              to: `posta-certificata@${a.domain}`,
              ...common,
            }),
        });
        add({
          at: t3,
          label: `errore-consegna-virus-${safe(r.address)}`,
          emitter: a,
          recipient: r.address,
          note: 'after the rilevazione-virus notice',
          make: () =>
            buildReceipt({
              kind: 'errore-consegna',
              transaction: tx,
              recipient: r.address,
              errore: 'virus',
              provider: a,
              at: t3,
              ...common,
            }),
        });
      } else {
        const form = deliveryFormFor(received, r.address);
        add({
          at: t2,
          label: `avvenuta-consegna-${form}-${safe(r.address)}`,
          emitter: b,
          recipient: r.address,
          note: null,
          make: () =>
            buildReceipt({
              kind: 'avvenuta-consegna',
              transaction: received,
              recipient: r.address,
              provider: b,
              at: t2,
              ...common,
            }),
        });
      }
    }
    for (const { provider, recipients } of byProvider.values()) {
      add({
        at: t1,
        label: `presa-in-carico-${safe(provider.domain)}`,
        emitter: provider,
        recipient: null,
        note: "to the sender provider's service mailbox",
        make: () =>
          buildReceipt({
            kind: 'presa-in-carico',
            transaction: received,
            ricezione: recipients,
            provider,
            at: t1,
            to: `posta-certificata@${a.domain}`,
            ...common,
          }),
      });
    }
  }

  pending.sort((x, y) => x.at.getTime() - y.at.getTime() || x.seq - y.seq);
  const width = Math.max(2, String(pending.length).length);
  const files: SimulatedFile[] = [];
  const events: LogEvent[] = [];
  for (const [i, p] of pending.entries()) {
    const built = await p.make();
    const name = `${String(i + 1).padStart(width, '0')}-${p.label}.eml`;
    files.push({
      name,
      kind: built.kind,
      bytes: built.bytes,
      built,
      emitter: p.emitter.domain,
      recipient: p.recipient,
      note: p.note,
    });
    events.push({
      at: built.at.toISOString(),
      kind: built.kind,
      file: name,
      emitter: p.emitter.domain,
      from: built.from,
      to: built.to,
      messageId: built.messageId,
      recipient: p.recipient,
      deliveryForm: built.deliveryForm,
      errore: built.daticert?.errore ?? null,
      erroreEsteso: built.daticert?.erroreEsteso ?? null,
      note: p.note,
    });
  }
  const record: TransactionRecord = {
    msgid: tx.msgid,
    identificativo: tx.identificativo,
    acceptedAt: tx.at.toISOString(),
    accepted: check.accepted,
    reasons: check.reasons,
    sender: tx.sender,
    recipients: [...tx.recipients],
    subject: tx.subject,
    requestedForm: tx.requestedForm,
    providers: [...providers.values()].map(({ provider, roles }) => ({
      domain: provider.domain,
      name: provider.name,
      address: `posta-certificata@${provider.domain}`,
      role: roles.size === 2 ? 'both' : roles.has('sender') ? 'sender' : 'recipient',
    })),
    external: tx.recipients.filter((r) => r.tipo === 'esterno').map((r) => r.address),
    events,
  };
  const caPem = options.identity ? options.identity.caPem : pki!.rootPem;
  return { files, record, caPem };
}
