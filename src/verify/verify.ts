// verifyPec: signature over the exact signed bytes, the provider chain against the PEC anchors at
// the signing time, and the integrity of what was signed. A bad message gives a report, not a throw.
import { type BytesInput, describe as describeValue, equalBytes, toBytes } from '../bytes.js';
import { isoString } from '../calendar.js';
import type { CmsVerification } from '../cms/verify.js';
import { verifyDetached } from '../cms/verify.js';
import { resolveCrypto } from '../crypto.js';
import { invalidArgument, isPecError } from '../errors.js';
import { type Issue, issue } from '../issues.js';
import type { PecKind } from '../kinds.js';
import { type Limits, resolveLimits } from '../limits.js';
import { parseDate } from '../mime/address.js';
import { checkOptions, optionKeys, parseInstant } from '../options.js';
import type { NestedLocation } from '../reading/attached-pec.js';
import { pathStringBytes } from '../reading/input-kind.js';
import { type PecMessage, parsePec } from '../reading/parse.js';
import { loadTrustAnchors } from '../trust/anchors.js';
import {
  certificateEmails,
  issuerToString,
  type PkiInput,
  parseCrls,
  serialNumberHex,
  subjectToString,
} from '../trust/certificates.js';
import { checkKeyPolicy, validateChain } from '../trust/chain.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { type CertifiedFacts, finishReport, trustSourceOf } from './certified.js';
import { VERIFY_ISSUES, type VerifyIssueCode } from './issues.js';
import type { OutcomeStatus } from './outcome.js';
import { preparedFor } from './prepared-cache.js';
import { providerIdentity } from './provider-identity.js';
import { otherSignerIssues } from './signers.js';

/**
 * Options of {@link verifyPec}.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = { trust: [caPem], crls: [crlPem], at: 'now' };
 * const report = await verifyPec(bytes, options);
 * ```
 * @category Verifying
 */
export interface VerifyOptions {
  /** Trust anchors (PEM, possibly several blocks, or DER). Default: AgID CA1 and DigitPA CA1. */
  trust?: readonly PkiInput[];
  /** CRLs to honour (PEM or DER), issued by CAs in the path. */
  crls?: readonly PkiInput[];
  /**
   * The instant the chain is judged at: the signing time (default), now, or a given instant (a
   * `Date` or an ISO-8601 string such as `'2024-05-01T10:00:00Z'`, as the CLI's `--at`). A given
   * instant is taken as a **trusted** time for the message (a time-stamp, your mail server's
   * arrival log): with it, a certificate revoked for key compromise after that instant still counts
   * as valid then. The signing time is written by whoever holds the key, so it never does.
   */
  at?: 'signing-time' | 'now' | Date | string;
  /** The clock for 'now' and for `validNow` (default: the current time). */
  now?: Date;
  /**
   * WebCrypto implementation. Default: the platform's (`globalThis.crypto`); in Node, digests and
   * signature checks then run in node:crypto on the calling thread (same results, a fifth of the
   * CPU). Pass one, even `globalThis.crypto`, to have it do everything.
   */
  crypto?: Crypto;
  /** Input limits. */
  limits?: Partial<Limits>;
  /**
   * Smallest RSA key accepted in the chain, in bits: default 2048, at least 1024 (lower values are
   * refused with INVALID_ARGUMENT). Smaller keys give `CHAIN_KEY_TOO_WEAK`.
   */
  minRsaBits?: number;
  /**
   * Certificates that expired before this instant may have RSA keys of 1024 bits or more (a warning):
   * default 2018-01-01 (the DigitPA CA1 era, `LEGACY_KEYS_UNTIL` of `pec-kit/trust`), null for none.
   */
  legacyKeysUntil?: Date | null;
  /**
   * How far in the future of `now` a signingTime or daticert date may be (clocks drift), in
   * milliseconds. Default 5 minutes; beyond it `SIGNING_TIME_IN_FUTURE` / `DATICERT_DATE_IN_FUTURE`.
   */
  maxClockSkew?: number;
}

/** The default of {@link VerifyOptions.maxClockSkew}: 5 minutes. */
const DEFAULT_CLOCK_SKEW = 5 * 60 * 1000;

