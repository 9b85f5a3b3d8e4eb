/**
 * pec-kit: build, parse and verify Italian certified e-mail (PEC). The public surface of the main
 * entry: the functions an app uses in production, and every type that appears in their
 * signatures, so callers can name them. What tests need (`createTestPki`) is in `pec-kit/testing`.
 *
 * @example
 * ```ts
 * import { verifyPec } from 'pec-kit';
 * const report = await verifyPec(bytes);
 * ```
 * @packageDocumentation
 * @module pec-kit
 */
export type { Bytes, BytesInput } from './bytes.js';
export type { DigestName } from './cms/oids.js';
export { type SignOptions, signDetached } from './cms/sign.js';
export type { KeyMaterial } from './cms/signer.js';
export { importSigner, type Signer, type SignerInput } from './cms/signer.js';
export type { SignatureFailure, VerifyDetachedOptions } from './cms/verify.js';
export { type CmsVerification, verifyDetached } from './cms/verify.js';
export type {
  Daticert,
  DaticertInput,
  DaticertWarning,
  Destinatario,
  ParseDaticertOptions,
  ParsedDaticert,
} from './daticert/index.js';
export { buildDaticert, DaticertSchema, parseDaticert } from './daticert/index.js';
export { displayText } from './display.js';
export { ERROR_CODES, isPecError, PecError, type PecErrorCode, PecTypeError } from './errors.js';
export type { Issue, IssueCode, Severity } from './issues.js';
export type { Presence } from './kinds.js';
export {
  DELIVERY_FORMS,
  type DeliveryForm,
  KINDS,
  type KindSpec,
  PEC_KINDS,
  type PecKind,
} from './kinds.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export type { Mailbox } from './mime/address.js';
export { type HeaderField, Headers as MimeHeaders } from './mime/headers.js';
export type { ContentType, ParsedValue } from './mime/params.js';
export type { MimeDefect, MimeEntity } from './mime/read.js';
export type { RandomSource } from './mime/write-random.js';
export type { BreveHashInput } from './provider/breve.js';
export {
  type AnomalyInput,
  type BuiltPec,
  buildAnomaly,
  buildEnvelope,
  buildReceipt,
  type EnvelopeInput,
  type ReceiptInput,
  type ReceiptKind,
} from './provider/build.js';
export {
  checkSubmission,
  DEFAULT_MAX_TRANSACTION_BYTES,
  SUBMISSION_REASONS,
  type SubmissionCheck,
  type SubmissionOptions,
  type SubmissionReason,
  type SubmissionReasonCode,
} from './provider/checks.js';
export { type IdOptions, makeIdentificativo, makeReceiptMessageId } from './provider/ids.js';
export type { BuildOptions, PecProvider } from './provider/sign.js';
export { type ItalianTime, italianOffsetMinutes, italianTime } from './provider/time.js';
export {
  deliveryFormFor,
  type PecTransaction,
  type TransactionFromEnvelopeOptions,
  type TransactionRecipient,
  transactionFromEnvelope,
} from './provider/transaction.js';
export type { NestedLocation } from './reading/attached-pec.js';
export type { DeliveryStatusNotification, DsnOriginal, DsnRecipient } from './reading/dsn.js';
export {
  type Attachment,
  attachmentContent,
  type BreveHash,
  type OriginalMessage,
} from './reading/original.js';
export {
  type AnomalyMessage,
  type EnvelopeMessage,
  type NonPecMessage,
  type ParsePecOptions,
  type PecHeaders,
  type PecMessage,
  parsePec,
  type ReceiptMessage,
  type SignatureParts,
} from './reading/parse.js';
export type { MessageMailboxes, MessageReading } from './reading/reading.js';
export { stripPecSubject } from './reading/subject.js';
export {
  DEFAULT_TRUST_ANCHOR_INFO,
  DEFAULT_TRUST_ANCHORS,
  type PkiInput,
  type TrustAnchorInfo,
} from './trust/index.js';
export type { BreveOptions } from './verify/breve.js';
export { type BreveEntry, type BreveReport, type HashReading, verifyBreveHashes } from './verify/breve.js';
export type { CertifiedFacts, CertifiedTime } from './verify/certified.js';
export type { IssueCodeInfo } from './verify/codes.js';
export { ISSUE_CODES } from './verify/codes.js';
export type { CorrelateOptions } from './verify/correlate.js';
export {
  type BounceEvidence,
  type CorrelateInput,
  type Correlation,
  correlate,
  type Evidence,
  type IgnoredMessage,
  type RecipientState,
  type RecipientStatus,
  type SentIds,
  type SentMessage,
  type VerifiedMessage,
  verifyAndCorrelate,
} from './verify/correlate.js';
export { type FormatOptions, formatReport } from './verify/format.js';
export { ISSUE_TEXT_IT, issueText } from './verify/messages-it.js';
export type { Outcome, OutcomeStatus } from './verify/outcome.js';
export {
  formatInstant,
  type LocalTime,
  type ReportLanguage,
  type ReportSummary,
  type SummaryCheck,
  type SummaryIssue,
  summarize,
} from './verify/summary.js';
export {
  type ChainReport,
  type CheckOutcome,
  createVerifier,
  type SignatureReport,
  type VerificationReport,
  type VerifyOptions,
  verifyPec,
} from './verify/verify.js';
export type { AlgorithmIdentifier as X509AlgorithmIdentifier, PublicKeyInfo } from './x509/algorithm.js';
export type { Certificate } from './x509/certificate.js';
export type { BasicConstraints, Extension, GeneralName, NameConstraints } from './x509/extensions.js';
export type { Name, NameAttribute } from './x509/name.js';
