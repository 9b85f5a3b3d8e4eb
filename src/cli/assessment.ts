// How a verification report reads to a person: is it authentic, what happened, who vouches for it,
// and what the file is when it is not a message at all. The one adapter between the library's
// report and what the CLI and the web verifier (docs/verifier) say, so that both say the same and
// switch together when the library grows these answers. Pure: no node: imports (the page bundles it).
import { KINDS, type PecKind } from '../message/kinds.js';
import type { CheckOutcome, VerificationReport } from '../verify/verify.js';

/** The languages people read. */
export type Lang = 'it' | 'en';

/**
 * What a file is, judged from its first bytes before any PEC reading: only `email` is verified as
 * a message; the others are "not a message" and get a sentence saying what to do instead.
 */
export type InputKind = 'email' | 'empty' | 'pdf' | 'outlook-msg' | 'zip' | 'pem' | 'not-email';

// Header names that an RFC 5322 message (or a stored PEC) starts with; one of them must appear in
// the first header block for a file to count as e-mail (a YAML file has colons too).
const MAIL_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'received',
  'return-path',
  'delivered-to',
  'reply-to',
  'sender',
  'x-trasporto',
  'x-ricevuta',
  'x-riferimento-message-id',
]);

const startsWith = (b: Uint8Array, sig: readonly number[]): boolean =>
  b.length >= sig.length && sig.every((x, i) => b[i] === x);

/**
 * Classifies a file by its first bytes: e-mail, or which kind of not-a-message.
 *
 * @example
 * ```ts
 * classifyInput(new TextEncoder().encode('%PDF-1.7\n…')); // 'pdf'
 * ```
 */
export function classifyInput(bytes: Uint8Array): InputKind {
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x20 || (bytes[start]! >= 0x09 && bytes[start]! <= 0x0d)))
    start++;
  if (start === bytes.length) return 'empty';
  const b = bytes.subarray(start);
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'outlook-msg'; // CFB
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  // The header block: every line a field or a continuation, up to the first blank line.
  let text = '';
  for (const x of b.subarray(0, 65536)) text += String.fromCharCode(x);
  if (text.startsWith('-----BEGIN ')) return 'pem';
  const lines = text.split(/\r?\n/);
  if (lines[0]?.startsWith('From ')) lines.shift(); // mbox separator line
  let known = false;
  let fields = 0;
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (fields === 0) return 'not-email';
      continue;
    }
    const m = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:/.exec(line);
    if (!m) return 'not-email';
    fields++;
    if (MAIL_HEADERS.has(m[1]!.toLowerCase())) known = true;
  }
  return fields > 0 && known ? 'email' : 'not-email';
}

/** What a PEC message says happened: the second question, apart from "is it authentic?". */
export type Outcome =
  | 'message'
  | 'accepted'
  | 'not-accepted'
  | 'taken-in-charge'
  | 'delivered'
  | 'not-delivered'
  | 'delivery-timeout'
  | 'virus'
  | 'anomaly';

const OUTCOME: Record<PecKind, Outcome> = {
  'posta-certificata': 'message',
  errore: 'anomaly',
  accettazione: 'accepted',
  'non-accettazione': 'not-accepted',
  'presa-in-carico': 'taken-in-charge',
  'avvenuta-consegna': 'delivered',
  'errore-consegna': 'not-delivered',
  'preavviso-errore-consegna': 'delivery-timeout',
  'rilevazione-virus': 'virus',
};

/** Outcomes that report a failure of the transaction (a genuine notice can say this). */
const FAILURES: ReadonlySet<Outcome> = new Set([
  'not-accepted',
  'not-delivered',
  'delivery-timeout',
  'virus',
  'anomaly',
]);

/**
 * Who vouches for the signer: an embedded PEC anchor (the AgID list), or a certificate the caller
 * chose to trust (a test CA, an added CA): never call the second "a trusted PEC provider".
 */
export type TrustLabel = 'pec-provider' | 'your-configuration';

/** Why a message is not valid, in the order a person should hear it. */
export type Failure =
  | 'altered'
  | 'unsigned'
  | 'signature-unreadable'
  | 'untrusted'
  | 'not-pec'
  | 'inconsistent'
  | null;

/** The answers a person needs, derived from one report. */
export interface Assessment {
  /** Is it authentic? The library's verdict (`report.valid`). */
  authentic: boolean;
  /** What the message says happened; null for ordinary e-mail. Certified only when `authentic`. */
  outcome: Outcome | null;
  /** The outcome is a failure (not delivered, refused, virus, timeout, anomaly). */
  outcomeIsFailure: boolean;
  /** Who vouches for the signer; null when the chain is not trusted. */
  trust: TrustLabel | null;
  /** The content (daticert, original, attachments) may be shown as certified. */
  contentCertified: boolean;
  /**
   * The original message and its attachments may be shown as certified: not in an anomaly envelope,
   * where the provider only vouches that it received a message that was not valid PEC.
   */
  originalCertified: boolean;
  /** The main reason it is not authentic; null when it is. */
  failure: Failure;
  /** Checks as they may be shown: a content check never reads `pass` when the signature failed. */
  checks: Record<keyof VerificationReport['checks'], CheckOutcome>;
}

