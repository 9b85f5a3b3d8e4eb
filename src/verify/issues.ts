// Issue codes raised by verification itself (signature and signer). Chain codes: trust/issues.ts.
import type { Severity } from '../issues.js';

export const VERIFY_ISSUES = {
  SIGNATURE_DIGEST_MISMATCH: [
    'error',
    'The signed content was altered after signing: its digest differs from the signed messageDigest.',
  ],
  SIGNATURE_INVALID: ['error', 'The signature value does not verify with the signer certificate key.'],
  SIGNATURE_CONTENT_TYPE: ['error', 'The contentType signed attribute is missing or not id-data.'],
  SIGNATURE_NO_MESSAGE_DIGEST: ['error', 'The signed attributes lack messageDigest.'],
  SIGNER_CERT_MISSING: ['error', 'The CMS does not carry the signer certificate.'],
  SIGNATURE_UNSUPPORTED_ALGORITHM: ['error', 'The signature uses an algorithm pec-kit cannot check.'],
  SIGNATURE_SHA1: ['warning', 'SHA-1 digest: what real PEC providers still use; accepted, but weak.'],
  SIGNATURE_CANONICALIZED: [
    'info',
    'Only the CRLF-canonical form of the signed part verified (stored with LF line endings).',
  ],
  SIGNATURE_MULTIPLE_SIGNERS: [
    'warning',
    'The CMS has several SignerInfos (PEC uses one); every one was checked and verifies with a trusted chain.',
  ],
  SIGNATURE_EXTRA_SIGNER_INVALID: [
    'error',
    'A SignerInfo after the first does not verify over the signed part (or its certificate is missing).',
  ],
  SIGNATURE_EXTRA_SIGNER_UNTRUSTED: [
    'error',
    'A SignerInfo after the first verifies, but its certificate does not chain to a trusted PEC anchor.',
  ],
  SIGNATURE_ALGORITHM_MISMATCH: [
    'error',
    'The SignerInfo digest algorithm and the hash of its signature algorithm differ (e.g. SHA-256 with sha1WithRSA).',
  ],
  SIGNER_FROM_MISMATCH: ['error', 'The From address is not the signer certificate e-mail address.'],
  SIGNING_TIME_MISSING: ['warning', 'No signingTime attribute; the chain was judged at the current time.'],
  SIGNING_TIME_DATICERT_MISMATCH: [
    'warning',
    'The daticert time and the signing time are more than 15 minutes apart.',
  ],
  INTERNAL_ERROR: [
    'error',
    'An unexpected failure inside pec-kit while checking the message (a bug: please report it); the message is not valid.',
  ],
  NESTED_VERDICT: ['info', 'The verdict on a PEC message wrapped inside this one.'],
  SIGNING_TIME_IN_FUTURE: [
    'error',
    'The signingTime is later than the verification instant plus maxClockSkew (5 minutes): no provider signs in the future, and a chain judged at a future date proves nothing.',
  ],
  DATICERT_DATE_IN_FUTURE: [
    'error',
    'The daticert date is later than the verification instant plus maxClockSkew (5 minutes): the provider certifies an event that has not happened yet.',
  ],
  PROVIDER_DOMAIN_MISMATCH: [
    'error',
    "The identificativo of an envelope or (non-)acceptance receipt, which the signing provider assigns itself, is under another domain than the signer certificate's e-mail address (compared by registrable domain: pec.aruba.it ~ aruba.it): the message was signed by another provider than the one that made it.",
  ],
  PROVIDER_NAME_MISMATCH: [
    'error',
    'The daticert gestore-emittente shares no identifying word with the signer certificate (its O, OU and CN values and e-mail domain; legal forms such as S.p.A. and PEC words ignored): the receipt names another provider than the one that signed it.',
  ],
} as const satisfies Record<string, readonly [Severity, string]>;

export type VerifyIssueCode = keyof typeof VERIFY_ISSUES;
