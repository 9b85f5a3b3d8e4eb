/**
 * Stable issue codes reported by {@link validateChain}.
 *
 * Each code names one check of the PEC trust policy. Codes are part of the public contract: they never
 * change meaning between releases. The severity an issue carries is listed in
 * {@link CHAIN_ISSUE_SEVERITY}; any `error` makes the chain untrusted, `warning` and `info` never do.
 *
 * @example
 * ```ts
 * console.log(CHAIN_ISSUES.CHAIN_REVOKED);
 * ```
 */
export const CHAIN_ISSUES = {
  CHAIN_UNTRUSTED:
    'No certification path leads from the signer to one of the trust anchors given by the caller. Certificates carried by the message are only ever used as intermediates, never trusted by themselves.',
  CHAIN_TOO_LONG: 'The only paths to a trust anchor are longer than limits.maxChainLength certificates.',
  CHAIN_EXPIRED: 'A certificate of the path had expired at the check instant.',
  CHAIN_NOT_YET_VALID: 'A certificate of the path was not yet valid at the check instant.',
  CHAIN_ANCHOR_NOT_VALID_AT: "The check instant is outside the trust anchor's own validity period.",
  CHAIN_REVOKED:
    'A CRL given by the caller revokes a certificate of the path at or before the check instant (revocation date, or invalidity date when earlier).',
  CHAIN_REVOKED_LATER:
    'A CRL given by the caller revokes a certificate of the path, but only after the check instant: the check instant predates the revocation.',
  CHAIN_REVOCATION_UNKNOWN:
    'CRLs were given, but none of them is usable for a certificate of the path at the check instant (none from its issuer, or all stale).',
  CHAIN_REVOCATION_NOT_CHECKED: 'No CRLs were given, so revocation was not checked.',
  CHAIN_CRL_INVALID:
    'A CRL from an issuer of the path was ignored: its signature does not verify, its issuer may not sign CRLs, or it has a critical extension pec-kit does not process.',
  CHAIN_BAD_KEY_USAGE:
    'The signer certificate does not allow digitalSignature, or an issuing CA certificate does not allow keyCertSign.',
  CHAIN_BAD_EKU: 'A certificate of the path has an extended key usage that does not include emailProtection.',
  CHAIN_NOT_CA:
    'An issuing certificate of the path is not a CA certificate (basicConstraints cA is not true).',
  CHAIN_PATH_LENGTH:
    'A CA certificate of the path has more CA certificates below it than its pathLenConstraint allows.',
  CHAIN_NAME_CONSTRAINTS:
    'A name of a certificate (SAN e-mail, DNS name, IP address or subject DN) is outside the permitted subtrees, or inside the excluded subtrees, of a CA of the path (the anchor included).',
  CHAIN_UNKNOWN_CRITICAL_EXTENSION:
    'A certificate of the path carries a critical extension that pec-kit does not process.',
  CHAIN_WEAK_KEY:
    'A certificate of the path has an RSA key shorter than 2048 bits but accepted: 1024 bits or more, in a certificate that expired before legacyKeysUntil (2018-01-01, the DigitPA CA1 era), or with minRsaBits lowered by the caller.',
  CHAIN_WEAK_SIGNATURE: 'A certificate of the path is signed with SHA-1 (still seen in old PEC chains).',
  CHAIN_POLICY_MISSING: 'The signer certificate does not carry the PEC policy OID 1.3.76.16.3.1.1.',
  CHAIN_LEAF_PROFILE:
    'The signer certificate deviates from the PEC certificate profile (keyUsage absent or not critical, basicConstraints present).',
  CHAIN_SIGNER_PINNED: 'The signer certificate itself is one of the trust anchors.',
  SIGNER_EMAIL_MISMATCH:
    'None of the e-mail addresses of the signer certificate is the expected address (the From: address).',
  CHAIN_REVOKED_COMPROMISE:
    'A CRL given by the caller revokes a certificate of the path for key compromise (keyCompromise, cACompromise, aACompromise, or unspecified with an earlier invalidityDate), after the check instant. The check instant is the signingTime, which whoever holds the key writes as they like, so it proves nothing: not valid unless the caller gives a trusted instant (verifyPec `at: Date`).',
  CHAIN_KEY_TOO_WEAK:
    'A certificate of the path has an RSA key shorter than the minimum (minRsaBits, default 2048; never below 1024). Keys of 1024 bits or more in certificates that expired before legacyKeysUntil (2018-01-01) are only a warning, CHAIN_WEAK_KEY.',
  CHAIN_KEY_UNSAFE:
    'A certificate of the path, or a candidate issuer, has an RSA key pec-kit does not check signatures with: a public exponent that is even, below 3 or above 2^32+1, or a modulus above limits.maxRsaModulusBits (8192). Such keys only make verification slow.',
  CHAIN_WORK_LIMIT:
    'Validating the chain hit a bound on its work: more same-name candidate issuers for one certificate than limits.maxIssuerCandidates, more issuer-signature checks than limits.maxSignatureChecks, or a path search too long. A real PEC chain never does; the chain is not trusted.',
} as const;

