// Round trip: parsePec(build(x)) gives back exactly what was built — kind, every daticert field,
// delivery form, breve hashes, postacert.eml (Message-ID = identificativo, X-Riferimento) — and
// verifyPec finds every built message valid against the test root.
import { describe, expect, it } from 'vitest';
import { ascii, equalBytes, toCRLF, toHex } from '../src/bytes.js';
import { resolveLimits } from '../src/limits.js';
import { readMime, walk } from '../src/mime/read.js';
import { decodeTransfer } from '../src/mime/transfer.js';
import {
  type BuiltPec,
  buildAnomaly,
  buildEnvelope,
  buildReceipt,
  type ReceiptInput,
} from '../src/provider/build.js';
import { checkSubmission } from '../src/provider/checks.js';
import { transactionFromEnvelope } from '../src/provider/transaction.js';
import { type PecMessage, parsePec } from '../src/reading/parse.js';
import { verifyBreveHashes } from '../src/verify/breve.js';
import { verifyPec } from '../src/verify/verify.js';
import { original, providerA, providerB, ROOT, SUMMER, transaction, WINTER } from './helpers/build.js';

const TO = 'protocollo@postacert.example.org';
const CC = 'archivio@pec.example.it';
const MSGID = '<20250114101500.4f2a9c@client.example.it>';

/** What every built PEC message must satisfy once parsed and verified. */
async function roundTrip(built: BuiltPec, extraIssues: string[] = []): Promise<PecMessage> {
  const pec = parsePec(built.bytes);
  expect(pec.kind).toBe(built.kind);
  expect(pec.daticert).toEqual(built.daticert);
  expect(pec.headers.messageId).toBe(built.messageId);
  expect(pec.headers.date).toBe(built.date);
  expect(pec.issues.filter((i) => !extraIssues.includes(i.code))).toEqual([]);
  const report = await verifyPec(built.bytes, { trust: [ROOT] });
  expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(report.valid).toBe(true);
  expect(report.signature.signingTime).toBe(built.at.toISOString());
  if (built.daticert) expect(built.daticert.dataUtc).toBe(built.at.toISOString().replace('.000Z', 'Z'));
  return pec;
}

