// Certificates made on the spot for the trust-policy and work-bound tests: any key size, any
// public exponent, any name, signed with node:crypto (or not validly signed at all, for keys that
// pec-kit must refuse before any signature check). Test-only.
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import type { Bytes } from '../../src/bytes.js';
import {
  bitString,
  boolean,
  explicit,
  ia5String,
  implicit,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  printableString,
  seq,
  setOf,
  time,
  utf8String,
} from '../../src/der/write.js';
import { pemArmor } from '../../src/pem.js';
import { parseCertificate } from '../../src/trust/certificates.js';
import { pki } from './build.js';

const SHA256_RSA = '1.2.840.113549.1.1.11';

/** An RSA key pair from node:crypto: the SPKI (DER) and the private key (PKCS#8 PEM). */
export function rsaKey(bits = 2048, publicExponent = 65537): { spki: Bytes; key: KeyObject; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent });
  return {
    spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    key: privateKey,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * The SPKI of an RSA "key" with a random odd modulus and a random odd public exponent of the given
 * sizes: no private key exists, and none is needed, since pec-kit must refuse it before checking.
 */
export function oversizedRsaSpki(modulusBits: number, exponentBits: number): Bytes {
  const odd = (bits: number): Uint8Array => {
    const b = randomBytes(Math.ceil(bits / 8));
    b[0]! |= 0x80;
    b[b.length - 1]! |= 1;
    return new Uint8Array(b);
  };
  const rsaPublicKey = seq(integer(odd(modulusBits)), integer(odd(exponentBits)));
  return seq(seq(oid('1.2.840.113549.1.1.1'), nullValue()), bitString(rsaPublicKey));
}

/** A Name with one attribute per RDN (C as PrintableString, the rest UTF8String). */
export function makeName(pairs: readonly ['C' | 'O' | 'CN', string][]): Bytes {
  const OIDS = { C: '2.5.4.6', O: '2.5.4.10', CN: '2.5.4.3' };
  return seq(
    ...pairs.map(([t, v]) => setOf(seq(oid(OIDS[t]), t === 'C' ? printableString(v) : utf8String(v)))),
  );
}

const ext = (id: string, critical: boolean, value: Uint8Array): Bytes =>
  seq(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

export interface CertSpec {
  serial: number;
  subject: Bytes;
  issuer: Bytes;
  spki: Bytes;
  /** The issuer's private key; absent: a random signature value (never checked). */
  signWith?: KeyObject;
  notBefore?: Date;
  notAfter?: Date;
  /** A CA certificate (basicConstraints cA, keyCertSign) rather than a PEC provider leaf. */
  ca?: boolean;
  /** The leaf's rfc822Name. */
  email?: string;
  /** The issuer's subjectKeyIdentifier (for authorityKeyIdentifier). */
  aki?: Uint8Array;
}

/** A certificate (DER and PEM) as `spec` describes it. */
export function makeCertificate(spec: CertSpec): { der: Bytes; pem: string } {
  const extensions = spec.ca
    ? [ext('2.5.29.19', true, seq(boolean(true))), ext('2.5.29.15', true, namedBits(0x06))]
    : [
        ext('2.5.29.15', true, namedBits(0x80)),
        ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.4'))),
        ext(
          '2.5.29.17',
          false,
          seq(implicit(1, ia5String(spec.email ?? 'posta-certificata@pec.example.it'))),
        ),
        ext('2.5.29.32', false, seq(seq(oid('1.3.76.16.3.1.1')))),
      ];
  if (spec.aki) extensions.push(ext('2.5.29.35', false, seq(implicit(0, octetString(spec.aki)))));
  const algorithm = seq(oid(SHA256_RSA), nullValue());
  const tbs = seq(
    explicit(0, integer(2)),
    integer(spec.serial),
    algorithm,
    spec.issuer,
    seq(
      time(spec.notBefore ?? new Date('2024-01-01T00:00:00Z')),
      time(spec.notAfter ?? new Date('2040-01-01T00:00:00Z')),
    ),
    spec.subject,
    spec.spki,
    explicit(3, seq(...extensions)),
  );
  const signature = spec.signWith
    ? new Uint8Array(sign('sha256', tbs, spec.signWith))
    : new Uint8Array(randomBytes(256));
  const der = seq(tbs, algorithm, bitString(signature));
  return { der, pem: pemArmor('CERTIFICATE', der) };
}

/** The fixture PEC CA (fixtures/pki/pec-ca): its subject, key identifier and private key. */
export function fixturePecCa(): { subject: Bytes; ski: Uint8Array; key: KeyObject; pem: string } {
  const pem = pki('pec-ca.cert.pem');
  const cert = parseCertificate(pem);
  return {
    subject: cert.subject.der,
    ski: cert.subjectKeyIdentifier!,
    key: createPrivateKey(pki('pec-ca.key.pem')),
    pem,
  };
}

/** A WebCrypto that counts `subtle.verify` calls (the work a hostile chain causes). */
export function countingCrypto(): { crypto: Crypto; verifies: () => number } {
  let n = 0;
  const real = globalThis.crypto.subtle;
  const subtle = new Proxy(real, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (prop === 'verify')
        return (...args: Parameters<SubtleCrypto['verify']>) => {
          n++;
          return real.verify(...args);
        };
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const crypto = {
    subtle,
    getRandomValues: (a: Uint8Array<ArrayBuffer>) => globalThis.crypto.getRandomValues(a),
    randomUUID: () => globalThis.crypto.randomUUID(),
  } as unknown as Crypto;
  return { crypto, verifies: () => n };
}
