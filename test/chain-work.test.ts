// The work a hostile certificate bag can cause is bounded, and counted here (never timed): many CA
// certificates of one name, RSA keys with huge public exponents, chains that all verify each other,
// the same message forwarded several times in one mail. Each case reports a coded issue and makes
// the message not valid, after a bounded number of WebCrypto signature checks.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { concat, encodeUtf8 } from '../src/bytes.js';
import { importSigner } from '../src/cms/signer.js';
import { bitString, integer, nullValue, oid, seq } from '../src/der/write.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { buildReceipt } from '../src/provider/build.js';
import { clearChainCache } from '../src/trust/chain.js';
import { type VerificationReport, verifyPec } from '../src/verify/verify.js';
import type { PublicKeyInfo } from '../src/x509/algorithm.js';
import { MAX_RSA_EXPONENT, rsaKeyProblem } from '../src/x509/signature.js';
import { pki, ROOT, transaction } from './helpers/build.js';
import { countingCrypto, makeCertificate, makeName, oversizedRsaSpki, rsaKey } from './helpers/made-pki.js';

const AT = new Date('2025-03-10T10:00:00Z');
const codes = (r: VerificationReport): string[] => r.issues.map((i) => i.code);

/** An acceptance receipt signed by a leaf whose issuer name is `X`, with `cas` in the CMS bag. */
async function receipt(cas: readonly string[], leafPem: string, leafKeyPem: string): Promise<Uint8Array> {
  const signer = await importSigner({ certificate: leafPem, privateKey: leafKeyPem, chain: [...cas] });
  const built = await buildReceipt({
    kind: 'accettazione',
    transaction: transaction({ at: AT }),
    provider: { domain: 'pec.example.it', name: 'Hostile PEC S.p.A.', signer },
    at: AT,
  });
  return built.bytes;
}

/** A plain mail forwarding `messages` as message/rfc822 attachments. */
function forward(messages: readonly Uint8Array[]): Uint8Array {
  const head = [
    'From: someone@example.com',
    'To: other@example.com',
    'Subject: three receipts',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="fwd"',
    '',
    '--fwd',
    'Content-Type: text/plain',
    '',
    'see attached',
  ].join('\r\n');
  const parts: Uint8Array[] = [encodeUtf8(head)];
  for (const m of messages) {
    parts.push(encodeUtf8('\r\n--fwd\r\nContent-Type: message/rfc822\r\n\r\n'), m);
  }
  parts.push(encodeUtf8('\r\n--fwd--\r\n'));
  return concat(parts);
}

const X = makeName([
  ['C', 'IT'],
  ['O', 'Hostile'],
  ['CN', 'One Name For Every CA'],
]);

