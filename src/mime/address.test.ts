// Address lists as real mail writes them: quoted display names with escaped quotes and colons,
// names holding `<x@y>`, and the corpus headers whose display name was read wrong.
import { describe, expect, it } from 'vitest';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from '../../test/helpers/corpus.js';
import { parsePec } from '../reading/parse.js';
import { parseAddressList, parseMailbox } from './address.js';

describe('parseAddressList', () => {
  it('keeps a quoted display name with escaped quotes and a colon whole (not a group)', () => {
    expect(parseAddressList('"\\"Per conto di: mario@pec.example.it\\"" <mario@pec.example.it>')).toEqual([
      { name: '"Per conto di: mario@pec.example.it"', address: 'mario@pec.example.it' },
    ]);
    expect(parseAddressList('"Rossi \\"il Grande\\", Mario" <m@x.it>, b@y.it')).toEqual([
      { name: 'Rossi "il Grande", Mario', address: 'm@x.it' },
      { name: '', address: 'b@y.it' },
    ]);
  });

  it('takes the angle-addr outside quotes and comments, not a <x@y> inside the display name', () => {
    expect(parseMailbox('"Banca <assistenza@banca.example>" <phish@evil.example>')).toEqual({
      name: 'Banca <assistenza@banca.example>',
      address: 'phish@evil.example',
    });
    expect(parseMailbox('Mario (ufficio <x@y>) <m@x.it>')).toEqual({
      name: 'Mario (ufficio <x@y>)',
      address: 'm@x.it',
    });
  });

  it('reads a group, and gives no display name for an unquoted addr-spec repeated as a name', () => {
    expect(parseAddressList('Uffici: a@x.it, "B" <b@x.it>;')).toEqual([
      { name: '', address: 'a@x.it' },
      { name: 'B', address: 'b@x.it' },
    ]);
    expect(parseMailbox('no-reply@example.com <no-reply@example.com>')).toEqual({
      name: '',
      address: 'no-reply@example.com',
    });
    expect(parseMailbox('"t\\.c\\.m\\.srl" <t.c.m.srl@pec.it>')?.name).toBe('t.c.m.srl');
  });

  it.skipIf(!HAVE_CORPUS)('agrees with EXPECTED.json on every corpus fromName', () => {
    const wrong = EXPECTED.filter(
      (e) => parsePec(corpusBytes(e.file)).headers.fromName !== (e.fromDisplayName ?? null),
    ).map((e) => e.file);
    expect(wrong).toEqual([]);
  });

  it.skipIf(!HAVE_CORPUS)('reads the escaped-quote To of the Aruba delivery receipt original', () => {
    const pec = parsePec(corpusBytes('OCA__l10n-italy/message2_consegna'));
    const to = pec.original?.entity.headers.get('to');
    expect(parseAddressList(to)).toEqual([
      { name: '"Per conto di: thinkstudio@pec.it"', address: 'thinkstudio@pec.it' },
    ]);
  });
});
