// Detached CMS signature verification over exact bytes, with the CRLF-canonical fallback that
// real archives need (8 of the corpus' intact messages are stored with LF endings).
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { type Bytes, describe, equalBytes, hasBareLineBreaks, toCRLF } from '../bytes.js';
import { engineFor, resolveCrypto } from '../crypto.js';
import { invalidArgument, PecError } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import { DIGESTS, type DigestName, OID } from './oids.js';
import { embeddedCertificates, findSignerCertificate, parseSignedData } from './parse.js';

/** Why a signature is not intact. */
export type SignatureFailure =
  | 'SIGNATURE_DIGEST_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_CONTENT_TYPE'
  | 'SIGNATURE_NO_MESSAGE_DIGEST'
  | 'SIGNER_CERT_MISSING'
  | 'SIGNATURE_UNSUPPORTED_ALGORITHM';

/** The outcome of {@link verifyDetached}. */
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
  signerCertificate: pkijs.Certificate | null;
  /** Every certificate the CMS carries (untrusted). */
  certificates: pkijs.Certificate[];
  /** OIDs of the signed attributes, in order. */
  signedAttributes: string[];
  /** Number of SignerInfos in the CMS (PEC uses one). */
  signerCount: number;
}

/** Options of {@link verifyDetached}. */
export interface VerifyDetachedOptions {
  /** WebCrypto implementation (default `globalThis.crypto`). */
  crypto?: Crypto;
  limits?: Partial<Limits>;
}

function attributeValue(info: pkijs.SignerInfo, oid: string): unknown {
  return info.signedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
}

function readSigningTime(info: pkijs.SignerInfo): Date | null {
  const v = attributeValue(info, OID.signingTime);
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) {
    const d = v.toDate();
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/**
 * Verifies a detached CMS SignedData (`der`) over `content`. Tries the exact bytes first and,
 * when they do not match and contain bare line breaks, the CRLF-canonical bytes (what an S/MIME
 * signer hashed before the file was stored with LF endings).
 *
 * Returns a result for every well-formed CMS, intact or not; throws a coded {@link PecError}
 * only when the CMS itself cannot be decoded (CMS_MALFORMED) or exceeds a limit.
 *
 * @example
 * ```ts
 * const r = await verifyDetached(signedBytes, der);
 * if (r.intact) console.log('signed by', r.signerCertificate?.subject, 'at', r.signingTime);
 * ```
 */
export async function verifyDetached(
  content: Uint8Array,
  der: Bytes,
  options: VerifyDetachedOptions = {},
): Promise<CmsVerification> {
  if (!(content instanceof Uint8Array))
    throw invalidArgument(`content must be a Uint8Array, got ${describe(content)}`);
  if (!(der instanceof Uint8Array)) throw invalidArgument(`der must be a Uint8Array, got ${describe(der)}`);
  const crypto = resolveCrypto(options.crypto);
  const limits = resolveLimits(options.limits);
  const sd = parseSignedData(der, limits);
  const engine = engineFor(crypto);
  const info = sd.signerInfos[0]!;
  const digestOid = info.digestAlgorithm.algorithmId;
  const digest = DIGESTS[digestOid];
  const signerCertificate = findSignerCertificate(sd, info) ?? null;
  const result: CmsVerification = {
    intact: false,
    canonicalized: false,
    failure: null,
    message: null,
    digestAlgorithm: digest?.name ?? null,
    digestAlgorithmOid: digestOid,
    signatureAlgorithmOid: info.signatureAlgorithm.algorithmId,
    signingTime: readSigningTime(info),
    signerCertificate,
    certificates: embeddedCertificates(sd),
    signedAttributes: info.signedAttrs?.attributes.map((a) => a.type) ?? [],
    signerCount: sd.signerInfos.length,
  };
  const fail = (failure: SignatureFailure, message: string): CmsVerification =>
    Object.assign(result, { failure, message });
  if (!digest) return fail('SIGNATURE_UNSUPPORTED_ALGORITHM', `unsupported digest algorithm ${digestOid}`);
  if (!signerCertificate)
    return fail('SIGNER_CERT_MISSING', 'the CMS does not carry the certificate its SignerInfo names');

  let data: Uint8Array;
  if (info.signedAttrs) {
    const md = attributeValue(info, OID.messageDigest);
    if (!(md instanceof asn1js.OctetString))
      return fail('SIGNATURE_NO_MESSAGE_DIGEST', 'the signed attributes have no messageDigest');
    const ct = attributeValue(info, OID.contentType);
    if (!(ct instanceof asn1js.ObjectIdentifier) || ct.getValue() !== OID.data) {
      return fail('SIGNATURE_CONTENT_TYPE', 'the contentType signed attribute is missing or not id-data');
    }
    const expected = new Uint8Array(md.valueBlock.valueHexView);
    const exact = new Uint8Array(await crypto.subtle.digest(digest.webcrypto, content as Bytes));
    if (!equalBytes(exact, expected)) {
      let matched = false;
      if (hasBareLineBreaks(content)) {
        const canonical = new Uint8Array(await crypto.subtle.digest(digest.webcrypto, toCRLF(content)));
        matched = equalBytes(canonical, expected);
      }
      if (!matched)
        return fail(
          'SIGNATURE_DIGEST_MISMATCH',
          'the signed content was altered: its digest does not match the signed messageDigest',
        );
      result.canonicalized = true;
    }
    data = new Uint8Array(info.signedAttrs.encodedValue);
  } else {
    // No signed attributes: the signature is over the content itself.
    data = content;
  }
  let ok: boolean;
  try {
    ok = await engine.verifyWithPublicKey(
      data as Bytes,
      info.signature,
      signerCertificate.subjectPublicKeyInfo,
      info.signatureAlgorithm,
      info.signatureAlgorithm.algorithmId === OID.rsaEncryption ? digest.webcrypto : undefined,
    );
  } catch (e) {
    return fail(
      'SIGNATURE_UNSUPPORTED_ALGORITHM',
      `the signature cannot be checked: ${(e as Error).message}`,
    );
  }
  if (!ok) {
    if (!info.signedAttrs && hasBareLineBreaks(content)) {
      const again = await engine
        .verifyWithPublicKey(
          toCRLF(content),
          info.signature,
          signerCertificate.subjectPublicKeyInfo,
          info.signatureAlgorithm,
          info.signatureAlgorithm.algorithmId === OID.rsaEncryption ? digest.webcrypto : undefined,
        )
        .catch(() => false);
      if (again) return Object.assign(result, { intact: true, canonicalized: true });
    }
    return fail('SIGNATURE_INVALID', 'the signature value does not verify with the signer certificate key');
  }
  result.intact = true;
  return result;
}
