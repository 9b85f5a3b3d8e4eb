// A genuine PEC message buried under more unsigned, PEC-looking wrappers (X-Ricevuta, a forged
// daticert.xml, the next layer as postacert.eml) than the nested-PEC search goes deep (4 levels):
// the search must say where it stopped, and the forged outer daticert is never presented.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeEntity } from '../src/mime/write.js';
import { type PecMessage, parsePec } from '../src/reading/parse.js';
import { createVerifier } from '../src/verify/verify.js';
import {
  assemble,
  b64,
  enc,
  latin1,
  outerFields,
  type Synthetic,
  signaturePart,
  signEntity,
  syntheticPec,
  TEST_TRUST,
} from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });
const codes = (r: { issues: { code: string }[] }): string[] => r.issues.map((i) => i.code);

let receipt: Synthetic;
beforeAll(async () => {
  receipt = await syntheticPec({ kind: 'accettazione' });
});

const forgedDaticert = (): Uint8Array =>
  enc(
    latin1(receipt.daticert)
      .replace('tipo="accettazione"', 'tipo="avvenuta-consegna"')
      .replace(/<oggetto>[^<]*</, '<oggetto>Fattura pagata<'),
  );

/** One unsigned layer dressed as a delivery receipt around `inner`. */
function layer(inner: Uint8Array, n: number): Uint8Array {
  return writeEntity({
    kind: 'multipart',
    subtype: 'mixed',
    boundary: `layer-${n}`,
    headers: [
      ['From', 'posta-certificata@pec.example.it'],
      ['Subject', 'CONSEGNA: Fattura pagata'],
      ['X-Ricevuta', 'avvenuta-consegna'],
      ['MIME-Version', '1.0'],
    ],
    parts: [
      { kind: 'binary', contentType: 'application/xml', body: forgedDaticert(), filename: 'daticert.xml' },
      { kind: 'message', message: inner, filename: 'postacert.eml' },
    ],
  });
}

function buried(depth: number): Uint8Array {
  let b = receipt.bytes;
  for (let i = 0; i < depth; i++) b = layer(b, i);
  return b;
}

const deepest = (p: PecMessage): PecMessage => (p.nested[0] ? deepest(p.nested[0]) : p);

describe('a PEC buried under unsigned PEC-looking wrappers', () => {
  for (const depth of [1, 3, 4]) {
    it(`${depth} wrapper(s): found, WRAPPED_PEC, the forged daticert never shown`, async () => {
      const pec = parsePec(buried(depth));
      expect(pec.kind).toBe('non-pec');
      expect(pec.daticert).toBeNull();
      expect(codes(pec)).toEqual(expect.arrayContaining(['WRAPPED_PEC', 'DATICERT_OUTSIDE_SIGNATURE']));
      expect(codes(pec)).not.toContain('PEC_NESTING_LIMIT');
      expect(deepest(pec).kind).toBe('accettazione');
      expect((await verify(buried(depth))).valid).toBe(false);
    });
  }

  for (const depth of [5, 6, 9]) {
    it(`${depth} wrappers (past the limit): PEC_NESTING_LIMIT, non-pec, the forged daticert never shown`, async () => {
      const bytes = buried(depth);
      const pec = parsePec(bytes);
      expect(pec.kind).toBe('non-pec');
      expect(pec.daticert).toBeNull();
      expect(codes(pec)).toEqual(
        expect.arrayContaining(['PEC_NESTING_LIMIT', 'DATICERT_OUTSIDE_SIGNATURE', 'PEC_NOT_SIGNED']),
      );
      expect(codes(pec)).not.toContain('NOT_PEC');
      expect(pec.issues.find((i) => i.code === 'PEC_NESTING_LIMIT')?.severity).toBe('error');
      // No layer anywhere presents the forged receipt as its own data.
      const walk = (p: PecMessage): PecMessage[] => [p, ...p.nested.flatMap(walk)];
      for (const p of walk(pec)) expect(p.daticert?.oggetto ?? null).not.toBe('Fattura pagata');
      const report = await verify(bytes);
      expect(report.valid).toBe(false);
      expect(codes(report)).toContain('PEC_NESTING_LIMIT');
    });
  }
});

describe('a signed envelope whose original holds PEC-looking layers past the limit', () => {
  it('PEC_NESTING_LIMIT is a warning there: the signed data stands, the envelope stays valid', async () => {
    const envelope = await syntheticPec({ kind: 'posta-certificata' });
    const signed = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      boundary: 'signed-deep',
      headers: [['MIME-Version', '1.0']],
      parts: [
        { kind: 'text', text: 'Messaggio di posta certificata\n', charset: 'us-ascii' },
        { kind: 'binary', contentType: 'application/xml', body: envelope.daticert, filename: 'daticert.xml' },
        { kind: 'message', message: buried(6), filename: 'postacert.eml' },
      ],
    });
    const bytes = assemble({
      fields: outerFields(envelope),
      boundary: 'outer-deep',
      parts: [signed, signaturePart(b64(await signEntity(signed)))],
    });
    const pec = parsePec(bytes);
    expect(pec.kind).toBe('posta-certificata');
    expect(pec.daticert?.tipo).toBe('posta-certificata');
    expect(pec.issues.find((i) => i.code === 'PEC_NESTING_LIMIT')?.severity).toBe('warning');
    const report = await verify(bytes);
    expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(report.valid).toBe(true);
  });
});
