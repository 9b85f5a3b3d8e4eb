// CMS ContentInfo/SignedData decoding with coded errors: hostile DER must never surface as a
// TypeError from deep inside asn1js or pkijs.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, equalBytes } from '../bytes.js';
import { PecError } from '../errors.js';
import type { Limits } from '../limits.js';
import { OID } from './oids.js';

/** Decodes DER/BER bytes of a CMS ContentInfo holding SignedData. */
export function parseSignedData(der: Bytes, limits: Limits): pkijs.SignedData {
  if (der.length === 0) throw new PecError('CMS_MALFORMED', 'the signature is empty');
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1)
    throw new PecError(
      'CMS_MALFORMED',
      `the signature is not valid DER/BER: ${asn1.result.error || 'decode error'}`,
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