for (const providerCompat of [false, true]) {
  describe(`round trip (${providerCompat ? 'providerCompat' : 'default'})`, () => {
    const common = { providerCompat };

    it('posta-certificata: envelope without X-TipoRicevuta', async () => {
      const tx = transaction();
      const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
      const pec = await roundTrip(env);
      if (pec.kind !== 'posta-certificata') throw new Error('kind');
      expect(env.messageId).toBe(`<${tx.identificativo}>`);
      expect(env.identificativo).toBe(tx.identificativo);
      expect(env.at).toEqual(tx.at);
      expect(pec.ricevutaRichiesta).toBe('completa');
      expect(pec.daticert).toMatchObject({
        tipo: 'posta-certificata',
        errore: 'nessuno',
        mittente: 'mario.rossi@pec.example.it',
        destinatari: [
          { address: TO, tipo: 'certificato' },
          { address: 'tributi@postacert.example.org', tipo: 'certificato' },
          { address: CC, tipo: 'certificato' },
        ],
        risposte: 'mario.rossi@pec.example.it',
        oggetto: 'Fattura n. 12/2025 – così',
        gestoreEmittente: 'Example PEC S.p.A.',
        data: { giorno: '14/01/2025', ora: '10:15:00', zona: '+0100' },
        identificativo: tx.identificativo,
        msgid: MSGID,
        ricevutaTipo: 'completa',
      });
      expect(pec.headers).toMatchObject({
        from: 'posta-certificata@pec.example.it',
        fromName: 'Per conto di: mario.rossi@pec.example.it',
        to: [TO, 'tributi@postacert.example.org'],
        cc: [CC],
        subject: 'POSTA CERTIFICATA: Fattura n. 12/2025 – così',
        xTrasporto: 'posta-certificata',
        xRiferimentoMessageId: MSGID,
        xTipoRicevuta: null,
        xRicevuta: null,
      });
      expect(pec.rawHeaders.get('reply-to')).toBe('mario.rossi@pec.example.it');
      expect(pec.rawHeaders.getAll('received')).toHaveLength(1);
      // postacert.eml: the original, CRLF, Message-ID replaced, X-Riferimento added, nothing else.
      expect(pec.original?.messageId).toBe(`<${tx.identificativo}>`);
      expect(pec.original?.xRiferimentoMessageId).toBe(MSGID);
      const expected = toCRLF(
        ascii(
          original().replace(
            `Message-ID: ${MSGID}`,
            `Message-ID: <${tx.identificativo}>\nX-Riferimento-Message-ID: ${MSGID}`,
          ),
        ),
      );
      expect(equalBytes(pec.original!.raw, expected)).toBe(true);
      expect(equalBytes(tx.postacert, expected)).toBe(true);
      // The recipient's provider reads the same transaction back.
      expect(transactionFromEnvelope(env.bytes)).toEqual({ ...tx, postacert: pec.original!.raw });
    });

    it.each(['completa', 'breve', 'sintetica'] as const)(
      'posta-certificata: X-TipoRicevuta %s',
      async (tipo) => {
        const tx = transaction({ tipo });
        const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
        const pec = await roundTrip(env);
        expect(pec.headers.xTipoRicevuta).toBe(tipo);
        expect(pec.original?.xTipoRicevuta).toBe(tipo);
        expect(pec.daticert?.ricevutaTipo).toBe(tipo);
        if (pec.kind === 'posta-certificata') expect(pec.ricevutaRichiesta).toBe(tipo);
      },
    );

    it('posta-certificata: original without Message-ID has no X-Riferimento and no msgid', async () => {
      const tx = transaction({ messageId: null });
      expect(tx.msgid).toBeNull();
      const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
      const pec = await roundTrip(env);
      expect(pec.headers.xRiferimentoMessageId).toBeNull();
      expect(pec.rawHeaders.has('x-riferimento-message-id')).toBe(false);
      expect(pec.daticert?.msgid).toBeNull();
      expect(pec.original?.messageId).toBe(`<${tx.identificativo}>`);
      expect(pec.original?.xRiferimentoMessageId).toBeNull();
      const acc = await buildReceipt({
        kind: 'accettazione',
        transaction: tx,
        provider: await providerA(),
        ...common,
      });
      expect(parsePec(acc.bytes).rawHeaders.has('x-riferimento-message-id')).toBe(false);
    });

    it('accettazione: to the sender, own Message-ID, no ricevuta element, same time as the envelope', async () => {
      const tx = transaction();
      const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
      const acc = await buildReceipt({
        kind: 'accettazione',
        transaction: tx,
        provider: await providerA(),
        ...common,
      });
      const pec = await roundTrip(acc);
      expect(acc.messageId).not.toBe(env.messageId);
      expect(acc.messageId).toMatch(
        /^<opec\d{3}\.20250114101500\.\d{5}\.\d+\.\d\.\d+\.\d+@pec\.example\.it>$/,
      );
      expect(acc.date).toBe(env.date);
      expect(acc.to).toEqual(['mario.rossi@pec.example.it']);
      expect(pec.headers).toMatchObject({
        from: 'posta-certificata@pec.example.it',
        fromName: null,
        to: ['mario.rossi@pec.example.it'],
        xRicevuta: 'accettazione',
        xRiferimentoMessageId: MSGID,
        subject: 'ACCETTAZIONE: Fattura n. 12/2025 – così',
      });
      expect(pec.daticert).toMatchObject({
        tipo: 'accettazione',
        errore: 'nessuno',
        identificativo: tx.identificativo,
        msgid: MSGID,
        ricevutaTipo: null,
        consegna: null,
      });
      expect(pec.original).toBeNull();
    });

    it('non-accettazione (formal): from a refused submission, reasons in errore-esteso', async () => {
      const bad = original({
        headers: ['From: mario.rossi@pec.example.it', `Cc: ${CC}`, 'Bcc: nascosto@pec.example.it'],
      });
      const check = checkSubmission(bad, { domain: 'pec.example.it', at: WINTER });
      expect(check.accepted).toBe(false);
      expect(check.reasons.map((r) => r.code)).toEqual(['TO_MISSING', 'BCC_PRESENT']);
      const na = await buildReceipt({
        kind: 'non-accettazione',
        transaction: check.transaction,
        reasons: check.reasons,
        provider: await providerA(),
        ...common,
      });
      const pec = await roundTrip(na);
      expect(pec.headers.subject).toBe('AVVISO DI NON ACCETTAZIONE: Fattura n. 12/2025 – così');
      expect(pec.headers.xVerificaSicurezza).toBeNull();
      expect(pec.daticert).toMatchObject({
        tipo: 'non-accettazione',
        errore: 'altro',
        destinatari: [{ address: CC, tipo: 'certificato' }],
        erroreEsteso:
          '5.7.0 - Example PEC S.p.A. - errore formale: nessun destinatario principale (To); presenza di destinatari nascosti (Bcc)',
      });
      expect(pec.original).toBeNull();
      expect(pec.text).toContain('presenza di destinatari nascosti (Bcc)');
    });

    it('non-accettazione per virus: errore virus, X-VerificaSicurezza, virus subject', async () => {
      const tx = transaction();
      const na = await buildReceipt({
        kind: 'non-accettazione',
        errore: 'virus',
        transaction: tx,
        provider: await providerA(),
        ...common,
      });
      const pec = await roundTrip(na);
      expect(pec.headers.subject).toBe('AVVISO DI NON ACCETTAZIONE PER VIRUS: Fattura n. 12/2025 – così');
      expect(pec.headers.xVerificaSicurezza).toBe('errore');
      expect(pec.daticert).toMatchObject({
        errore: 'virus',
        erroreEsteso: '5.7.1 - Example PEC S.p.A. - virus rilevato nel messaggio',
      });
    });

    it('presa-in-carico: ricezione list, to the service mailbox, from the recipient provider', async () => {
      const tx = transaction();
      const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
      const rx = transactionFromEnvelope(env.bytes);
      const pic = await buildReceipt({
        kind: 'presa-in-carico',
        transaction: rx,
        ricezione: [TO, 'tributi@postacert.example.org'],
        provider: await providerB(),
        at: SUMMER,
        ...common,
      });
      const pec = await roundTrip(pic);
      expect(pec.headers).toMatchObject({
        from: 'posta-certificata@postacert.example.org',
        to: ['posta-certificata@pec.example.it'],
        xRicevuta: 'presa-in-carico',
        subject: 'PRESA IN CARICO: Fattura n. 12/2025 – così',
      });
      expect(pec.daticert).toMatchObject({
        ricezione: [TO, 'tributi@postacert.example.org'],
        consegna: null,
        gestoreEmittente: 'Postacert Example S.r.l.',
        data: { zona: '+0200', ora: '10:15:00', giorno: '14/07/2025' },
      });
      // Default ricezione: every certificato recipient.
      const all = await buildReceipt({
        kind: 'presa-in-carico',
        transaction: rx,
        provider: await providerB(),
        ...common,
      });
      expect(all.daticert?.ricezione).toEqual([TO, 'tributi@postacert.example.org', CC]);
    });

    it('avvenuta-consegna completa: the envelope postacert, consegna = recipient', async () => {
      const tx = transaction();
      const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
      const rx = transactionFromEnvelope(env.bytes);
      const del = await buildReceipt({
        kind: 'avvenuta-consegna',
        transaction: rx,
        recipient: TO,
        provider: await providerB(),
        ...common,
      });
      expect(del.deliveryForm).toBe('completa');
      const pec = await roundTrip(del);
      if (pec.kind !== 'avvenuta-consegna') throw new Error('kind');
      expect(pec.deliveryForm).toBe('completa');
      expect(pec.hashes).toEqual([]);
      expect(pec.headers).toMatchObject({
        subject: 'CONSEGNA: Fattura n. 12/2025 – così',
        to: ['mario.rossi@pec.example.it'],
        xRicevuta: 'avvenuta-consegna',
        xRiferimentoMessageId: MSGID,
        xTipoRicevuta: null,
      });
      expect(pec.daticert).toMatchObject({
        tipo: 'avvenuta-consegna',
        ricevutaTipo: 'completa',
        consegna: TO,
        identificativo: tx.identificativo,
        msgid: MSGID,
      });
      expect(equalBytes(pec.original!.raw, parsePec(env.bytes).original!.raw)).toBe(true);
      expect(pec.original?.messageId).toBe(`<${tx.identificativo}>`);
    });

    it('avvenuta-consegna breve: named parts and message/rfc822 replaced by .hash (SHA-1 of the decoded content)', async () => {
      const tx = transaction({ tipo: 'breve' });
      const env = await buildEnvelope({ transaction: tx, provider: await providerA(), ...common });
      const rx = transactionFromEnvelope(env.bytes);
      const del = await buildReceipt({
        kind: 'avvenuta-consegna',
        transaction: rx,
        recipient: TO,
        provider: await providerB(),
        ...common,
      });
      expect(del.deliveryForm).toBe('breve');
      const pec = await roundTrip(del);
      if (pec.kind !== 'avvenuta-consegna') throw new Error('kind');
      expect(pec.deliveryForm).toBe('breve');
      // Expected hashes, computed independently from the original's parts.
      const limits = resolveLimits();
      const parts = [...walk(readMime(toCRLF(ascii(original({ tipo: 'breve' })))), false)].filter(
        (p) => p.filename,
      );
      const expected = await Promise.all(
        parts.map(async (p) => ({
          filename: p.filename!,
          hashFilename: `${p.filename}.hash`,
          sha1: toHex(
            new Uint8Array(
              await crypto.subtle.digest('SHA-1', decodeTransfer(p.body, p.transferEncoding, limits)),
            ),
          ),
        })),
      );
      expect(expected.map((e) => e.filename)).toEqual(['fattura 12.pdf', 'inoltrato.eml']);
      expect(pec.hashes).toEqual(expected);
      expect(del.hashes).toEqual(expected);
      expect(pec.daticert?.ricevutaTipo).toBe('breve');
      expect(pec.original?.messageId).toBe(`<${tx.identificativo}>`);
      // The library's own breve checker agrees, on the decoded reading.
      // (message/rfc822 and text parts are hashed in their canonical CRLF form, as postacert.eml holds them.)
      const report = await verifyBreveHashes(del.bytes, toCRLF(ascii(original({ tipo: 'breve' }))));
      expect(report.ok).toBe(true);
      expect(report.entries.map((e) => e.reading)).toEqual(['decoded', 'decoded']);
      // The other reading: SHA-1 of the encoded body as it stands in postacert.eml.
      const enc = await buildReceipt({
        kind: 'avvenuta-consegna',
        transaction: rx,
        recipient: TO,
        provider: await providerB(),
        breveHashInput: 'encoded',
        ...common,
      });
      const encReport = await verifyBreveHashes(enc.bytes, toCRLF(ascii(original({ tipo: 'breve' }))));
      expect(encReport.ok).toBe(true);
      expect(encReport.entries[0]?.reading).not.toBe('decoded');
    });

    it('avvenuta-consegna sintetica: no postacert', async () => {
      const tx = transaction({ tipo: 'sintetica' });
      const del = await buildReceipt({
        kind: 'avvenuta-consegna',
        transaction: tx,
        recipient: TO,
        provider: await providerB(),
        ...common,
      });
      const pec = await roundTrip(del);
      if (pec.kind !== 'avvenuta-consegna') throw new Error('kind');
      expect(pec.deliveryForm).toBe('sintetica');
      expect(pec.original).toBeNull();
      expect(pec.daticert?.ricevutaTipo).toBe('sintetica');
    });

    it.each([null, 'completa', 'breve'] as const)(
      'avvenuta-consegna to a Cc recipient when %s was asked: sintetica',
      async (tipo) => {
        const tx = transaction({ tipo });
        const del = await buildReceipt({
          kind: 'avvenuta-consegna',
          transaction: tx,
          recipient: CC,
          provider: await providerA(),
          ...common,
        });
        expect(del.deliveryForm).toBe('sintetica');
        // daticert says what was asked (as Aruba does); the parser reports the difference as info.
        const pec = await roundTrip(del, ['DELIVERY_FORM_MISMATCH']);
        if (pec.kind !== 'avvenuta-consegna') throw new Error('kind');
        expect(pec.deliveryForm).toBe('sintetica');
        expect(pec.daticert?.ricevutaTipo).toBe(tipo ?? 'completa');
        expect(pec.issues.map((i) => [i.code, i.severity])).toEqual([['DELIVERY_FORM_MISMATCH', 'info']]);
      },
    );

    it.each([
      ['no-dest', '5.1.1 - Postacert Example S.r.l. - indirizzo non valido'],
      ['no-dominio', '5.1.2 - Postacert Example S.r.l. - dominio non valido'],
      ['altro', '5.0.0 - Postacert Example S.r.l. - errore nella consegna'],
    ] as const)('errore-consegna %s', async (errore, erroreEsteso) => {
      const tx = transaction();
      const err = await buildReceipt({
        kind: 'errore-consegna',
        errore,
        transaction: tx,
        recipient: TO,
        provider: await providerB(),
        ...common,
      });
      const pec = await roundTrip(err);
      expect(pec.headers).toMatchObject({
        subject: 'AVVISO DI MANCATA CONSEGNA: Fattura n. 12/2025 – così',
        xRicevuta: 'errore-consegna',
        xVerificaSicurezza: null,
      });
      expect(pec.daticert).toMatchObject({ tipo: 'errore-consegna', errore, consegna: TO, erroreEsteso });
      expect(pec.original).toBeNull();
      expect(pec.text).toContain(erroreEsteso);
    });

    it('errore-consegna per virus and a caller errore-esteso', async () => {
      const tx = transaction();
      const err = await buildReceipt({
        kind: 'errore-consegna',
        errore: 'virus',
        erroreEsteso: '5.7.1 - Example PEC S.p.A. - virus Eicar-Test-Signature',
        transaction: tx,
        recipient: TO,
        provider: await providerA(),
        ...common,
      });
      const pec = await roundTrip(err);
      expect(pec.headers).toMatchObject({
        subject: 'AVVISO DI MANCATA CONSEGNA PER VIRUS: Fattura n. 12/2025 – così',
        xVerificaSicurezza: 'errore',
      });
      expect(pec.daticert).toMatchObject({
        errore: 'virus',
        erroreEsteso: '5.7.1 - Example PEC S.p.A. - virus Eicar-Test-Signature',
      });
    });

    it.each([
      ['12h', 12, '4.4.1 - Example PEC S.p.A. - messaggio non ancora consegnato entro le prime dodici ore'],
      ['24h', 24, '5.4.1 - Example PEC S.p.A. - messaggio non consegnato entro le prime ventiquattro ore'],
    ] as const)('preavviso-errore-consegna %s', async (timeout, hours, erroreEsteso) => {
      const tx = transaction();
      const at = new Date(tx.at.getTime() + hours * 3_600_000);
      const n = await buildReceipt({
        kind: 'preavviso-errore-consegna',
        timeout,
        at,
        transaction: tx,
        recipient: TO,
        provider: await providerA(),
        ...common,
      });
      const pec = await roundTrip(n);
      expect(pec.headers.subject).toBe(
        'AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO: Fattura n. 12/2025 – così',
      );
      expect(pec.headers.xRicevuta).toBe('preavviso-errore-consegna');
      expect(pec.daticert).toMatchObject({
        tipo: 'preavviso-errore-consegna',
        errore: 'altro',
        consegna: TO,
        erroreEsteso,
      });
      expect(pec.daticert?.dataUtc).toBe(at.toISOString().replace('.000Z', 'Z'));
    });

    it('rilevazione-virus: X-Mittente, to the service mailbox, consegna = the affected recipient', async () => {
      const tx = transaction();
      const rv = await buildReceipt({
        kind: 'rilevazione-virus',
        transaction: tx,
        recipient: TO,
        provider: await providerB(),
        ...common,
      });
      const pec = await roundTrip(rv);
      expect(pec.headers).toMatchObject({
        subject: 'PROBLEMA DI SICUREZZA: Fattura n. 12/2025 – così',
        xRicevuta: 'rilevazione-virus',
        xMittente: 'mario.rossi@pec.example.it',
        to: ['posta-certificata@pec.example.it'],
        xVerificaSicurezza: null,
      });
      expect(pec.daticert).toMatchObject({
        tipo: 'rilevazione-virus',
        errore: 'virus',
        consegna: TO,
        erroreEsteso: '5.7.1 - Postacert Example S.r.l. - virus rilevato',
      });
      expect(pec.original).toBeNull();
    });

    it('errore (anomaly envelope): received message attached whole, Message-ID copied, no daticert', async () => {
      const received = original({ tipo: 'breve' });
      const an = await buildAnomaly({
        received,
        provider: await providerB(),
        at: SUMMER,
        reason: 'firma assente',
        ...common,
      });
      const pec = await roundTrip(an);
      expect(an.identificativo).toBeNull();
      expect(an.messageId).toBe(MSGID);
      expect(pec.daticert).toBeNull();
      expect(pec.headers).toMatchObject({
        xTrasporto: 'errore',
        messageId: MSGID,
        subject: 'ANOMALIA MESSAGGIO: Fattura n. 12/2025 – così',
        from: 'posta-certificata@postacert.example.org',
        fromName: 'Per conto di: mario.rossi@pec.example.it',
        to: [TO, 'tributi@postacert.example.org'],
        cc: [CC],
        xRiferimentoMessageId: null,
      });
      expect(pec.rawHeaders.get('reply-to')).toBe('mario.rossi@pec.example.it');
      expect(equalBytes(pec.original!.raw, toCRLF(ascii(received)))).toBe(true);
      expect(pec.text).toContain('firma assente');
      // A received message without Message-ID gets a new one.
      const noId = await buildAnomaly({
        received: original({ messageId: null }),
        provider: await providerB(),
        ...common,
      });
      expect(noId.messageId).toMatch(/^<[0-9a-f]{32}\.pec-kit@postacert\.example\.org>$/);
    });
  });
}

