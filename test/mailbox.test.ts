// Everything a PEC mailbox holds, message by message: ordinary mail read like an original
// (text, HTML, attachments, names, UTF-7), PEC attached as a file and found with its place, and
// RFC 3464 bounces. Synthetic messages built with the test PKI; the corpus where it has the case.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { attachmentContent } from '../src/reading/original.js';
import { parsePec } from '../src/reading/parse.js';
import { createVerifier } from '../src/verify/verify.js';
import { corpusBytes, HAVE_CORPUS } from './helpers/corpus.js';
import { b64, bounce, crlf } from './helpers/mailbox.js';
import {
  enc,
  IDENTIFICATIVO,
  latin1,
  type Synthetic,
  syntheticPec,
  TEST_TRUST,
} from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });

let envelope: Synthetic;
let receipt: Synthetic;
beforeAll(async () => {
  envelope = await syntheticPec({ kind: 'posta-certificata' });
  receipt = await syntheticPec({ kind: 'accettazione' });
});

/** An ordinary message as Outlook-era PA mail writes it: alternative text/HTML, a PDF, names. */
function ordinaryMail(textCharset = 'utf-8', text = 'Buongiorno, in allegato la fattura.'): Uint8Array {
  return crlf([
    'From: "Rossi, Mario \\"Ufficio\\"" <mario.rossi@example.it>',
    'To: =?utf-8?q?Uffici=C3=B2_Tributi?= <tributi@comune.example.it>, anna@example.it',
    'Cc: "Archivio: protocollo" <archivio@example.it>',
    'Subject: =?utf-8?b?RmF0dHVyYSBuLiAxMiDigJQgcGVyY2jDqQ==?=',
    'Date: Tue, 14 Jan 2025 10:15:00 +0100',
    'Message-ID: <ordinaria-1@example.it>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    `Content-Type: text/plain; charset=${textCharset}`,
    '',
    text,
    '--alt',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p>Buongiorno, in allegato la fattura =E2=80=94 perch=C3=A9.</p>',
    '--alt--',
    '',
    '--mix',
    'Content-Type: application/pdf; name="fattura.pdf"',
    'Content-Disposition: attachment; filename="fattura.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(enc('%PDF-1.4 fattura')),
    '--mix--',
    '',
  ]);
}

