import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { toCRLF } from '../bytes.js';
import { PecError } from '../errors.js';
import {
  formatDate,
  type MimeNode,
  makeMessageId,
  type RandomSource,
  randomBoundary,
  writeEntity,
  writeMessage,
  writePart,
} from './write.js';

const enc = new TextEncoder();
const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

/** CRLF only, no line over 998 bytes. */
function expectCanonical(b: Uint8Array): void {
  const s = latin1(b);
  expect(s).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  for (const line of s.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
}

function split(b: Uint8Array): { head: string; body: Uint8Array } {
  const s = latin1(b);
  const i = s.indexOf('\r\n\r\n');
  return { head: s.slice(0, i + 2), body: b.subarray(i + 4) };
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

/** A random source that returns the given fills in turn, then repeats the last. */
function scripted(...fills: number[]): RandomSource & { calls: number } {
  const f = ((n: number) => {
    const v = fills[Math.min(f.calls, fills.length - 1)]!;
    f.calls++;
    return new Uint8Array(n).fill(v);
  }) as RandomSource & { calls: number };
  f.calls = 0;
  return f;
}

describe('leaf parts', () => {
  it('writes binary as base64 in 76-column lines', () => {
    const body = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff);
    const out = writeEntity({ kind: 'binary', contentType: 'application/octet-stream', body });
    expectCanonical(out);
    const { head, body: b64 } = split(out);
    expect(head).toBe('Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n');
    const lines = latin1(b64).split('\r\n');
    expect(lines.pop()).toBe('');
    for (const l of lines.slice(0, -1)) expect(l.length).toBe(76);
    expect(lines.at(-1)!.length).toBeLessThanOrEqual(76);
    expect(new Uint8Array(Buffer.from(lines.join(''), 'base64'))).toEqual(body);
  });

  it('writes filename as Content-Type name and Content-Disposition filename', () => {
    const out = writeEntity({
      kind: 'binary',
      contentType: 'application/xml',
      body: enc.encode('<x/>'),
      filename: 'daticert.xml',
      disposition: 'inline',
    });
    expect(split(out).head).toBe(
      'Content-Type: application/xml; name="daticert.xml"\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: inline; filename="daticert.xml"\r\n',
    );
    const att = writeEntity({
      kind: 'binary',
      contentType: 'application/pdf',
      body: new Uint8Array(1),
      filename: 'è.pdf',
    });
    expect(split(att).head).toContain("Content-Disposition: attachment; filename*=UTF-8''%C3%A8.pdf\r\n");
  });

  it('writes ISO-8859-1 text as quoted-printable with CRLF', () => {
    const out = writeEntity({
      kind: 'text',
      text: 'Il messaggio è stato accettato.\nRiga due  \n',
      charset: 'iso-8859-1',
      disposition: 'inline',
    });
    expectCanonical(out);
    expect(latin1(out)).toBe(
      'Content-Type: text/plain; charset=iso-8859-1\r\n' +
        'Content-Transfer-Encoding: quoted-printable\r\n' +
        'Content-Disposition: inline\r\n' +
        '\r\n' +
        'Il messaggio =E8 stato accettato.\r\nRiga due =20\r\n',
    );
  });

  it('writes UTF-8 text (html) as base64 when asked', () => {
    const out = writeEntity({ kind: 'text', subtype: 'html', text: '<p>è</p>\n', encoding: 'base64' });
    const { head, body } = split(out);
    expect(head).toBe('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n');
    expect(Buffer.from(latin1(body), 'base64').toString('utf8')).toBe('<p>è</p>\r\n');
  });

  it('takes text bytes as already in the charset, and extra params after charset', () => {
    const out = writeEntity({
      kind: 'text',
      text: Uint8Array.of(0xe8, 0x0a),
      charset: 'iso-8859-1',
      params: { format: 'flowed' },
    });
    expect(latin1(out)).toBe(
      'Content-Type: text/plain; charset=iso-8859-1; format=flowed\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E8\r\n',
    );
  });

  it('refuses characters the charset lacks and bad text options', () => {
    expect(code(() => writeEntity({ kind: 'text', text: '€', charset: 'iso-8859-1' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeEntity({ kind: 'text', text: 'è', charset: 'us-ascii' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeEntity({ kind: 'text', text: Uint8Array.of(0xe8), charset: 'us-ascii' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeEntity({ kind: 'text', text: 'x', encoding: '8bit' as 'base64' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeEntity({ kind: 'text', text: 'x', params: { Charset: 'x' } }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeEntity({ kind: 'text', text: 5 as unknown as string }))).toBe('INVALID_ARGUMENT');
  });

  it('adds extra headers after its own, refusing the ones it writes', () => {
    const out = writeEntity({
      kind: 'binary',
      contentType: 'image/png',
      body: new Uint8Array(3),
      headers: [
        ['Content-ID', '<logo@pec>'],
        ['Content-Disposition', 'inline'],
      ],
    });
    expect(split(out).head).toBe(
      'Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <logo@pec>\r\nContent-Disposition: inline\r\n',
    );
    const node = (headers: [string, string][]): MimeNode => ({
      kind: 'binary',
      contentType: 'a/b',
      body: new Uint8Array(1),
      filename: 'x',
      headers,
    });
    expect(code(() => writeEntity(node([['content-type', 'text/plain']])))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity(node([['Content-Transfer-Encoding', '7bit']])))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity(node([['Content-Disposition', 'inline']])))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity(node([['X-A', 'b\r\nX-B: c']])))).toBe('MIME_HEADER_INJECTION');
  });

  it('refuses a bad disposition or filename type', () => {
    const base = { kind: 'binary', contentType: 'a/b', body: new Uint8Array(1) } as const;
    expect(code(() => writeEntity({ ...base, disposition: 'x' as 'inline' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ ...base, filename: 1 as unknown as string }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ ...base, filename: 'a\r\nb' }))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => writeEntity({ ...base, contentType: 'a' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ ...base, body: 'x' as unknown as Uint8Array }))).toBe('INVALID_ARGUMENT');
  });
});

describe('message/rfc822', () => {
  it('embeds the message verbatim, only LF → CRLF, as 7bit', () => {
    const original = enc.encode('From: a@b.it\nSubject: ciao\n\nriga 1\r\nriga 2\n\n--not-a-boundary\n');
    const out = writeEntity({
      kind: 'message',
      message: original,
      filename: 'postacert.eml',
      disposition: 'inline',
    });
    expectCanonical(out);
    const { head, body } = split(out);
    expect(head).toBe(
      'Content-Type: message/rfc822; name="postacert.eml"\r\n' +
        'Content-Transfer-Encoding: 7bit\r\n' +
        'Content-Disposition: inline; filename="postacert.eml"\r\n',
    );
    expect(latin1(body)).toBe(
      'From: a@b.it\r\nSubject: ciao\r\n\r\nriga 1\r\nriga 2\r\n\r\n--not-a-boundary\r\n',
    );
    expect(body).toEqual(toCRLF(original));
  });

  it('keeps a CRLF message byte-identical and 8-bit bytes untouched (8bit)', () => {
    const original = Uint8Array.from([...enc.encode('Subject: x\r\n\r\ncaff'), 0xe9, 0x0d, 0x0a, 0xff]);
    const out = writeEntity({ kind: 'message', message: original });
    const { head, body } = split(out);
    expect(head).toContain('Content-Transfer-Encoding: 8bit\r\n');
    expect(body).toEqual(original);
  });

  it('refuses NUL or a line over 998 bytes, unless allowBinary', () => {
    const long = enc.encode(`Subject: x\r\n\r\n${'a'.repeat(999)}\r\n`);
    expect(code(() => writeEntity({ kind: 'message', message: long }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ kind: 'message', message: Uint8Array.of(0x41, 0, 0x0a) }))).toBe(
      'INVALID_ARGUMENT',
    );
    const out = writeEntity({ kind: 'message', message: long, allowBinary: true });
    expect(split(out).head).toContain('Content-Transfer-Encoding: binary\r\n');
    // Exactly 998 is fine.
    const edge = enc.encode(`Subject: x\r\n\r\n${'a'.repeat(998)}`);
    expect(split(writeEntity({ kind: 'message', message: edge })).head).toContain('7bit');
  });
});

describe('multipart', () => {
  const text: MimeNode = { kind: 'text', text: 'uno\n' };
  const bin: MimeNode = {
    kind: 'binary',
    contentType: 'application/octet-stream',
    body: Uint8Array.of(1, 2, 3),
  };

  it('writes delimiters per RFC 2046 with a long random boundary containing "=_"', () => {
    const out = writeEntity({ kind: 'multipart', subtype: 'mixed', parts: [text, bin] });
    expectCanonical(out);
    const s = latin1(out);
    const m = /^Content-Type: multipart\/mixed;\r\n boundary="([^"]+)"\r\n\r\n/.exec(s);
    expect(m).not.toBeNull();
    const b = m![1]!;
    expect(b).toMatch(/^----=_PecKit_[0-9a-f]{40}$/);
    expect(b.length).toBeLessThanOrEqual(70);
    const t = latin1(writeEntity(text));
    const c = latin1(writeEntity(bin));
    expect(s.slice(m![0].length)).toBe(`--${b}\r\n${t}\r\n--${b}\r\n${c}\r\n--${b}--\r\n`);
  });

  it('writes preamble and epilogue as CRLF lines', () => {
    const out = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      parts: [text],
      boundary: 'B',
      preamble: 'This is a multi-part message\nin MIME format.',
      epilogue: 'fine\n',
    });
    expect(latin1(split(out).body)).toBe(
      `This is a multi-part message\r\nin MIME format.\r\n\r\n--B\r\n${latin1(writeEntity(text))}\r\n--B--\r\nfine\r\n`,
    );
    const empty = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      parts: [text],
      boundary: 'B',
      preamble: '',
    });
    expect(latin1(split(empty).body).startsWith('--B\r\n')).toBe(true);
  });

  it('nests multiparts with distinct boundaries, params before boundary', () => {
    const out = writeEntity({
      kind: 'multipart',
      subtype: 'related',
      params: { type: 'multipart/alternative' },
      parts: [
        {
          kind: 'multipart',
          subtype: 'alternative',
          parts: [text, { ...text, subtype: 'html' } as MimeNode],
        },
      ],
    });
    expectCanonical(out);
    const s = latin1(out);
    expect(s).toMatch(
      /^Content-Type: multipart\/related; type="multipart\/alternative";\r\n boundary="----=_PecKit_/,
    );
    const bounds = [...s.matchAll(/boundary="([^"]+)"/g)].map((x) => x[1]);
    expect(new Set(bounds).size).toBe(2);
  });

  it('regenerates a random boundary found in the content', () => {
    const first = randomBoundary(scripted(0));
    const message = enc.encode(`Subject: trap\r\n\r\n--${first}\r\nnot a part\r\n`);
    const random = scripted(0, 0x11);
    const out = writeEntity(
      { kind: 'multipart', subtype: 'mixed', parts: [{ kind: 'message', message }] },
      { randomBytes: random },
    );
    const second = randomBoundary(scripted(0x11));
    expect(random.calls).toBe(2);
    expect(latin1(out)).toContain(`boundary="${second}"`);
    expect(latin1(out)).toContain(`\r\n--${second}--\r\n`);
    // The content is untouched.
    expect(latin1(out)).toContain(`--${first}\r\nnot a part\r\n`);
  });

  it('gives up on a random source that always collides, and refuses a colliding fixed boundary', () => {
    const b = randomBoundary(scripted(7));
    const message = enc.encode(`Subject: trap\r\n\r\n${b}\r\n`);
    const node: MimeNode = { kind: 'multipart', subtype: 'mixed', parts: [{ kind: 'message', message }] };
    expect(code(() => writeEntity(node, { randomBytes: scripted(7) }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ ...node, boundary: 'trap' }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ ...node, boundary: 'x', preamble: 'a x b' }))).toBe('INVALID_ARGUMENT');
  });

  it('declares 8bit when a part carries 8-bit bytes', () => {
    const out = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      parts: [{ kind: 'message', message: Uint8Array.of(0x53, 0x3a, 0x20, 0xe8, 0x0a, 0x0a) }],
    });
    expect(split(out).head).toMatch(/\r\nContent-Transfer-Encoding: 8bit\r\n$/);
  });

  it('refuses bad multiparts', () => {
    expect(code(() => writeEntity({ kind: 'multipart', subtype: 'mixed', parts: [] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => writeEntity({ kind: 'multipart', subtype: 'mi xed', parts: [text] }))).toBe(
      'INVALID_ARGUMENT',
    );
    for (const boundary of ['', 'a'.repeat(71), 'ends with space ', 'bad"quote', 'è']) {
      expect(code(() => writeEntity({ kind: 'multipart', subtype: 'mixed', parts: [text], boundary }))).toBe(
        'INVALID_ARGUMENT',
      );
    }
    expect(
      code(() => writeEntity({ kind: 'multipart', subtype: 'mixed', parts: [text], preamble: 'è' })),
    ).toBe('INVALID_ARGUMENT');
    expect(
      code(() =>
        writeEntity({ kind: 'multipart', subtype: 'mixed', parts: [text], epilogue: 'x'.repeat(999) }),
      ),
    ).toBe('INVALID_ARGUMENT');
    const cyclic = { kind: 'multipart', subtype: 'mixed', parts: [] as MimeNode[] } as const;
    cyclic.parts.push(cyclic);
    expect(code(() => writeEntity(cyclic))).toBe('INVALID_ARGUMENT');
  });
});

