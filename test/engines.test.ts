// The CMS layer under both WebCrypto engines: native `globalThis.crypto` and @peculiar/webcrypto,
// passed explicitly as `crypto` to importSigner / signDetached / verifyDetached. Every case runs
// once per engine, and signatures made by one engine must verify under the other.
//
// pec-kit used to run on pkijs and had to keep clear of its process-wide engine
// (`setEngine`/`getEngine`). It now reads and writes DER and X.509 itself; the last block checks
// that neither the sources nor the built library load pkijs or asn1js. (The tests still use pkijs,
// a devDependency, as an independent tool to make certificates and a non-SignedData ContentInfo,
// always with an explicit engine.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DigestName } from '../src/cms/oids.js';
import { signDetached } from '../src/cms/sign.js';
import { importSigner, type Signer } from '../src/cms/signer.js';
import { verifyDetached } from '../src/cms/verify.js';
import { PecError } from '../src/errors.js';
import { resolveLimits } from '../src/limits.js';
import { signatureDer, splitSigned } from '../src/mime/signed.js';
import { writeEntity, writeMultipartSigned } from '../src/mime/write.js';

type Bytes = Uint8Array<ArrayBuffer>;

const PKI = resolve(import.meta.dirname, '../fixtures/pki');
const pem = (file: string): string => readFileSync(join(PKI, file), 'utf8');
const SIGNING_TIME = new Date('2025-03-01T10:00:00Z');
const enc = new TextEncoder();
const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);
const fromLatin1 = (s: string): Bytes => Uint8Array.from(s, (c) => c.charCodeAt(0)) as Bytes;

const CONTENT = writeEntity({
  kind: 'multipart',
  subtype: 'mixed',
  parts: [
    {
      kind: 'text',
      text: 'Ricevuta di accettazione\nIl messaggio è stato accettato.\n',
      disposition: 'inline',
    },
    {
      kind: 'binary',
      contentType: 'application/xml',
      body: enc.encode('<?xml version="1.0"?>\n<postacert tipo="accettazione" errore="nessuno"/>\n'),
      filename: 'daticert.xml',
    },
  ],
});

const DIGESTS: DigestName[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const OIDS = {
  rsaPss: '1.2.840.113549.1.1.10',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  data: '1.2.840.113549.1.7.1',
} as const;
const RSA_SIGNATURE_OID: Record<DigestName, string> = {
  sha1: OIDS.sha1WithRSA,
  sha256: OIDS.sha256WithRSA,
  sha384: OIDS.sha384WithRSA,
  sha512: OIDS.sha512WithRSA,
};

interface Engine {
  name: string;
  crypto: Crypto;
}
const ENGINES: Engine[] = [
  { name: 'native WebCrypto', crypto: globalThis.crypto },
  { name: '@peculiar/webcrypto', crypto: new PeculiarCrypto() },
];

/** The byte at `offset` replaced by another printable ASCII letter. */
function tamper(b: Uint8Array, offset: number): Bytes {
  const out = b.slice() as Bytes;
  out[offset] = out[offset] === 0x41 ? 0x42 : 0x41;
  return out;
}

/** A self-signed ECDSA certificate and its key, made with pkijs on the given engine only. */
async function ecdsaIdentity(
  crypto: Crypto,
  namedCurve: 'P-256' | 'P-384',
): Promise<{ certificate: Bytes; privateKey: CryptoKey }> {
  const engine = new pkijs.CryptoEngine({ name: 'test', crypto });
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 0x2a });
  const cn = new pkijs.AttributeTypeAndValue({
    type: '2.5.4.3',
    value: new asn1js.Utf8String({ value: `pec-kit ECDSA ${namedCurve} test signer` }),
  });
  cert.issuer.typesAndValues.push(cn);
  cert.subject.typesAndValues.push(cn);
  cert.notBefore.value = new Date('2024-01-01T00:00:00Z');
  cert.notAfter.value = new Date('2040-01-01T00:00:00Z');
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  await cert.sign(keys.privateKey, namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384', engine);
  return { certificate: new Uint8Array(cert.toSchema(true).toBER(false)), privateKey: keys.privateKey };
}

