// The CMS reader's caches and fast paths (issue 14's speed work): a decoded certificates field is
// reused only for the very same bytes, whatever its hash; the limit still applies on a hit; the
// cache stays bounded; the SignerInfo issuer matched without decoding it keeps the errors of a full
// read; the OID reader gives the exact reader's strings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { certificateDer, cmsWithSid } from '../../test/helpers/cms-builder.js';
import { type Bytes, tailHash } from '../bytes.js';
import {
  children,
  OID_CACHE_MAX,
  oidCacheSize,
  oidKey,
  oid as readOid,
  readRoot,
  sequence,
} from '../der/read.js';
import { integer, octetString, oid, seq, tlv, utf8String } from '../der/write.js';
import { isPecError } from '../errors.js';
import { resolveLimits } from '../limits.js';
import { parseCertificate } from '../trust/certificates.js';
import { signDetached } from './sign.js';
import { importSigner } from './signer.js';
import {
  CERTIFICATE_SET_CACHE_MAX,
  certificateSetCacheSize,
  clearCertificateSetCache,
  signerView,
} from './view.js';

const PKI = join(import.meta.dirname, '../../fixtures/pki');
const pkiFile = (f: string): string => readFileSync(join(PKI, f), 'latin1');
const limits = resolveLimits({});

const cn = (v: string): Bytes => seq(oid('2.5.4.3'), utf8String(v));
const nameDer = (v: string): Bytes => seq(tlv(0x31, cn(v)));

/** {@link cmsWithSid} with `certs` first and a sid that names no carried certificate by default. */
const cms = (certs: Uint8Array[], sid: Uint8Array = seq(nameDer('Nobody'), integer(7))): Bytes =>
  cmsWithSid(sid, certs);

/** The bytes of the certificates field [0] of `der`, as the reader finds it. */
function certificatesField(der: Uint8Array): Uint8Array {
  const [, wrapped] = sequence(der, readRoot(der), 'ContentInfo');
  const [sd] = sequence(der, wrapped, 'content', 0xa0);
  const field = sequence(der, sd, 'SignedData')[3]!;
  expect(field.tag).toBe(0xa0);
  return der.subarray(field.start, field.end);
}

const subjects = (der: Bytes, l = limits): string[] =>
  signerView(der, l).certificates.map((c) => c.subject.toString());

describe('the decoded certificates fields of CMS', () => {
  beforeEach(() => clearCertificateSetCache());

  it('does not confuse two fields with the same tail hash: the bytes decide', () => {
    const last = parseCertificate(pkiFile('pec-ca.cert.pem')).der;
    const a = cms([certificateDer({ name: 'Alpha' }), last]);
    const b = cms([certificateDer({ name: 'Omega' }), last]);
    // Same length, same last 64 bytes: one cache key for both fields.
    expect(tailHash(certificatesField(a))).toBe(tailHash(certificatesField(b)));
    expect(subjects(a)[0]).toBe('CN=Alpha');
    expect(subjects(b)[0]).toBe('CN=Omega');
    expect(subjects(a)[0]).toBe('CN=Alpha');
  });

  it('misses on a changed byte, also when the caller changes its buffer in place', async () => {
    const signer = await importSigner({
      certificate: pkiFile('provider.cert.pem'),
      privateKey: pkiFile('provider.key.pem'),
      chain: pkiFile('pec-ca.cert.pem'),
    });
    const der = await signDetached(new TextEncoder().encode('body\r\n'), signer, {
      signingTime: new Date('2025-03-14T10:30:05Z'),
    });
    const before = signerView(der, limits);
    expect(before.signerCertificate?.der).toEqual(signer.certificate.der);
    // A byte inside the first certificate's signature: far from the field's tail, so the key
    // stays the same and only the byte comparison can tell.
    const [, wrapped] = sequence(der, readRoot(der), 'ContentInfo');
    const [sd] = sequence(der, wrapped, 'content', 0xa0);
    const first = children(der, sequence(der, sd, 'SignedData')[3]!)[0]!;
    expect(before.certificates[0]!.der).toEqual(der.subarray(first.start, first.end));
    const offset = first.end - 10;
    const key = tailHash(certificatesField(der));
    der[offset] = der[offset]! ^ 0x01;
    expect(tailHash(certificatesField(der))).toBe(key);
    const after = signerView(der, limits);
    expect(after.certificates[0]!.der).toEqual(der.subarray(first.start, first.end));
    expect(after.certificates[0]!.der).not.toEqual(before.certificates[0]!.der);
    expect(after.certificates.slice(1).map((c) => c.der)).toEqual(
      before.certificates.slice(1).map((c) => c.der),
    );
  });

  it('applies maxCertificates on a hit as on a miss, and hands out the caller’s own array', () => {
    const der = cms([
      certificateDer({ name: 'One' }),
      certificateDer({ name: 'Two' }),
      certificateDer({ name: 'Six' }),
    ]);
    const first = signerView(der, limits);
    expect(first.certificates).toHaveLength(3);
    first.certificates.length = 0; // the caller may change its array
    let error: unknown;
    try {
      signerView(der, resolveLimits({ maxCertificates: 2 }));
    } catch (e) {
      error = e;
    }
    expect(isPecError(error, 'LIMIT_EXCEEDED')).toBe(true);
    expect((error as Error).message).toBe('the CMS carries more than maxCertificates (2) certificates');
    expect(subjects(der, resolveLimits({ maxCertificates: 3 }))).toEqual(['CN=One', 'CN=Two', 'CN=Six']);
  });

  it('stays bounded', () => {
    for (let i = 0; i < CERTIFICATE_SET_CACHE_MAX + 20; i++)
      signerView(cms([certificateDer({ name: `Cert ${i}`, mark: i })]), limits);
    expect(certificateSetCacheSize()).toBe(CERTIFICATE_SET_CACHE_MAX);
    // The oldest went first; the newest are still read right.
    expect(subjects(cms([certificateDer({ name: 'Cert 0', mark: 0 })]))).toEqual(['CN=Cert 0']);
  });
});

