import { describe, expect, it } from 'vitest';
import { ascii, equalBytes, latin1, toCRLF } from '../bytes.js';
import { isPecError, type PecError } from '../errors.js';
import { checkSubmission, DEFAULT_MAX_TRANSACTION_BYTES, type SubmissionOptions } from './checks.js';

const AT = new Date('2025-01-14T09:15:00Z');
const ID = 'opec101.20250114101500.12345.1.1.1@pec.example.it';

function eml(headers: string[], body = 'Ciao\n'): string {
  return `${headers.join('\n')}\n\n${body}`;
}

const GOOD = [
  'From: Mario Rossi <mario.rossi@pec.example.it>',
  'To: "Ufficio, Protocollo" <protocollo@pec.example.org>',
  'Cc: archivio@pec.example.it, esterno@example.com',
  'Subject: =?UTF-8?Q?Fattura_cos=C3=AC?=',
  'Message-ID: <abc@client.example.it>',
];

const opts = (o: Partial<SubmissionOptions> = {}): SubmissionOptions => ({
  domain: 'pec.example.it',
  at: AT,
  identificativo: ID,
  ...o,
});
const codes = (headers: string[], o: Partial<SubmissionOptions> = {}) =>
  checkSubmission(eml(headers), opts(o)).reasons.map((r) => r.code);

function thrown(f: () => unknown): PecError {
  try {
    f();
  } catch (e) {
    if (isPecError(e)) return e as PecError;
    throw e;
  }
  throw new Error('did not throw');
}

