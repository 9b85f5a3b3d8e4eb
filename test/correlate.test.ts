// correlate(): receipts and notices grouped with the message they answer, state per recipient,
// evidence for each step — on a whole transaction built with the test PKI.
import { describe, expect, it } from 'vitest';
import { ascii, toCRLF } from '../src/bytes.js';
import { buildEnvelope, buildReceipt } from '../src/message/build.js';
import { transactionFromEnvelope } from '../src/message/build-transaction.js';
import { parsePec } from '../src/message/parse.js';
import { correlate } from '../src/verify/correlate.js';
import { original, providerA, providerB, transaction, WINTER } from './helpers/build.js';

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

  it('gives each recipient its state with the evidence message', () => {
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
    const c = correlate(sent, messages);
    expect(c.msgid).toBe('<20250114101500.4f2a9c@client.example.it>');
    expect(c.identificativo).toBe(tx.identificativo);
    expect(c.acceptance).toBe('accepted');
    expect(c.accepted?.index).toBe(6);
    expect(c.unmatched).toEqual([1]);
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

  it('accepts parsed messages and a bare Message-ID, and tells a 12 h warning from a final notice', () => {
    const c = correlate('<20250114101500.4f2a9c@client.example.it>', [
      parsePec(accepted.bytes),
      parsePec(warn12.bytes),
    ]);
    expect(c.recipients.find((r) => r.address === CC)?.status).toBe('timeout-warning');
    expect(c.recipients.find((r) => r.address === TO1)?.status).toBe('sent');
  });

  it('reports a non-acceptance', async () => {
    const refused = await buildReceipt({ kind: 'non-accettazione', transaction: tx, provider: a });
    const c = correlate(sent, [refused.bytes]);
    expect(c.acceptance).toBe('not-accepted');
    expect(c.notAccepted?.errore).toBe('altro');
  });

  it('refuses a sent message without Message-ID and non-array input with a TypeError', () => {
    expect(() => correlate(toCRLF(ascii(original({ messageId: null }))), [])).toThrow(TypeError);
    expect(() => correlate(sent, 'x' as never)).toThrow(TypeError);
  });
});
