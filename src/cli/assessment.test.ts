// The adapter between a report and what people read: input classes, the two answers, the trust label.
import { describe, expect, it } from 'vitest';
import { providerB } from '../../test/helpers/build.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from '../../test/helpers/sample.js';
import { buildAnomaly } from '../message/build.js';
import { DEFAULT_TRUST_ANCHORS } from '../trust/index.js';
import { verifyPec } from '../verify/verify.js';
import { assess, classifyInput, romeTimeText } from './assessment.js';

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
  ])('%j is %s', (text, kind) => {
    expect(classifyInput(enc(text))).toBe(kind);
  });

  it('knows Outlook .msg (CFB) and ZIP by their magic bytes', () => {
    expect(classifyInput(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe(
      'outlook-msg',
    );
    expect(classifyInput(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('zip');
  });
});

describe('assess', () => {
  it('a valid test-CA message: authentic, "your configuration", never "pec-provider"', async () => {
    const tx = await testTransaction();
    const a = assess(await verifyPec(tx.consegna, { trust: [TEST_ROOT_PEM] }), false);
    expect(a).toMatchObject({
      authentic: true,
      outcome: 'delivered',
      outcomeIsFailure: false,
      trust: 'your-configuration',
      contentCertified: true,
      originalCertified: true,
      failure: null,
    });
    // Even with the defaults in the list, a caller-extended list is the caller's configuration.
    const b = assess(
      await verifyPec(tx.consegna, { trust: [...DEFAULT_TRUST_ANCHORS, TEST_ROOT_PEM] }),
      false,
    );
    expect(b.trust).toBe('your-configuration');
  });

  it('a tampered message: not authentic, content not certified, no content check shown as pass', async () => {
    const tx = await testTransaction();
    const report = await verifyPec(tamper(tx.envelope), { trust: [TEST_ROOT_PEM] });
    const a = assess(report, false);
    expect(a).toMatchObject({
      authentic: false,
      contentCertified: false,
      failure: 'altered',
      outcome: 'message',
    });
    expect(a.checks.signature).toBe('fail');
    for (const k of ['signer', 'daticert', 'headers', 'postacert'] as const)
      expect(a.checks[k]).not.toBe('pass');
  });

  it('a genuine anomaly envelope: authentic, but the message it carries is not certified', async () => {
    const received = enc('From: a@b.it\r\nTo: c@pec.example.org\r\nSubject: x\r\n\r\nnot PEC\r\n');
    const anomaly = await buildAnomaly({ received, provider: await providerB(), reason: 'firma non valida' });
    const a = assess(await verifyPec(anomaly.bytes, { trust: [TEST_ROOT_PEM] }), false);
    expect(a).toMatchObject({
      authentic: true,
      outcome: 'anomaly',
      outcomeIsFailure: true,
      originalCertified: false,
    });
  });

  it('untrusted chain and ordinary e-mail say why', async () => {
    const tx = await testTransaction();
    expect(assess(await verifyPec(tx.envelope), true)).toMatchObject({ failure: 'untrusted', trust: null });
    const plain = await verifyPec(enc('From: a@b.it\r\nTo: c@d.it\r\nSubject: x\r\n\r\nhi\r\n'));
    expect(assess(plain, true)).toMatchObject({ failure: 'not-pec', outcome: null });
  });

  it('one date format: Italian local time, summer time included', () => {
    expect(romeTimeText('2025-03-14T10:30:00Z', 'it')).toBe('14/03/2025 11:30:00 (ora italiana)');
    expect(romeTimeText('2025-07-01T10:30:00Z', 'en')).toBe('01/07/2025 12:30:00 (Italian time)');
  });
});
