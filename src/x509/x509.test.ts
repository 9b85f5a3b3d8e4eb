// pec-kit's own X.509 decoding, checked against two independent readers: pkijs (a devDependency,
// used here only as an oracle) on every real provider certificate of the corpus and the fixture
// PKI, and OpenSSL, which makes certificates with every signature scheme the verifier supports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from '../../test/helpers/corpus.js';
import { ourView, pkijsView } from '../../test/helpers/pkijs-oracle.js';
import { verifyDetached } from '../cms/verify.js';
import { isPecError } from '../errors.js';
import { parsePec } from '../reading/parse.js';
import { DEFAULT_TRUST_ANCHORS } from '../trust/anchors.js';
import { parseCertificate, parseCertificates, parseCrl, serialNumberHex } from '../trust/certificates.js';
import type { Certificate } from './certificate.js';
import { verifySignature } from './signature.js';

const PKI = join(import.meta.dirname, '../../fixtures/pki');
const pkiFile = (f: string) => readFileSync(join(PKI, f), 'latin1');
const toHex = (b: ArrayBuffer | Uint8Array) =>
  Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');
const ab = (b: Uint8Array) => b.slice().buffer;

/** Every certificate the corpus signatures carry, de-duplicated by DER. */
async function corpusCertificates(): Promise<Certificate[]> {
  const byHex = new Map<string, Certificate>();
  for (const e of EXPECTED) {
    const sig = parsePec(corpusBytes(e.file)).signature;
    if (!sig?.der) continue;
    try {
      const r = await verifyDetached(sig.signed, sig.der);
      for (const c of r.certificates) byHex.set(toHex(c.der), c);
    } catch {
      // the two placeholders of the corpus: no CMS to read
    }
  }
  return [...byHex.values()];
}

