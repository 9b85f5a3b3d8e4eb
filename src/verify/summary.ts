// The plain-language reading of a verification report, in Italian and English, for a page or a
// terminal: is it authentic, what happened, who certified it and when (Italian time and UTC).
// Times come from italianTime (the EU summer-time rule in code), not Intl: runtimes without full
// ICU would otherwise print another zone or an English month.

import type { Daticert } from '../daticert/schema.js';
import { displayText, mark } from '../display.js';
import type { Severity } from '../issues.js';
import { KINDS, type PecKind } from '../kinds.js';
import { italianTime } from '../provider/time.js';
import { issueText } from './messages-it.js';
import type { OutcomeStatus } from './outcome.js';
import type { CheckOutcome, VerificationReport } from './verify.js';

/**
 * Languages of {@link summarize} and {@link formatReport}.
 *
 * @example
 * ```ts
 * const language: ReportLanguage = 'it';
 * console.log(formatReport(await verifyPec(bytes), language));
 * ```
 */
export type ReportLanguage = 'it' | 'en';

/**
 * One instant for people: Italian legal time and UTC, same format in both.
 *
 * @example
 * ```ts
 * const t: LocalTime = formatInstant('2025-03-14T10:30:07Z', 'it');
 * t.text; // '14/03/2025 11:30:07 ora italiana (UTC+01:00), 14/03/2025 10:30:07 UTC'
 * ```
 */
export interface LocalTime {
  /** ISO 8601 UTC. */
  iso: string;
  /** Europe/Rome local time, `dd/mm/yyyy hh:mm:ss`. */
  rome: string;
  /** The Italian UTC offset, `+01:00` (CET) or `+02:00` (CEST). */
  offset: '+01:00' | '+02:00';
  /** UTC, `dd/mm/yyyy hh:mm:ss`. */
  utc: string;
  /** Both, in one phrase of the language. */
  text: string;
}

/**
 * One finding for people.
 *
 * @example
 * ```ts
 * for (const i of summarize(report, 'it').issues) console.log(i.severityText, i.text, i.detail);
 * ```
 */
export interface SummaryIssue {
  code: string;
  severity: Severity;
  /** `errore` / `avviso` / `nota`, or `error` / `warning` / `note`. */
  severityText: string;
  /** What the code means, in the language (the English description when a code has no Italian text yet). */
  text: string;
  /** The finding's own detail as produced at run time (names, values; English technical text). */
  detail: string;
}

/**
 * One named check for people.
 *
 * @example
 * ```ts
 * for (const c of summarize(report, 'it').checks) console.log(`${c.label}: ${c.outcomeText}`); // firma: superato
 * ```
 */
export interface SummaryCheck {
  /** The key in `report.checks` (`signature`, `chain`, `signer`, `daticert`, `headers`, `postacert`). */
  name: string;
  /** The check's name in the language. */
  label: string;
  outcome: CheckOutcome;
  /** The outcome in the language (`superato`, `NON superato`, `non verificato`, …). */
  outcomeText: string;
}

/**
 * A report in plain words: two separate answers ("is it authentic?", "what happened?"), the
 * "who certified what, and when" sentence of a valid message, and what an invalid one merely
 * claims, labelled as not certified.
 *
 * @example
 * ```ts
 * const s: ReportSummary = summarize(await verifyPec(bytes), 'it');
 * console.log(s.headline); // 'VALIDO: messaggio PEC autentico, firmato da un gestore PEC accreditato'
 * console.log(s.outcomeText, s.certified);
 * ```
 */
