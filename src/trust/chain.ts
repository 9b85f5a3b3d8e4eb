// The PEC trust policy: RFC 5280 path validation plus the PEC profile, at the signing time.
// This module is the orchestrator and the public face (options, verdict, cache controls); the work
// is in path.ts (issuers, path search, bounds, caches), policy.ts (the checks on one path) and
// revocation.ts (CRLs).
//
// Several issuers can share a name (AgID CA1 has three issuances with one key), so pec-kit builds
// every candidate path (each link signature-checked with WebCrypto), applies the whole policy to
// each — dates, CA flags, key usages, pathLenConstraint, name constraints of every CA including the
// anchor, CRLs with their revocation dates — and keeps the best. (pkijs' engine, used before, took
// the last certificate as the leaf and skipped most of these checks: stack-notes §4.)
import { describe } from '../bytes.js';
import { isoString } from '../calendar.js';
import { resolveCrypto } from '../crypto.js';
import { invalidArgument } from '../errors.js';
import { enforce, type Limits, resolveLimits } from '../limits.js';
import { Certificate } from '../x509/certificate.js';
import { Crl } from '../x509/crl.js';
import { certificateEmails } from './certificates.js';
import { type ChainIssue, chainIssue } from './issues.js';
import { buildCore, cachedCore, cryptoIdOf, inputsOf, timeBucket } from './path.js';
import { checkKeyPolicy, type Policy } from './policy.js';

export { chainCacheStats, clearChainCache } from './path.js';
export { checkKeyPolicy } from './policy.js';

/**
 * Options of {@link validateChain}.
 *
 * @example
 * ```ts
 * const options: ValidateChainOptions = { signer, certificates, anchors: loadTrustAnchors(), at: signingTime };
 * ```
 */
export interface ValidateChainOptions {
  /** The certificate that made the signature (the CMS signer). */
  signer: Certificate;
  /**
   * Other certificates that came with the signature (untrusted; used only as intermediates). May include
   * the signer itself and copies of anchors.
   */
  certificates?: readonly Certificate[];
  /** The trust anchors. Only these are trusted; they need not be self-signed (AgID CA1 is not). */
  anchors: readonly Certificate[];
  /** CRLs to honour, from the caller (never fetched). Revocations dated after `at` do not count. */
  crls?: readonly Crl[];
  /** The check instant: for PEC, the signing time. */
  at: Date;
  /** The address the signer certificate must carry (the envelope's `From:`), compared case-insensitively. */
  expectedEmail?: string;
  /**
   * WebCrypto implementation. Default: the platform's (`globalThis.crypto`); in Node, digests and
   * signature checks then run in node:crypto on the calling thread (same results, a fifth of the
   * CPU). Pass one, even `globalThis.crypto`, to have it do everything.
   */
  crypto?: Crypto;
  /** Limits; `maxChainLength` bounds the path (signer and anchor included), `maxCertificates` the input. */
  limits?: Partial<Limits>;
  /** The instant `validNow` refers to; defaults to the current time. */
  now?: Date;
  /**
   * Whether `at` comes from a source the signer does not control (a caller's time-stamp or log),
   * rather than from the signature's own signingTime. Default false. Only a trusted `at` lets a
   * certificate revoked for key compromise count as valid before its revocation date.
   */
  atTrusted?: boolean;
  /**
   * Smallest RSA modulus, in bits, accepted in the path (anchor included). Default 2048; 1024 is
   * the lowest value accepted (for old archives), anything lower is refused with INVALID_ARGUMENT.
   * A smaller key gives `CHAIN_KEY_TOO_WEAK`, except in a certificate covered by `legacyKeysUntil`.
   */
  minRsaBits?: number;
  /**
   * Certificates that expired before this instant may have RSA keys of 1024 bits or more: they are
   * reported with the warning `CHAIN_WEAK_KEY` instead of `CHAIN_KEY_TOO_WEAK`. Default
   * {@link LEGACY_KEYS_UNTIL} (2018-01-01: PEC provider certificates issued under DigitPA CA1 had
   * 1024-bit keys); null applies `minRsaBits` to every certificate.
   */
  legacyKeysUntil?: Date | null;
}

