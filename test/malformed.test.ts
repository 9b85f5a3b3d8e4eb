// Hostile input: every file of fixtures/malformed (see its manifest.json) through parsePec and
// verifyPec, and every input limit exceeded one by one. parsePec may throw PecError only;
// verifyPec never throws on message content and never hangs (each case is bounded by the vitest
// timeout, not by a timed assertion).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPecError, PecError, PecTypeError } from '../src/errors.js';
import { DEFAULT_LIMITS, type Limits, resolveLimits } from '../src/limits.js';
import { parsePec } from '../src/reading/parse.js';
import { createVerifier, type VerificationReport, verifyPec } from '../src/verify/verify.js';
import { enc, latin1, syntheticPec, TEST_TRUST } from './helpers/synthetic.js';

const DIR = resolve(import.meta.dirname, '../fixtures/malformed');

interface ManifestEntry {
  file: string;
  category: string;
  description: string;
  parse: { throws: string } | { kind: string; issues: string[] };
  verify: { valid: boolean; issues: string[] };
}
const manifest: { trust: string; files: ManifestEntry[] } = JSON.parse(
  readFileSync(resolve(DIR, 'manifest.json'), 'utf8'),
);

/** Runs parsePec; returns the message or the PecError it threw (anything else fails the test). */
function tryParse(bytes: Uint8Array, limits?: Partial<Limits>) {
  try {
    return { message: parsePec(bytes, limits ? { limits } : {}), error: null };
  } catch (e) {
    expect(e, `parsePec threw a non-PecError: ${String(e)}`).toBeInstanceOf(PecError);
    return { message: null, error: e as PecError };
  }
}

const codes = (r: { issues: { code: string }[] }): string[] => r.issues.map((i) => i.code);

describe('fixtures/malformed', () => {
  const verify = createVerifier({ trust: [readFileSync(resolve(DIR, manifest.trust), 'utf8')] });

  it('lists every file in the folder, and each once', () => {
    const names = manifest.files.map((f) => f.file);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(60);
    expect(new Set(manifest.files.map((f) => f.category))).toEqual(
      new Set([
        'truncation',
        'boundary',
        'structure',
        'der',
        'xml',
        'encoding',
        'line-endings',
        'limits',
        'wrapping',
        'fuzz',
      ]),
    );
    const onDisk = readdirSync(DIR).filter((f) => f !== 'manifest.json' && f !== manifest.trust);
    expect(onDisk.sort()).toEqual([...names].sort());
  });

  for (const entry of manifest.files) {
    it(`${entry.file}: ${entry.description}`, async () => {
      const bytes = new Uint8Array(readFileSync(resolve(DIR, entry.file)));
      const parsed = tryParse(bytes);
      if ('throws' in entry.parse) {
        expect(parsed.error?.code, 'parsePec must throw this code').toBe(entry.parse.throws);
      } else {
        expect(parsed.error, `parsePec threw ${parsed.error?.code}: ${parsed.error?.message}`).toBeNull();
        expect(parsed.message!.kind).toBe(entry.parse.kind);
        expect(codes(parsed.message!)).toEqual(expect.arrayContaining(entry.parse.issues));
      }
      // verifyPec: never a rejection, whatever the bytes.
      const report: VerificationReport = await verify(bytes);
      expect(report.valid).toBe(entry.verify.valid);
      expect(codes(report)).toEqual(expect.arrayContaining(entry.verify.issues));
      // Invalid means an error-severity issue says why (ordinary mail is invalid as PEC by kind).
      if (!report.valid && report.kind !== 'non-pec')
        expect(report.issues.some((i) => i.severity === 'error')).toBe(true);
      // A report is plain data: it serialises (the CLI prints it as JSON).
      expect(() => JSON.stringify(report)).not.toThrow();
    });
  }
});

// --- every limit, exceeded one at a time --------------------------------------------------------

/** parsePec throws LIMIT_EXCEEDED naming `limit`; verifyPec reports it as an error issue. */
async function expectLimit(bytes: Uint8Array, limits: Partial<Limits>, limit: keyof Limits): Promise<void> {
  const { error } = tryParse(bytes, limits);
  expect(error?.code).toBe('LIMIT_EXCEEDED');
  expect(error?.details?.limit).toBe(limit);
  const report = await verifyPec(bytes, { trust: TEST_TRUST(), limits });
  expect(report.valid).toBe(false);
  expect(report.issues).toContainEqual(
    expect.objectContaining({ code: 'LIMIT_EXCEEDED', severity: 'error' }),
  );
}

