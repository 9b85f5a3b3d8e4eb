// correlate(): receipts and notices grouped with the message they answer, state per recipient,
// evidence for each step — on a whole transaction built with the test PKI.
import { describe, expect, it } from 'vitest';
import { ascii, toCRLF } from '../src/bytes.js';
import { buildEnvelope, buildReceipt } from '../src/provider/build.js';
import { transactionFromEnvelope } from '../src/provider/transaction.js';
import { parsePec } from '../src/reading/parse.js';
import { correlate, type VerifiedMessage, verifyAndCorrelate } from '../src/verify/correlate.js';
import { createVerifier } from '../src/verify/verify.js';
import { original, providerA, providerB, ROOT, transaction, WINTER } from './helpers/build.js';
import { bounce } from './helpers/mailbox.js';

const verifier = createVerifier({ trust: [ROOT] });
const verified = (bytes: Uint8Array): Promise<VerifiedMessage> =>
  verifier(bytes).then((report) => ({ message: bytes, report }));
const all = (list: Uint8Array[]): Promise<VerifiedMessage[]> => Promise.all(list.map(verified));

const hours = (h: number) => new Date(WINTER.getTime() + h * 3600_000);
const TO1 = 'protocollo@postacert.example.org';
const TO2 = 'tributi@postacert.example.org';
const CC = 'archivio@pec.example.it';

