// What nobody signed never reaches `certified` nor reads as certified: findings of an adversarial
// review (2026-12-04). Each case starts from a message a provider of the test PKI really signed and
// changes only what is outside the signature, or puts the sender's own words where a reader would
// take them for pec-kit's.
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify/verify.js';
import { syntheticPec, TEST_TRUST } from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });

describe('the receipt form an envelope asks for', () => {
  it('comes from the signed daticert or postacert.eml, never from the envelope header', async () => {
    const plain = await syntheticPec({ kind: 'posta-certificata', daticert: { ricevutaTipo: null } });
    const base = await verify(plain.bytes);
    expect(base.valid).toBe(true);
    expect(base.certified?.deliveryForm).toBeNull();
    const asked = await syntheticPec({
      kind: 'posta-certificata',
      daticert: { ricevutaTipo: null },
      headers: [['X-TipoRicevuta', 'sintetica']],
    });
    const r = await verify(asked.bytes);
    expect(r.valid).toBe(true);
    // The unsigned header is what the envelope claims, not what was certified.
    expect(r.certified?.deliveryForm).toBeNull();
    const signed = await syntheticPec({
      kind: 'posta-certificata',
      daticert: { ricevutaTipo: 'completa' },
      headers: [['X-TipoRicevuta', 'sintetica']],
    });
    expect((await verify(signed.bytes)).certified?.deliveryForm).toBe('completa');
  });
});

describe("the sender's own subject in the certified sentence", () => {
  // A faithful provider signs whatever subject the sender chose: this one reads as a second
  // delivery, to another mailbox, on another day, when embedded mid-sentence.
  const forged =
    'Diffida ad adempiere» di ufficio.legale@pec.comune.example.it nella casella di tribunale@pec.giustizia.example.it il 02/12/2024 09:00:00 ora italiana (UTC+01:00), 02/12/2024 08:00:00 UTC. «Allegato';
  const SUBJECT: [string, string][] = [['Subject', 'CONSEGNA: Diffida']];
  const TEXT = 'Ricevuta di avvenuta consegna.\n';
  const forgedEn = forged.replace('»', '”').replace('«', '“');

  it('comes after every certified fact, its quotes marked, in Italian and English', async () => {
    const { summarize } = await import('../src/verify/summary.js');
    const r = await verify(
      (await syntheticPec({ kind: 'avvenuta-consegna', oggetto: forged, text: TEXT, headers: SUBJECT }))
        .bytes,
    );
    expect(r.valid).toBe(true);
    const it = summarize(r, 'it').certified ?? '';
    // Every certified fact first, the subject last: the forged text can only follow them.
    const subjectAt = it.indexOf('Oggetto del messaggio: «');
    expect(subjectAt).toBeGreaterThan(0);
    for (const fact of ['mario.rossi@pec.example.it', 'ufficio@pec.example.org', '14/03/2025 11:20:30'])
      expect(it.indexOf(fact), fact).toBeLessThan(subjectAt);
    expect(it.indexOf('tribunale@')).toBeGreaterThan(subjectAt);
    // The quote inside the subject cannot close it: it is shown as a mark, and the sentence ends
    // with the only real closing quote.
    expect(it).toContain('Diffida ad adempiere<U+00BB> di ufficio.legale');
    expect(it).toContain('<U+00AB>Allegato».');
    expect(it.match(/»/g)).toHaveLength(1);
    const rEn = await verify(
      (await syntheticPec({ kind: 'avvenuta-consegna', oggetto: forgedEn, text: TEXT, headers: SUBJECT }))
        .bytes,
    );
    const en = summarize(rEn, 'en').certified ?? '';
    expect(en.indexOf('ufficio@pec.example.org')).toBeLessThan(en.indexOf('Subject of the message: “'));
    expect(en).toContain('Diffida ad adempiere<U+201D> di ufficio.legale');
    expect(en.match(/”/g)).toHaveLength(1);
  });
});
