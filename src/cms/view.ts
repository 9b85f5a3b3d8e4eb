// What verification needs from a CMS SignedData, produced either by the fast DER reader (the
// common, definite-length case) or by pkijs (everything else). Decoded certificates are cached by
// their DER, since a batch of receipts repeats a handful of provider certificates.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, equalBytes, latin1, tailHash } from '../bytes.js';
import { PecError } from '../errors.js';
import type { Limits } from '../limits.js';
import { knownCertificate } from '../trust/certificates.js';
import { children, oid, readTlv, type Tlv, time } from './der.js';
import { OID } from './oids.js';
import { decodeExtensions, embeddedCertificates, findSignerCertificate, parseSignedData } from './parse.js';

/** The parts of the first SignerInfo that verification reads. */
export interface SignerView {
  digestOid: string;
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  /** DER of the signed attributes re-tagged as SET OF (what the signature covers), or null. */
  signedAttrs: Bytes | null;
  messageDigest: Uint8Array | null;
  contentTypeOid: string | null;
  signingTime: Date | null;
  attributeOids: string[];
  signature: asn1js.OctetString;
  signerCertificate: pkijs.Certificate | null;
  certificates: pkijs.Certificate[];
  signerCount: number;
}

interface CachedCert {
  /** The certificate's own DER (the cache key is only a hash of it). */
  der: Uint8Array;
  cert: pkijs.Certificate;
  issuer: Uint8Array;
  serial: Uint8Array;
  ski: Uint8Array | null;
}

const CERT_CACHE_SIZE = 512;
const certCache = new Map<number, CachedCert>();

// Keyed by a hash of the DER's tail (its signature bytes), a hit confirmed byte for byte: much
// cheaper than a string of the whole DER as the key.
function certificateFrom(der: Uint8Array): CachedCert | null {
  const key = tailHash(der);
  const hit = certCache.get(key);
  if (hit && equalBytes(hit.der, der)) {
    // Refresh recency (Map keeps insertion order: the oldest entry is evicted first).
    certCache.delete(key);
    certCache.set(key, hit);
    return hit;
  }
  const top = readTlv(der, 0, der.length);
  const parts = top && top.tag === 0x30 ? children(der, top) : null;
  const tbs = parts?.[0];
  const fields = tbs && tbs.tag === 0x30 ? children(der, tbs) : null;
  if (!fields) return null;
  const off = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[off];
  const issuer = fields[off + 2];
  if (serial?.tag !== 0x02 || !issuer || issuer.tag !== 0x30) return null;
  const own = der.slice();
  // A trust anchor carried in the CMS (AgID CA1 is in most PEC signatures) is the anchor's own
  // object: its extensions (60-odd name constraints, ~50 ms in pkijs) are decoded once per process.
  let cert = knownCertificate(own);
  if (!cert) {
    try {
      cert = pkijs.Certificate.fromBER(own);
    } catch {
      return null;
    }
  }
  // Hostile extension values throw from pkijs' lazy getter: decline, and let the general path
  // report the CMS as malformed (see decodeExtensions).
  if (!decodeExtensions(cert)) return null;
  const skiExt = cert.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as
    | asn1js.OctetString
    | undefined;
  const entry: CachedCert = {
    der: own,
    cert,
    issuer: der.slice(issuer.start, issuer.end),
    serial: der.slice(serial.valueStart, serial.end),
    ski: skiExt ? new Uint8Array(skiExt.valueBlock.valueHexView) : null,
  };
  certCache.delete(key); // a colliding entry, if any: the newest goes last
  certCache.set(key, entry);
  if (certCache.size > CERT_CACHE_SIZE) certCache.delete(certCache.keys().next().value!);
  return entry;
}

// Signature algorithms repeat across messages: decode each distinct encoding once.
const algorithmCache = new Map<string, pkijs.AlgorithmIdentifier>();
function algorithmFrom(b: Uint8Array, t: Tlv): pkijs.AlgorithmIdentifier | null {
  const key = latin1(b, t.start, t.end);
  const hit = algorithmCache.get(key);
  if (hit) return hit;
  try {
    const alg = new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(b.slice(t.start, t.end)).result });
    if (algorithmCache.size < 64) algorithmCache.set(key, alg);
    return alg;
  } catch {
    return null;
  }
}

