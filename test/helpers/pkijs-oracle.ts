// pkijs as an independent decoder of the same DER: what pec-kit reads must be what pkijs reads.
// pkijs is a devDependency used only here and in a few tests (docs/stack.md); the library has its own
// decoder (src/x509). Both views have the same shape, so a test compares them with one toEqual.
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, toHex } from '../../src/bytes.js';
import type { Certificate } from '../../src/x509/certificate.js';
import { EXT, GENERAL_NAME_TYPES, type GeneralName } from '../../src/x509/extensions.js';
import type { Name } from '../../src/x509/name.js';

type Attributes = [string, string | null][];

const pkijsAttributes = (n: pkijs.RelativeDistinguishedNames): Attributes =>
  n.typesAndValues.map((tv) => {
    const v: unknown = tv.value.valueBlock.value;
    return [tv.type, typeof v === 'string' ? v : null];
  });
const ourAttributes = (n: Name): Attributes => n.rdns.flat().map((a) => [a.type, a.value]);

const pkijsNames = (names: pkijs.GeneralName[]): [string, unknown][] =>
  names.map((base) => [
    (GENERAL_NAME_TYPES as readonly string[])[base.type] ?? String(base.type),
    base.type === 4
      ? pkijsAttributes(base.value)
      : base.type === 7
        ? toHex((base.value as asn1js.OctetString).valueBlock.valueHexView)
        : base.value,
  ]);
const ourNames = (names: readonly GeneralName[]): [string, unknown][] =>
  names.map((n) => [
    n.type,
    n.type === 'directoryName' ? ourAttributes(n.value) : n.type === 'iPAddress' ? toHex(n.value) : n.value,
  ]);

/** What pkijs reads from a certificate's DER. */
export function pkijsView(der: Uint8Array) {
  const c = pkijs.Certificate.fromBER(der.slice() as Bytes);
  const parsed = (oid: string) => c.extensions?.find((e) => e.extnID === oid)?.parsedValue;
  const bc = parsed(EXT.basicConstraints) as pkijs.BasicConstraints | undefined;
  const nc = parsed(EXT.nameConstraints) as pkijs.NameConstraints | undefined;
  const san = parsed(EXT.subjectAltName) as pkijs.AltName | undefined;
  const ku = parsed(EXT.keyUsage) as asn1js.BitString | undefined;
  const eku = parsed(EXT.extKeyUsage) as pkijs.ExtKeyUsage | undefined;
  const ski = parsed(EXT.subjectKeyIdentifier) as asn1js.OctetString | undefined;
  const policies = parsed(EXT.certificatePolicies) as pkijs.CertificatePolicies | undefined;
  const pathLen = bc?.pathLenConstraint;
  return {
    subject: pkijsAttributes(c.subject),
    issuer: pkijsAttributes(c.issuer),
    issuerDer: toHex(new Uint8Array(c.issuer.toSchema().toBER(false))),
    serial: toHex(c.serialNumber.valueBlock.valueHexView),
    notBefore: c.notBefore.value.toISOString(),
    notAfter: c.notAfter.value.toISOString(),
    signatureAlgorithm: c.signatureAlgorithm.algorithmId,
    spki: toHex(new Uint8Array(c.subjectPublicKeyInfo.toSchema().toBER(false))),
    signature: toHex(c.signatureValue.valueBlock.valueHexView),
    tbs: toHex(c.tbsView),
    extensions: (c.extensions ?? []).map((e) => `${e.extnID}:${e.critical}`),
    subjectAltNames: pkijsNames(san?.altNames ?? []),
    basicConstraints: bc
      ? {
          cA: bc.cA === true,
          pathLen:
            typeof pathLen === 'number'
              ? pathLen
              : (pathLen as asn1js.Integer | undefined)?.valueBlock.valueDec,
        }
      : null,
    nameConstraints: nc
      ? {
          permitted: pkijsNames((nc.permittedSubtrees ?? []).map((s) => s.base)),
          excluded: pkijsNames((nc.excludedSubtrees ?? []).map((s) => s.base)),
        }
      : null,
    keyUsage: ku ? (ku.valueBlock.valueHexView[0] ?? 0) : null,
    extKeyUsage: eku ? eku.keyPurposes : null,
    subjectKeyIdentifier: ski ? toHex(ski.valueBlock.valueHexView) : null,
    policies: policies ? policies.certificatePolicies.map((p) => p.policyIdentifier) : [],
  };
}

/** The same facts, as pec-kit decoded them. */
export function ourView(c: Certificate): ReturnType<typeof pkijsView> {
  const bc = c.basicConstraints;
  const nc = c.nameConstraints;
  return {
    subject: ourAttributes(c.subject),
    issuer: ourAttributes(c.issuer),
    issuerDer: toHex(c.issuer.der),
    serial: toHex(c.serialNumber),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    signatureAlgorithm: c.signatureAlgorithm.oid,
    spki: toHex(c.publicKey.der),
    signature: toHex(c.signatureValue),
    tbs: toHex(c.tbs),
    extensions: c.extensions.map((e) => `${e.oid}:${e.critical}`),
    subjectAltNames: ourNames(c.subjectAltNames),
    basicConstraints: bc ? { cA: bc.cA, pathLen: bc.pathLen } : null,
    nameConstraints: nc ? { permitted: ourNames(nc.permitted), excluded: ourNames(nc.excluded) } : null,
    keyUsage: c.keyUsage,
    extKeyUsage: c.extKeyUsage ? [...c.extKeyUsage] : null,
    subjectKeyIdentifier: c.subjectKeyIdentifier ? toHex(c.subjectKeyIdentifier) : null,
    policies: [...c.policies],
  };
}
