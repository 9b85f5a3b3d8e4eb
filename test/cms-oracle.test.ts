// What signDetached writes, read by an independent CMS implementation: pkijs (a devDependency, not
// used by the library) verifies every signature scheme pec-kit signs with, and agrees with
// pec-kit's own reader on the fields it reports. OpenSSL does the same in openssl-interop.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import { importSigner, type Signer, signDetached, verifyDetached } from '../src/index.js';

const PKI = join(import.meta.dirname, '../fixtures/pki');
const pki = (f: string) => readFileSync(join(PKI, f), 'latin1');
const dir = mkdtempSync(join(tmpdir(), 'pec-kit-cms-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ecdsaSigner(curve: string): Promise<Signer> {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'latin1' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', `${curve}.key`]);
  run([
    'req',
    '-x509',
    '-new',
    '-key',
    `${curve}.key`,
    '-subj',
    `/CN=pec-kit ${curve}`,
    '-days',
    '30',
    '-addext',
    `subjectAltName=email:posta-certificata@${curve.toLowerCase()}.example.it`,
    '-out',
    `${curve}.pem`,
  ]);
  return importSigner({
    certificate: readFileSync(join(dir, `${curve}.pem`), 'latin1'),
    privateKey: readFileSync(join(dir, `${curve}.key`), 'latin1'),
  });
}

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPosta certificata: prova.\r\n');
const engine = new pkijs.CryptoEngine({ name: 'oracle', crypto: globalThis.crypto });

describe('signDetached output, verified by pkijs', () => {
  const cases: [string, () => Promise<Signer>, 'sha1' | 'sha256' | 'sha384' | 'sha512'][] = [
    [
      'RSA PKCS#1 v1.5, SHA-256',
      () =>
        importSigner({
          certificate: pki('provider.cert.pem'),
          privateKey: pki('provider.key.pem'),
          chain: pki('pec-ca.cert.pem'),
        }),
      'sha256',
    ],
    [
      'RSA PKCS#1 v1.5, SHA-1',
      () => importSigner({ certificate: pki('provider.cert.pem'), privateKey: pki('provider.key.pem') }),
      'sha1',
    ],
    [
      'RSA-PSS, SHA-512',
      () =>
        importSigner({
          certificate: pki('provider.cert.pem'),
          privateKey: pki('provider.key.pem'),
          rsaPadding: 'pss',
        }),
      'sha512',
    ],
    ['ECDSA P-256, SHA-256', () => ecdsaSigner('P-256'), 'sha256'],
    ['ECDSA P-384, SHA-384', () => ecdsaSigner('P-384'), 'sha384'],
  ];
  it.each(cases)('%s', async (_name, makeSigner, digest) => {
    const signer = await makeSigner();
    const signingTime = new Date('2025-03-14T10:30:05Z');
    const der = await signDetached(content, signer, { digest, signingTime });

    const info = pkijs.ContentInfo.fromBER(der.slice().buffer);
    const sd = new pkijs.SignedData({ schema: info.content });
    const theirs = await sd.verify({ signer: 0, data: content.slice().buffer, checkChain: false }, engine);
    expect(theirs).toBe(true);
    // A changed byte fails in pkijs too.
    const changed = content.slice();
    changed[changed.length - 3]! ^= 1;
    await expect(
      sd.verify({ signer: 0, data: changed.buffer, checkChain: false }, engine),
    ).rejects.toBeDefined();

    // pec-kit's reader reports what pkijs reads.
    const ours = await verifyDetached(content, der);
    expect(ours.intact).toBe(true);
    expect(ours.signatureAlgorithmOid).toBe(sd.signerInfos[0]!.signatureAlgorithm.algorithmId);
    expect(ours.digestAlgorithmOid).toBe(sd.signerInfos[0]!.digestAlgorithm.algorithmId);
    expect(ours.signedAttributes).toEqual(sd.signerInfos[0]!.signedAttrs!.attributes.map((a) => a.type));
    expect(ours.signingTime?.toISOString()).toBe(signingTime.toISOString());
    expect(ours.certificates.map((c) => Buffer.from(c.der).toString('hex'))).toEqual(
      (sd.certificates ?? []).map((c) =>
        Buffer.from((c as pkijs.Certificate).toSchema().toBER(false)).toString('hex'),
      ),
    );
    // DER throughout: pkijs re-encodes the ContentInfo to the same bytes.
    expect(Buffer.from(info.toSchema().toBER(false)).equals(Buffer.from(der))).toBe(true);
  });
});
