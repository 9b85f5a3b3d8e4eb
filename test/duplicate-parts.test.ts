// Two daticert.xml (or two originals) in one signed part (issue 11): the reader used the first one
// silently, while another reader may take the other. Both are errors: the message is not valid.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeEntity } from '../src/mime/write.js';
import type { MimeNode } from '../src/mime/write-types.js';
import { parsePec } from '../src/reading/parse.js';
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

let envelope: Synthetic;
beforeAll(async () => {
  envelope = await syntheticPec({ kind: 'posta-certificata' });
  expect((await verify(envelope.bytes)).valid).toBe(true);
});

const daticert = (xml: Uint8Array): MimeNode => ({
  kind: 'binary',
  contentType: 'application/xml',
  body: xml,
  filename: 'daticert.xml',
  disposition: 'inline',
});
const postacert = (eml: string): MimeNode => ({
  kind: 'message',
  message: enc(eml),
  filename: 'postacert.eml',
  disposition: 'inline',
});
/** The genuine envelope's signed content with `parts` instead, signed again by the test provider. */
async function signedWith(parts: MimeNode[]): Promise<Uint8Array> {
  const signed = writeEntity({
    kind: 'multipart',
    subtype: 'mixed',
    boundary: 'dup-inner',
    headers: [['MIME-Version', '1.0']],
    parts,
  });
  const der = await signEntity(signed);
  return assemble({
    fields: outerFields(envelope),
    boundary: 'dup-outer',
    parts: [signed, signaturePart(b64(der))],
  });
}

describe('duplicate PEC parts in the signed content', () => {
  const original = (): string => latin1(parsePec(envelope.bytes).original!.raw);
  const forged = (): Uint8Array =>
    enc(latin1(envelope.daticert).replace(/<oggetto>[^<]*</, '<oggetto>Fattura pagata<'));
  const text: MimeNode = { kind: 'text', text: 'Messaggio di posta certificata\n', charset: 'us-ascii' };

  it('the same content with one daticert and one original is valid (control)', async () => {
    const bytes = await signedWith([text, daticert(envelope.daticert), postacert(original())]);
    const r = await verify(bytes);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.valid).toBe(true);
  });

  for (const [name, parts] of [
    ['side by side', () => [text, daticert(envelope.daticert), daticert(forged()), postacert(original())]],
    [
      'the second one in a nested multipart',
      () => [
        text,
        daticert(envelope.daticert),
        postacert(original()),
        { kind: 'multipart', subtype: 'mixed', boundary: 'dup-nested', parts: [daticert(forged())] },
      ],
    ],
  ] as [string, () => MimeNode[]][]) {
    it(`two daticert.xml, ${name}: DATICERT_DUPLICATE (error), not valid`, async () => {
      const bytes = await signedWith(parts());
      const pec = parsePec(bytes);
      expect(pec.kind).toBe('posta-certificata');
      expect(pec.issues.find((i) => i.code === 'DATICERT_DUPLICATE')?.severity).toBe('error');
      const r = await verify(bytes);
      expect(r.signature.intact).toBe(true);
      expect(r.valid).toBe(false);
      expect(codes(r)).toContain('DATICERT_DUPLICATE');
    });
  }

  it('two originals: POSTACERT_DUPLICATE (error), not valid', async () => {
    const other = original().replace(/Subject: [^\r]*/, 'Subject: Fattura pagata');
    const bytes = await signedWith([
      text,
      daticert(envelope.daticert),
      postacert(original()),
      postacert(other),
    ]);
    const pec = parsePec(bytes);
    expect(pec.issues.find((i) => i.code === 'POSTACERT_DUPLICATE')?.severity).toBe('error');
    expect((await verify(bytes)).valid).toBe(false);
  });
});