describe('limits: each one enforced where it should be', () => {
  it('the same message passes with the defaults (the baseline of every case below)', async () => {
    const { bytes } = await syntheticPec({ kind: 'posta-certificata' });
    expect(tryParse(bytes).error).toBeNull();
    expect((await verifyPec(bytes, { trust: TEST_TRUST() })).valid).toBe(true);
  });

  it('maxMessageBytes: the whole input', async () => {
    const { bytes } = await syntheticPec();
    await expectLimit(bytes, { maxMessageBytes: bytes.length - 1 }, 'maxMessageBytes');
    expect(tryParse(bytes, { maxMessageBytes: bytes.length }).error).toBeNull();
  });

  it('maxMimeDepth: multipart and message/rfc822 nesting, inside and outside the signed part', async () => {
    // The envelope: multipart/signed (0) > multipart/mixed (1) > message/rfc822 (2) > its body (3).
    const { bytes } = await syntheticPec({ kind: 'posta-certificata' });
    await expectLimit(bytes, { maxMimeDepth: 2 }, 'maxMimeDepth');
    expect(tryParse(bytes, { maxMimeDepth: 3 }).error).toBeNull();
    let unsigned = 'Content-Type: text/plain\r\n\r\nx\r\n';
    for (let i = 0; i < 5; i++) unsigned = `Content-Type: message/rfc822\r\n\r\n${unsigned}`;
    await expectLimit(enc(unsigned), { maxMimeDepth: 4 }, 'maxMimeDepth');
  });

  it('maxParts: all levels together, and the parts of the multipart/signed itself', async () => {
    const { bytes } = await syntheticPec({ kind: 'posta-certificata' });
    await expectLimit(bytes, { maxParts: 3 }, 'maxParts');
    const flat = `Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\n\r\nx\r\n'.repeat(11)}--b--\r\n`;
    await expectLimit(enc(flat), { maxParts: 10 }, 'maxParts');
  });

  it('maxHeaderBytes: the top-level block, and blocks inside the signed part', async () => {
    const { bytes } = await syntheticPec();
    const top = latin1(bytes).indexOf('\r\n\r\n');
    await expectLimit(bytes, { maxHeaderBytes: top - 1 }, 'maxHeaderBytes');
    // Padded beyond the top-level block, the daticert part's header block alone trips the limit.
    const padded = enc(
      latin1(bytes).replace('filename="daticert.xml"', (h) => `${h}\r\nX-Pad: ${'p'.repeat(top + 100)}`),
    );
    expect(tryParse(bytes, { maxHeaderBytes: top + 2 }).error).toBeNull();
    const { error } = tryParse(padded, { maxHeaderBytes: top + 2 });
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.details?.limit).toBe('maxHeaderBytes');
  });

  it('maxLineBytes: one header line, even when the block is within maxHeaderBytes', async () => {
    const { bytes } = await syntheticPec();
    const long = enc(`X-Long: ${'a'.repeat(300)}\r\n${latin1(bytes)}`);
    await expectLimit(long, { maxLineBytes: 200 }, 'maxLineBytes');
    expect(tryParse(long, { maxLineBytes: 400 }).error).toBeNull();
  });

  it('maxBase64Bytes: the signature part, daticert.xml and attachments', async () => {
    const { bytes, der } = await syntheticPec({ kind: 'posta-certificata' });
    // The signature's base64 text is ~3.5 KB, daticert's ~1.4 KB: 2,000 trips the signature only.
    expect(Math.ceil(der.length / 3) * 4).toBeGreaterThan(2000);
    await expectLimit(bytes, { maxBase64Bytes: 2000 }, 'maxBase64Bytes');
    await expectLimit(bytes, { maxBase64Bytes: 1000 }, 'maxBase64Bytes');
  });

  it('maxDaticertBytes: the decoded daticert.xml', async () => {
    const { bytes, daticert } = await syntheticPec();
    await expectLimit(bytes, { maxDaticertBytes: daticert.length - 1 }, 'maxDaticertBytes');
    expect(tryParse(bytes, { maxDaticertBytes: daticert.length }).error).toBeNull();
  });

  it('maxCertificates: the certificates a CMS carries (verifyPec reports LIMIT_EXCEEDED)', async () => {
    const { bytes } = await syntheticPec(); // signer + PEC CA
    expect(tryParse(bytes, { maxCertificates: 1 }).error).toBeNull(); // parsePec does not decode the CMS
    const report = await verifyPec(bytes, { trust: TEST_TRUST(), limits: { maxCertificates: 1 } });
    expect(report.valid).toBe(false);
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', severity: 'error' }),
    );
    expect(codes(report)).not.toContain('SIGNATURE_UNREADABLE');
    expect((await verifyPec(bytes, { trust: TEST_TRUST(), limits: { maxCertificates: 2 } })).valid).toBe(
      true,
    );
  });

  it('maxChainLength: a longer path is a chain verdict (CHAIN_TOO_LONG), not a parse failure', async () => {
    const { bytes } = await syntheticPec(); // provider → PEC CA → root: 3 certificates
    const report = await verifyPec(bytes, { trust: TEST_TRUST(), limits: { maxChainLength: 2 } });
    expect(report.valid).toBe(false);
    expect(report.chain.trusted).toBe(false);
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: 'CHAIN_TOO_LONG', severity: 'error' }),
    );
    expect((await verifyPec(bytes, { trust: TEST_TRUST(), limits: { maxChainLength: 3 } })).valid).toBe(true);
  });

  it('the defaults are the documented ones', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxMessageBytes: 64 * 1024 * 1024,
      maxMimeDepth: 24,
      maxParts: 2000,
      maxHeaderBytes: 256 * 1024,
      maxLineBytes: 1024 * 1024,
      maxBase64Bytes: 96 * 1024 * 1024,
      maxDaticertBytes: 1024 * 1024,
      maxCertificates: 32,
      maxChainLength: 8,
      maxSigners: 4,
      maxIssuerCandidates: 8,
      maxSignatureChecks: 32,
      maxRsaModulusBits: 8192,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });

  it('a default limit stops a message one byte too large', async () => {
    const big = new Uint8Array(DEFAULT_LIMITS.maxMessageBytes + 1).fill(0x61);
    expect(tryParse(big).error?.code).toBe('LIMIT_EXCEEDED');
    const report = await verifyPec(big);
    expect(codes(report)).toEqual(['LIMIT_EXCEEDED']);
  });
});

