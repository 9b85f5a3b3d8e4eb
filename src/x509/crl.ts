// X.509 CRLs (RFC 5280 §5), decoded by pec-kit's own DER reader.
import type { Bytes } from '../bytes.js';
import {
  bitString,
  children,
  DerError,
  encoded,
  integerBytes,
  readRoot,
  sequence,
  smallInt,
  TAG,
  time,
} from '../der/read.js';
import { type AlgorithmIdentifier, readAlgorithm } from './algorithm.js';
import { type Extension, readExtensions } from './extensions.js';
import { Name } from './name.js';

/**
 * One revoked certificate of a CRL.
 *
 * @example
 * ```ts
 * const entry: RevokedCertificate | undefined = crl.revoked[0];
 * entry?.revocationDate.toISOString();
 * ```
 */
export interface RevokedCertificate {
  /** The serial number's INTEGER content bytes. */
  readonly serialNumber: Bytes;
  readonly revocationDate: Date;
  /** crlEntryExtensions (reasonCode, invalidityDate, …). */
  readonly extensions: readonly Extension[];
}

/**
 * A decoded certificate revocation list. Immutable; `der` is the exact encoding.
 *
 * @example
 * ```ts
 * crl.issuer.toString(); // 'CN=...,O=...,C=IT'
 * crl.thisUpdate;        // Date
 * crl.nextUpdate;        // Date | null
 * crl.revoked.length;
 * ```
 */
export class Crl {
  readonly der: Bytes;
  /** The DER of tbsCertList: what the issuer signed. */
  readonly tbs: Bytes;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly issuer: Name;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly revoked: readonly RevokedCertificate[];
  /** crlExtensions. */
  readonly extensions: readonly Extension[];
  readonly signatureValue: Bytes;

  /**
   * Decodes one DER CRL (pec-kit's `parseCrl` wraps this: PEM too, coded errors).
   *
   * @throws DerError when the bytes are not a CRL.
   */
  constructor(der: Uint8Array) {
    const own = der.slice() as Bytes;
    const [tbsNode, sigAlg, sig, extra] = sequence(own, readRoot(own), 'CRL');
    if (!sig || extra) throw new DerError('a CRL is tbsCertList, algorithm and signature');
    const f = sequence(own, tbsNode, 'tbsCertList');
    let i = 0;
    if (f[i]?.tag === TAG.INTEGER) smallInt(own, f[i++]!); // version v2
    readAlgorithm(own, f[i++], 'tbsCertList signature');
    const issuer = Name.read(own, f[i++], 'CRL issuer');
    if (!f[i]) throw new DerError('thisUpdate is missing');
    const thisUpdate = time(own, f[i++]!);
    let nextUpdate: Date | null = null;
    if (f[i]?.tag === TAG.UTC_TIME || f[i]?.tag === TAG.GENERALIZED_TIME) nextUpdate = time(own, f[i++]!);
    const revoked: RevokedCertificate[] = [];
    if (f[i]?.tag === TAG.SEQUENCE) {
      for (const entry of children(own, f[i++]!)) {
        const [serial, date, exts, more] = sequence(own, entry, 'a revoked certificate');
        if (!serial || !date || more) throw new DerError('a revoked certificate entry is malformed');
        revoked.push(
          Object.freeze({
            serialNumber: integerBytes(own, serial).slice(),
            revocationDate: time(own, date),
            extensions: Object.freeze(exts ? readExtensions(own, exts, 'crlEntryExtensions') : []),
          }),
        );
      }
    }
    let extensions: Extension[] = [];
    if (f[i]?.tag === 0xa0) {
      const [list, more] = children(own, f[i++]!);
      if (more) throw new DerError('bad crlExtensions field');
      extensions = readExtensions(own, list, 'crlExtensions');
    }
    if (i !== f.length) throw new DerError('tbsCertList has an unknown field');
    this.der = own;
    this.tbs = encoded(own, tbsNode!).slice();
    this.signatureAlgorithm = readAlgorithm(own, sigAlg, 'signatureAlgorithm');
    this.issuer = issuer;
    this.thisUpdate = thisUpdate;
    this.nextUpdate = nextUpdate;
    this.revoked = Object.freeze(revoked);
    this.extensions = Object.freeze(extensions);
    this.signatureValue = bitString(own, sig).bytes.slice();
    Object.freeze(this);
  }
}
