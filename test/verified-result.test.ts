// The verified result (issue 12): the certified facts exist only on a valid report; content checks
// never say pass when the signature failed or its signer is not trusted; "is it authentic?" and
// "what happened?" are separate answers; trust labels say who vouches (a PEC anchor, or only the
// caller's configuration); the report serialises to small JSON.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from '../src/limits.js';
import { splitSigned } from '../src/mime/signed.js';
import { buildReceipt } from '../src/provider/build.js';
import { attachmentContent } from '../src/reading/original.js';
import { parsePec } from '../src/reading/parse.js';
import { DEFAULT_TRUST_ANCHORS } from '../src/trust/anchors.js';
import { summarize } from '../src/verify/summary.js';
import { type VerificationReport, verifyPec } from '../src/verify/verify.js';
import { providerB, transaction } from './helpers/build.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

const trust = [TEST_ROOT_PEM];
const CONTENT = ['signer', 'daticert', 'headers', 'postacert'] as const;
const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The same receipt without its signature: the PEC headers over the signed multipart/mixed, unsigned. */
function unsign(message: Uint8Array): Uint8Array {
  const text = latin1(message);
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const kept = head
    .split(/\r\n(?![ \t])/)
    .filter((f) => !/^(content-type|mime-version|content-transfer-encoding):/i.test(f))
    .join('\r\n');
  const signed = splitSigned(message as never, resolveLimits()).signed;
  return bytes(`${kept}\r\nMIME-Version: 1.0\r\n${latin1(signed)}`);
}

/** One letter of the signed daticert's base64 changed (CRLF or LF files alike). */
function tamperAny(message: Uint8Array): Uint8Array {
  const text = latin1(message);
  const part = text.indexOf('filename="daticert.xml"');
  const blank = /\r?\n\r?\n/g;
  blank.lastIndex = part;
  const m = blank.exec(text)!;
  const pos = m.index + m[0].length + 8;
  const out = message.slice();
  out[pos] = out[pos] === 0x41 ? 0x42 : 0x41;
  return out;
}

/** No field of the verified result, and no content check passing. */
function expectNothingCertified(r: VerificationReport): void {
  expect(r.valid).toBe(false);
  expect('certified' in r).toBe(false);
  expect(r.outcome).toBeNull();
  const json = JSON.parse(JSON.stringify(r));
  expect(json).not.toHaveProperty('certified');
  expect(json.outcome).toBeNull();
  for (const name of CONTENT) expect(r.checks[name], name).not.toBe('pass');
  const s = summarize(r, 'it');
  expect(s.certified).toBeNull();
  expect(s.time).toBeNull();
  expect(s.outcome).toBeNull();
  expect(s.headline).toMatch(/^NON VALIDO: /);
}

