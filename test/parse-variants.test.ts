// parsePec on the shapes real mailboxes hold beyond the plain kinds: PEC forwarded inside PEC, an
// anomaly envelope wrapping a PEC envelope, LF-only storage, header spelling variants, and the
// `pec-kit inspect` JSON contract.
import { describe, expect, it } from 'vitest';
import { ascii, toCRLF } from '../src/bytes.js';
import type { Io } from '../src/cli/io.js';
import { run } from '../src/cli/main.js';
import { buildAnomaly, buildEnvelope, buildReceipt } from '../src/provider/build.js';
import { checkSubmission } from '../src/provider/checks.js';
import { parsePec } from '../src/reading/parse.js';
import { providerA, providerB, transaction, WINTER } from './helpers/build.js';
import { DATICERT_FIELDS } from './helpers/corpus.js';

const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('parsePec: nesting, anomalies, storage variants', async () => {
  const a = await providerA();
  const b = await providerB();
  const tx = transaction();
  const receipt = await buildReceipt({ kind: 'accettazione', transaction: tx, provider: a });

  it('PEC forwarded inside PEC: the original of the envelope is a receipt, reported as nested', async () => {
    const forward = [
      'From: mario.rossi@pec.example.it',
      'To: protocollo@postacert.example.org',
      'Subject: Fwd: la ricevuta',
      'Message-ID: <fwd-1@client.example.it>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="f"',
      '',
      '--f',
      'Content-Type: text/plain',
      '',
      'inoltro la ricevuta',
      '--f',
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="ricevuta.eml"',
      '',
      latin1(receipt.bytes),
      '--f--',
      '',
    ].join('\r\n');
    const fwdTx = checkSubmission(forward, {
      domain: 'pec.example.it',
      at: WINTER,
      strict: true,
    }).transaction;
    const env = await buildEnvelope({ transaction: fwdTx, provider: a });
    const pec = parsePec(env.bytes);
    expect(pec.kind).toBe('posta-certificata');
    expect(pec.nested).toHaveLength(1);
    expect(pec.nested[0]?.kind).toBe('accettazione');
    expect(pec.nested[0]?.daticert?.identificativo).toBe(tx.identificativo);
    expect(pec.issues.map((i) => i.code)).toContain('NESTED_PEC');
  });

  it('an anomaly envelope wrapping a PEC envelope: kind errore, the inner envelope nested', async () => {
    const env = await buildEnvelope({ transaction: tx, provider: a });
    const anomaly = await buildAnomaly({
      received: env.bytes,
      provider: b,
      reason: 'firma non valida',
      at: WINTER,
    });
    const pec = parsePec(anomaly.bytes);
    expect(pec.kind).toBe('errore');
    expect(pec.daticert).toBeNull();
    expect(pec.headers.subject).toMatch(/^ANOMALIA MESSAGGIO: POSTA CERTIFICATA: /);
    expect(pec.original?.messageId).toBe(`<${tx.identificativo}>`);
    expect(pec.nested[0]?.kind).toBe('posta-certificata');
  });

  it('LF-only storage and X-Tiporicevuta spelling parse the same', async () => {
    const env = await buildEnvelope({ transaction: transaction({ tipo: 'breve' }), provider: a });
    const variant = latin1(env.bytes).replace(/\r\n/g, '\n').replace('X-TipoRicevuta:', 'X-Tiporicevuta:');
    const pec = parsePec(bytes(variant));
    const ref = parsePec(env.bytes);
    expect(pec.kind).toBe('posta-certificata');
    expect(pec.daticert).toEqual(ref.daticert);
    expect(pec.headers.xTipoRicevuta).toBe('breve');
    // The LF copy's original is the same message once canonicalised.
    expect(latin1(toCRLF(pec.original!.raw))).toBe(latin1(ref.original!.raw));
  });

  it('ordinary mail is non-pec, and its text is still readable', () => {
    const mail = toCRLF(ascii('From: a@example.com\nTo: b@example.com\nSubject: ciao\n\nsolo testo\n'));
    const pec = parsePec(mail);
    expect(pec.kind).toBe('non-pec');
    expect(pec.text?.trim()).toBe('solo testo');
    expect(pec.issues.map((i) => i.code)).toEqual(['NOT_PEC']);
  });
});

describe('pec-kit inspect --json', () => {
  it('prints { file, kind, headers, daticert, original, issues } with the daticert field names', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pec-inspect-'));
    try {
      const env = await buildEnvelope({ transaction: transaction(), provider: await providerA() });
      const file = join(dir, 'busta.eml');
      writeFileSync(file, env.bytes);
      const out: string[] = [];
      const io = {
        out: (l: string) => out.push(l),
        err: (l: string) => out.push(l),
        stdout: process.stdout,
        stderr: process.stderr,
      } as Io;
      expect(await run(['inspect', '--json', file], io)).toBe(0);
      const [item] = JSON.parse(out.join('\n'));
      expect(Object.keys(item)).toEqual(
        expect.arrayContaining(['file', 'kind', 'headers', 'daticert', 'original', 'issues']),
      );
      expect(item.kind).toBe('posta-certificata');
      expect(Object.keys(item.daticert)).toEqual([...DATICERT_FIELDS]);
      expect(item.daticert.consegna).toBeNull();
      expect(item.daticert.ricezione).toEqual([]);
      expect(item.original.messageId).toBe(env.messageId);
      expect(item.original.attachments.map((x: { filename: string }) => x.filename)).toEqual([
        'fattura 12.pdf',
        'inoltrato.eml',
      ]);
      out.length = 0;
      expect(await run(['inspect', '--lang', 'it', file], io)).toBe(0);
      expect(out.join('\n')).toContain('Busta di trasporto (posta-certificata)');
      expect(await run(['inspect', join(dir, 'missing.eml')], io)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
