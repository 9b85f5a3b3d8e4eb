// Findings about a message. Parsing and verification never throw on a bad message: they report
// issues with a stable code, a severity and a sentence. This is the table of message-level codes
// (chain codes live in trust/issues.ts, daticert reader warnings in daticert/warnings.ts).

/**
 * How much a finding matters: `error` makes a message invalid, `warning` deserves attention.
 *
 * @example
 * ```ts
 * const errors = report.issues.filter((i) => i.severity === ('error' satisfies Severity));
 * ```
 * @category Verifying
 */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One finding.
 *
 * @example
 * ```ts
 * const report = await verifyPec(bytes);
 * for (const i of report.issues) console.log(i.severity, i.code, i.message); // error SIGNATURE_DIGEST_MISMATCH …
 * ```
 * @category Verifying
 */
export interface Issue {
  /** Stable code (see the issue-code table in docs/issue-codes.md). */
  code: string;
  severity: Severity;
  /** A plain-English sentence. */
  message: string;
}

/** Message-level issue codes with their severity and meaning. */
export const MESSAGE_ISSUES = {
  MIME_DEFECT: [
    'warning',
    'The MIME structure is damaged (truncated, missing delimiters); what could be read was kept.',
  ],
  MIME_EXTRA_PARTS: [
    'error',
    'multipart/signed has more than two parts: something was added next to the signed content.',
  ],
  PEC_NOT_SIGNED: ['error', 'The message claims to be PEC but is not multipart/signed.'],
  SIGNATURE_PART_MISSING: ['error', 'multipart/signed without its signature part (stripped or truncated).'],
  SIGNATURE_UNREADABLE: [
    'error',
    'The signature part is not valid base64 or not a CMS SignedData (placeholder or corrupted).',
  ],
  SIGNATURE_PROTOCOL: [
    'error',
    'multipart/signed with a protocol other than application/(x-)pkcs7-signature.',
  ],
  DATICERT_MISSING: ['error', 'No daticert.xml in the signed content of a kind that requires it.'],
  DATICERT_UNREADABLE: [
    'error',
    'daticert.xml is present but cannot be read (malformed, forbidden DTD/entities, invalid values).',
  ],
  DATICERT_UNEXPECTED: ['warning', 'A daticert.xml in a kind that must not carry one (anomaly envelope).'],
  DATICERT_OUTSIDE_SIGNATURE: [
    'error',
    'A daticert.xml was found outside the signed content; it is ignored.',
  ],
  KIND_HEADER_MISMATCH: [
    'warning',
    'X-Trasporto / X-Ricevuta (unsigned) disagree with the signed daticert tipo.',
  ],
  KIND_HEADER_MISSING: [
    'warning',
    'Neither X-Trasporto nor X-Ricevuta is present; the kind comes from daticert.',
  ],
  MESSAGE_ID_MISMATCH: [
    'warning',
    'The envelope Message-ID (unsigned) differs from the signed identificativo.',
  ],
  RIFERIMENTO_MISMATCH: ['warning', 'X-Riferimento-Message-ID (unsigned) differs from the signed msgid.'],
  SUBJECT_PREFIX_MISMATCH: ['warning', 'The Subject prefix (unsigned) does not match the kind.'],
  SUBJECT_MISMATCH: ['info', 'The Subject after its prefix differs from the signed oggetto.'],
  SENDER_MISMATCH: ['warning', 'The "Per conto di" sender (unsigned) differs from the signed mittente.'],
  POSTACERT_MISSING: ['error', 'postacert.eml is missing where the kind and form require it.'],
  POSTACERT_UNEXPECTED: ['warning', 'postacert.eml is present in a kind that must not carry the original.'],
  POSTACERT_ID_MISMATCH: ['warning', 'The Message-ID of postacert.eml differs from the identificativo.'],
  DELIVERY_FORM_MISMATCH: [
    'warning',
    'The receipt form in daticert differs from what the receipt really contains.',
  ],
  NESTED_PEC: ['info', 'A PEC message is nested inside this one (forwarded PEC or wrapped envelope).'],
  WRAPPED_PEC: [
    'error',
    'This is ordinary mail wrapping a PEC message (forward, mailing list); the wrapper itself is not PEC.',
  ],
  NOT_PEC: ['info', 'Ordinary e-mail: no PEC headers, no daticert, no provider signature.'],
} as const satisfies Record<string, readonly [Severity, string]>;

/** A message-level issue code. */
export type MessageIssueCode = keyof typeof MESSAGE_ISSUES;

/** Makes an issue with the table's severity (overridable). */
export function issue(code: MessageIssueCode, message: string, severity?: Severity): Issue {
  return { code, severity: severity ?? MESSAGE_ISSUES[code][0], message };
}