describe('limits: option validation', () => {
  const bad: [string, unknown][] = [
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['unsafe integer', 2 ** 53],
    ['string', '100'],
    ['null', null],
    ['boolean', true],
    ['bigint', 10n],
  ];
  const message = enc('From: a@example.it\r\n\r\nbody\r\n');

  for (const name of Object.keys(DEFAULT_LIMITS)) {
    for (const [what, value] of bad) {
      it(`${name}: ${what} is a coded TypeError in resolveLimits, parsePec, verifyPec and createVerifier`, async () => {
        const limits = { [name]: value } as unknown as Partial<Limits>;
        const check = (e: unknown): void => {
          expect(e).toBeInstanceOf(TypeError);
          expect(e).toBeInstanceOf(PecTypeError);
          expect(isPecError(e, 'INVALID_ARGUMENT')).toBe(true);
          expect((e as PecTypeError).details).toEqual({ limit: name });
        };
        const sync = (f: () => unknown): void => {
          try {
            f();
          } catch (e) {
            check(e);
            return;
          }
          expect.unreachable('no error thrown');
        };
        sync(() => resolveLimits(limits));
        sync(() => parsePec(message, { limits }));
        sync(() => createVerifier({ limits }));
        await verifyPec(message, { limits }).then(
          () => expect.unreachable('verifyPec resolved'),
          (e) => check(e),
        );
      });
    }
  }

  it('unknown keys are refused (a typo must not leave a limit at its default)', async () => {
    const limits = { maxMessageByte: 10 } as unknown as Partial<Limits>;
    expect(() => resolveLimits(limits)).toThrow(TypeError);
    expect(() => parsePec(message, { limits })).toThrow(/unknown limit "maxMessageByte"/);
    await expect(verifyPec(message, { limits })).rejects.toBeInstanceOf(PecTypeError);
  });

  it('limits must be an object; undefined values keep the default; 0 is a valid limit', () => {
    for (const v of ['x', 5, [], () => 1]) expect(() => resolveLimits(v)).toThrow(TypeError);
    expect(resolveLimits({ maxParts: undefined })).toEqual(DEFAULT_LIMITS);
    expect(tryParse(message, { maxParts: 0 }).error?.code).toBe('LIMIT_EXCEEDED');
  });
});
