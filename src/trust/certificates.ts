// X.509 certificates and CRLs: parsing (PEM or DER) and the few facts the trust policy and the reports
// need (names as RFC 4514 strings, e-mail addresses, fingerprints, validity, key size).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type Bytes, type BytesInput, describe, equalBytes, tailHash, toHex } from '../bytes.js';
import { resolveCrypto } from '../crypto.js';
import { invalidArgument, PecError } from '../errors.js';
import { pemArmor, pemDer } from '../pem.js';

/**
 * Certificate or CRL bytes: PEM text (one or more blocks) or DER, as a string, Uint8Array or ArrayBuffer.
 *
 * @example
 * ```ts
 * const input: PkiInput = readFileSync('ca.pem', 'latin1');
 * ```
 */
export type PkiInput = BytesInput;

// The DER each object was parsed from: fingerprints must hash the exact bytes, not a re-encoding.
const originalDer = new WeakMap<object, Bytes>();

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const CRL_LABELS = new Set(['X509 CRL']);

function malformed(what: string, detail: string, cause?: unknown): PecError {
  return new PecError('CERT_MALFORMED', `${what}: ${detail}`, undefined, { cause });
}

function decodeDer<T extends object>(der: Bytes, what: string, make: (schema: asn1js.AsnType) => T): T {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw malformed(what, `not valid DER: ${asn1.result.error}`);
  // Trailing bytes would let two different inputs yield the same object (and fingerprint).
  if (asn1.offset !== der.length)
    throw malformed(what, `${der.length - asn1.offset} bytes after the DER structure`);
  let obj: T;
  try {
    obj = make(asn1.result);
  } catch (e) {
    throw malformed(what, e instanceof Error ? e.message : String(e), e);
  }
  originalDer.set(obj, der.slice());
  return obj;
}

/**
 * Parses every certificate in `input`: a PEM bundle (blocks labelled CERTIFICATE; other blocks are
 * skipped) or one DER certificate.
 *
 * @throws PecError `CERT_MALFORMED` when nothing parses as a certificate.
 * @example
 * ```ts
 * const certs = parseCertificates(readFileSync('bundle.pem', 'latin1'));
 * ```
 */
export function parseCertificates(input: PkiInput): pkijs.Certificate[] {
  return pemDer(input, CERT_LABELS, 'certificate').map((der) => {
    const cert = decodeDer(der, 'certificate', (schema) => new pkijs.Certificate({ schema }));
    remember(der, cert);
    return cert;
  });
}

// The last certificates parsed here (trust anchors, signer chains), by DER. The CMS reader
// (cms/view.ts) reuses them for the same DER, so a CA that is both a trust anchor and carried in
// every signature is one object, and its extensions are decoded once (pkijs needs ~50 ms for the
// 60-odd name constraints of AgID CA1). pkijs objects are never modified once parsed.
const KNOWN_MAX = 64;
const known = new Map<number, { der: Bytes; cert: pkijs.Certificate }>();

function remember(der: Bytes, cert: pkijs.Certificate): void {
  const key = tailHash(der);
  known.delete(key);
  known.set(key, { der: originalDer.get(cert) ?? der.slice(), cert });
  if (known.size > KNOWN_MAX) known.delete(known.keys().next().value!);
}

/** A certificate parsed by {@link parseCertificates} from exactly these DER bytes, if any is known. */
export function knownCertificate(der: Uint8Array): pkijs.Certificate | undefined {
  const hit = known.get(tailHash(der));
  return hit && equalBytes(hit.der, der) ? hit.cert : undefined;
}

/**
 * Parses exactly one certificate, PEM or DER.
 *
 * @throws PecError `CERT_MALFORMED` for garbage, or for a PEM text holding more than one certificate.
 * @example
 * ```ts
 * const cert = parseCertificate(AGID_CA1_2018_PEM);
 * subjectToString(cert); // 'CN=AgID CA1,OU=...,C=IT'
 * ```
 */
export function parseCertificate(input: PkiInput): pkijs.Certificate {
  const all = parseCertificates(input);
  if (all.length !== 1) throw malformed('certificate', `expected one certificate, found ${all.length}`);
  return all[0]!;
}

/**
 * Parses every CRL in `input`: PEM blocks labelled X509 CRL, or one DER CRL.
 *
 * @throws PecError `CERT_MALFORMED` when nothing parses as a CRL.
 * @example
 * ```ts
 * const crls = parseCrls(await (await fetch('http://ca1.agid.gov.it/CRL')).arrayBuffer());
 * ```
 */
