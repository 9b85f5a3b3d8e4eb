import { describe, expect, it } from 'vitest';
import { isPecError } from '../errors.js';
import { assertIdentificativo, makeIdentificativo, makeReceiptMessageId } from './ids.js';
import { hoursAfter, italianOffsetMinutes, italianTime } from './time.js';

const at = (iso: string) => new Date(iso);

describe('italianTime: Italian legal time without the host time zone', () => {
  it('+0100 in January, +0200 in July', () => {
    expect(italianTime(at('2025-01-15T12:00:00Z'))).toMatchObject({
      zona: '+0100',
      offsetMinutes: 60,
      giorno: '15/01/2025',
      ora: '13:00:00',
      header: 'Wed, 15 Jan 2025 13:00:00 +0100',
      compact: '20250115130000',
    });
    expect(italianTime(at('2025-07-15T12:00:00Z'))).toMatchObject({
      zona: '+0200',
      offsetMinutes: 120,
      giorno: '15/07/2025',
      ora: '14:00:00',
      header: 'Tue, 15 Jul 2025 14:00:00 +0200',
      compact: '20250715140000',
    });
  });

  it.each([
    // [instant, zona, local day, local time]
    ['2025-03-30T00:59:59Z', '+0100', '30/03/2025', '01:59:59'],
    ['2025-03-30T01:00:00Z', '+0200', '30/03/2025', '03:00:00'],
    ['2025-10-26T00:59:59Z', '+0200', '26/10/2025', '02:59:59'],
    ['2025-10-26T01:00:00Z', '+0100', '26/10/2025', '02:00:00'],
    ['2024-03-31T00:59:59Z', '+0100', '31/03/2024', '01:59:59'],
    ['2024-03-31T01:00:00Z', '+0200', '31/03/2024', '03:00:00'],
    ['2024-10-27T00:59:59Z', '+0200', '27/10/2024', '02:59:59'],
    ['2024-10-27T01:00:00Z', '+0100', '27/10/2024', '02:00:00'],
    ['2026-03-29T01:00:00Z', '+0200', '29/03/2026', '03:00:00'],
    ['2026-10-25T01:00:00Z', '+0100', '25/10/2026', '02:00:00'],
    // Across midnight and the year.
    ['2024-12-31T23:30:00Z', '+0100', '01/01/2025', '00:30:00'],
    ['2020-02-28T23:00:00Z', '+0100', '29/02/2020', '00:00:00'],
  ])('%s → %s %s %s (the switch instants)', (iso, zona, giorno, ora) => {
    expect(italianTime(at(iso))).toMatchObject({ zona, giorno, ora });
  });

  it('agrees with the IANA Europe/Rome zone (Intl) every 7 hours from 1996 to 2037', () => {
    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Rome',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const step = 7 * 3_600_000;
    let checked = 0;
    for (let t = Date.UTC(1996, 0, 1); t < Date.UTC(2038, 0, 1); t += step) {
      const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      const local = Date.UTC(
        Number(p.year),
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      );
      const offset = (local - t) / 60_000;
      if (italianOffsetMinutes(new Date(t)) !== offset)
        throw new Error(
          `${new Date(t).toISOString()}: ${italianOffsetMinutes(new Date(t))} vs Intl ${offset}`,
        );
      checked++;
    }
    expect(checked).toBeGreaterThan(50_000);
  });

  it('truncates to whole seconds (daticert, Date and signingTime agree)', () => {
    const t = italianTime(at('2021-12-14T13:36:08.999Z'));
    expect(t.instant.toISOString()).toBe('2021-12-14T13:36:08.000Z');
    expect(t.ora).toBe('14:36:08');
  });

  it('refuses an invalid date with a TypeError', () => {
    expect(() => italianTime(new Date('nope'))).toThrow(TypeError);
    expect(() => italianOffsetMinutes('2025-01-01' as never)).toThrow(TypeError);
  });

  it('hoursAfter adds hours across the switch', () => {
    const t = hoursAfter(at('2025-03-29T12:00:00Z'), 24);
    expect(italianTime(t)).toMatchObject({ giorno: '30/03/2025', ora: '14:00:00', zona: '+0200' });
  });
});

describe('identifiers', () => {
  it('identificativo: opec<nnn>.<local yyyymmddhhmmss>.<pid>.<n>.<n>.<n>@<domain>', () => {
    const id = makeIdentificativo({ domain: 'pec.example.it', at: at('2025-07-15T12:00:00Z') });
    expect(id).toMatch(/^opec\d{3}\.20250715140000\.\d{5}\.\d{1,3}\.[12]\.\d{1,2}@pec\.example\.it$/);
    assertIdentificativo(id);
  });

  it('receipt Message-ID: one component more, in brackets, distinct each time', () => {
    const ids = new Set(
      Array.from({ length: 50 }, () =>
        makeReceiptMessageId({ domain: 'pec.example.it', at: at('2025-01-15T12:00:00Z') }),
      ),
    );
    expect(ids.size).toBe(50);
    for (const id of ids)
      expect(id).toMatch(
        /^<opec\d{3}\.20250115130000\.\d{5}\.\d{1,3}\.[12]\.\d{1,3}\.\d{1,2}@pec\.example\.it>$/,
      );
  });

  it('a random source makes them reproducible', () => {
    const random = (n: number) => new Uint8Array(n).fill(3);
    const one = makeIdentificativo({ domain: 'pec.example.it', at: at('2025-01-15T12:00:00Z'), random });
    expect(makeIdentificativo({ domain: 'pec.example.it', at: at('2025-01-15T12:00:00Z'), random })).toBe(
      one,
    );
  });

  it('refuses bad ids and domains with coded errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isPecError(e) ? e.code : 'other';
      }
      return null;
    };
    expect(code(() => assertIdentificativo('<x@y>'))).toBe('BUILD_INVALID');
    expect(code(() => assertIdentificativo('a b@y'))).toBe('BUILD_INVALID');
    expect(code(() => assertIdentificativo('x@y\r\nBcc: z@w'))).toBe('MIME_HEADER_INJECTION');
    expect(code(() => assertIdentificativo(42))).toBe('INVALID_ARGUMENT');
    expect(code(() => makeIdentificativo({ domain: 'bad domain' }))).toBe('BUILD_INVALID');
    expect(code(() => makeIdentificativo({ domain: 'pec.example.it', random: 'x' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