describe('checkSubmission: the access point formal checks', () => {
  it('accepts a well-formed submission and opens the transaction', () => {
    const c = checkSubmission(
      eml([...GOOD, 'Reply-To: segreteria@pec.example.it', 'X-TipoRicevuta: Breve']),
      opts({ pecDomains: ['pec.example.it', 'PEC.example.org'] }),
    );
    expect(c.accepted).toBe(true);
    expect(c.reasons).toEqual([]);
    const { postacert, ...tx } = c.transaction;
    expect(tx).toEqual({
      identificativo: ID,
      at: AT,
      sender: 'mario.rossi@pec.example.it',
      recipients: [
        { address: 'protocollo@pec.example.org', tipo: 'certificato', field: 'to' },
        { address: 'archivio@pec.example.it', tipo: 'certificato', field: 'cc' },
        { address: 'esterno@example.com', tipo: 'esterno', field: 'cc' },
      ],
      replyTo: 'segreteria@pec.example.it',
      subject: 'Fattura così',
      msgid: '<abc@client.example.it>',
      requestedForm: 'breve',
    });
    // postacert: CRLF, Message-ID replaced in place, X-Riferimento right after, nothing else changed.
    const expected = eml([...GOOD, 'Reply-To: segreteria@pec.example.it', 'X-TipoRicevuta: Breve']).replace(
      'Message-ID: <abc@client.example.it>',
      `Message-ID: <${ID}>\nX-Riferimento-Message-ID: <abc@client.example.it>`,
    );
    expect(latin1(postacert)).toBe(latin1(toCRLF(ascii(expected))));
  });

  it('replaces a folded Message-ID field whole', () => {
    const c = checkSubmission(
      eml([
        'From: a@pec.example.it',
        'To: b@pec.example.it',
        'Message-ID:',
        ' <folded@x.example>',
        'Subject: s',
      ]),
      opts(),
    );
    expect(c.transaction.msgid).toBe('<folded@x.example>');
    expect(latin1(c.transaction.postacert)).toBe(
      `From: a@pec.example.it\r\nTo: b@pec.example.it\r\nMessage-ID: <${ID}>\r\nX-Riferimento-Message-ID: <folded@x.example>\r\nSubject: s\r\n\r\nCiao\r\n`,
    );
  });

  it('without a Message-ID: the identificativo is added, no X-Riferimento, no msgid', () => {
    const c = checkSubmission(eml(['From: a@pec.example.it', 'To: b@pec.example.it']), opts());
    expect(c.transaction.msgid).toBeNull();
    expect(latin1(c.transaction.postacert)).toBe(
      `From: a@pec.example.it\r\nTo: b@pec.example.it\r\nMessage-ID: <${ID}>\r\n\r\nCiao\r\n`,
    );
  });

  it('defaults: recipients certificato, Reply-To = sender, no requested form, new identificativo', () => {
    const c = checkSubmission(eml(GOOD), { domain: 'pec.example.it', at: AT });
    expect(c.transaction.recipients.every((r) => r.tipo === 'certificato')).toBe(true);
    expect(c.transaction.replyTo).toBe('mario.rossi@pec.example.it');
    expect(c.transaction.requestedForm).toBeNull();
    expect(c.transaction.identificativo).toMatch(
      /^opec\d{3}\.20250114101500\.\d{5}\.\d+\.\d\.\d+@pec\.example\.it$/,
    );
    expect(
      checkSubmission(eml([...GOOD, 'X-TipoRicevuta: normale']), opts()).transaction.requestedForm,
    ).toBeNull();
  });

  it('isCertified takes precedence over pecDomains', () => {
    const c = checkSubmission(eml(GOOD), opts({ pecDomains: [], isCertified: (a) => a.endsWith('.org') }));
    expect(c.transaction.recipients.map((r) => r.tipo)).toEqual(['certificato', 'esterno', 'esterno']);
  });

  it('a recipient both in To and Cc is primary', () => {
    const c = checkSubmission(
      eml(['From: a@pec.example.it', 'To: b@pec.example.it', 'Cc: B@pec.example.it']),
      opts(),
    );
    expect(c.transaction.recipients).toEqual([
      { address: 'b@pec.example.it', tipo: 'certificato', field: 'to' },
    ]);
  });

  it.each([
    [['To: b@pec.example.it'], 'FROM_MISSING', { sender: 'a@pec.example.it' }],
    [['From: a@pec.example.it, c@pec.example.it', 'To: b@pec.example.it'], 'FROM_MULTIPLE', {}],
    [['From: a@pec.example.it', 'From: c@pec.example.it', 'To: b@pec.example.it'], 'FROM_MULTIPLE', {}],
    [['From: <a b@pec.example.it>', 'To: b@pec.example.it'], 'FROM_INVALID', { sender: 'a@pec.example.it' }],
    [
      ['From: a@pec.example.it', 'To: b@pec.example.it'],
      'FROM_NOT_SENDER',
      { sender: 'other@pec.example.it' },
    ],
    [['From: a@pec.example.it', 'Cc: b@pec.example.it'], 'TO_MISSING', {}],
    [['From: a@pec.example.it', 'To: b@pec.example.it, <bad address@x>'], 'RECIPIENT_INVALID', {}],
    [
      ['From: a@pec.example.it', 'To: b@pec.example.it'],
      'RECIPIENT_NOT_IN_HEADERS',
      { recipients: ['b@pec.example.it', 'hidden@pec.example.it'] },
    ],
    [['From: a@pec.example.it', 'To: b@pec.example.it', 'Bcc: hidden@pec.example.it'], 'BCC_PRESENT', {}],
  ] as const)('%j → %s', (headers, code, o) => {
    const c = checkSubmission(eml([...headers]), opts(o as Partial<SubmissionOptions>));
    expect(c.accepted).toBe(false);
    expect(c.reasons.map((r) => r.code)).toEqual([code]);
    expect(c.reasons[0]!.descrizione).toMatch(/\S/);
    expect(c.transaction.identificativo).toBe(ID);
  });

  it('an empty Bcc field is accepted; the MAIL FROM comparison ignores case', () => {
    expect(
      codes(['From: A@pec.example.it', 'To: b@pec.example.it', 'Bcc:'], { sender: 'a@PEC.example.it' }),
    ).toEqual([]);
  });

  it('size × recipients against the limit (default 30 MiB)', () => {
    expect(DEFAULT_MAX_TRANSACTION_BYTES).toBe(30 * 1024 * 1024);
    const headers = ['From: a@pec.example.it', 'To: b@pec.example.it, c@pec.example.it, d@pec.example.it'];
    const size = ascii(eml(headers)).length;
    expect(codes(headers, { maxTransactionBytes: size * 3 })).toEqual([]);
    expect(codes(headers, { maxTransactionBytes: size * 3 - 1 })).toEqual(['SIZE_EXCEEDED']);
  });

  it('an unreadable message is refused', () => {
    const c = checkSubmission(
      'From: a@pec.example.it\nTo: b@pec.example.it\nSubject: no body separator',
      opts(),
    );
    expect(c.reasons.map((r) => r.code)).toEqual(['UNPARSEABLE']);
    const badId = checkSubmission(
      eml(['From: a@pec.example.it', 'To: b@pec.example.it', 'Message-ID: <a b@c>']),
      opts(),
    );
    expect(badId.reasons.map((r) => r.code)).toEqual(['UNPARSEABLE']);
    expect(badId.transaction.msgid).toBeNull();
  });

  it('lists every failure at once', () => {
    expect(
      codes(['From: a@pec.example.it', 'Cc: b@pec.example.it', 'Bcc: c@pec.example.it'], {
        maxTransactionBytes: 10,
      }),
    ).toEqual(['TO_MISSING', 'BCC_PRESENT', 'SIZE_EXCEEDED']);
  });

  it('strict mode throws BUILD_INVALID with the reasons', () => {
    const e = thrown(() =>
      checkSubmission(eml(['From: a@pec.example.it', 'Cc: b@pec.example.it']), opts({ strict: true })),
    );
    expect(e.code).toBe('BUILD_INVALID');
    expect((e.details!.reasons as { code: string }[]).map((r) => r.code)).toEqual(['TO_MISSING']);
    expect(checkSubmission(eml(GOOD), opts({ strict: true })).accepted).toBe(true);
  });

  it('bad input throws coded errors', () => {
    expect(thrown(() => checkSubmission(eml(['To: b@pec.example.it']), opts())).code).toBe('BUILD_INVALID'); // no sender at all
    expect(thrown(() => checkSubmission(eml(GOOD), opts({ sender: 'not an address' }))).code).toBe(
      'BUILD_INVALID',
    );
    expect(thrown(() => checkSubmission(eml(GOOD), opts({ sender: 'a@b\r\nBcc: x@y' }))).code).toBe(
      'MIME_HEADER_INJECTION',
    );
    expect(thrown(() => checkSubmission(eml(GOOD), opts({ recipients: ['x y@z'] }))).code).toBe(
      'BUILD_INVALID',
    );
    expect(thrown(() => checkSubmission(eml(GOOD), opts({ domain: 'not a domain' }))).code).toBe(
      'BUILD_INVALID',
    );
    expect(thrown(() => checkSubmission(eml(GOOD), opts({ identificativo: '<x@y>' }))).code).toBe(
      'BUILD_INVALID',
    );
    expect(() => checkSubmission(eml(GOOD), opts({ recipients: 'a@b' as never }))).toThrow(TypeError);
    expect(() => checkSubmission(eml(GOOD), opts({ recipients: [] }))).toThrow(TypeError);
    expect(() => checkSubmission(eml(GOOD), opts({ maxTransactionBytes: -1 }))).toThrow(TypeError);
    expect(() => checkSubmission(eml(GOOD), opts({ isCertified: 'yes' as never }))).toThrow(TypeError);
    expect(() => checkSubmission(42 as never, opts())).toThrow(TypeError);
    expect(() => checkSubmission(eml(GOOD), null as never)).toThrow(TypeError);
  });

  it('keeps the submitted bytes: 8-bit content survives into postacert', () => {
    const raw = new Uint8Array([
      ...ascii('From: a@pec.example.it\r\nTo: b@pec.example.it\r\n\r\ncaf'),
      0xe8,
      0x0d,
      0x0a,
    ]);
    const c = checkSubmission(raw, opts());
    expect(
      equalBytes(c.transaction.postacert.subarray(-5), new Uint8Array([0x61, 0x66, 0xe8, 0x0d, 0x0a])),
    ).toBe(true);
  });
});