export function parseCrls(input: PkiInput): pkijs.CertificateRevocationList[] {
  return pemDer(input, CRL_LABELS, 'CRL').map((der) =>
    decodeDer(der, 'CRL', (schema) => new pkijs.CertificateRevocationList({ schema })),
  );
}

/**
 * Parses exactly one CRL, PEM or DER.
 *
 * @throws PecError `CERT_MALFORMED`.
 * @example
 * ```ts
 * const crl = parseCrl(pemText);
 * crl.thisUpdate.value; // Date
 * ```
 */
export function parseCrl(input: PkiInput): pkijs.CertificateRevocationList {
  const all = parseCrls(input);
  if (all.length !== 1) throw malformed('CRL', `expected one CRL, found ${all.length}`);
  return all[0]!;
}

/**
 * The DER bytes of a certificate or CRL: the exact parsed bytes when it came through
 * {@link parseCertificate}/{@link parseCrl}, otherwise pkijs' encoding of it.
 *
 * @example
 * ```ts
 * const der = toDer(cert); // Uint8Array
 * ```
 */
export function toDer(obj: pkijs.Certificate | pkijs.CertificateRevocationList): Bytes {
  const known = originalDer.get(obj);
  if (known) return known;
  let der: Bytes;
  try {
    der = new Uint8Array(obj.toSchema().toBER(false));
  } catch (e) {
    throw malformed('certificate', 'cannot be encoded', e);
  }
  originalDer.set(obj, der);
  return der;
}

/**
 * PEM text for a certificate (or CRL), 64 columns, LF line ends.
 *
 * @example
 * ```ts
 * writeFileSync('signer.pem', toPem(cert));
 * ```
 */
export function toPem(obj: pkijs.Certificate | pkijs.CertificateRevocationList): string {
  return pemArmor(obj instanceof pkijs.CertificateRevocationList ? 'X509 CRL' : 'CERTIFICATE', toDer(obj));
}

// ---------------------------------------------------------------------------------------------
// Names

// RFC 4514 §3 descriptors, plus the LDAP names of a few attributes seen in Italian certificates.
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '2.5.4.5': 'serialNumber',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
};

/**
 * One attribute of a distinguished name, decoded.
 *
 * @example
 * ```ts
 * const cn: NameAttribute | undefined = nameRdns(cert.subject).flat().find((a) => a.type === '2.5.4.3');
 * ```
 */
export interface NameAttribute {
  /** Attribute type OID, e.g. `2.5.4.3`. */
  readonly type: string;
  /** The string value, or `null` when the value is not a string type. */
  readonly value: string | null;
  /** Lower-case hex of the value's full BER encoding (tag, length, content). */
  readonly berHex: string;
}

function attributeFromAsn1(type: string, value: asn1js.AsnType): NameAttribute {
  const berHex = toHex(new Uint8Array(value.toBER(false)));
  return { type, value: value instanceof asn1js.BaseStringBlock ? value.getValue() : null, berHex };
}

/**
 * A name as its sequence of RDNs, most significant first (as encoded), each RDN a set of attributes.
 * pkijs flattens multi-valued RDNs, so this re-reads the encoded name when it is available.
 *
 * @example
 * ```ts
 * nameRdns(cert.subject)[0]; // [{ type: '2.5.4.6', value: 'IT', berHex: '1302...' }]
 * ```
 */
export function nameRdns(name: pkijs.RelativeDistinguishedNames): NameAttribute[][] {
  const raw = name.valueBeforeDecode;
  if (raw && raw.byteLength > 0) {
    const asn1 = asn1js.fromBER(raw);
    if (asn1.offset !== -1 && asn1.result instanceof asn1js.Sequence) {
      const rdns: NameAttribute[][] = [];
      let ok = true;
      for (const set of asn1.result.valueBlock.value) {
        if (!(set instanceof asn1js.Set)) {
          ok = false;
          break;
        }
        const rdn: NameAttribute[] = [];
        for (const atv of set.valueBlock.value) {
          const parts = atv instanceof asn1js.Sequence ? atv.valueBlock.value : [];
          const oid = parts[0];
          if (!(oid instanceof asn1js.ObjectIdentifier) || parts.length !== 2) {
            ok = false;
            break;
          }
          rdn.push(attributeFromAsn1(oid.getValue(), parts[1]!));
        }
        if (!ok) break;
        rdns.push(rdn);
      }
      if (ok) return rdns;
    }
  }
  return name.typesAndValues.map((tv) => [attributeFromAsn1(tv.type, tv.value)]);
}

