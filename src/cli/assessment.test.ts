// The adapter between a report and what people read: input classes, the two answers, the trust label.
import { describe, expect, it } from 'vitest';
import { buildSampleTransaction } from '../../docs/verifier/sample.js';
import { providerB } from '../../test/helpers/build.js';
import { SAMPLE_AT, TEST_ROOT_PEM, tamper, testTransaction } from '../../test/helpers/sample.js';
import { buildReceipt, transactionFromEnvelope } from '../index.js';
import { buildAnomaly } from '../provider/build.js';
import { recognizeInput } from '../reading/input-kind.js';
import { createTestPki } from '../testing/index.js';
import { AGID_CA1_PEM } from '../trust/anchors.js';
import { DEFAULT_TRUST_ANCHORS } from '../trust/index.js';
import { ISSUE_TEXT_IT } from '../verify/messages-it.js';
import { summarize } from '../verify/summary.js';
import { verifyPec } from '../verify/verify.js';
import { assess, classifyInput, inputText, reportText } from './assessment.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('classifyInput', () => {
  it.each([
    ['', 'empty'],
    [' \r\n\t', 'empty'],
    ['%PDF-1.7\n', 'pdf'],
    ['-----BEGIN CERTIFICATE-----\nMII\n', 'pem'],
    ['{"a": 1}\n', 'not-email'],
    ['# README\n\ntext\n', 'not-email'],
    ['name: pec\nversion: 1\n', 'not-email'],
    ['From: a@b.it\r\nSubject: x\r\n\r\nbody', 'email'],
    ['From a@b.it Thu Jan  1 00:00:00 2025\nReceived: x\n  folded\nTo: b@c.it\n\n', 'email'],
    ['From: a@b.it\nnot a header line\n\n', 'not-email'],
    ['\0\0\0', 'empty'],
    ['/home/mario/CONSEGNA.eml\n', 'file-path'],
    ['<?xml version="1.0"?>\n<postacert tipo="consegna" errore="nessuno"></postacert>\n', 'fragment'],
  ])('%j is %s', (text, kind) => {
    expect(classifyInput(enc(text))).toBe(kind);
  });

  it('looks at the header block only: what follows the first blank line never changes the answer', () => {
    // The header block ends at the first empty line (CRLF or LF); a body, however unlike headers,
    // and a header block whose blank line comes after 64 KiB are judged as before.
    const heads = ['From: a@b.it\r\n', 'From: a@b.it\n', 'Subject: x\r\n  folded\r\n', 'x y\n', ' lead\n'];
    const bodies = ['', 'not a header\n', ' \tindented\n', '\r\nmore\n', 'Key: v\n'];
    const seps = ['\r\n', '\n', '\r\r\n', ''];
    for (const h of heads)
      for (const sep of seps)
        for (const body of bodies) {
          const whole = `${h}${sep}${body}`;
          const expected = sep === '' || sep === '\r\r\n' ? undefined : classifyInput(enc(`${h}${sep}`));
          if (expected !== undefined) expect(classifyInput(enc(whole)), JSON.stringify(whole)).toBe(expected);
        }
    const long = `From: a@b.it\r\n${'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(1000)}`;
    expect(long.length).toBeGreaterThan(65536);
    expect(classifyInput(enc(`${long}\r\nbody`))).toBe('email');
    expect(classifyInput(enc('From: a@b.it\r\n\r\n-----BEGIN not pem\r\n'))).toBe('email');
    expect(classifyInput(enc('From: a@b.it\r\n\r\r\nnot a header\r\n\r\n'))).toBe('not-email');
  });

  it('knows Outlook .msg (CFB) and ZIP by their magic bytes', () => {
    expect(classifyInput(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe(
      'outlook-msg',
    );
    expect(classifyInput(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('zip');
  });

  it('agrees with the library on the inputs it names, and says what to do in its words', () => {
    const pdf = enc('%PDF-1.7\n');
    expect(recognizeInput(pdf)?.code).toBe('INPUT_PDF');
    expect(inputText('pdf', 'it')).toBe(
      'È un documento PDF, non un messaggio di posta: una stampa o un allegato non provano nulla; verificare il messaggio PEC completo salvato come .eml.',
    );
    expect(inputText('empty', 'en')).toBe(
      'The input is empty (or only blanks): read the .eml file again and pass its content.',
    );
    expect(inputText('zip', 'it')).toBe('È un archivio ZIP: estrai i file .eml e verifica quelli.');
  });
});

describe('assess', () => {
  it('a valid test-CA message: authentic, "your configuration" from chain.trustSource, never "pec-provider"', async () => {
    const tx = await testTransaction();
    const report = await verifyPec(tx.consegna, { trust: [TEST_ROOT_PEM] });
    const a = assess(report, 'it');
    expect(a).toMatchObject({
      authentic: true,
      outcome: 'delivered',
      claimedOutcome: null,
      outcomeIsFailure: false,
      trust: 'your-configuration',
      contentCertified: true,
      originalCertified: true,
    });
    expect(a.summary).toEqual(summarize(report, 'it'));
    // With the defaults in the list, a chain to the added test CA is still the caller's configuration.
    const b = assess(
      await verifyPec(tx.consegna, { trust: [...DEFAULT_TRUST_ANCHORS, TEST_ROOT_PEM] }),
      'en',
    );
    expect(b.trust).toBe('your-configuration');
    expect(reportText(await verifyPec(tx.consegna, { trust: [TEST_ROOT_PEM] }), 'it').note).toBe(
      '; attendibile per la tua configurazione',
    );
  });

  it('a test-PKI chain with only the AgID CA1 as anchor: nothing trusted, no trust label', async () => {
    const tx = await testTransaction();
    const a = assess(await verifyPec(tx.consegna, { trust: [AGID_CA1_PEM] }), 'it');
    expect(a).toMatchObject({ authentic: false, trust: null, outcome: null, contentCertified: false });
  });

  it('a tampered message: not authentic, content not certified, the claimed outcome apart', async () => {
    const tx = await testTransaction();
    const report = await verifyPec(tamper(tx.envelope), { trust: [TEST_ROOT_PEM] });
    const a = assess(report, 'it');
    expect(a).toMatchObject({
      authentic: false,
      contentCertified: false,
      originalCertified: false,
      outcome: null,
      claimedOutcome: 'in-transit',
    });
    expect(a.summary.certified).toBeNull();
    expect(a.summary.headline).toBe(`NON VALIDO: ${a.summary.reason}`);
    expect(a.summary.reason).toMatch(/^la firma non corrisponde al contenuto/);
    const t = reportText(report, 'it');
    expect(t.reason).toBe(a.summary.authentic);
    expect(t.reason).toMatch(/^È autentico\? No: la firma non corrisponde al contenuto/);
    const digest = t.issues.find((i) => i.code === 'SIGNATURE_DIGEST_MISMATCH')!;
    expect(digest).toMatchObject({ tag: 'errore', text: ISSUE_TEXT_IT.SIGNATURE_DIGEST_MISMATCH });
    expect(digest.detail).toBe(report.issues.find((i) => i.code === 'SIGNATURE_DIGEST_MISMATCH')!.message);
    const en = reportText(report, 'en').issues.find((i) => i.code === 'SIGNATURE_DIGEST_MISMATCH')!;
    expect(en).toMatchObject({ tag: 'error', text: digest.detail, detail: null });
  });

  it('a genuine non-delivery notice: authentic and a failure, the failure on the status line', async () => {
    const pki = await createTestPki({ at: SAMPLE_AT });
    const [sender, recipient] = await Promise.all([
      pki.provider('pec.a.example'),
      pki.provider('pec.b.example'),
    ]);
    const other = await buildSampleTransaction({ sender, recipient, at: SAMPLE_AT });
    const notice = await buildReceipt({
      kind: 'errore-consegna',
      transaction: transactionFromEnvelope(other.envelope),
      recipient: other.to,
      provider: recipient,
      at: new Date(SAMPLE_AT.getTime() + 9000),
    });
    const report = await verifyPec(notice.bytes, { trust: [pki.rootPem] });
    expect(assess(report, 'it')).toMatchObject({
      authentic: true,
      outcome: 'not-delivered',
      outcomeIsFailure: true,
    });
    expect(reportText(report, 'it').note).toBe('; attendibile per la tua configurazione; NON consegnato');
    expect(reportText(report, 'en').note).toBe('; trusted by your configuration; NOT delivered');
  });

  it('a genuine anomaly envelope: authentic, but the message it carries is not certified', async () => {
    const received = enc('From: a@b.it\r\nTo: c@pec.example.org\r\nSubject: x\r\n\r\nnot PEC\r\n');
    const anomaly = await buildAnomaly({ received, provider: await providerB(), reason: 'firma non valida' });
    const a = assess(await verifyPec(anomaly.bytes, { trust: [TEST_ROOT_PEM] }), 'it');
    expect(a).toMatchObject({
      authentic: true,
      outcome: 'anomaly',
      contentCertified: true,
      originalCertified: false,
    });
  });

  it('untrusted chain and ordinary e-mail: no trust label, no outcome', async () => {
    const tx = await testTransaction();
    expect(assess(await verifyPec(tx.envelope), 'it')).toMatchObject({
      trust: null,
      outcome: null,
      claimedOutcome: 'in-transit',
    });
    const plain = await verifyPec(enc('From: a@b.it\r\nTo: c@d.it\r\nSubject: x\r\n\r\nhi\r\n'));
    expect(assess(plain, 'it')).toMatchObject({ authentic: false, outcome: null, claimedOutcome: null });
  });
});
