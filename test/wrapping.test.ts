// Signature wrapping: whatever is put around, before, after or instead of the signed bytes, the
// data parsePec returns and verifyPec judges comes from the signed entity, and every trick is
// reported. Messages are synthetic (test PKI); the forger holds a certificate with the provider's
// very name and address, issued by another root.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Daticert } from '../src/daticert/schema.js';
import { writeEntity } from '../src/mime/write.js';
import { type PecMessage, parsePec } from '../src/reading/parse.js';
import { createVerifier, type VerificationReport } from '../src/verify/verify.js';
import {
  assemble,
  b64,
  enc,
  forgerSigner,
  latin1,
  outerFields,
  RECIPIENT,
  type Synthetic,
  signaturePart,
  signEntity,
  syntheticPec,
  TEST_TRUST,
} from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });
const codes = (r: { issues: { code: string }[] }): string[] => r.issues.map((i) => i.code);

let receipt: Synthetic; // genuine accettazione
let envelope: Synthetic; // genuine posta-certificata
let forged: Synthetic; // avvenuta-consegna signed by the forger
let genuine: Daticert;

beforeAll(async () => {
  receipt = await syntheticPec({ kind: 'accettazione' });
  envelope = await syntheticPec({ kind: 'posta-certificata' });
  forged = await syntheticPec({
    kind: 'avvenuta-consegna',
    signer: await forgerSigner(),
    withChain: false,
    daticert: { consegna: 'attacker@pec.example.org', oggetto: 'Fattura pagata' },
    oggetto: 'Fattura pagata',
  });
  genuine = parsePec(receipt.bytes).daticert!;
  expect((await verify(receipt.bytes)).valid).toBe(true);
  expect((await verify(envelope.bytes)).valid).toBe(true);
  const f = await verify(forged.bytes);
  expect([f.valid, f.signature.intact, f.chain.trusted]).toEqual([false, true, false]);
});

/** The wrapper around a genuine message: ordinary mail, forwarded, with extra parts. */
function wrapper(headers: [string, string][], parts: Parameters<typeof writeEntity>[0][]): Uint8Array {
  return writeEntity({
    kind: 'multipart',
    subtype: 'mixed',
    boundary: 'wrapper-boundary-01',
    headers: [...headers, ['MIME-Version', '1.0']],
    parts,
  });
}

const forgedDaticert = (): Uint8Array =>
  enc(
    latin1(receipt.daticert)
      .replace('tipo="accettazione"', 'tipo="avvenuta-consegna"')
      .replace(/<oggetto>[^<]*</, '<oggetto>Fattura pagata<'),
  );

/** Where the daticert of a parsed message came from must never be the unsigned forgery. */
function expectNoForgery(pec: PecMessage): void {
  expect(pec.daticert?.oggetto ?? null).not.toBe('Fattura pagata');
}