describe('certificates: pec-kit agrees with pkijs', () => {
  it('on the embedded trust anchors and every fixture PKI certificate', () => {
    const files = readdirSync(PKI).filter((f) => f.endsWith('.cert.pem'));
    const certs = [
      ...DEFAULT_TRUST_ANCHORS.flatMap((pem) => parseCertificates(pem)),
      ...files.map((f) => parseCertificate(pkiFile(f))),
    ];
    expect(certs.length).toBeGreaterThan(15);
    for (const c of certs) expect(ourView(c), c.subject.toString()).toEqual(pkijsView(c.der));
    // The anchors' name constraints are the long provider lists, read in full.
    const agid = parseCertificates(DEFAULT_TRUST_ANCHORS[0]!)[0]!;
    expect(agid.nameConstraints?.permitted.length).toBeGreaterThan(50);
  });

  it.skipIf(!HAVE_CORPUS)('on every certificate the real provider signatures carry', async () => {
    const certs = await corpusCertificates();
    expect(certs.length).toBeGreaterThanOrEqual(9); // 9 distinct provider and CA certificates
    for (const c of certs) expect(ourView(c), c.subject.toString()).toEqual(pkijsView(c.der));
  });

  it.skipIf(!HAVE_CORPUS)('checks every issuer signature of the corpus chains with WebCrypto', async () => {
    const certs = await corpusCertificates();
    let checked = 0;
    for (const c of certs) {
      const issuer = certs.find((i) => i !== c && i.subject.equals(c.issuer));
      if (!issuer) continue;
      const ok = await verifySignature(
        globalThis.crypto,
        issuer.publicKey,
        c.signatureAlgorithm,
        c.signatureValue,
        c.tbs,
      );
      // pkijs says the same.
      const theirs = await pkijs.Certificate.fromBER(ab(c.der)).verify(
        pkijs.Certificate.fromBER(ab(issuer.der)),
      );
      expect(ok, c.subject.toString()).toBe(theirs);
      if (ok) checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});

describe('CRLs: pec-kit agrees with pkijs', () => {
  it.each(['pec-ca.crl.pem', 'pec-ca-2026.crl.pem', 'root.crl.pem'])('%s', (file) => {
    const crl = parseCrl(pkiFile(file));
    const theirs = pkijs.CertificateRevocationList.fromBER(ab(crl.der));
    expect(toHex(crl.issuer.der)).toBe(toHex(theirs.issuer.toSchema().toBER(false)));
    expect(crl.thisUpdate.toISOString()).toBe(theirs.thisUpdate.value.toISOString());
    expect(crl.nextUpdate?.toISOString()).toBe(theirs.nextUpdate?.value.toISOString());
    expect(toHex(crl.tbs)).toBe(toHex(theirs.tbsView));
    expect(crl.revoked.map((r) => [toHex(r.serialNumber), r.revocationDate.toISOString()])).toEqual(
      (theirs.revokedCertificates ?? []).map((r) => [
        toHex(r.userCertificate.valueBlock.valueHexView),
        r.revocationDate.value.toISOString(),
      ]),
    );
    expect(crl.extensions.map((e) => e.oid)).toEqual(
      (theirs.crlExtensions?.extensions ?? []).map((e) => e.extnID),
    );
  });
});

describe('certificate signatures made by OpenSSL, every scheme', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pec-kit-x509-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const openssl = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'latin1' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const selfSigned = (name: string, keyArgs: string[], sigArgs: string[] = []): Certificate => {
    openssl(['genpkey', ...keyArgs, '-out', `${name}.key`]);
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/C=IT/O=pec-kit/CN=${name}`,
        '-days',
        '30',
      ].concat(sigArgs, ['-out', `${name}.pem`]),
    );
    return parseCertificate(readFileSync(join(dir, `${name}.pem`), 'latin1'));
  };
  const check = (c: Certificate, tbs: Uint8Array = c.tbs) =>
    verifySignature(globalThis.crypto, c.publicKey, c.signatureAlgorithm, c.signatureValue, tbs);

  it.each([
    ['RSA PKCS#1 v1.5, SHA-256', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha256']],
    ['RSA PKCS#1 v1.5, SHA-1', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha1']],
    [
      'RSA-PSS, SHA-384, salt 48',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ['-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48'],
    ],
    ['ECDSA P-256, SHA-256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-sha256']],
    ['ECDSA P-384, SHA-384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384']],
    ['ECDSA P-521, SHA-512', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], ['-sha512']],
  ])('%s: verifies, and refuses a changed byte', async (name, keyArgs, sigArgs) => {
    const cert = selfSigned(name.replace(/\W+/g, '-'), keyArgs, sigArgs);
    expect(serialNumberHex(cert)).toBe(
      openssl(['x509', '-in', `${name.replace(/\W+/g, '-')}.pem`, '-noout', '-serial'])
        .trim()
        .replace(/^serial=0*/, '')
        .toLowerCase() || '0',
    );
    expect(await check(cert)).toBe(true);
    const changed = cert.tbs.slice();
    changed[changed.length - 1]! ^= 1;
    expect(await check(cert, changed)).toBe(false);
  });

  it('reports an algorithm WebCrypto cannot check (Ed25519) as CMS_UNSUPPORTED', async () => {
    const cert = selfSigned('ed25519', ['-algorithm', 'ED25519']);
    const err = await check(cert).catch((e: unknown) => e);
    expect(isPecError(err) && err.code).toBe('CMS_UNSUPPORTED');
  });
});

describe('malformed certificates', () => {
  const good = parseCertificate(pkiFile('provider.cert.pem')).der;
  it.each([
    ['truncated', good.subarray(0, good.length - 10)],
    ['trailing bytes', new Uint8Array([...good, 0])],
    ['a SEQUENCE of nothing', new Uint8Array([0x30, 0x00])],
    ['an extension value that is not its type', corruptFirstExtension(good)],
  ])('%s: CERT_MALFORMED', (_what, der) => {
    let err: unknown;
    try {
      parseCertificate(der);
    } catch (e) {
      err = e;
    }
    expect(isPecError(err) && err.code).toBe('CERT_MALFORMED');
  });
});

/** The provider certificate with its keyUsage BIT STRING retagged as an OCTET STRING. */
function corruptFirstExtension(der: Uint8Array): Uint8Array {
  const out = der.slice();
  // 06 03 55 1d 0f (keyUsage) 01 01 ff (critical) 04 04 [03 02 07 80]
  const at = Buffer.from(out).indexOf(Buffer.from('0603551d0f0101ff0404', 'hex'));
  expect(at).toBeGreaterThan(0);
  out[at + 10] = 0x04;
  return out;
}
