// The signature verdict on every real provider message equals OpenSSL's (EXPECTED.json).
import { describe, expect, it } from 'vitest';
import { verifyDetached } from '../src/cms/verify.js';
import { isPecError } from '../src/errors.js';
import { resolveLimits } from '../src/limits.js';
import { signatureDer, splitSigned } from '../src/mime/signed.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';

describe.skipIf(!HAVE_CORPUS)('corpus: CMS signature over the exact signed bytes', () => {
  it('covers the corpus', () => {
    expect(EXPECTED.filter((e) => e.signatureIntact === true)).toHaveLength(18);
    expect(EXPECTED.filter((e) => e.signatureIntact === false)).toHaveLength(3);
  });
  for (const e of EXPECTED) {
    it(`${e.file}: ${e.signatureStatus}`, async () => {
      const bytes = corpusBytes(e.file);
      if (e.signatureIntact === null) {
        // Stripped or placeholder signature: a coded error, never a verdict.
        const attempt = async () => {
          const parts = splitSigned(bytes as never, resolveLimits());
          return verifyDetached(parts.signed, signatureDer(parts));
        };
        const err = await attempt().then(
          () => null,
          (x: unknown) => x,
        );
        expect(isPecError(err)).toBe(true);
        const code = (err as { code: string }).code;
        expect(
          e.signatureStatus === 'missing-signature-part'
            ? ['MIME_SIGNATURE_PART_MISSING']
            : ['BASE64_INVALID', 'CMS_MALFORMED'],
        ).toContain(code);
        return;
      }
      const parts = splitSigned(bytes as never, resolveLimits());
      const r = await verifyDetached(parts.signed, signatureDer(parts));
      expect(r.intact).toBe(e.signatureIntact);
      expect(r.digestAlgorithm).toBe(e.digestAlgorithm);
      expect(r.signingTime?.toISOString().replace('.000Z', 'Z')).toBe(e.signingTime);
      if (!r.intact) expect(r.failure).toBe('SIGNATURE_DIGEST_MISMATCH');
      if (e.eol === 'LF') expect(r.canonicalized).toBe(r.intact);
    });
  }
});