describe('the SignerInfo issuer', () => {
  it('finds the signer by the exact issuer encoding, and by the same name written differently', () => {
    const provider = parseCertificate(pkiFile('provider.cert.pem'));
    const exact = signerView(
      cms([provider.der], seq(provider.issuer.der, tlv(0x02, provider.serialNumber))),
      limits,
    );
    expect(exact.signerCertificate).toBe(provider);
    // The issuer's CN in upper case: not the same bytes, the same name (RFC 5280 §7.1 comparison).
    const issuer = provider.issuer.toString();
    expect(issuer).toMatch(/^CN=/);
    const shouted = signerView(
      cms([provider.der], seq(upperCased(provider.issuer.der), tlv(0x02, provider.serialNumber))),
      limits,
    );
    expect(shouted.signerCertificate).toBe(provider);
  });

  it('reports a bad issuer before a bad serial, as a full read does', () => {
    const provider = parseCertificate(pkiFile('provider.cert.pem'));
    const read = (sid: Uint8Array): string => {
      try {
        signerView(cms([provider.der], sid), limits);
      } catch (e) {
        expect(isPecError(e, 'CMS_MALFORMED')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    const badIssuer = integer(5); // not a Name
    const badSerial = octetString(new Uint8Array([1])); // not an INTEGER
    expect(read(seq(badIssuer, badSerial))).toMatch(/SignerInfo issuer/);
    expect(read(seq(provider.issuer.der, badSerial))).toMatch(/expected an INTEGER/);
  });
});

/** A Name with the ASCII letters of its string values in upper case (same length, other bytes). */
function upperCased(der: Uint8Array): Uint8Array {
  const out = der.slice();
  const walk = (at: number, end: number): void => {
    while (at < end) {
      const n = readRoot(out.subarray(at, at + lengthOf(out, at)));
      const start = at + (n.valueStart - n.start);
      if (n.constructed) walk(start, at + n.end);
      else if (out[at] === 0x0c || out[at] === 0x13)
        for (let i = start; i < at + n.end; i++) if (out[i]! >= 0x61 && out[i]! <= 0x7a) out[i]! -= 0x20;
      at += n.end;
    }
  };
  walk(0, out.length);
  return out;
}

/** The whole length of the TLV at `at` (short or long definite length). */
function lengthOf(b: Uint8Array, at: number): number {
  const first = b[at + 1]!;
  if (!(first & 0x80)) return 2 + first;
  let n = 0;
  for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + b[at + 2 + i]!;
  return 2 + (first & 0x7f) + n;
}

describe('OBJECT IDENTIFIER reading', () => {
  /** The content bytes of `dotted`, arcs of any size (base 128, high bit on all but the last digit). */
  const encode = (dotted: string): Uint8Array => {
    const arcs = dotted.split('.').map(BigInt);
    const digits = (v: bigint): number[] => {
      const out = [Number(v & 0x7fn)];
      for (let x = v >> 7n; x > 0n; x >>= 7n) out.unshift(Number(x & 0x7fn) | 0x80);
      return out;
    };
    const body = [digits(arcs[0]! * 40n + arcs[1]!), ...arcs.slice(2).map(digits)].flat();
    return new Uint8Array([0x06, body.length, ...body]);
  };

  it('does not confuse two OIDs with the same cache key: the bytes decide', () => {
    // A collision made on purpose: FNV-1a's last step is (h ^ byte) · prime, so two 4-byte
    // prefixes whose states differ only in the low 7 bits collide once the last bytes make up the
    // difference. Prefixes 2a 8x yy zz are whole arcs; the last byte is an arc of its own.
    const state = (prefix: number[]): number => {
      let h = Math.imul(0x811c9dc5 ^ (prefix.length + 1), 0x01000193);
      for (const x of prefix) h = Math.imul(h ^ x, 0x01000193);
      return h;
    };
    const seen = new Map<number, number[]>();
    let pair: [number[], number[]] | undefined;
    for (let n = 0; !pair && n < 127 * 128 * 128; n++) {
      const prefix = [0x2a, 0x81 + (n % 127), Math.floor(n / 127) % 128, Math.floor(n / (127 * 128)) % 128];
      const other = seen.get(state(prefix) >>> 7);
      if (other) pair = [other, prefix];
      else seen.set(state(prefix) >>> 7, prefix);
    }
    expect(pair).toBeDefined();
    const [p, q] = pair!;
    const d = (state(p) ^ state(q)) & 0x7f;
    const a = new Uint8Array([0x06, 5, ...p, 0]);
    const b = new Uint8Array([0x06, 5, ...q, d]);
    expect(a).not.toEqual(b);
    expect(oidKey(a, 2, a.length)).toBe(oidKey(b, 2, b.length));
    const expected = (t: Uint8Array): string => `1.2.${(t[3]! & 0x7f) * 128 + t[4]!}.${t[5]}.${t[6]}`;
    expect(expected(a)).not.toBe(expected(b));
    for (let round = 0; round < 2; round++) {
      expect(readOid(a, readRoot(a))).toBe(expected(a));
      expect(readOid(b, readRoot(b))).toBe(expected(b));
    }
  });

  it('misses on a byte changed in place, and stays bounded', () => {
    const b = new Uint8Array(oid('1.2.840.113549.1.9.5'));
    expect(readOid(b, readRoot(b))).toBe('1.2.840.113549.1.9.5');
    b[b.length - 1] = 4; // the caller reuses its buffer
    expect(readOid(b, readRoot(b))).toBe('1.2.840.113549.1.9.4');
    for (let i = 0; i < OID_CACHE_MAX + 50; i++) {
      const x = oid(`1.3.6.1.4.1.${i}`);
      expect(readOid(x, readRoot(x))).toBe(`1.3.6.1.4.1.${i}`);
    }
    expect(oidCacheSize()).toBe(OID_CACHE_MAX);
    expect(readOid(b, readRoot(b))).toBe('1.2.840.113549.1.9.4');
  });

  it('reads every arc exactly, around and beyond the double range', () => {
    for (const dotted of [
      '1.2.840.113549.1.7.2',
      '0.9.2342.19200300.100.1.25',
      '2.5.4.3',
      '2.999.3',
      '2.100000',
      '1.39',
      `1.2.${2 ** 45}`,
      `1.2.${2 ** 45 + 1}`,
      `1.2.${2 ** 52 - 1}`,
      '1.2.9007199254740993',
      '2.25.329800735698586629295641978511506172918',
      `2.${2n ** 70n}.1`,
      `1.3.${2n ** 64n}.7.${2 ** 45 + 3}`,
    ]) {
      const b = encode(dotted);
      expect(readOid(b, readRoot(b)), dotted).toBe(dotted);
    }
  });
});
