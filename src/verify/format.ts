// Renders a VerificationReport for people, in Italian or English: the verdict first, the two
// answers (authentic? what happened?), who certified what and when, then every finding.
import { displayText } from '../display.js';
import { KINDS } from '../kinds.js';
import { checkOptions, optionKeys } from '../options.js';
import { formatInstant, type ReportLanguage, summarize } from './summary.js';
import type { VerificationReport } from './verify.js';

export type { ReportLanguage } from './summary.js';

/**
 * Options of {@link formatReport}.
 *
 * @example
 * ```ts
 * console.log(formatReport(report, 'it', { details: false })); // Italian only, no run-time details
 * ```
 * @category Verifying
 */
export interface FormatOptions {
  /**
   * Show each finding's run-time detail (certificate names, values: technical English) under its
   * meaning. Default true; with `'it'` and `false`, the text is Italian only.
   */
  details?: boolean;
}

const FORMAT_KEYS = optionKeys<FormatOptions>({ details: true });

const TEXT = {
  en: {
    kind: 'Kind',
    nonPec: 'ordinary e-mail (not PEC)',
    certified: 'Certified',
    signature: 'Signature',
    intact: 'intact',
    altered: 'ALTERED after signing (or forged)',
    none: 'none',
    unreadable: 'present but unreadable',
    lfNote: ' (matched after CRLF canonicalisation)',
    signer: 'Signed by',
    signedAt: 'Signed at',
    claimedSigner: 'Certificate of the signature (not verified)',
    claimedSignedAt: 'Signing time it claims (not verified)',
    chain: 'Chain',
    trustedPec: 'trusted: an accredited PEC provider',
    trustedCaller: 'trusted by your configuration (a certificate you added, not a PEC anchor)',
    untrusted: 'NOT trusted',
    notJudged: 'not judged',
    at: 'judged at',
    anchor: 'anchor',
    validNow: 'signer certificate valid today',
    expiredNow: 'signer certificate no longer valid today (normal for archived PEC)',
    checks: 'Checks',
    findings: 'Findings',
    detail: 'detail',
    nested: 'Wrapped PEC message',
  },
  it: {
    kind: 'Tipo',
    nonPec: 'posta ordinaria (non PEC)',
    certified: 'Certificato',
    signature: 'Firma',
    intact: 'integra',
    altered: 'ALTERATA dopo la firma (o falsa)',
    none: 'assente',
    unreadable: 'presente ma illeggibile',
    lfNote: ' (verificata dopo la normalizzazione CRLF)',
    signer: 'Firmato da',
    signedAt: 'Firmato il',
    claimedSigner: 'Certificato della firma (non verificato)',
    claimedSignedAt: 'Ora di firma dichiarata (non verificata)',
    chain: 'Catena',
    trustedPec: 'attendibile: un gestore PEC accreditato',
    trustedCaller:
      'attendibile per la tua configurazione (un certificato aggiunto da te, non una radice PEC)',
    untrusted: 'NON attendibile',
    notJudged: 'non valutata',
    at: 'valutata al',
    anchor: 'radice',
    validNow: 'certificato del firmatario valido oggi',
    expiredNow: 'certificato del firmatario non più valido oggi (normale per PEC archiviate)',
    checks: 'Controlli',
    findings: 'Rilievi',
    detail: 'dettaglio tecnico',
    nested: 'Messaggio PEC incapsulato',
  },
} as const;

function when(iso: string, language: ReportLanguage): string {
  try {
    return formatInstant(iso, language).text;
  } catch {
    return iso;
  }
}

