// Findings about a message. Parsing and verification never throw on a bad message: they report
// issues with a stable code, a severity and a sentence. This is the table of message-level codes
// (chain codes live in trust/issues.ts, daticert reader warnings in daticert/warnings.ts).
import type { DaticertWarningCode } from './daticert/warnings.js';
import type { PecErrorCode } from './errors.js';
import type { ChainIssueCode } from './trust/issues.js';
import type { VerifyIssueCode } from './verify/issues.js';

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
 * Every code an {@link Issue} can carry: the rows of the issue tables (message, daticert reader,
 * signature, chain) and the error codes a report carries when reading stops (`LIMIT_EXCEEDED`).
 * Derived from the tables, so a new row is a new member.
 *
 * @example
 * ```ts
 * const code: IssueCode = 'SIGNATURE_DIGEST_MISMATCH';
 * if (report.issues.some((i) => i.code === code)) console.log('altered after signing');
 * ```
 */
export type IssueCode =
  | MessageIssueCode
  | DaticertWarningCode
  | VerifyIssueCode
  | ChainIssueCode
  | PecErrorCode;

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
  code: IssueCode;
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
  KIND_HEADER_MISMATCH: ['warning', 'X-Trasporto / X-Ricevuta (unsigned) disagree with the daticert tipo.'],
  KIND_HEADER_MISSING: [
    'warning',
    'Neither X-Trasporto nor X-Ricevuta is present; the kind comes from daticert.',
  ],
  MESSAGE_ID_MISMATCH: [
    'warning',
    'The envelope Message-ID (unsigned) differs from the daticert identificativo.',
  ],
  RIFERIMENTO_MISMATCH: ['warning', 'X-Riferimento-Message-ID (unsigned) differs from the daticert msgid.'],
  SUBJECT_PREFIX_MISMATCH: ['warning', 'The Subject prefix (unsigned) does not match the kind.'],
  SUBJECT_MISMATCH: ['info', 'The Subject after its prefix differs from the daticert oggetto.'],
  SENDER_MISMATCH: ['warning', 'The "Per conto di" sender (unsigned) differs from the daticert mittente.'],
  POSTACERT_MISSING: ['error', 'postacert.eml is missing where the kind and form require it.'],
  POSTACERT_UNEXPECTED: ['warning', 'postacert.eml is present in a kind that must not carry the original.'],
  POSTACERT_ID_MISMATCH: ['warning', 'The Message-ID of postacert.eml differs from the identificativo.'],
  ORIGINAL_SENDER_MISMATCH: [
    'warning',
    'The From of postacert.eml is not just the daticert mittente, the certified sender.',
  ],
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
  PEC_NESTING_LIMIT: [
    'error',
    'PEC-looking messages are nested deeper than the search goes (4 levels): what lies below was not read; an unsigned wrapper above it is not shown as PEC (a warning inside a signed message).',
  ],
  FROM_MISSING: [
    'error',
    'A PEC message without a From field, or with a From that holds no address: the sender cannot be checked against the signer.',
  ],
  FROM_DUPLICATE: [
    'error',
    'Several From fields: pec-kit checks the first against the signer, other readers show another.',
  ],
  FROM_MULTIPLE_MAILBOXES: [
    'error',
    'The From field names several mailboxes: readers disagree on which one sent the message.',
  ],
  FROM_ENCODED_ADDRESS: [
    'error',
    'The From address is an RFC 2047 encoded-word (allowed in display names only): decoded, it is an address other readers do not see.',
  ],
  FROM_NAME_ADDRESS: [
    'error',
    'The From display name holds an <address> of its own (quoted, unquoted or encoded): other readers show or take that address.',
  ],
  CONTENT_TYPE_DUPLICATE: [
    'error',
    'Several top-level Content-Type fields: readers disagree on what the message is (signed or not, which structure).',
  ],
  CONTENT_TYPE_PARAM_DUPLICATE: [
    'error',
    'The top-level Content-Type names its boundary or protocol twice: readers split the message differently.',
  ],
  SIGNATURE_PART_TYPE: [
    'error',
    'The signature part of the multipart/signed is not application/pkcs7-signature or application/x-pkcs7-signature (OpenSSL refuses it).',
  ],
  DATICERT_DUPLICATE: [
    'error',
    "Several daticert.xml parts in the PEC content: which one holds the certified data is a reader's choice.",
  ],
  POSTACERT_DUPLICATE: [
    'error',
    "Several message/rfc822 parts next to daticert.xml: which one is the certified original is a reader's choice.",
  ],
  SIGNED_BARE_CR: [
    'warning',
    'The signed part holds a CR not followed by LF. pec-kit, like the signature check, does not take it for a line break; other mail readers may, and show another structure.',
  ],
  INPUT_EMPTY: [
    'error',
    'The input is empty (or only blanks): read the .eml file again and pass its content.',
  ],
  INPUT_FILE_PATH: [
    'error',
    'The input is a file path, not a message: read the file and pass its bytes, not its name.',
  ],
  INPUT_PDF: [
    'error',
    'The input is a PDF document, not an e-mail message: verify the whole PEC message saved as .eml.',
  ],
  INPUT_OUTLOOK_MSG: [
    'error',
    'The input is an Outlook .msg file: save the PEC message as .eml from the webmail or the mail client and verify that.',
  ],
  INPUT_FRAGMENT: [
    'error',
    'The input is a piece of a PEC message (a daticert.xml alone, or a part without the message headers): verify the whole .eml.',
  ],
  INPUT_POSTACERT: [
    'error',
    'The input is the original message extracted from a PEC envelope (postacert.eml), which carries no provider signature: verify the envelope or receipt that contains it.',
  ],
} as const satisfies Record<string, readonly [Severity, string]>;

/** A message-level issue code. */
export type MessageIssueCode = keyof typeof MESSAGE_ISSUES;

/** Makes an issue with the table's severity (overridable). */
export function issue(code: MessageIssueCode, message: string, severity?: Severity): Issue {
  return { code, severity: severity ?? MESSAGE_ISSUES[code][0], message };
}