describe('copied headers', () => {
  it('the envelope copies Reply-To as written, and re-encodes 8-bit header bytes it cannot copy', async () => {
    // Raw UTF-8 in To (not allowed in headers, sent anyway).
    const headers = [
      'From: Mario Rossi <mario.rossi@pec.example.it>',
      'To: Ufficio Protocollo \u00e8 <protocollo@postacert.example.org>',
      'Reply-To: "Segreteria, Rossi" <segreteria@pec.example.it>',
    ];
    const raw = new TextEncoder().encode(original({ headers }));
    const check = checkSubmission(raw, { domain: 'pec.example.it', at: WINTER, strict: true });
    expect(check.transaction.replyTo).toBe('segreteria@pec.example.it');
    const env = await buildEnvelope({ transaction: check.transaction, provider: await providerA() });
    const pec = await roundTrip(env);
    expect(pec.rawHeaders.getRaw('reply-to')).toBe('"Segreteria, Rossi" <segreteria@pec.example.it>');
    expect(pec.rawHeaders.getRaw('to')).toBe(
      '=?UTF-8?Q?Ufficio_Protocollo_=C3=A8?= <protocollo@postacert.example.org>',
    );
    expect(pec.rawHeaders.get('to')).toBe('Ufficio Protocollo \u00e8 <protocollo@postacert.example.org>');
    expect(pec.daticert?.risposte).toBe('segreteria@pec.example.it');
    // postacert.eml keeps the 8-bit bytes as submitted.
    expect(pec.original?.to).toEqual(['protocollo@postacert.example.org']);
  });
});

