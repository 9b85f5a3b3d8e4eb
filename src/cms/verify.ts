// Detached CMS signature verification over exact bytes, with the CRLF-canonical fallback that
// real archives need (8 of the corpus' intact messages are stored with LF endings). The fallback
// adds the CR of bare LFs only (lfToCRLF): a bare CR stays a byte, as it is to the MIME reader, so
// the bytes hashed and the structure shown never disagree on where a line ends.
import { type Bytes, describe, equalBytes, hasBareLF, indexOfByte, lfToCRLF } from '../bytes.js';
import { digestOf, resolveCrypto } from '../crypto.js';
import { invalidArgument } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import { checkOptions, optionKeys } from '../options.js';
import type { Certificate } from '../x509/certificate.js';
import { signatureHash, verifySignature } from '../x509/signature.js';
import { DIGESTS, type DigestName, OID } from './oids.js';
import { signerView } from './view.js';

const VERIFY_DETACHED_KEYS = optionKeys<VerifyDetachedOptions>({
  crypto: true,
  limits: true,
  signerIndex: true,
});

/**
 * Why a signature is not intact.
 *
 * @example
 * ```ts
 * const why: SignatureFailure | null = (await verifyDetached(signedBytes, der)).failure;
 * ```
 * @category Low-level
 */
export type SignatureFailure =
  | 'SIGNATURE_DIGEST_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_CONTENT_TYPE'
  | 'SIGNATURE_NO_MESSAGE_DIGEST'
  | 'SIGNER_CERT_MISSING'
  | 'SIGNATURE_UNSUPPORTED_ALGORITHM'
  | 'SIGNATURE_ALGORITHM_MISMATCH';

/**
 * The outcome of {@link verifyDetached}.
 *
 * @example
 * ```ts
 * const r: CmsVerification = await verifyDetached(signedBytes, der);
 * if (!r.intact) console.log(r.failure, r.message);
 * else console.log(r.digestAlgorithm, r.signingTime?.toISOString(), r.certificates.length);
 * ```
 * @category Low-level
 */
export interface CmsVerification {
  /** True when the signature is cryptographically valid over the given bytes (or their CRLF form). */
  intact: boolean;
  /** True when only the CRLF-canonicalised bytes matched. */
  canonicalized: boolean;
  /** Why `intact` is false. */
  failure: SignatureFailure | null;
  /** A human explanation of `failure`. */
  message: string | null;
  /** Digest algorithm of the SignerInfo (null when unknown). */
  digestAlgorithm: DigestName | null;
  /** Digest algorithm OID as written. */
  digestAlgorithmOid: string;
  /** Signature algorithm OID of the SignerInfo. */
  signatureAlgorithmOid: string;
  /** The signingTime signed attribute, if present. */
  signingTime: Date | null;
  /** The certificate the SignerInfo names (from the CMS). */
  signerCertificate: Certificate | null;
  /** Every certificate the CMS carries (untrusted). */
  certificates: Certificate[];
  /** OIDs of the signed attributes, in order. */
  signedAttributes: string[];
  /** Number of SignerInfos in the CMS (PEC uses one). */
  signerCount: number;
}

/**
 * Options of {@link verifyDetached}.
 *
 * @example
 * ```ts
 * const options: VerifyDetachedOptions = { crypto: globalThis.crypto };
 * ```
 * @category Low-level
 */
export interface VerifyDetachedOptions {
  /**
   * WebCrypto implementation. Default: the platform's (`globalThis.crypto`); in Node, digests and
   * signature checks then run in node:crypto on the calling thread (same results, a fifth of the
   * CPU). Pass one, even `globalThis.crypto`, to have it do everything.
   */
  crypto?: Crypto;
  limits?: Partial<Limits>;
  /** Which SignerInfo to check: 0 (the default) for the first, 1 for the second, … */
  signerIndex?: number;
}

/**
 * Verifies a detached CMS SignedData (`der`) over `content`. Tries the exact bytes first and,
 * when they do not match and contain bare LFs, the CRLF-canonical bytes (what an S/MIME signer
 * hashed before the file was stored with LF endings). A bare CR is never made a line break: the
 * MIME reader does not see one there, so neither does the hasher.
 *
 * Returns a result for every well-formed CMS, intact or not; throws a coded {@link PecError}
 * only when the CMS itself cannot be decoded (CMS_MALFORMED) or exceeds a limit.
 *
 * @example
 * ```ts
 * const r = await verifyDetached(signedBytes, der);
 * if (r.intact) console.log('signed by', r.signerCertificate?.subject.toString(), 'at', r.signingTime);
 * ```
 * @category Low-level
 */
