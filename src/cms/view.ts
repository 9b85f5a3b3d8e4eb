// What verification needs from a CMS SignedData (RFC 5652 §5), read with pec-kit's own BER/DER
// reader: DER as providers write it, and BER with indefinite lengths and constructed strings as
// streaming signers (OpenSSL's `cms -sign` among them) write it. Only the first SignerInfo and the
// fields below are read; certificates are decoded once per distinct DER (trust/certificates.ts).
import type { Bytes } from '../bytes.js';
import {
  children,
  DerError,
  encoded,
  expect,
  integerBytes,
  type Node,
  octets,
  oid,
  readNode,
  sequence,
  TAG,
  time,
} from '../der/read.js';
import { tlv } from '../der/write.js';
import { PecError } from '../errors.js';
import type { Limits } from '../limits.js';
import { certificateFromDer } from '../trust/certificates.js';
import { type AlgorithmIdentifier, readAlgorithm } from '../x509/algorithm.js';
import type { Certificate } from '../x509/certificate.js';
import { Name } from '../x509/name.js';
import { OID } from './oids.js';

/** The parts of the first SignerInfo that verification reads. */
export interface SignerView {
  digestOid: string;
  signatureAlgorithm: AlgorithmIdentifier;
  /** DER of the signed attributes re-tagged as SET OF (what the signature covers), or null. */
  signedAttrs: Bytes | null;
  messageDigest: Uint8Array | null;
  contentTypeOid: string | null;
  signingTime: Date | null;
  attributeOids: string[];
  signature: Bytes;
  signerCertificate: Certificate | null;
  certificates: Certificate[];
  signerCount: number;
}

const malformed = (message: string, cause?: unknown): PecError =>
  new PecError('CMS_MALFORMED', message, undefined, cause === undefined ? undefined : { cause });

/** The CMS certificates field: X.509 ones decoded (other formats skipped), within the limit. */
function readCertificates(b: Bytes, node: Node | undefined, limits: Limits): Certificate[] {
  if (!node) return [];
  const items = children(b, node);
  if (items.length > limits.maxCertificates) {
    throw new PecError(
      'LIMIT_EXCEEDED',
      `the CMS carries ${items.length} certificates, more than maxCertificates (${limits.maxCertificates})`,
      { limit: 'maxCertificates' },
    );
  }
  const out: Certificate[] = [];
  for (const [i, item] of items.entries()) {
    if (item.tag !== TAG.SEQUENCE) continue; // attribute certificates and other formats
    try {
      out.push(certificateFromDer(encoded(b, item)));
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      throw malformed(`certificate ${i + 1} of the CMS cannot be read: ${e.message}`, e);
    }
  }
  return out;
}

/** The signed attributes as the signature covers them: DER, tagged SET OF (RFC 5652 §5.4). */
function signedAttributesDer(b: Bytes, node: Node): Bytes {
  if (!node.indefinite) {
    const out = b.slice(node.start, node.end);
    out[0] = TAG.SET;
    return out;
  }
  // A streaming writer may frame the attributes with an indefinite length; the signer hashed DER.
  return tlv(TAG.SET, ...children(b, node).map((c) => encoded(b, c)));
}

