import { describe, expect, it } from 'vitest';
import { displayText } from './display.js';

describe('displayText', () => {
  it('shows every C0 control and DEL as its Control Picture, a tab as a space', () => {
    expect(displayText('a\r\nb')).toBe('a\u240d\u240ab');
    expect(displayText('\x1b[2K\x1b]0;title\x07')).toBe('\u241b[2K\u241b]0;title\u2407');
    expect(displayText('\0x\x7f')).toBe('\u2400x\u2421');
    expect(displayText('a\tb')).toBe('a b');
    for (let c = 0; c < 0x20; c++) {
      if (c === 9) continue;
      expect(displayText(String.fromCharCode(c))).toBe(String.fromCharCode(0x2400 + c));
    }
  });

  it('shows C1 controls, separators, direction and invisible format characters as <U+XXXX>', () => {
    expect(displayText('\x9b31m')).toBe('<U+009B>31m');
    expect(displayText('\x85')).toBe('<U+0085>');
    expect(displayText('fattura\u202Efdp.exe')).toBe('fattura<U+202E>fdp.exe');
    expect(displayText('a\u2028b\u2029c')).toBe('a<U+2028>b<U+2029>c');
    expect(displayText('\u2066x\u2069\u200b\u200f\u061c\ufeff\ufffb')).toBe(
      '<U+2066>x<U+2069><U+200B><U+200F><U+061C><U+FEFF><U+FFFB>',
    );
  });

  it('marks every invisible (default-ignorable) character, so no two addresses look alike', () => {
    expect(displayText('mario.rossi\u00ad@pec.it')).toBe('mario.rossi<U+00AD>@pec.it');
    expect(displayText('a\u034fb\u115fc\u3164d\uffa0e\u180ef\u2064g')).toBe(
      'a<U+034F>b<U+115F>c<U+3164>d<U+FFA0>e<U+180E>f<U+2064>g',
    );
    // Tag characters (ASCII smuggling: "ok" followed by an invisible "hi"), musical format marks.
    expect(displayText('ok\u{e0068}\u{e0069}')).toBe('ok<U+E0068><U+E0069>');
    expect(displayText('\u{e0001}\u{1d173}\u{1bca0}')).toBe('<U+E0001><U+1D173><U+1BCA0>');
    // Every other format character (Cf), such as the prepended number signs and the hieroglyph
    // format controls, which change how their neighbours are drawn.
    expect(displayText('1\u06002\u06dd3\u070f4\u08e25\u{110bd}6\u{13430}7')).toBe(
      '1<U+0600>2<U+06DD>3<U+070F>4<U+08E2>5<U+110BD>6<U+13430>7',
    );
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      if (/\p{Cf}/u.test(ch)) expect(displayText(ch), c.toString(16)).toMatch(/^<U\+[0-9A-F]{4,6}>$/);
    }
  });

  it('keeps a variation selector where it chooses a glyph, marks it where it hides', () => {
    expect(displayText('Grazie \u2764\ufe0f')).toBe('Grazie \u2764\ufe0f');
    expect(displayText('\u845b\u{e0100}')).toBe('\u845b\u{e0100}');
    expect(displayText('mario\ufe0f@pec.it')).toBe('mario<U+FE0F>@pec.it');
    expect(displayText('\ufe0fx')).toBe('<U+FE0F>x');
    expect(displayText('\u2764\ufe0f\ufe0f')).toBe('\u2764\ufe0f<U+FE0F>');
    expect(displayText('\u200b\ufe0f')).toBe('<U+200B><U+FE0F>');
    expect(displayText('\ud800\ufe0f')).toBe('<U+D800><U+FE0F>');
  });

  it('shows a run of four or more blanks as one counted mark, so no text is pushed to a line of its own', () => {
    expect(displayText(`Fattura${' '.repeat(80)}VALID notice.eml`)).toBe('Fattura␠×80VALID notice.eml');
    expect(displayText(`a\u00a0\u2003\u3000\u202fb`)).toBe('a␠×4b');
    expect(displayText('\t\t\t\tx')).toBe('␠×4x');
    expect(displayText(`${' '.repeat(6)}lead`)).toBe('␠×6lead');
    // Up to three, as people type them, stay; the blank braille pattern is never a space.
    expect(displayText('Fattura   n. 1')).toBe('Fattura   n. 1');
    expect(displayText('a\u2800\u2800b')).toBe('a<U+2800><U+2800>b');
    const once = displayText(`x${' '.repeat(9)}\u00a0y`);
    expect(displayText(once)).toBe(once);
    // A selector after a run of blanks: marked at once, so a second pass has nothing to add.
    for (const run of ['\u3000\u3000\u3000\u3000', '\u00a0\u00a0\u00a0\u00a0', '    ']) {
      const first = displayText(`${run}\ufe0f${run}\u{e0100}`);
      expect(displayText(first), JSON.stringify(run)).toBe(first);
    }
  });

  it('marks lone surrogates and keeps pairs', () => {
    expect(displayText('a\ud800b')).toBe('a<U+D800>b');
    expect(displayText('\udc00')).toBe('<U+DC00>');
    expect(displayText('ok 📨')).toBe('ok 📨');
  });

  it('returns ordinary text as it is, the same string', () => {
    const s = 'Fattura n. 12/2025 – così «tutto» € ok; Ünïcödé 日本 مرحبا';
    expect(displayText(s)).toBe(s);
    expect(displayText('')).toBe('');
  });

  it('is idempotent and leaves nothing a terminal would obey', () => {
    let all = '';
    for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
    const once = displayText(all);
    expect(displayText(once)).toBe(once);
    // Every selector after every kind of neighbour, and the astral planes' marked ranges.
    const neighbours = [
      '',
      'a',
      '\u2764',
      '\u200b',
      '\ud800',
      '\ufe0f',
      '\u{e0100}',
      '\u{1f600}',
      '\u{e0041}',
    ];
    for (const n of neighbours)
      for (const sel of ['\ufe00', '\ufe0f', '\u{e0100}', '\u{e01ef}']) {
        const x = displayText(n + sel + sel);
        expect(displayText(x), JSON.stringify(n + sel)).toBe(x);
      }
    let astral = '';
    for (let c = 0x1bc90; c < 0x1bcb0; c++) astral += String.fromCodePoint(c);
    for (let c = 0xe0000; c < 0xe0300; c++) astral += String.fromCodePoint(c);
    const marked = displayText(astral);
    expect(displayText(marked)).toBe(marked);
    expect(marked).not.toMatch(/[\u{e0000}-\u{e00ff}\u{e01f0}-\u{e0fff}\u{1bca0}-\u{1bca3}]/u);
    expect(once).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u00ad\u2028-\u202e\u2060-\u206f]/);
    // Repeated calls agree (the pattern is global: its position must not leak between calls).
    expect(displayText('x\ny')).toBe(displayText('x\ny'));
  });
});
