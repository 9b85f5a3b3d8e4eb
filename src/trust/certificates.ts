// X.509 certificates and CRLs: parsing (PEM or DER) with coded errors, and the few facts the trust
// policy and the reports need (names as RFC 4514 strings, e-mail addresses, fingerprints, validity,
// key size). The decoding itself is src/x509/.
import { type Bytes, type BytesInput, describe, equalBytes, tailHash, toHex } from '../bytes.js';
import { digestOf, resolveCrypto } from '../crypto.js';
import { content, DerError, readRoot, sequence } from '../der/read.js';
import { invalidArgument, PecError } from '../errors.js';
import { setRecent } from '../lru.js';
import { pemArmor, pemDer } from '../pem.js';
import { Certificate } from '../x509/certificate.js';
import { Crl } from '../x509/crl.js';
import { EXT, type Extension, type GeneralName } from '../x509/extensions.js';
import type { Name, NameAttribute } from '../x509/name.js';

export { EXT };

/**
 * Certificate or CRL bytes: PEM text (one or more blocks) or DER, as a string, Uint8Array or ArrayBuffer.
 *
 * @example
 * ```ts
 * const input: PkiInput = readFileSync('ca.pem', 'latin1');
 * ```
 * @category Verifying
 */
export type PkiInput = BytesInput;

const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const CRL_LABELS = new Set(['X509 CRL']);

function malformed(what: string, detail: string, cause?: unknown): PecError {
  return new PecError('CERT_MALFORMED', `${what}: ${detail}`, undefined, { cause });
}

// Decoded certificates by DER (bounded, most recent last): trust anchors, signer chains and the
// certificates every CMS of a provider repeats are decoded once, and the same DER always yields
// the same object, whose fingerprint the chain cache memoises. Keyed by a hash of the DER's tail
// (its signature bytes), a hit confirmed byte for byte.
const CACHE_MAX = 512;
const certCache = new Map<number, Certificate>();

/**
 * The certificate encoded by `der`, decoded once per distinct DER.
 *
 * @throws DerError when the bytes are not a certificate.
 * @internal
 */
export function certificateFromDer(der: Uint8Array): Certificate {
  const key = tailHash(der);
  const hit = certCache.get(key);
  if (hit && equalBytes(hit.der, der)) {
    setRecent(certCache, key, hit, CACHE_MAX); // a hit counts as recent
    return hit;
  }
  const cert = new Certificate(der);
  setRecent(certCache, key, cert, CACHE_MAX);
  return cert;
}

