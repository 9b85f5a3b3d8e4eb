// verifyPec with the embedded PEC anchors agrees with the independent ground truth on every real
// message, and says why when a message is not valid.
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify/verify.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';

const codesOf = (r: { issues: { code: string }[] }) => r.issues.map((i) => i.code);

describe.skipIf(!HAVE_CORPUS)('corpus: verifyPec with the default PEC trust', () => {
  const verify = createVerifier();
  const verifyNow = createVerifier({ at: 'now', now: new Date('2026-11-23T00:00:00Z') });

  for (const e of EXPECTED) {
    it(`${e.file}: ${e.signatureStatus}`, async () => {
      const r = await verify(corpusBytes(e.file));
      expect(r.kind).toBe(e.kind);
      expect(r.valid).toBe(e.signatureIntact === true && e.chainValidAtSigningTime === true);
      const codes = codesOf(r);
      switch (e.signatureStatus) {
        case 'intact':
          expect(r.signature).toMatchObject({
            present: true,
            intact: true,
            digestAlgorithm: e.digestAlgorithm,
          });
          expect(r.signature.signingTime?.replace('.000Z', 'Z')).toBe(e.signingTime);
          expect(r.signature.signer?.subject).toBe(e.signerSubject);
          expect(r.signature.signer?.issuer).toBe(e.signerIssuer);
          expect(r.signature.signer?.email).toBe(e.signerEmail);
          expect(r.chain.trusted).toBe(true);
          expect(r.chain.atSource).toBe('signing-time');
          expect(r.chain.at?.replace('.000Z', 'Z')).toBe(e.signingTime);
          expect(r.chain.anchor).toMatch(/CN=(AgID|DigitPA) CA1/);
          // Real provider certificates have all expired: the report says so without failing the message.
          expect(r.chain.validNow).toBe(false);
          if (e.digestAlgorithm === 'sha1') expect(codes).toContain('SIGNATURE_SHA1');
          expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
          break;
        case 'digest-mismatch':
          expect(r.signature.intact).toBe(false);
          expect(codes).toContain('SIGNATURE_DIGEST_MISMATCH');
          break;
        case 'missing-signature-part':
          expect(r.signature.present).toBe(false);
          expect(r.signature.intact).toBeNull();
          expect(codes).toContain('SIGNATURE_PART_MISSING');
          break;
        case 'unparseable-signature':
          expect(r.signature.intact).toBeNull();
          expect(codes).toContain('SIGNATURE_UNREADABLE');
          break;
        default:
          throw new Error(`unexpected status ${e.signatureStatus}`);
      }
    });
  }

  it('judged at the current time, every real provider certificate has expired', async () => {
    for (const e of EXPECTED.filter((x) => x.signatureIntact === true)) {
      const r = await verifyNow(corpusBytes(e.file));
      expect(r.signature.intact).toBe(true);
      expect(r.chain.trusted, e.file).toBe(false);
      expect(r.chain.atSource).toBe('now');
      expect(r.valid).toBe(false);
    }
  });

  it('trusts nothing the message carries: with an unrelated anchor the real chain is untrusted', async () => {
    const { readFileSync } = await import('node:fs');
    const other = readFileSync(new URL('../fixtures/pki/root.cert.pem', import.meta.url), 'utf8');
    const strict = createVerifier({ trust: [other] });
    const e = EXPECTED.find((x) => x.signatureIntact === true)!;
    const r = await strict(corpusBytes(e.file));
    expect(r.signature.intact).toBe(true);
    expect(r.chain.trusted).toBe(false);
    expect(r.valid).toBe(false);
  });
});