describe('a forged daticert.xml next to a real signed PEC (multipart/mixed wrapper)', () => {
  const cases: [string, [string, string][]][] = [
    [
      'plain wrapper',
      [
        ['From', 'lista@example.it'],
        ['Subject', 'Fwd: ricevuta'],
      ],
    ],
    [
      'wrapper dressed as a PEC receipt (X-Ricevuta, provider From, receipt Subject)',
      [
        ['From', 'posta-certificata@pec.example.it'],
        ['Subject', 'CONSEGNA: Fattura pagata'],
        ['X-Ricevuta', 'avvenuta-consegna'],
      ],
    ],
  ];
  for (const [name, headers] of cases) {
    it(`${name}: non-pec, WRAPPED_PEC + DATICERT_OUTSIDE_SIGNATURE, the nested verdict reported`, async () => {
      const bytes = wrapper(headers, [
        { kind: 'binary', contentType: 'application/xml', body: forgedDaticert(), filename: 'daticert.xml' },
        { kind: 'message', message: envelope.bytes, filename: 'postacert.eml' },
      ]);
      const pec = parsePec(bytes);
      expect(pec.kind).toBe('non-pec');
      expect(pec.daticert).toBeNull();
      expect(codes(pec)).toEqual(expect.arrayContaining(['WRAPPED_PEC', 'DATICERT_OUTSIDE_SIGNATURE']));
      // The wrapped message is parsed on its own, from its own signed bytes.
      expect(pec.nested).toHaveLength(1);
      expect(pec.nested[0]!.kind).toBe('posta-certificata');
      expect(pec.nested[0]!.daticert?.tipo).toBe('posta-certificata');

      const report = await verify(bytes);
      expect(report.valid).toBe(false);
      expect(report.kind).toBe('non-pec');
      expect(codes(report)).toEqual(
        expect.arrayContaining(['WRAPPED_PEC', 'DATICERT_OUTSIDE_SIGNATURE', 'NESTED_VERDICT']),
      );
      expect(report.nested).toHaveLength(1);
      expect(report.nested[0]).toMatchObject({ kind: 'posta-certificata', valid: true });
      expect(report.issues.find((i) => i.code === 'NESTED_VERDICT')?.message).toMatch(/is valid/);
    });
  }

  it('the genuine PEC attached base64-encoded (forbidden for message/rfc822, sent anyway) is still found', async () => {
    const bytes = enc(
      latin1(
        wrapper(
          [['From', 'lista@example.it']],
          [
            {
              kind: 'binary',
              contentType: 'application/xml',
              body: forgedDaticert(),
              filename: 'daticert.xml',
            },
            { kind: 'binary', contentType: 'message/rfc822', body: envelope.bytes, filename: 'inoltro.eml' },
          ],
        ),
      ),
    );
    const pec = parsePec(bytes);
    expect(pec.kind).toBe('non-pec');
    expect(pec.nested.map((n) => n.kind)).toEqual(['posta-certificata']);
    const report = await verify(bytes);
    expect(report.nested.map((n) => n.valid)).toEqual([true]);
  });

  it('a plain forward of a genuine PEC is a wrapper without DATICERT_OUTSIDE_SIGNATURE', async () => {
    const bytes = wrapper(
      [['From', 'lista@example.it']],
      [
        { kind: 'text', text: 'Inoltro.' },
        { kind: 'message', message: receipt.bytes, filename: 'fwd.eml' },
      ],
    );
    const report = await verify(bytes);
    expect(codes(report)).toContain('WRAPPED_PEC');
    expect(codes(report)).not.toContain('DATICERT_OUTSIDE_SIGNATURE');
    expect(report.nested[0]).toMatchObject({ kind: 'accettazione', valid: true });
  });

  it('a wrapper holding a forger-signed PEC and a genuine one reports both verdicts separately', async () => {
    const bytes = wrapper(
      [['From', 'lista@example.it']],
      [
        { kind: 'message', message: forged.bytes, filename: 'a.eml' },
        { kind: 'message', message: receipt.bytes, filename: 'b.eml' },
      ],
    );
    const report = await verify(bytes);
    expect(report.kind).toBe('non-pec');
    expect(report.nested.map((n) => [n.kind, n.valid])).toEqual([
      ['avvenuta-consegna', false],
      ['accettazione', true],
    ]);
    expect(report.nested[0]!.chain.trusted).toBe(false);
  });
});