/**
 * Derives the person-facing answers from a report. `defaultAnchorsOnly`: the report was made with
 * the embedded PEC anchors and nothing else (only then can a trusted chain mean "a PEC provider").
 *
 * @example
 * ```ts
 * const a = assess(await verifyPec(bytes), true);
 * if (a.authentic && a.outcomeIsFailure) console.log('genuine notice of a failure');
 * ```
 */
export function assess(report: VerificationReport, defaultAnchorsOnly: boolean): Assessment {
  const authentic = report.valid;
  const outcome = report.kind === 'non-pec' ? null : OUTCOME[report.kind];
  const trust: TrustLabel | null =
    report.chain.trusted === true ? (defaultAnchorsOnly ? 'pec-provider' : 'your-configuration') : null;
  const s = report.signature;
  let failure: Failure = null;
  if (!authentic) {
    if (report.kind === 'non-pec') failure = 'not-pec';
    else if (s.intact === false) failure = 'altered';
    else if (!s.present) failure = 'unsigned';
    else if (s.intact === null) failure = 'signature-unreadable';
    else if (report.chain.trusted !== true) failure = 'untrusted';
    else failure = 'inconsistent';
  }
  // What was signed can only pass when the signature holds: otherwise the content checks compared
  // unsigned bytes with unsigned bytes, which proves nothing.
  const signed = report.checks.signature === 'pass';
  const content = (o: CheckOutcome): CheckOutcome => (signed || o === 'fail' ? o : 'skip');
  const c = report.checks;
  return {
    authentic,
    outcome,
    outcomeIsFailure: outcome !== null && FAILURES.has(outcome),
    trust,
    contentCertified: authentic,
    originalCertified: authentic && report.kind !== 'errore',
    failure,
    checks: {
      signature: c.signature,
      chain: c.chain,
      signer: content(c.signer),
      daticert: content(c.daticert),
      headers: content(c.headers),
      postacert: content(c.postacert),
    },
  };
}

