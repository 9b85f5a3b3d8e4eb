// The chain policy against the test PKI (fixtures/pki, see manifest.json), once with Node's WebCrypto
// and once with @peculiar/webcrypto injected as `crypto`.
import { readFileSync } from 'node:fs';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Bytes, encodeUtf8 } from '../bytes.js';
import { encoded, readRoot, sequence, TAG } from '../der/read.js';
import {
  bitString,
  boolean,
  explicit,
  implicit,
  integer,
  nullValue,
  octetString,
  oid,
  seq,
  time,
  tlv,
} from '../der/write.js';
import { isPecError } from '../errors.js';
import { decodeBase64 } from '../mime/base64.js';
import { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { parseCertificate, parseCrl, parseCrls, subjectToString, toDer } from './certificates.js';
import {
  type ChainResult,
  chainCacheStats,
  clearChainCache,
  type ValidateChainOptions,
  validateChain,
} from './chain.js';
import type { ChainIssueCode } from './issues.js';
import { CONTENT_IDS_MAX, contentIdCount } from './path.js';

const PKI = new URL('../../fixtures/pki/', import.meta.url);
const read = (f: string): Buffer => readFileSync(new URL(f, PKI));
const cert = (stem: string): Certificate => parseCertificate(read(`${stem}.cert.pem`));

const T = (s: string): Date => new Date(`${s}T00:00:00Z`);
const AT = T('2027-01-01'); // inside every leaf's validity, after the early revocation, before the late one

const codes = (r: ChainResult, severity?: string): ChainIssueCode[] =>
  r.issues.filter((i) => severity === undefined || i.severity === severity).map((i) => i.code);

// pkijs, as a point of comparison: the same DER decoded by pkijs, with an explicit engine.
const pkijsCert = (c: Certificate): pkijs.Certificate => pkijs.Certificate.fromBER(toDer(c));
const pkijsCrl = (c: Crl): pkijs.CertificateRevocationList =>
  pkijs.CertificateRevocationList.fromBER(toDer(c));
const pkijsEngine = (crypto: Crypto): pkijs.CryptoEngine => new pkijs.CryptoEngine({ name: 'test', crypto });

/** A fixture private key, for signing with WebCrypto (RSA, SHA-256). */
async function fixtureKey(stem: 'pec-ca' | 'root'): Promise<CryptoKey> {
  const keyPem = read(`${stem}.key.pem`)
    .toString('latin1')
    .replace(/-----[^-]+-----/g, '');
  return globalThis.crypto.subtle.importKey(
    'pkcs8',
    decodeBase64(new TextEncoder().encode(keyPem)),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), nullValue());
/** An Extension: extnID, critical (only when true, as DER omits the default), extnValue. */
const ext = (extnID: string, value: Uint8Array, critical = false): Uint8Array =>
  seq(oid(extnID), ...(critical ? [boolean(true)] : []), octetString(value));
const generalizedTime = (d: Date): Uint8Array =>
  tlv(
    TAG.GENERALIZED_TIME,
    encodeUtf8(
      d
        .toISOString()
        .replace(/[-:T]/g, '')
        .replace(/\.\d+Z$/, 'Z'),
    ),
  );

async function signed(tbs: Bytes, signWith: 'pec-ca' | 'root'): Promise<Uint8Array> {
  const key = await fixtureKey(signWith);
  const signature = await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, tbs);
  // The outer signatureAlgorithm repeats the signed one byte for byte (RFC 5280 §4.1.1.2).
  const inner = sequence(tbs, readRoot(tbs), 'tbs').find((n, i) => i < 3 && n.tag === 0x30)!;
  return seq(tbs, encoded(tbs, inner), bitString(new Uint8Array(signature)));
}

interface CrlSpec {
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: { serial: number; date: Date; invalidity?: Date; reason?: number }[];
  delta?: boolean;
  /** A critical CRL extension pec-kit does not know. */
  unknownCritical?: boolean;
  signWith?: 'pec-ca' | 'root';
}