/**
 * The signature block of a {@link VerificationReport}.
 *
 * @example
 * ```ts
 * const s: SignatureReport = (await verifyPec(bytes)).signature;
 * if (s.intact) console.log(`signed by ${s.signer?.email} at ${s.signingTime} with ${s.digestAlgorithm}`);
 * ```
 * @category Verifying
 */
export interface SignatureReport {
  /** A signature part is there. */
  present: boolean;
  /** The signature verifies over the signed bytes; null when there is nothing to check. */
  intact: boolean | null;
  digestAlgorithm: string | null;
  signingTime: string | null;
  /** True when only the CRLF-canonicalised bytes verified (file stored with LF endings). */
  canonicalized: boolean;
  signer: { subject: string; email: string | null; issuer: string; serialNumber: string } | null;
}

/**
 * The chain block of a {@link VerificationReport}.
 *
 * @example
 * ```ts
 * const c: ChainReport = (await verifyPec(bytes)).chain;
 * if (c.trusted) console.log(`chains to ${c.anchor} at ${c.at} (${c.atSource}); valid today: ${c.validNow}`);
 * ```
 * @category Verifying
 */
export interface ChainReport {
  /** The signer chains to a trust anchor at `at`; null when not judged. */
  trusted: boolean | null;
  /** The instant the chain was judged at. */
  at: string | null;
  /** How `at` was chosen. */
  atSource: 'signing-time' | 'now' | 'given' | null;
  /** The anchor's subject. */
  anchor: string | null;
  /**
   * Who vouches for the anchor: `pec-anchor` when it is one of the embedded PEC anchors (AgID
   * CA1, DigitPA CA1), `caller` when it is a certificate the caller passed in `trust` (a test CA,
   * an added CA): "trusted by your configuration", not "a PEC provider". Null when no path.
   */
  trustSource: 'pec-anchor' | 'caller' | null;
  /** Subjects from the signer to the anchor. */
  path: string[];
  /** Whether the same chain is valid at the current time (expired provider certificates are normal). */
  validNow: boolean | null;
}

/**
 * Named checks and their outcome. `unverified`: the content was read and showed no fault, but its
 * signature did not verify or its signer is not trusted, so nothing vouches for it. The content
 * checks (`signer`, `daticert`, `headers`, `postacert`) say `pass` only when the signature is
 * intact and the chain trusted; a fault found in unvouched content still says `fail` or `warn`.
 *
 * @example
 * ```ts
 * const { checks } = await verifyPec(bytes);
 * const failed = Object.entries(checks).filter(([, o]) => o === ('fail' satisfies CheckOutcome));
 * ```
 * @category Verifying
 */
export type CheckOutcome = 'pass' | 'fail' | 'warn' | 'skip' | 'unverified';

/**
 * What {@link verifyPec} found. Serialises to the CLI's JSON as it is (the original message in
 * `certified` is described, not dumped; `unverified` is left out).
 *
 * Two questions, two fields: `valid` answers "is it authentic?", `outcome` "what happened?". A
 * genuine non-delivery notice is `valid: true, outcome: 'not-delivered'`.
 *
 * @example
 * ```ts
 * const report: VerificationReport = await verifyPec(bytes);
 * if (report.certified) console.log(report.outcome, report.certified.provider.name, report.certified.time?.utc);
 * else console.log('not valid:', report.issues.map((i) => i.code)); // report.unverified: read, not vouched for
 * JSON.stringify(report); // the CLI's --json object, without the file name
 * ```
 * @category Verifying
 */
export interface VerificationReport {
  /** Signature intact AND chain trusted at the check instant AND no error-severity issue. */
  valid: boolean;
  kind: PecKind | 'non-pec';
  signature: SignatureReport;
  chain: ChainReport;
  checks: {
    signature: CheckOutcome;
    chain: CheckOutcome;
    signer: CheckOutcome;
    daticert: CheckOutcome;
    headers: CheckOutcome;
    postacert: CheckOutcome;
  };
  issues: Issue[];
  /** Verdicts of PEC messages wrapped in this one (mailing lists, forwards, attached .eml files). */
  nested: VerificationReport[];
  /** For a report in `nested`: where that message sits in the outer one (see PecMessage.location). */
  location?: NestedLocation;
  /** What the message certifies happened; null unless `valid` (nothing is certified then). */
  outcome: OutcomeStatus | null;
  /**
   * The certified facts: present only when `valid` is true. For a tampered, unsigned or untrusted
   * message the property does not exist at all.
   */
  certified?: CertifiedFacts;
  /**
   * The message as {@link parsePec} reads it, with no trust at all (its headers are unsigned even
   * when the message is valid; for an invalid one, nothing in it is vouched for). Null when the
   * message could not be read. Not enumerable: JSON leaves it out.
   */
  readonly unverified?: PecMessage | null;
}

