// verifyPec: signature over the exact signed bytes, the provider chain against the PEC anchors at
// the signing time, and the integrity of what was signed. A bad message gives a report, not a throw.
import { type BytesInput, describe as describeValue, toBytes } from '../bytes.js';
import type { CmsVerification } from '../cms/verify.js';
import { verifyDetached } from '../cms/verify.js';
import { resolveCrypto } from '../crypto.js';
import { invalidArgument, isPecError } from '../errors.js';
import { type Issue, issue } from '../issues.js';
import { type Limits, resolveLimits } from '../limits.js';
import type { PecKind } from '../message/kinds.js';
import { type PecMessage, parsePec } from '../message/parse.js';
import { parseDate } from '../mime/address.js';
import { loadTrustAnchors } from '../trust/anchors.js';
import {
  certificateEmails,
  issuerToString,
  type PkiInput,
  parseCrls,
  serialNumberHex,
  subjectToString,
} from '../trust/certificates.js';
import { validateChain } from '../trust/chain.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { VERIFY_ISSUES, type VerifyIssueCode } from './issues.js';
import { preparedFor } from './prepared-cache.js';

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
  /** The instant the chain is judged at: the signing time (default), now, or a given date. */
  at?: 'signing-time' | 'now' | Date;
  /** The clock for 'now' and for `validNow` (default: the current time). */
  now?: Date;
  /** WebCrypto implementation (default `globalThis.crypto`). */
  crypto?: Crypto;
  /** Input limits. */
  limits?: Partial<Limits>;
}

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
  /** Subjects from the signer to the anchor. */
  path: string[];
  /** Whether the same chain is valid at the current time (expired provider certificates are normal). */
  validNow: boolean | null;
}

/**
 * Named checks and their outcome.
 *
 * @example
 * ```ts
 * const { checks } = await verifyPec(bytes);
 * const failed = Object.entries(checks).filter(([, o]) => o === ('fail' satisfies CheckOutcome));
 * ```
 * @category Verifying
 */
export type CheckOutcome = 'pass' | 'fail' | 'warn' | 'skip';

/**
 * What {@link verifyPec} found. Serialises to the CLI's JSON as it is.
 *
 * @example
 * ```ts
 * const report: VerificationReport = await verifyPec(bytes);
 * console.log(report.valid, report.kind, report.checks.signature, report.issues.length);
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
  /** Verdicts of PEC messages wrapped in this one (mailing lists, forwards). */
  nested: VerificationReport[];
}

function vIssue(code: VerifyIssueCode, message: string): Issue {
  return { code, severity: VERIFY_ISSUES[code][0], message };
}

function resolveAt(at: VerifyOptions['at']): VerifyOptions['at'] {
  if (at === undefined || at === 'signing-time' || at === 'now') return at ?? 'signing-time';
  if (at instanceof Date && !Number.isNaN(at.getTime())) return at;
  throw invalidArgument(`at must be 'signing-time', 'now' or a valid Date, got ${describeValue(at)}`);
}

function asList(v: readonly PkiInput[] | undefined, name: string): readonly PkiInput[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidArgument(`${name} must be an array of PEM strings or DER bytes`);
  return v;
}

interface Prepared {
  anchors: Certificate[];
  crls: Crl[];
  at: 'signing-time' | 'now' | Date;
  now: Date;
  crypto: Crypto;
  limits: Limits;
}

function prepare(options: VerifyOptions): Prepared {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options must be an object');
  const trust = asList(options.trust, 'trust');
  const crls = asList(options.crls, 'crls');
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw invalidArgument('now must be a valid Date');
  return {
    anchors: loadTrustAnchors(trust),
    crls: crls ? crls.flatMap((c) => parseCrls(c)) : [],
    at: resolveAt(options.at) as Prepared['at'],
    now,
    crypto: resolveCrypto(options.crypto),
    limits: resolveLimits(options.limits),
  };
}

