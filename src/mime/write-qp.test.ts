import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PecError } from '../errors.js';
import { encodeQuotedPrintable } from './write.js';

const enc = new TextEncoder();
const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

/** Checks the output shape line by line and decodes it strictly (RFC 2045 §6.7). */
function checkAndDecode(out: Uint8Array): Uint8Array {
  const text = latin1(out);
  expect(text).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  const bytes: number[] = [];
  const lines = text.split('\r\n');
  lines.forEach((line, i) => {
    expect(line.length).toBeLessThanOrEqual(76);
    expect(line).toMatch(/^(?:[\t\x20-\x3c\x3e-\x7e]|=[0-9A-F]{2})*=?$/);
    // No trailing whitespace: it could be stripped in transit.
    expect(line).not.toMatch(/[ \t]$/);
    // The escapes that keep the line safe from mbox and SMTP.
    expect(line.startsWith('From ')).toBe(false);
    expect(line.startsWith('.')).toBe(false);
    const soft = line.replace(/=[0-9A-F]{2}/g, '').endsWith('=');
    const content = soft ? line.slice(0, -1) : line;
    for (let j = 0; j < content.length; j++) {
      if (content[j] === '=') {
        bytes.push(Number.parseInt(content.slice(j + 1, j + 3), 16));
        j += 2;
      } else bytes.push(content.charCodeAt(j));
    }
    if (!soft && i < lines.length - 1) bytes.push(13, 10);
  });
  return new Uint8Array(bytes);
}

describe('encodeQuotedPrintable', () => {
  it('encodes =, non-ASCII and keeps printable ASCII', () => {
    expect(latin1(encodeQuotedPrintable(enc.encode('a=b è')))).toBe('a=3Db =C3=A8');
    expect(latin1(encodeQuotedPrintable(Uint8Array.of(0xe8, 0x20, 0x41)))).toBe('=E8 A');
  });

  it('encodes trailing space and tab before a line break and at the end', () => {
    expect(latin1(encodeQuotedPrintable(enc.encode('riga  \r\naltra\t\r\nfine ')))).toBe(
      'riga =20\r\naltra=09\r\nfine=20',
    );
  });

  it('keeps CRLF hard breaks and turns LF or lone CR into CRLF', () => {
    expect(latin1(encodeQuotedPrintable(enc.encode('a\r\nb\nc\rd\r\n')))).toBe('a\r\nb\r\nc\r\nd\r\n');
    expect(latin1(encodeQuotedPrintable(enc.encode('\n\n')))).toBe('\r\n\r\n');
  });

  it('soft-breaks long lines at 76 characters', () => {
    const out = latin1(encodeQuotedPrintable(enc.encode('x'.repeat(200))));
    const lines = out.split('\r\n');
    expect(lines.map((l) => l.length)).toEqual([76, 76, 50]);
    expect(lines[0]!.endsWith('=')).toBe(true);
    // A last chunk of exactly 76 needs no soft break.
    expect(latin1(encodeQuotedPrintable(enc.encode('y'.repeat(76))))).toBe('y'.repeat(76));
    expect(latin1(encodeQuotedPrintable(enc.encode('y'.repeat(77))))).toBe(`${'y'.repeat(75)}=\r\nyy`);
  });

  it('never splits an =XX escape across a soft break', () => {
    for (let pad = 0; pad < 6; pad++) {
      const out = encodeQuotedPrintable(enc.encode(`${'a'.repeat(70 + pad)}${'è'.repeat(10)}`));
      const text = latin1(out);
      for (const line of text.split('\r\n')) expect(line).toMatch(/^(?:[^=]|=[0-9A-F]{2})*=?$/);
      expect(checkAndDecode(out)).toEqual(enc.encode(`${'a'.repeat(70 + pad)}${'è'.repeat(10)}`));
    }
  });

  it('escapes a leading "From " and a leading "." (mbox and SMTP safety)', () => {
    expect(latin1(encodeQuotedPrintable(enc.encode('From me\r\n.\r\n.x\r\nFrom\r\nFromage')))).toBe(
      '=46rom me\r\n=2E\r\n=2Ex\r\nFrom\r\nFromage',
    );
    // Also after a soft break.
    const out = latin1(encodeQuotedPrintable(enc.encode(`${'a'.repeat(75)}From x`)));
    expect(out).toBe(`${'a'.repeat(75)}=\r\n=46rom x`);
  });

  it('binary mode encodes CR and LF', () => {
    expect(latin1(encodeQuotedPrintable(Uint8Array.of(0x61, 13, 10, 0x62, 10), { binary: true }))).toBe(
      'a=0D=0Ab=0A',
    );
  });

  it('refuses non-bytes', () => {
    try {
      encodeQuotedPrintable('text' as unknown as Uint8Array);
      expect.unreachable();
    } catch (e) {
      expect(e instanceof PecError && e.code === 'INVALID_ARGUMENT').toBe(true);
    }
  });

  it('property: binary round-trips exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(checkAndDecode(encodeQuotedPrintable(data, { binary: true }))).toEqual(data);
      }),
      { numRuns: 500 },
    );
  });

  it('property: text round-trips to its CRLF form', () => {
    const chunk = fc.oneof(
      fc.constantFrom(' ', '\t', '=', '\r\n', '\n', '\r', 'From ', '.', 'è', '😀', '  \n'),
      fc.string({ unit: 'grapheme', maxLength: 90 }),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const crlf = text.replace(/\r\n|\r|\n/g, '\r\n');
        expect(checkAndDecode(encodeQuotedPrintable(enc.encode(text)))).toEqual(enc.encode(crlf));
      }),
      { numRuns: 500 },
    );
  });
});
