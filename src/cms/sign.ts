// Detached CMS SignedData over exact bytes, as PEC providers produce it.
import { type Bytes, describe } from '../bytes.js';
import { digestOf, resolveCrypto } from '../crypto.js';
import { explicit, implicit, integer, octetString, oid, seq, setOf, time, tlv } from '../der/write.js';
import { invalidArgument } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { Certificate } from '../x509/certificate.js';
import { digestAlgorithm, ecdsaDer, signingAlgorithm } from '../x509/signature.js';
import { DIGEST_BY_NAME, type DigestName, OID } from './oids.js';
import type { Signer } from './signer.js';

const SIGN_KEYS = optionKeys<SignOptions>({ digest: true, signingTime: true, crypto: true });

/**
 * Options of {@link signDetached}.
 *
 * @example
 * ```ts
 * const options: SignOptions = { digest: 'sha256', signingTime: new Date('2025-03-14T10:30:00Z') };
 * const der = await signDetached(content, signer, options);
 * ```
 * @category Low-level
 */
export interface SignOptions {
  /** Digest algorithm: 'sha256' (default) or 'sha1' as real providers still use. */
  digest?: DigestName;
  /** The signingTime attribute (default: now). */
  signingTime?: Date;
  /**
   * WebCrypto implementation. Default: the platform's (`globalThis.crypto`); in Node, digests and
   * signature checks then run in node:crypto on the calling thread (same results, a fifth of the
   * CPU). Pass one, even `globalThis.crypto`, to have it do everything.
   */
  crypto?: Crypto;
}

/**
 * Signs `content` (the exact bytes of the signed MIME entity) and returns a detached CMS
 * SignedData (DER) with signed attributes contentType, signingTime and messageDigest (sorted as a
 * DER SET OF), the signer certificate and its chain embedded.
 *
 * @example
 * ```ts
 * const der = await signDetached(entityBytes, signer, { digest: 'sha1', signingTime: at });
 * ```
 * @category Low-level
 */
export async function signDetached(
  content: Uint8Array,
  signer: Signer,
  options: SignOptions = {},
): Promise<Bytes> {
  checkOptions(options, 'signDetached options', SIGN_KEYS);
  if (!(content instanceof Uint8Array))
    throw invalidArgument(`content must be a Uint8Array, got ${describe(content)}`);
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(`options must be an object, got ${describe(options)}`);
  if (
    typeof signer !== 'object' ||
    signer === null ||
    !(signer.certificate instanceof Certificate) ||
    !Array.isArray(signer.chain) ||
    typeof signer.keyFor !== 'function'
  ) {
    throw invalidArgument(`signer must be a Signer from importSigner(), got ${describe(signer)}`);
  }
  const digest = options.digest ?? 'sha256';
  if (!(digest in DIGEST_BY_NAME)) throw invalidArgument(`unknown digest "${String(digest)}"`);
  const signingTime = options.signingTime ?? new Date();
  if (!(signingTime instanceof Date) || Number.isNaN(signingTime.getTime()))
    throw invalidArgument('signingTime must be a valid Date');
  const year = signingTime.getUTCFullYear();
  if (year < 0 || year > 9999) throw invalidArgument(`signingTime must be in years 0000-9999, got ${year}`);
  const crypto = resolveCrypto(options.crypto);
  const hash = DIGEST_BY_NAME[digest].webcrypto;
  const messageDigest = await digestOf(crypto, hash, content);
  const attribute = (type: string, value: Uint8Array): Bytes => seq(oid(type), setOf(value));
  // DER orders SET OF elements by their encodings (X.690 §11.6): setOf sorts them.
  const signedAttrs = setOf(
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.signingTime, time(signingTime)),
    attribute(OID.messageDigest, octetString(messageDigest)),
  );
  const alg = signingAlgorithm(signer.scheme, hash);
  const key = await signer.keyFor(digest);
  let signature = new Uint8Array(await crypto.subtle.sign(alg.params, key, signedAttrs));
  if (signer.scheme === 'ECDSA') signature = ecdsaDer(signature);
  const cert = signer.certificate;
  const signerInfo = seq(
    integer(1),
    seq(cert.issuer.der, tlv(0x02, cert.serialNumber)), // issuerAndSerialNumber, serial as written
    digestAlgorithm(hash),
    implicit(0, signedAttrs),
    alg.der,
    octetString(signature),
  );
  const signedData = seq(
    integer(1),
    setOf(digestAlgorithm(hash)),
    seq(oid(OID.data)), // detached: no eContent
    // [0] IMPLICIT SET OF certificates, sorted as DER wants (readers find the signer by issuer and
    // serial number, not by position).
    implicit(0, setOf(cert.der, ...signer.chain.map((c) => c.der))),
    setOf(signerInfo),
  );
  return seq(oid(OID.signedData), explicit(0, signedData));
}
