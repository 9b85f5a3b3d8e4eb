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
    expect(once).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/);
    // Repeated calls agree (the pattern is global: its position must not leak between calls).
    expect(displayText('x\ny')).toBe(displayText('x\ny'));
  });
});
