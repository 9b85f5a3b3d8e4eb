// The PEC trust policy: RFC 5280 path validation plus the PEC profile, at the signing time.
//
// Several issuers can share a name (AgID CA1 has three issuances with one key), so pec-kit builds
// every candidate path (each link signature-checked with WebCrypto), applies the whole policy to
// each — dates, CA flags, key usages, pathLenConstraint, name constraints of every CA including the
// anchor, CRLs with their revocation dates — and keeps the best. (pkijs' engine, used before, took
// the last certificate as the leaf and skipped most of these checks: stack-notes §4.)
import { describe, toHex } from '../bytes.js';
import { resolveCrypto } from '../crypto.js';
import { DerError, minimalInteger, readRoot, time as readTime, smallInt } from '../der/read.js';
import { invalidArgument } from '../errors.js';
import { enforce, type Limits, resolveLimits } from '../limits.js';
import { Certificate } from '../x509/certificate.js';
import { Crl } from '../x509/crl.js';
import { EXT } from '../x509/extensions.js';
import { rsaKeyProblem, verifySignature } from '../x509/signature.js';
import { certificateEmails, fingerprint, rsaKeyBits, serialNumberHex } from './certificates.js';
import { type ChainIssue, type ChainIssueCode, chainIssue } from './issues.js';
import { nameConstraintViolations } from './name-constraints.js';

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
  /** WebCrypto implementation; defaults to `globalThis.crypto`. */
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

// ---------------------------------------------------------------------------------------------
// Certificate facts