export interface ReportSummary {
  language: ReportLanguage;
  valid: boolean;
  /** Who vouches: an accredited PEC provider, only the caller's configuration, or nobody. */
  trust: 'pec-provider' | 'your-configuration' | 'none';
  /** One line: the verdict and why. */
  headline: string;
  /** The headline without its verdict (`VALIDO`, `NON VALIDO`, …): what it means, for a page that shows the verdict apart. */
  reason: string;
  /** "Is it authentic?" answered in a sentence. */
  authentic: string;
  /** "What happened?": the certified outcome, null when nothing is certified. */
  outcome: OutcomeStatus | null;
  /** The outcome in words (for an invalid message: that nothing is certified). */
  outcomeText: string;
  /** The certified outcome is a failure for the sender (not delivered, not accepted, timeout, virus). */
  failure: boolean;
  /**
   * "Who certified what, and when": only for a valid PEC message. The message's subject, the
   * sender's own words, closes it (`Oggetto del messaggio: «…».`), after every certified fact.
   */
  certified: string | null;
  /** What an invalid message claims, said to be uncertified; null when it claims nothing readable. */
  claimed: string | null;
  /** The certified time (valid messages only). */
  time: LocalTime | null;
  /** The named checks in the report's order, with their names and outcomes in the language. */
  checks: SummaryCheck[];
  /** Findings worth reading (notes are left out of a valid report). */
  issues: SummaryIssue[];
  /** Summaries of PEC messages wrapped in this one. */
  nested: ReportSummary[];
}

const pad = (n: number): string => String(n).padStart(2, '0');