/** Formats an instant in Italian local time (Europe/Rome), the one date format people read. */
export function romeTime(iso: string, lang: Lang): { date: string; time: string; utc: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { date: iso, time: '', utc: iso };
  const parts = new Intl.DateTimeFormat('it-IT', {
    timeZone: 'Europe/Rome',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  const utc = `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  void lang; // same digits in both languages: dd/mm/yyyy hh:mm:ss
  return {
    date: `${p('day')}/${p('month')}/${p('year')}`,
    time: `${p('hour')}:${p('minute')}:${p('second')}`,
    utc,
  };
}

/** "14/03/2025 11:30:00 (ora italiana)" / "(Italian time)". */
export function romeTimeText(iso: string, lang: Lang): string {
  const t = romeTime(iso, lang);
  return `${t.date} ${t.time} (${lang === 'it' ? 'ora italiana' : 'Italian time'})`;
}

/** The words of the CLI and the page, Italian first. */
export const WORDS = {
  it: {
    outcome: {
      message: 'Messaggio PEC: il gestore del mittente lo ha accettato e trasmesso firmato',
      accepted: 'Accettato: il gestore del mittente ha accettato l’invio',
      'not-accepted': 'Non accettato: il gestore del mittente ha rifiutato l’invio',
      'taken-in-charge': 'Preso in carico dal gestore del destinatario',
      delivered: 'Consegnato nella casella del destinatario',
      'not-delivered': 'Non consegnato: il gestore del destinatario non ha potuto consegnare il messaggio',
      'delivery-timeout': 'Consegna non confermata entro il tempo massimo',
      virus: 'Non consegnato: è stato rilevato un virus',
      anomaly:
        'Anomalia: il messaggio ricevuto non era PEC valida ed è stato consegnato in una busta di anomalia',
    } satisfies Record<Outcome, string>,
    trust: {
      'pec-provider': 'gestore PEC accreditato',
      'your-configuration': 'attendibile per la tua configurazione',
    } satisfies Record<TrustLabel, string>,
    failure: {
      altered:
        'Il messaggio è stato modificato dopo la firma del gestore: il suo contenuto non è certificato e non vale come prova.',
      unsigned:
        'Il messaggio dice di essere PEC ma non porta la firma del gestore: il contenuto non è certificato.',
      'signature-unreadable':
        'La firma del gestore è presente ma non si può leggere: il contenuto non è certificato.',
      untrusted:
        'La firma non risale a un gestore PEC accreditato né a un certificato che hai scelto di considerare attendibile: il contenuto non è certificato.',
      'not-pec':
        'Non è un messaggio PEC: è una e-mail ordinaria, senza la firma di un gestore. Per verificare una PEC o una ricevuta, salva dalla casella PEC il messaggio ricevuto dal gestore (file .eml) e usa quello.',
      inconsistent:
        'Il messaggio è firmato, ma ciò che contiene non corrisponde a ciò che il gestore ha certificato (vedi le segnalazioni): il contenuto non è certificato.',
    } satisfies Record<Exclude<Failure, null>, string>,
    input: {
      email: 'messaggio e-mail',
      empty: 'Il file è vuoto: non contiene alcun messaggio.',
      pdf: 'È un PDF, non un messaggio PEC. Una stampa o un PDF di una ricevuta non si può verificare: salva dalla casella PEC il messaggio originale in formato .eml (nella webmail: “Scarica” o “Salva come .eml”) e usa quello.',
      'outlook-msg':
        'È un file di Outlook (.msg), non un .eml: Outlook lo salva in un formato suo che non conserva la firma del gestore. Salva il messaggio come .eml (o scaricalo dalla webmail del gestore) e usa quello.',
      zip: 'È un archivio ZIP: estrai i file .eml e verifica quelli.',
      pem: 'È un certificato (PEM), non un messaggio. Per considerare attendibile una CA di prova, aggiungila alle radici di fiducia.',
      'not-email':
        'Questo file non è un messaggio e-mail (non inizia con le intestazioni di un messaggio). Serve il file .eml del messaggio PEC o della ricevuta.',
    } satisfies Record<InputKind, string>,
  },
  en: {
    outcome: {
      message: 'PEC message: the sender’s provider accepted it and carried it, signed',
      accepted: 'Accepted: the sender’s provider accepted it for delivery',
      'not-accepted': 'Not accepted: the sender’s provider refused it',
      'taken-in-charge': 'Taken in charge by the recipient’s provider',
      delivered: 'Delivered into the recipient’s mailbox',
      'not-delivered': 'Not delivered: the recipient’s provider could not deliver the message',
      'delivery-timeout': 'Delivery not confirmed within the time limit',
      virus: 'Not delivered: a virus was found',
      anomaly: 'Anomaly: the message received was not valid PEC and was delivered in an anomaly envelope',
    } satisfies Record<Outcome, string>,
    trust: {
      'pec-provider': 'a trusted PEC provider',
      'your-configuration': 'trusted by your configuration',
    } satisfies Record<TrustLabel, string>,
    failure: {
      altered:
        'The message was changed after the provider signed it: its content is not certified and is not evidence.',
      unsigned:
        'The message claims to be PEC but carries no provider signature: the content is not certified.',
      'signature-unreadable':
        'The provider’s signature is there but cannot be read: the content is not certified.',
      untrusted:
        'The signature does not lead to a trusted PEC provider nor to a certificate you chose to trust: the content is not certified.',
      'not-pec':
        'Not a PEC message: this is ordinary e-mail, with no provider signature. To check a PEC message or receipt, save the message your PEC provider delivered (an .eml file) from your PEC mailbox and use that.',
      inconsistent:
        'The message is signed, but what it contains does not match what the provider certified (see the findings): the content is not certified.',
    } satisfies Record<Exclude<Failure, null>, string>,
    input: {
      email: 'e-mail message',
      empty: 'The file is empty: there is no message in it.',
      pdf: 'This is a PDF, not a PEC message. A printout or PDF of a receipt cannot be verified: save the original message from your PEC mailbox as .eml (in webmail: “Download” or “Save as .eml”) and use that.',
      'outlook-msg':
        'This is an Outlook file (.msg), not an .eml: Outlook stores messages in its own format, which does not keep the provider’s signature. Save the message as .eml (or download it from your provider’s webmail) and use that.',
      zip: 'This is a ZIP archive: extract the .eml files and verify those.',
      pem: 'This is a certificate (PEM), not a message. To trust a test CA, add it to the trust anchors.',
      'not-email':
        'This file is not an e-mail message (it does not start with message headers). Use the .eml file of the PEC message or receipt.',
    } satisfies Record<InputKind, string>,
  },
} as const;

/** The kind's Italian or English name. */
export function kindName(kind: PecKind | 'non-pec', lang: Lang): string {
  if (kind === 'non-pec') return lang === 'it' ? 'E-mail ordinaria (non PEC)' : 'Ordinary e-mail (not PEC)';
  return lang === 'it' ? KINDS[kind].italian : KINDS[kind].english;
}
