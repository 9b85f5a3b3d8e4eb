// Tamper suite: every single-byte change inside the signed bytes is caught; changes to the unsigned
// outer headers keep the signature intact and are reported as disagreements with the signed data.
import { describe, expect, it } from 'vitest';
import { resolveLimits } from '../src/limits.js';
import { splitSigned } from '../src/mime/signed.js';
import { createVerifier } from '../src/verify/verify.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { seeded } from './helpers/random.js';

// 17 messages × 150 = 2,550 positions per run.
const SAMPLES_PER_MESSAGE = 150;

describe.skipIf(!HAVE_CORPUS)('tamper: single-byte changes in the signed bytes of real messages', () => {
  const verify = createVerifier();
  const intact = EXPECTED.filter((e) => e.signatureIntact === true && (e.bytes as number) < 100_000);
  it('samples messages of every stored kind and line-ending style', () => {
    expect(new Set(intact.map((e) => e.kind)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(intact.map((e) => e.eol))).toEqual(new Set(['LF', 'CRLF']));
  });
  for (const e of intact) {
    it(`${e.file}: ${SAMPLES_PER_MESSAGE} sampled positions`, async () => {
      const original = corpusBytes(e.file);
      const parts = splitSigned(original as never, resolveLimits());
      const start = parts.signedOffset;
      const length = parts.signed.length;
      const random = seeded(length);
      const positions = new Set<number>([start, start + length - 1]);
      while (positions.size < SAMPLES_PER_MESSAGE) positions.add(start + Math.floor(random() * length));
      const missed: number[] = [];
      for (const pos of positions) {
        const copy = original.slice();
        copy[pos] = copy[pos]! ^ (1 + Math.floor(random() * 255));
        const r = await verify(copy);
        if (r.valid || r.signature.intact === true) missed.push(pos);
      }
      expect(missed).toEqual([]);
    });
  }
});

describe.skipIf(!HAVE_CORPUS)('tamper: unsigned outer headers', () => {
  const verify = createVerifier();
  const latin1 = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
  const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  // Replace the first occurrence of a header line in the top-level header block only.
  const editHeader = (raw: Uint8Array, name: string, value: string): Uint8Array => {
    const text = latin1(raw);
    const end = text.search(/\r?\n\r?\n/);
    const head = text.slice(0, end);
    const re = new RegExp(`^${name}:[^\\n]*(\\n[ \\t][^\\n]*)*`, 'im');
    expect(re.test(head), `${name} present`).toBe(true);
    return bytes(head.replace(re, `${name}: ${value}${head.includes('\r\n') ? '\r' : ''}`) + text.slice(end));
  };
  const receipt = EXPECTED.find(
    (e) => e.kind === 'avvenuta-consegna' && e.signatureIntact === true && e.eol === 'CRLF',
  )!;
  const envelope = EXPECTED.find(
    (e) => e.kind === 'posta-certificata' && e.signatureIntact === true && e.eol === 'CRLF',
  )!;

  const cases: [string, () => Uint8Array, string][] = [
    [
      'X-Ricevuta',
      () => editHeader(corpusBytes(receipt.file), 'X-Ricevuta', 'errore-consegna'),
      'KIND_HEADER_MISMATCH',
    ],
    [
      'Subject prefix',
      () => editHeader(corpusBytes(receipt.file), 'Subject', 'ACCETTAZIONE: forged'),
      'SUBJECT_PREFIX_MISMATCH',
    ],
    [
      'Subject text',
      () => editHeader(corpusBytes(receipt.file), 'Subject', 'CONSEGNA: forged subject'),
      'SUBJECT_MISMATCH',
    ],
    [
      'X-Riferimento-Message-ID',
      () => editHeader(corpusBytes(receipt.file), 'X-Riferimento-Message-ID', '<forged@example.com>'),
      'RIFERIMENTO_MISMATCH',
    ],
    [
      'envelope Message-ID',
      () => editHeader(corpusBytes(envelope.file), 'Message-ID', '<forged@example.com>'),
      'MESSAGE_ID_MISMATCH',
    ],
    [
      'X-Trasporto',
      () => editHeader(corpusBytes(envelope.file), 'X-Trasporto', 'errore'),
      'KIND_HEADER_MISMATCH',
    ],
  ];
  for (const [what, make, code] of cases) {
    it(`${what}: signature stays intact, the signed data stands, ${code} is reported`, async () => {
      const r = await verify(make());
      expect(r.signature.intact).toBe(true);
      expect(r.chain.trusted).toBe(true);
      expect(r.kind).toBe(
        what.startsWith('X-Trasporto') || what.startsWith('envelope')
          ? 'posta-certificata'
          : 'avvenuta-consegna',
      );
      expect(r.issues.map((i) => i.code)).toContain(code);
    });
  }

  it('a From that is not the signer address is an error (S/MIME clients treat it as forgery)', async () => {
    const r = await verify(
      editHeader(corpusBytes(receipt.file), 'From', 'posta-certificata@evil.example.com'),
    );
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(r.issues.find((i) => i.code === 'SIGNER_FROM_MISMATCH')?.severity).toBe('error');
  });
});