/** Ordinary mail carrying `inner` as a file attachment (`type`, `name`), base64. */
function withAttachedFile(inner: Uint8Array, type: string, name: string): Uint8Array {
  return crlf([
    'From: collega@example.it',
    'To: me@pec.example.it',
    'Subject: I: ricevuta',
    'Message-ID: <inoltro-1@example.it>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="fwd"',
    '',
    '--fwd',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Ti inoltro la PEC.',
    '--fwd',
    `Content-Type: ${type}; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    b64(inner),
    '--fwd--',
    '',
  ]);
}

describe('ordinary mail reads like an original', () => {
  it('gives text, HTML, attachments with size and content, names, decoded subject and dates', () => {
    const pec = parsePec(ordinaryMail());
    expect(pec.kind).toBe('non-pec');
    const m = pec.mail;
    expect(m.subject).toBe('Fattura n. 12 \u2014 perch\u00e9');
    expect(m.from).toBe('mario.rossi@example.it');
    expect(m.fromName).toBe('Rossi, Mario "Ufficio"');
    expect(m.mailboxes.to).toEqual([
      { name: 'Ufficiò Tributi', address: 'tributi@comune.example.it' },
      { name: '', address: 'anna@example.it' },
    ]);
    expect(m.mailboxes.cc).toEqual([{ name: 'Archivio: protocollo', address: 'archivio@example.it' }]);
    expect(m.to).toEqual(['tributi@comune.example.it', 'anna@example.it']);
    expect(m.date).toBe('2025-01-14T09:15:00.000Z');
    expect(m.dateHeader).toBe('Tue, 14 Jan 2025 10:15:00 +0100');
    expect(m.messageId).toBe('<ordinaria-1@example.it>');
    expect(m.text).toBe('Buongiorno, in allegato la fattura.');
    expect(m.html).toBe('<p>Buongiorno, in allegato la fattura \u2014 perch\u00e9.</p>');
    expect(m.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['fattura.pdf', 'application/pdf', 16],
    ]);
    expect(latin1(attachmentContent(m.attachments[0]!, DEFAULT_LIMITS))).toBe('%PDF-1.4 fattura');
    expect(m.deliveryStatus).toBeNull();
  });

  it('decodes a UTF-7 body (which neither TextDecoder nor postal-mime reads)', async () => {
    const pec = parsePec(ordinaryMail('utf-7', 'Gentile Sig.ra, la pratica +AOg- stata archiviata. 1 +- 1'));
    expect(pec.mail.text).toBe('Gentile Sig.ra, la pratica \u00e8 stata archiviata. 1 + 1');
    const email = await pec.mail.parse();
    expect(email.text).not.toContain('\u00e8'); // what postal-mime makes of it: hence `text`
  });

  it('offers the same reading for the original of an envelope and for a receipt itself', () => {
    const pec = parsePec(envelope.bytes);
    expect(pec.original?.text).toBe('Buongiorno, in allegato nulla.\r\n');
    expect(pec.original?.mailboxes.from[0]?.address).toBe('mario.rossi@pec.example.it');
    expect(pec.original?.dateHeader).toBe('Fri, 14 Mar 2025 11:20:29 +0100');
    const r = parsePec(receipt.bytes);
    expect(r.mail.subject).toBe('ACCETTAZIONE: Fattura 12/2025');
    expect(r.mail.text).toMatch(/^Ricevuta di accettazione/);
    expect(r.mail.attachments.map((a) => a.filename)).toEqual(['daticert.xml', 'smime.p7s']);
    expect(Object.keys(r)).not.toContain('mail'); // lazy: verifying never pays for it
    expect(r.mail).toBe(r.mail); // read once, then kept
    expect((Object.create(r) as typeof r).mail).toBe(r.mail); // an object inheriting from it
    const getter = Object.getOwnPropertyDescriptor(r, 'mail')?.get;
    expect(() => getter?.call({})).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('PEC attached as a file', () => {
  it.each([
    ['application/octet-stream', 'postacert.eml', 'file'],
    ['application/octet-stream', 'Messaggio PEC.EML', 'file'],
    ['message/rfc822', 'inoltro.eml', 'message/rfc822'],
  ])('finds a PEC envelope sent as %s "%s" and verifies it as nested', async (type, name, carrier) => {
    const outer = withAttachedFile(envelope.bytes, type, name);
    const pec = parsePec(outer);
    expect(pec.kind).toBe('non-pec');
    expect(pec.nested.map((n) => n.kind)).toEqual(['posta-certificata']);
    expect(pec.nested[0]!.location).toEqual({ path: '2', filename: name, carrier, inOriginal: false });
    expect(pec.nested[0]!.daticert?.identificativo).toBe(IDENTIFICATIVO);
    expect(pec.issues.map((i) => i.code)).toContain('WRAPPED_PEC');
    const report = await verify(outer);
    expect(report.valid).toBe(false); // the wrapper is ordinary mail
    expect(report.nested.map((n) => [n.kind, n.valid, n.location?.path])).toEqual([
      ['posta-certificata', true, '2'],
    ]);
    // The nested report is the one verifyPec made: its parsed view and certified facts are there.
    expect(report.nested[0]!.unverified?.kind).toBe('posta-certificata');
    expect(report.nested[0]!.certified?.identificativo).toBe(IDENTIFICATIVO);
  });

  it('gives the path through an .eml file inside an .eml file, and through nested multiparts', () => {
    const inner = withAttachedFile(receipt.bytes, 'application/octet-stream', 'ricevuta.eml');
    const outer = withAttachedFile(inner, 'application/octet-stream', 'inoltro.eml');
    const pec = parsePec(outer);
    expect(pec.nested.map((n) => [n.kind, n.location?.path, n.location?.filename])).toEqual([
      ['accettazione', '2/2', 'ricevuta.eml'],
    ]);
  });

  it('does not take a plain .eml (no PEC inside), a text/plain .eml, or a broken file for PEC', () => {
    const plain = withAttachedFile(ordinaryMail(), 'application/octet-stream', 'mail.eml');
    expect(parsePec(plain).nested).toEqual([]);
    const asText = withAttachedFile(envelope.bytes, 'text/plain', 'nota.eml');
    expect(parsePec(asText).nested).toEqual([]);
  });

  it('a forged receipt attached as a file is found and judged not valid', async () => {
    const tampered = new Uint8Array(receipt.bytes);
    const at = latin1(tampered).indexOf('Ricevuta di accettazione');
    expect(at).toBeGreaterThan(0);
    tampered[at] = 0x72; // one byte of the signed text part: 'ricevuta'
    const report = await verify(withAttachedFile(tampered, 'application/octet-stream', 'ricevuta.eml'));
    expect(report.nested.map((n) => [n.kind, n.valid])).toEqual([['accettazione', false]]);
  });
});

describe('delivery-status notifications (RFC 3464)', () => {
  it('reads action, status, diagnostic, recipients and the returned message id', () => {
    const pec = parsePec(bounce({ messageId: `<${IDENTIFICATIVO}>`, recipient: 'nessuno@example.com' }));
    expect(pec.kind).toBe('non-pec');
    const dsn = pec.mail.deliveryStatus;
    expect(dsn).toEqual({
      reportingMta: 'mx.example.com',
      arrivalDate: 'Tue, 14 Jan 2025 10:16:58 +0100',
      recipients: [
        {
          finalRecipient: 'nessuno@example.com',
          originalRecipient: 'nessuno@example.com',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: '550 5.1.1 <nessuno@example.com>: Recipient address rejected: User unknown',
          remoteMta: 'mx2.example.com',
          lastAttemptDate: null,
        },
      ],
      original: {
        messageId: `<${IDENTIFICATIVO}>`,
        xRiferimentoMessageId: '<client-1@mail.example.it>',
        subject: 'POSTA CERTIFICATA: Fattura perch\u00e9',
        from: 'posta-certificata@pec.example.it',
        to: ['nessuno@example.com'],
        date: null,
      },
      explanation: "I'm sorry to have to inform you that your message could not be delivered.",
    });
    // Returned headers carrying X-Trasporto are not a nested PEC message (nothing signed there).
    expect(pec.nested).toEqual([]);
  });

  it('recognises a report without report-type by its status part; other mail has none', () => {
    const pec = parsePec(bounce({ messageId: '<x@y>', recipient: 'a@b.example', reportType: false }));
    expect(pec.mail.deliveryStatus?.recipients[0]?.status).toBe('5.1.1');
    expect(parsePec(ordinaryMail()).mail.deliveryStatus).toBeNull();
  });
});

describe("real providers' daticert, in a signed message", () => {
  it('a Cedacri-style &#18; in the signed oggetto: read, kept, reported, and the message stays valid', async () => {
    const good = latin1((await syntheticPec({ kind: 'accettazione' })).daticert);
    const xml = good.replace('<oggetto>Fattura 12/2025</oggetto>', '<oggetto>Fattura&#18; 12/2025</oggetto>');
    expect(xml).not.toBe(good);
    const s = await syntheticPec({ kind: 'accettazione', daticertXml: enc(`\r\n${xml}`) });
    const pec = parsePec(s.bytes);
    expect(pec.daticert?.oggetto).toBe('Fattura\u0012 12/2025');
    const codes = pec.issues.map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['DATICERT_CONTROL_CHARS', 'DATICERT_LEADING_WHITESPACE']));
    expect(codes).not.toContain('DATICERT_UNREADABLE');
    const report = await verify(s.bytes);
    expect([report.kind, report.valid]).toEqual(['accettazione', true]);
    expect(report.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});

describe.skipIf(!HAVE_CORPUS)('the corpus, read as mail', () => {
  it('gives the original of a real Aruba envelope its text and display names', () => {
    const pec = parsePec(corpusBytes('3dinformatica__docway-msa/segnatura_solo_testo.eml'));
    expect(pec.original?.fromName).toBe('invio-pec');
    expect(pec.original?.mailboxes.to[0]?.name).toBe('Test Sviluppo 3DI');
    expect(pec.original?.text?.length).toBeGreaterThan(0);
    expect(pec.mail.fromName).toBe('Per conto di: invio-pec@pec.3di.it');
  });
});
