import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { PecError } from '../errors.js';
import { formatContentDisposition, formatContentType, formatHeader, formatParameter } from './write.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PecError) return e.code;
    throw e;
  }
  return undefined;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** A strict RFC 2231 decoder for one parameter: checks every section on its own. */
function decode2231(params: string, name: string): string {
  const sections = params.split(/;\s*/).filter((p) => p.startsWith(`${name}*`));
  let out = '';
  sections.forEach((sec, i) => {
    const m = /^([^*=]+)\*(?:(\d+)\*?)?(\*)?=(.*)$/.exec(sec);
    if (!m) throw new Error(`bad section ${sec}`);
    const extended = sec.slice(0, sec.indexOf('=')).endsWith('*');
    if (sections.length > 1) expect(m[2]).toBe(String(i));
    let v = m[4]!;
    if (extended) {
      if (i === 0) {
        expect(v.startsWith("UTF-8''")).toBe(true);
        v = v.slice(7);
      }
      expect(v).toMatch(/^(?:[!#$&+\-.0-9A-Z^_`a-z{|}~]|%[0-9A-F]{2})*$/);
      const bytes = Uint8Array.from(v.match(/%[0-9A-F]{2}|./g) ?? [], (t) =>
        t.length === 3 ? Number.parseInt(t.slice(1), 16) : t.charCodeAt(0),
      );
      out += strict.decode(bytes); // each section holds whole characters
    } else {
      expect(v).toMatch(/^"(?:[^"\\]|\\.)*"$/);
      out += v.slice(1, -1).replace(/\\(.)/g, '$1');
    }
  });
  return out;
}

async function parsedFilename(filename: string): Promise<{ name: string | null; bytes: Uint8Array }> {
  const eml =
    'From: a@b.it\r\nSubject: x\r\nMIME-Version: 1.0\r\n' +
    formatHeader('Content-Type', formatContentType('application/octet-stream', { name: filename })) +
    'Content-Transfer-Encoding: base64\r\n' +
    formatHeader('Content-Disposition', formatContentDisposition('attachment', { filename })) +
    '\r\nAAEC\r\n';
  for (const l of eml.split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
  const mail = await PostalMime.parse(eml);
  expect(mail.attachments).toHaveLength(1);
  return {
    name: mail.attachments[0]!.filename,
    bytes: new Uint8Array(mail.attachments[0]!.content as ArrayBuffer),
  };
}

describe('formatParameter', () => {
  it('writes tokens bare and other ASCII as quoted-strings', () => {
    expect(formatParameter('charset', 'utf-8')).toBe('charset=utf-8');
    expect(formatParameter('micalg', 'sha-256')).toBe('micalg=sha-256');
    expect(formatParameter('protocol', 'application/pkcs7-signature')).toBe(
      'protocol="application/pkcs7-signature"',
    );
    expect(formatParameter('x', 'a b')).toBe('x="a b"');
    expect(formatParameter('x', '')).toBe('x=""');
    expect(formatParameter('x', 'say "hi" \\o/')).toBe('x="say \\"hi\\" \\\\o/"');
  });

  it('always quotes name, filename and boundary', () => {
    expect(formatParameter('name', 'smime.p7s')).toBe('name="smime.p7s"');
    expect(formatParameter('filename', 'daticert.xml')).toBe('filename="daticert.xml"');
    expect(formatParameter('boundary', 'abc')).toBe('boundary="abc"');
  });

  it('uses RFC 2231 for non-ASCII', () => {
    expect(formatParameter('filename', 'fattura è.pdf')).toBe("filename*=UTF-8''fattura%20%C3%A8.pdf");
    expect(formatParameter('filename', "a'b%c*d.pdf€")).toBe("filename*=UTF-8''a%27b%25c%2Ad.pdf%E2%82%AC");
  });

  it('continues long values (filename*0*=, filename*1*= …) without splitting characters', () => {
    const value = `Relazione annuale — attività ${'è😀'.repeat(20)} finale.pdf`;
    const s = formatParameter('filename', value);
    expect(s).toMatch(/^filename\*0\*=UTF-8''/);
    expect(s).toContain('; filename*1*=');
    for (const sec of s.split('; ')) expect(sec.length).toBeLessThanOrEqual(74);
    expect(decode2231(s, 'filename')).toBe(value);
  });

  it('continues long ASCII values as quoted sections', () => {
    const value = `${'Documento "lungo" con \\ barre '.repeat(5)}.pdf`;
    const s = formatParameter('filename', value);
    expect(s).toMatch(/^filename\*0="/);
    for (const sec of s.split('; ')) expect(sec.length).toBeLessThanOrEqual(76);
    expect(decode2231(s, 'filename')).toBe(value);
  });

  it('legacy style: one quoted-string, RFC 2047 inside when not ASCII', () => {
    expect(formatParameter('name', 'daticert.xml', 'legacy')).toBe('name="daticert.xml"');
    expect(formatParameter('name', 'fattura è.pdf', 'legacy')).toBe(
      'name="=?UTF-8?Q?fattura_=C3=A8=2Epdf?="',
    );
    const long = formatParameter('name', 'è'.repeat(80), 'legacy');
    expect(long).toMatch(/^name="=\?UTF-8\?B\?[^"]+\?="$/);
  });

  it('refuses CR/LF/NUL (MIME_HEADER_INJECTION) and bad names or types (INVALID_ARGUMENT)', () => {
    expect(code(() => formatParameter('filename', 'a\r\nContent-Type: text/html'))).toBe(
      'MIME_HEADER_INJECTION',
    );
    expect(code(() => formatParameter('filename', 'a\n'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatParameter('filename', 'a\0'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatParameter('name', 'è\r\n', 'legacy'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatParameter('file\nname', 'a'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatParameter('file name', 'a'))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatParameter('filename*', 'a'))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatParameter('a=b', 'a'))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatParameter('filename', 3 as unknown as string))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatParameter('x', 'y', 'other' as 'legacy'))).toBe('INVALID_ARGUMENT');
  });

  it('percent-encodes other control characters instead of refusing them', () => {
    expect(formatParameter('filename', 'a\tb')).toBe("filename*=UTF-8''a%09b");
  });
});

describe('formatContentType / formatContentDisposition', () => {
  it('writes the type and the parameters in order, skipping undefined', () => {
    expect(formatContentType('text/plain', { charset: 'iso-8859-1', format: undefined })).toBe(
      'text/plain; charset=iso-8859-1',
    );
    expect(
      formatContentType('multipart/signed', {
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-256',
        boundary: 'B',
      }),
    ).toBe('multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="B"');
    expect(formatContentDisposition('attachment', { filename: 'smime.p7s' })).toBe(
      'attachment; filename="smime.p7s"',
    );
    expect(formatContentDisposition('inline')).toBe('inline');
  });

  it('writes Content-Type name in the legacy style and Content-Disposition filename in RFC 2231', () => {
    expect(formatContentType('application/pdf', { name: 'è.pdf' })).toBe(
      'application/pdf; name="=?UTF-8?B?w6gucGRm?="',
    );
    expect(formatContentDisposition('attachment', { filename: 'è.pdf' })).toBe(
      "attachment; filename*=UTF-8''%C3%A8.pdf",
    );
  });

  it('refuses bad types, dispositions and injections', () => {
    expect(code(() => formatContentType('text'))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatContentType('text/plain; charset=x'))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatContentType('text/plain\r\nX: y'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatContentType('text/plain', [] as unknown as Record<string, string>))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(code(() => formatContentDisposition('in line'))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatContentDisposition('inline\n'))).toBe('MIME_HEADER_INJECTION');
  });
});

describe('filenames through an independent parser (postal-mime)', () => {
  it.each([
    ['ASCII', 'daticert.xml'],
    ['non-ASCII', 'fattura è così.pdf'],
    ['long non-ASCII', `Relazione annuale attività ${'€ più '.repeat(15)}.pdf`],
    ['long ASCII', `${'Documento con un nome davvero lungo '.repeat(4)}.pdf`],
    ['emoji', '😀 report 🇮🇹.txt'],
    ['quotes', 'il "file" finale.txt'],
  ])('round-trips a %s filename', async (_l, filename) => {
    const r = await parsedFilename(filename);
    expect(r.name).toBe(filename);
    expect([...r.bytes]).toEqual([0, 1, 2]);
  });

  it('property: any filename round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }), async (raw) => {
        const filename = raw.replace(/[\0-\x1f\x7f]/g, '').trim();
        fc.pre(filename !== '' && !/\s{2,}/.test(filename));
        expect((await parsedFilename(filename)).name).toBe(filename);
      }),
      { numRuns: 200 },
    );
  });
});