describe('raw entities and writeMessage', () => {
  it('embeds a raw entity byte for byte, refusing bare line breaks', () => {
    const raw = enc.encode('Content-Type: text/plain\r\n\r\nciao');
    const out = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      parts: [{ kind: 'raw', bytes: raw }],
      boundary: 'B',
    });
    expect(latin1(split(out).body)).toBe('--B\r\nContent-Type: text/plain\r\n\r\nciao\r\n--B--\r\n');
    expect(code(() => writeEntity({ kind: 'raw', bytes: enc.encode('A: b\n\nx') }))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ kind: 'raw', bytes: enc.encode('A: b\r\n\r\nx\r') }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('writePart writes a hand-made header block and a canonical body as is', () => {
    const out = writePart([['Content-Type', 'text/plain; charset=us-ascii']], enc.encode('ok\r\n'));
    expect(latin1(out)).toBe('Content-Type: text/plain; charset=us-ascii\r\n\r\nok\r\n');
    expect(latin1(writePart([], enc.encode('x')))).toBe('\r\nx');
    expect(code(() => writePart([], enc.encode('a\nb')))).toBe('INVALID_ARGUMENT');
    expect(code(() => writePart([], enc.encode('y'.repeat(999))))).toBe('INVALID_ARGUMENT');
    expect(code(() => writePart([['X', 'a\rb']], enc.encode('x')))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => writePart([], 'x' as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
  });

  it('writes outer headers, MIME-Version, then the entity', () => {
    const out = writeMessage(
      [
        ['From', 'a@b.it'],
        ['Subject', 'prova'],
      ],
      { kind: 'text', text: 'ciao\n' },
    );
    expectCanonical(out);
    expect(latin1(out)).toBe(
      'From: a@b.it\r\nSubject: prova\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nciao\r\n',
    );
  });

  it('refuses MIME headers among the outer headers, and unknown nodes', () => {
    const body: MimeNode = { kind: 'text', text: 'x' };
    expect(code(() => writeMessage([['MIME-Version', '1.0']], body))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeMessage([['content-type', 'text/plain']], body))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeMessage('x' as unknown as [], body))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity({ kind: 'other' } as unknown as MimeNode))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeEntity(null as unknown as MimeNode))).toBe('INVALID_ARGUMENT');
  });
});