function vIssue(code: VerifyIssueCode, message: string): Issue {
  return { code, severity: VERIFY_ISSUES[code][0], message };
}

const VERIFY_KEYS = optionKeys<VerifyOptions>({
  trust: true,
  crls: true,
  at: true,
  now: true,
  crypto: true,
  limits: true,
  minRsaBits: true,
  legacyKeysUntil: true,
  maxClockSkew: true,
});

function asList(v: readonly PkiInput[] | undefined, name: string): readonly PkiInput[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidArgument(`${name} must be an array of PEM strings or DER bytes`);
  return v;
}

interface Prepared {
  anchors: Certificate[];
  /** The embedded PEC anchors among `anchors` (by certificate bytes), for chain.trustSource. */
  pecAnchors: Certificate[];
  crls: Crl[];
  at: 'signing-time' | 'now' | Date;
  now: Date;
  crypto: Crypto;
  limits: Limits;
  minRsaBits: number | undefined;
  legacyKeysUntil: Date | null | undefined;
  maxClockSkew: number;
}

function prepare(options: VerifyOptions): Prepared {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options must be an object');
  checkOptions(options, 'verifyPec options', VERIFY_KEYS);
  const trust = asList(options.trust, 'trust');
  const crls = asList(options.crls, 'crls');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw invalidArgument('now must be a valid Date');
  const { minRsaBits, legacyKeysUntil, maxClockSkew = DEFAULT_CLOCK_SKEW } = options;
  if (typeof maxClockSkew !== 'number' || !Number.isSafeInteger(maxClockSkew) || maxClockSkew < 0)
    throw invalidArgument(
      `maxClockSkew must be a non-negative integer (ms), got ${describeValue(maxClockSkew)}`,
    );
  // The key policy is checked once here too (validateChain checks it again), so that a bad option
  // fails createVerifier rather than the first message.
  checkKeyPolicy(minRsaBits, legacyKeysUntil);
  const anchors = loadTrustAnchors(trust);
  const defaults = loadTrustAnchors();
  return {
    anchors,
    pecAnchors: anchors.filter((a) => defaults.some((d) => equalBytes(d.der, a.der))),
    crls: crls ? crls.flatMap((c) => parseCrls(c)) : [],
    at: parseInstant(options.at, 'at'),
    now,
    crypto: resolveCrypto(options.crypto),
    limits: resolveLimits(options.limits),
    minRsaBits,
    legacyKeysUntil,
    maxClockSkew,
  };
}