describe('verifyPec: certified facts only with a valid verdict', () => {
  it('a valid delivery receipt carries the certified facts, the outcome and the original', async () => {
    const tx = await testTransaction();
    const r = await verifyPec(tx.consegna, { trust });
    expect(r.valid).toBe(true);
    expect(r.outcome).toBe('delivered');
    expect(r.checks).toEqual({
      signature: 'pass',
      chain: 'pass',
      signer: 'pass',
      daticert: 'pass',
      headers: 'pass',
      postacert: 'pass',
    });
    const c = r.certified!;
    expect(c).toMatchObject({
      kind: 'avvenuta-consegna',
      outcome: { status: 'delivered', failure: false, reason: null },
      provider: { name: 'Postacert Example S.r.l.', address: 'posta-certificata@postacert.example.org' },
      sender: 'mario.rossi@pec.example.it',
      subject: 'Fattura n. 42/2025',
      identificativo: 'opec210312.20250314113000.04242.42.1.7@pec.example.it',
      deliveryForm: 'breve',
      time: { utc: '2025-03-14T10:30:07.000Z', giorno: '14/03/2025', ora: '11:30:07', zona: '+0100' },
    });
    expect(c.recipients).toEqual([
      { address: 'ufficio.protocollo@postacert.example.org', tipo: 'certificato' },
    ]);
    expect(c.original?.subject).toBe('Fattura n. 42/2025');
    expect(c.hashes.map((h) => h.filename)).toEqual(['fattura-42.pdf']);
    // The parsed view stays available, named as what it is, and out of JSON.
    expect(r.unverified?.kind).toBe('avvenuta-consegna');
    expect(Object.keys(r)).not.toContain('unverified');
  });

  it('a tampered receipt (one byte of the signed daticert): nothing certified, no content check passes', async () => {
    const tx = await testTransaction();
    const r = await verifyPec(tamper(tx.consegna), { trust });
    expect(r.signature.intact).toBe(false);
    expectNothingCertified(r);
    // The unverified view is still there for a "what does it claim" display, named as such.
    expect(r.unverified?.kind).toBe('avvenuta-consegna');
    expect(summarize(r, 'it').claimed).toMatch(/^NON CERTIFICATO: /);
  });

  it('a tampered envelope (a byte of the attachment): nothing certified, the original not handed out', async () => {
    const tx = await testTransaction();
    const text = latin1(tx.envelope);
    const at = text.indexOf('filename="fattura-42.pdf"');
    const pos = text.indexOf('\r\n\r\n', at) + 8;
    const copy = tx.envelope.slice();
    copy[pos] = copy[pos] === 0x41 ? 0x42 : 0x41;
    const r = await verifyPec(copy, { trust });
    expect(r.signature.intact).toBe(false);
    expectNothingCertified(r);
  });

  it('an untrusted signer (test PKI against the default PEC anchors): nothing certified', async () => {
    const tx = await testTransaction();
    const r = await verifyPec(tx.consegna);
    expect(r.signature.intact).toBe(true);
    expect(r.chain.trusted).toBe(false);
    expectNothingCertified(r);
    expect(r.checks.daticert).toBe('unverified');
    expect(summarize(r, 'it').claimed).toContain('consegnato');
  });

  it('an unsigned receipt (PEC headers, no signature): nothing certified, content checks unverified', async () => {
    const tx = await testTransaction();
    const plain = unsign(tx.consegna);
    const pec = parsePec(plain);
    expect(pec.kind).toBe('avvenuta-consegna');
    expect(pec.daticert).not.toBeNull();
    const r = await verifyPec(plain, { trust });
    expect(r.signature.present).toBe(false);
    expect(r.issues.map((i) => i.code)).toContain('PEC_NOT_SIGNED');
    expectNothingCertified(r);
    expect(r.checks.daticert).toBe('unverified');
    expect(summarize(r, 'en').authentic).toBe(
      'Is it authentic? No: the message is not signed, so nothing in it is certified.',
    );
  });

  it('a genuine non-delivery notice is authentic and reports a failure: both answers', async () => {
    const built = await buildReceipt({
      kind: 'errore-consegna',
      transaction: transaction(),
      recipient: 'protocollo@postacert.example.org',
      errore: 'no-dest',
      erroreEsteso: '5.1.1 - casella inesistente',
      provider: await providerB(),
    });
    const r = await verifyPec(built.bytes, { trust });
    expect(r.valid).toBe(true);
    expect(r.outcome).toBe('not-delivered');
    expect(r.certified?.outcome).toEqual({
      status: 'not-delivered',
      failure: true,
      reason: 'no-dest',
      detail: '5.1.1 - casella inesistente',
      recipient: 'protocollo@postacert.example.org',
    });
    const it = summarize(r, 'it');
    expect(it.authentic).toMatch(/^È autentico\? Solo per la tua configurazione/);
    expect(it.outcomeText).toBe('Cosa è successo? NON consegnato.');
    expect(it.failure).toBe(true);
    expect(it.certified).toContain('NON ha potuto consegnare il messaggio');
    expect(it.certified).toContain('Motivo: no-dest — 5.1.1 - casella inesistente.');
  });
});

