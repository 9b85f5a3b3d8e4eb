import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { TAG } from '../der/read.js';
import {
  bitString,
  explicit,
  ia5String,
  integer,
  nullValue,
  oid,
  printableString,
  seq,
  time,
  tlv,
  utf8String,
} from '../der/write.js';
import { isPecError } from '../errors.js';
import { Certificate } from '../x509/certificate.js';
import { DIGITPA_CA1_PEM } from './anchors.js';
import {
  certificateEmails,
  fingerprint,
  issuerToString,
  nameRdns,
  nameToString,
  parseCertificate,
  parseCertificates,
  parseCrl,
  parseCrls,
  rsaKeyBits,
  sanEmails,
  serialNumberHex,
  subjectToString,
  summarizeCertificate,
  toDer,
  toPem,
  validity,
} from './certificates.js';

const PKI = new URL('../../fixtures/pki/', import.meta.url);
const path = (f: string): string => fileURLToPath(new URL(f, PKI));
const read = (f: string): Buffer => readFileSync(path(f));
const pemText = (f: string): string => read(f).toString('latin1');
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

const malformed = (e: unknown): boolean => isPecError(e, 'CERT_MALFORMED');

/**
 * A Name from [oid, encoded value] RDNs; each RDN may be multi-valued. The attributes of an RDN stay in
 * the order given (a BER SET, not sorted as DER would), so the rendering order is predictable.
 */
function makeName(rdns: [string, Uint8Array][][]): Uint8Array {
  return seq(...rdns.map((rdn) => tlv(TAG.SET, ...rdn.map(([type, value]) => seq(oid(type), value)))));
}

const bmpString = (s: string): Uint8Array =>
  tlv(0x1e, new Uint8Array([...s].flatMap((ch) => [ch.charCodeAt(0) >> 8, ch.charCodeAt(0) & 0xff])));

/** A v3 certificate without extensions, built with the DER writer: the root's key, a dummy signature. */
function makeCertificate(subject: Uint8Array): Uint8Array {
  const root = parseCertificate(pemText('root.cert.pem'));
  const algorithm = seq(oid('1.2.840.113549.1.1.11'), nullValue());
  const tbs = seq(
    explicit(0, integer(2)),
    integer(0x4242),
    algorithm,
    root.subject.der,
    seq(time(new Date('2024-01-01T00:00:00Z')), time(new Date('2030-01-01T00:00:00Z'))),
    subject,
    root.publicKey.der,
  );
  return seq(tbs, algorithm, bitString(new Uint8Array(256)));
}

