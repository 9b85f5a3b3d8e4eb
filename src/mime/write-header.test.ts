import { describe, expect, it } from 'vitest';
import { isPecError, PecError } from '../errors.js';
import { encodeUnstructured, formatHeader, writeHeaders } from './write.js';

function lines(field: string): string[] {
  expect(field.endsWith('\r\n')).toBe(true);
  const body = field.slice(0, -2);
  expect(body).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  return body.split('\r\n');
}

function unfold(field: string): string {
  return field.slice(0, -2).replace(/\r\n(?=[ \t])/g, '');
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

describe('formatHeader', () => {
  it('writes a short field on one line with CRLF', () => {
    expect(formatHeader('X-Trasporto', 'posta-certificata')).toBe('X-Trasporto: posta-certificata\r\n');
    expect(formatHeader('Subject', '')).toBe('Subject:\r\n');
  });

  it('folds at whitespace to lines of at most 76 characters and unfolds back to the value', () => {
    const value = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const out = formatHeader('Subject', value);
    const ls = lines(out);
    expect(ls.length).toBeGreaterThan(3);
    for (const l of ls) expect(l.length).toBeLessThanOrEqual(76);
    for (const l of ls.slice(1)) expect(l).toMatch(/^ \S/);
    expect(unfold(out)).toBe(`Subject: ${value}`);
  });

  it('keeps runs of spaces and tabs intact, and never leaves a whitespace-only line', () => {
    const value = `${'a'.repeat(70)} \t  ${'b'.repeat(70)}   `;
    const out = formatHeader('X-Test', value);
    expect(unfold(out)).toBe(`X-Test: ${value}`);
    for (const l of lines(out)) expect(l.trim()).not.toBe('');
  });

  it('never breaks inside a word, so never inside an encoded-word', () => {
    const value = encodeUnstructured(`Oggetto ${'è'.repeat(120)} fine`);
    const out = formatHeader('Subject', value);
    for (const l of lines(out)) {
      expect(l.length).toBeLessThanOrEqual(76);
      // Every encoded-word on the line is complete: none is left over once whole words are removed.
      const rest = l.replace(/=\?[^?\s]+\?[QB]\?[^?\s]*\?=/g, '');
      expect(rest).not.toMatch(/=\?|\?=/);
    }
    expect(unfold(out)).toBe(`Subject: ${value}`);
  });

  it('does not break between the colon and the first word', () => {
    const out = formatHeader('X-Long', 'x'.repeat(100));
    expect(out).toBe(`X-Long: ${'x'.repeat(100)}\r\n`);
  });

  it('prefers breaks outside quoted-strings', () => {
    const out = formatHeader(
      'From',
      '"Per conto di: mario.rossi@example.it" <posta-certificata@pec.example.it>',
    );
    expect(lines(out)).toEqual([
      'From: "Per conto di: mario.rossi@example.it"',
      ' <posta-certificata@pec.example.it>',
    ]);
  });

  it('breaks inside a quoted-string only when nothing else fits', () => {
    const name = Array.from({ length: 20 }, () => 'parola').join(' ');
    const out = formatHeader('From', `"${name}" <a@b.it>`);
    for (const l of lines(out)) expect(l.length).toBeLessThanOrEqual(76);
    expect(unfold(out)).toBe(`From: "${name}" <a@b.it>`);
  });

  it('accepts an unfoldable word up to 998 characters per line, refuses longer', () => {
    const ok = formatHeader('X-A', 'y'.repeat(998 - 5));
    expect(lines(ok)[0]!.length).toBe(998);
    expect(code(() => formatHeader('X-A', 'y'.repeat(998 - 4)))).toBe('INVALID_ARGUMENT');
    // A long word after a break point is moved to its own line, and checked there.
    const two = formatHeader('X-A', `a ${'z'.repeat(997)}`);
    expect(lines(two).map((l) => l.length)).toEqual([6, 998]);
  });

  it.each([
    ['CRLF', 'hello\r\nBcc: victim@example.com'],
    ['LF', 'hello\nBcc: victim@example.com'],
    ['CR', 'hello\rBcc: victim@example.com'],
    ['NUL', 'hello\0'],
    ['folded CRLF SP', 'hello\r\n world'],
    ['other control', 'bell\x07'],
    ['DEL', 'del\x7f'],
  ])('refuses %s in a value with MIME_HEADER_INJECTION', (_label, value) => {
    expect(code(() => formatHeader('Subject', value))).toBe('MIME_HEADER_INJECTION');
  });

  it('refuses CR/LF/NUL in a name with MIME_HEADER_INJECTION', () => {
    expect(code(() => formatHeader('X-A\r\nBcc', 'x'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatHeader('X-A\n', 'x'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatHeader('X\0', 'x'))).toBe('MIME_HEADER_INJECTION');
  });

  it.each([[''], ['Bad Name'], ['Sub:ject'], ['Oggètto'], ['X\t']])('refuses the field name %j', (name) => {
    const c = code(() => formatHeader(name, 'x'));
    expect(c === 'INVALID_ARGUMENT' || c === 'MIME_HEADER_INJECTION').toBe(true);
    if (!name.includes('\t')) expect(c).toBe('INVALID_ARGUMENT');
  });

  it('refuses non-strings and non-ASCII values as INVALID_ARGUMENT (a TypeError)', () => {
    for (const f of [
      () => formatHeader(1 as unknown as string, 'x'),
      () => formatHeader('X', null as unknown as string),
      () => formatHeader('Subject', 'perché'),
    ]) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(TypeError);
        expect(isPecError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
  });
});

describe('writeHeaders', () => {
  it('writes the fields in order', () => {
    expect(
      writeHeaders([
        ['MIME-Version', '1.0'],
        ['X-Ricevuta', 'accettazione'],
      ]),
    ).toBe('MIME-Version: 1.0\r\nX-Ricevuta: accettazione\r\n');
    expect(writeHeaders([])).toBe('');
  });

  it('refuses malformed lists', () => {
    expect(code(() => writeHeaders('x' as unknown as []))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeHeaders([['only-name']] as unknown as []))).toBe('INVALID_ARGUMENT');
    expect(code(() => writeHeaders([['Subject', 'a\nb']]))).toBe('MIME_HEADER_INJECTION');
  });
});
