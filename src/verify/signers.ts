// The SignerInfos after the first. PEC signs with one SignerInfo (the provider's); a CMS with more
// is judged by all of them, so that a second signer (broken, or from an untrusted certificate)
// never rides along unseen. What validity means here: the message is valid only when every
// SignerInfo verifies over the same signed bytes and chains to a trusted anchor; the report's
// signer block describes the first one. maxSigners (limits.ts) bounds how many are checked.
import type { Bytes } from '../bytes.js';
import { type CmsVerification, verifyDetached } from '../cms/verify.js';
import { isPecError } from '../errors.js';
import type { Issue } from '../issues.js';
import type { Limits } from '../limits.js';
import { validateChain } from '../trust/chain.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { VERIFY_ISSUES, type VerifyIssueCode } from './issues.js';

/** What checking the other signers needs from verifyPec's options. */
export interface OtherSignersContext {
  anchors: Certificate[];
  crls: Crl[];
  at: 'signing-time' | 'now' | Date;
  now: Date;
  crypto: Crypto;
  limits: Limits;
}

const vIssue = (code: VerifyIssueCode, message: string): Issue => ({
  code,
  severity: VERIFY_ISSUES[code][0],
  message,
});

/**
 * @internal Checks SignerInfos 2…n of `der` over `signed` (the first, `first`, is already checked
 * and intact) and returns the issues: one error per signer that does not verify or is not trusted,
 * SIGNATURE_SHA1 when one of them uses SHA-1, and SIGNATURE_MULTIPLE_SIGNERS (a warning) when
 * all of them pass.
 */
export async function otherSignerIssues(
  signed: Uint8Array,
  der: Bytes,
  first: CmsVerification,
  p: OtherSignersContext,
): Promise<Issue[]> {
  const issues: Issue[] = [];
  let sha1 = false;
  for (let index = 1; index < first.signerCount; index++) {
    const n = index + 1;
    let r: CmsVerification;
    try {
      r = await verifyDetached(signed, der, { crypto: p.crypto, limits: p.limits, signerIndex: index });
    } catch (e) {
      // Only this SignerInfo was decoded for it: one that does not even read is reported, never thrown.
      if (!isPecError(e)) throw e;
      issues.push(vIssue('SIGNATURE_EXTRA_SIGNER_INVALID', `SignerInfo ${n} cannot be read: ${e.message}`));
      continue;
    }
    // The same bytes as the first signer, not another form of them: what is shown is what every
    // signer signed.
    if (!r.intact || r.canonicalized !== first.canonicalized || !r.signerCertificate) {
      const why = r.intact ? 'it matches only another form of the signed bytes' : (r.message ?? r.failure);
      issues.push(vIssue('SIGNATURE_EXTRA_SIGNER_INVALID', `SignerInfo ${n} does not verify: ${why}`));
      continue;
    }
    if (r.digestAlgorithm === 'sha1') sha1 = true;
    const at = p.at === 'signing-time' ? (r.signingTime ?? p.now) : p.at === 'now' ? p.now : (p.at as Date);
    const chain = await validateChain({
      signer: r.signerCertificate,
      certificates: r.certificates,
      anchors: p.anchors,
      crls: p.crls,
      at,
      now: p.now,
      crypto: p.crypto,
      limits: p.limits,
    });
    if (!chain.trusted) {
      const codes = chain.issues.filter((i) => i.severity === 'error').map((i) => i.code);
      issues.push(
        vIssue(
          'SIGNATURE_EXTRA_SIGNER_UNTRUSTED',
          `SignerInfo ${n} (${r.signerCertificate.subject.toString()}) is not trusted: ${codes.join(', ') || 'no trusted path'}`,
        ),
      );
    }
  }
  if (sha1 && first.digestAlgorithm !== 'sha1')
    issues.push(vIssue('SIGNATURE_SHA1', 'another SignerInfo of the signature uses SHA-1; accepted'));
  if (issues.every((i) => i.severity !== 'error'))
    issues.push(
      vIssue(
        'SIGNATURE_MULTIPLE_SIGNERS',
        `the CMS has ${first.signerCount} signers; every one verifies and is trusted`,
      ),
    );
  return issues;
}
