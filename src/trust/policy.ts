// The policy checks on one candidate path, RFC 5280 plus the PEC profile (spec §7.1), at the
// check instant: validity dates, critical extensions, key strength, the signer's key usage and
// policy OID, EKU, CA flags, keyCertSign, pathLenConstraint, name constraints of every CA
// (the anchor included); revocation is delegated to revocation.ts.
// Kept apart from the path search: a path is found by signatures alone, then judged here.
import { describe } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';
import { EXT } from '../x509/extensions.js';
import { rsaKeyProblem } from '../x509/signature.js';
import { rsaKeyBits } from './certificates.js';
import { type ChainIssue, type ChainIssueCode, chainIssue } from './issues.js';
import { nameConstraintViolations } from './name-constraints.js';
import type { Context, Node } from './path.js';
import { checkRevocation, iso } from './revocation.js';

const OID = {
  emailProtection: '1.3.6.1.5.5.7.3.4',
  anyExtendedKeyUsage: '2.5.29.37.0',
  pecLeafPolicy: '1.3.76.16.3.1.1',
} as const;

// Extensions whose criticality pec-kit honours. A critical extension outside this list makes the
// path invalid (RFC 5280 §4.2). That includes the policy-processing ones (policyMappings,
// policyConstraints, inhibitAnyPolicy): pec-kit does not build the RFC 5280 §6.1 policy tree, and no
// PEC CA uses them, so a path that depends on them is refused rather than half-checked.
// certificatePolicies is read (the PEC policy OID of the signer) and does not constrain the path
// unless one of those extensions requires an explicit policy.
const UNDERSTOOD_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.30', // nameConstraints
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.32', // certificatePolicies
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.37', // extKeyUsage
  '2.5.29.46', // freshestCRL
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
]);

const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3']);

const KU_DIGITAL_SIGNATURE = 0x80;
const KU_KEY_CERT_SIGN = 0x04;

const isSelfIssued = (cert: Certificate): boolean => cert.subject.equals(cert.issuer);

/** The policy verdict on one candidate path. */
export interface Evaluation {
  readonly nodes: readonly Node[];
  readonly issues: ChainIssue[];
  /** Validity windows of the path certificates, ms. */
  readonly windows: readonly (readonly [number, number])[];
  /** Effective revocation instants of path certificates, ms. */
  readonly revocations: readonly number[];
}

/** What the policy needs besides the inputs (part of the cache key). */
export interface Policy {
  readonly atTrusted: boolean;
  readonly minRsaBits: number;
  readonly legacyKeysUntil: number | null;
  readonly maxIssuerCandidates: number;
  readonly maxSignatureChecks: number;
  readonly maxRsaModulusBits: number;
}

