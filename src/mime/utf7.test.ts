// UTF-7 (RFC 2152): the examples of the RFC, astral characters, and the charset hook that text
// bodies go through (TextDecoder has no UTF-7 in Node or in browsers).
import { describe, expect, it } from 'vitest';
import { ascii } from '../bytes.js';
import { decodeCharset } from './encoded-words.js';
import { decodeUtf7, isUtf7Label } from './utf7.js';

describe('UTF-7', () => {
  it('decodes the RFC 2152 examples', () => {
    expect(decodeUtf7(ascii('A+ImIDkQ.'))).toBe('A\u2262\u0391.');
    expect(decodeUtf7(ascii('Hi Mom -+Jjo--!'))).toBe('Hi Mom -\u263A-!');
    expect(decodeUtf7(ascii('+ZeVnLIqe-'))).toBe('\u65E5\u672C\u8A9E');
    expect(decodeUtf7(ascii('Item 3 is +AKM-1.'))).toBe('Item 3 is \u00A31.');
  });

  it('reads "+-" as a plus, an unterminated run, and astral characters as surrogate pairs', () => {
    expect(decodeUtf7(ascii('1 +- 1 = 2'))).toBe('1 + 1 = 2');
    expect(decodeUtf7(ascii('Citt+AOA'))).toBe('Citt\u00E0');
    expect(decodeUtf7(ascii('+2D3eAA-'))).toBe('\u{1F600}');
    expect(decodeUtf7(ascii('+2D0-x'))).toBe('\uFFFDx'); // a lone high surrogate
    // A run closed by a character outside the alphabet keeps that character.
    expect(decodeUtf7(ascii('+AOk.'))).toBe('\u00E9.');
    // Runs of more than one character, with bits carried across base64 characters.
    expect(decodeUtf7(ascii('Perch+AOkA6ADs-'))).toBe('Perch\u00E9\u00E8\u00EC');
  });

  it('is what decodeCharset does for every UTF-7 label', () => {
    for (const label of ['utf-7', 'UTF-7', 'unicode-1-1-utf-7', 'utf7']) {
      expect(isUtf7Label(label)).toBe(true);
      expect(decodeCharset(ascii('Caf+AOk-, Hi Mom -+Jjo--!'), label)).toBe('Caf\u00E9, Hi Mom -\u263A-!');
    }
    expect(isUtf7Label('utf-8')).toBe(false);
  });
});
