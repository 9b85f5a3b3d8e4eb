// verifyBreveHashes: a breve receipt checked against the sender's stored original — matching,
// differing, missing and unhashed attachments, and wrong inputs.
import { describe, expect, it } from 'vitest';
import { ascii, toCRLF } from '../src/bytes.js';
import { buildEnvelope, buildReceipt } from '../src/provider/build.js';
import { transactionFromEnvelope } from '../src/provider/transaction.js';
import { verifyBreveHashes } from '../src/verify/breve.js';
import { original, providerA, providerB, transaction } from './helpers/build.js';

describe('verifyBreveHashes', async () => {
  const tx = transaction({ tipo: 'breve' });
  const env = await buildEnvelope({ transaction: tx, provider: await providerA() });
  const receipt = await buildReceipt({
    kind: 'avvenuta-consegna',
    transaction: transactionFromEnvelope(env.bytes),
    recipient: 'protocollo@postacert.example.org',
    provider: await providerB(),
  });
  const sent = original({ tipo: 'breve' });

  it('matches the message the sender kept, stored with LF or CRLF', async () => {
    for (const kept of [ascii(sent), toCRLF(ascii(sent))]) {
      const r = await verifyBreveHashes(receipt.bytes, kept);
      expect(r.ok).toBe(true);
      expect(r.entries.map((e) => [e.filename, e.status])).toEqual([
        ['fattura 12.pdf', 'match'],
        ['inoltrato.eml', 'match'],
      ]);
    }
  });

  it('reports a changed attachment as differing, with both hashes', async () => {
    const changed = sent.replace('JVBERi0xLjQK', 'JVBERi0xLjUK');
    const r = await verifyBreveHashes(receipt.bytes, ascii(changed));
    expect(r.ok).toBe(false);
    const e = r.entries.find((x) => x.filename === 'fattura 12.pdf')!;
    expect(e.status).toBe('differ');
    expect(e.expected).toMatch(/^[0-9a-f]{40}$/);
    expect(e.actual).not.toBe(e.expected);
  });

  it('reports an attachment missing from the original, and one the receipt does not hash', async () => {
    const renamed = sent.replaceAll('fattura 12.pdf', 'altro.pdf');
    const r = await verifyBreveHashes(receipt.bytes, ascii(renamed));
    expect(r.ok).toBe(false);
    expect(r.entries.find((x) => x.filename === 'fattura 12.pdf')?.status).toBe('missing');
    expect(r.entries.find((x) => x.filename === 'altro.pdf')?.status).toBe('not-in-receipt');
  });

  it('refuses what is not a breve-capable receipt with a TypeError', async () => {
    await expect(verifyBreveHashes(env.bytes, ascii(sent))).rejects.toThrow(TypeError);
    await expect(verifyBreveHashes(receipt.bytes, null as never)).rejects.toThrow(TypeError);
  });
});
