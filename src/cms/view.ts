// What verification needs from a CMS SignedData (RFC 5652 §5), read with pec-kit's own BER/DER
// reader: DER as providers write it, and BER with indefinite lengths and constructed strings as
// streaming signers (OpenSSL's `cms -sign` among them) write it. The structure is read by position
// (RFC 5652 §5.1–5.3: nothing missing, nothing extra, nothing out of order); one SignerInfo, the
// one asked for, is decoded in full; certificates are decoded once per distinct DER
// (trust/certificates.ts), and they are DER (x509/certificate.ts).
import { type Bytes, equalBytes, tailHash } from '../bytes.js';
import {
  children,
  DerCountError,
  DerError,
  encoded,
  expect,
  integerBytes,
  minimalInteger,
  type Node,
  octets,
  oid,
  readNode,
  sequence,
  smallInteger,
  TAG,
  time,
} from '../der/read.js';
import { setOf, tlv } from '../der/write.js';
import { PecError } from '../errors.js';
import type { Limits } from '../limits.js';
import { setRecent } from '../lru.js';
import { certificateFromDer } from '../trust/certificates.js';
import { type AlgorithmIdentifier, readAlgorithm } from '../x509/algorithm.js';
import type { Certificate } from '../x509/certificate.js';
import { Name } from '../x509/name.js';
import { OID } from './oids.js';

/** The parts of one SignerInfo (the first, unless asked otherwise) that verification reads. */
export interface SignerView {
  digestOid: string;
  signatureAlgorithm: AlgorithmIdentifier;
  /** DER of the signed attributes re-tagged as SET OF (what the signature covers), or null. */
  signedAttrs: Bytes | null;
  messageDigest: Uint8Array | null;
  contentTypeOid: string | null;
  /** eContentType of the encapsulated content (id-data for every S/MIME signature). */
  encapContentTypeOid: string;
  signingTime: Date | null;
  attributeOids: string[];
  signature: Bytes;
  signerCertificate: Certificate | null;
  certificates: Certificate[];
  signerCount: number;
}

const SINGLE_VALUED = new Set<string>([OID.contentType, OID.messageDigest, OID.signingTime]);

const malformed = (message: string, cause?: unknown): PecError =>
  new PecError('CMS_MALFORMED', message, undefined, cause === undefined ? undefined : { cause });

/** A decoded CMS certificates field: the bytes it was read from (a copy) and what they held. */
interface CertificateSet {
  readonly der: Bytes;
  /** Elements of the field, skipped alternatives included: what maxCertificates counts. */
  readonly count: number;
  readonly certificates: readonly Certificate[];
}

/** Most certificate fields kept: a provider repeats one field in every message it signs. */
export const CERTIFICATE_SET_CACHE_MAX = 64;

// The certificates fields of recent CMS, decoded, by a hash of the field's tail (the last
// certificate's signature), a hit confirmed byte for byte against a copy of the bytes it was
// decoded from: a provider's receipts repeat the same field, which is then neither walked nor
// looked up certificate by certificate again. The decoding is a pure function of those bytes; only
// the maxCertificates limit depends on the call, and it is checked against the stored count.
const setCache = new Map<number, CertificateSet>();

function certificateCountError(limits: Limits): PecError {
  return new PecError(
    'LIMIT_EXCEEDED',
    `the CMS carries more than maxCertificates (${limits.maxCertificates}) certificates`,
    { limit: 'maxCertificates' },
  );
}

/** The CMS certificates field: X.509 ones decoded (other formats skipped), within the limit. */
function readCertificates(b: Bytes, node: Node | undefined, limits: Limits): Certificate[] {
  if (!node) return [];
  const field = encoded(b, node);
  const key = tailHash(field);
  const hit = setCache.get(key);
  if (hit && equalBytes(hit.der, field)) {
    if (hit.count > limits.maxCertificates) throw certificateCountError(limits);
    setRecent(setCache, key, hit, CERTIFICATE_SET_CACHE_MAX); // a hit counts as recent
    return hit.certificates.slice(); // the caller's own array
  }
  const { count, certificates } = decodeCertificates(b, node, limits);
  // A private copy, not frozen: slicing a frozen array takes V8's slow path on every hit.
  setRecent(
    setCache,
    key,
    { der: field.slice(), count, certificates: certificates.slice() },
    CERTIFICATE_SET_CACHE_MAX,
  );
  return certificates;
}

