import { Buffer } from 'node:buffer';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { PecError } from '../errors.js';
import {
  encodeUnstructured,
  formatAddress,
  formatAddressList,
  formatDate,
  type MultipartSignedInput,
  type RandomSource,
  randomBoundary,
  writeEntity,
  writeMultipartSigned,
} from './write.js';

const enc = new TextEncoder();
const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

function expectCanonical(b: Uint8Array): void {
  const s = latin1(b);
  expect(s).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  for (const line of s.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PecError) return e.code;
    throw e;
  }
  return undefined;
}

/** The signed bytes per RFC 2046 §5.1.1: after the first delimiter line, up to the CRLF before the next. */
function extractSigned(msg: Uint8Array, boundary: string): { signed: Uint8Array; sigPart: string } {
  const s = latin1(msg);
  const first = s.indexOf(`\r\n--${boundary}\r\n`);
  const second = s.indexOf(`\r\n--${boundary}\r\n`, first + 1);
  const close = s.indexOf(`\r\n--${boundary}--\r\n`);
  expect(first).toBeGreaterThan(0);
  expect(second).toBeGreaterThan(first);
  expect(close).toBeGreaterThan(second);
  expect(s.indexOf(`\r\n--${boundary}\r\n`, second + 1)).toBe(-1);
  const start = first + boundary.length + 6;
  return { signed: msg.subarray(start, second), sigPart: s.slice(second + boundary.length + 6, close) };
}

function scripted(...fills: number[]): RandomSource {
  let calls = 0;
  return (n) => new Uint8Array(n).fill(fills[Math.min(calls++, fills.length - 1)]!);
}

/** Deterministic but different on every call (nested multiparts need distinct boundaries). */
function counting(start: number): RandomSource {
  let next = start;
  return (n) => new Uint8Array(n).fill(next++ & 0xff);
}

const der = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 7) & 0xff);

function signedEntity(): Uint8Array {
  return writeEntity(
    {
      kind: 'multipart',
      subtype: 'mixed',
      headers: [['MIME-Version', '1.0']],
      parts: [
        {
          kind: 'multipart',
          subtype: 'alternative',
          parts: [
            {
              kind: 'text',
              text: 'Ricevuta di accettazione\n\nIl giorno 28/01/2019 alle ore 12:31:50 (+0100) il messaggio\n"Fattura è pronta" proveniente da "mario.rossi@example.it" è stato accettato.\n',
              charset: 'iso-8859-1',
              disposition: 'inline',
            },
            {
              kind: 'text',
              subtype: 'html',
              text: '<html><body><p>Il messaggio &egrave; stato accettato.</p></body></html>\n',
              charset: 'iso-8859-1',
              disposition: 'inline',
            },
          ],
        },
        {
          kind: 'binary',
          contentType: 'application/xml',
          body: enc.encode(
            '<?xml version="1.0" encoding="UTF-8"?>\n<postacert tipo="accettazione" errore="nessuno"/>\n',
          ),
          filename: 'daticert.xml',
          disposition: 'inline',
        },
        {
          kind: 'message',
          message: enc.encode('From: mario.rossi@example.it\nTo: a@b.it\nSubject: Fattura\n\nCiao\n'),
          filename: 'postacert.eml',
          disposition: 'inline',
        },
      ],
    },
    { randomBytes: counting(0x20) },
  );
}

function input(over: Partial<MultipartSignedInput> = {}): MultipartSignedInput {
  return {
    signedEntity: signedEntity(),
    signature: der,
    protocol: 'application/pkcs7-signature',
    micalg: 'sha-256',
    outerHeaders: [
      [
        'From',
        formatAddress({
          name: 'Per conto di: mario.rossi@example.it',
          address: 'posta-certificata@pec.example.it',
        }),
      ],
      ['Subject', encodeUnstructured('POSTA CERTIFICATA: Fattura è pronta')],
    ],
    ...over,
  };
}