function readSignerInfo(
  b: Bytes,
  node: Node,
  certificates: Certificate[],
): Omit<SignerView, 'certificates' | 'signerCount'> {
  const f = sequence(b, node, 'SignerInfo');
  const [, sid, digestAlg] = f;
  let i = 3;
  const attrs = f[i]?.tag === 0xa0 ? f[i++]! : null;
  const signatureAlgorithm = readAlgorithm(b, f[i++], 'SignerInfo signatureAlgorithm');
  const sigNode = f[i++];
  if (!sigNode) throw new DerError('SignerInfo signature is missing');
  const signature = octets(b, sigNode).slice();
  if (f[i] && f[i]!.tag !== 0xa1) throw new DerError('SignerInfo has an unknown field');
  const digestOid = readAlgorithm(b, digestAlg, 'SignerInfo digestAlgorithm').oid;

  // The signer: issuer and serial number, or [0] subjectKeyIdentifier.
  let signer: Certificate | undefined;
  if (sid?.tag === TAG.SEQUENCE) {
    const [issuerNode, serialNode, extra] = children(b, sid);
    if (!serialNode || extra) throw new DerError('issuerAndSerialNumber is an issuer and a serial');
    const issuer = Name.read(b, issuerNode, 'SignerInfo issuer');
    const serial = integerBytes(b, serialNode);
    signer = certificates.find((c) => equal(c.serialNumber, serial) && c.issuer.equals(issuer));
  } else if (sid?.tag === 0x80 || sid?.tag === 0xa0) {
    const ski = sid.tag === 0x80 ? b.subarray(sid.valueStart, sid.valueEnd) : octets(b, children(b, sid)[0]!);
    signer = certificates.find((c) => c.subjectKeyIdentifier !== null && equal(c.subjectKeyIdentifier, ski));
  } else throw new DerError('SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');

  const view: Omit<SignerView, 'certificates' | 'signerCount'> = {
    digestOid,
    signatureAlgorithm,
    signedAttrs: null,
    messageDigest: null,
    contentTypeOid: null,
    signingTime: null,
    attributeOids: [],
    signature,
    signerCertificate: signer ?? null,
  };
  if (attrs) {
    view.signedAttrs = signedAttributesDer(b, attrs);
    for (const a of children(b, attrs)) {
      const [typeNode, values] = sequence(b, a, 'an attribute');
      const type = oid(b, expect(typeNode, TAG.OID, 'attribute type'));
      view.attributeOids.push(type);
      const value = sequence(b, values, `the values of attribute ${type}`, TAG.SET)[0];
      if (!value) continue;
      if (type === OID.messageDigest) view.messageDigest = octets(b, value).slice();
      else if (type === OID.contentType && value.tag === TAG.OID) view.contentTypeOid = oid(b, value);
      else if (type === OID.signingTime) view.signingTime = time(b, value); // a signed attribute that is not a time: malformed
    }
  }
  return view;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reads a CMS ContentInfo holding SignedData for verification.
 *
 * @throws PecError `CMS_MALFORMED` for anything that is not a readable SignedData with a
 * SignerInfo; `LIMIT_EXCEEDED` for more than `limits.maxCertificates` certificates.
 */
export function signerView(der: Bytes, limits: Limits): SignerView {
  if (der.length === 0) throw malformed('the signature is empty');
  try {
    // Trailing bytes after the ContentInfo (padding some archives add) are ignored, as OpenSSL does.
    const top = readNode(der, 0, der.length);
    const [typeNode, wrapped] = sequence(der, top, 'ContentInfo');
    const contentType = oid(der, expect(typeNode, TAG.OID, 'ContentInfo contentType'));
    if (contentType !== OID.signedData)
      throw new PecError('CMS_MALFORMED', `the CMS content type is ${contentType}, not SignedData`, {
        contentType,
      });
    const [sdNode] = sequence(der, wrapped, 'ContentInfo content', 0xa0);
    const sd = sequence(der, sdNode, 'SignedData');
    // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
    const rest = sd.slice(3);
    const certsNode = rest.find((n) => n.tag === 0xa0);
    const infosNode = rest[rest.length - 1];
    expect(sd[1], TAG.SET, 'SignedData digestAlgorithms');
    sequence(der, sd[2], 'SignedData encapContentInfo');
    const infos = sequence(der, infosNode, 'SignedData signerInfos', TAG.SET);
    const certificates = readCertificates(der, certsNode, limits);
    if (infos.length === 0) throw malformed('the CMS SignedData has no SignerInfo');
    return {
      ...readSignerInfo(der, infos[0]!, certificates),
      certificates,
      signerCount: infos.length,
    };
  } catch (e) {
    if (e instanceof DerError)
      throw malformed(`the signature is not a valid CMS SignedData: ${e.message}`, e);
    throw e;
  }
}