describe('trust labels that do not lie', () => {
  it('a chain to a caller certificate is "by your configuration", also next to the PEC anchors', async () => {
    const tx = await testTransaction();
    for (const t of [[TEST_ROOT_PEM], [...DEFAULT_TRUST_ANCHORS, TEST_ROOT_PEM]]) {
      const r = await verifyPec(tx.accettazione, { trust: t });
      expect(r.valid).toBe(true);
      expect(r.chain.trustSource).toBe('caller');
      const it = summarize(r, 'it');
      expect(it.trust).toBe('your-configuration');
      expect(it.headline).toMatch(/^VALIDO PER LA TUA CONFIGURAZIONE: /);
      expect(summarize(r, 'en').headline).toMatch(
        /^VALID BY YOUR CONFIGURATION: .*not an accredited PEC provider$/,
      );
    }
  });

  it.skipIf(!HAVE_CORPUS)(
    'a real provider message chains to a PEC anchor: "accredited PEC provider"',
    async () => {
      const e = EXPECTED.find((x) => x.signatureIntact === true && x.chainValidAtSigningTime === true)!;
      const r = await verifyPec(corpusBytes(e.file));
      expect(r.chain.trustSource).toBe('pec-anchor');
      if (r.valid) expect(summarize(r, 'it').headline).toMatch(/^VALIDO: messaggio PEC autentico/);
      // The same anchors given explicitly are still the PEC anchors.
      const again = await verifyPec(corpusBytes(e.file), { trust: [...DEFAULT_TRUST_ANCHORS] });
      expect(again.chain.trustSource).toBe('pec-anchor');
    },
  );
});

describe.skipIf(!HAVE_CORPUS)('the corpus: no verified field without a valid verdict', () => {
  it('every real message, and a tampered copy of each signed one', async () => {
    let tampered = 0;
    for (const e of EXPECTED) {
      if ((e.bytes as number) > 2_000_000) continue;
      const raw = corpusBytes(e.file);
      const r = await verifyPec(raw);
      if (!r.valid) expectNothingCertified(r);
      else expect(r.certified?.kind).toBe(r.kind);
      if (r.signature.intact !== true || r.chain.trusted !== true)
        for (const name of CONTENT) expect(r.checks[name]).not.toBe('pass');
      if (e.signatureIntact === true && latin1(raw).includes('filename="daticert.xml"')) {
        const t = await verifyPec(tamperAny(raw));
        expect(t.signature.intact, e.file).toBe(false);
        expectNothingCertified(t);
        tampered++;
      }
    }
    expect(tampered).toBeGreaterThan(3);
  });
});

describe('the report as JSON', () => {
  it('keeps the CLI contract and describes the original instead of dumping its bytes', async () => {
    const tx = await testTransaction();
    const r = await verifyPec(tx.envelope, { trust });
    expect(r.valid).toBe(true);
    const json = JSON.parse(JSON.stringify(r));
    for (const key of ['valid', 'kind', 'signature', 'chain', 'checks', 'issues'])
      expect(json).toHaveProperty(key);
    expect(json).not.toHaveProperty('unverified');
    expect(json.chain.trustSource).toBe('caller');
    expect(json.outcome).toBe('in-transit');
    expect(json.certified.original.attachments).toEqual([
      expect.objectContaining({ filename: 'fattura-42.pdf', contentType: 'application/pdf' }),
    ]);
    expect(JSON.stringify(r)).not.toContain('"entity"');
    expect(JSON.stringify(r).length).toBeLessThan(tx.envelope.length);
    // The live objects stay reachable in code.
    const a = r.certified!.attachments[0]!;
    expect(attachmentContent(a)).toEqual(attachmentContent(a, DEFAULT_LIMITS));
  });
});