describe('parsing', () => {
  it('reads PEM text, PEM bytes and DER', () => {
    const fromText = parseCertificate(pemText('provider.cert.pem'));
    const fromBytes = parseCertificate(read('provider.cert.pem'));
    const der = toDer(fromText);
    const fromDer = parseCertificate(der);
    const fromBuffer = parseCertificate(der.slice().buffer);
    for (const c of [fromBytes, fromDer, fromBuffer]) expect(toDer(c)).toEqual(der);
    expect(der[0]).toBe(0x30);
  });

  it('reads a PEM bundle, skipping other blocks', () => {
    const bundle = `junk before\n${pemText('root.cert.pem')}${pemText('provider.key.pem')}${pemText('pec-ca.cert.pem')}`;
    expect(parseCertificates(bundle).map(subjectToString)).toEqual([
      'CN=pec-kit Test Root,O=pec-kit,C=IT',
      'CN=pec-kit Test PEC CA,O=pec-kit,C=IT',
    ]);
    expect(() => parseCertificate(bundle)).toThrow(/expected one certificate, found 2/);
  });

  it('round-trips through toPem', () => {
    const c = parseCertificate(pemText('pec-ca.cert.pem'));
    expect(toPem(c)).toBe(pemText('pec-ca.cert.pem'));
    const crl = parseCrl(pemText('pec-ca.crl.pem'));
    expect(toPem(crl)).toBe(pemText('pec-ca.crl.pem'));
  });

  it.each([
    ['empty input', ''],
    ['text', 'hello world'],
    ['a private key only', 'provider.key.pem'],
    ['bad base64', '-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n'],
    [
      'PEM headers',
      '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nMIIB\n-----END CERTIFICATE-----\n',
    ],
    ['random DER-looking bytes', new Uint8Array([0x30, 0x82, 0x01, 0x00, 1, 2, 3])],
    ['a valid SEQUENCE that is no certificate', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])],
    ['a CRL', 'pec-ca.crl.pem'],
  ])('refuses %s with CERT_MALFORMED', (_what, input) => {
    const value = typeof input === 'string' && input.endsWith('.pem') ? pemText(input) : input;
    expect(() => parseCertificate(value)).toThrow();
    try {
      parseCertificate(value);
    } catch (e) {
      expect(malformed(e)).toBe(true);
    }
  });

  it('refuses trailing bytes after the DER', () => {
    const der = toDer(parseCertificate(pemText('root.cert.pem')));
    const longer = new Uint8Array(der.length + 2);
    longer.set(der);
    expect(() => parseCertificate(longer)).toThrow(/2 bytes after the value/);
    expect(() => parseCertificate(longer)).toThrow(expect.objectContaining({ code: 'CERT_MALFORMED' }));
  });

  it('refuses non-byte input as INVALID_ARGUMENT', () => {
    expect(() => parseCertificate(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('reads CRLs, PEM or DER, and refuses a certificate as CRL', () => {
    const crl = parseCrl(pemText('pec-ca.crl.pem'));
    expect(nameToString(crl.issuer)).toBe('CN=pec-kit Test PEC CA,O=pec-kit,C=IT');
    expect(crl.revoked.map((r) => toHex(r.serialNumber))).toEqual(['1009', '100a']);
    expect(crl.revoked.map((r) => r.revocationDate.toISOString())).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ]);
    expect(parseCrls(toDer(crl))).toHaveLength(1);
    expect(() => parseCrl(pemText('root.cert.pem'))).toThrow(
      expect.objectContaining({ code: 'CERT_MALFORMED' }),
    );
  });

  it('gives back exactly the DER it decoded, for a certificate built rather than issued too', () => {
    const der = toDer(parseCertificate(pemText('root.cert.pem')));
    expect(toDer(new Certificate(der))).toEqual(der);
    // pkijs, decoding and re-encoding independently, produces the same bytes.
    expect(new Uint8Array(pkijs.Certificate.fromBER(der).toSchema(true).toBER(false))).toEqual(der);
    const built = makeCertificate(makeName([[['2.5.4.3', utf8String('built')]]]));
    const c = parseCertificate(built);
    expect(toDer(c)).toEqual(built);
    expect(subjectToString(c)).toBe('CN=built');
    // The same DER, PEM or not, decodes to the same (immutable) object.
    expect(parseCertificate(toPem(c))).toBe(c);
    expect(Object.isFrozen(c)).toBe(true);
  });
});

