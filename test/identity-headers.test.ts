// Ambiguous identity headers (issue 11): the top-level From is what verifyPec checks against the
// signer certificate, and it is unsigned. When readers can disagree on it (two From fields, two
// mailboxes, none, an encoded-word as the address, an <address> inside the display name) or on
// what the message is (two Content-Type fields), the message is not valid: each ambiguity is an
// error issue. postal-mime is the "other reader" shown where it reads another address.
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { addressAmbiguities, readMailboxes } from '../src/mime/address.js';
import { parsePec } from '../src/reading/parse.js';
import { createVerifier } from '../src/verify/verify.js';
import { enc, latin1, PROVIDER, type Synthetic, syntheticPec, TEST_TRUST } from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });
const codes = (r: { issues: { code: string }[] }): string[] => r.issues.map((i) => i.code);
const EVIL = 'posta-certificata@pec-example.it';

let receipt: Synthetic;
beforeAll(async () => {
  receipt = await syntheticPec({ kind: 'accettazione' });
  const r = await verify(receipt.bytes);
  expect(r.valid).toBe(true);
});

/** The genuine receipt with its From line replaced by `lines` (zero, one or several header lines). */
function withFrom(lines: string[]): Uint8Array {
  const text = latin1(receipt.bytes);
  const from = `From: ${PROVIDER}\r\n`;
  expect(text.startsWith(from)).toBe(true);
  return enc(lines.map((l) => `${l}\r\n`).join('') + text.slice(from.length));
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const cases: { name: string; lines: string[]; code: string; otherReader?: string }[] = [
  { name: 'two From fields', lines: [`From: ${PROVIDER}`, `From: ${EVIL}`], code: 'FROM_DUPLICATE' },
  {
    name: 'a From with two mailboxes',
    lines: [`From: ${PROVIDER}, ${EVIL}`],
    code: 'FROM_MULTIPLE_MAILBOXES',
  },
  { name: 'no From at all', lines: [], code: 'FROM_MISSING' },
  { name: 'a From without an address', lines: ['From: Posta Certificata'], code: 'FROM_MISSING' },
  {
    name: 'an encoded-word as the address (Q)',
    lines: [`From: =?utf-8?Q?${PROVIDER}?=`],
    code: 'FROM_ENCODED_ADDRESS',
    otherReader: `=?utf-8?Q?${PROVIDER}?=`,
  },
  {
    name: 'an encoded-word as the address (B, no @ in the raw text)',
    lines: [`From: =?utf-8?B?${b64(PROVIDER)}?=`],
    code: 'FROM_ENCODED_ADDRESS',
  },
  {
    name: 'an encoded-word display name holding <address>',
    lines: [`From: =?utf-8?Q?Posta_<${EVIL}>?= <${PROVIDER}>`],
    code: 'FROM_NAME_ADDRESS',
    otherReader: EVIL,
  },
  {
    name: 'an unquoted display name that is an <address>',
    lines: [`From: <${EVIL}> <${PROVIDER}>`],
    code: 'FROM_NAME_ADDRESS',
    otherReader: EVIL,
  },
  {
    name: 'a quoted display name holding <address>',
    lines: [`From: "${PROVIDER} <${PROVIDER}>" <${PROVIDER}>`],
    code: 'FROM_NAME_ADDRESS',
  },
];

describe('ambiguous From of a signed receipt', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.code} (error), not valid`, async () => {
      const bytes = withFrom(c.lines);
      const pec = parsePec(bytes);
      expect(pec.kind).toBe('accettazione');
      const found = pec.issues.find((i) => i.code === c.code);
      expect(found?.severity).toBe('error');
      const report = await verify(bytes);
      expect(report.signature.intact).toBe(true); // the headers are unsigned: only they changed
      expect(report.valid).toBe(false);
      expect(codes(report)).toContain(c.code);
      if (c.otherReader) {
        const email = await PostalMime.parse(bytes);
        expect(email.from?.address).toBe(c.otherReader);
      }
    });
  }

  it('two top-level Content-Type fields: CONTENT_TYPE_DUPLICATE (error), not valid', async () => {
    const text = latin1(receipt.bytes);
    const at = text.indexOf('Content-Type: multipart/signed');
    const bytes = enc(`${text.slice(0, at)}Content-Type: text/plain\r\n${text.slice(at)}`);
    // The first says text/plain: pec-kit reads an unsigned message, another reader a signed one.
    expect(parsePec(bytes).signature).toBeNull();
    expect(codes(parsePec(bytes))).toEqual(
      expect.arrayContaining(['CONTENT_TYPE_DUPLICATE', 'PEC_NOT_SIGNED']),
    );
    const after = enc(
      text.replace(
        /(Content-Type: multipart\/signed[^\r]*\r\n(?:[ \t][^\r]*\r\n)*)/,
        '$1Content-Type: text/plain\r\n',
      ),
    );
    const pec = parsePec(after);
    expect(pec.kind).toBe('accettazione');
    expect(pec.issues.find((i) => i.code === 'CONTENT_TYPE_DUPLICATE')?.severity).toBe('error');
    const report = await verify(after);
    expect(report.valid).toBe(false);
  });

  it('ordinary PEC From fields stay clean (envelope "Per conto di", receipts, encoded display names)', async () => {
    for (const raw of [
      `"Per conto di: mario.rossi@pec.example.it" <${PROVIDER}>`,
      PROVIDER,
      `=?UTF-8?Q?Per_conto_di:_mario.rossi@pec.example.it?= <${PROVIDER}>`,
      `Posta Certificata (gestore) <${PROVIDER}>`,
    ]) {
      expect(addressAmbiguities(raw)).toEqual([]);
      expect(readMailboxes(raw).map((m) => m.address)).toEqual([PROVIDER]);
    }
    expect(codes(parsePec(receipt.bytes)).filter((c) => c.startsWith('FROM_'))).toEqual([]);
    const envelope = await syntheticPec({ kind: 'posta-certificata' });
    const r = await verify(envelope.bytes);
    expect(r.valid).toBe(true);
    expect(parsePec(envelope.bytes).headers.fromName).toBe('Per conto di: mario.rossi@pec.example.it');
  });

  it('an encoded-word address is not decoded into the signer address', () => {
    const pec = parsePec(withFrom([`From: =?utf-8?Q?${PROVIDER}?=`]));
    expect(pec.headers.from).toBe(`=?utf-8?Q?${PROVIDER}?=`);
  });

  it('addresses come from the raw value: RFC 2047 is undone in display names only', () => {
    expect(readMailboxes(`=?utf-8?Q?Mario_Rossi?= <${PROVIDER}>`)).toEqual([
      { name: 'Mario Rossi', address: PROVIDER },
    ]);
    expect(readMailboxes(`=?utf-8?B?${b64(PROVIDER)}?=`)).toEqual([]);
  });
});