function decode<T>(der: Bytes, what: string, make: (der: Bytes) => T): T {
  try {
    return make(der);
  } catch (e) {
    if (e instanceof DerError) throw malformed(what, e.message, e);
    throw e;
  }
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
export function parseCertificates(input: PkiInput): Certificate[] {
  return pemDer(input, CERT_LABELS, 'certificate').map((der) =>
    decode(der, 'certificate', certificateFromDer),
  );
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
export function parseCertificate(input: PkiInput): Certificate {
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
export function parseCrls(input: PkiInput): Crl[] {
  return pemDer(input, CRL_LABELS, 'CRL').map((der) => decode(der, 'CRL', (d) => new Crl(d)));
}

/**
 * Parses exactly one CRL, PEM or DER.
 *
 * @throws PecError `CERT_MALFORMED`.
 * @example
 * ```ts
 * const crl = parseCrl(pemText);
 * crl.thisUpdate; // Date
 * ```
 */
export function parseCrl(input: PkiInput): Crl {
  const all = parseCrls(input);
  if (all.length !== 1) throw malformed('CRL', `expected one CRL, found ${all.length}`);
  return all[0]!;
}

/**
 * The DER bytes of a certificate or CRL: a copy of exactly the bytes it was decoded from.
 *
 * @example
 * ```ts
 * const der = toDer(cert); // Uint8Array
 * ```
 */
export function toDer(obj: Certificate | Crl): Bytes {
  return obj.der.slice();
}

/**
 * PEM text for a certificate (or CRL), 64 columns, LF line ends.
 *
 * @example
 * ```ts
 * writeFileSync('signer.pem', toPem(cert));
 * ```
 */
export function toPem(obj: Certificate | Crl): string {
  return pemArmor(obj instanceof Crl ? 'X509 CRL' : 'CERTIFICATE', obj.der);
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * A name as its sequence of RDNs, most significant first (as encoded), each RDN a set of attributes.
 *
 * @example
 * ```ts
 * nameRdns(cert.subject)[0]; // [{ type: '2.5.4.6', value: 'IT', berHex: '1302...' }]
 * ```
 */
export function nameRdns(name: Name): NameAttribute[][] {
  return name.rdns.map((rdn) => [...rdn]);
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
export function nameToString(name: Name): string {
  return name.toString();
}

/**
 * The subject of a certificate as an RFC 4514 string (see {@link nameToString}).
 *
 * @example
 * ```ts
 * subjectToString(signer); // 'CN=Posta Certificata ARUBA PEC,O=Aruba PEC S.p.A.,L=Ponte San Pietro,ST=Bergamo,C=IT'
 * ```
 */
export function subjectToString(cert: Certificate): string {
  return cert.subject.toString();
}

/**
 * The issuer of a certificate as an RFC 4514 string (see {@link nameToString}).
 *
 * @example
 * ```ts
 * issuerToString(signer); // "CN=AgID CA1,OU=...,O=Agenzia per l'Italia Digitale,L=Roma,C=IT"
 * ```
 */
export function issuerToString(cert: Certificate): string {
  return cert.issuer.toString();
}

// ---------------------------------------------------------------------------------------------
// Extensions and facts

/**
 * The extension with `oid`, or undefined.
 *
 * @example
 * ```ts
 * findExtension(cert, EXT.keyUsage)?.critical; // true
 * ```
 */
export function findExtension(cert: Certificate, oid: string): Extension | undefined {
  return cert.extension(oid);
}

/**
 * The GeneralNames of the subjectAltName extension (empty when absent).
 *
 * @example
 * ```ts
 * subjectAltNames(cert).filter((n) => n.type === 'dNSName');
 * ```
 */
export function subjectAltNames(cert: Certificate): readonly GeneralName[] {
  return cert.subjectAltNames;
}

/**
 * The rfc822Name (e-mail) entries of the subjectAltName extension, as written.
 *
 * @example
 * ```ts
 * sanEmails(signer); // ['posta-certificata@pec.aruba.it']
 * ```
 */
export function sanEmails(cert: Certificate): string[] {
  const out: string[] = [];
  for (const n of cert.subjectAltNames) if (n.type === 'rfc822Name') out.push(n.value);
  return out;
}

// A Certificate never changes (read-only fields, frozen lists) and the decoded ones are shared per
// DER (certificateFromDer), so its e-mail addresses are worked out once per object. Weak: the
// entry goes with the certificate.
const emailsOf = new WeakMap<Certificate, readonly string[]>();

/**
 * The certificate's e-mail addresses: the SAN rfc822Names, or, when there are none, the legacy
 * emailAddress attributes of the subject DN (the PEC profile puts the address in the SAN).
 *
 * @example
 * ```ts
 * certificateEmails(signer).includes('posta-certificata@pec.aruba.it'); // true
 * ```
 */
export function certificateEmails(cert: Certificate): string[] {
  let known = emailsOf.get(cert);
  if (!known) {
    known = sanEmails(cert);
    if (known.length === 0) {
      const out: string[] = [];
      for (const rdn of cert.subject.rdns) {
        for (const a of rdn) if (a.type === '1.2.840.113549.1.9.1' && a.value !== null) out.push(a.value);
      }
      known = out;
    }
    emailsOf.set(cert, known);
  }
  return known.slice(); // a copy: the caller may change its array
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
export function serialNumberHex(cert: Certificate): string {
  let known = serialHexOf.get(cert);
  if (known === undefined) {
    const hex = toHex(cert.serialNumber).replace(/^0+/, '');
    known = hex === '' ? '0' : hex;
    serialHexOf.set(cert, known);
  }
  return known;
}

// Every report names the signer's serial: worked out once per (immutable, shared) certificate.
const serialHexOf = new WeakMap<Certificate, string>();

/**
 * The validity period of a certificate.
 *
 * @example
 * ```ts
 * const { notBefore, notAfter } = validity(cert);
 * ```
 */
export function validity(cert: Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: cert.notBefore, notAfter: cert.notAfter };
}

/**
 * The RSA modulus length in bits, or `null` for a non-RSA (or unreadable) key.
 *
 * @example
 * ```ts
 * rsaKeyBits(signer); // 2048
 * ```
 */
export function rsaKeyBits(cert: Certificate): number | null {
  const alg = cert.publicKey.algorithm.oid;
  if (alg !== '1.2.840.113549.1.1.1' && alg !== '1.2.840.113549.1.1.10') return null;
  let n: Uint8Array;
  try {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    const key = cert.publicKey.key;
    const [modulus] = sequence(key, readRoot(key), 'RSAPublicKey');
    n = content(key, modulus!);
  } catch {
    return null;
  }
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
  obj: Certificate | Crl,
  algorithm: 'SHA-256' | 'SHA-1' = 'SHA-256',
  crypto?: Crypto,
): Promise<string> {
  if (algorithm !== 'SHA-256' && algorithm !== 'SHA-1') {
    throw invalidArgument(`fingerprint algorithm must be 'SHA-256' or 'SHA-1', got ${describe(algorithm)}`);
  }
  return toHex(await digestOf(resolveCrypto(crypto), algorithm, obj.der));
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
export async function summarizeCertificate(cert: Certificate, crypto?: Crypto): Promise<CertificateSummary> {
  const c = resolveCrypto(crypto);
  const [sha256, sha1] = await Promise.all([fingerprint(cert, 'SHA-256', c), fingerprint(cert, 'SHA-1', c)]);
  return {
    subject: subjectToString(cert),
    issuer: issuerToString(cert),
    serialNumber: serialNumberHex(cert),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    emails: certificateEmails(cert),
    rsaKeyBits: rsaKeyBits(cert),
    sha256,
    sha1,
  };
}