describe('names', () => {
  it('prints RFC 4514 strings, least significant RDN first', () => {
    const c = parseCertificate(pemText('provider.cert.pem'));
    expect(subjectToString(c)).toBe(
      'CN=Posta Certificata Example PEC,O=Example PEC S.p.A.,L=Roma,ST=Roma,C=IT',
    );
    expect(issuerToString(c)).toBe('CN=pec-kit Test PEC CA,O=pec-kit,C=IT');
    expect(subjectToString(parseCertificate(DIGITPA_CA1_PEM))).toBe(
      "CN=DigitPA CA1,OU=Ufficio interoperabilita' e cooperazione,O=DigitPA,C=IT",
    );
  });

  it('escapes special characters and keeps multi-valued RDNs', () => {
    const subject = makeName([
      [['2.5.4.6', printableString('IT')]],
      [
        ['2.5.4.10', utf8String('A, B + C; "D" <E> \\F')],
        ['2.5.4.11', utf8String('#lead')],
      ],
      [['2.5.4.3', bmpString(' spaced ')]],
      [['1.2.3.4', integer(5)]],
      [['2.5.4.5', printableString('TINIT-XYZ')]],
    ]);
    const name = parseCertificate(makeCertificate(subject)).subject;
    expect(nameToString(name)).toBe(
      'serialNumber=TINIT-XYZ,1.2.3.4=#020105,CN=\\ spaced\\ ,O=A\\, B \\+ C\\; \\"D\\" \\<E\\> \\\\F+OU=\\#lead,C=IT',
    );
    expect(nameRdns(name).map((r) => r.length)).toEqual([1, 2, 1, 1, 1]);
  });

  it('reads SAN e-mails, with the subject emailAddress as fallback', () => {
    expect(sanEmails(parseCertificate(pemText('provider2.cert.pem')))).toEqual([
      'posta-certificata@postacert.example.org',
    ]);
    expect(sanEmails(parseCertificate(pemText('root.cert.pem')))).toEqual([]);
    const c = parseCertificate(
      makeCertificate(
        makeName([
          [['2.5.4.3', utf8String('x')]],
          [['1.2.840.113549.1.9.1', ia5String('old@pec.example.it')]],
        ]),
      ),
    );
    expect(sanEmails(c)).toEqual([]);
    expect(certificateEmails(c)).toEqual(['old@pec.example.it']);
  });

  it('works the e-mails out once per certificate, handing each caller its own array', () => {
    const c = parseCertificate(pemText('provider2.cert.pem'));
    const first = certificateEmails(c);
    first.push('forged@example.org');
    first[0] = 'changed@example.org';
    expect(certificateEmails(c)).toEqual(['posta-certificata@postacert.example.org']);
    expect(certificateEmails(c)).not.toBe(certificateEmails(c));
  });
});

describe('facts', () => {
  it('prints serials without leading zeros', () => {
    expect(serialNumberHex(parseCertificate(DIGITPA_CA1_PEM))).toBe('72748a0');
    expect(serialNumberHex(parseCertificate(pemText('revoked-late.cert.pem')))).toBe('100a');
  });

  it('reads validity and key size', () => {
    const c = parseCertificate(pemText('expired.cert.pem'));
    expect(validity(c)).toEqual({
      notBefore: new Date('2020-06-01T00:00:00Z'),
      notAfter: new Date('2021-06-01T00:00:00Z'),
    });
    expect(rsaKeyBits(c)).toBe(2048);
    expect(rsaKeyBits(parseCertificate(pemText('weak-key.cert.pem')))).toBe(1024);
  });

  it.each([
    ['native WebCrypto', globalThis.crypto],
    ['@peculiar/webcrypto', new PeculiarCrypto() as unknown as Crypto],
  ])('computes fingerprints equal to OpenSSL’s (%s)', async (_name, crypto) => {
    const file = 'provider.cert.pem';
    const c = parseCertificate(pemText(file));
    for (const alg of ['SHA-256', 'SHA-1'] as const) {
      const fp = await fingerprint(c, alg, crypto);
      if (hasOpenssl) {
        const out = spawnSync('openssl', [
          'x509',
          '-in',
          path(file),
          '-noout',
          '-fingerprint',
          alg === 'SHA-1' ? '-sha1' : '-sha256',
        ]);
        expect(fp).toBe(out.stdout.toString().split('=')[1]!.trim().replace(/:/g, '').toLowerCase());
      }
      expect(fp).toMatch(alg === 'SHA-1' ? /^[0-9a-f]{40}$/ : /^[0-9a-f]{64}$/);
    }
    await expect(fingerprint(c, 'MD5' as 'SHA-1')).rejects.toThrow(/SHA-256/);
  });

  it('summarises a certificate', async () => {
    const s = await summarizeCertificate(parseCertificate(pemText('provider.cert.pem')));
    const manifest = JSON.parse(pemText('manifest.json'));
    expect(s).toMatchObject({
      subject: manifest.certificates.provider.subject,
      issuer: manifest.certificates.provider.issuer,
      serialNumber: '1001',
      notBefore: '2024-01-01T00:00:00.000Z',
      notAfter: '2040-01-01T00:00:00.000Z',
      emails: ['posta-certificata@pec.example.it'],
      rsaKeyBits: 2048,
      sha256: manifest.certificates.provider.sha256,
    });
  });
});