/** Applies the whole policy to one path (signer first, anchor last) at `ctx.at`. */
export async function evaluate(ctx: Context, nodes: readonly Node[]): Promise<Evaluation> {
  const issues: ChainIssue[] = [];
  const add = (code: ChainIssueCode, message: string): void => {
    issues.push(chainIssue(code, message));
  };
  const at = ctx.at;
  const last = nodes.length - 1;
  const windows = nodes.map((n) => [n.cert.notBefore.getTime(), n.cert.notAfter.getTime()] as const);

  if (last === 0) add('CHAIN_SIGNER_PINNED', `the signer ${nodes[0]!.subject} is itself a trust anchor`);

  nodes.forEach((node, i) => {
    const { cert, subject } = node;
    const [nb, na] = windows[i]!;
    const isAnchor = i === last && i > 0;
    if (at < nb) {
      if (isAnchor)
        add('CHAIN_ANCHOR_NOT_VALID_AT', `the trust anchor ${subject} is valid only from ${iso(nb)}`);
      else add('CHAIN_NOT_YET_VALID', `${subject} is valid only from ${iso(nb)}`);
    } else if (at > na) {
      if (isAnchor) add('CHAIN_ANCHOR_NOT_VALID_AT', `the trust anchor ${subject} expired on ${iso(na)}`);
      else add('CHAIN_EXPIRED', `${subject} expired on ${iso(na)}`);
    }
    for (const e of cert.extensions) {
      if (e.critical && !UNDERSTOOD_EXTENSIONS.has(e.oid)) {
        add(
          'CHAIN_UNKNOWN_CRITICAL_EXTENSION',
          `${subject} has the critical extension ${e.oid}, which pec-kit does not process`,
        );
      }
    }
    const bits = rsaKeyBits(cert);
    const { minRsaBits, legacyKeysUntil, maxRsaModulusBits } = ctx.policy;
    if (bits !== null && (bits < minRsaBits || bits < 2048)) {
      // Old archives: a certificate whose whole life ended before legacyKeysUntil may have 1024 bits.
      const legacy = legacyKeysUntil !== null && na < legacyKeysUntil;
      if (bits >= 1024 && (bits >= minRsaBits || legacy))
        add('CHAIN_WEAK_KEY', `${subject} has an RSA-${bits} key (fewer than 2048 bits)`);
      else
        add(
          'CHAIN_KEY_TOO_WEAK',
          `${subject} has an RSA-${bits} key (fewer than ${bits < 1024 ? 1024 : minRsaBits} bits)`,
        );
    }
    if (bits !== null) {
      // The signer's key too (issuers are screened before their signatures are checked).
      const problem = rsaKeyProblem(cert.publicKey, maxRsaModulusBits);
      if (problem) add('CHAIN_KEY_UNSAFE', `${subject}: ${problem}`);
    }
    // The anchor's own signature is never relied upon.
    if (!isAnchor && SHA1_SIGNATURES.has(cert.signatureAlgorithm.oid)) {
      add('CHAIN_WEAK_SIGNATURE', `${subject} is signed with SHA-1`);
    }
  });

  // The signer: PEC profile (spec §7.1).
  const leaf = nodes[0]!;
  const ku = leaf.cert.keyUsage;
  if (ku === null)
    add(
      'CHAIN_LEAF_PROFILE',
      `${leaf.subject} has no keyUsage extension (the PEC profile requires digitalSignature, critical)`,
    );
  else {
    if ((ku & KU_DIGITAL_SIGNATURE) === 0)
      add('CHAIN_BAD_KEY_USAGE', `${leaf.subject} does not allow digitalSignature`);
    if (!leaf.cert.extension(EXT.keyUsage)?.critical)
      add('CHAIN_LEAF_PROFILE', `${leaf.subject} has a non-critical keyUsage`);
  }
  const leafBc = leaf.cert.basicConstraints;
  if (leafBc) {
    add(
      'CHAIN_LEAF_PROFILE',
      `${leaf.subject} has basicConstraints${leafBc.cA ? ' with cA=true (a CA certificate signs the message)' : ''}`,
    );
  }
  if (!leaf.cert.policies.includes(OID.pecLeafPolicy)) {
    add('CHAIN_POLICY_MISSING', `${leaf.subject} does not carry the PEC policy ${OID.pecLeafPolicy}`);
  }

  // EKU along the whole path (as OpenSSL's S/MIME purpose does): when present it must allow e-mail.
  for (const node of nodes) {
    const eku = node.cert.extKeyUsage;
    if (eku && !eku.includes(OID.emailProtection) && !eku.includes(OID.anyExtendedKeyUsage)) {
      add(
        'CHAIN_BAD_EKU',
        `${node.subject} has an extended key usage without emailProtection (${eku.join(', ')})`,
      );
    }
  }

  // Issuing certificates: CA flag, keyCertSign, path length, name constraints (the anchor included).
  for (let i = 1; i <= last; i++) {
    const ca = nodes[i]!;
    const bc = ca.cert.basicConstraints;
    if (!bc?.cA)
      add('CHAIN_NOT_CA', `${ca.subject} issues ${nodes[i - 1]!.subject} but is not a CA certificate`);
    const caKu = ca.cert.keyUsage;
    if (caKu !== null && (caKu & KU_KEY_CERT_SIGN) === 0)
      add('CHAIN_BAD_KEY_USAGE', `${ca.subject} does not allow keyCertSign`);
    if (bc?.pathLen !== undefined) {
      let below = 0;
      for (let j = 1; j < i; j++) if (!isSelfIssued(nodes[j]!.cert)) below++;
      if (below > bc.pathLen) {
        add(
          'CHAIN_PATH_LENGTH',
          `${ca.subject} allows ${bc.pathLen} CA certificate(s) below it (pathLenConstraint), the path has ${below}`,
        );
      }
    }
    for (let j = 0; j < i; j++) {
      if (j > 0 && isSelfIssued(nodes[j]!.cert)) continue;
      for (const v of nameConstraintViolations(nodes[j]!.cert, ca.cert)) {
        add('CHAIN_NAME_CONSTRAINTS', `${nodes[j]!.subject}: ${v} of ${ca.subject}`);
      }
    }
  }

  // Revocation, from the caller's CRLs only, honouring revocation and invalidity dates.
  const revocations = await checkRevocation(ctx, nodes, add);

  return { nodes, issues, windows, revocations };
}

/**
 * Checks the key-policy options (`minRsaBits`, `legacyKeysUntil`) shared by {@link validateChain}
 * and `verifyPec`.
 *
 * @internal
 * @throws PecError `INVALID_ARGUMENT` for a minRsaBits outside 1024–16384 or a bad date.
 * @example
 * ```ts
 * checkKeyPolicy(1024, null); // fine: old archives, no legacy window
 * ```
 */
export function checkKeyPolicy(minRsaBits: unknown, legacyKeysUntil: unknown): void {
  // 1024 is the floor: below it a key is breakable by anyone, so no option makes it acceptable.
  if (
    minRsaBits !== undefined &&
    (typeof minRsaBits !== 'number' ||
      !Number.isSafeInteger(minRsaBits) ||
      minRsaBits < 1024 ||
      minRsaBits > 16384)
  )
    throw invalidArgument(`minRsaBits must be an integer from 1024 to 16384, got ${describe(minRsaBits)}`);
  if (
    legacyKeysUntil !== undefined &&
    legacyKeysUntil !== null &&
    (!(legacyKeysUntil instanceof Date) || Number.isNaN(legacyKeysUntil.getTime()))
  )
    throw invalidArgument(`legacyKeysUntil must be a valid Date or null, got ${describe(legacyKeysUntil)}`);
}
