// Real provider chains (../shared/corpus, or $PEC_CORPUS): every message whose chain EXPECTED.json
// says is valid at signing time must be trusted then against the embedded default anchors, and not
// now (the provider certificates have expired). The certificates are extracted with OpenSSL here,
// independently of pec-kit's CMS parser.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ourView, pkijsView } from '../../test/helpers/pkijs-oracle.js';
import { toHex } from '../bytes.js';
import type { Certificate } from '../x509/certificate.js';
import { AGID_CA1_PEM, loadTrustAnchors } from './anchors.js';
import {
  fingerprint,
  issuerToString,
  parseCertificates,
  serialNumberHex,
  subjectToString,
  toDer,
} from './certificates.js';
import { validateChain } from './chain.js';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const corpus = process.env.PEC_CORPUS ?? join(projectRoot, '..', 'shared', 'corpus');
const hasCorpus = existsSync(join(corpus, 'EXPECTED.json'));
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasCorpus || !hasOpenssl) {
  console.warn(
    `\n*** trust corpus suite SKIPPED: ${!hasCorpus ? `no corpus at ${corpus} (set PEC_CORPUS)` : 'openssl not found'} ***\n`,
  );
}

interface Expected {
  file: string;
  chainValidAtSigningTime: boolean | null;
  signerSerial: string;
  signingTime: string;
  signerSubject: string;
  signerIssuer: string;
  signerEmail: string;
  signerCertSha1: string;
}

interface Sample {
  e: Expected;
  certs: Certificate[];
  signer: Certificate;
}

/** `openssl smime -pk7out -in file | openssl pkcs7 -print_certs` */
function opensslCerts(file: string): string {
  const p7 = spawnSync('openssl', ['smime', '-pk7out', '-in', file], { maxBuffer: 64 << 20 });
  if (p7.status !== 0) throw new Error(`openssl smime -pk7out ${file}: ${p7.stderr}`);
  const certs = spawnSync('openssl', ['pkcs7', '-print_certs'], { input: p7.stdout });
  if (certs.status !== 0) throw new Error(`openssl pkcs7 -print_certs ${file}: ${certs.stderr}`);
  return certs.stdout.toString('latin1');
}

const ENGINES: [string, Crypto][] = [
  ['native WebCrypto', globalThis.crypto],
  ['@peculiar/webcrypto', new PeculiarCrypto() as unknown as Crypto],
];

describe.skipIf(!hasCorpus || !hasOpenssl)('real PEC chains (corpus)', () => {
  const expected: Expected[] = hasCorpus
    ? (JSON.parse(readFileSync(join(corpus, 'EXPECTED.json'), 'utf8')) as Expected[]).filter(
        (e) => e.chainValidAtSigningTime === true,
      )
    : [];
  const samples = new Map<string, Sample>();

  beforeAll(() => {
    for (const e of expected) {
      const certs = parseCertificates(opensslCerts(join(corpus, e.file)));
      const signer = certs.find((c) => serialNumberHex(c) === e.signerSerial.toLowerCase());
      if (!signer) throw new Error(`${e.file}: no certificate with serial ${e.signerSerial}`);
      samples.set(e.file, { e, certs, signer });
    }
  });

  it('has chains to check', () => {
    expect(expected.length).toBeGreaterThanOrEqual(20);
  });

  it.each(expected.map((e) => [e.file, e] as const))(
    'names and fingerprints of %s match EXPECTED.json',
    async (file, e) => {
      const { signer } = samples.get(file)!;
      expect(subjectToString(signer)).toBe(e.signerSubject);
      expect(issuerToString(signer)).toBe(e.signerIssuer);
      expect(await fingerprint(signer, 'SHA-1')).toBe(e.signerCertSha1);
    },
  );

  it('decodes every certificate the messages carry as pkijs does (names, serial, validity, SAN, constraints)', () => {
    const seen = new Map<string, Certificate>();
    for (const { certs } of samples.values()) for (const c of certs) seen.set(toHex(toDer(c)), c);
    expect(seen.size).toBeGreaterThanOrEqual(5);
    for (const c of seen.values()) expect(ourView(c), subjectToString(c)).toEqual(pkijsView(toDer(c)));
  });

  describe.each(ENGINES)('with %s', (_name, crypto) => {
    it.each(expected.map((e) => [e.file, e] as const))(
      '%s: trusted at signing time, not now',
      async (file, e) => {
        const { certs, signer } = samples.get(file)!;
        const anchors = loadTrustAnchors();
        const then = await validateChain({
          signer,
          certificates: certs,
          anchors,
          at: new Date(e.signingTime),
          expectedEmail: e.signerEmail,
          crypto,
        });
        expect(then.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(then.trusted).toBe(true);
        expect(then.path).toEqual([e.signerSubject, e.signerIssuer]);
        expect(then.anchor).toBe(e.signerIssuer);
        expect(then.validNow).toBe(false);

        const now = await validateChain({ signer, certificates: certs, anchors, at: new Date(), crypto });
        expect(now.trusted).toBe(false);
        expect(now.issues.map((i) => i.code)).toContain('CHAIN_EXPIRED');
      },
    );

    it('bounds the check instant by the anchor: the 2021 AgID CA1 alone does not cover 2018 signatures', async () => {
      const { certs, signer, e } = samples.get('OCA__l10n-italy/ACCETTAZIONE_ IT03339130126_00009.xml.txt')!;
      // The message carries the 2018 AgID CA1 (untrusted here, a dead end: its root is absent); the
      // only anchor is the 2021 issuance with the same name and key.
      const r = await validateChain({
        signer,
        certificates: certs,
        anchors: loadTrustAnchors([AGID_CA1_PEM]),
        at: new Date(e.signingTime),
        crypto,
      });
      expect(r.trusted).toBe(false);
      expect(r.issues.filter((i) => i.severity === 'error').map((i) => i.code)).toEqual([
        'CHAIN_ANCHOR_NOT_VALID_AT',
      ]);
      expect(r.anchor).toBe(e.signerIssuer);
    });

    it('does not trust the CA a message carries when the anchor list lacks it', async () => {
      const { certs, signer, e } = samples.get('seedoo__seedoo-core/accettazione.eml')!;
      const digitpaOnly = loadTrustAnchors().filter((a) => subjectToString(a).startsWith('CN=DigitPA'));
      const r = await validateChain({
        signer,
        certificates: certs,
        anchors: digitpaOnly,
        at: new Date(e.signingTime),
        crypto,
      });
      expect(r.trusted).toBe(false);
      expect(r.issues.map((i) => i.code)).toEqual(['CHAIN_UNTRUSTED']);
    });

    it('flags the SHA-1, RSA-1024 DigitPA-era provider certificate with warnings only', async () => {
      const { certs, signer, e } = samples.get('OCA__l10n-italy/message1')!;
      const r = await validateChain({
        signer,
        certificates: certs,
        anchors: loadTrustAnchors(),
        at: new Date(e.signingTime),
        crypto,
      });
      expect(r.trusted).toBe(true);
      expect(new Set(r.issues.filter((i) => i.severity === 'warning').map((i) => i.code))).toEqual(
        new Set(['CHAIN_WEAK_KEY', 'CHAIN_WEAK_SIGNATURE', 'CHAIN_LEAF_PROFILE']),
      );
    });
  });
});