// RFC 4514 §2.4 escaping (the same choices as Python's cryptography, which produced EXPECTED.json).
function escapeValue(v: string): string {
  let s = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (s.startsWith('#') || s.startsWith(' ')) s = `\\${s}`;
  if (s.endsWith(' ') && !s.endsWith('\\ ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/**
 * A distinguished name as an RFC 4514 string: least significant RDN first, `,` between RDNs, `+` inside
 * a multi-valued RDN. Standard attributes use their short names (`CN`, `OU`, `O`, `L`, `ST`, `C`, …);
 * unknown ones use the dotted OID and `#` + hex of the value's BER.
 *
 * @example
 * ```ts
 * nameToString(cert.issuer);
 * // "CN=AgID CA1,OU=Area Soluzioni per la Pubblica Amministrazione,O=Agenzia per l'Italia Digitale,L=Roma,C=IT"
 * ```
 */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return nameRdns(name)
    .reverse()
    .map((rdn) =>
      rdn
        .map((a) => {
          const short = ATTRIBUTE_NAMES[a.type];
          if (short !== undefined && a.value !== null) return `${short}=${escapeValue(a.value)}`;
          return `${short ?? a.type}=#${a.berHex}`;
        })
        .join('+'),
    )
    .join(',');
}

/**
 * The subject of a certificate as an RFC 4514 string (see {@link nameToString}).
 *
 * @example
 * ```ts
 * subjectToString(signer); // 'CN=Posta Certificata ARUBA PEC,O=Aruba PEC S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT'
 * ```
 */
export function subjectToString(cert: pkijs.Certificate): string {
  return cachedName(cert.subject);
}

/**
 * The issuer of a certificate as an RFC 4514 string (see {@link nameToString}).
 *
 * @example
 * ```ts
 * issuerToString(signer); // "CN=AgID CA1,OU=...,O=Agenzia per l'Italia Digitale,L=Roma,C=IT"
 * ```
 */
export function issuerToString(cert: pkijs.Certificate): string {
  return cachedName(cert.issuer);
}

// Rendering a name walks asn1js objects (~0.2 ms); reports of a batch ask for the same few names.
const nameCache = new WeakMap<pkijs.RelativeDistinguishedNames, string>();
function cachedName(name: pkijs.RelativeDistinguishedNames): string {
  let s = nameCache.get(name);
  if (s === undefined) {
    s = nameToString(name);
    nameCache.set(name, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Extensions and facts

/**
 * OIDs of the extensions pec-kit reads.
 *
 * @example
 * ```ts
 * findExtension(cert, EXT.nameConstraints)?.parsedValue;
 * ```
 */
export const EXT = Object.freeze({
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
});

/**
 * The extension with `oid`, or undefined.
 *
 * @example
 * ```ts
 * findExtension(cert, EXT.keyUsage)?.critical; // true
 * ```
 */
export function findExtension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/**
 * The GeneralNames of the subjectAltName extension (empty when absent).
 *
 * @example
 * ```ts
 * subjectAltNames(cert).filter((n) => n.type === 2); // dNSName entries
 * ```
 */
export function subjectAltNames(cert: pkijs.Certificate): pkijs.GeneralName[] {
  const v = findExtension(cert, EXT.subjectAltName)?.parsedValue;
  return v instanceof pkijs.AltName ? v.altNames : [];
}

/**
 * The rfc822Name (e-mail) entries of the subjectAltName extension, as written.
 *
 * @example
 * ```ts
 * sanEmails(signer); // ['posta-certificata@pec.aruba.it']
 * ```
 */
export function sanEmails(cert: pkijs.Certificate): string[] {
  return subjectAltNames(cert)
    .filter((n) => n.type === 1 && typeof n.value === 'string')
    .map((n) => n.value as string);
}

/**
 * The certificate's e-mail addresses: the SAN rfc822Names, or, when there are none, the legacy
 * emailAddress attributes of the subject DN (the PEC profile puts the address in the SAN).
 *
 * @example
 * ```ts
 * certificateEmails(signer).includes('posta-certificata@pec.aruba.it'); // true
 * ```
 */
export function certificateEmails(cert: pkijs.Certificate): string[] {
  const san = sanEmails(cert);
  if (san.length > 0) return san;
  const out: string[] = [];
  for (const rdn of nameRdns(cert.subject)) {
    for (const a of rdn) if (a.type === '1.2.840.113549.1.9.1' && a.value !== null) out.push(a.value);
  }
  return out;
}

/**
 * The serial number as lower-case hex without leading zeros (`0D11` → `d11`), the form EXPECTED.json
 * and most tools print.
 *
 * @example
 * ```ts
 * serialNumberHex(signer); // 'be0f2b61308a8b6'
 * ```
 */
export function serialNumberHex(cert: pkijs.Certificate): string {
  const hex = toHex(cert.serialNumber.valueBlock.valueHexView).replace(/^0+/, '');
  return hex === '' ? '0' : hex;
}

/**
 * The validity period of a certificate.
 *
 * @example
 * ```ts
 * const { notBefore, notAfter } = validity(cert);
 * ```
 */
export function validity(cert: pkijs.Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: cert.notBefore.value, notAfter: cert.notAfter.value };
}

/**
 * The RSA modulus length in bits, or `null` for a non-RSA (or unreadable) key.
 *
 * @example
 * ```ts
 * rsaKeyBits(signer); // 2048
 * ```
 */
export function rsaKeyBits(cert: pkijs.Certificate): number | null {
  if (cert.subjectPublicKeyInfo.algorithm.algorithmId !== '1.2.840.113549.1.1.1') return null;
  let key: unknown;
  try {
    key = cert.subjectPublicKeyInfo.parsedKey;
  } catch {
    return null;
  }
  if (!(key instanceof pkijs.RSAPublicKey)) return null;
  const n = key.modulus.valueBlock.valueHexView;
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i) * 8 - (Math.clz32(n[i]!) - 24);
}

/**
 * Lower-case hex digest of the certificate's (or CRL's) DER: `SHA-256` by default, `SHA-1` for the
 * IGPEC `providerCertificateHash` and OpenSSL's `-fingerprint`.
 *
 * @example
 * ```ts
 * await fingerprint(cert);          // 'c37c22d5...'
 * await fingerprint(cert, 'SHA-1'); // 'b9444ba4...'
 * ```
 */
export async function fingerprint(
  obj: pkijs.Certificate | pkijs.CertificateRevocationList,
  algorithm: 'SHA-256' | 'SHA-1' = 'SHA-256',
  crypto?: Crypto,
): Promise<string> {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-1') {
    throw invalidArgument(`fingerprint algorithm must be 'SHA-256' or 'SHA-1', got ${describe(algorithm)}`);
  }
  const digest = await resolveCrypto(crypto).subtle.digest(algorithm, toDer(obj));
  return toHex(new Uint8Array(digest));
}

/**
 * A plain summary of a certificate, for reports and logs.
 *
 * @example
 * ```ts
 * const s: CertificateSummary = await summarizeCertificate(cert);
 * ```
 */
export interface CertificateSummary {
  /** Subject DN, RFC 4514. */
  readonly subject: string;
  /** Issuer DN, RFC 4514. */
  readonly issuer: string;
  /** Serial number, lower-case hex without leading zeros. */
  readonly serialNumber: string;
  /** Start of validity, ISO 8601 UTC. */
  readonly notBefore: string;
  /** End of validity, ISO 8601 UTC. */
  readonly notAfter: string;
  /** E-mail addresses (see {@link certificateEmails}). */
  readonly emails: readonly string[];
  /** RSA key size in bits, or null for other key types. */
  readonly rsaKeyBits: number | null;
  /** SHA-256 fingerprint of the DER, lower-case hex. */
  readonly sha256: string;
  /** SHA-1 fingerprint of the DER, lower-case hex. */
  readonly sha1: string;
}

/**
 * Summarises a certificate: names, serial, validity, e-mails, key size, fingerprints.
 *
 * @example
 * ```ts
 * const s = await summarizeCertificate(signer);
 * console.log(s.subject, s.notAfter, s.sha256);
 * ```
 */
export async function summarizeCertificate(
  cert: pkijs.Certificate,
  crypto?: Crypto,
): Promise<CertificateSummary> {
  const c = resolveCrypto(crypto);
  const [sha256, sha1] = await Promise.all([fingerprint(cert, 'SHA-256', c), fingerprint(cert, 'SHA-1', c)]);
  return {
    subject: subjectToString(cert),
    issuer: issuerToString(cert),
    serialNumber: serialNumberHex(cert),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    emails: certificateEmails(cert),
    rsaKeyBits: rsaKeyBits(cert),
    sha256,
    sha1,
  };
}
