// X.509 CRLs (RFC 5280 §5), decoded by pec-kit's own DER reader.
import type { Bytes } from '../bytes.js';
import {
  bitString,
  checkDer,
  children,
  DerError,
  encoded,
  integerBytes,
  type Node,
  readRoot,
  sequence,
  smallInteger,
  TAG,
  time,
} from '../der/read.js';
import { type AlgorithmIdentifier, readIssuerSignature } from './algorithm.js';
import { distributionPointNames, type Extension, readExtensions } from './extensions.js';
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
 * The scope of a CRL, from its issuingDistributionPoint extension (RFC 5280 §5.2.5).
 *
 * @example
 * ```ts
 * const partial = crl.issuingDistributionPoint?.onlySomeReasons === true;
 * ```
 */
export interface CrlScope {
  /** The distribution point's names (hex of their encodings), or null when none is named. */
  readonly distributionPoint: readonly string[] | null;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  /** True when the CRL lists only some revocation reasons. */
  readonly onlySomeReasons: boolean;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';

/**
 * A `[n] IMPLICIT BOOLEAN DEFAULT FALSE` flag of issuingDistributionPoint: present only as TRUE
 * (FF). FALSE written out is an encoded default, any other byte is no BOOLEAN: both refused, so a
 * malformed flag can never change which certificates the CRL is taken to cover.
 */
function idpFlag(value: Uint8Array, f: Node): true {
  if (f.constructed || f.valueEnd - f.valueStart !== 1 || value[f.valueStart] !== 0xff)
    throw new DerError(`issuingDistributionPoint flag [${f.number}] is not a DER TRUE`);
  return true;
}

function readScope(value: Uint8Array): CrlScope {
  let distributionPoint: string[] | null = null;
  const flags = [false, false, false, false, false, false];
  let last = -1;
  const root = readRoot(value);
  checkDer(value, root);
  for (const f of sequence(value, root, 'issuingDistributionPoint')) {
    const n = f.tag & 0x1f;
    if ((f.tag & 0xc0) !== 0x80 || n > 5 || n <= last)
      throw new DerError('issuingDistributionPoint is malformed');
    last = n;
    if (n === 0) {
      if (!f.constructed)
        throw new DerError('issuingDistributionPoint distributionPoint must be constructed');
      distributionPoint = distributionPointNames(value, f);
    } else if (n === 3) {
      // onlySomeReasons [3] IMPLICIT ReasonFlags (a BIT STRING).
      if (f.constructed) throw new DerError('onlySomeReasons must be primitive');
      bitString(value, { ...f, tag: TAG.BIT_STRING });
      flags[3] = true;
    } else flags[n] = idpFlag(value, f);
  }
  return Object.freeze({
    distributionPoint: distributionPoint && Object.freeze(distributionPoint),
    onlyContainsUserCerts: flags[1]!,
    onlyContainsCACerts: flags[2]!,
    onlySomeReasons: flags[3]!,
    indirectCRL: flags[4]!,
    onlyContainsAttributeCerts: flags[5]!,
  });
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
  /** The issuingDistributionPoint extension: which certificates the CRL covers; null when absent (all). */
  readonly issuingDistributionPoint: CrlScope | null;

  /**
   * Decodes one DER CRL (pec-kit's `parseCrl` wraps this: PEM too, coded errors).
   *
   * @throws DerError when the bytes are not a CRL.
   */
  constructor(der: Uint8Array) {
    const own = der.slice() as Bytes;
    const root = readRoot(own);
    checkDer(own, root); // DER, as for certificates (one CRL, one encoding)
    const [tbsNode, sigAlg, sig, extra] = sequence(own, root, 'CRL');
    if (!sig || extra) throw new DerError('a CRL is tbsCertList, algorithm and signature');
    const f = sequence(own, tbsNode, 'tbsCertList');
    let i = 0;
    if (f[i]?.tag === TAG.INTEGER && smallInteger(own, f[i++]!) !== 1)
      throw new DerError('unknown CRL version');
    const innerAlg = f[i++];
    const issuer = Name.read(own, f[i++], 'CRL issuer');
    if (!f[i]) throw new DerError('thisUpdate is missing');
    const thisUpdate = time(own, f[i++]!, 'rfc5280');
    let nextUpdate: Date | null = null;
    if (f[i]?.tag === TAG.UTC_TIME || f[i]?.tag === TAG.GENERALIZED_TIME)
      nextUpdate = time(own, f[i++]!, 'rfc5280');
    const revoked: RevokedCertificate[] = [];
    if (f[i]?.tag === TAG.SEQUENCE) {
      // A CRL of a large CA has many entries: no element cap here (the caller chose the CRL).
      for (const entry of children(own, f[i++]!, 0, Number.MAX_SAFE_INTEGER)) {
        const [serial, date, exts, more] = sequence(own, entry, 'a revoked certificate');
        if (!serial || !date || more) throw new DerError('a revoked certificate entry is malformed');
        revoked.push(
          Object.freeze({
            serialNumber: integerBytes(own, serial).slice(),
            revocationDate: time(own, date, 'rfc5280'),
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
    const signature = readIssuerSignature(own, innerAlg, sigAlg, sig, 'tbsCertList');
    const idp = extensions.find((e) => e.oid === ISSUING_DISTRIBUTION_POINT);
    this.der = own;
    this.tbs = encoded(own, tbsNode!).slice();
    this.signatureAlgorithm = signature.algorithm;
    this.issuer = issuer;
    this.thisUpdate = thisUpdate;
    this.nextUpdate = nextUpdate;
    this.revoked = Object.freeze(revoked);
    this.extensions = Object.freeze(extensions);
    this.signatureValue = signature.value;
    this.issuingDistributionPoint = idp ? readScope(idp.value) : null;
    Object.freeze(this);
  }
}
