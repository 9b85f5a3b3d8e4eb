// Revocation, from the caller's CRLs only (never fetched): what a CRL says (its entries with
// their reasons and invalidity dates, whether pec-kit can use it at all), whose revocations it
// covers, and the verdict for each certificate of a path at the check instant, including the rule
// that after a key compromise the signer's own signingTime proves nothing.
// Kept apart from the path search and the profile checks so that the CRL rules read on their own.
import { toHex } from '../bytes.js';
import { DerError, minimalInteger, readRoot, time as readTime, smallInt } from '../der/read.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { serialNumberHex } from './certificates.js';
import type { ChainIssueCode } from './issues.js';
import type { Context, Node } from './path.js';

const OID = {
  invalidityDate: '2.5.29.24',
  reasonCode: '2.5.29.21',
  certificateIssuer: '2.5.29.29',
  deltaCrlIndicator: '2.5.29.27',
} as const;

const UNDERSTOOD_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35', '2.5.29.28', '2.5.29.18']);

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

/** keyUsage bit an issuer needs to sign CRLs. */
export const KU_CRL_SIGN = 0x02;

/** An instant (ms) as ISO 8601 UTC, for messages. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** One CRL entry for a serial: its effective date (the invalidity date when earlier) and reason. */
export interface RevocationEntry {
  readonly date: number;
  readonly reason: string | null;
  /**
   * The key is known or suspected to have been compromised (keyCompromise, cACompromise,
   * aACompromise, or an unspecified reason with an invalidityDate before the revocation): from
   * then on, a signingTime written with that key proves nothing.
   */
  readonly compromise: boolean;
}

/** What pec-kit reads from a CRL once (memoised per decoded object). */
export interface CrlFacts {
  readonly crl: Crl;
  readonly fp: string;
  readonly thisUpdate: number;
  readonly nextUpdate: number | null;
  /** Why the CRL cannot be used at all (delta or indirect CRL, unknown critical extension), or null. */
  readonly unsupported: string | null;
  /** Revoked serials (lower-case hex, no leading zeros) → entries. */
  readonly entries: ReadonlyMap<string, RevocationEntry[]>;
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
export function crlFacts(crl: Crl): Omit<CrlFacts, 'fp'> {
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

/**
 * Revocation of every non-anchor certificate of `nodes` at `ctx.at`, reported through `add`.
 * Returns the effective revocation instants found (ms), which decide `validNow`.
 */
export async function checkRevocation(
  ctx: Context,
  nodes: readonly Node[],
  add: (code: ChainIssueCode, message: string) => void,
): Promise<number[]> {
  const at = ctx.at;
  const last = nodes.length - 1;
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
  return revocations;
}