function providerInput(crypto: Crypto) {
  return {
    certificate: pem('provider.cert.pem'),
    privateKey: pem('provider.key.pem'),
    chain: pem('pec-ca.cert.pem'),
    crypto,
  };
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<PecError> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, `expected a PecError ${code}`).toBeInstanceOf(PecError);
  expect((error as PecError).code).toBe(code);
  return error as PecError;
}

async function expectTypeError(p: Promise<unknown> | (() => unknown)): Promise<void> {
  const e = await expectCode(p, 'INVALID_ARGUMENT');
  expect(e).toBeInstanceOf(TypeError);
}

describe.each(ENGINES)('CMS under $name', ({ crypto }) => {
  let pkcs1: Signer;
  let pss: Signer;
  const ecdsa = new Map<'P-256' | 'P-384', Signer>();

  beforeAll(async () => {
    pkcs1 = await importSigner(providerInput(crypto));
    pss = await importSigner({ ...providerInput(crypto), rsaPadding: 'pss' });
    for (const curve of ['P-256', 'P-384'] as const) {
      ecdsa.set(curve, await importSigner({ ...(await ecdsaIdentity(crypto, curve)), crypto }));
    }
  });

  it('imports the signers with the expected schemes', () => {
    expect(pkcs1.scheme).toBe('RSASSA-PKCS1-v1_5');
    expect(pss.scheme).toBe('RSA-PSS');
    expect(ecdsa.get('P-256')!.scheme).toBe('ECDSA');
    expect(pkcs1.email).toBe('posta-certificata@pec.example.it');
    expect(pkcs1.chain).toHaveLength(1);
  });

  it.each(DIGESTS)('RSA PKCS#1 v1.5 with %s: sign, verify, refuse a changed byte', async (digest) => {
    const der = await signDetached(CONTENT, pkcs1, { digest, signingTime: SIGNING_TIME, crypto });
    const r = await verifyDetached(CONTENT, der, { crypto });
    expect(r).toMatchObject({ intact: true, canonicalized: false, failure: null, digestAlgorithm: digest });
    expect(r.signatureAlgorithmOid).toBe(RSA_SIGNATURE_OID[digest]);
    expect(r.signingTime).toEqual(SIGNING_TIME);
    expect([...r.signedAttributes].sort()).toEqual([OIDS.contentType, OIDS.messageDigest, OIDS.signingTime]);
    expect(r.signerCount).toBe(1);
    expect(r.certificates).toHaveLength(2);
    expect(r.signerCertificate?.serialNumber).toEqual(pkcs1.certificate.serialNumber);
    expect(r.signerCertificate?.der).toEqual(pkcs1.certificate.der);
    for (const offset of [0, CONTENT.length >> 1, CONTENT.length - 1]) {
      const bad = await verifyDetached(tamper(CONTENT, offset), der, { crypto });
      expect(bad).toMatchObject({ intact: false, failure: 'SIGNATURE_DIGEST_MISMATCH' });
    }
  });

  it.each(DIGESTS)('RSA-PSS with %s: sign, verify, refuse a changed byte', async (digest) => {
    const der = await signDetached(CONTENT, pss, { digest, signingTime: SIGNING_TIME, crypto });
    const r = await verifyDetached(CONTENT, der, { crypto });
    expect(r).toMatchObject({ intact: true, failure: null, digestAlgorithm: digest });
    expect(r.signatureAlgorithmOid).toBe(OIDS.rsaPss);
    const bad = await verifyDetached(tamper(CONTENT, 7), der, { crypto });
    expect(bad).toMatchObject({ intact: false, failure: 'SIGNATURE_DIGEST_MISMATCH' });
  });

  it.each([
    ['P-256', 'sha256', OIDS.ecdsaWithSHA256],
    ['P-384', 'sha384', OIDS.ecdsaWithSHA384],
  ] as const)('ECDSA %s with %s: sign, verify, refuse a changed byte', async (curve, digest, oid) => {
    const der = await signDetached(CONTENT, ecdsa.get(curve)!, { digest, signingTime: SIGNING_TIME, crypto });
    const r = await verifyDetached(CONTENT, der, { crypto });
    expect(r).toMatchObject({
      intact: true,
      failure: null,
      digestAlgorithm: digest,
      signatureAlgorithmOid: oid,
    });
    const bad = await verifyDetached(tamper(CONTENT, 3), der, { crypto });
    expect(bad).toMatchObject({ intact: false, failure: 'SIGNATURE_DIGEST_MISMATCH' });
  });

  it('content stored with LF endings verifies only through the CRLF fallback (canonicalized)', async () => {
    const der = await signDetached(CONTENT, pkcs1, { signingTime: SIGNING_TIME, crypto });
    const lf = fromLatin1(latin1(CONTENT).replace(/\r\n/g, '\n'));
    expect(await verifyDetached(lf, der, { crypto })).toMatchObject({ intact: true, canonicalized: true });
  });

  it('a damaged signature value → SIGNATURE_INVALID', async () => {
    const der = await signDetached(CONTENT, pkcs1, { signingTime: SIGNING_TIME, crypto });
    // No unsigned attributes: the DER ends with the signature value.
    const bad = der.slice() as Bytes;
    bad[bad.length - 1]! ^= 0x01;
    expect(await verifyDetached(CONTENT, bad, { crypto })).toMatchObject({
      intact: false,
      failure: 'SIGNATURE_INVALID',
    });
  });

  it('a private key that does not belong to the certificate → KEY_MISMATCH', async () => {
    await expectCode(
      importSigner({ certificate: pem('provider.cert.pem'), privateKey: pem('provider2.key.pem'), crypto }),
      'KEY_MISMATCH',
    );
  });

  describe('corrupted DER → CMS_MALFORMED', () => {
    let der: Bytes;
    beforeAll(async () => {
      der = await signDetached(CONTENT, pkcs1, { signingTime: SIGNING_TIME, crypto });
    });

    const notSignedData = (): Bytes =>
      new Uint8Array(
        new pkijs.ContentInfo({
          contentType: OIDS.data,
          content: new asn1js.OctetString({ valueHex: new Uint8Array(4) }),
        })
          .toSchema()
          .toBER(false),
      );
    const cases: [string, () => Bytes][] = [
      ['empty', () => new Uint8Array(0)],
      ['garbage', () => Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff)],
      ['truncated to half', () => der.slice(0, der.length >> 1)],
      ['truncated by one byte', () => der.slice(0, der.length - 1)],
      [
        'outer tag changed (SEQUENCE → SET)',
        () => {
          const b = der.slice();
          b[0] = 0x31;
          return b;
        },
      ],
      [
        'outer length inflated',
        () => {
          const b = der.slice();
          b[3] = (b[3]! + 1) & 0xff;
          return b;
        },
      ],
      ['an X.509 certificate instead of a CMS', () => pkcs1.certificate.der],
      ['a ContentInfo that is not SignedData', notSignedData],
    ];

    it.each(cases)('%s', async (_name, make) => {
      await expectCode(verifyDetached(CONTENT, new Uint8Array(make()), { crypto }), 'CMS_MALFORMED');
    });
  });

  describe('the signature part of a multipart/signed', () => {
    let eml: Bytes;
    beforeAll(async () => {
      const der = await signDetached(CONTENT, pkcs1, { signingTime: SIGNING_TIME, crypto });
      eml = writeMultipartSigned({
        signedEntity: CONTENT,
        signature: der,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-256',
        outerHeaders: [['Subject', 'engines']],
      });
    });

    /** The message with the base64 of smime.p7s replaced by `f(base64 without line breaks)`. */
    function withSignatureBase64(f: (b64: string) => string): Bytes {
      const parts = splitSigned(eml, resolveLimits());
      const body = latin1(parts.signatureBody);
      const b64 = body.replace(/\r\n/g, '');
      const lines = f(b64).match(/.{1,76}/g) ?? [];
      return fromLatin1(latin1(eml).replace(body, `${lines.join('\r\n')}\r\n`));
    }

    it('round-trips through splitSigned + signatureDer', async () => {
      const parts = splitSigned(eml, resolveLimits());
      expect(parts.signed).toEqual(CONTENT);
      expect(await verifyDetached(parts.signed, signatureDer(parts), { crypto })).toMatchObject({
        intact: true,
      });
    });

    it('truncated base64 (a dangling sextet) → BASE64_INVALID', async () => {
      const bad = withSignatureBase64((b64) => {
        const data = b64.replace(/=+$/, '');
        // Keep 4n+1 characters: one that cannot decode to a byte.
        return data.slice(0, data.length - 40 - ((data.length - 40) % 4) + 1);
      });
      const parts = splitSigned(bad, resolveLimits());
      await expectCode(() => signatureDer(parts), 'BASE64_INVALID');
    });

    it('a character outside the base64 alphabet → BASE64_INVALID', async () => {
      const bad = withSignatureBase64((b64) => `${b64.slice(0, 100)}!${b64.slice(101)}`);
      await expectCode(() => signatureDer(splitSigned(bad, resolveLimits())), 'BASE64_INVALID');
    });

    it('base64 truncated on a whole group decodes, but to a truncated CMS → CMS_MALFORMED', async () => {
      const bad = withSignatureBase64((b64) => b64.slice(0, 400));
      const der = signatureDer(splitSigned(bad, resolveLimits()));
      expect(der.length).toBe(300);
      await expectCode(verifyDetached(CONTENT, der, { crypto }), 'CMS_MALFORMED');
    });
  });

  describe('wrong-type arguments → TypeError (PecError INVALID_ARGUMENT)', () => {
    const cert = pem('provider.cert.pem');
    const key = pem('provider.key.pem');
    const cases: [string, () => Promise<unknown>][] = [
      ['importSigner(null)', () => importSigner(null as never)],
      ['importSigner("pem")', () => importSigner(cert as never)],
      [
        'importSigner certificate: 42',
        () => importSigner({ certificate: 42 as never, privateKey: key, crypto }),
      ],
      [
        'importSigner privateKey: 42',
        () => importSigner({ certificate: cert, privateKey: 42 as never, crypto }),
      ],
      [
        'importSigner chain: [42]',
        () => importSigner({ certificate: cert, privateKey: key, chain: [42 as never], crypto }),
      ],
      [
        'importSigner rsaPadding: "PSS"',
        () => importSigner({ certificate: cert, privateKey: key, rsaPadding: 'PSS' as never, crypto }),
      ],
      [
        'importSigner crypto: {}',
        () => importSigner({ certificate: cert, privateKey: key, crypto: {} as never }),
      ],
      ['signDetached content: string', () => signDetached('text' as never, pkcs1, { crypto })],
      [
        'signDetached content: ArrayBuffer',
        () => signDetached(new ArrayBuffer(4) as never, pkcs1, { crypto }),
      ],
      ['signDetached signer: null', () => signDetached(CONTENT, null as never, { crypto })],
      ['signDetached signer: {}', () => signDetached(CONTENT, {} as never, { crypto })],
      ['signDetached digest: "md5"', () => signDetached(CONTENT, pkcs1, { digest: 'md5' as never, crypto })],
      [
        'signDetached signingTime: string',
        () => signDetached(CONTENT, pkcs1, { signingTime: '2025-03-01' as never, crypto }),
      ],
      [
        'signDetached signingTime: Invalid Date',
        () => signDetached(CONTENT, pkcs1, { signingTime: new Date(Number.NaN), crypto }),
      ],
      ['signDetached crypto: 42', () => signDetached(CONTENT, pkcs1, { crypto: 42 as never })],
      [
        'verifyDetached content: string',
        () => verifyDetached('text' as never, new Uint8Array([0x30, 0]), { crypto }),
      ],
      ['verifyDetached der: string', () => verifyDetached(CONTENT, 'MIIB' as never, { crypto })],
      ['verifyDetached der: null', () => verifyDetached(CONTENT, null as never, { crypto })],
      [
        'verifyDetached crypto: {}',
        () => verifyDetached(CONTENT, new Uint8Array([0x30, 0]), { crypto: {} as never }),
      ],
      [
        'verifyDetached limits: negative',
        () => verifyDetached(CONTENT, new Uint8Array([0x30, 0]), { crypto, limits: { maxCertificates: -1 } }),
      ],
    ];
    it.each(cases)('%s', async (_name, call) => {
      await expectTypeError(call);
    });
  });
});

