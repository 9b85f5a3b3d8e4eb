// How a verification report reads to a person in the CLI and the web verifier (docs/verifier).
// Every answer comes from the library: authentic from `report.valid`, what happened from
// `report.outcome`, who vouches from `chain.trustSource`, the sentences, times, check labels and
// issue texts from `summarize()`, the bad inputs from src/reading/input-kind.ts. What is left here
// is only what the library has no notion of: the file kinds a folder walk meets (ZIP, PEM, README)
// and the short trust label of a status line. Pure: no node: imports (the page bundles it).

import { type Bytes, latin1 } from '../bytes.js';
import { KINDS, type PecKind } from '../kinds.js';
import { recognizeInput } from '../reading/input-kind.js';
import { issueText } from '../verify/messages-it.js';
import { type OutcomeStatus, outcomeOf } from '../verify/outcome.js';
import {
  outcomeWords,
  type ReportLanguage,
  type ReportSummary,
  type SummaryIssue,
  summarize,
} from '../verify/summary.js';
import type { VerificationReport } from '../verify/verify.js';

export { outcomeWords } from '../verify/summary.js';

/** The languages people read. */
export type Lang = ReportLanguage;

/**
 * What a file is, judged from its first bytes before any PEC reading: only `email` is verified as
 * a message; the others are "not a message" and get a sentence saying what to do instead. The
 * kinds `empty`, `file-path`, `pdf`, `outlook-msg` and `fragment` are the library's own bad inputs
 * (INPUT_* codes, src/reading/input-kind.ts); `zip`, `pem` and `not-email` are what a folder
 * walk meets besides messages.
 */
export type InputKind =
  | 'email'
  | 'empty'
  | 'file-path'
  | 'pdf'
  | 'outlook-msg'
  | 'fragment'
  | 'zip'
  | 'pem'
  | 'not-email';

/** The library's code for each bad input it names itself (one table: the library's). */
const LIBRARY_INPUT: Record<string, InputKind> = {
  INPUT_EMPTY: 'empty',
  INPUT_FILE_PATH: 'file-path',
  INPUT_PDF: 'pdf',
  INPUT_OUTLOOK_MSG: 'outlook-msg',
  INPUT_FRAGMENT: 'fragment',
};
const INPUT_CODE = Object.fromEntries(Object.entries(LIBRARY_INPUT).map(([code, kind]) => [kind, code]));

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
 * Classifies a file by its first bytes: e-mail, or which kind of not-a-message. The library's
 * recognizeInput decides the kinds it names (empty, path, PDF, .msg, daticert alone), so the CLI,
 * the page and `verifyPec` agree on them.
 *
 * @example
 * ```ts
 * classifyInput(new TextEncoder().encode('%PDF-1.7\n…')); // 'pdf'
 * ```
 */