describe('a second multipart/signed', () => {
  it('a forger-signed multipart/signed added after the genuine signature: MIME_EXTRA_PARTS, forged data never shown', async () => {
    const bytes = assemble({
      fields: outerFields(receipt),
      boundary: receipt.outerBoundary,
      parts: [receipt.signed, signaturePart(b64(receipt.der)), forged.bytes],
    });
    const pec = parsePec(bytes);
    expect(pec.kind).toBe('accettazione');
    expect(pec.daticert).toEqual(genuine);
    expectNoForgery(pec);
    expect(codes(pec)).toContain('MIME_EXTRA_PARTS');
    const report = await verify(bytes);
    expect(report.valid).toBe(false);
    expect(codes(report)).toContain('MIME_EXTRA_PARTS');
  });

  it('a forger-signed message placed as the first part: the genuine signature does not cover it', async () => {
    const bytes = assemble({
      fields: outerFields(receipt),
      boundary: receipt.outerBoundary,
      parts: [forged.bytes, receipt.signed, signaturePart(b64(receipt.der))],
    });
    const report = await verify(bytes);
    expect(report.valid).toBe(false);
    expect(report.signature.intact).not.toBe(true);
    expect(codes(report)).toEqual(expect.arrayContaining(['MIME_EXTRA_PARTS', 'SIGNATURE_DIGEST_MISMATCH']));
  });

  it('the forger re-signs the genuine signed part with its own key: intact, untrusted, invalid', async () => {
    const der = await signEntity(receipt.signed, await forgerSigner());
    const bytes = assemble({
      fields: outerFields(receipt),
      boundary: receipt.outerBoundary,
      parts: [receipt.signed, signaturePart(b64(der))],
    });
    const report = await verify(bytes);
    expect(report.signature.intact).toBe(true);
    expect(report.chain.trusted).toBe(false);
    expect(report.valid).toBe(false);
  });

  it('a second complete multipart/signed in the epilogue is ignored, as OpenSSL ignores it', async () => {
    const other = await syntheticPec({
      kind: 'avvenuta-consegna',
      signer: await forgerSigner(),
      withChain: false,
      outerBoundary: 'forged-boundary',
    });
    const bytes = enc(latin1(receipt.bytes) + latin1(other.bytes));
    const pec = parsePec(bytes);
    expect(pec.daticert).toEqual(genuine);
    const report = await verify(bytes);
    expect(report.valid).toBe(true);
    expect(report.kind).toBe('accettazione');
  });

  it('... but when it reuses the boundary, the two readings disagree: MIME_EXTRA_PARTS, invalid', async () => {
    // Delimiters are found from the end; a forward reader stops at the first close delimiter.
    const bytes = enc(latin1(receipt.bytes) + latin1(forged.bytes));
    expect(forged.outerBoundary).toBe(receipt.outerBoundary);
    const pec = parsePec(bytes);
    expect(pec.kind).toBe('accettazione');
    expect(codes(pec)).toContain('MIME_EXTRA_PARTS');
    expectNoForgery(pec);
    const report = await verify(bytes);
    expect(report.valid).toBe(false);
    expect(codes(report)).toContain('MIME_EXTRA_PARTS');
  });

  it('a forged daticert in the preamble is never read', async () => {
    const text = latin1(receipt.bytes).replace(
      'This is an S/MIME signed message',
      `Content-Type: application/xml; name="daticert.xml"\r\n\r\n${latin1(forgedDaticert())}`,
    );
    const pec = parsePec(enc(text));
    expect(pec.daticert).toEqual(genuine);
    expect((await verify(enc(text))).valid).toBe(true);
  });
});

describe('an extra part after the signature', () => {
  it('a forged daticert part after smime.p7s: MIME_EXTRA_PARTS, invalid, the signed daticert shown', async () => {
    const extra = `Content-Type: application/xml; name="daticert.xml"\r\nContent-Disposition: inline; filename="daticert.xml"\r\n\r\n${latin1(forgedDaticert())}`;
    const bytes = assemble({
      fields: outerFields(receipt),
      boundary: receipt.outerBoundary,
      parts: [receipt.signed, signaturePart(b64(receipt.der)), extra],
    });
    const pec = parsePec(bytes);
    expect(pec.daticert).toEqual(genuine);
    expect(codes(pec)).toContain('MIME_EXTRA_PARTS');
    const report = await verify(bytes);
    expect(report.valid).toBe(false);
    expect(report.issues).toContainEqual(
      expect.objectContaining({ code: 'MIME_EXTRA_PARTS', severity: 'error' }),
    );
  });

  it('a second copy of the signature after the first: still MIME_EXTRA_PARTS, still invalid', async () => {
    const sig = signaturePart(b64(receipt.der));
    const bytes = assemble({
      fields: outerFields(receipt),
      boundary: receipt.outerBoundary,
      parts: [receipt.signed, sig, sig],
    });
    // Read from the end, the first "signature" becomes part of the signed bytes.
    const report = await verify(bytes);
    expect(report.signature.intact).toBe(false);
    expect(report.valid).toBe(false);
    expect(codes(report)).toEqual(expect.arrayContaining(['MIME_EXTRA_PARTS', 'SIGNATURE_DIGEST_MISMATCH']));
  });
});

