// CMS ContentInfo/SignedData decoding with coded errors: hostile DER must never surface as a
// TypeError from deep inside asn1js or pkijs.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, equalBytes } from '../bytes.js';
import { PecError } from '../errors.js';
import type { Limits } from '../limits.js';
import { OID } from './oids.js';

/** One TLV header: whether it is constructed, where its value starts, its length (-1: indefinite). */
function berHeader(
  b: Uint8Array,
  p: number,
  limit: number,
): { constructed: boolean; valueStart: number; length: number } | null {
  let q = p + 1;
  if ((b[p]! & 0x1f) === 0x1f) {
    // High tag number form: base-128 digits, the last one without bit 8.
    while (q < limit && b[q]! & 0x80 && q - p < 6) q++;
    q++;
  }
  if (q >= limit) return null;
  const first = b[q++]!;
  let length = first;
  if (first === 0x80) length = -1;
  else if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4 || q + n > limit) return null;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[q++]!;
  }
  if (length > limit - q) return null;
  const constructed = (b[p]! & 0x20) !== 0;
  if (length === -1 && !constructed) return null;
  return { constructed, valueStart: q, length };
}

/**
 * True when every length in the BER value at the start of `b` agrees with what it frames: each
 * definite-length constructed value is exactly filled by its children, each indefinite one is
 * closed by end-of-contents octets inside its parent. asn1js keeps reading children past their
 * parent's declared length; OpenSSL refuses such input ("too long", "sequence length mismatch"),
 * and so does pec-kit rather than guess where a value ends. Iterative (no recursion on hostile
 * nesting), linear, and trailing bytes after the value are left to the caller.
 */
export function berLengthsConsistent(b: Uint8Array): boolean {
  const ends: number[] = []; // the open constructed values: end offset, or -1 for indefinite
  let p = 0;
  for (;;) {
    while (ends.length > 0 && ends[ends.length - 1] === p) ends.pop();
    if (ends.length === 0 && p > 0) return true;
    let limit = b.length;
    for (let i = ends.length - 1; i >= 0; i--) {
      if (ends[i] !== -1) {
        limit = ends[i]!;
        break;
      }
    }
    if (p >= limit) return false; // a child ran past its parent, or end-of-contents is missing
    if (ends[ends.length - 1] === -1 && b[p] === 0 && b[p + 1] === 0 && p + 2 <= limit) {
      ends.pop();
      p += 2;
      continue;
    }
    const h = berHeader(b, p, limit);
    if (!h) return false;
    if (h.constructed) {
      ends.push(h.length === -1 ? -1 : h.valueStart + h.length);
      p = h.valueStart;
    } else p = h.valueStart + h.length;
  }
}

/**
 * Decodes every extension value of a certificate that came with a message. pkijs decodes them
 * lazily, in the `parsedValue` getter, and asn1js throws plain Errors there on hostile bytes
 * (a mutated extension crashed verifyPec while fuzzing). The getter keeps what it decoded, so
 * touching each value once, here, makes later reads safe; false means one cannot be decoded.
 */
export function decodeExtensions(cert: pkijs.Certificate): boolean {
  try {
    for (const e of cert.extensions ?? []) if (e.parsedValue === null) return false; // never null: a read
    return true;
  } catch {
    return false;
  }
}

/** Decodes DER/BER bytes of a CMS ContentInfo holding SignedData. */
export function parseSignedData(der: Bytes, limits: Limits): pkijs.SignedData {
  if (der.length === 0) throw new PecError('CMS_MALFORMED', 'the signature is empty');
  let asn1: ReturnType<typeof asn1js.fromBER>;
  try {
    asn1 = asn1js.fromBER(der);
  } catch (e) {
    // asn1js throws plain Errors for some primitive contents (a malformed GeneralizedTime).
    throw new PecError(
      'CMS_MALFORMED',
      `the signature is not valid DER/BER: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
  if (asn1.offset === -1)
    throw new PecError(
      'CMS_MALFORMED',
      `the signature is not valid DER/BER: ${asn1.result.error || 'decode error'}`,
    );
  if (!berLengthsConsistent(der))
    throw new PecError(
      'CMS_MALFORMED',
      'the signature is not valid DER/BER: a length disagrees with the content it frames',
    );
  let signed: pkijs.SignedData;
  try {
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== OID.signedData) {
      throw new PecError('CMS_MALFORMED', `the CMS content type is ${info.contentType}, not SignedData`, {
        contentType: info.contentType,
      });
    }
    signed = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    if (e instanceof PecError) throw e;
    throw new PecError(
      'CMS_MALFORMED',
      `the signature is not a CMS SignedData structure: ${(e as Error).message}`,
      undefined,
      { cause: e },
    );
  }
  const certCount = signed.certificates?.length ?? 0;
  if (certCount > limits.maxCertificates) {
    throw new PecError(
      'LIMIT_EXCEEDED',
      `the CMS carries ${certCount} certificates, more than maxCertificates (${limits.maxCertificates})`,
      { limit: 'maxCertificates' },
    );
  }
  for (const [i, c] of (signed.certificates ?? []).entries()) {
    if (c instanceof pkijs.Certificate && !decodeExtensions(c))
      throw new PecError(
        'CMS_MALFORMED',
        `certificate ${i + 1} of the CMS has an extension whose value cannot be decoded`,
      );
  }
  if (signed.signerInfos.length === 0)
    throw new PecError('CMS_MALFORMED', 'the CMS SignedData has no SignerInfo');
  return signed;
}

/** The X.509 certificates a SignedData carries (other certificate formats are skipped). */
export function embeddedCertificates(sd: pkijs.SignedData): pkijs.Certificate[] {
  return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
}

/** Finds the certificate a SignerInfo names, by issuer+serial or by subject key identifier. */
export function findSignerCertificate(
  sd: pkijs.SignedData,
  info: pkijs.SignerInfo,
): pkijs.Certificate | undefined {
  const certs = embeddedCertificates(sd);
  const sid = info.sid as pkijs.IssuerAndSerialNumber | asn1js.Primitive | asn1js.Constructed;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  }
  // [0] SubjectKeyIdentifier: compare with the certificate's SKI extension.
  const ski = skiBytes(sid);
  if (!ski) return undefined;
  return certs.find((c) => {
    const ext = c.extensions?.find((e) => e.extnID === '2.5.29.14');
    const value = ext?.parsedValue as asn1js.OctetString | undefined;
    return value !== undefined && equalBytes(new Uint8Array(value.valueBlock.valueHexView), ski);
  });
}

function skiBytes(sid: unknown): Uint8Array | undefined {
  const block = sid as {
    valueBlock?: { valueHexView?: Uint8Array; value?: { valueBlock?: { valueHexView?: Uint8Array } }[] };
  };
  const direct = block.valueBlock?.valueHexView;
  if (direct && direct.length > 0) return new Uint8Array(direct);
  const inner = block.valueBlock?.value?.[0]?.valueBlock?.valueHexView;
  return inner ? new Uint8Array(inner) : undefined;
}