describe('formatDate, makeMessageId, randomBoundary', () => {
  it('formats RFC 5322 dates in the given zone', () => {
    const d = new Date('2019-01-28T11:31:50Z');
    expect(formatDate(d, 60)).toBe('Mon, 28 Jan 2019 12:31:50 +0100');
    expect(formatDate(d)).toBe('Mon, 28 Jan 2019 11:31:50 +0000');
    expect(formatDate(d, -300)).toBe('Mon, 28 Jan 2019 06:31:50 -0500');
    expect(formatDate(new Date('2024-06-30T22:05:09Z'), 120)).toBe('Mon, 01 Jul 2024 00:05:09 +0200');
    expect(formatDate(new Date('2024-03-01T00:00:00Z'), 330)).toBe('Fri, 01 Mar 2024 05:30:00 +0530');
  });

  it('refuses bad dates and zones', () => {
    expect(code(() => formatDate(new Date('x')))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatDate('2019-01-01' as unknown as Date))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatDate(new Date(), 1440))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatDate(new Date(), 0.5))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatDate(new Date('1800-01-01T00:00:00Z')))).toBe('INVALID_ARGUMENT');
  });

  it('makes Message-IDs from the random source', () => {
    expect(makeMessageId('pec.example.it', scripted(0xab))).toBe(`<${'ab'.repeat(16)}@pec.example.it>`);
    expect(makeMessageId('pec.example.it')).toMatch(/^<[0-9a-f]{32}@pec\.example\.it>$/);
    expect(makeMessageId('x.it')).not.toBe(makeMessageId('x.it'));
    expect(code(() => makeMessageId('bad domain'))).toBe('INVALID_ARGUMENT');
    expect(code(() => makeMessageId('a>b'))).toBe('INVALID_ARGUMENT');
    expect(code(() => makeMessageId('x.it\r\nBcc: y'))).toBe('MIME_HEADER_INJECTION');
  });

  it('makes boundaries from the random source and checks it', () => {
    expect(randomBoundary(scripted(0xff))).toBe(`----=_PecKit_${'ff'.repeat(20)}`);
    expect(randomBoundary()).not.toBe(randomBoundary());
    expect(code(() => randomBoundary((() => new Uint8Array(3)) as RandomSource))).toBe('INVALID_ARGUMENT');
    expect(code(() => randomBoundary('x' as unknown as RandomSource))).toBe('INVALID_ARGUMENT');
  });
});
