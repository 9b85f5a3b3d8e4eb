// parsePec on every real provider message: kind and every daticert field equal the independent
// ground truth (EXPECTED.json), and so do the original message and its attachments.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveLimits } from '../src/limits.js';
import { attachmentContent } from '../src/reading/original.js';
import { parsePec } from '../src/reading/parse.js';
import { corpusBytes, DATICERT_FIELDS, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';

describe.skipIf(!HAVE_CORPUS)('corpus: parsePec', () => {
  for (const e of EXPECTED) {
    it(`${e.file}: ${e.kind}`, () => {
      const pec = parsePec(corpusBytes(e.file));
      expect(pec.kind).toBe(e.kind);
      if (e.daticertParseMode !== null) {
        expect(pec.daticert).not.toBeNull();
        for (const field of DATICERT_FIELDS) expect(pec.daticert?.[field], field).toEqual(e[field]);
      } else {
        expect(pec.daticert).toBeNull();
        expect(pec.issues.map((i) => i.code)).toContain('DATICERT_MISSING');
      }
      expect(pec.headers.xTrasporto).toBe(e.xTrasporto);
      expect(pec.headers.xRicevuta).toBe(e.xRicevuta);
      expect(pec.headers.from).toBe(e.from);
      expect(pec.headers.subject).toBe(e.subject);
      expect(pec.original !== null).toBe(e.hasPostacert);
      if (pec.original) {
        expect(pec.original.messageId).toBe(e.postacertMessageId);
        const limits = resolveLimits();
        const got = pec.original.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          disposition: a.disposition,
          size: a.size,
          sha256: createHash('sha256').update(attachmentContent(a, limits)).digest('hex'),
        }));
        expect(got).toEqual(e.postacertAttachments ?? []);
      }
      // Header/daticert disagreements are reported exactly where the ground truth finds them.
      const codes = pec.issues.map((i) => i.code);
      const consistency = (e.consistency ?? {}) as Record<string, boolean | undefined>;
      if (e.headerDaticertAgreement !== null)
        expect(codes.includes('KIND_HEADER_MISMATCH')).toBe(!e.headerDaticertAgreement);
      if (consistency.msgidEqualsXRiferimento !== undefined)
        expect(codes.includes('RIFERIMENTO_MISMATCH')).toBe(!consistency.msgidEqualsXRiferimento);
      if (consistency.identificativoEqualsPostacertMessageId !== undefined) {
        expect(codes.includes('POSTACERT_ID_MISMATCH')).toBe(
          !consistency.identificativoEqualsPostacertMessageId,
        );
      }
    });
  }
});
