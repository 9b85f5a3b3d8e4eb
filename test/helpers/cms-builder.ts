// A minimal CMS for reader tests: ContentInfo/SignedData with one SignerInfo whose sid is given,
// carrying the given certificates. Structurally valid, signature bytes not meaningful.
import type { Bytes } from '../../src/bytes.js';
import { explicit, integer, nullValue, octetString, oid, seq, setOf, tlv } from '../../src/der/write.js';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

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