describe('correlate', async () => {
  const a = await providerA();
  const b = await providerB();
  const tx = transaction();
  const envelope = await buildEnvelope({ transaction: tx, provider: a });
  const rx = transactionFromEnvelope(envelope.bytes);
  const accepted = await buildReceipt({ kind: 'accettazione', transaction: tx, provider: a });
  const taken = await buildReceipt({
    kind: 'presa-in-carico',
    transaction: rx,
    provider: b,
    ricezione: [TO1, TO2],
    at: hours(0.01),
  });
  const delivered = await buildReceipt({
    kind: 'avvenuta-consegna',
    transaction: rx,
    recipient: TO1,
    provider: b,
    at: hours(0.02),
  });
  const failed = await buildReceipt({
    kind: 'errore-consegna',
    transaction: rx,
    recipient: TO2,
    provider: b,
    errore: 'no-dest',
    at: hours(0.03),
  });
  const warn12 = await buildReceipt({
    kind: 'preavviso-errore-consegna',
    transaction: tx,
    recipient: CC,
    timeout: '12h',
    provider: a,
    at: hours(12),
  });
  const final24 = await buildReceipt({
    kind: 'preavviso-errore-consegna',
    transaction: tx,
    recipient: CC,
    timeout: '24h',
    provider: a,
    at: hours(23.5),
  });
  const other = await buildReceipt({
    kind: 'accettazione',
    transaction: transaction({ messageId: '<other@client.example.it>' }),
    provider: a,
  });
  const sent = toCRLF(ascii(original()));

  it('gives each recipient its state with the evidence message', async () => {
    // Input order is deliberately shuffled: correlation orders by the signed daticert time.
    const messages = [
      final24.bytes,
      other.bytes,
      failed.bytes,
      delivered.bytes,
      warn12.bytes,
      taken.bytes,
      accepted.bytes,
      envelope.bytes,
    ];
    const c = correlate(sent, await all(messages));
    expect(c.msgid).toBe('<20250114101500.4f2a9c@client.example.it>');
    expect(c.identificativo).toBe(tx.identificativo);
    expect(c.acceptance).toBe('accepted');
    expect(c.accepted?.index).toBe(6);
    expect(c.unmatched).toEqual([1]);
    expect(c.ignored).toEqual([
      { index: 1, reason: 'other-transaction', message: expect.stringMatching(/other@client/) },
    ]);
    expect(c.reason).toBeNull();
    const by = Object.fromEntries(c.recipients.map((r) => [r.address, r]));
    expect(by[TO1]).toMatchObject({
      status: 'delivered',
      tipo: 'certificato',
      delivered: { index: 3, form: 'completa' },
      takenInCharge: { index: 5 },
    });
    expect(by[TO2]).toMatchObject({ status: 'failed', failed: { index: 2, errore: 'no-dest' } });
    expect(by[TO2]?.failed?.erroreEsteso).toMatch(/^5\.1\.1/);
    expect(by[CC]?.status).toBe('timed-out');
    expect(by[CC]?.timeouts.map((t) => [t.index, t.hours])).toEqual([
      [4, 12],
      [0, 24],
    ]);
  });

  it('accepts parsed messages and a bare Message-ID, and tells a 12 h warning from a final notice', async () => {
    const c = correlate('<20250114101500.4f2a9c@client.example.it>', [
      { message: parsePec(accepted.bytes), report: await verifier(accepted.bytes) },
      { message: parsePec(warn12.bytes), report: await verifier(warn12.bytes) },
    ]);
    expect(c.recipients.find((r) => r.address === CC)?.status).toBe('timeout-warning');
    expect(c.recipients.find((r) => r.address === TO1)?.status).toBe('sent');
  });

  it('reports a non-acceptance', async () => {
    const refused = await buildReceipt({ kind: 'non-accettazione', transaction: tx, provider: a });
    const c = correlate(sent, await all([refused.bytes]));
    expect(c.acceptance).toBe('not-accepted');
    expect(c.notAccepted?.errore).toBe('altro');
  });

  it('never counts a receipt without a verdict, with a failed verdict, or with the verdict of another message', async () => {
    // A forged delivery: the genuine receipt with one byte of its signed part changed.
    const forged = new Uint8Array(delivered.bytes);
    const text = new TextDecoder('latin1').decode(forged);
    forged[text.indexOf('Ricevuta di avvenuta consegna')] = 0x72;
    expect(parsePec(forged).daticert?.consegna).toBe(TO1);
    const c = correlate(sent, [
      delivered.bytes, // raw: no verdict
      await verified(forged), // verdict: not valid
      { message: delivered.bytes, report: await verifier(accepted.bytes) }, // someone else's verdict
      parsePec(delivered.bytes), // parsed, still no verdict
    ]);
    expect(c.recipients).toEqual([]);
    expect(c.matched).toEqual([]);
    expect(c.ignored.map((i) => [i.index, i.reason])).toEqual([
      [0, 'unverified'],
      [1, 'invalid'],
      [2, 'invalid'],
      [3, 'unverified'],
    ]);
    expect(c.ignored[1]!.message).toMatch(/verification failed \(.*SIGNATURE/);
    expect(c.ignored[2]!.message).toMatch(/report is about a accettazione/);
    expect(c.reason).toMatch(
      /none of the 4 messages counts for msgid <20250114101500.4f2a9c@client.example.it> \(2 unverified, 2 invalid\)/,
    );
  });

  it('lets "5.4.1 … ventiquattro ore" decide 24 h, also at the very time of the acceptance', async () => {
    // Aruba and Namirial send the final notice as preavviso-errore-consegna; dated like the acceptance,
    // elapsed time alone would call it a 12 h warning.
    const early24 = await buildReceipt({
      kind: 'preavviso-errore-consegna',
      transaction: tx,
      recipient: CC,
      timeout: '24h',
      provider: a,
      at: WINTER,
    });
    const c = correlate(sent, await all([accepted.bytes, early24.bytes]));
    expect(c.accepted?.at).toBe(c.recipients.find((r) => r.address === CC)?.timeouts[0]?.at);
    const cc = c.recipients.find((r) => r.address === CC)!;
    expect(cc.status).toBe('timed-out');
    expect(cc.timeouts.map((t) => [t.hours, t.decidedBy])).toEqual([[24, 'text']]);
    expect(cc.timeouts[0]!.erroreEsteso).toMatch(/^5\.4\.1 .*ventiquattro/);
  });

  it('reports every pending recipient as timed out when the 24 h notice names no consegna', async () => {
    const general = await buildReceipt({
      kind: 'preavviso-errore-consegna',
      transaction: tx,
      timeout: '24h',
      provider: a,
      at: hours(23.5),
    });
    expect(parsePec(general.bytes).daticert?.consegna).toBeNull();
    // Without the acceptance: the recipients come from the notice's own daticert.
    const alone = correlate(sent, await all([general.bytes]));
    expect(alone.recipients.map((r) => [r.address, r.status])).toEqual([
      [TO1, 'timed-out'],
      [TO2, 'timed-out'],
      [CC, 'timed-out'],
    ]);
    // With a delivery for TO1: only the others.
    const some = correlate(sent, await all([accepted.bytes, delivered.bytes, general.bytes]));
    expect(some.recipients.map((r) => [r.address, r.status])).toEqual([
      [TO1, 'delivered'],
      [TO2, 'timed-out'],
      [CC, 'timed-out'],
    ]);
  });

  it('takes the sent message in any form an app holds', async () => {
    const messages = await all([accepted.bytes, delivered.bytes]);
    const envelopePec = parsePec(envelope.bytes);
    const forms = [
      sent,
      envelope.bytes,
      envelopePec,
      envelopePec.original!, // the extracted postacert.eml, as a reading
      envelopePec.original!.raw, // … and as bytes
      { msgid: '<20250114101500.4f2a9c@client.example.it>' },
      { identificativo: tx.identificativo },
      tx.identificativo, // a bare id: msgid or identificativo
      '20250114101500.4f2a9c@client.example.it',
    ];
    for (const form of forms) {
      const c = correlate(form as never, messages);
      expect(c.matched, String(typeof form)).toEqual([0, 1]);
      expect(c.identificativo).toBe(tx.identificativo);
      expect(c.recipients.find((r) => r.address === TO1)?.status).toBe('delivered');
    }
  });

  it('never throws on an id it does not recognise, and says why nothing matched', async () => {
    const messages = await all([accepted.bytes]);
    const c = correlate('not-an-id', messages);
    expect(c.matched).toEqual([]);
    expect(c.reason).toMatch(/none of the 1 messages counts for id not-an-id \(1 other-transaction\)/);
    const none = correlate(toCRLF(ascii(original({ messageId: null }))), messages);
    expect(none.reason).toMatch(/no Message-ID and no identificativo/);
    expect(correlate({}, []).reason).toMatch(/no Message-ID/);
    expect(correlate(sent, []).reason).toMatch(/no messages were given/);
  });

  it('refuses non-array input and a sent value of the wrong type with a TypeError', () => {
    expect(() => correlate(sent, 'x' as never)).toThrow(TypeError);
    expect(() => correlate(42 as never, [])).toThrow(TypeError);
    expect(() => correlate({ msgid: 42 } as never, [])).toThrow(TypeError);
  });

  it('counts an RFC 3464 bounce as an unsigned notice: bounced, never failed, never over a signed outcome', async () => {
    const dsnTo2 = bounce({ messageId: `<${tx.identificativo}>`, recipient: TO2 });
    const dsnTo1 = bounce({ messageId: `<${tx.identificativo}>`, recipient: TO1 });
    const otherDsn = bounce({ messageId: '<unrelated@example.com>', recipient: TO2 });
    const c = correlate(sent, [...(await all([accepted.bytes, delivered.bytes])), dsnTo2, dsnTo1, otherDsn]);
    const by = Object.fromEntries(c.recipients.map((r) => [r.address, r]));
    expect(by[TO2]).toMatchObject({
      status: 'bounced',
      failed: null,
      bounced: { index: 2, signed: false, via: 'mail', status: '5.1.1', reportingMta: 'mx.example.com' },
    });
    expect(by[TO2]?.bounced?.at).toBe('2025-01-14T09:16:58.000Z');
    expect(by[TO1]?.status).toBe('delivered'); // the signed delivery wins
    expect(c.matched).toEqual([0, 1, 2, 3]);
    expect(c.ignored).toEqual([
      { index: 4, reason: 'not-pec', message: expect.stringMatching(/another message/) },
    ]);
    // Matched on X-Riferimento-Message-ID too (the client msgid), without any PEC receipt.
    const viaMsgid = bounce({
      messageId: '<x@y>',
      recipient: TO2,
      xRiferimento: '<20250114101500.4f2a9c@client.example.it>',
    });
    const byMsgid = correlate(sent, [viaMsgid]);
    expect(byMsgid.recipients.map((r) => [r.address, r.status])).toEqual([[TO2, 'bounced']]);
    expect(byMsgid.acceptance).toBe('unknown');
    // A bounce of something else matches nothing.
    expect(correlate(sent, [bounce({ messageId: '<x@y>', recipient: TO2 })]).recipients).toEqual([]);
  });

  it('verifyAndCorrelate verifies each message and correlates the valid ones', async () => {
    const forged = new Uint8Array(delivered.bytes);
    forged[new TextDecoder('latin1').decode(forged).indexOf('Ricevuta di avvenuta consegna')] = 0x72;
    const c = await verifyAndCorrelate(sent, [accepted.bytes, forged], { trust: [ROOT] });
    expect(c.acceptance).toBe('accepted');
    expect(c.recipients.find((r) => r.address === TO1)?.status).toBe('sent');
    expect(c.ignored.map((i) => i.reason)).toEqual(['invalid']);
  });
});