/** The issue codes a check answers for: exact codes, and prefixes written `PREFIX_*`. */
interface CheckCodes {
  readonly exact: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

function checkCodes(...codes: string[]): CheckCodes {
  return {
    exact: new Set(codes.filter((c) => !c.endsWith('*'))),
    prefixes: codes.filter((c) => c.endsWith('*')).map((c) => c.slice(0, -1)),
  };
}

// Built once: every report asks each check for its verdict.
const CHAIN_CODES = checkCodes('CHAIN_*');
const SIGNER_CODES = checkCodes('SIGNER_FROM_MISMATCH', 'SIGNER_EMAIL_MISMATCH', 'PROVIDER_*');
const DATICERT_CODES = checkCodes('DATICERT_*', 'SIGNING_TIME_DATICERT_MISMATCH');
const HEADER_CODES = checkCodes(
  'KIND_HEADER_MISMATCH',
  'KIND_HEADER_MISSING',
  'MESSAGE_ID_MISMATCH',
  'RIFERIMENTO_MISMATCH',
  'SUBJECT_PREFIX_MISMATCH',
  'SUBJECT_MISMATCH',
  'SENDER_MISMATCH',
);
const POSTACERT_CODES = checkCodes('POSTACERT_*', 'DELIVERY_FORM_MISMATCH');

/** The worst severity among the issues a check answers for: fail (an error), warn, or pass. */
function worst(issues: readonly Issue[], codes: CheckCodes): CheckOutcome {
  let warned = false;
  for (const i of issues) {
    if (i.severity !== 'error' && (warned || i.severity !== 'warning')) continue;
    if (!codes.exact.has(i.code) && !codes.prefixes.some((p) => i.code.startsWith(p))) continue;
    if (i.severity === 'error') return 'fail';
    warned = true;
  }
  return warned ? 'warn' : 'pass';
}

async function verifyParsed(pec: PecMessage, p: Prepared): Promise<VerificationReport> {
  const issues: Issue[] = [...pec.issues];
  // Start from the empty report's blocks; the checks below fill them in.
  const { signature, chain } = emptyReport(pec.kind);
  let cms: CmsVerification | null = null;
  // The certified instant, read once for the two comparisons below.
  const daticertDate = pec.daticert?.dataUtc ? parseDate(pec.daticert.dataUtc) : null;
  if (pec.signature) {
    signature.present = true;
    if (pec.signature.der) {
      try {
        cms = await verifyDetached(pec.signature.signed, pec.signature.der, {
          crypto: p.crypto,
          limits: p.limits,
        });
      } catch (e) {
        if (!isPecError(e) || e.code === 'INVALID_ARGUMENT') throw e;
        // A limit (maxCertificates) keeps its own code, as when parsePec stops on a limit.
        issues.push(
          e.code === 'LIMIT_EXCEEDED'
            ? { code: e.code, severity: 'error', message: e.message }
            : issue('SIGNATURE_UNREADABLE', `the signature is not a usable CMS SignedData: ${e.message}`),
        );
      }
    }
  } else if (
    pec.kind !== 'non-pec' &&
    !issues.some((i) => i.code === 'PEC_NOT_SIGNED' || i.code === 'SIGNATURE_PART_MISSING')
  ) {
    issues.push(issue('PEC_NOT_SIGNED', 'the message is not signed'));
  }
  if (cms) {
    signature.intact = cms.intact;
    signature.canonicalized = cms.canonicalized;
    signature.digestAlgorithm = cms.digestAlgorithm;
    signature.signingTime = cms.signingTime ? isoString(cms.signingTime) : null;
    const cert = cms.signerCertificate;
    if (cert) {
      signature.signer = {
        subject: subjectToString(cert),
        email: certificateEmails(cert)[0] ?? null,
        issuer: issuerToString(cert),
        serialNumber: serialNumberHex(cert),
      };
    }
    if (!cms.intact)
      issues.push(vIssue(cms.failure ?? 'SIGNATURE_INVALID', cms.message ?? 'the signature does not verify'));
    else {
      if (cms.digestAlgorithm === 'sha1')
        issues.push(
          vIssue('SIGNATURE_SHA1', 'the signature uses SHA-1, as PEC providers still do; accepted'),
        );
      if (cms.canonicalized)
        issues.push(
          vIssue(
            'SIGNATURE_CANONICALIZED',
            'the signature matched the CRLF-canonical form of the signed part (the file was stored with LF line endings)',
          ),
        );
      // Every further SignerInfo is checked too (verify/signers.ts): one that fails is an error.
      if (cms.signerCount > 1)
        issues.push(...(await otherSignerIssues(pec.signature!.signed, pec.signature!.der!, cms, p)));
    }
    // The signer must be the From address (RFC 6109 §2.1); S/MIME clients treat a mismatch as forgery.
    const from = pec.headers.from?.toLowerCase() ?? null;
    const emails = cert ? certificateEmails(cert).map((e) => e.toLowerCase()) : [];
    if (cert && from && !emails.includes(from)) {
      issues.push(
        vIssue(
          'SIGNER_FROM_MISMATCH',
          `From is ${from} but the signer certificate is for ${emails.join(', ') || '(no e-mail)'}`,
        ),
      );
    }
    if (cert) {
      let at: Date;
      if (p.at === 'signing-time') {
        if (cms.signingTime) {
          at = cms.signingTime;
          chain.atSource = 'signing-time';
        } else {
          at = p.now;
          chain.atSource = 'now';
          issues.push(
            vIssue(
              'SIGNING_TIME_MISSING',
              'no signingTime attribute: the chain was judged at the current time',
            ),
          );
        }
      } else if (p.at === 'now') {
        at = p.now;
        chain.atSource = 'now';
      } else {
        at = p.at;
        chain.atSource = 'given';
      }
      const result = await validateChain({
        signer: cert,
        certificates: cms.certificates,
        anchors: p.anchors,
        crls: p.crls,
        at,
        // Only a Date from the caller is a time the signer does not control.
        atTrusted: chain.atSource === 'given',
        now: p.now,
        crypto: p.crypto,
        limits: p.limits,
        ...(p.minRsaBits !== undefined ? { minRsaBits: p.minRsaBits } : {}),
        ...(p.legacyKeysUntil !== undefined ? { legacyKeysUntil: p.legacyKeysUntil } : {}),
      });
      chain.trusted = result.trusted;
      chain.at = result.at;
      chain.anchor = result.anchor;
      chain.trustSource = trustSourceOf(result.anchor, p.anchors, p.pecAnchors);
      chain.path = result.path;
      chain.validNow = result.validNow ?? null;
      issues.push(...result.issues);
      // The signer certificate must be the provider the signed daticert names.
      if (pec.kind !== 'non-pec' && pec.daticert) {
        for (const f of providerIdentity(
          cert,
          pec.kind,
          pec.daticert.gestoreEmittente,
          pec.daticert.identificativo,
        ))
          issues.push(vIssue(f.code, f.message));
      }
      // A signingTime in the future: the chain would be judged at a date that has not come.
      if (cms.signingTime && cms.signingTime.getTime() > p.now.getTime() + p.maxClockSkew) {
        issues.push(
          vIssue(
            'SIGNING_TIME_IN_FUTURE',
            `the signature claims to have been made at ${signature.signingTime}, after ${p.now.toISOString()} (the verification instant)`,
          ),
        );
      }
      // daticert time vs signing time: the provider writes both for one event.
      if (
        daticertDate &&
        cms.signingTime &&
        Math.abs(daticertDate.getTime() - cms.signingTime.getTime()) > 15 * 60 * 1000
      ) {
        issues.push(
          vIssue(
            'SIGNING_TIME_DATICERT_MISMATCH',
            `daticert says ${pec.daticert!.dataUtc}, the signature was made at ${signature.signingTime}`,
          ),
        );
      }
    }
  }
  // A certified event in the future, whatever the signature says.
  const certified = pec.kind !== 'non-pec' ? daticertDate : null;
  if (certified && certified.getTime() > p.now.getTime() + p.maxClockSkew) {
    issues.push(
      vIssue(
        'DATICERT_DATE_IN_FUTURE',
        `the daticert certifies an event at ${pec.daticert!.dataUtc}, after ${p.now.toISOString()} (the verification instant)`,
      ),
    );
  }
  const nested: VerificationReport[] = [];
  for (const n of pec.nested) {
    const r = await verifyParsed(n, p);
    // Set, not spread: a spread copy would lose the report's non-enumerable `unverified`.
    if (n.location) r.location = n.location;
    nested.push(r);
    if (pec.kind === 'non-pec') {
      issues.push(
        vIssue(
          'NESTED_VERDICT',
          `the wrapped PEC message (${r.kind}) is ${r.valid ? 'valid' : 'not valid'} on its own`,
        ),
      );
    }
  }
  const hasError = issues.some((i) => i.severity === 'error');
  const valid = pec.kind !== 'non-pec' && signature.intact === true && chain.trusted === true && !hasError;
  return finishReport(
    pec,
    {
      valid,
      kind: pec.kind,
      signature,
      chain,
      checks: {
        signature:
          signature.intact === null
            ? signature.present
              ? 'fail'
              : pec.kind === 'non-pec'
                ? 'skip'
                : 'fail'
            : signature.intact
              ? 'pass'
              : 'fail',
        chain: chain.trusted === null ? 'skip' : chain.trusted ? worst(issues, CHAIN_CODES) : 'fail',
        signer: signature.signer ? worst(issues, SIGNER_CODES) : 'skip',
        daticert: pec.kind === 'non-pec' ? 'skip' : worst(issues, DATICERT_CODES),
        headers: pec.kind === 'non-pec' ? 'skip' : worst(issues, HEADER_CODES),
        postacert: pec.kind === 'non-pec' ? 'skip' : worst(issues, POSTACERT_CODES),
      },
      issues,
      nested,
      outcome: null,
    },
    daticertDate,
  );
}

/**
 * Prepares a verifier: checks the options and decodes the trust anchors and CRLs once, for
 * batches (the CLI verifies thousands of files with one verifier). Throws a coded TypeError for
 * bad options.
 *
 * @example
 * ```ts
 * const verify = createVerifier({ trust: [caPem], at: 'now' });
 * for (const bytes of messages) console.log((await verify(bytes)).valid);
 * ```
 * @category Verifying
 */
export function createVerifier(
  options: VerifyOptions = {},
): (raw: BytesInput) => Promise<VerificationReport> {
  const p = prepare(options);
  // Without `now`, the clock is read per message: a long-lived verifier must not judge 'now' (or
  // future signing times) at the instant it was created.
  if (options.now !== undefined) return (raw) => verifyPrepared(raw, p);
  return (raw) => verifyPrepared(raw, { ...p, now: new Date() });
}

// The options of `verifyPec(bytes)`: one object for every call, so the prepared cache finds it by
// identity instead of by a new `{}` per message. Frozen: nothing may add an option to it.
const NO_OPTIONS: VerifyOptions = Object.freeze({});

/**
 * Verifies a PEC message like a court would: the CMS signature over the exact signed bytes, the
 * provider certificate chain against the PEC trust anchors at the signing time, the signer
 * address, and the agreement of the signed daticert with the unsigned headers. Never throws on a
 * bad message; throws a coded TypeError only for bad options.
 *
 * @example
 * ```ts
 * import { verifyPec } from 'pec-kit';
 * const report = await verifyPec(bytes);
 * console.log(report.valid, report.kind, report.issues.map((i) => i.code));
 * ```
 * @category Verifying
 */
export async function verifyPec(
  raw: BytesInput,
  options: VerifyOptions = NO_OPTIONS,
): Promise<VerificationReport> {
  return verifyPrepared(raw, preparedFor(options, prepare));
}

async function verifyPrepared(raw: BytesInput, p: Prepared): Promise<VerificationReport> {
  const bytes = pathStringBytes(raw) ?? toBytes(raw, 'message');
  let pec: PecMessage;
  try {
    pec = parsePec(bytes, { limits: p.limits });
  } catch (e) {
    if (isPecError(e) && e.code === 'INVALID_ARGUMENT') throw e;
    // The message could not be read at all (a limit, or a pec-kit bug): a report, not a throw.
    const issue = isPecError(e)
      ? { code: e.code, severity: 'error' as const, message: e.message }
      : vIssue(
          'INTERNAL_ERROR',
          `unexpected failure while reading the message: ${(e as Error)?.message ?? String(e)}`,
        );
    return finishReport(null, { ...emptyReport('non-pec'), issues: [issue] });
  }
  try {
    return await verifyParsed(pec, p);
  } catch (e) {
    // Verification never throws on message content (DESIGN principle 5). A failure that escapes the
    // checks above is a pec-kit bug: report it as an error issue instead of crashing a batch.
    if (isPecError(e) && e.code === 'INVALID_ARGUMENT') throw e;
    return finishReport(pec, {
      ...emptyReport(pec.kind),
      issues: [
        ...pec.issues,
        vIssue('INTERNAL_ERROR', `unexpected failure while verifying: ${(e as Error)?.message ?? String(e)}`),
      ],
    });
  }
}

/**
 * A report with nothing judged: no signature, no chain, every check skipped. The CLI uses it for a
 * file that could not be read or is not a message.
 *
 * @internal
 */
export function emptyReport(kind: VerificationReport['kind']): VerificationReport {
  return {
    valid: false,
    kind,
    signature: {
      present: false,
      intact: null,
      digestAlgorithm: null,
      signingTime: null,
      canonicalized: false,
      signer: null,
    },
    chain: {
      trusted: null,
      at: null,
      atSource: null,
      anchor: null,
      trustSource: null,
      path: [],
      validNow: null,
    },
    checks: {
      signature: 'skip',
      chain: 'skip',
      signer: 'skip',
      daticert: 'skip',
      headers: 'skip',
      postacert: 'skip',
    },
    issues: [],
    nested: [],
    outcome: null,
  };
}
