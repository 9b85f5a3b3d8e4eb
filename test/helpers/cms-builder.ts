// Minimal DER for reader tests: a certificate, and a ContentInfo/SignedData with one SignerInfo
// whose sid is given, carrying the given certificates. Structurally valid, signature bytes not
// meaningful (the decoders do not check them).
import type { Bytes } from '../../src/bytes.js';
import {
  bitString,
  explicit,
  integer,
  nullValue,
  octetString,
  oid,
  seq,
  setOf,
  time,
  tlv,
  utf8String,
} from '../../src/der/write.js';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), nullValue());

/** How {@link certificateDer} varies its certificate. */
export interface CertificateShape {
  /** The CN of both subject and issuer (default 'Review'). */
  name?: string;
  /** The byte its 16 signature bytes are filled with (default 0). */
  mark?: number;
  /** Extensions, as a [3] field (default: none). */
  extensions?: Uint8Array[];
  /** Fields appended to the tbsCertificate after everything else. */
  extraTbs?: Uint8Array[];
  /** The outer signatureAlgorithm (default sha256WithRSAEncryption, as in the tbsCertificate). */
  outerAlg?: Uint8Array;
}

/** A structurally valid v3 certificate, self-issued, valid 2024-2030, with a tiny RSA key. */
export function certificateDer(shape: CertificateShape = {}): Bytes {
  const n = seq(tlv(0x31, seq(oid('2.5.4.3'), utf8String(shape.name ?? 'Review'))));
  const spki = seq(seq(oid(RSA_ENCRYPTION), nullValue()), bitString(seq(integer(12345), integer(65537))));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(1),
    SHA256_RSA,
    n,
    seq(time(new Date('2024-01-01T00:00:00Z')), time(new Date('2030-01-01T00:00:00Z'))),
    n,
    spki,
    ...(shape.extensions ? [explicit(3, seq(...shape.extensions))] : []),
    ...(shape.extraTbs ?? []),
  );
  return seq(tbs, shape.outerAlg ?? SHA256_RSA, bitString(new Uint8Array(16).fill(shape.mark ?? 0)));
}

/** A ContentInfo/SignedData with one SignerInfo whose sid is `sid`, carrying `certs`. */
export function cmsWithSid(sid: Uint8Array, certs: readonly Uint8Array[] = []): Bytes {
  const signerInfo = seq(
    integer(sid[0] === 0x30 ? 1 : 3), // RFC 5652 §5.3: the version follows the sid form
    sid,
    seq(oid('2.16.840.1.101.3.4.2.1')),
    seq(oid(RSA_ENCRYPTION), nullValue()),
    octetString(new Uint8Array(8)),
  );
  const sd = seq(
    integer(3),
    setOf(seq(oid('2.16.840.1.101.3.4.2.1'))),
    seq(oid('1.2.840.113549.1.7.1')),
    ...(certs.length > 0 ? [tlv(0xa0, ...certs)] : []),
    tlv(0x31, signerInfo),
  );
  return seq(oid('1.2.840.113549.1.7.2'), explicit(0, sd));
}