describe('bounded chain work (limits.maxIssuerCandidates, maxSignatureChecks, maxRsaModulusBits)', () => {
  const caKey = rsaKey(2048);
  const leafKey = rsaKey(2048);
  const leaf = makeCertificate({
    serial: 1000,
    subject: makeName([
      ['C', 'IT'],
      ['O', 'Hostile PEC S.p.A.'],
      ['CN', 'Posta Certificata Hostile'],
    ]),
    issuer: X,
    spki: leafKey.spki,
    signWith: caKey.key,
  });
  // The attack of the review: 31 CAs of one name with RSA-3072 keys and 3072-bit exponents.
  const hugeExponentCas = Array.from(
    { length: 31 },
    (_, i) =>
      makeCertificate({ serial: 1 + i, subject: X, issuer: X, spki: oversizedRsaSpki(3072, 3072), ca: true })
        .pem,
  );
  // Eight CAs of one name and one key: every one verifies every other, the path search fans out.
  const meshCas = Array.from(
    { length: 8 },
    (_, i) =>
      makeCertificate({
        serial: 100 + i,
        subject: X,
        issuer: X,
        spki: caKey.spki,
        signWith: caKey.key,
        ca: true,
      }).pem,
  );
  let hugeMessage: Uint8Array;
  let meshMessage: Uint8Array;

  beforeAll(async () => {
    hugeMessage = await receipt(hugeExponentCas, leaf.pem, leafKey.keyPem);
    meshMessage = await receipt(meshCas, leaf.pem, leafKey.keyPem);
  });
  beforeEach(() => clearChainCache());

  it('31 same-name CAs with 3072-bit exponents: CHAIN_WORK_LIMIT, no chain signature checked', async () => {
    const { crypto, verifies } = countingCrypto();
    const r = await verifyPec(hugeMessage, { trust: [ROOT], crypto });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('CHAIN_WORK_LIMIT');
    expect(verifies()).toBe(1); // the CMS signature only
  });

  it('the same CAs allowed as candidates: each huge key refused before WebCrypto (CHAIN_KEY_UNSAFE)', async () => {
    const { crypto, verifies } = countingCrypto();
    const r = await verifyPec(hugeMessage, { trust: [ROOT], crypto, limits: { maxIssuerCandidates: 32 } });
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('CHAIN_KEY_UNSAFE');
    expect(codes(r)).not.toContain('CHAIN_WORK_LIMIT');
    expect(verifies()).toBe(1);
  });

  it('a mesh of CAs that all verify each other: CHAIN_WORK_LIMIT after maxSignatureChecks checks', async () => {
    const { crypto, verifies } = countingCrypto();
    const r = await verifyPec(meshMessage, { trust: [ROOT], crypto });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(codes(r)).toContain('CHAIN_WORK_LIMIT');
    expect(verifies()).toBeLessThanOrEqual(DEFAULT_LIMITS.maxSignatureChecks + 1);
    // A lower bound is honoured too, and the verdict is the same whatever was memoised before.
    const { crypto: c2, verifies: v2 } = countingCrypto();
    const low = await verifyPec(meshMessage, {
      trust: [ROOT],
      crypto: c2,
      limits: { maxSignatureChecks: 4 },
    });
    expect(codes(low)).toContain('CHAIN_WORK_LIMIT');
    expect(v2()).toBeLessThanOrEqual(4 + 1);
  });

  it('three such messages forwarded in one mail: each nested verdict bounded, the work shared', async () => {
    const { crypto, verifies } = countingCrypto();
    const r = await verifyPec(forward([meshMessage, hugeMessage, meshMessage]), { trust: [ROOT], crypto });
    expect(r.nested).toHaveLength(3);
    for (const n of r.nested) {
      expect(n.valid).toBe(false);
      expect(codes(n)).toContain('CHAIN_WORK_LIMIT');
    }
    // One mesh validation, then memoised: at most one budget of checks plus the three CMS signatures.
    expect(verifies()).toBeLessThanOrEqual(DEFAULT_LIMITS.maxSignatureChecks + 3);
  });

  it('a genuine provider chain stays far below the bounds', async () => {
    const signer = await importSigner({
      certificate: pki('provider.cert.pem'),
      privateKey: pki('provider.key.pem'),
      chain: [pki('pec-ca.cert.pem')],
    });
    const built = await buildReceipt({
      kind: 'accettazione',
      transaction: transaction({ at: AT }),
      provider: { domain: 'pec.example.it', name: 'Example PEC S.p.A.', signer },
      at: AT,
    });
    const { crypto, verifies } = countingCrypto();
    const r = await verifyPec(built.bytes, { trust: [ROOT], crypto, limits: { maxSignatureChecks: 3 } });
    expect(r.valid).toBe(true);
    expect(verifies()).toBeLessThanOrEqual(3);
  });
});

describe('RSA key guard before any WebCrypto call (x509/signature.ts)', () => {
  const key = (modulus: Uint8Array, exponent: Uint8Array): PublicKeyInfo => {
    const rsaPublicKey = seq(integer(modulus), integer(exponent));
    const algorithm = { oid: '1.2.840.113549.1.1.1', parameters: nullValue() };
    return {
      algorithm,
      der: seq(seq(oid(algorithm.oid), nullValue()), bitString(rsaPublicKey)),
      key: rsaPublicKey,
    };
  };
  const modulus = (bits: number): Uint8Array => {
    const b = new Uint8Array(bits / 8).fill(0xab);
    b[0] = 0xc1;
    return b;
  };
  const big = (n: number): Uint8Array => {
    const out: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
    return Uint8Array.from(out);
  };

  it('accepts the usual exponents and 2^32+1, refuses larger, even or tiny ones', () => {
    expect(rsaKeyProblem(key(modulus(2048), big(65537)))).toBeNull();
    expect(rsaKeyProblem(key(modulus(2048), big(3)))).toBeNull();
    expect(rsaKeyProblem(key(modulus(2048), big(MAX_RSA_EXPONENT)))).toBeNull();
    expect(rsaKeyProblem(key(modulus(2048), big(MAX_RSA_EXPONENT + 2)))).toMatch(/exponent/);
    expect(rsaKeyProblem(key(modulus(2048), new Uint8Array(384).fill(0xff)))).toMatch(
      /exponent \(3072 bits\)/,
    );
    expect(rsaKeyProblem(key(modulus(2048), big(65536)))).toMatch(/exponent/);
    expect(rsaKeyProblem(key(modulus(2048), big(1)))).toMatch(/exponent/);
  });

  it('bounds the modulus: 16384 bits always, less when asked', () => {
    expect(rsaKeyProblem(key(modulus(16384), big(65537)))).toBeNull();
    expect(rsaKeyProblem(key(modulus(16392), big(65537)))).toMatch(/16392 bits/);
    expect(rsaKeyProblem(key(modulus(8200), big(65537)), 8192)).toMatch(/8200 bits/);
  });
});
