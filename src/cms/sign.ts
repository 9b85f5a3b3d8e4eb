// Detached CMS SignedData over exact bytes, as PEC providers produce it.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, describe } from '../bytes.js';
import { engineFor, resolveCrypto } from '../crypto.js';
import { invalidArgument } from '../errors.js';
import { DIGEST_BY_NAME, type DigestName, OID } from './oids.js';
import type { Signer } from './signer.js';

/**
 * Options of {@link signDetached}.
 *
 * @example
 * ```ts
 * const options: SignOptions = { digest: 'sha256', signingTime: new Date('2025-03-14T10:30:00Z') };
 * const der = await signDetached(content, signer, options);
 * ```
 */
export interface SignOptions {
  /** Digest algorithm: 'sha256' (default) or 'sha1' as real providers still use. */
  digest?: DigestName;
  /** The signingTime attribute (default: now). */
  signingTime?: Date;
  /** WebCrypto implementation (default `globalThis.crypto`). */
  crypto?: Crypto;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function timeValue(d: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  // RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise.
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050
    ? new asn1js.UTCTime({ valueDate: d })
    : new asn1js.GeneralizedTime({ valueDate: d });
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
 */
export async function signDetached(
  content: Uint8Array,
  signer: Signer,
  options: SignOptions = {},
): Promise<Bytes> {
  if (!(content instanceof Uint8Array))
    throw invalidArgument(`content must be a Uint8Array, got ${describe(content)}`);
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(`options must be an object, got ${describe(options)}`);
  if (
    typeof signer !== 'object' ||
    signer === null ||
    !(signer.certificate instanceof pkijs.Certificate) ||
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
  const crypto = resolveCrypto(options.crypto);
  const engine = engineFor(crypto);
  const alg = DIGEST_BY_NAME[digest];
  const messageDigest = await crypto.subtle.digest(alg.webcrypto, content as Bytes);
  const attribute = (type: string, value: asn1js.AsnType): pkijs.Attribute =>
    new pkijs.Attribute({ type, values: [value] });
  const attributes = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })),
    attribute(OID.signingTime, timeValue(signingTime)),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: messageDigest })),
  ];
  // DER requires SET OF elements in ascending order of their encodings (X.690 §11.6).
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));
  const sd = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [signer.certificate, ...signer.chain],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: signer.certificate.issuer,
          serialNumber: signer.certificate.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: encoded.map((e) => e.a) }),
      }),
    ],
  });
  const key = await signer.keyFor(digest);
  await sd.sign(key, 0, alg.webcrypto, undefined, engine);
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}