describe('an original without Subject', () => {
  it('gives "<PREFIX>:" subjects and no oggetto', async () => {
    const check = checkSubmission(original({ subject: null }), {
      domain: 'pec.example.it',
      at: WINTER,
      strict: true,
    });
    expect(check.transaction.subject).toBeNull();
    const env = await buildEnvelope({ transaction: check.transaction, provider: await providerA() });
    const pec = await roundTrip(env);
    expect(pec.headers.subject).toBe('POSTA CERTIFICATA:');
    expect(pec.daticert?.oggetto).toBeNull();
    const acc = await buildReceipt({
      kind: 'accettazione',
      transaction: check.transaction,
      provider: await providerA(),
    });
    expect((await roundTrip(acc)).headers.subject).toBe('ACCETTAZIONE:');
  });
});

describe('one transaction, many receipts', () => {
  it('every receipt has its own Message-ID and all share the identificativo and msgid', async () => {
    const tx = transaction({ tipo: 'breve' });
    const a = await providerA();
    const b = await providerB();
    const inputs: ReceiptInput[] = [
      { kind: 'accettazione', transaction: tx, provider: a },
      { kind: 'presa-in-carico', transaction: tx, provider: b },
      { kind: 'avvenuta-consegna', transaction: tx, recipient: TO, provider: b },
      { kind: 'avvenuta-consegna', transaction: tx, recipient: CC, provider: a },
      { kind: 'errore-consegna', transaction: tx, recipient: 'tributi@postacert.example.org', provider: b },
    ];
    const built = [
      await buildEnvelope({ transaction: tx, provider: a }),
      ...(await Promise.all(inputs.map((i) => buildReceipt(i)))),
    ];
    expect(new Set(built.map((b) => b.messageId)).size).toBe(built.length);
    for (const m of built) {
      expect(m.daticert?.identificativo).toBe(tx.identificativo);
      expect(m.daticert?.msgid).toBe(MSGID);
    }
  });

  it('a fixed random source and time give byte-identical messages', async () => {
    // Deterministic but different on every call (nested multiparts need distinct boundaries).
    const counter = () => {
      let next = 1;
      return (n: number) => new Uint8Array(n).fill(next++ & 0xff);
    };
    const tx = transaction({ check: { random: counter() } });
    const one = await buildReceipt({
      kind: 'accettazione',
      transaction: tx,
      provider: await providerA(),
      random: counter(),
    });
    const two = await buildReceipt({
      kind: 'accettazione',
      transaction: tx,
      provider: await providerA(),
      random: counter(),
    });
    expect(one.messageId).toBe(two.messageId);
    // RSA PKCS#1 v1.5 is deterministic: the whole message is reproducible.
    expect(equalBytes(one.bytes, two.bytes)).toBe(true);
  });
});
