// X.509 certificates (RFC 5280 §4.1), decoded by pec-kit's own DER reader. Why not pkijs: see
// docs/stack.md (it does not tree-shake, and the trust policy needed its own checks anyway).
import type { Bytes } from '../bytes.js';
import {
  children,
  DerError,
  encoded,
  integerBytes,
  readRoot,
  sequence,
  smallInt,
  time,
} from '../der/read.js';
import {
  type AlgorithmIdentifier,
  type PublicKeyInfo,
  readIssuerSignature,
  readPublicKeyInfo,
} from './algorithm.js';
import {
  type BasicConstraints,
  decodeExtensions,
  type Extension,
  type GeneralName,
  type NameConstraints,
  readExtensions,
} from './extensions.js';
import { Name } from './name.js';

/**
 * A decoded X.509 certificate. Immutable; `der` is the exact encoding it was read from, so
 * fingerprints and signatures always cover the original bytes.
 *
 * @example
 * ```ts
 * const cert = signer.certificate; // or (await verifyDetached(content, der)).signerCertificate
 * cert.subject.toString();  // 'CN=Posta Certificata ARUBA PEC,O=Aruba PEC S.p.A.,...'
 * cert.notAfter;            // Date
 * cert.subjectAltNames;     // [{ type: 'rfc822Name', value: 'posta-certificata@pec.aruba.it' }]
 * ```
 * @category Low-level
 */
export class Certificate {
  /** The exact DER of the certificate. */
  readonly der: Bytes;
  /** The DER of tbsCertificate: what the issuer signed. */
  readonly tbs: Bytes;
  /** The version number as written (0 = v1, 2 = v3). */
  readonly version: number;
  /** The serial number's INTEGER content bytes, as written. */
  readonly serialNumber: Bytes;
  /** The issuer's signature algorithm (the outer signatureAlgorithm). */
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKeyInfo;
  /** Every extension, in order. */
  readonly extensions: readonly Extension[];
  /** The issuer's signature over `tbs`. */
  readonly signatureValue: Bytes;
  /** keyUsage, first byte of the bit string (0x80 digitalSignature … 0x01 encipherOnly); null when absent. */
  readonly keyUsage: number | null;
  /** extKeyUsage purposes (OIDs); null when absent. */
  readonly extKeyUsage: readonly string[] | null;
  readonly basicConstraints: BasicConstraints | null;
  readonly subjectKeyIdentifier: Uint8Array | null;
  /** The keyIdentifier of authorityKeyIdentifier, when present. */
  readonly authorityKeyIdentifier: Uint8Array | null;
  /** subjectAltName entries (empty when absent). */
  readonly subjectAltNames: readonly GeneralName[];
  readonly nameConstraints: NameConstraints | null;
  /** certificatePolicies identifiers (empty when absent). */
  readonly policies: readonly string[];
  /**
   * cRLDistributionPoints: for each point with a name, its names as hex of their encodings
   * (matched against a CRL's issuingDistributionPoint).
   */
  readonly crlDistributionPoints: readonly (readonly string[])[];

  /**
   * Decodes one DER certificate (pec-kit's `parseCertificate` wraps this: PEM too, coded errors).
   *
   * @throws DerError when the bytes are not a certificate.
   */
  constructor(der: Uint8Array) {
    const own = der.slice() as Bytes;
    const [tbsNode, sigAlg, sig, extra] = sequence(own, readRoot(own), 'certificate');
    if (!sig || extra) throw new DerError('a certificate is tbsCertificate, algorithm and signature');
    const f = sequence(own, tbsNode, 'tbsCertificate');
    let i = 0;
    let version = 0;
    if (f[0]?.tag === 0xa0) {
      const [v, more] = children(own, f[i++]!);
      if (!v || more) throw new DerError('bad version');
      version = smallInt(own, v);
      if (version > 2) throw new DerError(`unknown certificate version ${version + 1}`);
    }
    const serial = integerBytes(own, f[i++] ?? failMissing('serialNumber'));
    const innerAlg = f[i++];
    const issuer = Name.read(own, f[i++], 'issuer');
    const [nb, na, extraTime] = sequence(own, f[i++], 'validity');
    if (!nb || !na || extraTime) throw new DerError('validity is two times');
    const subject = Name.read(own, f[i++], 'subject');
    const publicKey = readPublicKeyInfo(own, f[i++]);
    // issuerUniqueID [1] and subjectUniqueID [2] (v2 and v3), then extensions [3] (v3): in this
    // order, each at most once. A second extensions block must not hide the first one's.
    let extensions: Extension[] = [];
    for (const [number, minVersion] of [
      [1, 1],
      [2, 1],
    ] as const) {
      if (f[i] !== undefined && (f[i]!.tag & 0xdf) === (0x80 | number)) {
        if (version < minVersion) throw new DerError('a unique identifier in a version 1 certificate');
        i++;
      }
    }
    if (f[i]?.tag === 0xa3) {
      if (version < 2) throw new DerError('extensions in a certificate older than version 3');
      const [list, more] = children(own, f[i++]!);
      if (more) throw new DerError('bad extensions field');
      extensions = readExtensions(own, list, 'extensions');
    }
    if (i !== f.length) throw new DerError('tbsCertificate has an unknown or repeated field');
    const signature = readIssuerSignature(own, innerAlg, sigAlg, sig, 'tbsCertificate');
    const decoded = decodeExtensions(extensions);
    this.der = own;
    // Copies, not views of `der`: writing to one must not change what fingerprints hash.
    this.tbs = encoded(own, tbsNode!).slice();
    this.version = version;
    this.serialNumber = serial.slice();
    this.signatureAlgorithm = signature.algorithm;
    this.issuer = issuer;
    this.subject = subject;
    this.notBefore = time(own, nb);
    this.notAfter = time(own, na);
    this.publicKey = publicKey;
    this.extensions = Object.freeze(extensions);
    this.signatureValue = signature.value;
    this.keyUsage = decoded.keyUsage;
    this.extKeyUsage = decoded.extKeyUsage && Object.freeze(decoded.extKeyUsage);
    this.basicConstraints = decoded.basicConstraints && Object.freeze(decoded.basicConstraints);
    this.subjectKeyIdentifier = decoded.subjectKeyIdentifier;
    this.authorityKeyIdentifier = decoded.authorityKeyIdentifier;
    this.subjectAltNames = Object.freeze(decoded.subjectAltNames);
    this.nameConstraints = decoded.nameConstraints && Object.freeze(decoded.nameConstraints);
    this.policies = Object.freeze(decoded.policies);
    this.crlDistributionPoints = Object.freeze(decoded.crlDistributionPoints.map((n) => Object.freeze(n)));
    Object.freeze(this);
  }

  /** The extension with `oid`, if present. */
  extension(oid: string): Extension | undefined {
    return this.extensions.find((e) => e.oid === oid);
  }
}

function failMissing(what: string): never {
  throw new DerError(`${what} is missing`);
}
