// Issue 14: in Node, without a caller's `crypto`, digests and signature checks run in node:crypto
// on the calling thread (src/crypto.ts). Every answer must be the one WebCrypto gives: the same
// verdict for every signature scheme and every malformed value, the same digests, the same report
// for every corpus message and every tampered one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bytes } from '../src/bytes.js';
import { digestOf, nativeCrypto, resolveCrypto } from '../src/crypto.js';
import { readRoot } from '../src/der/read.js';
import { nullValue, oid, seq } from '../src/der/write.js';
import { verifyPec } from '../src/verify/verify.js';
import { readAlgorithm, readPublicKeyInfo } from '../src/x509/algorithm.js';
import { signingAlgorithm, verifySignature } from '../src/x509/signature.js';
import { CORPUS_DIR, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { SIGNED_AT, syntheticPec, TEST_TRUST } from './helpers/synthetic.js';

const web = globalThis.crypto; // passed explicitly: WebCrypto for everything
const platform = resolveCrypto(); // left to pec-kit: node:crypto for digests and checks
const subtle = web.subtle;

describe('which implementation runs', () => {
  it('uses node:crypto only when the caller passed no crypto', () => {
    expect(nativeCrypto(platform)).not.toBeNull();
    expect(resolveCrypto()).toBe(platform);
    expect(resolveCrypto(undefined)).toBe(platform);
    expect(nativeCrypto(web)).toBeNull();
    const own = { subtle: web.subtle, getRandomValues: web.getRandomValues.bind(web) } as unknown as Crypto;
    expect(resolveCrypto(own)).toBe(own);
    expect(nativeCrypto(own)).toBeNull();
  });

  it('the platform view is a working WebCrypto (random values, subtle)', async () => {
    const a = platform.getRandomValues(new Uint8Array(16));
    expect(a.some((x) => x !== 0)).toBe(true);
    expect(typeof platform.randomUUID()).toBe('string');
    const d = new Uint8Array(await platform.subtle.digest('SHA-256', new Uint8Array(3)));
    expect(d.length).toBe(32);
  });
});

describe('digests', () => {
  it('equal WebCrypto for every hash, on views with offsets and empty input', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.nat(40),
        fc.constantFrom('SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'),
        async (raw, cut, hash) => {
          const view = raw.subarray(Math.min(cut, raw.length));
          const expected = new Uint8Array(await subtle.digest(hash, view.slice()));
          expect(await digestOf(platform, hash, view)).toEqual(expected);
          expect(await digestOf(web, hash, view)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves an unknown hash to WebCrypto and its refusal', async () => {
    await expect(digestOf(platform, 'MD5', new Uint8Array(1))).rejects.toThrow();
  });
});

// Keys of every scheme pec-kit checks, with the AlgorithmIdentifier of their signatures.
interface Scheme {
  name: string;
  keys: CryptoKeyPair;
  algorithm: Bytes;
  sign: (data: Uint8Array) => Promise<Uint8Array>;
}

async function schemes(): Promise<Scheme[]> {
  const rsa = (name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS', hash: string, bits = 2048) =>
    subtle.generateKey(
      { name, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash },
      false,
      ['sign', 'verify'],
    ) as Promise<CryptoKeyPair>;
  const ec = (namedCurve: string) =>
    subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  const out: Scheme[] = [];
  for (const [hash, id] of [
    ['SHA-1', '1.2.840.113549.1.1.5'],
    ['SHA-256', '1.2.840.113549.1.1.11'],
    ['SHA-512', '1.2.840.113549.1.1.13'],
  ] as const) {
    const keys = await rsa('RSASSA-PKCS1-v1_5', hash);
    out.push({
      name: `RSA PKCS#1 v1.5 ${hash}`,
      keys,
      algorithm: seq(oid(id), nullValue()),
      sign: async (d) => new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, d as Bytes)),
    });
  }
  for (const hash of ['SHA-256', 'SHA-384']) {
    const keys = await rsa('RSA-PSS', hash, 3072);
    const { params, der } = signingAlgorithm('RSA-PSS', hash);
    out.push({
      name: `RSA-PSS ${hash}`,
      keys,
      algorithm: der,
      sign: async (d) => new Uint8Array(await subtle.sign(params, keys.privateKey, d as Bytes)),
    });
  }
  for (const [curve, hash] of [
    ['P-256', 'SHA-256'],
    ['P-384', 'SHA-384'],
    ['P-521', 'SHA-512'],
  ] as const) {
    const keys = await ec(curve);
    const { params, der } = signingAlgorithm('ECDSA', hash);
    out.push({
      name: `ECDSA ${curve} ${hash}`,
      keys,
      algorithm: der,
      // pec-kit reads ECDSA signatures as DER (CMS), WebCrypto signs r‖s: signingAlgorithm's
      // caller converts; the raw form is converted here the same way.
      sign: async (d) => {
        const raw = new Uint8Array(await subtle.sign(params, keys.privateKey, d as Bytes));
        const { ecdsaDer } = await import('../src/x509/signature.js');
        return ecdsaDer(raw);
      },
    });
  }
  return out;
}

/** true, false or the error's class: what a check answered. */
const outcome = (p: Promise<boolean>): Promise<string> =>
  p.then(
    (ok) => String(ok),
    (e: unknown) => `throws ${(e as Error).constructor.name}`,
  );

const data = new TextEncoder().encode('signed attributes stand-in');

describe('signature checks', async () => {
  const all = await schemes();

  for (const s of all) {
    it(`${s.name}: the same verdict as WebCrypto for valid and damaged signatures`, async () => {
      const spki = new Uint8Array(await subtle.exportKey('spki', s.keys.publicKey));
      const key = readPublicKeyInfo(spki, readRoot(spki));
      const algorithm = readAlgorithm(s.algorithm, readRoot(s.algorithm), 'test');
      const good = await s.sign(data);
      const variants: [string, Uint8Array, Uint8Array][] = [
        ['valid', good, data],
        ['other data', good, data.subarray(1)],
        ['flipped last byte', Uint8Array.from(good, (x, i) => (i === good.length - 1 ? x ^ 1 : x)), data],
        ['flipped first byte', Uint8Array.from(good, (x, i) => (i === 0 ? x ^ 0x40 : x)), data],
        ['truncated', good.subarray(0, good.length - 1), data],
        ['one byte longer', Uint8Array.of(...good, 0), data],
        ['leading zero byte', Uint8Array.of(0, ...good), data],
        ['empty', new Uint8Array(0), data],
        ['all 0xff', new Uint8Array(good.length).fill(0xff), data],
        ['all zero', new Uint8Array(good.length), data],
      ];
      for (const [what, sig, signed] of variants) {
        const expected = await outcome(verifySignature(web, key, algorithm, sig, signed));
        const actual = await outcome(verifySignature(platform, key, algorithm, sig, signed));
        expect(`${what}: ${actual}`).toBe(`${what}: ${expected}`);
      }
      expect(await verifySignature(platform, key, algorithm, good, data)).toBe(true);
    });
  }

  it('random signatures and data: node:crypto and WebCrypto agree', async () => {
    const keyed = await Promise.all(
      all.map(async (s) => {
        const spki = new Uint8Array(await subtle.exportKey('spki', s.keys.publicKey));
        return {
          s,
          key: readPublicKeyInfo(spki, readRoot(spki)),
          algorithm: readAlgorithm(s.algorithm, readRoot(s.algorithm), 'test'),
          good: await s.sign(data),
        };
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(keyed.length - 1),
        fc.array(fc.tuple(fc.nat(600), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        async (which, edits) => {
          const k = keyed[which]!;
          const sig = k.good.slice();
          for (const [at, v] of edits) if (sig.length > 0) sig[at % sig.length] = v;
          const expected = await outcome(verifySignature(web, k.key, k.algorithm, sig, data));
          expect(await outcome(verifySignature(platform, k.key, k.algorithm, sig, data))).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('an id-RSASSA-PSS key (OpenSSL-made, restricted to SHA-256 and salt 32)', () => {
  it('verifies as WebCrypto does, read as rsaEncryption, within its own parameters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pec-kit-pss-'));
    try {
      const run = (args: string[]) => {
        const r = spawnSync('openssl', args, { cwd: dir });
        if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
      };
      run(
        ['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048']
          .concat(['-pkeyopt', 'rsa_pss_keygen_md:sha256', '-pkeyopt', 'rsa_pss_keygen_mgf1_md:sha256'])
          .concat(['-pkeyopt', 'rsa_pss_keygen_saltlen:32', '-out', 'k.pem']),
      );
      run(['pkey', '-in', 'k.pem', '-pubout', '-outform', 'DER', '-out', 'k.spki']);
      writeFileSync(join(dir, 'd'), data);
      run(
        ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'].concat([
          '-sign',
          'k.pem',
          '-out',
          'd.sig',
          'd',
        ]),
      );
      const spki = new Uint8Array(readFileSync(join(dir, 'k.spki')));
      const key = readPublicKeyInfo(spki, readRoot(spki));
      expect(key.algorithm.oid).toBe('1.2.840.113549.1.1.10');
      const sig = new Uint8Array(readFileSync(join(dir, 'd.sig')));
      const der = signingAlgorithm('RSA-PSS', 'SHA-256').der;
      const algorithm = readAlgorithm(der, readRoot(der), 'test');
      for (let i = 0; i < 3; i++) {
        // Several checks: the key object is made once and found again.
        expect(await verifySignature(platform, key, algorithm, sig, data)).toBe(true);
        expect(await verifySignature(web, key, algorithm, sig, data)).toBe(true);
      }
      const bad = Uint8Array.from(sig, (x, i) => (i === 10 ? x ^ 1 : x));
      expect(await verifySignature(platform, key, algorithm, bad, data)).toBe(false);
      // Outside the key's parameters (SHA-384): refused before any check, by both.
      const other = signingAlgorithm('RSA-PSS', 'SHA-384').der;
      const outside = readAlgorithm(other, readRoot(other), 'test');
      await expect(verifySignature(platform, key, outside, sig, data)).rejects.toThrow(
        /parameters of its RSA-PSS key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAVE_CORPUS)('the real corpus', () => {
  it('every message gives the same report with node:crypto as with WebCrypto', async () => {
    for (const e of EXPECTED) {
      const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR, e.file)));
      const fast = await verifyPec(bytes).then(JSON.stringify, (x: Error) => `throws ${x.message}`);
      const webReport = await verifyPec(bytes, { crypto: web }).then(
        JSON.stringify,
        (x: Error) => `throws ${x.message}`,
      );
      expect(fast, e.file).toBe(webReport);
    }
  });
});

describe('tampered messages', () => {
  it('a changed byte anywhere gives the same report with node:crypto as with WebCrypto', async () => {
    const s = await syntheticPec();
    const bytes = s.bytes;
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 }), async (at, v) => {
        const changed = bytes.slice();
        changed[at] = v;
        const opts = { trust: TEST_TRUST(), at: SIGNED_AT };
        const fast = await verifyPec(changed, opts).then(JSON.stringify, (x: Error) => `throws ${x.message}`);
        const slow = await verifyPec(changed, { ...opts, crypto: web }).then(
          JSON.stringify,
          (x: Error) => `throws ${x.message}`,
        );
        expect(fast).toBe(slow);
      }),
      { numRuns: 120 },
    );
  });
});