/**
 * The default of `legacyKeysUntil`: 2018-01-01T00:00:00Z. PEC provider certificates of the DigitPA
 * CA1 era (which ended on 2018-01-14) had RSA-1024 keys; no certificate valid after it does.
 *
 * @example
 * ```ts
 * await validateChain({ signer, anchors: loadTrustAnchors(), at: signingTime, legacyKeysUntil: LEGACY_KEYS_UNTIL });
 * ```
 */
export const LEGACY_KEYS_UNTIL: Date = new Date('2018-01-01T00:00:00Z');

/**
 * The verdict of {@link validateChain}.
 *
 * @example
 * ```ts
 * const r: ChainResult = await validateChain(options);
 * if (r.trusted && !r.validNow) console.log(`valid when signed (${r.at}), not any more`);
 * ```
 */
export interface ChainResult {
  /** True when a path to an anchor exists and no issue has severity `error`. */
  readonly trusted: boolean;
  /** The check instant, ISO 8601 UTC. */
  readonly at: string;
  /** Subject DN (RFC 4514) of the anchor the chosen path ends at, or null when there is no path. */
  readonly anchor: string | null;
  /** Subject DNs from the signer to the anchor; without a path, as far as issuers were found. */
  readonly path: string[];
  /**
   * Whether the same path is also valid at `now` (dates and revocations), given that it is trusted at
   * `at`. Absent when no path was found.
   */
  readonly validNow?: boolean;
  /** Every finding, errors first. */
  readonly issues: ChainIssue[];
}

const isCertificate = (v: unknown): v is Certificate => v instanceof Certificate;
const isCrl = (v: unknown): v is Crl => v instanceof Crl;

/** The policy options of {@link validateChain}, checked. */
function resolvePolicy(options: ValidateChainOptions, limits: Limits): Policy {
  const { atTrusted = false, minRsaBits = 2048 } = options;
  const legacy = options.legacyKeysUntil === undefined ? LEGACY_KEYS_UNTIL : options.legacyKeysUntil;
  if (typeof atTrusted !== 'boolean')
    throw invalidArgument(`atTrusted must be a boolean, got ${describe(atTrusted)}`);
  checkKeyPolicy(minRsaBits, legacy);
  return {
    atTrusted,
    minRsaBits,
    legacyKeysUntil: legacy === null ? null : legacy.getTime(),
    maxIssuerCandidates: limits.maxIssuerCandidates,
    maxSignatureChecks: limits.maxSignatureChecks,
    maxRsaModulusBits: limits.maxRsaModulusBits,
  };
}

/**
 * Validates the certification path of a PEC signer at a given instant, under the PEC trust policy:
 * a path from `signer` (through `certificates`) to one of `anchors`, every certificate valid at `at`
 * and `at` inside the anchor's validity, signer keyUsage digitalSignature, EKU emailProtection when
 * present, CA flags and pathLenConstraint, name constraints of every CA (anchor included), CRLs with
 * revocation dates honoured (a key-compromise revocation whatever the date, unless `at` is trusted),
 * RSA ≥ `minRsaBits` (2048; 1024-bit keys of certificates that expired before `legacyKeysUntil` as
 * a warning), the PEC policy OID as a warning, and the signer e-mail. The work is bounded
 * (`limits.maxIssuerCandidates`, `maxSignatureChecks`, `maxRsaModulusBits`: `CHAIN_WORK_LIMIT`,
 * `CHAIN_KEY_UNSAFE`).
 *
 * Never throws for a bad chain: the verdict is in `trusted` and `issues`. Results are cached (bounded,
 * by content), so validating a batch of messages from the same providers is cheap.
 *
 * @throws PecError `INVALID_ARGUMENT` for malformed options, `LIMIT_EXCEEDED` when more than
 * `limits.maxCertificates` certificates are given.
 * @example
 * ```ts
 * const r = await validateChain({
 *   signer, certificates, anchors: loadTrustAnchors(),
 *   at: signingTime, expectedEmail: 'posta-certificata@pec.aruba.it',
 * });
 * if (!r.trusted) console.log(r.issues.filter((i) => i.severity === 'error'));
 * ```
 */