function render(
  report: VerificationReport,
  language: ReportLanguage,
  details: boolean,
  indent: string,
): string {
  const t = TEXT[language];
  const summary = summarize(report, language);
  const lines: string[] = [];
  const s = report.signature;
  const c = report.chain;
  lines.push(summary.headline);
  lines.push(summary.authentic);
  lines.push(summary.outcomeText);
  if (summary.certified) lines.push(`${t.certified}: ${summary.certified}`);
  if (summary.claimed) lines.push(summary.claimed);
  const kind =
    report.kind === 'non-pec'
      ? t.nonPec
      : `${language === 'it' ? KINDS[report.kind].italian : KINDS[report.kind].english} (${report.kind})`;
  lines.push(`${t.kind}: ${kind}`);
  const sig = !s.present
    ? t.none
    : s.intact === null
      ? t.unreadable
      : s.intact
        ? `${t.intact}${s.canonicalized ? t.lfNote : ''}`
        : t.altered;
  lines.push(`${t.signature}: ${sig}${s.digestAlgorithm ? ` (${s.digestAlgorithm})` : ''}`);
  // Who signed and when are facts of a valid report only; otherwise what the signature claims.
  const signerLabel = report.valid ? t.signer : t.claimedSigner;
  const signedAtLabel = report.valid ? t.signedAt : t.claimedSignedAt;
  if (s.signer)
    lines.push(`${signerLabel}: ${s.signer.subject}${s.signer.email ? ` <${s.signer.email}>` : ''}`);
  if (s.signingTime) lines.push(`${signedAtLabel}: ${when(s.signingTime, language)}`);
  if (c.trusted === null) lines.push(`${t.chain}: ${t.notJudged}`);
  else {
    const verdict = !c.trusted
      ? t.untrusted
      : c.trustSource === 'pec-anchor'
        ? t.trustedPec
        : t.trustedCaller;
    lines.push(
      `${t.chain}: ${verdict}, ${t.at} ${c.at ? when(c.at, language) : '-'}${c.anchor ? `, ${t.anchor} ${c.anchor}` : ''}`,
    );
    if (c.validNow !== null) lines.push(`  ${c.validNow ? t.validNow : t.expiredNow}`);
  }
  lines.push(`${t.checks}: ${summary.checks.map((k) => `${k.label}: ${k.outcomeText}`).join('; ')}`);

  if (summary.issues.length > 0) {
    lines.push(`${t.findings}:`);
    for (const i of summary.issues) {
      if (language === 'en') {
        lines.push(`  - [${i.severityText}] ${i.code}: ${i.detail}`);
        continue;
      }
      lines.push(`  - [${i.severityText}] ${i.code}: ${i.text}`);
      if (details && i.detail) lines.push(`      ${t.detail}: ${i.detail}`);
    }
  }
  // Each line is shown, never obeyed: a signer's name or a finding that quotes the message cannot
  // add a line of its own (the summary's sentences are already safe; displayText is idempotent).
  const own = lines.map((l) => {
    const lead = l.length - l.trimStart().length; // our own indentation, kept as it is
    return indent + l.slice(0, lead) + displayText(l.slice(lead));
  });
  for (const n of report.nested) {
    own.push(`${indent}${t.nested}:`);
    own.push(render(n, language, details, `${indent}  `));
  }
  return own.join('\n');
}

/**
 * Renders a verification report as plain text for people. With `'it'` every line is Italian:
 * the verdict, the answers to "is it authentic?" and "what happened?", who certified what and
 * when (Italian time and UTC), the checks, and each finding's meaning from {@link ISSUE_TEXT_IT},
 * followed by its run-time detail (technical, English) unless `details: false`. With `'en'` each
 * finding shows its run-time message.
 *
 * @example
 * ```ts
 * const report = await verifyPec(bytes);
 * console.log(formatReport(report, 'it'));
 * console.log(formatReport(report, 'it', { details: false })); // Italian only
 * ```
 * @category Verifying
 */
export function formatReport(
  report: VerificationReport,
  language: ReportLanguage = 'en',
  options: FormatOptions = {},
): string {
  checkOptions(options, 'formatReport options', FORMAT_KEYS);
  const lang: ReportLanguage = language === 'it' ? 'it' : 'en';
  return render(report, lang, options.details !== false, '');
}