describe('replaced unsigned headers: the signed daticert wins', () => {
  /** The genuine receipt with top-level header fields replaced (the signature is untouched). */
  async function edited(headers: [string, string][]): Promise<[PecMessage, VerificationReport]> {
    const s = await syntheticPec({ kind: 'accettazione', headers });
    expect(latin1(s.signed)).toBe(latin1(receipt.signed));
    return [parsePec(s.bytes), await verify(s.bytes)];
  }

  it('X-Ricevuta says avvenuta-consegna: kind accettazione, KIND_HEADER_MISMATCH', async () => {
    const [pec, report] = await edited([['X-Ricevuta', 'avvenuta-consegna']]);
    expect(pec.kind).toBe('accettazione');
    expect(pec.headers.xRicevuta).toBe('avvenuta-consegna');
    expect(pec.daticert).toEqual(genuine);
    expect(report.kind).toBe('accettazione');
    expect(codes(report)).toContain('KIND_HEADER_MISMATCH');
    expect(report.signature.intact).toBe(true);
  });

  it('X-Trasporto added to a receipt: still the signed kind', async () => {
    const [pec, report] = await edited([['X-Trasporto', 'posta-certificata']]);
    expect(pec.kind).toBe('accettazione');
    expect(report.kind).toBe('accettazione');
  });

  it('Subject rewritten: SUBJECT_PREFIX_MISMATCH, oggetto from the signed daticert', async () => {
    const [pec, report] = await edited([['Subject', 'CONSEGNA: Fattura pagata']]);
    expect(pec.daticert?.oggetto).toBe(genuine.oggetto);
    expect(pec.headers.subject).toBe('CONSEGNA: Fattura pagata');
    expect(codes(report)).toContain('SUBJECT_PREFIX_MISMATCH');
  });

  it('X-Riferimento-Message-ID rewritten: RIFERIMENTO_MISMATCH, msgid from the signed daticert', async () => {
    const [pec, report] = await edited([['X-Riferimento-Message-ID', '<other@mail.example.it>']]);
    expect(pec.daticert?.msgid).toBe(genuine.msgid);
    expect(codes(report)).toContain('RIFERIMENTO_MISMATCH');
  });

  it('From rewritten to another address: SIGNER_FROM_MISMATCH, invalid', async () => {
    const [, report] = await edited([['From', 'posta-certificata@pec.attacker.example']]);
    expect(report.valid).toBe(false);
    expect(codes(report)).toContain('SIGNER_FROM_MISMATCH');
  });

  it('a duplicated X-Ricevuta field (first one forged): the signed kind, and the mismatch reported', async () => {
    const text = latin1(receipt.bytes).replace(
      'X-Ricevuta: accettazione',
      'X-Ricevuta: errore-consegna\r\nX-Ricevuta: accettazione',
    );
    const pec = parsePec(enc(text));
    expect(pec.kind).toBe('accettazione');
    expect(codes(pec)).toContain('KIND_HEADER_MISMATCH');
  });

  it('envelope: "Per conto di" and Message-ID rewritten: SENDER_MISMATCH and MESSAGE_ID_MISMATCH', async () => {
    const s = await syntheticPec({
      kind: 'posta-certificata',
      headers: [
        ['From', '"Per conto di: boss@pec.example.it" <posta-certificata@pec.example.it>'],
        ['Message-ID', '<forged-id@pec.example.it>'],
      ],
    });
    const pec = parsePec(s.bytes);
    expect(pec.daticert?.mittente).toBe(genuine.mittente);
    expect(pec.daticert?.identificativo).toBe(genuine.identificativo);
    const report = await verify(s.bytes);
    expect(codes(report)).toEqual(expect.arrayContaining(['SENDER_MISMATCH', 'MESSAGE_ID_MISMATCH']));
  });
});

describe('invariant: an intact signature means the data shown is the signed data', () => {
  it('holds for every wrapping variant above and for the recipient in the forged receipt', async () => {
    const variants = [
      assemble({
        fields: outerFields(receipt),
        boundary: receipt.outerBoundary,
        parts: [receipt.signed, signaturePart(b64(receipt.der)), forged.bytes],
      }),
      enc(latin1(receipt.bytes) + latin1(forged.bytes)),
      enc(latin1(receipt.bytes).replace('X-Ricevuta: accettazione', 'X-Ricevuta: avvenuta-consegna')),
    ];
    for (const bytes of variants) {
      const report = await verify(bytes);
      const pec = parsePec(bytes);
      if (report.signature.intact === true) {
        expect(pec.daticert).toEqual(genuine);
        expect(pec.daticert?.consegna).not.toBe('attacker@pec.example.org');
      }
    }
    expect(RECIPIENT).toBe(genuine.destinatari[0]!.address);
  });
});