function decodeCertificates(
  b: Bytes,
  node: Node,
  limits: Limits,
): { count: number; certificates: Certificate[] } {
  let items: Node[];
  try {
    // Read no further than the limit: millions of tiny elements would cost gigabytes first.
    items = children(b, node, 0, limits.maxCertificates);
  } catch (e) {
    if (!(e instanceof DerCountError)) throw e;
    throw certificateCountError(limits);
  }
  const out: Certificate[] = [];
  for (const [i, item] of items.entries()) {
    // CertificateChoices (RFC 5652 §10.2.2): an X.509 certificate, or one of the constructed
    // [0]–[3] alternatives (obsolete extended and v1 attribute certificates, v2 attribute
    // certificates, other formats), which are skipped. Anything else is no certificate at all.
    if (item.tag !== TAG.SEQUENCE) {
      if (item.tag >= 0xa0 && item.tag <= 0xa3) continue;
      throw new DerError(
        `certificate ${i + 1} of the CMS is no CertificateChoices (tag 0x${item.tag.toString(16)})`,
      );
    }
    try {
      out.push(certificateFromDer(encoded(b, item)));
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      throw malformed(`certificate ${i + 1} of the CMS cannot be read: ${e.message}`, e);
    }
  }
  return { count: items.length, certificates: out };
}

/**
 * Forgets the decoded CMS certificate fields (tests; a process that wants the memory back).
 *
 * @internal
 */
export function clearCertificateSetCache(): void {
  setCache.clear();
}

/** @internal How many decoded certificate fields are kept (at most {@link CERTIFICATE_SET_CACHE_MAX}). */
export function certificateSetCacheSize(): number {
  return setCache.size;
}

/** The signed attributes as the signature covers them: DER, tagged SET OF (RFC 5652 §5.4). */
function signedAttributesDer(b: Bytes, node: Node): Bytes {
  if (!node.indefinite) {
    const out = b.slice(node.start, node.end);
    out[0] = TAG.SET;
    return out;
  }
  // A streaming writer may frame the attributes with indefinite lengths; the signer hashed their
  // DER encoding (RFC 5652 §5.4): definite lengths, primitive strings, the SET OF sorted.
  return setOf(...children(b, node).map((c) => reencode(b, c, 1)));
}

/** The DER form of a BER value (indefinite lengths made definite, constructed OCTET STRINGs joined). */
function reencode(b: Bytes, node: Node, depth: number): Uint8Array {
  if (node.tag === CONSTRUCTED_OCTETS) return tlv(TAG.OCTET_STRING, octets(b, node, TAG.OCTET_STRING, depth));
  // High tag numbers never occur in signed attributes; a value already in DER form stays as is.
  if (!node.constructed || node.number >= 31 || !isBer(b, node, depth)) return encoded(b, node);
  const parts = children(b, node, depth).map((c) => reencode(b, c, depth + 1));
  return node.tag === TAG.SET ? setOf(...parts) : tlv(node.tag, ...parts);
}

const CONSTRUCTED_OCTETS = TAG.OCTET_STRING | 0x20;

/** True when the value, or one inside it, uses a BER-only form. */
function isBer(b: Bytes, node: Node, depth: number): boolean {
  if (node.indefinite || node.tag === CONSTRUCTED_OCTETS) return true;
  return node.constructed && children(b, node, depth).some((c) => isBer(b, c, depth + 1));
}

