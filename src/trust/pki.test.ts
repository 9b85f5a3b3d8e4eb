// The test PKI (fixtures/pki) judged by OpenSSL, independently of pec-kit, and the generator script
// checked to regenerate an equivalent set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import {
  issuerToString,
  nameToString,
  parseCertificate,
  parseCrl,
  sanEmails,
  serialNumberHex,
  subjectToString,
} from './certificates.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const PKI = join(projectRoot, 'fixtures', 'pki');
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl) console.warn('\n*** OpenSSL checks of the test PKI SKIPPED: openssl not found ***\n');

interface Entry {
  cert: string;
  key: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  keyBits: number;
  sha256: string;
  role: 'root' | 'intermediate' | 'leaf';
  email?: string;
  expect?: { trusted: boolean; issue: string | null; openssl: string | null; opensslAuthLevel2?: string };
}
interface Manifest {
  certificates: Record<string, Entry>;
  crls: Record<
    string,
    {
      file: string;
      issuer: string;
      thisUpdate: string;
      nextUpdate: string;
      revoked: { serial: string; revocationDate: string }[];
    }
  >;
}
const manifest = JSON.parse(readFileSync(join(PKI, 'manifest.json'), 'utf8')) as Manifest;
const leaves = Object.entries(manifest.certificates).filter(([, e]) => e.role === 'leaf');
const f = (name: string, dir = PKI): string => join(dir, name);
const epoch = (iso: string): string => String(Date.parse(iso) / 1000);

function verify(leafFile: string, args: string[], dir = PKI): { ok: boolean; out: string } {
  const r = spawnSync('openssl', [
    'verify',
    '-CAfile',
    f('root.cert.pem', dir),
    '-untrusted',
    f('pec-ca.cert.pem', dir),
    '-untrusted',
    f('sub-ca.cert.pem', dir),
    '-purpose',
    'smimesign',
    ...args,
    f(leafFile, dir),
  ]);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('the manifest describes the files', () => {
  it.each(Object.entries(manifest.certificates))('%s', (_stem, e) => {
    const cert = parseCertificate(readFileSync(f(e.cert)));
    expect(subjectToString(cert)).toBe(e.subject);
    expect(issuerToString(cert)).toBe(e.issuer);
    expect(serialNumberHex(cert)).toBe(e.serial);
    expect(cert.notBefore.toISOString()).toBe(e.notBefore);
    expect(cert.notAfter.toISOString()).toBe(e.notAfter);
    if (e.email) expect(sanEmails(cert)).toEqual([e.email]);
    expect(readFileSync(f(e.key), 'latin1')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it.each(Object.entries(manifest.crls))('CRL %s', (_stem, e) => {
    const crl = parseCrl(readFileSync(f(e.file)));
    expect(nameToString(crl.issuer)).toBe(e.issuer);
    expect(crl.thisUpdate.toISOString()).toBe(e.thisUpdate);
    expect(crl.nextUpdate?.toISOString()).toBe(e.nextUpdate);
    expect(
      crl.revoked.map((r) => ({
        serial: toHex(r.serialNumber).replace(/^0+/, ''),
        revocationDate: r.revocationDate.toISOString(),
      })),
    ).toEqual(e.revoked);
  });

  it('uses the fixed dates of the brief', () => {
    const c = manifest.certificates;
    for (const stem of ['root', 'other-root', 'pec-ca', 'sub-ca']) {
      expect([c[stem]!.notBefore, c[stem]!.notAfter]).toEqual([
        '2020-01-01T00:00:00.000Z',
        '2045-01-01T00:00:00.000Z',
      ]);
    }
    expect([c.provider!.notBefore, c.provider!.notAfter]).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2040-01-01T00:00:00.000Z',
    ]);
    expect([c.expired!.notBefore, c.expired!.notAfter]).toEqual([
      '2020-06-01T00:00:00.000Z',
      '2021-06-01T00:00:00.000Z',
    ]);
    expect(manifest.crls['pec-ca']!.revoked).toEqual([
      { serial: c['revoked-early']!.serial, revocationDate: '2025-01-01T00:00:00.000Z' },
      { serial: c['revoked-late']!.serial, revocationDate: '2030-01-01T00:00:00.000Z' },
    ]);
  });
});

describe.skipIf(!hasOpenssl)(
  'OpenSSL accepts the good leaves and rejects each bad one for the right reason',
  () => {
    const at2027 = ['-attime', epoch('2027-01-01T00:00:00Z')];

    it.each(leaves.filter(([stem]) => !stem.startsWith('revoked')))('%s', (_stem, e) => {
      const r = verify(e.cert, at2027);
      if (e.expect!.openssl === null) {
        expect(r.out).toContain(`${e.cert}: OK`);
        expect(r.ok).toBe(true);
      } else {
        expect(r.ok).toBe(false);
        expect(r.out).toContain(e.expect!.openssl);
      }
    });

    it('accepts the expired leaf at a time inside its window', () => {
      expect(verify('expired.cert.pem', ['-attime', epoch('2021-01-01T00:00:00Z')]).ok).toBe(true);
    });

    it('rejects the weak key at auth_level 2', () => {
      const r = verify('weak-key.cert.pem', [...at2027, '-auth_level', '2']);
      expect(r.ok).toBe(false);
      expect(r.out).toContain(manifest.certificates['weak-key']!.expect!.opensslAuthLevel2);
    });

    it('accepts the PEC CA as a (partial-chain) anchor', () => {
      const r = spawnSync('openssl', [
        'verify',
        '-CAfile',
        f('pec-ca.cert.pem'),
        '-partial_chain',
        '-purpose',
        'smimesign',
        ...at2027,
        f('provider.cert.pem'),
      ]);
      expect(r.status).toBe(0);
    });

    it('reports revocation with -crl_check: both revoked by the 2030 CRL, only the early one by the 2026 CRL', () => {
      const crl2030 = ['-CRLfile', f('pec-ca.crl.pem'), '-CRLfile', f('root.crl.pem'), '-crl_check_all'];
      const at2031 = ['-attime', epoch('2031-01-01T00:00:00Z')];
      expect(verify('provider.cert.pem', [...crl2030, ...at2031]).ok).toBe(true);
      for (const stem of ['revoked-early', 'revoked-late']) {
        const r = verify(`${stem}.cert.pem`, [...crl2030, ...at2031]);
        expect(r.ok).toBe(false);
        expect(r.out).toContain('certificate revoked');
      }
      const crl2026 = ['-CRLfile', f('pec-ca-2026.crl.pem'), '-CRLfile', f('root.crl.pem'), '-crl_check_all'];
      expect(verify('revoked-early.cert.pem', [...crl2026, ...at2027]).out).toContain('certificate revoked');
      expect(verify('revoked-late.cert.pem', [...crl2026, ...at2027]).ok).toBe(true);
    });
  },
);

describe('scripts/make-test-pki.mjs', () => {
  const out = mkdtempSync(join(tmpdir(), 'pec-kit-pki-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('regenerates an equivalent set (same manifest apart from keys and fingerprints)', () => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'make-test-pki.mjs'), out]);
    expect(r.status, String(r.stderr)).toBe(0);
    const strip = (m: Manifest): unknown =>
      JSON.parse(JSON.stringify(m, (k, v) => (k === 'sha256' ? undefined : v)));
    const fresh = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(strip(fresh)).toEqual(strip(manifest));
    if (hasOpenssl)
      expect(verify('provider.cert.pem', ['-attime', epoch('2027-01-01T00:00:00Z')], out).ok).toBe(true);
  });
});
