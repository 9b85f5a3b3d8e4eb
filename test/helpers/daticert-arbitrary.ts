// fast-check generators of daticert data: valid Daticert values the builder accepts (every field,
// characters that need escaping, multi-byte and astral ones, days 0001-9998 at any zone).
import fc from 'fast-check';
import { dataToUtc } from '../../src/daticert/date.js';
import { type Daticert, ERRORI, RICEVUTA_TIPI, TIPI } from '../../src/daticert/index.js';
import { trimXml } from '../../src/daticert/xml-text.js';

// XML 1.0 characters, weighted towards the ones that need escaping or are multi-byte.
export const xmlChar = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('<', '>', '&', '"', "'", ' ', '\t', '\n', '\r', ']]>', '&amp;', '&#13;'),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom('è', 'à', '€', 'ß', '日', '😀', '\u00a0', '\u2028', '\uFEFF', '\u0085'),
  },
  { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);
export const xmlText = fc.array(xmlChar, { maxLength: 24 }).map((a) => trimXml(a.join('')));
export const xmlRequired = xmlText.filter((s) => s.length > 0);
const pad2 = (n: number): string => String(n).padStart(2, '0');

export const arbDaticert: fc.Arbitrary<Daticert> = fc
  .record(
    {
      tipo: fc.constantFrom(...TIPI),
      errore: fc.constantFrom(...ERRORI),
      mittente: xmlRequired,
      destinatari: fc.array(
        fc.record(
          {
            address: xmlRequired,
            tipo: fc.constantFrom('certificato', 'esterno') as fc.Arbitrary<'certificato' | 'esterno'>,
          },
          { noNullPrototype: true }, // plain objects, like the ones parseDaticert returns
        ),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      risposte: xmlText,
      oggetto: fc.option(xmlText, { nil: null }),
      gestoreEmittente: xmlRequired,
      day: fc.date({
        min: new Date('0001-01-02T00:00:00Z'),
        max: new Date('9998-12-30T23:59:59Z'),
        noInvalidDate: true,
      }),
      zona: fc.tuple(
        fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
      ),
      identificativo: xmlRequired,
      msgid: fc.option(xmlText, { nil: null }),
      ricevutaTipo: fc.option(fc.constantFrom(...RICEVUTA_TIPI), { nil: null }),
      consegna: fc.option(xmlText, { nil: null }),
      ricezione: fc.array(xmlText, { maxLength: 3 }),
      erroreEsteso: fc.option(xmlText, { nil: null }),
    },
    { noNullPrototype: true },
  )
  .map(({ day, zona, ...rest }) => {
    const data = {
      giorno: `${pad2(day.getUTCDate())}/${pad2(day.getUTCMonth() + 1)}/${String(day.getUTCFullYear()).padStart(4, '0')}`,
      ora: `${pad2(day.getUTCHours())}:${pad2(day.getUTCMinutes())}:${pad2(day.getUTCSeconds())}`,
      zona: `${zona[0]}${pad2(zona[1])}${pad2(zona[2])}`,
    };
    const dataUtc = dataToUtc(data.giorno, data.ora, data.zona);
    if (dataUtc === null) throw new Error(`generator produced an invalid date ${JSON.stringify(data)}`);
    const d: Daticert = { ...rest, data, dataUtc };
    return d;
  });
