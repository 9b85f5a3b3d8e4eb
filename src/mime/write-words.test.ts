import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { decodeWords } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { PecError } from '../errors.js';
import { encodePhrase, encodeUnstructured, encodeWords, formatHeader } from './write.js';

const WORD = /^=\?UTF-8\?([QB])\?([^?\s]*)\?=$/;

/** Decodes one encoded-word to bytes, strictly. */
function wordBytes(word: string): Uint8Array {
  const m = WORD.exec(word);
  if (!m) throw new Error(`not an encoded-word: ${word}`);
  const payload = m[2]!;
  if (m[1] === 'B') return new Uint8Array(Buffer.from(payload, 'base64'));
  const out: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const c = payload[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=') {
      expect(payload.slice(i + 1, i + 3)).toMatch(/^[0-9A-F]{2}$/);
      out.push(Number.parseInt(payload.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0));
  }
  return new Uint8Array(out);
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Each word must decode to valid UTF-8 on its own; returns the joined text. */
function decodeEach(words: readonly string[]): string {
  return words.map((w) => strict.decode(wordBytes(w))).join('');
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

describe('encodeWords', () => {
  it('chooses Q for mostly-ASCII text and B for mostly non-ASCII text', () => {
    expect(encodeWords('caffè macchiato')).toEqual(['=?UTF-8?Q?caff=C3=A8_macchiato?=']);
    // Q "caff=C3=A8" is 10 characters, B "Y2FmZsOo" 8.
    expect(encodeWords('caffè')).toEqual(['=?UTF-8?B?Y2FmZsOo?=']);
    expect(encodeWords('a b')).toEqual(['=?UTF-8?Q?a_b?=']);
    expect(encodeWords('€€€€')[0]).toMatch(/^=\?UTF-8\?B\?/);
    // The shorter one is chosen: compare with the other encoding's length.
    for (const text of ['èèè abc', 'Fattura n. 12 è pronta', '日本語', 'a=b?c_d', 'x'.repeat(30)]) {
      const bytes = new TextEncoder().encode(text);
      const q = [...bytes].reduce(
        (n, b) =>
          n +
          ((/[!-~]/.test(String.fromCharCode(b)) && !'=?_"\\'.includes(String.fromCharCode(b))) || b === 32
            ? 1
            : 3),
        0,
      );
      const b = Math.ceil(bytes.length / 3) * 4;
      const [w] = encodeWords(text);
      expect(w).toMatch(q <= b ? /^=\?UTF-8\?Q\?/ : /^=\?UTF-8\?B\?/);
      expect(w!.length).toBe(12 + Math.min(q, b));
    }
  });

  it('keeps every word within 75 characters and splits only between code points', () => {
    const text = `${'è'.repeat(50)}😀${'𝄞'.repeat(30)} ok ${'à'.repeat(40)}`;
    const words = encodeWords(text);
    expect(words.length).toBeGreaterThan(2);
    for (const w of words) {
      expect(w.length).toBeLessThanOrEqual(75);
      expect(w).toMatch(WORD);
    }
    expect(decodeEach(words)).toBe(text);
  });

  it('honours firstMax and max', () => {
    const words = encodeWords('è'.repeat(100), 'text', 30, 50);
    expect(words[0]!.length).toBeLessThanOrEqual(30);
    for (const w of words.slice(1)) expect(w.length).toBeLessThanOrEqual(50);
  });

  it('phrase mode leaves only RFC 2047 §5(3) characters unencoded', () => {
    const text = 'Rossi, Mario (ufficio) "x" <y> è @:;.';
    const words = encodeWords(text, 'phrase');
    for (const w of words) {
      const m = WORD.exec(w)!;
      if (m[1] === 'Q') expect(m[2]).toMatch(/^[A-Za-z0-9!*+\-/=_]*$/);
    }
    expect(decodeEach(words)).toBe(text);
  });

  it('encodes a lone surrogate as U+FFFD instead of failing', () => {
    expect(decodeEach(encodeWords('a\ud800b'))).toBe('a\ufffdb');
  });

  it('property: any text round-trips word by word, every word valid UTF-8 and ≤ 75', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.constantFrom('text', 'phrase'),
        (s, mode) => {
          const words = encodeWords(s, mode as 'text' | 'phrase');
          for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
          expect(decodeEach(words)).toBe(s);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('encodeUnstructured', () => {
  it('leaves ASCII text as is', () => {
    const s = 'POSTA CERTIFICATA: Fattura n. 12/2024 (prot. 7) -- "urgente"  fine';
    expect(encodeUnstructured(s)).toBe(s);
  });

  it('encodes only the words with non-ASCII characters', () => {
    expect(encodeUnstructured('POSTA CERTIFICATA: perché no')).toBe(
      'POSTA CERTIFICATA: =?UTF-8?Q?perch=C3=A9?= no',
    );
  });

  it('encodes the whitespace between adjacent encoded words so it survives decoding', () => {
    const s = 'è  à\tù x';
    const enc = encodeUnstructured(s);
    expect(decodeWords(enc)).toBe(s);
  });

  it('encodes ASCII words a reader could take for encoded-words', () => {
    const s = 'see =?utf-8?q?not_a_word?= here';
    const enc = encodeUnstructured(s);
    expect(enc).not.toContain('=?utf-8?q?');
    expect(decodeWords(enc)).toBe(s);
  });

  it('long subject with è and emoji: folded, encoded-words ≤ 75, lines ≤ 76, each word valid UTF-8', () => {
    const subject = `POSTA CERTIFICATA: Richiesta di rimborso — perché è già scaduta 😀🇮🇹 ${'però '.repeat(30)}fine`;
    const field = formatHeader('Subject', encodeUnstructured(subject, { offset: 'Subject: '.length }));
    const lines = field.slice(0, -2).split('\r\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(76);
    const value = field.slice('Subject: '.length, -2).replace(/\r\n /g, ' ');
    const words = value.split(/[ \t]+/).filter((w) => w.startsWith('=?'));
    expect(words.length).toBeGreaterThan(2);
    for (const w of words) {
      expect(w.length).toBeLessThanOrEqual(75);
      strict.decode(wordBytes(w)); // throws on a split character
    }
    // An independent decoder gets the original back.
    expect(decodeWords(field.slice('Subject: '.length, -2).replace(/\r\n/g, ''))).toBe(subject);
  });

  it('shortens the first word so the first line fits after the field name', () => {
    const subject = 'è'.repeat(60);
    for (const name of ['Subject', 'X-Riferimento-Message-ID']) {
      const field = formatHeader(name, encodeUnstructured(subject, { offset: name.length + 2 }));
      for (const l of field.slice(0, -2).split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
    }
  });

  it('encodes an ASCII word too long for any folded line', () => {
    const s = `link ${'x'.repeat(120)}`;
    const field = formatHeader('Subject', encodeUnstructured(s));
    for (const l of field.slice(0, -2).split('\r\n')) expect(l.length).toBeLessThanOrEqual(76);
    expect(decodeWords(field.slice(9, -2).replace(/\r\n/g, ''))).toBe(s);
  });

  it('refuses CR, LF, NUL and controls (MIME_HEADER_INJECTION), non-strings (INVALID_ARGUMENT)', () => {
    expect(code(() => encodeUnstructured('a\r\nBcc: x@y.it'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => encodeUnstructured('è\n'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => encodeUnstructured('\0'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => encodeUnstructured(5 as unknown as string))).toBe('INVALID_ARGUMENT');
    expect(code(() => encodeUnstructured('x', { offset: -1 }))).toBe('INVALID_ARGUMENT');
  });

  it('property: folded Subject decodes back (postal-mime), every line ≤ 78', () => {
    const textArb = fc.array(
      fc.oneof(
        fc.constantFrom(' ', '  ', '\t', 'è', 'perché', '😀', '€', 'ok', 'POSTA', ':', '=?', '?=', '"'),
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.string({ unit: 'grapheme-ascii', minLength: 60, maxLength: 90 }),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(textArb, (parts) => {
        // Trim: an unstructured value's outer whitespace is not significant to readers. Long blank
        // runs are shortened: a line may not be all blank, so 150 spaces cannot fold within 78.
        const s = parts
          .join('')
          .replace(/[\0-\x08\n-\x1f\x7f]/g, '')
          .replace(/[ \t]{20,}/g, ' ')
          .trim();
        const field = formatHeader('Subject', encodeUnstructured(s, { offset: 9 }));
        for (const l of field.slice(0, -2).split('\r\n')) expect(l.length).toBeLessThanOrEqual(78);
        expect(decodeWords(field.slice(8, -2).replace(/\r\n/g, '')).trim()).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodePhrase', () => {
  it('encodes a display name as phrase-safe words', () => {
    expect(encodePhrase('Nicolò Rossi')).toBe('=?UTF-8?Q?Nicol=C3=B2_Rossi?=');
  });

  it('refuses injection', () => {
    expect(code(() => encodePhrase('è\r\n'))).toBe('MIME_HEADER_INJECTION');
  });
});
