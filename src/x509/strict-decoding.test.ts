// Strictness of the X.509 / CMS / chain code that replaced pkijs, one case per rule: each test was
// written against the first version of that code, failed there, and pins the fix (a review of the
// rewrite against RFC 5280, RFC 5652, RFC 4055 and X.690).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateDer, cmsWithSid } from '../../test/helpers/cms-builder.js';
import type { Bytes } from '../bytes.js';
import { signDetached } from '../cms/sign.js';
import { importSigner } from '../cms/signer.js';
import { verifyDetached } from '../cms/verify.js';
import { signerView } from '../cms/view.js';
import { DerError, readNode, readRoot, sequence } from '../der/read.js';
import {
  bitString,
  boolean,
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
} from '../der/write.js';
import { isPecError } from '../errors.js';
import { resolveLimits } from '../limits.js';
import { decodeBase64 } from '../mime/base64.js';
import { parseCertificate, parseCrl } from '../trust/certificates.js';
import { validateChain } from '../trust/chain.js';
import { directoryNameMatches } from '../trust/name-constraints.js';
import { readPublicKeyInfo } from './algorithm.js';
import { Certificate } from './certificate.js';
import { Name } from './name.js';
import { ecdsaDer, verifySignature } from './signature.js';

const PKI = join(import.meta.dirname, '../../fixtures/pki');
const pkiFile = (f: string): string => readFileSync(join(PKI, f), 'latin1');
const subtle = globalThis.crypto.subtle;