function dmy(d: Date): string {
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/**
 * An instant in Europe/Rome local time and in UTC, worded for the language. Computed from the
 * EU summer-time rule, so it is the same in every runtime (no Intl time-zone data needed).
 *
 * @example
 * ```ts
 * formatInstant('2025-07-01T10:00:00Z', 'en').text; // '01/07/2025 12:00:00 Italian time (UTC+02:00), 01/07/2025 10:00:00 UTC'
 * ```
 */
export function formatInstant(iso: string | Date, language: ReportLanguage = 'it'): LocalTime {
  const at = iso instanceof Date ? iso : new Date(iso);
  const t = italianTime(at);
  const local = new Date(t.instant.getTime() + t.offsetMinutes * 60_000);
  const offset = t.offsetMinutes === 120 ? '+02:00' : '+01:00';
  const rome = dmy(local);
  const utc = dmy(t.instant);
  const text =
    language === 'it'
      ? `${rome} ora italiana (UTC${offset}), ${utc} UTC`
      : `${rome} Italian time (UTC${offset}), ${utc} UTC`;
  return { iso: t.instant.toISOString(), rome, offset, utc, text };
}

function safeInstant(iso: string | null | undefined, language: ReportLanguage): LocalTime | null {
  if (!iso) return null;
  try {
    return formatInstant(iso, language);
  } catch {
    return null; // an instant outside 1900-9999 or unparsable: no time rather than a wrong one
  }
}

// Provider, sender, recipients: what the provider certified about whom. The subject is not among
// them: it is the sender's own text, so it closes the sentence after every certified fact (see
// certifiedSentence), where no subject can pose as a sender, a recipient or a time.
type Words = { p: string; m: string; r: string };

const EVENT: Record<ReportLanguage, Record<PecKind, (w: Words) => string>> = {
  it: {
    'posta-certificata': (w) =>
      `${w.p} ha accettato il messaggio di ${w.m} e lo ha trasmesso, firmato, a ${w.r}`,
    errore: (w) =>
      `${w.p} ha ricevuto un messaggio che non è PEC valida e lo ha recapitato dentro una busta di anomalia`,
    accettazione: (w) => `${w.p} ha accettato il messaggio di ${w.m}, da inoltrare a ${w.r}`,
    'non-accettazione': (w) => `${w.p} NON ha accettato il messaggio di ${w.m}`,
    'presa-in-carico': (w) => `${w.p} ha preso in carico il messaggio di ${w.m} per ${w.r}`,
    'avvenuta-consegna': (w) => `${w.p} ha consegnato il messaggio di ${w.m} nella casella di ${w.r}`,
    'errore-consegna': (w) => `${w.p} NON ha potuto consegnare il messaggio di ${w.m} a ${w.r}`,
    'preavviso-errore-consegna': (w) =>
      `${w.p} non ha ricevuto entro i tempi massimi la ricevuta di consegna del messaggio di ${w.m} a ${w.r}`,
    'rilevazione-virus': (w) => `${w.p} ha rilevato un virus nel messaggio di ${w.m} a ${w.r}`,
  },
  en: {
    'posta-certificata': (w) => `${w.p} accepted the message from ${w.m} and carried it, signed, to ${w.r}`,
    errore: (w) =>
      `${w.p} received a message that is not valid PEC and delivered it wrapped in an anomaly envelope`,
    accettazione: (w) => `${w.p} accepted the message from ${w.m} for delivery to ${w.r}`,
    'non-accettazione': (w) => `${w.p} did NOT accept the message from ${w.m}`,
    'presa-in-carico': (w) => `${w.p} took charge of the message from ${w.m} for ${w.r}`,
    'avvenuta-consegna': (w) => `${w.p} delivered the message from ${w.m} into the mailbox of ${w.r}`,
    'errore-consegna': (w) => `${w.p} could NOT deliver the message from ${w.m} to ${w.r}`,
    'preavviso-errore-consegna': (w) =>
      `${w.p} has had no delivery receipt in time for the message from ${w.m} to ${w.r}`,
    'rilevazione-virus': (w) => `${w.p} found a virus in the message from ${w.m} to ${w.r}`,
  },
};

const OUTCOME: Record<ReportLanguage, Record<OutcomeStatus, string>> = {
  it: {
    'in-transit': 'messaggio in transito (busta di trasporto)',
    accepted: 'accettato dal gestore del mittente',
    'not-accepted': 'NON accettato',
    'taken-in-charge': 'preso in carico dal gestore del destinatario',
    delivered: 'consegnato',
    'not-delivered': 'NON consegnato',
    'delivery-timeout': 'consegna non confermata entro i tempi massimi',
    'virus-detected': 'virus rilevato',
    anomaly: 'anomalia: ricevuto un messaggio non PEC',
  },
  en: {
    'in-transit': 'message in transit (transport envelope)',
    accepted: "accepted by the sender's provider",
    'not-accepted': 'NOT accepted',
    'taken-in-charge': "taken in charge by the recipient's provider",
    delivered: 'delivered',
    'not-delivered': 'NOT delivered',
    'delivery-timeout': 'delivery not confirmed within the time limit',
    'virus-detected': 'virus detected',
    anomaly: 'anomaly: a non-PEC message was received',
  },
};

/**
 * The certified event in a few words of the language (`consegnato`, `NON consegnato`, …): the
 * phrase of {@link ReportSummary.outcomeText} without the question, for a table cell or a status line.
 *
 * @internal
 * @example
 * ```ts
 * outcomeWords('not-delivered', 'it'); // 'NON consegnato'
 * ```
 */
export function outcomeWords(status: OutcomeStatus, language: ReportLanguage): string {
  return OUTCOME[language === 'en' ? 'en' : 'it'][status];
}

const T = {
  it: {
    validPec: 'VALIDO: messaggio PEC autentico, firmato da un gestore PEC accreditato',
    validCaller:
      'VALIDO PER LA TUA CONFIGURAZIONE: firma integra di un certificato che hai scelto come attendibile, non di un gestore PEC accreditato',
    invalid: 'NON VALIDO',
    authYesPec: (a: string) =>
      `È autentico? Sì: la firma è integra e il firmatario è un gestore PEC accreditato (radice ${a}).`,
    authYesCaller: (a: string) =>
      `È autentico? Solo per la tua configurazione: la firma è integra e risale a ${a}, un certificato indicato da te (per esempio una CA di prova), non a una radice PEC ufficiale.`,
    authNo: (why: string) => `È autentico? No: ${why}.`,
    noSignature: 'il messaggio non è firmato, quindi nulla di ciò che contiene è certificato',
    unreadable: 'la firma è illeggibile, quindi nulla di ciò che il messaggio contiene è certificato',
    altered:
      'la firma non corrisponde al contenuto: il messaggio è stato alterato dopo la firma. Nulla di ciò che mostra è certificato',
    untrusted:
      'la firma è integra, ma il firmatario non risale a un gestore PEC accreditato né a un certificato della tua configurazione: il contenuto non è certificato',
    nonPec: 'non è un messaggio PEC (posta ordinaria)',
    wrapped: 'è posta ordinaria che contiene un messaggio PEC: conta la verifica del messaggio contenuto',
    errorIssue: (t: string) => `il controllo ha trovato un errore: ${t}`,
    outcome: (o: string) => `Cosa è successo? ${o}.`,
    outcomeUnknown: 'Cosa è successo? Non si può dire: nulla in questo messaggio è certificato.',
    on: 'il',
    reason: 'Motivo',
    claimed: (kind: string, what: string) =>
      `NON CERTIFICATO: il messaggio si presenta come «${kind}»${what}, ma nulla di ciò è garantito da una firma valida.`,
    claimedWhat: (o: string) => ` e dichiara: ${o}`,
    severity: { error: 'errore', warning: 'avviso', info: 'nota' } as Record<Severity, string>,
    subject: (s: string | null) =>
      // A quote inside the subject is shown as displayText shows an invisible character.
      s ? `Oggetto del messaggio: «${s.replace(/[«»]/g, mark)}».` : 'Il messaggio non ha oggetto.',
    unknown: '(sconosciuto)',
  },
  en: {
    validPec: 'VALID: genuine PEC message, signed by an accredited PEC provider',
    validCaller:
      'VALID BY YOUR CONFIGURATION: intact signature by a certificate you chose to trust, not an accredited PEC provider',
    invalid: 'NOT VALID',
    authYesPec: (a: string) =>
      `Is it authentic? Yes: the signature is intact and the signer is an accredited PEC provider (anchor ${a}).`,
    authYesCaller: (a: string) =>
      `Is it authentic? Only by your configuration: the signature is intact and chains to ${a}, a certificate you supplied (a test CA, for instance), not an official PEC anchor.`,
    authNo: (why: string) => `Is it authentic? No: ${why}.`,
    noSignature: 'the message is not signed, so nothing in it is certified',
    unreadable: 'the signature cannot be read, so nothing in the message is certified',
    altered:
      'the signature does not match the content: the message was altered after signing. Nothing it shows is certified',
    untrusted:
      'the signature is intact, but the signer chains neither to an accredited PEC provider nor to a certificate of your configuration: the content is not certified',
    nonPec: 'it is not a PEC message (ordinary e-mail)',
    wrapped:
      'it is ordinary e-mail carrying a PEC message: the verdict on the wrapped message is what counts',
    errorIssue: (t: string) => `the check found an error: ${t}`,
    outcome: (o: string) => `What happened? ${o}.`,
    outcomeUnknown: 'What happened? Cannot say: nothing in this message is certified.',
    on: 'on',
    reason: 'Reason',
    claimed: (kind: string, what: string) =>
      `NOT CERTIFIED: the message presents itself as "${kind}"${what}, but no valid signature vouches for any of it.`,
    claimedWhat: (o: string) => ` and claims: ${o}`,
    severity: { error: 'error', warning: 'warning', info: 'note' } as Record<Severity, string>,
    subject: (s: string | null) =>
      s ? `Subject of the message: “${s.replace(/[“”]/g, mark)}”.` : 'The message has no subject.',
    unknown: '(unknown)',
  },
} as const;

const CHECKS: Record<
  ReportLanguage,
  { names: Record<string, string>; outcomes: Record<CheckOutcome, string> }
> = {
  en: {
    names: {
      signature: 'signature',
      chain: 'chain',
      signer: 'signer',
      daticert: 'daticert',
      headers: 'headers',
      postacert: 'postacert',
    },
    outcomes: { pass: 'pass', fail: 'fail', warn: 'warn', skip: 'skip', unverified: 'unverified' },
  },
  it: {
    names: {
      signature: 'firma',
      chain: 'catena',
      signer: 'firmatario',
      daticert: 'daticert',
      headers: 'intestazioni',
      postacert: 'postacert',
    },
    outcomes: {
      pass: 'superato',
      fail: 'NON superato',
      warn: 'avviso',
      skip: 'non applicabile',
      unverified: 'non verificato',
    },
  },
};

function summaryChecks(r: VerificationReport, language: ReportLanguage): SummaryCheck[] {
  const t = CHECKS[language];
  return Object.entries(r.checks).map(([name, outcome]) => ({
    name,
    label: t.names[name] ?? name,
    outcome,
    outcomeText: t.outcomes[outcome] ?? outcome,
  }));
}

/** Why a report is not valid, in one clause: the first cause a person must know. */
function whyInvalid(r: VerificationReport, language: ReportLanguage): string {
  const t = T[language];
  const input = r.issues.find((i) => i.code.startsWith('INPUT_'));
  if (input) return issueText(input.code, language) ?? input.message;
  if (r.kind === 'non-pec') return r.issues.some((i) => i.code === 'WRAPPED_PEC') ? t.wrapped : t.nonPec;
  const s = r.signature;
  if (!s.present) return t.noSignature;
  if (s.intact === null) return t.unreadable;
  if (!s.intact) return t.altered;
  if (r.chain.trusted !== true) return t.untrusted;
  const first = r.issues.find((i) => i.severity === 'error');
  return first ? t.errorIssue(issueText(first.code, language) ?? first.message) : t.untrusted;
}

function anchorName(subject: string | null, language: ReportLanguage): string {
  if (!subject) return T[language].unknown;
  return /CN=([^,]+)/.exec(subject)?.[1] ?? subject;
}

function certifiedSentence(r: VerificationReport, language: ReportLanguage): string | null {
  const c = r.certified;
  if (!c) return null;
  const t = T[language];
  const recipients = c.outcome.recipient ?? c.recipients.map((x) => x.address).join(', ');
  const words: Words = {
    p: c.provider.name ?? c.provider.address ?? t.unknown,
    m: c.sender ?? t.unknown,
    r: recipients || t.unknown,
  };
  const when = safeInstant(c.time?.utc, language);
  let sentence = EVENT[language][c.kind](words);
  if (when) sentence += ` ${t.on} ${when.text}`;
  sentence += '.';
  if (c.outcome.reason || (c.outcome.failure && c.outcome.detail)) {
    const why = [c.outcome.reason, c.outcome.detail].filter(Boolean).join(' — ');
    sentence += ` ${t.reason}: ${why}.`;
  }
  // Last, after every fact the provider certified: the subject, the sender's own words, with the
  // closing quote marked inside it so that it ends where the quotes end.
  if (c.kind !== 'errore') sentence += ` ${t.subject(c.subject)}`;
  return sentence;
}

/** What an invalid message claims, read from the unverified daticert; null when nothing readable. */
function claimedSentence(r: VerificationReport, language: ReportLanguage): string | null {
  if (r.valid || r.kind === 'non-pec') return null;
  const t = T[language];
  const kind = language === 'it' ? KINDS[r.kind].italian : KINDS[r.kind].english;
  const d: Daticert | null | undefined = r.unverified?.daticert;
  const status: Partial<Record<PecKind, OutcomeStatus>> = {
    accettazione: 'accepted',
    'non-accettazione': 'not-accepted',
    'avvenuta-consegna': 'delivered',
    'errore-consegna': 'not-delivered',
    'preavviso-errore-consegna': 'delivery-timeout',
    'rilevazione-virus': 'virus-detected',
    'presa-in-carico': 'taken-in-charge',
  };
  const s = status[r.kind];
  const what = s && d ? t.claimedWhat(`${OUTCOME[language][s]}${d.consegna ? ` (${d.consegna})` : ''}`) : '';
  return t.claimed(kind, what);
}

const orNull = (s: string | null): string | null => (s === null ? null : displayText(s));

function summaryIssues(r: VerificationReport, language: ReportLanguage): SummaryIssue[] {
  const t = T[language];
  return r.issues
    .filter((i) => i.severity !== 'info' || !r.valid)
    .map((i) => ({
      code: i.code,
      severity: i.severity,
      severityText: t.severity[i.severity],
      text: displayText(issueText(i.code, language) ?? issueText(i.code, 'en') ?? i.message),
      detail: displayText(i.message),
    }));
}

/**
 * Reads a verification report in plain words, in Italian (`'it'`, the default) or English: the
 * verdict, "is it authentic?", "what happened?", who certified what and when (Italian time and
 * UTC), what an invalid message merely claims, and every finding with its meaning in the
 * language. A chain to a certificate the caller added (a test CA) is worded "valid by your
 * configuration", never "an accredited PEC provider". Whatever a sentence quotes (subject,
 * addresses, names, findings) passes through {@link displayText}: a line break or a terminal
 * control in a message is shown as a mark, so no text can pose as a line of the summary.
 *
 * @example
 * ```ts
 * import { summarize, verifyPec } from 'pec-kit';
 * const s = summarize(await verifyPec(bytes), 'it');
 * console.log(s.headline);   // VALIDO: messaggio PEC autentico, firmato da un gestore PEC accreditato
 * console.log(s.certified);  // ARUBA PEC S.p.A. ha consegnato il messaggio di … il 13/11/2018 16:39:27 ora italiana …. Oggetto del messaggio: «Fattura».
 * console.log(s.outcomeText); // Cosa è successo? consegnato.
 * ```
 */
export function summarize(report: VerificationReport, language: ReportLanguage = 'it'): ReportSummary {
  const lang: ReportLanguage = language === 'en' ? 'en' : 'it';
  const t = T[lang];
  const source = report.valid ? report.chain.trustSource : null;
  const trust =
    source === 'pec-anchor' ? 'pec-provider' : source === 'caller' ? 'your-configuration' : 'none';
  const anchor = anchorName(report.chain.anchor, lang);
  // Sentences quote the message, its certificates and its findings: shown, never obeyed.
  const headline = displayText(
    trust === 'pec-provider'
      ? t.validPec
      : trust === 'your-configuration'
        ? t.validCaller
        : `${t.invalid}: ${whyInvalid(report, lang)}`,
  );
  // Every headline is "VERDICT: reason" (the verdict words hold no colon).
  const reason = headline.slice(headline.indexOf(': ') + 2);
  const authentic = displayText(
    trust === 'pec-provider'
      ? t.authYesPec(anchor)
      : trust === 'your-configuration'
        ? t.authYesCaller(anchor)
        : t.authNo(whyInvalid(report, lang)),
  );
  const outcome = report.certified?.outcome ?? null;
  return {
    language: lang,
    valid: report.valid,
    trust,
    headline,
    reason,
    authentic,
    outcome: outcome?.status ?? null,
    outcomeText: outcome ? t.outcome(OUTCOME[lang][outcome.status]) : t.outcomeUnknown,
    failure: outcome?.failure ?? false,
    certified: orNull(certifiedSentence(report, lang)),
    claimed: orNull(claimedSentence(report, lang)),
    time: safeInstant(report.certified?.time?.utc, lang),
    checks: summaryChecks(report, lang),
    issues: summaryIssues(report, lang),
    nested: report.nested.map((n) => summarize(n, lang)),
  };
}