function readSignerInfo(
  b: Bytes,
  node: Node,
  certificates: Certificate[],
  context: { encapContentTypeOid: string; signerCount: number },
): SignerView {
  // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL,
  //   signatureAlgorithm, signature, [1] unsignedAttrs OPTIONAL }, read by position.
  const f = sequence(b, node, 'SignerInfo');
  const version = smallInteger(b, expect(f[0], TAG.INTEGER, 'SignerInfo version'));
  const [, sid, digestAlg] = f;
  // RFC 5652 §5.3: version 1 with issuerAndSerialNumber, version 3 with subjectKeyIdentifier.
  const sidForm = sid?.tag === TAG.SEQUENCE ? 1 : 3;
  if (version !== sidForm)
    throw new DerError(`SignerInfo version ${version} does not match its sid form (version ${sidForm})`);
  let i = 3;
  const attrs = f[i]?.tag === 0xa0 ? f[i++]! : null;
  const signatureAlgorithm = readAlgorithm(b, f[i++], 'SignerInfo signatureAlgorithm');
  const sigNode = f[i++];
  if (!sigNode) throw new DerError('SignerInfo signature is missing');
  const signature = octets(b, sigNode).slice();
  if (f[i]?.tag === 0xa1) i++;
  if (i !== f.length) throw new DerError('SignerInfo has an unknown or misplaced field');
  const digestOid = readAlgorithm(b, digestAlg, 'SignerInfo digestAlgorithm').oid;

  // The signer: issuer and serial number, or [0] subjectKeyIdentifier.
  let signer: Certificate | undefined;
  if (sid?.tag === TAG.SEQUENCE) {
    const [issuerNode, serialNode, extra] = children(b, sid);
    if (!serialNode || extra) throw new DerError('issuerAndSerialNumber is an issuer and a serial');
    // The exact encoding first, so that a look-alike placed earlier cannot shadow the signer;
    // then the same number and name written differently (sign bytes, string types, case).
    // The exact match needs no decoding of the issuer: bytes equal to a carried certificate's
    // issuer are a Name that was read when that certificate was. Errors come in the order of a
    // full read: the issuer's, then the serial's.
    const issuerDer = encoded(b, issuerNode!);
    let serial: Uint8Array | null = null;
    let serialError: unknown = null;
    try {
      serial = integerBytes(b, serialNode);
    } catch (e) {
      serialError = e;
    }
    const exact = serial;
    signer =
      exact === null
        ? undefined
        : certificates.find((c) => equalBytes(c.serialNumber, exact) && equalBytes(c.issuer.der, issuerDer));
    if (!signer) {
      const issuer = Name.read(b, issuerNode, 'SignerInfo issuer');
      if (serialError !== null) throw serialError;
      const wanted = minimalInteger(serial!);
      signer = certificates.find(
        (c) => equalBytes(minimalInteger(c.serialNumber), wanted) && c.issuer.equals(issuer),
      );
    }
  } else if (sid?.tag === 0x80 || sid?.tag === 0xa0) {
    const ski = octets(b, sid, 0x80); // primitive, or BER pieces
    if (ski.length === 0) throw new DerError('an empty subjectKeyIdentifier names no signer');
    signer = certificates.find(
      (c) => c.subjectKeyIdentifier !== null && equalBytes(c.subjectKeyIdentifier, ski),
    );
  } else throw new DerError('SignerInfo sid is neither issuerAndSerialNumber nor subjectKeyIdentifier');

  let signedAttrs: Bytes | null = null;
  let messageDigest: Uint8Array | null = null;
  let contentTypeOid: string | null = null;
  let signingTime: Date | null = null;
  const attributeOids: string[] = [];
  if (attrs) {
    signedAttrs = signedAttributesDer(b, attrs);
    for (const a of children(b, attrs)) {
      const [typeNode, values, extra] = sequence(b, a, 'an attribute');
      if (extra) throw new DerError('an attribute is a type and a set of values, nothing more');
      const type = oid(b, expect(typeNode, TAG.OID, 'attribute type'));
      // The name of the values is only for the error: not built for well-formed attributes.
      const all =
        values?.tag === TAG.SET
          ? children(b, values)
          : sequence(b, values, `the values of attribute ${type}`, TAG.SET);
      // RFC 5652 §11: contentType, messageDigest and signingTime appear once, with one value.
      if (SINGLE_VALUED.has(type) && (all.length !== 1 || attributeOids.includes(type)))
        throw new DerError(`the ${type} signed attribute must appear once with one value`);
      attributeOids.push(type);
      const value = all[0];
      if (!value) continue;
      if (type === OID.messageDigest) messageDigest = octets(b, value).slice();
      else if (type === OID.contentType && value.tag === TAG.OID) contentTypeOid = oid(b, value);
      else if (type === OID.signingTime) signingTime = time(b, value); // not a time: malformed
    }
  }
  // One literal with every field (no object filled in, then spread into another).
  return {
    digestOid,
    signatureAlgorithm,
    signedAttrs,
    messageDigest,
    contentTypeOid,
    signingTime,
    attributeOids,
    signature,
    signerCertificate: signer ?? null,
    encapContentTypeOid: context.encapContentTypeOid,
    certificates,
    signerCount: context.signerCount,
  };
}

