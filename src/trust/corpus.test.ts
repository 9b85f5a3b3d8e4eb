// Real provider chains (../shared/corpus, or $PEC_CORPUS): every message whose chain EXPECTED.json
// says is valid at signing time must be trusted then against the embedded default anchors, and not
// now (the provider certificates have expired). The certificates are extracted with OpenSSL here,
// independently of pec-kit's CMS parser.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Bytes, toHex } from '../bytes.js';
import type { Certificate } from '../x509/certificate.js';
import type { GeneralName } from '../x509/extensions.js';
import type { Name } from '../x509/name.js';
import { AGID_CA1_PEM, loadTrustAnchors } from './anchors.js';
import {
  EXT,
  fingerprint,
  issuerToString,
  parseCertificates,
  sanEmails,
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

// pkijs as an independent decoder of the same DER: what pec-kit reads must be what pkijs reads.
const GENERAL_NAME_TYPES = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
];
const pkijsAttributes = (n: pkijs.RelativeDistinguishedNames): [string, string | null][] =>
  n.typesAndValues.map((tv) => {
    const v: unknown = tv.value.valueBlock.value;
    return [tv.type, typeof v === 'string' ? v : null];
  });
const ourAttributes = (n: Name): [string, string | null][] => n.rdns.flat().map((a) => [a.type, a.value]);
const pkijsSubtrees = (subtrees: pkijs.GeneralSubtree[] | undefined): [string, unknown][] =>
  (subtrees ?? []).map(({ base }) => [
    GENERAL_NAME_TYPES[base.type] ?? String(base.type),
    base.type === 4
      ? pkijsAttributes(base.value)
      : base.type === 7
        ? toHex((base.value as asn1js.OctetString).valueBlock.valueHexView)
        : base.value,
  ]);
const ourSubtrees = (names: readonly GeneralName[]): [string, unknown][] =>
  names.map((n) => [
    n.type,
    n.type === 'directoryName' ? ourAttributes(n.value) : n.type === 'iPAddress' ? toHex(n.value) : n.value,
  ]);

function pkijsView(der: Bytes) {
  const c = pkijs.Certificate.fromBER(der);
  const parsed = (oid: string) => c.extensions?.find((e) => e.extnID === oid)?.parsedValue;
  const bc = parsed(EXT.basicConstraints) as pkijs.BasicConstraints | undefined;
  const nc = parsed(EXT.nameConstraints) as pkijs.NameConstraints | undefined;
  const san = parsed(EXT.subjectAltName) as pkijs.AltName | undefined;
  return {
    subject: pkijsAttributes(c.subject),
    issuer: pkijsAttributes(c.issuer),
    serial: toHex(c.serialNumber.valueBlock.valueHexView),
    notBefore: c.notBefore.value.toISOString(),
    notAfter: c.notAfter.value.toISOString(),
    sanEmails: (san?.altNames ?? []).filter((n) => n.type === 1).map((n) => n.value as string),
    basicConstraints: bc
      ? { cA: bc.cA, pathLen: typeof bc.pathLenConstraint === 'number' ? bc.pathLenConstraint : undefined }
      : null,
    nameConstraints: nc
      ? { permitted: pkijsSubtrees(nc.permittedSubtrees), excluded: pkijsSubtrees(nc.excludedSubtrees) }
      : null,
  };
}

function ourView(cert: Certificate): ReturnType<typeof pkijsView> {
  const bc = cert.basicConstraints;
  const nc = cert.nameConstraints;
  return {
    subject: ourAttributes(cert.subject),
    issuer: ourAttributes(cert.issuer),
    serial: toHex(cert.serialNumber),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sanEmails: sanEmails(cert),
    basicConstraints: bc ? { cA: bc.cA, pathLen: bc.pathLen } : null,
    nameConstraints: nc ? { permitted: ourSubtrees(nc.permitted), excluded: ourSubtrees(nc.excluded) } : null,
  };
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