const OID = {
  emailProtection: '1.3.6.1.5.5.7.3.4',
  anyExtendedKeyUsage: '2.5.29.37.0',
  pecLeafPolicy: '1.3.76.16.3.1.1',
  invalidityDate: '2.5.29.24',
  reasonCode: '2.5.29.21',
  certificateIssuer: '2.5.29.29',
  deltaCrlIndicator: '2.5.29.27',
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
const UNDERSTOOD_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35', '2.5.29.28', '2.5.29.18']);

const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3']);

const REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'unused',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

const KU_DIGITAL_SIGNATURE = 0x80;
const KU_KEY_CERT_SIGN = 0x04;
const KU_CRL_SIGN = 0x02;

const keyIdHex = (id: Uint8Array | null): string | null => (id ? toHex(id) : null);

const isSelfIssued = (cert: Certificate): boolean => cert.subject.equals(cert.issuer);

// ---------------------------------------------------------------------------------------------
// Per-call context

interface Node {
  readonly cert: Certificate;
  readonly fp: string;
  readonly anchor: boolean;
  readonly subject: string;
  readonly ski: string | null;
}

interface RevocationEntry {
  readonly date: number;
  readonly reason: string | null;
  /**
   * The key is known or suspected to have been compromised (keyCompromise, cACompromise,
   * aACompromise, or an unspecified reason with an invalidityDate before the revocation): from
   * then on, a signingTime written with that key proves nothing.
   */
  readonly compromise: boolean;
}

interface CrlFacts {
  readonly crl: Crl;
  readonly fp: string;
  readonly thisUpdate: number;
  readonly nextUpdate: number | null;
  /** Why the CRL cannot be used at all (delta or indirect CRL, unknown critical extension), or null. */
  readonly unsupported: string | null;
  /** Revoked serials (lower-case hex, no leading zeros) → entries. */
  readonly entries: ReadonlyMap<string, RevocationEntry[]>;
}

/** The policy verdict on one candidate path. */
interface Evaluation {
  readonly nodes: readonly Node[];
  readonly issues: ChainIssue[];
  /** Validity windows of the path certificates, ms. */
  readonly windows: readonly (readonly [number, number])[];
  /** Effective revocation instants of path certificates, ms. */
  readonly revocations: readonly number[];
}

/** What the cache keeps: the verdict without the certificate objects, the check instant or the e-mail check. */
interface Core {
  readonly found: boolean;
  readonly anchor: string | null;
  readonly path: readonly string[];
  readonly issues: readonly ChainIssue[];
  readonly windows: readonly (readonly [number, number])[];
  readonly revocations: readonly number[];
}

/** What the policy needs besides the inputs (part of the cache key). */
interface Policy {
  readonly atTrusted: boolean;
  readonly minRsaBits: number;
  readonly legacyKeysUntil: number | null;
  readonly maxIssuerCandidates: number;
  readonly maxSignatureChecks: number;
  readonly maxRsaModulusBits: number;
}

// Issuer-signature verdicts, shared by every validation (nested messages of one verifyPec call,
// every call of a createVerifier batch): keyed by the fingerprints of the signed object and of the
// issuer, bounded. A verdict on content is the same whatever the context.
const SIG_MEMO_MAX = 4096;
const sigMemo = new Map<string, Promise<boolean>>();

class Context {
  private readonly crlMemo = new Map<string, Promise<string | null>>();
  readonly issuerMemo = new Map<Node, Promise<Node[]>>();
  /** Distinct (signed, issuer) pairs asked for, memoised or not: the work budget. */
  private readonly asked = new Set<string>();
  /** The bounds that were hit, as issues (each message once). */
  readonly limitIssues = new Map<string, ChainIssue>();
  /** Candidate issuers whose keys were refused before any check. */
  private readonly refusedKeys = new Map<string, string | null>();

  constructor(
    readonly crypto: Crypto,
    readonly cryptoId: number,
    readonly at: number,
    readonly candidates: readonly Node[],
    readonly crls: readonly CrlFacts[],
    readonly policy: Policy,
  ) {}

  /** Records a bound that was hit: the chain is not trusted, whatever path is found. */
  limit(code: 'CHAIN_WORK_LIMIT' | 'CHAIN_KEY_UNSAFE', message: string): void {
    if (!this.limitIssues.has(message)) this.limitIssues.set(message, chainIssue(code, message));
  }

  /** Why `issuer`'s key is not used to check anything, or null (memoised per call). */
  private keyProblem(issuer: Node): string | null {
    let problem = this.refusedKeys.get(issuer.fp);
    if (problem === undefined) {
      const alg = issuer.cert.publicKey.algorithm.oid;
      problem =
        alg === '1.2.840.113549.1.1.1' || alg === '1.2.840.113549.1.1.10'
          ? rsaKeyProblem(issuer.cert.publicKey, this.policy.maxRsaModulusBits)
          : null;
      this.refusedKeys.set(issuer.fp, problem);
      if (problem)
        this.limit('CHAIN_KEY_UNSAFE', `${issuer.subject}: ${problem}; its signatures were not checked`);
    }
    return problem;
  }

  /** The issuer's signature on a certificate or CRL verifies with `issuer`'s key (memoised, budgeted). */
  private signedBy(signed: Certificate | Crl, signedFp: string, issuer: Node): Promise<boolean> {
    const pair = `${signedFp}>${issuer.fp}`;
    if (!this.asked.has(pair)) {
      if (this.asked.size >= this.policy.maxSignatureChecks) {
        this.limit(
          'CHAIN_WORK_LIMIT',
          `validating the chain needs more than ${this.policy.maxSignatureChecks} issuer-signature checks (limits.maxSignatureChecks)`,
        );
        return Promise.resolve(false);
      }
      this.asked.add(pair);
    }
    if (this.keyProblem(issuer)) return Promise.resolve(false);
    const key = `${this.cryptoId}|${pair}`;
    let p = sigMemo.get(key);
    if (p)
      sigMemo.delete(key); // LRU: move to the end
    else {
      // An algorithm WebCrypto cannot check is no evidence of issuance: false, not an error.
      p = verifySignature(
        this.crypto,
        issuer.cert.publicKey,
        signed.signatureAlgorithm,
        signed.signatureValue,
        signed.tbs,
      ).catch(() => false);
    }
    sigMemo.set(key, p);
    while (sigMemo.size > SIG_MEMO_MAX) sigMemo.delete(sigMemo.keys().next().value as string);
    return p;
  }

  /** Signature of `cert` verifies with `issuer`'s key. */
  verifies(cert: Node, issuer: Node): Promise<boolean> {
    return this.signedBy(cert.cert, cert.fp, issuer);
  }

  /** Null when `crl` is usable with `issuer`, else the reason it is not. */
  crlProblem(crl: CrlFacts, issuer: Node): Promise<string | null> {
    const key = `${crl.fp}>${issuer.fp}`;
    let p = this.crlMemo.get(key);
    if (!p) {
      p = (async () => {
        if (crl.unsupported) return crl.unsupported;
        const ku = issuer.cert.keyUsage;
        if (ku !== null && (ku & KU_CRL_SIGN) === 0)
          return `its issuer ${issuer.subject} may not sign CRLs (no cRLSign)`;
        const ok = await this.signedBy(crl.crl, crl.fp, issuer);
        return ok ? null : `its signature does not verify with ${issuer.subject}`;
      })();
      this.crlMemo.set(key, p);
    }
    return p;
  }

  /**
   * Possible issuers of `node`: name match, key-identifier match when both are present, signature.
   * More name matches than `maxIssuerCandidates` is a hostile bag (31 CAs of one name): none is tried.
   */
  issuers(node: Node): Promise<Node[]> {
    let p = this.issuerMemo.get(node);
    if (!p) {
      p = (async () => {
        const aki = keyIdHex(node.cert.authorityKeyIdentifier);
        const named = this.candidates.filter(
          (c) =>
            c.fp !== node.fp &&
            c.cert.subject.equals(node.cert.issuer) &&
            !(aki !== null && c.ski !== null && aki !== c.ski),
        );
        if (named.length > this.policy.maxIssuerCandidates) {
          this.limit(
            'CHAIN_WORK_LIMIT',
            `${named.length} certificates could be the issuer of ${node.subject} (limits.maxIssuerCandidates is ${this.policy.maxIssuerCandidates}); none was tried`,
          );
          return [];
        }
        const out: Node[] = [];
        for (const c of named) if (await this.verifies(node, c)) out.push(c);
        return out;
      })();
      this.issuerMemo.set(node, p);
    }
    return p;
  }
}

// ---------------------------------------------------------------------------------------------
// Memoised facts per decoded object (immutable once parsed)

const fpMemo = new WeakMap<object, Promise<string>>();
function fpOf(obj: Certificate | Crl, crypto: Crypto): Promise<string> {
  let p = fpMemo.get(obj);
  if (!p) {
    p = fingerprint(obj, 'SHA-256', crypto);
    fpMemo.set(obj, p);
    p.catch(() => fpMemo.delete(obj));
  }
  return p;
}

/** A serial number as a map key: hex of its minimal two's-complement form (+128 ≠ −128). */
const serialKey = (serial: Uint8Array): string => toHex(minimalInteger(serial));

/**
 * Whether a CRL's scope (its issuingDistributionPoint, RFC 5280 §5.2.5 and §6.3.3) includes every
 * revocation of `cert`: not when it covers only CA or only end-entity or attribute certificates
 * and `cert` is not one, only some reasons, or a distribution point `cert` does not name.
 */
function coversCertificate(crl: Crl, cert: Certificate): boolean {
  const scope = crl.issuingDistributionPoint;
  if (!scope) return true;
  const isCa = cert.basicConstraints?.cA === true;
  if (scope.onlySomeReasons || scope.onlyContainsAttributeCerts) return false;
  if ((scope.onlyContainsCACerts && !isCa) || (scope.onlyContainsUserCerts && isCa)) return false;
  const point = scope.distributionPoint;
  if (point === null) return true;
  return cert.crlDistributionPoints.some((names) => names.some((n) => point.includes(n)));
}

const crlFactsMemo = new WeakMap<Crl, Omit<CrlFacts, 'fp'>>();
function crlFacts(crl: Crl): Omit<CrlFacts, 'fp'> {
  let f = crlFactsMemo.get(crl);
  if (f) return f;
  let unsupported: string | null = null;
  for (const e of crl.extensions) {
    if (e.oid === OID.deltaCrlIndicator) unsupported = 'it is a delta CRL (not supported)';
    else if (crl.issuingDistributionPoint?.indirectCRL) unsupported = 'it is an indirect CRL (not supported)';
    else if (e.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(e.oid))
      unsupported = `it has the unsupported critical extension ${e.oid}`;
  }
  const entries = new Map<string, RevocationEntry[]>();
  for (const r of crl.revoked) {
    const revoked = r.revocationDate.getTime();
    let date = revoked;
    let reason: string | null = null;
    for (const e of r.extensions) {
      if (e.oid === OID.certificateIssuer) unsupported = 'it is an indirect CRL (not supported)';
      else if (e.oid === OID.reasonCode || e.oid === OID.invalidityDate) {
        try {
          const v = readRoot(e.value);
          if (e.oid === OID.reasonCode) {
            const code = smallInt(e.value, v);
            reason = REASONS[code] ?? `reason ${code}`;
          } else {
            // The key was compromised (or suspected) from this date: the earlier of the two counts.
            date = Math.min(date, readTime(e.value, v).getTime());
          }
        } catch (err) {
          if (!(err instanceof DerError)) throw err;
          if (e.critical) unsupported = `an entry's ${e.oid} extension cannot be decoded`;
        }
      } else if (e.critical) unsupported = `an entry has the unsupported critical extension ${e.oid}`;
    }
    if (reason === 'removeFromCRL') continue;
    const compromise =
      reason === 'keyCompromise' ||
      reason === 'cACompromise' ||
      reason === 'aACompromise' ||
      ((reason === null || reason === 'unspecified') && date < revoked);
    const serial = serialKey(r.serialNumber);
    const list = entries.get(serial);
    if (list) list.push({ date, reason, compromise });
    else entries.set(serial, [{ date, reason, compromise }]);
  }
  f = {
    crl,
    thisUpdate: crl.thisUpdate.getTime(),
    nextUpdate: crl.nextUpdate ? crl.nextUpdate.getTime() : null,
    unsupported,
    entries,
  };
  crlFactsMemo.set(crl, f);
  return f;
}

// ---------------------------------------------------------------------------------------------
// Policy checks on one path

const iso = (ms: number): string => new Date(ms).toISOString();

async function evaluate(ctx: Context, nodes: readonly Node[]): Promise<Evaluation> {
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
  const revocations: number[] = [];
  if (ctx.crls.length === 0) {
    if (last > 0) add('CHAIN_REVOCATION_NOT_CHECKED', 'no CRLs were given; revocation was not checked');
  } else {
    const reportedBad = new Set<string>();
    for (let i = 0; i < last; i++) {
      const node = nodes[i]!;
      const serial = serialNumberHex(node.cert);
      const key = serialKey(node.cert.serialNumber);
      const found: RevocationEntry[] = [];
      let covered = false;
      for (const crl of ctx.crls) {
        if (!crl.crl.issuer.equals(node.cert.issuer)) continue;
        const problem = await ctx.crlProblem(crl, nodes[i + 1]!);
        if (problem) {
          if (!reportedBad.has(crl.fp)) {
            reportedBad.add(crl.fp);
            add('CHAIN_CRL_INVALID', `a CRL of ${crl.crl.issuer} was ignored: ${problem}`);
          }
          continue;
        }
        // A CRL issued after `at` knows about `at`; an older one only until its nextUpdate. And only
        // a CRL whose scope includes this certificate can say it was not revoked (a partial CRL's
        // entries still count).
        const current = crl.thisUpdate >= at || (crl.nextUpdate !== null && crl.nextUpdate >= at);
        if (current && coversCertificate(crl.crl, node.cert)) covered = true;
        found.push(...(crl.entries.get(key) ?? []));
      }
      found.sort((a, b) => a.date - b.date);
      for (const e of found) revocations.push(e.date);
      const first = found[0];
      const what = (e: RevocationEntry): string =>
        `${node.subject} (serial ${serial}) was revoked on ${iso(e.date)}${e.reason ? ` (${e.reason})` : ''}`;
      // After a key compromise the signer's own signingTime proves nothing: whoever holds the key
      // writes the date they like. Only a check instant from outside the signature saves it.
      const compromised = ctx.policy.atTrusted ? undefined : found.find((e) => e.compromise);
      if (first && first.date <= at) add('CHAIN_REVOKED', what(first));
      else if (compromised)
        add(
          'CHAIN_REVOKED_COMPROMISE',
          `${what(compromised)}: the key was compromised, so a signing time before that date proves nothing`,
        );
      else if (first) add('CHAIN_REVOKED_LATER', `${what(first)}, after the check instant`);
      else if (!covered)
        add('CHAIN_REVOCATION_UNKNOWN', `no usable, current CRL of ${node.cert.issuer} for ${node.subject}`);
    }
  }

  return { nodes, issues, windows, revocations };
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;
const countOf = (e: Evaluation, s: 'error' | 'warning'): number =>
  e.issues.filter((i) => i.severity === s).length;

const MAX_PATHS = 16;
const MAX_STEPS = 512;

async function computeCore(
  ctx: Context,
  signer: Node,
  maxChainLength: number,
  anchorCount: number,
): Promise<Core> {
  const paths: Node[][] = [];
  let tooLong = false;
  let steps = 0;
  let longest: Node[] = [signer];
  const walk = async (path: Node[]): Promise<void> => {
    if (paths.length >= MAX_PATHS) return;
    if (++steps > MAX_STEPS) {
      ctx.limit(
        'CHAIN_WORK_LIMIT',
        `the path search from ${signer.subject} took more than ${MAX_STEPS} steps`,
      );
      return;
    }
    if (path.length > longest.length) longest = path;
    const end = path[path.length - 1]!;
    if (end.anchor) {
      paths.push(path);
      return;
    }
    if (path.length >= maxChainLength) {
      tooLong = true;
      return;
    }
    for (const next of await ctx.issuers(end)) if (!path.includes(next)) await walk([...path, next]);
  };
  await walk([signer]);

  if (paths.length === 0) {
    const issue = tooLong
      ? chainIssue(
          'CHAIN_TOO_LONG',
          `every path from ${signer.subject} to a trust anchor is longer than ${maxChainLength} certificates`,
        )
      : chainIssue(
          'CHAIN_UNTRUSTED',
          anchorCount === 0
            ? 'no trust anchors were given'
            : `no path from ${signer.subject} to any of the ${anchorCount} trust anchor(s); last issuer not found: ${longest[longest.length - 1]!.cert.issuer}`,
        );
    return {
      found: false,
      anchor: null,
      path: longest.map((n) => n.subject),
      issues: [...ctx.limitIssues.values(), issue],
      windows: [],
      revocations: [],
    };
  }

  // Policy on every candidate path; keep the one with the fewest errors, then warnings, then certificates.
  const evaluations: Evaluation[] = [];
  for (const p of paths) evaluations.push(await evaluate(ctx, p));
  evaluations.sort(
    (a, b) =>
      countOf(a, 'error') - countOf(b, 'error') ||
      countOf(a, 'warning') - countOf(b, 'warning') ||
      a.nodes.length - b.nodes.length,
  );
  const best = evaluations[0]!;
  const issues = [...ctx.limitIssues.values(), ...best.issues];
  issues.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return {
    found: true,
    anchor: best.nodes[best.nodes.length - 1]!.subject,
    path: best.nodes.map((n) => n.subject),
    issues,
    windows: best.windows,
    revocations: best.revocations,
  };
}

// ---------------------------------------------------------------------------------------------
// Cache: bounded, keyed by content. The key holds the position of `at` among every validity and
// revocation instant of the inputs, which is exactly what the outcome depends on (a day key would
// be wrong for a certificate that expires at 15:05 on that day).

const CACHE_MAX = 256;
const cache = new Map<string, Promise<Core>>();
const cryptoIds = new WeakMap<Crypto, number>();
let nextCryptoId = 1;
const stats = { hits: 0, misses: 0 };

/**
 * Empties the chain-validation cache (e.g. after changing trust configuration in a long-lived process,
 * though the cache is keyed by content and never returns a stale verdict).
 *
 * @example
 * ```ts
 * clearChainCache();
 * ```
 */
export function clearChainCache(): void {
  cache.clear();
  sigMemo.clear();
  inputsMemo.clear();
  stats.hits = 0;
  stats.misses = 0;
}

/**
 * Size and hit counts of the chain-validation cache (at most 256 entries).
 *
 * @example
 * ```ts
 * const { size, hits, misses } = chainCacheStats();
 * ```
 */
export function chainCacheStats(): { size: number; hits: number; misses: number } {
  return { size: cache.size, hits: stats.hits, misses: stats.misses };
}

function timeBucket(at: number, certs: readonly Certificate[], crls: readonly CrlFacts[]): string {
  let below = 0;
  let equal = false;
  const see = (t: number): void => {
    if (t < at) below++;
    else if (t === at) equal = true;
  };
  for (const c of certs) {
    see(c.notBefore.getTime());
    see(c.notAfter.getTime());
  }
  for (const c of crls) {
    see(c.thisUpdate);
    if (c.nextUpdate !== null) see(c.nextUpdate);
    for (const list of c.entries.values()) for (const e of list) see(e.date);
  }
  return `${below}${equal ? '=' : ''}`;
}

const isCertificate = (v: unknown): v is Certificate => v instanceof Certificate;
const isCrl = (v: unknown): v is Crl => v instanceof Crl;

// The content part of the cache key (fingerprints of every input, sorted and de-duplicated: the
// verdict must not depend on input order or duplicates), memoised by the identity of the input
// objects. Decoded certificates are themselves cached, so a batch of receipts from one provider
// passes the same objects each time and skips the fingerprint lookups and sorting.
interface Inputs {
  readonly signerFp: string;
  readonly certFps: string[];
  readonly anchorFps: string[];
  readonly crlList: CrlFacts[];
  readonly contentKey: string;
}
const INPUTS_MAX = 256;
const inputsMemo = new Map<string, Promise<Inputs>>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

function inputsOf(
  cryptoId: number,
  crypto: Crypto,
  maxChainLength: number,
  signer: Certificate,
  certificates: readonly Certificate[],
  anchors: readonly Certificate[],
  crls: readonly Crl[],
): Promise<Inputs> {
  const ids = (list: readonly object[]): string => list.map(objectId).join(',');
  const idKey = `${cryptoId}|${maxChainLength}|${objectId(signer)}|${ids(certificates)}|${ids(anchors)}|${ids(crls)}`;
  let p = inputsMemo.get(idKey);
  if (p) {
    inputsMemo.delete(idKey); // LRU: move to the end
  } else {
    p = (async () => {
      const [signerFp, certFps, anchorFps, crlFps] = await Promise.all([
        fpOf(signer, crypto),
        Promise.all(certificates.map((c) => fpOf(c, crypto))),
        Promise.all(anchors.map((c) => fpOf(c, crypto))),
        Promise.all(crls.map((c) => fpOf(c, crypto))),
      ]);
      const crlList: CrlFacts[] = crls.map((c, i) => ({ ...crlFacts(c), fp: crlFps[i]! }));
      const uniq = (fps: string[]): string => [...new Set(fps)].sort().join(',');
      const contentKey = [
        cryptoId,
        maxChainLength,
        signerFp,
        uniq(certFps),
        uniq(anchorFps),
        uniq(crlFps),
      ].join('|');
      return { signerFp, certFps, anchorFps, crlList, contentKey };
    })();
    p.catch(() => inputsMemo.delete(idKey));
  }
  inputsMemo.set(idKey, p);
  while (inputsMemo.size > INPUTS_MAX) inputsMemo.delete(inputsMemo.keys().next().value as string);
  return p;
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

  let cryptoId = cryptoIds.get(crypto);
  if (cryptoId === undefined) {
    cryptoId = nextCryptoId++;
    cryptoIds.set(crypto, cryptoId);
  }
  const { signerFp, certFps, anchorFps, crlList, contentKey } = await inputsOf(
    cryptoId,
    crypto,
    limits.maxChainLength,
    signer,
    certificates,
    anchors,
    crls,
  );
  const policyKey = [
    policy.atTrusted ? 't' : 's',
    policy.minRsaBits,
    policy.legacyKeysUntil ?? '-',
    policy.maxIssuerCandidates,
    policy.maxSignatureChecks,
    policy.maxRsaModulusBits,
  ].join(',');
  const key = `${contentKey}|${policyKey}|${timeBucket(atMs, [signer, ...certificates, ...anchors], crlList)}`;

  let corePromise = cache.get(key);
  if (corePromise) {
    stats.hits++;
    cache.delete(key); // LRU: move to the end
  } else {
    stats.misses++;
    corePromise = (async () => {
      const nodes = new Map<string, Node>();
      const node = (cert: Certificate, fp: string, anchor: boolean): Node => {
        const known = nodes.get(fp);
        if (known) return known;
        const n: Node = {
          cert,
          fp,
          anchor,
          subject: cert.subject.toString(),
          ski: keyIdHex(cert.subjectKeyIdentifier),
        };
        nodes.set(fp, n);
        return n;
      };
      // Anchors first, each list in fingerprint order: deterministic paths whatever the input order.
      const byFp = <T>(items: readonly T[], fps: string[]): [T, string][] =>
        items
          .map((c, i) => [c, fps[i]!] as [T, string])
          .sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      for (const [c, fp] of byFp(anchors, anchorFps)) node(c, fp, true);
      for (const [c, fp] of byFp(certificates, certFps)) node(c, fp, false);
      const signerNode = node(signer, signerFp, false);
      const candidates = [...nodes.values()].filter((n) => n !== signerNode || n.anchor);
      const ctx = new Context(crypto, cryptoId, atMs, candidates, crlList, policy);
      return computeCore(ctx, signerNode, limits.maxChainLength, new Set(anchorFps).size);
    })();
    corePromise.catch(() => cache.delete(key));
  }
  cache.set(key, corePromise);
  while (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  const core = await corePromise;

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
  const result: ChainResult = {
    trusted,
    at: at.toISOString(),
    anchor: core.anchor,
    path: [...core.path],
    issues,
  };
  if (!core.found) return result;
  const validNow =
    trusted &&
    core.windows.every(([nb, na]) => nb <= nowMs && nowMs <= na) &&
    core.revocations.every((d) => d > nowMs);
  return { ...result, validNow };
}