/**
 * Reads a CMS ContentInfo holding SignedData for verification, with SignerInfo number `index`
 * (0: the first) decoded.
 *
 * @throws PecError `CMS_MALFORMED` for anything that is not a readable SignedData with a
 * SignerInfo at `index`; `LIMIT_EXCEEDED` for more than `limits.maxCertificates` certificates or
 * `limits.maxSigners` SignerInfos.
 */
export function signerView(der: Bytes, limits: Limits, index = 0): SignerView {
  if (der.length === 0) throw malformed('the signature is empty');
  try {
    // Trailing bytes after the ContentInfo (padding some archives add) are ignored, as OpenSSL does.
    const top = readNode(der, 0, der.length);
    const [typeNode, wrapped, extraField] = sequence(der, top, 'ContentInfo');
    const contentType = oid(der, expect(typeNode, TAG.OID, 'ContentInfo contentType'));
    if (contentType !== OID.signedData)
      throw new PecError('CMS_MALFORMED', `the CMS content type is ${contentType}, not SignedData`, {
        contentType,
      });
    if (extraField) throw new DerError('ContentInfo has more than contentType and content');
    const [sdNode, extraContent] = sequence(der, wrapped, 'ContentInfo content', 0xa0);
    if (extraContent) throw new DerError('ContentInfo content [0] holds more than one value');
    // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
    //   [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos }: by position, nothing else.
    const sd = sequence(der, sdNode, 'SignedData');
    const version = smallInteger(der, expect(sd[0], TAG.INTEGER, 'SignedData version'));
    if (version < 1 || version > 5) throw new DerError(`SignedData version ${version} does not exist`);
    for (const d of sequence(der, sd[1], 'SignedData digestAlgorithms', TAG.SET))
      readAlgorithm(der, d, 'a digestAlgorithm');
    // EncapsulatedContentInfo ::= SEQUENCE { eContentType, [0] EXPLICIT eContent OPTIONAL }.
    const [eContentType, eContent, extraEncap] = sequence(der, sd[2], 'SignedData encapContentInfo');
    const encapContentTypeOid = oid(der, expect(eContentType, TAG.OID, 'eContentType'));
    if (extraEncap || (eContent && eContent.tag !== 0xa0))
      throw new DerError('encapContentInfo is not an eContentType and an optional [0] eContent');
    let i = 3;
    const certsNode = sd[i]?.tag === 0xa0 ? sd[i++] : undefined;
    if (sd[i]?.tag === 0xa1) i++; // crls: not read (revocation data comes from the caller)
    const infosNode = sd[i++];
    if (i !== sd.length) throw new DerError('SignedData has an unknown or misplaced field');
    let infos: Node[];
    try {
      infos = sequence(der, infosNode, 'SignedData signerInfos', TAG.SET, limits.maxSigners);
    } catch (e) {
      if (!(e instanceof DerCountError)) throw e;
      throw new PecError(
        'LIMIT_EXCEEDED',
        `the CMS carries more than maxSigners (${limits.maxSigners}) SignerInfos`,
        { limit: 'maxSigners' },
      );
    }
    const certificates = readCertificates(der, certsNode, limits);
    if (infos.length === 0) throw malformed('the CMS SignedData has no SignerInfo');
    const info = infos[index];
    if (!info) throw malformed(`the CMS SignedData has no SignerInfo number ${index + 1}`);
    return readSignerInfo(der, info, certificates, { encapContentTypeOid, signerCount: infos.length });
  } catch (e) {
    if (e instanceof DerError)
      throw malformed(`the signature is not a valid CMS SignedData: ${e.message}`, e);
    throw e;
  }
}