export function classifyInput(bytes: Uint8Array): InputKind {
  const named = recognizeInput(bytes as Bytes);
  if (named) return LIBRARY_INPUT[named.code] ?? 'not-email';
  let start = 0;
  while (start < bytes.length && bytes[start]! <= 0x20) start++;
  const b = bytes.subarray(start);
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  // The header block: every line a field or a continuation, up to the first blank line. Only the
  // text up to that line is split (one native latin1 decode of at most 64 KiB, not a string built
  // byte by byte): nothing after it is looked at.
  let text = latin1(b.subarray(0, 65536));
  if (text.startsWith('-----BEGIN ')) return 'pem';
  const blank = text.search(/\n\r?\n/);
  if (blank !== -1) text = text.slice(0, blank + 1);
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

/** What to do with the kinds the library does not name (its INPUT_* texts cover the rest). */
const INPUT_TEXT: Record<Lang, Record<'email' | 'zip' | 'pem' | 'not-email', string>> = {
  it: {
    email: 'messaggio e-mail',
    zip: 'È un archivio ZIP: estrai i file .eml e verifica quelli.',
    pem: 'È un certificato (PEM), non un messaggio. Per considerare attendibile una CA di prova, aggiungila alle radici di fiducia.',
    'not-email':
      'Questo file non è un messaggio e-mail (non inizia con le intestazioni di un messaggio). Serve il file .eml del messaggio PEC o della ricevuta.',
  },
  en: {
    email: 'e-mail message',
    zip: 'This is a ZIP archive: extract the .eml files and verify those.',
    pem: 'This is a certificate (PEM), not a message. To trust a test CA, add it to the trust anchors.',
    'not-email':
      'This file is not an e-mail message (it does not start with message headers). Use the .eml file of the PEC message or receipt.',
  },
};

/**
 * The sentence for a file that is not a message: the library's INPUT_* text when it names the
 * kind, else the CLI's own.
 *
 * @example
 * ```ts
 * inputText('outlook-msg', 'it'); // 'È un file .msg di Outlook: salvare il messaggio PEC come .eml …'
 * ```
 */
export function inputText(kind: InputKind, lang: Lang): string {
  const code = INPUT_CODE[kind];
  if (code) return issueText(code, lang) ?? code;
  return INPUT_TEXT[lang][kind as 'email' | 'zip' | 'pem' | 'not-email'];
}

/**
 * Who vouches for the signer, from `chain.trustSource`: an embedded PEC anchor (`pec-provider`),
 * or a certificate the caller chose to trust (`your-configuration`: a test CA, an added CA).
 */
export type TrustLabel = Exclude<ReportSummary['trust'], 'none'>;

/** The short trust label of a status line or a table cell. */
export const TRUST_WORDS: Record<Lang, Record<TrustLabel, string>> = {
  it: {
    'pec-provider': 'gestore PEC accreditato',
    'your-configuration': 'attendibile per la tua configurazione',
  },
  en: {
    'pec-provider': 'a trusted PEC provider',
    'your-configuration': 'trusted by your configuration',
  },
};

/** The answers a person needs, read from one report: the library's, nothing re-derived. */
export interface Assessment {
  /** Is it authentic? `report.valid`. */
  authentic: boolean;
  /** What the message certifies happened (`report.outcome`): null unless authentic. */
  outcome: OutcomeStatus | null;
  /** What an invalid PEC message claims happened (its kind), not certified; null when authentic or not PEC. */
  claimedOutcome: OutcomeStatus | null;
  /** The certified outcome is a failure for the sender (`certified.outcome.failure`). */
  outcomeIsFailure: boolean;
  /** Who vouches for the chain's anchor (`chain.trustSource`); null when no trusted path. */
  trust: TrustLabel | null;
  /** The content (daticert, original, attachments) may be shown as certified: `report.certified` exists. */
  contentCertified: boolean;
  /**
   * The original message and its attachments may be shown as certified: not in an anomaly envelope,
   * where the provider only vouches that it received a message that was not valid PEC.
   */
  originalCertified: boolean;
  /** The library's plain-language reading (headline, sentences, times, checks, issue texts). */
  summary: ReportSummary;
}

/**
 * Reads the person-facing answers off a report, in a language.
 *
 * @example
 * ```ts
 * const a = assess(await verifyPec(bytes), 'it');
 * if (a.authentic && a.outcomeIsFailure) console.log(a.summary.certified); // genuine notice of a failure
 * ```
 */
export function assess(report: VerificationReport, lang: Lang): Assessment {
  const certified = report.certified;
  const source = report.chain.trusted === true ? report.chain.trustSource : null;
  return {
    authentic: report.valid,
    outcome: report.outcome,
    claimedOutcome: report.valid || report.kind === 'non-pec' ? null : outcomeOf(report.kind, null).status,
    outcomeIsFailure: certified?.outcome.failure ?? false,
    trust: source === 'pec-anchor' ? 'pec-provider' : source === 'caller' ? 'your-configuration' : null,
    contentCertified: certified !== undefined,
    originalCertified: certified !== undefined && certified.kind !== 'errore',
    summary: summarize(report, lang),
  };
}

/** The kind's Italian or English name. */
export function kindName(kind: PecKind | 'non-pec', lang: Lang): string {
  if (kind === 'non-pec') return lang === 'it' ? 'E-mail ordinaria (non PEC)' : 'Ordinary e-mail (not PEC)';
  return lang === 'it' ? KINDS[kind].italian : KINDS[kind].english;
}

/** What the CLI prints about a verified file besides its verdict. */
export interface ReportText {
  /** Appended to the file's status line: who vouches, and a certified failure (`; NON consegnato`). */
  note: string;
  /** Why it is not authentic (`summarize().authentic`); null when it is. */
  reason: string | null;
  /** Who certified what and when (`summarize().certified`); null unless authentic. */
  certified: string | null;
  /** The findings to print, each with its tag, its meaning in the language and its run-time detail. */
  issues: {
    severity: SummaryIssue['severity'];
    code: string;
    tag: string;
    text: string;
    detail: string | null;
  }[];
}

/** The severity tag of a finding's line, padded to one width per language (verify, inspect). */
export const SEVERITY_TAG: Record<Lang, Record<SummaryIssue['severity'], string>> = {
  en: { error: 'error', warning: 'warn ', info: 'info ' },
  it: { error: 'errore', warning: 'avviso', info: 'nota  ' },
};

/**
 * The text lines of one verified file, from the library's summary: in Italian every finding reads
 * its Italian meaning (ISSUE_TEXT_IT), followed by the run-time detail; in English the run-time
 * message, as before.
 *
 * @example
 * ```ts
 * const t = reportText(await verifyPec(bytes), 'it');
 * for (const i of t.issues) console.log(`${i.tag} ${i.code}: ${i.text}`);
 * ```
 */
export function reportText(report: VerificationReport, lang: Lang): ReportText {
  const a = assess(report, lang);
  const trust = a.authentic && a.trust ? `; ${TRUST_WORDS[lang][a.trust]}` : '';
  const outcome = a.outcome && a.outcomeIsFailure ? `; ${outcomeWords(a.outcome, lang)}` : '';
  return {
    note: `${trust}${outcome}`,
    reason: a.authentic ? null : a.summary.authentic,
    certified: a.authentic ? a.summary.certified : null,
    issues: a.summary.issues.map((i) => ({
      severity: i.severity,
      code: i.code,
      tag: SEVERITY_TAG[lang][i.severity],
      text: lang === 'it' ? i.text : i.detail,
      detail: lang === 'it' && i.detail ? i.detail : null,
    })),
  };
}