/** A CRL "of the PEC CA" made on the fly with the fixture keys, parsed back from DER like any input. */
async function makeCrl(spec: CrlSpec): Promise<Crl> {
  const entries = spec.entries.map((e) => {
    const exts: Uint8Array[] = [];
    if (e.reason !== undefined) exts.push(ext('2.5.29.21', tlv(TAG.ENUMERATED, new Uint8Array([e.reason]))));
    if (e.invalidity) exts.push(ext('2.5.29.24', generalizedTime(e.invalidity)));
    return seq(integer(e.serial), time(e.date), ...(exts.length > 0 ? [seq(...exts)] : []));
  });
  const crlExtensions = [
    ...(spec.delta ? [ext('2.5.29.27', integer(1), true)] : []),
    ...(spec.unknownCritical ? [ext('1.3.6.1.4.1.99999.1', nullValue(), true)] : []),
  ];
  const tbs = seq(
    integer(1), // v2
    SHA256_WITH_RSA,
    cert('pec-ca').subject.der,
    time(spec.thisUpdate),
    ...(spec.nextUpdate ? [time(spec.nextUpdate)] : []),
    ...(entries.length > 0 ? [seq(...entries)] : []),
    ...(crlExtensions.length > 0 ? [explicit(0, seq(...crlExtensions))] : []),
  );
  return parseCrl(await signed(tbs, spec.signWith ?? 'pec-ca'));
}

/** `base` re-issued by the test root with extra extensions (after its own): a correctly signed variant. */
async function reissue(base: Certificate, extra: Uint8Array[]): Promise<Certificate> {
  const b = toDer(base);
  const [tbs] = sequence(b, readRoot(b), 'certificate');
  const fields = sequence(b, tbs, 'tbsCertificate').filter((n) => n.tag !== 0xa3);
  const extensions = base.extensions.map((e) => ext(e.oid, e.value, e.critical));
  const newTbs = seq(...fields.map((n) => encoded(b, n)), explicit(3, seq(...extensions, ...extra)));
  return parseCertificate(await signed(newTbs, 'root'));
}

const ENGINES: [string, Crypto][] = [
  ['native WebCrypto', globalThis.crypto],
  ['@peculiar/webcrypto', new PeculiarCrypto() as unknown as Crypto],
];