/**
 * A stable chain issue code; see {@link CHAIN_ISSUES}.
 *
 * @example
 * ```ts
 * const code: ChainIssueCode = 'CHAIN_NAME_CONSTRAINTS';
 * ```
 */
export type ChainIssueCode = keyof typeof CHAIN_ISSUES;

/**
 * How much an issue matters: only `error` makes a chain untrusted.
 *
 * @example
 * ```ts
 * const blocking = (s: ChainIssueSeverity): boolean => s === 'error';
 * ```
 */
export type ChainIssueSeverity = 'error' | 'warning' | 'info';

/**
 * The severity each code is reported with.
 *
 * @example
 * ```ts
 * CHAIN_ISSUE_SEVERITY.CHAIN_WEAK_KEY; // 'warning'
 * ```
 */
export const CHAIN_ISSUE_SEVERITY: Readonly<Record<ChainIssueCode, ChainIssueSeverity>> = Object.freeze({
  CHAIN_UNTRUSTED: 'error',
  CHAIN_TOO_LONG: 'error',
  CHAIN_EXPIRED: 'error',
  CHAIN_NOT_YET_VALID: 'error',
  CHAIN_ANCHOR_NOT_VALID_AT: 'error',
  CHAIN_REVOKED: 'error',
  CHAIN_REVOKED_LATER: 'warning',
  CHAIN_REVOCATION_UNKNOWN: 'warning',
  CHAIN_REVOCATION_NOT_CHECKED: 'info',
  CHAIN_CRL_INVALID: 'warning',
  CHAIN_BAD_KEY_USAGE: 'error',
  CHAIN_BAD_EKU: 'error',
  CHAIN_NOT_CA: 'error',
  CHAIN_PATH_LENGTH: 'error',
  CHAIN_NAME_CONSTRAINTS: 'error',
  CHAIN_UNKNOWN_CRITICAL_EXTENSION: 'error',
  CHAIN_WEAK_KEY: 'warning',
  CHAIN_WEAK_SIGNATURE: 'warning',
  CHAIN_POLICY_MISSING: 'warning',
  CHAIN_LEAF_PROFILE: 'warning',
  CHAIN_SIGNER_PINNED: 'info',
  SIGNER_EMAIL_MISMATCH: 'error',
  CHAIN_REVOKED_COMPROMISE: 'error',
  CHAIN_KEY_TOO_WEAK: 'error',
  CHAIN_KEY_UNSAFE: 'error',
  CHAIN_WORK_LIMIT: 'error',
});

/**
 * One finding of chain validation.
 *
 * @example
 * ```ts
 * const issue: ChainIssue = { code: 'CHAIN_WEAK_KEY', severity: 'warning', message: 'RSA-1024 key in CN=x' };
 * ```
 */
export interface ChainIssue {
  /** Stable code, a key of {@link CHAIN_ISSUES}. */
  readonly code: ChainIssueCode;
  /** `error` makes the chain untrusted; `warning` and `info` do not. */
  readonly severity: ChainIssueSeverity;
  /** Human-readable detail naming the certificate concerned. Never contains the check instant. */
  readonly message: string;
}

/**
 * Builds an issue with the code's standard severity (frozen).
 *
 * @internal
 * @example
 * ```ts
 * chainIssue('CHAIN_EXPIRED', 'CN=x expired on 2020-12-03T15:05:44.000Z');
 * ```
 */
export function chainIssue(code: ChainIssueCode, message: string): ChainIssue {
  return Object.freeze({ code, severity: CHAIN_ISSUE_SEVERITY[code], message });
}