describe('writeMultipartSigned', () => {
  it('writes the S/MIME envelope byte for byte', () => {
    const i = input({ boundary: 'SIG-B' });
    const msg = writeMultipartSigned(i);
    expectCanonical(msg);
    const b64 = Buffer.from(der).toString('base64').replace(/.{76}/g, '$&\r\n');
    const expected =
      'From: "Per conto di: mario.rossi@example.it"\r\n <posta-certificata@pec.example.it>\r\n' +
      'Subject: POSTA CERTIFICATA: Fattura =?UTF-8?B?w6g=?= pronta\r\n' +
      'MIME-Version: 1.0\r\n' +
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature";\r\n micalg=sha-256; boundary="SIG-B"\r\n' +
      '\r\n' +
      'This is an S/MIME signed message\r\n' +
      '\r\n--SIG-B\r\n' +
      latin1(i.signedEntity) +
      '\r\n--SIG-B\r\n' +
      'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n' +
      'Content-Transfer-Encoding: base64\r\n' +
      'Content-Disposition: attachment; filename="smime.p7s"\r\n' +
      '\r\n' +
      `${b64}${b64.endsWith('\r\n') ? '' : '\r\n'}` +
      '\r\n--SIG-B--\r\n';
    expect(latin1(msg)).toBe(expected);
  });

  it('keeps the signed entity byte-identical and the signature decodable', () => {
    const i = input();
    const msg = writeMultipartSigned(i);
    const boundary = /boundary="([^"]+)"/.exec(latin1(msg))![1]!;
    expect(boundary).toMatch(/=_/);
    const { signed, sigPart } = extractSigned(msg, boundary);
    expect(signed).toEqual(i.signedEntity);
    const [head, body] = sigPart.split('\r\n\r\n');
    expect(head).toContain('Content-Type: application/pkcs7-signature; name="smime.p7s"');
    for (const l of body!.trimEnd().split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
    expect(new Uint8Array(Buffer.from(body!, 'base64'))).toEqual(der);
  });

  it('supports application/x-pkcs7-signature and other micalg spellings', () => {
    const msg = latin1(
      writeMultipartSigned(input({ protocol: 'application/x-pkcs7-signature', micalg: 'sha1' })),
    );
    expect(msg).toMatch(
      /Content-Type: multipart\/signed; protocol="application\/x-pkcs7-signature";\r\n micalg=sha1;/,
    );
    expect(msg).toContain('Content-Type: application/x-pkcs7-signature; name="smime.p7s"\r\n');
  });

  it('picks a boundary that is not in the signed entity', () => {
    const trap = randomBoundary(scripted(0x33));
    const entity = enc.encode(`Content-Type: text/plain\r\n\r\n--${trap}\r\n`);
    const msg = latin1(
      writeMultipartSigned(input({ signedEntity: entity, randomBytes: scripted(0x33, 0x44) })),
    );
    expect(msg).toContain(`boundary="${randomBoundary(scripted(0x44))}"`);
    expect(code(() => writeMultipartSigned(input({ signedEntity: entity, boundary: trap })))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses what would break the signature or the envelope', () => {
    expect(
      code(() => writeMultipartSigned(input({ signedEntity: enc.encode('Content-Type: a/b\n\nx') }))),
    ).toBe('INVALID_ARGUMENT');
    expect(
      code(() => writeMultipartSigned(input({ signedEntity: enc.encode('Content-Type: a/b\r\nx') }))),
    ).toBe('INVALID_ARGUMENT');
    expect(
      code(() =>
        writeMultipartSigned(input({ protocol: 'application/pkcs7-mime' as 'application/pkcs7-signature' })),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(code(() => writeMultipartSigned(input({ micalg: 'sha-256"; x="y' })))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeMultipartSigned(input({ signature: new Uint8Array(0) })))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeMultipartSigned(input({ outerHeaders: [['Content-Type', 'text/plain']] })))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeMultipartSigned(input({ outerHeaders: [['Subject', 'x\r\nBcc: y@z.it']] })))).toBe(
      'MIME_HEADER_INJECTION',
    );
    expect(code(() => writeMultipartSigned(null as unknown as MultipartSignedInput))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('accepts an entity with no headers (starts with the empty line)', () => {
    const msg = writeMultipartSigned(input({ signedEntity: enc.encode('\r\nbody'), boundary: '=_X' }));
    expect(latin1(msg)).toContain('\r\n--=_X\r\n\r\nbody\r\n--=_X\r\n');
  });
});

describe('a PEC-shaped message through postal-mime', () => {
  it('parses subject, sender, recipients, text and attachments', async () => {
    const subject = `POSTA CERTIFICATA: Fattura n. 7/2024 — perché è già scaduta? 😀 ${'più '.repeat(12)}fine`;
    const pdf = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
    const pdfName = 'Relazione attività 2024 — versione finale definitiva con un nome molto lungo.pdf';
    const xml = enc.encode(
      '<?xml version="1.0" encoding="UTF-8"?>\n<postacert tipo="trasporto" errore="nessuno"/>\n',
    );
    const original = enc.encode(
      'From: mario.rossi@example.it\nTo: anna@example.it\nSubject: Fattura\n\nCiao Anna\n',
    );
    const entity = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      parts: [
        {
          kind: 'text',
          text: 'Messaggio di posta certificata: è tutto ok.\n',
          charset: 'iso-8859-1',
          disposition: 'inline',
        },
        {
          kind: 'binary',
          contentType: 'application/xml',
          body: xml,
          filename: 'daticert.xml',
          disposition: 'inline',
        },
        { kind: 'message', message: original, filename: 'postacert.eml', disposition: 'inline' },
        { kind: 'binary', contentType: 'application/pdf', body: pdf, filename: pdfName },
      ],
    });
    const msg = writeMultipartSigned({
      signedEntity: entity,
      signature: der,
      protocol: 'application/x-pkcs7-signature',
      micalg: 'sha-256',
      outerHeaders: [
        ['Date', formatDate(new Date('2024-05-02T08:00:00Z'), 120)],
        [
          'From',
          formatAddress({
            name: 'Per conto di: mario.rossi@example.it',
            address: 'posta-certificata@pec.example.it',
          }),
        ],
        ['To', formatAddressList(['anna@example.it', { name: 'Bianchi, Luca', address: 'luca@example.it' }])],
        ['Subject', encodeUnstructured(subject)],
        ['X-Trasporto', 'posta-certificata'],
      ],
    });
    expectCanonical(msg);
    for (const l of latin1(msg).split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);

    const mail = await PostalMime.parse(msg, { forceRfc822Attachments: true });
    expect(mail.subject).toBe(subject);
    expect(mail.from).toMatchObject({
      name: 'Per conto di: mario.rossi@example.it',
      address: 'posta-certificata@pec.example.it',
    });
    expect('group' in (mail.from ?? {})).toBe(false);
    expect(mail.to?.map((a) => [a.name, 'address' in a ? a.address : ''])).toEqual([
      ['', 'anna@example.it'],
      ['Bianchi, Luca', 'luca@example.it'],
    ]);
    expect(mail.date).toBe('2024-05-02T08:00:00.000Z');
    expect(mail.text?.trim()).toBe('Messaggio di posta certificata: è tutto ok.');

    const byName = new Map(mail.attachments.map((a) => [a.filename, a]));
    expect([...byName.keys()].sort()).toEqual(['daticert.xml', 'postacert.eml', pdfName, 'smime.p7s'].sort());
    const bytes = (name: string): Uint8Array => new Uint8Array(byName.get(name)!.content as ArrayBuffer);
    expect(bytes('daticert.xml')).toEqual(xml);
    expect(bytes('smime.p7s')).toEqual(der);
    expect(bytes(pdfName)).toEqual(pdf);
    expect(byName.get('smime.p7s')!.mimeType).toBe('application/x-pkcs7-signature');
    expect(byName.get('daticert.xml')!.disposition).toBe('inline');
    // postal-mime rebuilds rfc822 parts from lines joined with LF plus one LF (see stack notes §3).
    expect(new TextDecoder().decode(bytes('postacert.eml')).replace(/\n+$/, '\n')).toBe(
      new TextDecoder().decode(original),
    );
  });
});