function worst(issues: readonly Issue[], codes: readonly string[]): CheckOutcome {
  const mine = issues.filter(
    (i) => codes.includes(i.code) || codes.some((c) => c.endsWith('*') && i.code.startsWith(c.slice(0, -1))),
  );
  if (mine.some((i) => i.severity === 'error')) return 'fail';
  if (mine.some((i) => i.severity === 'warning')) return 'warn';
  return 'pass';
}

async function verifyParsed(pec: PecMessage, p: Prepared): Promise<VerificationReport> {
  const issues: Issue[] = [...pec.issues];
  // Start from the empty report's blocks; the checks below fill them in.
  const { signature, chain } = emptyReport(pec.kind);
  let cms: CmsVerification | null = null;
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
    signature.signingTime = cms.signingTime ? cms.signingTime.toISOString() : null;
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
      if (cms.signerCount > 1)
        issues.push(
          vIssue(
            'SIGNATURE_MULTIPLE_SIGNERS',
            `the CMS has ${cms.signerCount} signers; only the first was checked`,
          ),
        );
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
        now: p.now,
        crypto: p.crypto,
        limits: p.limits,
      });
      chain.trusted = result.trusted;
      chain.at = result.at;
      chain.anchor = result.anchor;
      chain.path = result.path;
      chain.validNow = result.validNow ?? null;
      issues.push(...result.issues);
      // daticert time vs signing time: the provider writes both for one event.
      const dataUtc = pec.daticert?.dataUtc ? parseDate(pec.daticert.dataUtc) : null;
      if (
        dataUtc &&
        cms.signingTime &&
        Math.abs(dataUtc.getTime() - cms.signingTime.getTime()) > 15 * 60 * 1000
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
  const nested: VerificationReport[] = [];
  for (const n of pec.nested) {
    const r = await verifyParsed(n, p);
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
  return {
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
      chain: chain.trusted === null ? 'skip' : chain.trusted ? worst(issues, ['CHAIN_*']) : 'fail',
      signer: signature.signer ? worst(issues, ['SIGNER_FROM_MISMATCH', 'SIGNER_EMAIL_MISMATCH']) : 'skip',
      daticert:
        pec.kind === 'non-pec' ? 'skip' : worst(issues, ['DATICERT_*', 'SIGNING_TIME_DATICERT_MISMATCH']),
      headers:
        pec.kind === 'non-pec'
          ? 'skip'
          : worst(issues, [
              'KIND_HEADER_MISMATCH',
              'KIND_HEADER_MISSING',
              'MESSAGE_ID_MISMATCH',
              'RIFERIMENTO_MISMATCH',
              'SUBJECT_PREFIX_MISMATCH',
              'SUBJECT_MISMATCH',
              'SENDER_MISMATCH',
            ]),
      postacert: pec.kind === 'non-pec' ? 'skip' : worst(issues, ['POSTACERT_*', 'DELIVERY_FORM_MISMATCH']),
    },
    issues,
    nested,
  };
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
  return (raw) => verifyPrepared(raw, p);
}

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
export async function verifyPec(raw: BytesInput, options: VerifyOptions = {}): Promise<VerificationReport> {
  return verifyPrepared(raw, preparedFor(options, prepare));
}

async function verifyPrepared(raw: BytesInput, p: Prepared): Promise<VerificationReport> {
  const bytes = toBytes(raw, 'message');
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
    return { ...emptyReport('non-pec'), issues: [issue] };
  }
  try {
    return await verifyParsed(pec, p);
  } catch (e) {
    // Verification never throws on message content (DESIGN principle 5). A failure that escapes the
    // checks above is a pec-kit bug: report it as an error issue instead of crashing a batch.
    if (isPecError(e) && e.code === 'INVALID_ARGUMENT') throw e;
    return {
      ...emptyReport(pec.kind),
      issues: [
        ...pec.issues,
        vIssue('INTERNAL_ERROR', `unexpected failure while verifying: ${(e as Error)?.message ?? String(e)}`),
      ],
    };
  }
}

function emptyReport(kind: VerificationReport['kind']): VerificationReport {
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
    chain: { trusted: null, at: null, atSource: null, anchor: null, path: [], validNow: null },
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
  };
}