describe('signatures cross engines', () => {
  const pairs = ENGINES.flatMap((a) => ENGINES.filter((b) => b !== a).map((b) => ({ from: a, to: b })));

  it.each(pairs)('signed with $from.name, verified with $to.name', async ({ from, to }) => {
    const signers: [Signer, DigestName][] = [
      [await importSigner(providerInput(from.crypto)), 'sha256'],
      [await importSigner(providerInput(from.crypto)), 'sha1'],
      [await importSigner({ ...providerInput(from.crypto), rsaPadding: 'pss' }), 'sha512'],
      [await importSigner({ ...(await ecdsaIdentity(from.crypto, 'P-256')), crypto: from.crypto }), 'sha256'],
    ];
    for (const [signer, digest] of signers) {
      const der = await signDetached(CONTENT, signer, {
        digest,
        signingTime: SIGNING_TIME,
        crypto: from.crypto,
      });
      const r = await verifyDetached(CONTENT, der, { crypto: to.crypto });
      expect(r, `${signer.scheme} ${digest}`).toMatchObject({ intact: true, digestAlgorithm: digest });
    }
  });
});

describe('the library no longer loads pkijs or asn1js', () => {
  const ROOT = resolve(import.meta.dirname, '..');
  const DIST = join(ROOT, 'dist');
  /** A specifier naming pkijs or asn1js (or a file inside either package). */
  const FORBIDDEN = /^(?:pkijs|asn1js)(?:\/|$)/;

  /** Every module specifier a JS/TS source mentions: static, side-effect, dynamic, `import()` types. */
  const specifiers = (file: string): string[] =>
    ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

  function files(dir: string, keep: (name: string) => boolean): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter(keep)
      .map((name) => join(dir, name));
  }

  beforeAll(() => {
    expect(existsSync(join(DIST, 'index.js')), 'dist/ is missing: run `npm run build` first').toBe(true);
  });

  it('no library source file imports them (tests excluded: they use pkijs as an independent tool)', () => {
    const sources = files(join(ROOT, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(50);
    const hits = sources.flatMap((f) =>
      specifiers(f)
        .filter((s) => FORBIDDEN.test(s))
        .map((s) => `${relative(ROOT, f)}: ${s}`),
    );
    expect(hits).toEqual([]);
  });

  it('no built file under dist/ imports them, in its code or in its declarations', () => {
    const built = files(DIST, (f) => f.endsWith('.js') || f.endsWith('.d.ts'));
    const all = built.flatMap((f) => specifiers(f).map((s) => ({ file: relative(ROOT, f), s })));
    // The scanner does see the bare imports the library does make.
    expect(all.map((x) => x.s)).toContain('zod/mini');
    expect(all.filter((x) => FORBIDDEN.test(x.s))).toEqual([]);
  });

  it("the module graph of the package's entry points reaches neither", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string; default?: string } | string>;
      bin: Record<string, string>;
    };
    const entries = [
      ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [] : [e.default, e.types])),
      ...Object.values(pkg.bin),
    ].filter((e): e is string => typeof e === 'string' && e.startsWith('./dist/'));
    const seen = new Set<string>();
    const bare = new Set<string>();
    const queue = entries.map((e) => join(ROOT, e));
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const s of specifiers(file)) {
        if (!s.startsWith('.')) {
          bare.add(s);
          continue;
        }
        // Declarations import `./x.js` for `./x.d.ts`.
        const target = resolve(dirname(file), s);
        queue.push(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target);
      }
    }
    const reached = [...seen].map((f) => relative(DIST, f));
    expect(reached).toEqual(
      expect.arrayContaining([
        'index.js',
        'x509/certificate.js',
        'der/read.js',
        'cms/verify.js',
        'cli/bin.js',
      ]),
    );
    expect([...bare].filter((s) => FORBIDDEN.test(s))).toEqual([]);
  });

  it('importing the built library resolves no module of either package', () => {
    // A resolve hook records every module Node loads while importing dist/index.js.
    const hook = `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  writeSync(1, JSON.stringify({ specifier, url: r.url }) + '\\n');
  return r;
}`;
    const script = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
const lib = await import(${JSON.stringify(pathToFileURL(join(DIST, 'index.js')).href)});
if (typeof lib.verifyDetached !== 'function') throw new Error('not the library');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const loaded = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { specifier: string; url: string });
    expect(loaded.map((x) => x.url)).toContain(pathToFileURL(join(DIST, 'x509/certificate.js')).href);
    expect(
      loaded.filter((x) => FORBIDDEN.test(x.specifier) || /\/node_modules\/(?:pkijs|asn1js)\//.test(x.url)),
    ).toEqual([]);
  });
});
