// Public surface of the trust module: embedded PEC anchors, certificate helpers, chain policy.
export {
  AGID_CA1_2018_07_PEM,
  AGID_CA1_2018_PEM,
  AGID_CA1_PEM,
  DEFAULT_TRUST_ANCHOR_INFO,
  DEFAULT_TRUST_ANCHORS,
  DIGITPA_CA1_PEM,
  loadTrustAnchors,
  type TrustAnchorInfo,
} from './anchors.js';
export {
  type CertificateSummary,
  certificateEmails,
  fingerprint,
  issuerToString,
  nameToString,
  type PkiInput,
  parseCertificate,
  parseCertificates,
  parseCrl,
  parseCrls,
  rsaKeyBits,
  sanEmails,
  serialNumberHex,
  subjectToString,
  summarizeCertificate,
  toDer,
  toPem,
  validity,
} from './certificates.js';
export {
  type ChainResult,
  chainCacheStats,
  clearChainCache,
  LEGACY_KEYS_UNTIL,
  type ValidateChainOptions,
  validateChain,
} from './chain.js';
export {
  CHAIN_ISSUE_SEVERITY,
  CHAIN_ISSUES,
  type ChainIssue,
  type ChainIssueCode,
  type ChainIssueSeverity,
} from './issues.js';