const SHA1_RSA = seq(oid('1.2.840.113549.1.1.5'), nullValue());
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), nullValue());
const cn = (v: string): Bytes => seq(oid('2.5.4.3'), utf8String(v));
const o = (v: string): Bytes => seq(oid('2.5.4.10'), utf8String(v));
const nameDer = (...rdns: Uint8Array[][]): Bytes => seq(...rdns.map((r) => tlv(0x31, ...r)));
const readName = (der: Uint8Array): Name => Name.read(der, readRoot(der), 'name');
const ext = (id: string, value: Uint8Array, critical = false): Bytes =>
  seq(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

// ---------------------------------------------------------------------------------------------
// cms/view.ts

describe('CMS signer identifier', () => {
  // An empty constructed [0] once reached octets(b, undefined): a bare TypeError out of
  // verifyDetached and verifyPec on a 2-byte change of a hostile CMS.
  it('turns an empty constructed [0] subjectKeyIdentifier into CMS_MALFORMED, not a TypeError', () => {
    let error: unknown;
    try {
      signerView(cmsWithSid(tlv(0xa0)), resolveLimits({}));
    } catch (e) {
      error = e;
    }
    expect(isPecError(error, 'CMS_MALFORMED')).toBe(true);
  });

  // BER constructed [0] IMPLICIT OCTET STRING: the value is the concatenation of its segments.
  it('reads a constructed (BER) [0] subjectKeyIdentifier as the concatenation of its segments', () => {
    const provider = parseCertificate(pkiFile('provider.cert.pem'));
    const ski = provider.subjectKeyIdentifier!;
    const sid = tlv(0xa0, octetString(ski.subarray(0, 4)), octetString(ski.subarray(4)));
    const view = signerView(cmsWithSid(sid, [provider.der]), resolveLimits({}));
    expect(view.signerCertificate).toBe(provider);
  });
});

// ---------------------------------------------------------------------------------------------
// x509/name.ts

describe('Name equality', () => {
  // Multi-valued RDNs are matched one to one: an RDN with a repeated attribute must not "equal" a
  // different one (it did, in one direction, when each attribute only had to occur in the other).
  it('Name.equals is symmetric and exact for multi-valued RDNs', () => {
    const aa = readName(nameDer([cn('A'), cn('A')]));
    const ab = readName(nameDer([cn('A'), cn('B')]));
    expect(ab.equals(aa)).toBe(false);
    expect(aa.equals(ab)).toBe(false); // fails: CN=A+CN=A "equals" CN=A+CN=B
  });

  it('a directoryName constraint does not permit a different multi-valued RDN', () => {
    const permitted = readName(nameDer([o('Good'), o('Other')])).rdns;
    const subject = readName(nameDer([o('Good'), o('Good')])).rdns;
    expect(directoryNameMatches(subject, permitted)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// x509/certificate.ts, x509/extensions.ts

describe('certificate decoding', () => {
  // Bits in the `unused` positions are not part of the value (X.690 §8.6.2.2): 03 02 03 84 is
  // digitalSignature only, not digitalSignature + keyCertSign.
  it('keyUsage does not read bits from the unused positions', () => {
    const ku = ext('2.5.29.15', tlv(0x03, new Uint8Array([0x03, 0x84])), true);
    let keyUsage: number | null | undefined;
    try {
      keyUsage = new Certificate(certificateDer({ extensions: [ku] })).keyUsage;
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
      keyUsage = undefined; // rejecting the non-DER value is fine too
    }
    expect(keyUsage === undefined || ((keyUsage ?? 0) & 0x04) === 0).toBe(true);
  });

  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature (the outer one is
  // not signed).
  it('rejects a certificate whose outer signatureAlgorithm differs from the signed one', () => {
    expect(() => new Certificate(certificateDer({ outerAlg: SHA1_RSA }))).toThrow(DerError);
  });

  // A second [3] field must not replace the first, hiding its critical extensions from the chain's
  // unknown-critical-extension check.
  it('rejects a tbsCertificate with two [3] extensions fields', () => {
    const critical = ext('1.3.6.1.4.1.99999.1', nullValue(), true);
    const der = certificateDer({
      extensions: [critical],
      extraTbs: [explicit(3, seq(ext('2.5.29.14', octetString(new Uint8Array([1])))))],
    });
    expect(() => new Certificate(der)).toThrow(DerError);
  });

  // A repeated [0] permittedSubtrees must not replace the earlier one.
  it('rejects a nameConstraints with two permittedSubtrees fields', () => {
    const subtree = (dns: string) => seq(tlv(0x82, new TextEncoder().encode(dns)));
    const nc = seq(tlv(0xa0, subtree('good.example')), tlv(0xa0, subtree('evil.example')));
    expect(() => new Certificate(certificateDer({ extensions: [ext('2.5.29.30', nc, true)] }))).toThrow(
      DerError,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// x509/signature.ts

describe('signature algorithms', () => {
  const data = new TextEncoder().encode('signed attributes');

  // ECDSA r and s must be minimal, positive DER INTEGERs: one signature, one encoding (OpenSSL
  // rejects the others since CVE-2014-8275). A zero-padded r must not verify.
  it('rejects an ECDSA signature whose r is not a minimal INTEGER', async () => {
    const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
    const key = readPublicKeyInfo(spki, readRoot(spki));
    const raw = new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, data));
    const alg = { oid: '1.2.840.10045.4.3.2', parameters: null };
    const good = ecdsaDer(raw);
    expect(await verifySignature(globalThis.crypto, key, alg, good, data)).toBe(true);
    const [r, s] = sequence(good, readRoot(good), 'sig');
    const padded = seq(
      tlv(0x02, new Uint8Array([0, ...good.subarray(r!.valueStart, r!.valueEnd)])),
      good.subarray(s!.start, s!.end),
    );
    expect(await verifySignature(globalThis.crypto, key, alg, padded, data)).toBe(false);
  });

  // Malformed RSASSA-PSS parameters (an empty hashAlgorithm, …) are CMS_UNSUPPORTED, never a
  // TypeError.
  it('reports malformed RSASSA-PSS parameters as CMS_UNSUPPORTED (or false), not a TypeError', async () => {
    const keys = (await subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
    const key = readPublicKeyInfo(spki, readRoot(spki));
    for (const parameters of [seq(explicit(0, seq())), seq(explicit(1, seq())), seq(tlv(0xa2))]) {
      const alg = { oid: '1.2.840.113549.1.1.10', parameters };
      let outcome: unknown;
      try {
        outcome = await verifySignature(globalThis.crypto, key, alg, new Uint8Array(256), data);
      } catch (e) {
        outcome = e;
      }
      expect(outcome === false || isPecError(outcome) || outcome instanceof DerError).toBe(true);
    }
  });

  // RFC 4055 §1.2: a key published as id-RSASSA-PSS MUST NOT be used with PKCS#1 v1.5.
  it('does not accept a PKCS#1 v1.5 signature from an id-RSASSA-PSS key', async () => {
    const keys = (await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const rsaSpki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
    const [, bits] = sequence(rsaSpki, readRoot(rsaSpki), 'spki');
    const pssSpki = seq(seq(oid('1.2.840.113549.1.1.10')), rsaSpki.subarray(bits!.start, bits!.end));
    const key = readPublicKeyInfo(pssSpki, readRoot(pssSpki));
    const sig = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, data));
    let ok: unknown;
    try {
      ok = await verifySignature(
        globalThis.crypto,
        key,
        { oid: '1.2.840.113549.1.1.11', parameters: null },
        sig,
        data,
      );
    } catch (e) {
      ok = e;
    }
    expect(ok === false || isPecError(ok)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// trust/chain.ts: CRL scope

describe('CRL scope', () => {
  async function pecCaKey(): Promise<CryptoKey> {
    const pem = pkiFile('pec-ca.key.pem').replace(/-----[^-]+-----/g, '');
    return subtle.importKey(
      'pkcs8',
      decodeBase64(new TextEncoder().encode(pem)),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  }

  // issuingDistributionPoint (2.5.29.28): a CRL that only lists CA certificates (or only some
  // reasons, or one partition) is not complete for a leaf (RFC 5280 §6.3.3 b/d).
  it('does not count a CA-certificates-only CRL as revocation coverage for a leaf', async () => {
    const root = parseCertificate(pkiFile('root.cert.pem'));
    const pecCa = parseCertificate(pkiFile('pec-ca.cert.pem'));
    const provider = parseCertificate(pkiFile('provider.cert.pem'));
    const rootCrl = parseCrl(pkiFile('root.crl.pem'));
    const at = new Date('2027-01-01T00:00:00Z');
    const idp = seq(tlv(0x82, new Uint8Array([0xff]))); // onlyContainsCACerts TRUE
    const tbs = seq(
      integer(1),
      SHA256_RSA,
      pecCa.subject.der,
      time(new Date('2026-12-01T00:00:00Z')),
      time(new Date('2027-02-01T00:00:00Z')),
      explicit(0, seq(ext('2.5.29.28', idp, true))),
    );
    const sig = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', await pecCaKey(), tbs));
    const caOnlyCrl = parseCrl(seq(tbs, SHA256_RSA, bitString(sig)));
    const r = await validateChain({
      signer: provider,
      certificates: [pecCa],
      anchors: [root],
      crls: [caOnlyCrl, rootCrl],
      at,
    });
    const codes = r.issues.map((i) => i.code);
    // Either refuse the CRL or say that the leaf's revocation status is unknown.
    expect(codes.includes('CHAIN_REVOCATION_UNKNOWN') || codes.includes('CHAIN_CRL_INVALID')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// More rules of the same review, on a real signature made with the fixture PKI.

describe('CMS reading, on a real signature', () => {
  const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nprova\r\n');
  const signedCms = async (): Promise<Bytes> => {
    const signer = await importSigner({
      certificate: pkiFile('provider.cert.pem'),
      privateKey: pkiFile('provider.key.pem'),
      chain: pkiFile('pec-ca.cert.pem'),
    });
    return signDetached(content, signer, { signingTime: new Date('2025-03-14T10:30:05Z') });
  };
  /** The offset of the signed attributes ([0] IMPLICIT) in `der`. */
  // Found by structure, not by searching for `a0 69` (which a certificate of the bag may hold:
  // the first search found pec-ca's nameConstraints, a test bug DER mode exposed).
  const attrsAt = (der: Uint8Array): number => {
    const [, wrapped] = sequence(der, readRoot(der), 'ContentInfo');
    const [sd] = sequence(der, wrapped, 'content', 0xa0);
    const fields = sequence(der, sd, 'SignedData');
    const [info] = sequence(der, fields[fields.length - 1], 'signerInfos', 0x31);
    const attrs = sequence(der, info, 'SignerInfo')[3]!;
    expect(attrs.tag).toBe(0xa0);
    expect(der[attrs.start + 1]).toBe(0x69);
    return attrs.start;
  };

  it('stops reading certificates at the limit (LIMIT_EXCEEDED, not gigabytes of nodes first)', () => {
    const many = tlv(0xa0, ...Array.from({ length: 50_000 }, () => nullValue()));
    const cms = seq(
      oid('1.2.840.113549.1.7.2'),
      explicit(0, seq(integer(1), setOf(), seq(oid('1.2.840.113549.1.7.1')), many, setOf())),
    );
    let error: unknown;
    try {
      signerView(cms, resolveLimits({}));
    } catch (e) {
      error = e;
    }
    expect(isPecError(error, 'LIMIT_EXCEEDED')).toBe(true);
  });

  it('refuses a repeated contentType attribute (CMS_MALFORMED)', async () => {
    const der = await signedCms();
    const at = attrsAt(der);
    // Turn the messageDigest attribute's OID (…09 04) into contentType's (…09 03): two contentTypes.
    const md = Buffer.from(der).indexOf(Buffer.from('06092a864886f70d010904', 'hex'), at);
    const bad = der.slice();
    bad[md + 10] = 0x03;
    let error: unknown;
    try {
      signerView(bad, resolveLimits({}));
    } catch (e) {
      error = e;
    }
    expect(isPecError(error, 'CMS_MALFORMED')).toBe(true);
    expect((error as Error).message).toMatch(/must appear once/);
  });

  it('reads signed attributes framed with indefinite lengths as their DER form', async () => {
    const der = await signedCms();
    const at = attrsAt(der);
    const attrsLen = der[at + 1]!;
    // [0] 69 … → [0] 80 … 00 00, every enclosing length grown by 2.
    const ber = new Uint8Array(der.length + 2);
    ber.set(der.subarray(0, at));
    ber.set([0xa0, 0x80], at);
    ber.set(der.subarray(at + 2, at + 2 + attrsLen), at + 2);
    ber.set([0, 0], at + 2 + attrsLen);
    ber.set(der.subarray(at + 2 + attrsLen), at + 4 + attrsLen);
    const grow = (from: number, to: number): void => {
      // The definite lengths of every ancestor that ends after `at` (short or 0x82 forms).
      for (let p = from; p < to; ) {
        const n = readNode(der, p, der.length);
        if (n.start < at && n.end > at) {
          if (ber[p + 1] === 0x82) {
            const v = ((ber[p + 2]! << 8) | ber[p + 3]!) + 2;
            ber[p + 2] = v >> 8;
            ber[p + 3] = v & 0xff;
          } else if (ber[p + 1] === 0x81) ber[p + 2]! += 2;
          else ber[p + 1]! += 2;
          grow(n.valueStart, n.end);
          return;
        }
        p = n.end;
      }
    };
    grow(0, der.length);
    const r = await verifyDetached(content, ber);
    expect(r.intact).toBe(true);
  });

  it('refuses an encapsulated content type other than the contentType attribute says', async () => {
    const der = await signedCms();
    const data = Buffer.from('06092a864886f70d010701', 'hex');
    const encap = Buffer.from(der).indexOf(data); // the first id-data: encapContentInfo's
    expect(encap).toBeLessThan(attrsAt(der));
    const bad = der.slice();
    bad[encap + 10] = 0x05;
    const r = await verifyDetached(content, bad);
    expect(r.intact).toBe(false);
    expect(r.failure).toBe('SIGNATURE_CONTENT_TYPE');
  });

  it('finds the signer when the SignerInfo writes the serial number with a redundant 00', () => {
    const provider = parseCertificate(pkiFile('provider.cert.pem'));
    expect(provider.serialNumber[0]! & 0x80).toBe(0);
    const sid = seq(provider.issuer.der, tlv(0x02, new Uint8Array([0, ...provider.serialNumber])));
    const view = signerView(cmsWithSid(sid, [provider.der]), resolveLimits({}));
    expect(view.signerCertificate).toBe(provider);
  });
});

describe('DER details', () => {
  it('refuses the long tag form for tag numbers under 31', () => {
    expect(() => readRoot(new Uint8Array([0x9f, 0x01, 0x01, 0x00]))).toThrow(DerError);
  });

  it('keeps invalid UTF-8 of a name as its encoding, never as replacement characters', () => {
    const a = readName(nameDer([seq(oid('2.5.4.3'), tlv(0x0c, new Uint8Array([0x41, 0xff])))]));
    const b = readName(nameDer([seq(oid('2.5.4.3'), tlv(0x0c, new Uint8Array([0x41, 0xfe])))]));
    expect(a.rdns[0]![0]!.value).toBeNull();
    expect(a.equals(b)).toBe(false);
  });

  it('stops at 10,000 elements in one value (a subjectAltName of 20,000 names is malformed)', () => {
    const san = seq(...Array.from({ length: 20_000 }, () => tlv(0x82, new Uint8Array([0x61]))));
    expect(() => new Certificate(certificateDer({ extensions: [ext('2.5.29.17', san)] }))).toThrow(
      /more than 10000/,
    );
  });
});