export async function validateChain(options: ValidateChainOptions): Promise<ChainResult> {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(`options must be an object, got ${describe(options)}`);
  const { signer, certificates = [], anchors, crls = [], at, expectedEmail } = options;
  if (!isCertificate(signer)) throw invalidArgument(`signer must be a Certificate, got ${describe(signer)}`);
  for (const [name, list, check] of [
    ['certificates', certificates, isCertificate],
    ['anchors', anchors, isCertificate],
    ['crls', crls, isCrl],
  ] as const) {
    if (!Array.isArray(list)) throw invalidArgument(`${name} must be an array, got ${describe(list)}`);
    for (const item of list)
      if (!check(item))
        throw invalidArgument(
          `${name} must hold ${name === 'crls' ? 'Crl' : 'Certificate'} objects, got ${describe(item)}`,
        );
  }
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw invalidArgument(`at must be a valid Date, got ${describe(at)}`);
  if (expectedEmail !== undefined && typeof expectedEmail !== 'string') {
    throw invalidArgument(`expectedEmail must be a string, got ${describe(expectedEmail)}`);
  }
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw invalidArgument(`now must be a valid Date, got ${describe(now)}`);
  const limits = resolveLimits(options.limits);
  enforce(limits, 'maxCertificates', certificates.length, 'certificates given with the signer');
  const crypto = resolveCrypto(options.crypto);
  const atMs = at.getTime();
  const policy = resolvePolicy(options, limits);

  const cryptoId = cryptoIdOf(crypto);
  const inputs = await inputsOf(cryptoId, crypto, limits.maxChainLength, signer, certificates, anchors, crls);
  const policyKey = `${policy.atTrusted ? 't' : 's'},${policy.minRsaBits},${policy.legacyKeysUntil ?? '-'},${policy.maxIssuerCandidates},${policy.maxSignatureChecks},${policy.maxRsaModulusBits}`;
  const bucket = timeBucket(atMs, [[signer], certificates, anchors], inputs.crlList);
  const key = `${inputs.contentId}|${policyKey}|${bucket}`;

  const query = {
    crypto,
    cryptoId,
    at: atMs,
    policy,
    maxChainLength: limits.maxChainLength,
    signer,
    certificates,
    anchors,
  };
  const core = await cachedCore(key, () => buildCore(query, inputs));

  const issues = [...core.issues];
  if (expectedEmail !== undefined) {
    const want = expectedEmail.trim().toLowerCase();
    const have = certificateEmails(signer);
    if (!have.some((e) => e.trim().toLowerCase() === want)) {
      issues.unshift(
        chainIssue(
          'SIGNER_EMAIL_MISMATCH',
          have.length === 0
            ? `the signer certificate carries no e-mail address; expected ${expectedEmail}`
            : `the signer certificate is for ${have.join(', ')}; expected ${expectedEmail}`,
        ),
      );
    }
  }
  const trusted = core.found && !issues.some((i) => i.severity === 'error');
  const nowMs = now.getTime();
  if (!core.found) return { trusted, at: isoString(at), anchor: core.anchor, path: [...core.path], issues };
  const validNow =
    trusted &&
    core.windows.every(([nb, na]) => nb <= nowMs && nowMs <= na) &&
    core.revocations.every((d) => d > nowMs);
  return { trusted, at: isoString(at), anchor: core.anchor, path: [...core.path], issues, validNow };
}