/** The fast path: DER with definite lengths, one or more SignerInfos. Null → use pkijs. */
function fastView(der: Bytes, limits: Limits): SignerView | null {
  const top = readTlv(der, 0, der.length);
  if (top?.tag !== 0x30 || top.end !== der.length) return null;
  const ci = children(der, top);
  if (ci?.length !== 2 || ci[0]!.tag !== 0x06 || ci[1]!.tag !== 0xa0 || oid(der, ci[0]!) !== OID.signedData)
    return null;
  const wrapped = children(der, ci[1]!);
  const sdTlv = wrapped?.[0];
  if (wrapped?.length !== 1 || sdTlv!.tag !== 0x30) return null;
  const sd = children(der, sdTlv!);
  if (!sd || sd.length < 4) return null;
  const certsTlv = sd.find((t) => t.tag === 0xa0);
  const infos = sd[sd.length - 1]!;
  if (infos.tag !== 0x31) return null;
  const certDers = certsTlv ? children(der, certsTlv) : [];
  if (!certDers) return null;
  if (certDers.length > limits.maxCertificates) {
    throw new PecError(
      'LIMIT_EXCEEDED',
      `the CMS carries ${certDers.length} certificates, more than maxCertificates (${limits.maxCertificates})`,
      {
        limit: 'maxCertificates',
      },
    );
  }
  const certs: CachedCert[] = [];
  for (const c of certDers) {
    if (c.tag !== 0x30) continue; // other certificate formats: not X.509, skipped as pkijs does
    const entry = certificateFrom(der.subarray(c.start, c.end));
    if (!entry) return null;
    certs.push(entry);
  }
  const signerInfos = children(der, infos);
  const si = signerInfos?.[0] ? children(der, signerInfos[0]) : null;
  if (!si || si.length < 5) return null;
  const [, sid, digestAlg] = si;
  let i = 3;
  let attrs: Tlv | null = null;
  if (si[i]!.tag === 0xa0) attrs = si[i++]!;
  const sigAlg = si[i++];
  const sigValue = si[i++];
  if (
    !sid ||
    !digestAlg ||
    digestAlg.tag !== 0x30 ||
    !sigAlg ||
    sigAlg.tag !== 0x30 ||
    !sigValue ||
    sigValue.tag !== 0x04
  )
    return null;
  const digestOidTlv = children(der, digestAlg)?.[0];
  if (digestOidTlv?.tag !== 0x06) return null;
  const signatureAlgorithm = algorithmFrom(der, sigAlg);
  if (!signatureAlgorithm) return null;

  // The signer: issuer+serial (SEQUENCE) or [0] subjectKeyIdentifier.
  let signer: CachedCert | undefined;
  if (sid.tag === 0x30) {
    const ias = children(der, sid);
    if (ias?.length !== 2 || ias[1]!.tag !== 0x02) return null;
    const issuer = der.subarray(ias[0]!.start, ias[0]!.end);
    const serial = der.subarray(ias[1]!.valueStart, ias[1]!.end);
    signer = certs.find((c) => equalBytes(c.serial, serial) && equalBytes(c.issuer, issuer));
  } else if (sid.tag === 0x80) {
    const ski = der.subarray(sid.valueStart, sid.end);
    signer = certs.find((c) => c.ski !== null && equalBytes(c.ski, ski));
  } else return null;

  const view: SignerView = {
    digestOid: oid(der, digestOidTlv),
    signatureAlgorithm,
    signedAttrs: null,
    messageDigest: null,
    contentTypeOid: null,
    signingTime: null,
    attributeOids: [],
    signature: new asn1js.OctetString({ valueHex: der.slice(sigValue.valueStart, sigValue.end) }),
    signerCertificate: signer?.cert ?? null,
    certificates: certs.map((c) => c.cert),
    signerCount: signerInfos!.length,
  };
  if (attrs) {
    const signed = der.slice(attrs.start, attrs.end);
    signed[0] = 0x31; // [0] IMPLICIT → SET OF: the bytes the signature covers (RFC 5652 §5.4)
    view.signedAttrs = signed;
    for (const a of children(der, attrs) ?? []) {
      const av = children(der, a);
      if (av?.length !== 2 || av[0]!.tag !== 0x06 || av[1]!.tag !== 0x31) return null;
      const type = oid(der, av[0]!);
      view.attributeOids.push(type);
      const value = children(der, av[1]!)?.[0];
      if (!value) continue;
      if (type === OID.messageDigest && value.tag === 0x04)
        view.messageDigest = der.slice(value.valueStart, value.end);
      else if (type === OID.contentType && value.tag === 0x06) view.contentTypeOid = oid(der, value);
      else if (type === OID.signingTime && (value.tag === 0x17 || value.tag === 0x18))
        view.signingTime = time(der, value);
    }
  }
  return view;
}

function attributeValue(info: pkijs.SignerInfo, type: string): unknown {
  // pkijs leaves `values` undefined when an attribute's SET does not decode (found by fuzzing).
  return info.signedAttrs?.attributes.find((a) => a.type === type)?.values?.[0];
}

/** The general path: any BER pkijs accepts. */
function pkijsView(der: Bytes, limits: Limits): SignerView {
  const sd = parseSignedData(der, limits);
  try {
    return readPkijsView(sd);
  } catch (e) {
    // pkijs objects decoded from hostile BER can lack fields their types promise: whatever is
    // missing, the CMS is malformed, never a TypeError out of verifyPec.
    throw new PecError(
      'CMS_MALFORMED',
      `the CMS SignedData cannot be read: ${(e as Error).message}`,
      undefined,
      {
        cause: e,
      },
    );
  }
}

function readPkijsView(sd: pkijs.SignedData): SignerView {
  const info = sd.signerInfos[0]!;
  const md = attributeValue(info, OID.messageDigest);
  const ct = attributeValue(info, OID.contentType);
  const st = attributeValue(info, OID.signingTime);
  let signingTime: Date | null = null;
  if (st instanceof asn1js.UTCTime || st instanceof asn1js.GeneralizedTime) {
    const d = st.toDate();
    signingTime = Number.isNaN(d.getTime()) ? null : d;
  }
  return {
    digestOid: info.digestAlgorithm.algorithmId,
    signatureAlgorithm: info.signatureAlgorithm,
    signedAttrs: info.signedAttrs ? new Uint8Array(info.signedAttrs.encodedValue) : null,
    messageDigest: md instanceof asn1js.OctetString ? new Uint8Array(md.valueBlock.valueHexView) : null,
    contentTypeOid: ct instanceof asn1js.ObjectIdentifier ? ct.getValue() : null,
    signingTime,
    attributeOids: info.signedAttrs?.attributes.map((a) => a.type) ?? [],
    signature: info.signature,
    signerCertificate: findSignerCertificate(sd, info) ?? null,
    certificates: embeddedCertificates(sd),
    signerCount: sd.signerInfos.length,
  };
}

/** Reads a CMS SignedData for verification: the fast DER reader first, pkijs when it declines. */
export function signerView(der: Bytes, limits: Limits): SignerView {
  return fastView(der, limits) ?? pkijsView(der, limits);
}
