// Renders a VerificationReport for people, in Italian or English: the verdict first, then who
// certified what and when, then every finding worth reading.
import type { VerificationReport } from './verify.js';

/**
 * Languages {@link formatReport} speaks.
 *
 * @example
 * ```ts
 * const language: ReportLanguage = 'it';
 * console.log(formatReport(await verifyPec(bytes), language));
 * ```
 * @category Verifying
 */
export type ReportLanguage = 'it' | 'en';

const TEXT = {
  en: {
    valid: 'VALID: genuine PEC message, signed by a trusted PEC provider',
    invalid: 'NOT VALID',
    kind: 'Kind',
    nonPec: 'ordinary e-mail (not PEC)',
    signature: 'Signature',
    intact: 'intact',
    altered: 'ALTERED after signing',
    none: 'none',
    unreadable: 'present but unreadable',
    lfNote: ' (matched after CRLF canonicalisation)',
    signer: 'Signed by',
    signedAt: 'Signed at',
    chain: 'Chain',
    trusted: 'trusted',
    untrusted: 'NOT trusted',
    notJudged: 'not judged',
    at: 'judged at',
    anchor: 'anchor',
    validNow: 'signer certificate valid today',
    expiredNow: 'signer certificate no longer valid today (normal for archived PEC)',
    findings: 'Findings',
    nested: 'Wrapped PEC message',
  },
  it: {
    valid: 'VALIDO: messaggio PEC autentico, firmato da un gestore PEC attendibile',
    invalid: 'NON VALIDO',
    kind: 'Tipo',
    nonPec: 'posta ordinaria (non PEC)',
    signature: 'Firma',
    intact: 'integra',
    altered: 'ALTERATA dopo la firma',
    none: 'assente',
    unreadable: 'presente ma illeggibile',
    lfNote: ' (verificata dopo la normalizzazione CRLF)',
    signer: 'Firmato da',
    signedAt: 'Firmato il',
    chain: 'Catena',
    trusted: 'attendibile',
    untrusted: 'NON attendibile',
    notJudged: 'non valutata',
    at: 'valutata al',
    anchor: 'radice',
    validNow: 'certificato del firmatario valido oggi',
    expiredNow: 'certificato del firmatario non più valido oggi (normale per PEC archiviate)',
    findings: 'Rilievi',
    nested: 'Messaggio PEC incapsulato',
  },
} as const;

const SEVERITY = {
  en: { error: 'error', warning: 'warning', info: 'note' },
  it: { error: 'errore', warning: 'avviso', info: 'nota' },
} as const;

/**
 * Renders a verification report as plain text for people.
 *
 * @example
 * ```ts
 * const report = await verifyPec(bytes);
 * console.log(formatReport(report, 'it'));
 * ```
 * @category Verifying
 */
export function formatReport(
  report: VerificationReport,
  language: ReportLanguage = 'en',
  indent = '',
): string {
  const t = TEXT[language] ?? TEXT.en;
  const sev = SEVERITY[language] ?? SEVERITY.en;
  const lines: string[] = [];
  const s = report.signature;
  const c = report.chain;
  lines.push(report.valid ? t.valid : t.invalid);
  lines.push(`${t.kind}: ${report.kind === 'non-pec' ? t.nonPec : report.kind}`);
  const sig = !s.present
    ? t.none
    : s.intact === null
      ? t.unreadable
      : s.intact
        ? `${t.intact}${s.canonicalized ? t.lfNote : ''}`
        : t.altered;
  lines.push(`${t.signature}: ${sig}${s.digestAlgorithm ? ` (${s.digestAlgorithm})` : ''}`);
  if (s.signer) lines.push(`${t.signer}: ${s.signer.subject}${s.signer.email ? ` <${s.signer.email}>` : ''}`);
  if (s.signingTime) lines.push(`${t.signedAt}: ${s.signingTime}`);
  if (c.trusted === null) lines.push(`${t.chain}: ${t.notJudged}`);
  else {
    lines.push(
      `${t.chain}: ${c.trusted ? t.trusted : t.untrusted}, ${t.at} ${c.at}${c.anchor ? `, ${t.anchor} ${c.anchor}` : ''}`,
    );
    if (c.validNow !== null) lines.push(`  ${c.validNow ? t.validNow : t.expiredNow}`);
  }
  const findings = report.issues.filter((i) => i.severity !== 'info' || !report.valid);
  if (findings.length > 0) {
    lines.push(`${t.findings}:`);
    for (const i of findings) lines.push(`  - [${sev[i.severity]}] ${i.code}: ${i.message}`);
  }
  for (const n of report.nested) {
    lines.push(`${t.nested}:`);
    lines.push(formatReport(n, language, '  '));
  }
  return lines.map((l) => indent + l).join('\n');
}
