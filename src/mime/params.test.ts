// Structured header values: the tokenizer's results, and hostile shapes that used to cost the
// square of their length (each completes here; their cost per byte is measured in bench/hostile.mjs).
import { describe, expect, it } from 'vitest';
import { parseDate } from './address.js';
import { MAX_PARAMS, parseContentType, parseParams } from './params.js';

describe('parseParams', () => {
  it('reads tokens, quoted strings, escapes and stray tokens as before', () => {
    const p = parseParams('Multipart/Mixed ; Boundary="a\\"b;c" ; junk; charset = utf-8 ;x=;="v"');
    expect(p.value).toBe('multipart/mixed');
    expect([...p.params]).toEqual([
      ['boundary', 'a"b;c'],
      ['charset', 'utf-8'],
      ['x', ''],
    ]);
  });

  it('keeps the first of repeated parameters and joins RFC 2231 continuations', () => {
    const p = parseParams("attachment; filename=a; filename=b; title*0*=utf-8''%C3%A8; title*1=x");
    expect(p.params.get('filename')).toBe('a');
    expect(p.params.get('title')).toBe('èx');
  });

  it('reads a truncated quoted value to the end', () => {
    expect(parseParams('text/plain; name="abc').params.get('name')).toBe('abc');
  });

  // The two hostile shapes below get a timeout (5 s) far above their linear cost (milliseconds) and
  // far below their quadratic one before the fix (10 s and 25 s): no duration is asserted.
  it('reads a value of 2,000,000 stray parameters (";a;a;a…", 4 MB, no "=") in one pass', {
    timeout: 5000,
  }, () => {
    // Quadratic before: each parameter searched the rest of the value for "=".
    const value = `text/plain${';a'.repeat(2_000_000)};charset=utf-8`;
    const ct = parseContentType(value);
    expect(ct.value).toBe('text/plain');
    expect([...ct.params]).toEqual([['charset', 'utf-8']]);
  });

  it('keeps the first MAX_PARAMS parameters of 200,000 and ignores the rest', () => {
    const value = `text/plain${Array.from({ length: 200_000 }, (_, i) => `;p${i}=v`).join('')}`;
    const p = parseParams(value);
    expect(p.params.size).toBe(MAX_PARAMS);
    expect(p.params.get(`p${MAX_PARAMS - 1}`)).toBe('v');
    expect(p.params.has(`p${MAX_PARAMS}`)).toBe(false);
  });
});

describe('parseDate', () => {
  it('drops comments as before', () => {
    expect(parseDate('Tue, 14 Jan 2025 10:15:00 +0100 (CET)')?.toISOString()).toBe(
      '2025-01-14T09:15:00.000Z',
    );
    expect(parseDate('(x) Tue, 14 Jan (y(z) 2025 10:15:00 +0100')?.toISOString()).toBe(
      '2025-01-14T09:15:00.000Z',
    );
  });

  it('reads a value of 256 KiB "(" (no ")") in one pass', { timeout: 5000 }, () => {
    // Quadratic before: each "(" scanned to the end of the value.
    const date = parseDate(`Tue, 14 Jan 2025 10:15:00 +0100 ${'('.repeat(256 * 1024)}`);
    expect(date?.toISOString()).toBe('2025-01-14T09:15:00.000Z');
  });
});
