import fc from 'fast-check';
import PostalMime, { addressParser } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { PecError } from '../errors.js';
import { formatAddress, formatAddressList, formatHeader, formatPhrase } from './write.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PecError) return e.code;
    throw e;
  }
  return undefined;
}

describe('formatAddress', () => {
  it('writes a bare address, or a name and an address', () => {
    expect(formatAddress('posta-certificata@pec.aruba.it')).toBe('posta-certificata@pec.aruba.it');
    expect(formatAddress({ address: 'a@b.it' })).toBe('a@b.it');
    expect(formatAddress({ name: '', address: 'a@b.it' })).toBe('a@b.it');
    expect(formatAddress({ name: 'Mario Rossi', address: 'mario@example.it' })).toBe(
      'Mario Rossi <mario@example.it>',
    );
  });

  it('keeps "Per conto di: a@b" a quoted display name, never a group', () => {
    const from = formatAddress({
      name: 'Per conto di: mario.rossi@example.it',
      address: 'posta-certificata@pec.example.it',
    });
    expect(from).toBe('"Per conto di: mario.rossi@example.it" <posta-certificata@pec.example.it>');
    const parsed = addressParser(from);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      name: 'Per conto di: mario.rossi@example.it',
      address: 'posta-certificata@pec.example.it',
    });
    expect('group' in parsed[0]!).toBe(false);
  });

  it('quotes names with specials and escapes quote and backslash', () => {
    expect(formatPhrase('Rossi, Mario')).toBe('"Rossi, Mario"');
    expect(formatPhrase('M. Rossi')).toBe('"M. Rossi"');
    expect(formatPhrase('Il "capo" \\ ufficio')).toBe('"Il \\"capo\\" \\\\ ufficio"');
    expect(formatPhrase('two  spaces')).toBe('"two  spaces"');
    expect(formatPhrase("O'Brien")).toBe("O'Brien");
  });

  it('encodes non-ASCII names as phrase-safe encoded-words', () => {
    const s = formatAddress({ name: 'Nicolò Rossi (Società: "Alfa")', address: 'n@example.it' });
    expect(s).toMatch(
      /^=\?UTF-8\?[QB]\?[A-Za-z0-9!*+\-/=_]+\?=( =\?UTF-8\?[QB]\?[A-Za-z0-9!*+\-/=_]+\?=)* <n@example.it>$/,
    );
    expect(addressParser(s)[0]).toMatchObject({
      name: 'Nicolò Rossi (Società: "Alfa")',
      address: 'n@example.it',
    });
  });

  it('encodes an ASCII name that looks like an encoded-word, so it stays literal', () => {
    const s = formatAddress({ name: '=?utf-8?q?x?=', address: 'a@b.it' });
    expect(s.startsWith('=?UTF-8?')).toBe(true);
    expect(addressParser(s)[0]).toMatchObject({ name: '=?utf-8?q?x?=' });
  });

  it.each([
    ['no at sign', 'mario.example.it'],
    ['space', 'mario rossi@example.it'],
    ['angle bracket', 'a@b.it>, evil@x.it'],
    ['open angle', '<a@b.it'],
    ['comma', 'a,b@c.it'],
    ['quote', '"a"@b.it'],
    ['empty local', '@b.it'],
    ['empty domain', 'a@'],
    ['two ats', 'a@b@c.it'],
    ['non-ASCII', 'nicolò@example.it'],
    ['empty', ''],
  ])('refuses an address with %s (INVALID_ARGUMENT)', (_l, address) => {
    expect(code(() => formatAddress(address))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatAddress({ name: 'X', address }))).toBe('INVALID_ARGUMENT');
  });

  it('refuses CR/LF/NUL in addresses and names (MIME_HEADER_INJECTION)', () => {
    expect(code(() => formatAddress('a@b.it\r\nBcc: c@d.it'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatAddress({ name: 'x\nBcc: c@d.it', address: 'a@b.it' }))).toBe(
      'MIME_HEADER_INJECTION',
    );
    expect(code(() => formatAddress({ name: 'è\r', address: 'a@b.it' }))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => formatAddress({ name: 'x', address: 'a@b.it\0' }))).toBe('MIME_HEADER_INJECTION');
  });

  it('refuses wrong types (INVALID_ARGUMENT)', () => {
    expect(code(() => formatAddress(null as unknown as string))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatAddress({ address: 5 } as unknown as string))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatAddress({ name: 5, address: 'a@b.it' } as unknown as string))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('accepts a domain literal', () => {
    expect(formatAddress('postmaster@[192.0.2.1]')).toBe('postmaster@[192.0.2.1]');
  });
});

describe('formatAddressList', () => {
  it('joins with commas and folds after them', () => {
    const list = Array.from({ length: 6 }, (_, i) => ({
      name: `Destinatario ${i}, ufficio`,
      address: `d${i}@example.it`,
    }));
    const value = formatAddressList(list);
    const field = formatHeader('To', value);
    for (const l of field.slice(0, -2).split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
    const parsed = addressParser(field.slice(4, -2).replace(/\r\n/g, ''));
    expect(parsed.map((a) => ('address' in a ? a.address : ''))).toEqual(list.map((a) => a.address));
    expect(parsed.map((a) => a.name)).toEqual(list.map((a) => a.name));
  });

  it('refuses an empty or non-array list', () => {
    expect(code(() => formatAddressList([]))).toBe('INVALID_ARGUMENT');
    expect(code(() => formatAddressList('a@b.it' as unknown as []))).toBe('INVALID_ARGUMENT');
  });

  it('property: any display name survives an independent parser', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
          .map((s) => s.replace(/[\0-\x1f\x7f]/g, '').trim()),
        async (name) => {
          fc.pre(name !== '' && !/\s{2,}/.test(name));
          const from = formatHeader(
            'From',
            formatAddress({ name, address: 'posta-certificata@pec.example.it' }),
          );
          for (const l of from.slice(0, -2).split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
          const mail = await PostalMime.parse(`${from}Subject: x\r\n\r\nbody\r\n`);
          expect(mail.from).toMatchObject({ name, address: 'posta-certificata@pec.example.it' });
        },
      ),
      { numRuns: 200 },
    );
  });
});