describe.each(ENGINES)('validateChain with %s', (_name, crypto) => {
  let root: Certificate;
  let pecCa: Certificate;
  let subCa: Certificate;
  let otherRoot: Certificate;
  let crls: Crl[];
  const leaf: Record<string, Certificate> = {};

  beforeAll(() => {
    root = cert('root');
    pecCa = cert('pec-ca');
    subCa = cert('sub-ca');
    otherRoot = cert('other-root');
    crls = [...parseCrls(read('pec-ca.crl.pem')), ...parseCrls(read('root.crl.pem'))];
    for (const stem of [
      'provider',
      'provider2',
      'expired',
      'wrong-eku',
      'no-digital-signature',
      'out-of-constraints',
      'excluded',
      'untrusted',
      'revoked-early',
      'revoked-late',
      'weak-key',
      'no-policy',
      'pathlen-violation',
    ]) {
      leaf[stem] = cert(stem);
    }
  });

  // The usual call: CMS certificates (signer first, as CMS carries them), the test root as anchor.
  const check = (stem: string, extra: Partial<ValidateChainOptions> = {}): Promise<ChainResult> =>
    validateChain({
      signer: leaf[stem]!,
      certificates: [leaf[stem]!, pecCa, subCa],
      anchors: [root],
      crls,
      at: AT,
      crypto,
      ...extra,
    });

  it('trusts the good provider certificate at a date inside its validity', async () => {
    const r = await check('provider');
    expect(r.trusted).toBe(true);
    expect(codes(r, 'error')).toEqual([]);
    expect(codes(r, 'warning')).toEqual([]);
    expect(r.at).toBe('2027-01-01T00:00:00.000Z');
    expect(r.anchor).toBe('CN=pec-kit Test Root,O=pec-kit,C=IT');
    expect(r.path).toEqual([
      'CN=Posta Certificata Example PEC,O=Example PEC S.p.A.,L=Roma,ST=Roma,C=IT',
      'CN=pec-kit Test PEC CA,O=pec-kit,C=IT',
      'CN=pec-kit Test Root,O=pec-kit,C=IT',
    ]);
    expect(r.validNow).toBe(true);
  });

  it('trusts the second provider (other permitted domain)', async () => {
    const r = await check('provider2', { expectedEmail: 'posta-certificata@postacert.example.org' });
    expect(r.trusted).toBe(true);
    expect(codes(r, 'error')).toEqual([]);
  });

  it('accepts a non-self-signed anchor (the PEC CA, as AgID CA1 in real life)', async () => {
    const r = await check('provider', { anchors: [pecCa], certificates: [leaf.provider!] });
    expect(r.trusted).toBe(true);
    expect(r.anchor).toBe('CN=pec-kit Test PEC CA,O=pec-kit,C=IT');
    expect(r.path).toHaveLength(2);
    // And pkijs itself ends a path at a trusted certificate that is not self-signed.
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [pkijsCert(pecCa)],
      certs: [pkijsCert(leaf.provider!)],
      checkDate: AT,
    });
    const raw = await engine.verify({}, pkijsEngine(crypto));
    expect(raw.result).toBe(true);
    expect(
      raw.certificatePath?.map((c) =>
        subjectToString(parseCertificate(new Uint8Array(c.toSchema().toBER(false)))),
      ),
    ).toEqual(r.path);
  });

  it('reports a certificate that is not yet valid', async () => {
    const r = await check('provider', { at: T('2023-06-01') });
    expect(r.trusted).toBe(false);
    expect(codes(r, 'error')).toEqual(['CHAIN_NOT_YET_VALID']);
  });

  it('trusts the expired leaf at a signing time inside its window, not later', async () => {
    const then = await check('expired', { at: T('2021-01-01') });
    expect(then.trusted).toBe(true);
    expect(then.validNow).toBe(false); // expired since 2021-06-01
    const later = await check('expired');
    expect(later.trusted).toBe(false);
    expect(codes(later, 'error')).toEqual(['CHAIN_EXPIRED']);
    const now = await check('expired', { at: new Date() });
    expect(now.trusted).toBe(false);
    expect(codes(now, 'error')).toContain('CHAIN_EXPIRED');
  });

  it.each([
    ['wrong-eku', 'CHAIN_BAD_EKU'],
    ['no-digital-signature', 'CHAIN_BAD_KEY_USAGE'],
    ['out-of-constraints', 'CHAIN_NAME_CONSTRAINTS'],
    ['excluded', 'CHAIN_NAME_CONSTRAINTS'],
    ['untrusted', 'CHAIN_UNTRUSTED'],
    ['revoked-early', 'CHAIN_REVOKED'],
    ['pathlen-violation', 'CHAIN_PATH_LENGTH'],
  ] as const)('rejects %s with %s', async (stem, code) => {
    const r = await check(stem);
    expect(r.trusted).toBe(false);
    expect(new Set(codes(r, 'error'))).toEqual(new Set([code]));
  });

  it.each([
    ['no-policy', 'CHAIN_POLICY_MISSING'],
    ['revoked-late', 'CHAIN_REVOKED_LATER'],
  ] as const)('trusts %s with the warning %s', async (stem, code) => {
    const r = await check(stem);
    expect(r.trusted).toBe(true);
    expect(codes(r, 'warning')).toEqual([code]);
  });

  it('refuses an RSA-1024 leaf valid after 2018 (CHAIN_KEY_TOO_WEAK); minRsaBits 1024 makes it a warning', async () => {
    const r = await check('weak-key');
    expect(r.trusted).toBe(false);
    expect(codes(r, 'error')).toEqual(['CHAIN_KEY_TOO_WEAK']);
    const lowered = await check('weak-key', { minRsaBits: 1024 });
    expect(lowered.trusted).toBe(true);
    expect(codes(lowered, 'warning')).toEqual(['CHAIN_WEAK_KEY']);
    // The legacy allowance covers only certificates that expired before legacyKeysUntil.
    const legacy = await check('weak-key', { legacyKeysUntil: T('2041-01-01') });
    expect(legacy.trusted).toBe(true);
    expect(codes(legacy, 'warning')).toEqual(['CHAIN_WEAK_KEY']);
    const strict = await check('weak-key', { legacyKeysUntil: null, minRsaBits: 4096 });
    expect(codes(strict, 'error')).toContain('CHAIN_KEY_TOO_WEAK');
  });

  it.each([512, 1023, 16385, 2048.5, Number.NaN, '2048'])('refuses minRsaBits %s', async (bits) => {
    await expect(check('provider', { minRsaBits: bits as number })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('honours revocation dates: revoked-late is trusted in 2027 and revoked in 2031', async () => {
    const in2027 = await check('revoked-late', { now: T('2031-01-01') });
    expect(in2027.trusted).toBe(true);
    expect(in2027.validNow).toBe(false); // revoked by then
    const in2031 = await check('revoked-late', { at: T('2031-01-01') });
    expect(in2031.trusted).toBe(false);
    expect(codes(in2031, 'error')).toEqual(['CHAIN_REVOKED']);
    // revoked-early was revoked for keyCompromise: a signing time before the revocation proves
    // nothing, only a trusted check instant does.
    const early2024 = await check('revoked-early', { at: T('2024-06-01') });
    expect(early2024.trusted).toBe(false);
    expect(codes(early2024, 'error')).toEqual(['CHAIN_REVOKED_COMPROMISE']);
    const trustedAt = await check('revoked-early', { at: T('2024-06-01'), atTrusted: true });
    expect(trustedAt.trusted).toBe(true);
    expect(codes(trustedAt, 'warning')).toEqual(['CHAIN_REVOKED_LATER']);
    // pkijs on its own ignores the date and calls it revoked (stack-notes pitfall 5).
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [pkijsCert(root)],
      certs: [pkijsCert(pecCa), pkijsCert(leaf['revoked-late']!)],
      crls: crls.map(pkijsCrl),
      checkDate: AT,
    });
    expect((await engine.verify({}, pkijsEngine(crypto))).resultCode).toBe(12);
  });

  it('applies the name constraints of the anchor itself (pkijs alone does not)', async () => {
    const r = await check('out-of-constraints', { anchors: [pecCa] });
    expect(codes(r, 'error')).toEqual(['CHAIN_NAME_CONSTRAINTS']);
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [pkijsCert(pecCa)],
      certs: [pkijsCert(leaf['out-of-constraints']!)],
      checkDate: AT,
    });
    expect((await engine.verify({}, pkijsEngine(crypto))).result).toBe(true);
  });

  it("enforces the anchor's pathLenConstraint too", async () => {
    const r = await check('pathlen-violation', { anchors: [pecCa] });
    expect(codes(r, 'error')).toEqual(['CHAIN_PATH_LENGTH']);
    expect(r.path).toHaveLength(3);
  });

  // pec-kit does not build the RFC 5280 policy tree: a CA that makes it matter is refused, not half-checked.
  it.each([
    ['policyMappings', '2.5.29.33', seq(seq(oid('1.3.76.16.3.1'), oid('1.3.76.16.3.1.1')))],
    ['policyConstraints', '2.5.29.36', seq(implicit(0, integer(0)))],
    ['inhibitAnyPolicy', '2.5.29.54', integer(0)],
  ])('refuses a CA with a critical %s, accepts it non-critical', async (name, id, value) => {
    const critical = await reissue(pecCa, [ext(id, value, true)]);
    expect(critical.extension(id)?.critical).toBe(true);
    const r = await check('provider', { certificates: [leaf.provider!, critical] });
    expect(r.trusted).toBe(false);
    expect(codes(r, 'error')).toEqual(['CHAIN_UNKNOWN_CRITICAL_EXTENSION']);
    expect(r.issues[0]?.message).toContain(id);
    expect(r.path).toEqual([
      'CN=Posta Certificata Example PEC,O=Example PEC S.p.A.,L=Roma,ST=Roma,C=IT',
      'CN=pec-kit Test PEC CA,O=pec-kit,C=IT',
      'CN=pec-kit Test Root,O=pec-kit,C=IT',
    ]);
    const nonCritical = await reissue(pecCa, [ext(id, value)]);
    const ok = await check('provider', { certificates: [leaf.provider!, nonCritical] });
    expect(ok.trusted, name).toBe(true);
    expect(ok.issues).toEqual([]);
  });

  it('trusts only the caller’s anchors, never a CA the message carries', async () => {
    const r = await check('provider', { certificates: [pecCa, root], anchors: [otherRoot] });
    expect(r.trusted).toBe(false);
    expect(codes(r, 'error')).toEqual(['CHAIN_UNTRUSTED']);
    expect(r.anchor).toBeNull();
    expect(r.validNow).toBeUndefined();
    expect(r.path).toEqual([
      'CN=Posta Certificata Example PEC,O=Example PEC S.p.A.,L=Roma,ST=Roma,C=IT',
      'CN=pec-kit Test PEC CA,O=pec-kit,C=IT',
      'CN=pec-kit Test Root,O=pec-kit,C=IT',
    ]);
    const none = await check('provider', { anchors: [] });
    expect(codes(none, 'error')).toEqual(['CHAIN_UNTRUSTED']);
    expect(none.issues[0]?.message).toMatch(/no trust anchors/);
  });

  it('does not depend on the order or duplication of the given certificates', async () => {
    const a = await check('provider', { certificates: [subCa, pecCa, leaf.provider!, pecCa] });
    const b = await check('provider', { certificates: [pecCa] });
    expect(a).toEqual(b);
    expect(a.trusted).toBe(true);
  });

  it('checks the signer e-mail against the expected address, case-insensitively', async () => {
    const ok = await check('provider', { expectedEmail: 'Posta-Certificata@PEC.example.it' });
    expect(ok.trusted).toBe(true);
    const bad = await check('provider', { expectedEmail: 'posta-certificata@pec.other.it' });
    expect(bad.trusted).toBe(false);
    expect(codes(bad, 'error')).toEqual(['SIGNER_EMAIL_MISMATCH']);
    expect(bad.issues[0]?.message).toContain('posta-certificata@pec.example.it');
  });

  it('bounds the path length with limits.maxChainLength', async () => {
    const r = await check('provider', { limits: { maxChainLength: 2 } });
    expect(r.trusted).toBe(false);
    expect(codes(r, 'error')).toEqual(['CHAIN_TOO_LONG']);
    const shorter = await check('provider', { limits: { maxChainLength: 2 }, anchors: [pecCa] });
    expect(shorter.trusted).toBe(true);
  });

  it('refuses more certificates than limits.maxCertificates', async () => {
    await expect(check('provider', { limits: { maxCertificates: 2 } })).rejects.toSatisfy((e) =>
      isPecError(e, 'LIMIT_EXCEEDED'),
    );
  });

  it('accepts a pinned signer certificate as its own anchor', async () => {
    const r = await check('provider', { anchors: [leaf.provider!], certificates: [] });
    expect(r.trusted).toBe(true);
    expect(r.path).toHaveLength(1);
    expect(codes(r, 'info')).toContain('CHAIN_SIGNER_PINNED');
  });

  describe('revocation inputs', () => {
    it('says when no CRLs were given', async () => {
      const r = await check('revoked-early', { crls: [] });
      expect(r.trusted).toBe(true);
      expect(codes(r, 'info')).toEqual(['CHAIN_REVOCATION_NOT_CHECKED']);
    });

    it('warns when no CRL covers a certificate of the path', async () => {
      const r = await check('provider', { crls: parseCrls(read('root.crl.pem')) });
      expect(r.trusted).toBe(true);
      expect(codes(r, 'warning')).toEqual(['CHAIN_REVOCATION_UNKNOWN']);
    });

    it('ignores a CRL whose signature does not verify', async () => {
      const der = toDer(parseCrls(read('pec-ca.crl.pem'))[0]!).slice();
      der[der.length - 5]! ^= 0xff; // inside the signature value
      const r = await check('revoked-early', {
        crls: [...parseCrls(der), ...parseCrls(read('root.crl.pem'))],
      });
      expect(r.trusted).toBe(true);
      expect(codes(r, 'warning').sort()).toEqual(['CHAIN_CRL_INVALID', 'CHAIN_REVOCATION_UNKNOWN']);
    });

    it('counts a revocation from its invalidity date when that is earlier', async () => {
      const crl = await makeCrl({
        thisUpdate: T('2028-02-01'),
        nextUpdate: T('2029-01-01'),
        entries: [{ serial: 0x1001, date: T('2028-01-01'), invalidity: T('2026-06-01'), reason: 1 }],
      });
      const r = await check('provider', { crls: [crl, ...parseCrls(read('root.crl.pem'))] });
      expect(codes(r, 'error')).toEqual(['CHAIN_REVOKED']);
      expect(r.issues[0]?.message).toContain('2026-06-01T00:00:00.000Z (keyCompromise)');
    });

    it.each([
      ['keyCompromise', 1, undefined],
      ['cACompromise', 2, undefined],
      ['unspecified with an earlier invalidityDate', 0, T('2027-06-01')],
      ['no reason with an earlier invalidityDate', undefined, T('2027-06-01')],
    ] as const)(
      'a %s revocation after the check instant: not trusted unless the instant is trusted',
      async (_what, reason, invalidity) => {
        const crl = await makeCrl({
          thisUpdate: T('2028-02-01'),
          nextUpdate: T('2029-01-01'),
          entries: [
            {
              serial: 0x1001,
              date: T('2028-01-01'),
              ...(invalidity ? { invalidity } : {}),
              ...(reason === undefined ? {} : { reason }),
            },
          ],
        });
        const crls = [crl, ...parseCrls(read('root.crl.pem'))];
        const r = await check('provider', { crls });
        expect(r.trusted).toBe(false);
        expect(codes(r, 'error')).toEqual(['CHAIN_REVOKED_COMPROMISE']);
        const trusted = await check('provider', { crls, atTrusted: true });
        expect(trusted.trusted).toBe(true);
        expect(codes(trusted, 'warning')).toEqual(['CHAIN_REVOKED_LATER']);
      },
    );

    it.each([
      ['superseded', 4],
      ['unspecified, no invalidityDate', 0],
      ['affiliationChanged', 3],
    ] as const)('a %s revocation after the check instant stays a warning', async (_what, reason) => {
      const crl = await makeCrl({
        thisUpdate: T('2028-02-01'),
        nextUpdate: T('2029-01-01'),
        entries: [{ serial: 0x1001, date: T('2028-01-01'), reason }],
      });
      const r = await check('provider', { crls: [crl, ...parseCrls(read('root.crl.pem'))] });
      expect(r.trusted).toBe(true);
      expect(codes(r, 'warning')).toEqual(['CHAIN_REVOKED_LATER']);
    });

    it('skips removeFromCRL entries', async () => {
      const crl = await makeCrl({
        thisUpdate: T('2027-06-01'),
        nextUpdate: T('2028-01-01'),
        entries: [{ serial: 0x1001, date: T('2026-01-01'), reason: 8 }],
      });
      const r = await check('provider', { crls: [crl, ...parseCrls(read('root.crl.pem'))] });
      expect(r.trusted).toBe(true);
      expect(r.issues).toEqual([]);
    });

    it('still honours entries of a stale CRL, but does not count it as coverage', async () => {
      const stale = await makeCrl({
        thisUpdate: T('2024-06-01'),
        nextUpdate: T('2024-07-01'),
        entries: [{ serial: 0x1009, date: T('2024-05-01') }],
      });
      const root = parseCrls(read('root.crl.pem'));
      const good = await check('provider', { crls: [stale, ...root] });
      expect(good.trusted).toBe(true);
      expect(codes(good, 'warning')).toEqual(['CHAIN_REVOCATION_UNKNOWN']);
      const revoked = await check('revoked-early', { crls: [stale, ...root] });
      expect(codes(revoked, 'error')).toEqual(['CHAIN_REVOKED']);
    });

    it.each([
      ['a delta CRL', { delta: true }],
      ['a CRL with an unknown critical extension', { unknownCritical: true }],
      ['a CRL signed with another key', { signWith: 'root' as const }],
    ])('ignores %s', async (_what, extra) => {
      const crl = await makeCrl({
        thisUpdate: T('2030-06-01'),
        nextUpdate: T('2031-01-01'),
        entries: [{ serial: 0x1001, date: T('2025-01-01') }],
        ...extra,
      });
      const r = await check('provider', { crls: [crl, ...parseCrls(read('root.crl.pem'))] });
      expect(r.trusted).toBe(true);
      expect(codes(r, 'warning').sort()).toEqual(['CHAIN_CRL_INVALID', 'CHAIN_REVOCATION_UNKNOWN']);
    });

    it('uses the CRL the CA published in 2026 as well', async () => {
      const r2026 = [...parseCrls(read('pec-ca-2026.crl.pem')), ...parseCrls(read('root.crl.pem'))];
      expect(codes(await check('revoked-early', { crls: r2026 }), 'error')).toEqual(['CHAIN_REVOKED']);
      expect((await check('revoked-late', { crls: r2026 })).issues).toEqual([]);
    });
  });

  describe('argument checks', () => {
    it.each([
      ['signer', { signer: 'x' }],
      ['at', { at: new Date('nope') }],
      ['anchors', { anchors: 'x' }],
      ['expectedEmail', { expectedEmail: 42 }],
      ['limits', { limits: { maxChainLenght: 3 } }],
    ])('rejects a bad %s', async (_what, bad) => {
      await expect(check('provider', bad as unknown as Partial<ValidateChainOptions>)).rejects.toSatisfy(
        (e) => isPecError(e, 'INVALID_ARGUMENT'),
      );
    });
  });

  describe('cache', () => {
    it('reuses a verdict for any instant between the same validity boundaries, with its own `at`', async () => {
      clearChainCache();
      const a = await check('provider', { at: T('2026-03-01') });
      const before = chainCacheStats();
      const b = await check('provider', { at: T('2027-03-01') });
      const after = chainCacheStats();
      expect(after.hits).toBe(before.hits + 1);
      expect(b.at).toBe('2027-03-01T00:00:00.000Z');
      expect({ ...b, at: a.at }).toEqual(a);
    });

    it('is exact at a boundary, even within one day', async () => {
      clearChainCache();
      const nb = leaf.expired!.notAfter.getTime();
      const inside = await check('expired', { at: new Date(nb - 3_600_000) });
      const outside = await check('expired', { at: new Date(nb + 3_600_000) });
      expect(inside.trusted).toBe(true);
      expect(outside.trusted).toBe(false);
      expect(chainCacheStats().misses).toBe(2);
    });

    it('stays bounded', async () => {
      clearChainCache();
      for (let i = 0; i < 300; i++) await check('provider', { limits: { maxChainLength: 3 + i } });
      expect(chainCacheStats().size).toBe(256);
    });

    // The verdict cache keys content by a number standing for the inputs' fingerprints: the same
    // certificates as other objects find the verdict, other certificates never do.
    it('finds a verdict by content, not by the objects, and never another content’s', async () => {
      clearChainCache();
      const a = await check('provider');
      const twin = new Certificate(leaf.provider!.der.slice());
      expect(twin).not.toBe(leaf.provider);
      const b = await validateChain({
        signer: twin,
        certificates: [new Certificate(pecCa.der.slice()), twin, new Certificate(subCa.der.slice())],
        anchors: [new Certificate(root.der.slice())],
        crls,
        at: AT,
        crypto,
      });
      expect(chainCacheStats()).toMatchObject({ hits: 1, misses: 1 });
      expect(b).toEqual(a);
      const other = await check('revoked-late');
      expect(chainCacheStats()).toMatchObject({ hits: 1, misses: 2 });
      expect(other.path[0]).not.toBe(a.path[0]);
    });

    it('numbers at most CONTENT_IDS_MAX contents', async () => {
      clearChainCache();
      for (let i = 0; i < CONTENT_IDS_MAX + 8; i++)
        await check('provider', { limits: { maxChainLength: 3 + i } });
      expect(contentIdCount()).toBe(CONTENT_IDS_MAX);
      // A content whose number was forgotten gets a new one: a miss, the same verdict.
      const misses = chainCacheStats().misses;
      const again = await check('provider', { limits: { maxChainLength: 3 } });
      expect(chainCacheStats().misses).toBe(misses + 1);
      expect(again.trusted).toBe(true);
    });
  });
});