export async function verifyDetached(
  content: Uint8Array,
  der: Bytes,
  options: VerifyDetachedOptions = {},
): Promise<CmsVerification> {
  checkOptions(options, 'verifyDetached options', VERIFY_DETACHED_KEYS);
  if (!(content instanceof Uint8Array))
    throw invalidArgument(`content must be a Uint8Array, got ${describe(content)}`);
  if (!(der instanceof Uint8Array)) throw invalidArgument(`der must be a Uint8Array, got ${describe(der)}`);
  const crypto = resolveCrypto(options.crypto);
  const limits = resolveLimits(options.limits);
  const index = options.signerIndex ?? 0;
  if (!Number.isSafeInteger(index) || index < 0)
    throw invalidArgument(`signerIndex must be a non-negative integer, got ${describe(index)}`);
  const view = signerView(der, limits, index);
  const digest = DIGESTS[view.digestOid];
  const signerCertificate = view.signerCertificate;
  const result: CmsVerification = {
    intact: false,
    canonicalized: false,
    failure: null,
    message: null,
    digestAlgorithm: digest?.name ?? null,
    digestAlgorithmOid: view.digestOid,
    signatureAlgorithmOid: view.signatureAlgorithm.oid,
    signingTime: view.signingTime,
    signerCertificate,
    certificates: view.certificates,
    signedAttributes: view.attributeOids,
    signerCount: view.signerCount,
  };
  const fail = (failure: SignatureFailure, message: string): CmsVerification =>
    Object.assign(result, { failure, message });
  if (!digest)
    return fail('SIGNATURE_UNSUPPORTED_ALGORITHM', `unsupported digest algorithm ${view.digestOid}`);
  let implied: string | null;
  try {
    implied = signatureHash(view.signatureAlgorithm);
  } catch (e) {
    return fail('SIGNATURE_UNSUPPORTED_ALGORITHM', (e as Error).message);
  }
  if (implied && implied !== digest.webcrypto)
    return fail(
      'SIGNATURE_ALGORITHM_MISMATCH',
      `the digest algorithm is ${digest.webcrypto} but the signature algorithm signs ${implied}`,
    );
  if (!signerCertificate)
    return fail('SIGNER_CERT_MISSING', 'the CMS does not carry the certificate its SignerInfo names');
  // Without signed attributes nothing else names the content type: eContentType must be id-data.
  if (!view.signedAttrs && view.encapContentTypeOid !== OID.data)
    return fail('SIGNATURE_CONTENT_TYPE', 'the encapsulated content type is not id-data');

  const check = (bytes: Uint8Array) =>
    verifySignature(
      crypto,
      signerCertificate.publicKey,
      view.signatureAlgorithm,
      view.signature,
      bytes,
      digest.webcrypto,
    );
  // A check's outcome that never rejects, so one started early leaves nothing unhandled.
  const settle = (bytes: Uint8Array): Promise<{ ok: boolean; error: unknown }> =>
    check(bytes).then(
      (ok) => ({ ok, error: undefined }),
      (error: unknown) => ({ ok: false, error: error ?? new Error(String(error)) }),
    );
  let pending: Promise<{ ok: boolean; error: unknown }>;
  if (view.signedAttrs) {
    if (!view.messageDigest)
      return fail('SIGNATURE_NO_MESSAGE_DIGEST', 'the signed attributes have no messageDigest');
    if (view.contentTypeOid !== OID.data || view.encapContentTypeOid !== OID.data) {
      return fail(
        'SIGNATURE_CONTENT_TYPE',
        'the contentType signed attribute or the encapsulated content type is missing or not id-data',
      );
    }
    // The signature covers the signed attributes, not the content: both WebCrypto jobs run at
    // once. A digest mismatch still decides first, exactly as when they ran one after the other.
    pending = settle(view.signedAttrs);
    const expected = view.messageDigest;
    const matches = async (bytes: Uint8Array) =>
      equalBytes(await digestOf(crypto, digest.webcrypto, bytes), expected);
    // Exact bytes first. But a part with no CR at all was stored with LF endings after an S/MIME
    // signer hashed its canonical CRLF form: try that form first there and save a digest.
    // (Both tests stop at the first CR or LF: no scan of a large part in the usual CRLF case.)
    const lfOnly = indexOfByte(content, 0x0d) === -1 && indexOfByte(content, 0x0a) !== -1;
    let canonicalized: boolean;
    if (lfOnly && (await matches(lfToCRLF(content)))) canonicalized = true;
    else if (await matches(content)) canonicalized = false;
    else if (!lfOnly && hasBareLF(content) && (await matches(lfToCRLF(content)))) canonicalized = true;
    else
      return fail(
        'SIGNATURE_DIGEST_MISMATCH',
        'the signed content was altered: its digest does not match the signed messageDigest',
      );
    result.canonicalized = canonicalized;
  } else {
    // No signed attributes: the signature is over the content itself.
    pending = settle(content);
  }
  const outcome = await pending;
  if (outcome.error !== undefined) {
    return fail(
      'SIGNATURE_UNSUPPORTED_ALGORITHM',
      `the signature cannot be checked: ${(outcome.error as Error).message}`,
    );
  }
  const ok = outcome.ok;
  if (!ok) {
    if (!view.signedAttrs && hasBareLF(content)) {
      const again = await check(lfToCRLF(content)).catch(() => false);
      if (again) return Object.assign(result, { intact: true, canonicalized: true });
    }
    return fail('SIGNATURE_INVALID', 'the signature value does not verify with the signer certificate key');
  }
  result.intact = true;
  return result;
}
