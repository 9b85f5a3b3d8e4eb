import { describe, expect, it } from 'vitest';
import { isPecError } from '../errors.js';
import {
  DATICERT_CONTROL_CHARS,
  DATICERT_DUPLICATE_ELEMENT,
  DATICERT_ELEMENT_ORDER,
  DATICERT_ENCODING_INVALID,
  DATICERT_ENCODING_MISMATCH,
  DATICERT_ENCODING_UNKNOWN,
  DATICERT_MSGID_UNESCAPED,
  DATICERT_STRAY_TEXT,
  DATICERT_UNKNOWN_ATTRIBUTE,
  DATICERT_UNKNOWN_ELEMENT,
  DATICERT_WARNINGS,
  type DaticertWarningCode,
  parseDaticert,
  TIPI,
} from './index.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Bytes of `s` in ISO-8859-1 / windows-1252 (every char must be <= U+00FF, or € etc. given as bytes). */
function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => {
    const n = c.charCodeAt(0);
    if (n > 0xff) throw new Error('not latin1');
    return n;
  });
}

/** A daticert shaped like the real Aruba ones (LF line ends, 4-space indentation). */
function doc(opts: { decl?: string; rootAttrs?: string; intestazione?: string; dati?: string } = {}): string {
  const intestazione =
    opts.intestazione ??
    `
        <mittente>mittente@pec.example.it</mittente>
        <destinatari tipo="certificato">dest@pec.example.it</destinatari>
        <risposte>mittente@pec.example.it</risposte>
        <oggetto>Oggetto originale</oggetto>`;
  const dati =
    opts.dati ??
    `
        <gestore-emittente>NOME GESTORE S.p.A.</gestore-emittente>
        <data zona="+0100">
            <giorno>13/11/2018</giorno>
            <ora>16:39:27</ora>
        </data>
        <identificativo>opec288.20181113163926.01838.310.1.63@pec.example.it</identificativo>
        <msgid>&lt;client-id@host&gt;</msgid>
        <ricevuta tipo="completa" />
        <consegna>dest@pec.example.it</consegna>`;
  return `${opts.decl ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<postacert ${opts.rootAttrs ?? 'tipo="avvenuta-consegna" errore="nessuno"'}>
    <intestazione>${intestazione}
    </intestazione>
    <dati>${dati}
    </dati>
</postacert>
`;
}

function codes(warnings: { code: string }[]): string[] {
  return warnings.map((w) => w.code);
}

function failure(f: () => unknown): { err: unknown; code: unknown } {
  try {
    f();
  } catch (err) {
    return { err, code: (err as { code?: unknown }).code };
  }
  return { err: undefined, code: undefined };
}

describe('parseDaticert: the data', () => {
  it('reads every field of a delivery receipt', () => {
    const { daticert, warnings } = parseDaticert(utf8(doc()));
    expect(warnings).toEqual([]);
    expect(daticert).toEqual({
      tipo: 'avvenuta-consegna',
      errore: 'nessuno',
      mittente: 'mittente@pec.example.it',
      destinatari: [{ address: 'dest@pec.example.it', tipo: 'certificato' }],
      risposte: 'mittente@pec.example.it',
      oggetto: 'Oggetto originale',
      gestoreEmittente: 'NOME GESTORE S.p.A.',
      data: { giorno: '13/11/2018', ora: '16:39:27', zona: '+0100' },
      dataUtc: '2018-11-13T15:39:27Z',
      identificativo: 'opec288.20181113163926.01838.310.1.63@pec.example.it',
      msgid: '<client-id@host>',
      ricevutaTipo: 'completa',
      consegna: 'dest@pec.example.it',
      ricezione: [],
      erroreEsteso: null,
    });
  });

  it.each(TIPI)('parses tipo %s', (tipo) => {
    const extra =
      tipo === 'presa-in-carico'
        ? '\n        <ricezione>a@pec.example.it</ricezione>\n        <ricezione>b@pec.example.it</ricezione>'
        : tipo === 'errore-consegna'
          ? '\n        <consegna>a@pec.example.it</consegna>\n        <errore-esteso>5.1.1 - G - indirizzo non valido</errore-esteso>'
          : '';
    const errore =
      tipo === 'errore-consegna' ? 'no-dest' : tipo === 'rilevazione-virus' ? 'virus' : 'nessuno';
    const dati = `
        <gestore-emittente>G</gestore-emittente>
        <data zona="+0200"><giorno>01/07/2021</giorno><ora>00:30:00</ora></data>
        <identificativo>id@pec.example.it</identificativo>${extra}`;
    const { daticert, warnings } = parseDaticert(
      utf8(doc({ rootAttrs: `tipo="${tipo}" errore="${errore}"`, dati })),
    );
    expect(warnings).toEqual([]);
    expect(daticert.tipo).toBe(tipo);
    expect(daticert.errore).toBe(errore);
    expect(daticert.dataUtc).toBe('2021-06-30T22:30:00Z'); // crosses midnight and month end
    expect(daticert.msgid).toBeNull();
    expect(daticert.ricevutaTipo).toBeNull();
    if (tipo === 'presa-in-carico')
      expect(daticert.ricezione).toEqual(['a@pec.example.it', 'b@pec.example.it']);
    if (tipo === 'errore-consegna') expect(daticert.erroreEsteso).toBe('5.1.1 - G - indirizzo non valido');
  });

  it('applies the DTD defaults (errore="nessuno", destinatari tipo="certificato")', () => {
    const { daticert } = parseDaticert(
      utf8(
        doc({
          rootAttrs: 'tipo="accettazione"',
          intestazione:
            '<mittente>a@b.it</mittente><destinatari>c@d.it</destinatari><risposte>a@b.it</risposte>',
        }),
      ),
    );
    expect(daticert.errore).toBe('nessuno');
    expect(daticert.destinatari).toEqual([{ address: 'c@d.it', tipo: 'certificato' }]);
    expect(daticert.oggetto).toBeNull();
  });

  it.each([
    ['+0100', '13/11/2018', '16:39:27', '2018-11-13T15:39:27Z'],
    ['+0000', '13/11/2018', '16:39:27', '2018-11-13T16:39:27Z'],
    ['-0530', '31/12/2019', '22:00:00', '2020-01-01T03:30:00Z'],
    ['+0200', '01/03/2020', '01:00:00', '2020-02-29T23:00:00Z'],
    ['+0100', '29/02/2000', '12:00:00', '2000-02-29T11:00:00Z'],
  ])('dataUtc for zona %s, %s %s is %s', (zona, giorno, ora, utc) => {
    const dati = `<gestore-emittente>G</gestore-emittente><data zona="${zona}"><giorno>${giorno}</giorno><ora>${ora}</ora></data><identificativo>i@d</identificativo>`;
    expect(parseDaticert(utf8(doc({ dati }))).daticert.dataUtc).toBe(utc);
  });

  it('accepts a string of 8-bit text and an ArrayBuffer', () => {
    const s = doc();
    expect(parseDaticert(s).daticert.tipo).toBe('avvenuta-consegna');
    expect(parseDaticert(utf8(s).slice().buffer).daticert.tipo).toBe('avvenuta-consegna');
  });
});

describe('parseDaticert: encodings', () => {
  it('honours encoding="ISO-8859-1"', () => {
    const xml = doc({ decl: '<?xml version="1.0" encoding="ISO-8859-1"?>' }).replace(
      'Oggetto originale',
      'Perché è così',
    );
    const { daticert, warnings } = parseDaticert(latin1Bytes(xml));
    expect(daticert.oggetto).toBe('Perché è così');
    expect(warnings).toEqual([]);
  });

  it('reads the encoding only before the first ">" (the declaration ends there)', () => {
    // A '>' inside a pseudo-attribute hides what follows, so the bytes fall back to windows-1252.
    const xml = doc({ decl: '<?xml version="1.0" x=">" encoding="ISO-8859-1"?>' }).replace(
      'Oggetto originale',
      'Perché',
    );
    const r = (() => {
      try {
        return parseDaticert(latin1Bytes(xml));
      } catch (e) {
        return e;
      }
    })();
    // The reader refuses the declaration itself; what matters is that no encoding was taken from it.
    expect(isPecError(r, 'XML_MALFORMED')).toBe(true);
    const plain = doc({ decl: '<?xml version="1.0"?><!-- > encoding="ISO-8859-1" -->' }).replace(
      'Oggetto originale',
      'Perché',
    );
    const { daticert, warnings } = parseDaticert(latin1Bytes(plain));
    expect(daticert.oggetto).toBe('Perché');
    expect(codes(warnings)).toEqual([DATICERT_ENCODING_INVALID]);
  });

  it('decodes the ISO-8859-1 labels as windows-1252, like browsers (0x80 is €)', () => {
    for (const label of ['iso-8859-1', 'latin1', 'windows-1252', 'CP1252']) {
      const bytes = latin1Bytes(
        doc({ decl: `<?xml version='1.0' encoding='${label}'?>` }).replace(
          'Oggetto originale',
          'costo \x80 5',
        ),
      );
      expect(parseDaticert(bytes).daticert.oggetto).toBe('costo € 5');
    }
  });

  it('decodes UTF-8 by default and strips a BOM', () => {
    const body = doc({ decl: '<?xml version="1.0"?>' }).replace('Oggetto originale', '3° blocco – ok');
    expect(parseDaticert(utf8(body)).daticert.oggetto).toBe('3° blocco – ok');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(doc())]);
    expect(parseDaticert(withBom)).toEqual(parseDaticert(utf8(doc())));
    const noDecl = doc({ decl: '' }).trimStart();
    expect(parseDaticert(utf8(noDecl)).daticert.tipo).toBe('avvenuta-consegna');
  });

  it('decodes UTF-16 with a BOM', () => {
    const s = doc({ decl: '<?xml version="1.0" encoding="UTF-16"?>' }).replace('Oggetto originale', 'è');
    const le = new Uint8Array(2 + s.length * 2);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < s.length; i++) {
      le[2 + 2 * i] = s.charCodeAt(i) & 0xff;
      le[3 + 2 * i] = s.charCodeAt(i) >> 8;
    }
    const r = parseDaticert(le);
    expect(r.daticert.oggetto).toBe('è');
    expect(r.warnings).toEqual([]);
  });

  it('warns when a BOM contradicts the declaration', () => {
    const r = parseDaticert(
      new Uint8Array([
        0xef,
        0xbb,
        0xbf,
        ...utf8(doc({ decl: '<?xml version="1.0" encoding="ISO-8859-1"?>' })),
      ]),
    );
    expect(codes(r.warnings)).toEqual([DATICERT_ENCODING_MISMATCH]);
  });

  it('warns about an unknown encoding and decodes as UTF-8', () => {
    const r = parseDaticert(
      utf8(doc({ decl: '<?xml version="1.0" encoding="KOI8-R"?>' }).replace('Oggetto originale', 'è')),
    );
    expect(r.daticert.oggetto).toBe('è');
    expect(codes(r.warnings)).toEqual([DATICERT_ENCODING_UNKNOWN]);
  });

  it('falls back to windows-1252, with a warning, when "UTF-8" bytes are not UTF-8', () => {
    const r = parseDaticert(latin1Bytes(doc().replace('Oggetto originale', 'Perché')));
    expect(r.daticert.oggetto).toBe('Perché');
    expect(codes(r.warnings)).toEqual([DATICERT_ENCODING_INVALID]);
  });
});

describe('parseDaticert: leniency, with warnings', () => {
  it('trims whitespace around values and attribute values', () => {
    const xml = doc({
      rootAttrs: 'tipo=" avvenuta-consegna " errore="nessuno "',
      intestazione: `
        <mittente>
            a@b.it
        </mittente>
        <destinatari tipo=" esterno">  c@d.it\t</destinatari>
        <risposte> a@b.it </risposte>`,
    });
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(warnings).toEqual([]);
    expect(daticert.tipo).toBe('avvenuta-consegna');
    expect(daticert.mittente).toBe('a@b.it');
    expect(daticert.destinatari).toEqual([{ address: 'c@d.it', tipo: 'esterno' }]);
    expect(daticert.risposte).toBe('a@b.it');
  });

  it('keeps inner whitespace as it is', () => {
    const xml = doc().replace('Oggetto originale', 'transazione fiscale TCM srl  INTEGRAZIONI 3° blocco');
    expect(parseDaticert(utf8(xml)).daticert.oggetto).toBe(
      'transazione fiscale TCM srl  INTEGRAZIONI 3° blocco',
    );
  });

  it('recovers an unescaped <msgid> (DATICERT_MSGID_UNESCAPED)', () => {
    const xml = doc().replace(
      '<msgid>&lt;client-id@host&gt;</msgid>',
      '<msgid><PLSM3W$A8A8&B@pec.it></msgid>',
    );
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.msgid).toBe('<PLSM3W$A8A8&B@pec.it>');
    expect(codes(warnings)).toEqual([DATICERT_MSGID_UNESCAPED]);
    expect(daticert.consegna).toBe('dest@pec.example.it'); // the rest is intact
  });

  it('leaves a well-formed msgid alone (CDATA, half-escaped)', () => {
    const cdata = doc().replace('&lt;client-id@host&gt;', '<![CDATA[<a@b>]]>');
    expect(parseDaticert(utf8(cdata))).toEqual({
      daticert: expect.objectContaining({ msgid: '<a@b>' }),
      warnings: [],
    });
    const half = doc().replace('&lt;client-id@host&gt;', '&lt;a@b>');
    expect(parseDaticert(utf8(half))).toEqual({
      daticert: expect.objectContaining({ msgid: '<a@b>' }),
      warnings: [],
    });
  });

  it('keeps control characters a provider signed in the values (DATICERT_CONTROL_CHARS)', () => {
    const xml = doc()
      .replace('Oggetto originale', 'Oggetto\u0001 orig\u0008inale\u000b')
      .replace('<consegna>', '<consegna>\u001f');
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.oggetto).toBe('Oggetto\u0001 orig\u0008inale\u000b');
    expect(daticert.consegna).toBe('\u001fdest@pec.example.it');
    expect(codes(warnings)).toEqual([DATICERT_CONTROL_CHARS]);
    expect(warnings[0]!.message).toMatch(/kept 4 character\(s\).*U\+0001 at line 7/);
  });

  it('recovers a character reference to a character XML forbids, keeping it (the Cedacri &#18;)', () => {
    // Shaped like a real Cedacri daticert: the subject pasted from a word processor carried U+0012.
    const xml = doc().replace('Oggetto originale', 'Fattura n&#18; 12 &#x1F;&#233;&#x0B;');
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.oggetto).toBe('Fattura n\u0012 12 \u001f\u00e9\u000b');
    expect(codes(warnings)).toEqual([DATICERT_CONTROL_CHARS]);
    expect(warnings[0]!.message).toMatch(/kept 3 character\(s\).*U\+0012 \(as &#18;\) at line 7/);
    // Also through a version="1.1" declaration, and in attribute values.
    const v11 = doc({ decl: '<?xml version="1.1" encoding="UTF-8"?>' }).replace(
      'Oggetto originale',
      'a&#1;b',
    );
    expect(parseDaticert(utf8(v11)).daticert.oggetto).toBe('a\u0001b');
    // U+FFFE / U+FFFF too; a reference to an allowed character is left to the parser.
    expect(parseDaticert(utf8(doc().replace('Oggetto originale', 'x&#xFFFE;y'))).daticert.oggetto).toBe(
      'x\uFFFEy',
    );
    expect(parseDaticert(utf8(doc().replace('Oggetto originale', 'x&#9;y'))).warnings).toEqual([]);
  });

  it('drops the control characters when the text already holds the stand-ins, on every call alike', () => {
    // U+10FF01 is the stand-in of U+0001: with one already in the text, the characters are dropped.
    // The check once used a global regex, whose lastIndex carried over to the next call and sent
    // the same bytes down the other branch.
    const xml = utf8(
      doc().replace('Oggetto originale', 'a\u0001b').replace('<consegna>', '<consegna>\u{10FF01}'),
    );
    const first = parseDaticert(xml);
    expect(first.daticert.oggetto).toBe('ab');
    expect(first.daticert.consegna).toBe('\u{10FF01}dest@pec.example.it');
    expect(first.warnings[0]!.message).toMatch(/^removed 1 character/);
    expect(parseDaticert(xml)).toStrictEqual(first);
    expect(parseDaticert(xml)).toStrictEqual(first);
  });

  it('does not treat an escaped "&amp;#18;" as a reference', () => {
    const { daticert, warnings } = parseDaticert(utf8(doc().replace('Oggetto originale', 'a&amp;#18;b')));
    expect(daticert.oggetto).toBe('a&#18;b');
    expect(warnings).toEqual([]);
  });

  it('tolerates whitespace before the XML declaration (DATICERT_LEADING_WHITESPACE)', () => {
    const { daticert, warnings } = parseDaticert(utf8(`\r\n  \n${doc()}`));
    expect(daticert.tipo).toBe('avvenuta-consegna');
    expect(codes(warnings)).toEqual(['DATICERT_LEADING_WHITESPACE']);
    // The declared encoding is still honoured after the whitespace.
    const latin = latin1Bytes(
      `\n ${doc({ decl: '<?xml version="1.0" encoding="ISO-8859-1"?>' }).replace('Oggetto originale', 'Perch\u00e9')}`,
    );
    const r = parseDaticert(latin);
    expect(r.daticert.oggetto).toBe('Perch\u00e9');
    expect(codes(r.warnings)).toEqual(['DATICERT_LEADING_WHITESPACE']);
    // Whitespace before a document without declaration is fine XML: no warning.
    expect(parseDaticert(utf8(`\n${doc().replace(/^<\?xml[^>]*>/, '')}`)).warnings).toEqual([]);
  });

  it('reads a daticert without risposte, oggetto or gestore-emittente, with warnings (DATICERT_MISSING_ELEMENT)', () => {
    const xml = doc()
      .replace('<risposte>mittente@pec.example.it</risposte>', '')
      .replace('<oggetto>Oggetto originale</oggetto>', '')
      .replace('<gestore-emittente>NOME GESTORE S.p.A.</gestore-emittente>', '');
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert).toMatchObject({ risposte: null, oggetto: null, gestoreEmittente: null });
    expect(daticert.identificativo).toBe('opec288.20181113163926.01838.310.1.63@pec.example.it');
    expect(codes(warnings)).toEqual(['DATICERT_MISSING_ELEMENT', 'DATICERT_MISSING_ELEMENT']);
    expect(warnings.map((w) => w.message).join(' ')).toMatch(/<risposte>.*<gestore-emittente>/);
    // An empty element is not a missing one.
    expect(
      parseDaticert(utf8(doc().replace('mittente@pec.example.it</risposte>', '</risposte>'))).daticert
        .risposte,
    ).toBe('');
  });

  it.each([
    ['tipo', (x: string) => x.replace('tipo="avvenuta-consegna" ', ''), 'tipo'],
    [
      'identificativo',
      (x: string) => x.replace(/<identificativo>[^<]*<\/identificativo>/, ''),
      'identificativo',
    ],
    ['data', (x: string) => x.replace(/<data zona[\s\S]*?<\/data>/, ''), 'data'],
  ])('still refuses a daticert without %s (DATICERT_INVALID)', (_name, edit, path) => {
    const { err, code } = failure(() => parseDaticert(utf8(edit(doc()))));
    expect(code).toBe('DATICERT_INVALID');
    expect((err as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toContain(
      path,
    );
  });

  it('ignores unknown elements and attributes (DATICERT_UNKNOWN_ELEMENT / _ATTRIBUTE)', () => {
    const xml = doc({
      rootAttrs: 'tipo="avvenuta-consegna" errore="nessuno" versione="2"',
      dati: `
        <gestore-emittente>G</gestore-emittente>
        <data zona="+0100"><giorno>13/11/2018</giorno><ora>16:39:27</ora><ms>123</ms></data>
        <identificativo>id@d</identificativo>
        <firma><x>nested</x></firma>
        <consegna note="x">c@d.it</consegna>`,
    });
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.consegna).toBe('c@d.it');
    expect(daticert.identificativo).toBe('id@d');
    expect(codes(warnings).sort()).toEqual(
      [
        DATICERT_UNKNOWN_ATTRIBUTE,
        DATICERT_UNKNOWN_ELEMENT,
        DATICERT_UNKNOWN_ELEMENT,
        DATICERT_UNKNOWN_ATTRIBUTE,
      ].sort(),
    );
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/<firma>/);
  });

  it('accepts any element order (DATICERT_ELEMENT_ORDER)', () => {
    const xml = doc({
      intestazione: `
        <oggetto>O</oggetto>
        <risposte>a@b.it</risposte>
        <destinatari>c@d.it</destinatari>
        <mittente>a@b.it</mittente>
        <destinatari tipo="esterno">e@f.it</destinatari>`,
      dati: `
        <consegna>c@d.it</consegna>
        <identificativo>id@d</identificativo>
        <data zona="+0100"><ora>16:39:27</ora><giorno>13/11/2018</giorno></data>
        <gestore-emittente>G</gestore-emittente>`,
    });
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.destinatari.map((d) => d.address)).toEqual(['c@d.it', 'e@f.it']);
    expect(daticert.dataUtc).toBe('2018-11-13T15:39:27Z');
    expect(codes(warnings)).toEqual([DATICERT_ELEMENT_ORDER, DATICERT_ELEMENT_ORDER, DATICERT_ELEMENT_ORDER]);
  });

  it('keeps the first of a duplicated element (DATICERT_DUPLICATE_ELEMENT)', () => {
    const xml = doc().replace(
      '<consegna>dest@pec.example.it</consegna>',
      '<consegna>a@b.it</consegna><consegna>c@d.it</consegna>',
    );
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.consegna).toBe('a@b.it');
    expect(codes(warnings)).toEqual([DATICERT_DUPLICATE_ELEMENT]);
  });

  it('ignores stray text between elements (DATICERT_STRAY_TEXT), as in a real sample', () => {
    const xml = doc().replace(
      '<risposte>mittente@pec.example.it</risposte>',
      '<risposte>mittente@pec.example.it</risposte>a',
    );
    const { daticert, warnings } = parseDaticert(utf8(xml));
    expect(daticert.risposte).toBe('mittente@pec.example.it');
    expect(codes(warnings)).toEqual([DATICERT_STRAY_TEXT]);
  });

  it('ignores comments and processing instructions', () => {
    const xml = doc().replace('<consegna>', '<!-- note --><?provider x?><consegna>');
    expect(parseDaticert(utf8(xml)).warnings).toEqual([]);
  });

  it('documents every warning code it can emit', () => {
    const all = Object.keys(DATICERT_WARNINGS) as DaticertWarningCode[];
    expect(all).toEqual(
      expect.arrayContaining([DATICERT_MSGID_UNESCAPED, DATICERT_CONTROL_CHARS, DATICERT_UNKNOWN_ELEMENT]),
    );
    for (const c of all) expect(DATICERT_WARNINGS[c].length).toBeGreaterThan(10);
  });
});

describe('parseDaticert: invalid data → DATICERT_INVALID', () => {
  const issuePaths = (f: () => unknown): string[] => {
    const { err } = failure(f);
    expect(isPecError(err, 'DATICERT_INVALID')).toBe(true);
    return ((err as { details: { issues: { path: string }[] } }).details.issues ?? []).map((i) => i.path);
  };

  it('missing identificativo', () => {
    const xml = doc().replace(/<identificativo>.*<\/identificativo>/, '');
    expect(issuePaths(() => parseDaticert(utf8(xml)))).toEqual(['identificativo']);
    expect(() => parseDaticert(utf8(xml))).toThrow(/identificativo: missing/);
  });

  it('missing tipo', () => {
    expect(issuePaths(() => parseDaticert(utf8(doc({ rootAttrs: 'errore="nessuno"' }))))).toEqual(['tipo']);
  });

  it('unknown tipo / errore / ricevuta tipo values', () => {
    const xml = doc({ rootAttrs: 'tipo="consegna" errore="grave"' }).replace(
      'tipo="completa"',
      'tipo="normale"',
    );
    expect(issuePaths(() => parseDaticert(utf8(xml)))).toEqual(['tipo', 'errore', 'ricevutaTipo']);
  });

  it('<ricevuta> without its #REQUIRED tipo', () => {
    expect(
      issuePaths(() => parseDaticert(utf8(doc().replace('<ricevuta tipo="completa" />', '<ricevuta/>')))),
    ).toEqual(['ricevutaTipo']);
  });

  it('no <destinatari>, no <intestazione>', () => {
    const noDest = doc().replace(/<destinatari[^\n]*\n/, '');
    expect(issuePaths(() => parseDaticert(utf8(noDest)))).toEqual(['destinatari']);
    const noInt = doc().replace(/<intestazione>[\s\S]*<\/intestazione>/, '');
    expect(issuePaths(() => parseDaticert(utf8(noInt)))).toEqual(['mittente', 'destinatari']);
  });

  it('an impossible date (31/02) or a malformed zone', () => {
    expect(issuePaths(() => parseDaticert(utf8(doc().replace('13/11/2018', '31/02/2018'))))).toEqual([
      'data.giorno',
    ]);
    expect(issuePaths(() => parseDaticert(utf8(doc().replace('zona="+0100"', 'zona="+01:00"'))))).toEqual([
      'data.zona',
    ]);
    expect(issuePaths(() => parseDaticert(utf8(doc().replace('zona="+0100"', ''))))).toEqual(['data.zona']);
  });

  it('a root element other than <postacert>', () => {
    const { code } = failure(() => parseDaticert(utf8('<?xml version="1.0"?><root/>')));
    expect(code).toBe('DATICERT_INVALID');
  });
});

describe('parseDaticert: security → XML_FORBIDDEN before parsing', () => {
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<postacert tipo="accettazione"><intestazione><mittente>&lol9;</mittente></intestazione></postacert>`;

  it.each([
    [
      'a DOCTYPE',
      doc().replace('<postacert', '<!DOCTYPE postacert SYSTEM "postacert.dtd">\n<postacert'),
      'DOCTYPE',
    ],
    [
      'an internal ENTITY',
      doc().replace('<postacert', '<!DOCTYPE p [<!ENTITY x "y">]>\n<postacert').replace('a@', '&x;@'),
      'DOCTYPE',
    ],
    ['billion laughs', billionLaughs, 'DOCTYPE'],
    [
      'an external SYSTEM entity',
      `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><postacert>&xxe;</postacert>`,
      'DOCTYPE',
    ],
    [
      'an external PUBLIC DTD',
      `<!DOCTYPE postacert PUBLIC "-//X//DTD X//EN" "http://example.com/x.dtd"><postacert/>`,
      'DOCTYPE',
    ],
    ['a lower-case doctype', `<!doctype postacert><postacert/>`, 'DOCTYPE'],
    ['a stray ENTITY declaration', doc().replace('<dati>', '<dati><!ENTITY x "y">'), 'ENTITY'],
    [
      'a DOCTYPE split by a control character',
      doc().replace('<postacert', '<\u0001!DOCTYPE p [<!ENTITY x "y">]><postacert'),
      'DOCTYPE',
    ],
    ['a DOCTYPE hidden in a comment', doc().replace('<dati>', '<dati><!-- <!DOCTYPE x> -->'), 'DOCTYPE'],
    [
      'XInclude',
      doc().replace(
        '<dati>',
        '<dati xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/>',
      ),
      'XInclude',
    ],
    [
      'an xml-stylesheet PI',
      doc().replace('<postacert', '<?xml-stylesheet href="http://evil/x.xsl"?><postacert'),
      'xml-stylesheet',
    ],
  ])('refuses %s', (_name, xml, construct) => {
    const { err, code } = failure(() => parseDaticert(utf8(xml)));
    expect(code).toBe('XML_FORBIDDEN');
    expect((err as { details: { construct: string } }).details.construct).toBe(construct);
  });

  it('refuses a 1 MiB entity bomb before expanding anything', () => {
    const bomb = `<!DOCTYPE p [<!ENTITY a "${'A'.repeat(500_000)}">]><p>${'&a;'.repeat(150_000)}</p>`;
    const { code } = failure(() =>
      parseDaticert(utf8(bomb), { limits: { maxDaticertBytes: 2 * 1024 * 1024 } }),
    );
    expect(code).toBe('XML_FORBIDDEN');
  });

  it('never expands entities other than the five predefined ones and character references', () => {
    const ok = doc().replace('Oggetto originale', '&lt;&gt;&amp;&quot;&apos;&#233;&#xE8;');
    expect(parseDaticert(utf8(ok)).daticert.oggetto).toBe(`<>&"'éè`);
    const { code } = failure(() => parseDaticert(utf8(doc().replace('Oggetto originale', '&nbsp;x'))));
    expect(code).toBe('XML_MALFORMED'); // undefined entity: not well-formed, never looked up
  });
});

describe('parseDaticert: not well-formed → XML_MALFORMED', () => {
  const full = doc();
  it.each([
    ['truncated', full.slice(0, full.indexOf('</dati>') + 3)],
    ['cut in the middle of a tag', full.slice(0, 200)],
    ['empty input', ''],
    ['mismatched end tag', full.replace('</consegna>', '</consegnaa>')],
    ['two roots', `${full}<postacert/>`],
    ['duplicate attribute', full.replace('errore="nessuno"', 'errore="nessuno" errore="altro"')],
    ['unescaped & outside msgid', full.replace('Oggetto originale', 'A & B')],
    ['unescaped < outside msgid', full.replace('Oggetto originale', 'a < b')],
    ['a reference to a surrogate', full.replace('Oggetto originale', 'a&#xD800;b')],
    ['not XML at all', 'From: someone\r\n\r\nhello'],
  ])('%s', (_name, xml) => {
    const { err, code } = failure(() => parseDaticert(utf8(xml)));
    expect(code).toBe('XML_MALFORMED');
    expect((err as Error).message).toMatch(/daticert\.xml/);
  });
});

describe('parseDaticert: limits and argument types', () => {
  it('refuses input above maxDaticertBytes with LIMIT_EXCEEDED', () => {
    const bytes = utf8(doc());
    expect(failure(() => parseDaticert(bytes, { limits: { maxDaticertBytes: bytes.length - 1 } })).code).toBe(
      'LIMIT_EXCEEDED',
    );
    expect(() => parseDaticert(bytes, { limits: { maxDaticertBytes: bytes.length } })).not.toThrow();
    const big = new Uint8Array(1024 * 1024 + 1);
    expect(failure(() => parseDaticert(big)).code).toBe('LIMIT_EXCEEDED'); // default 1 MiB
  });

  it.each([
    ['null', null, undefined],
    ['a number', 42, undefined],
    ['an object', { xml: '<a/>' }, undefined],
    ['options as a string', utf8(doc()), 'strict'],
    ['a negative limit', utf8(doc()), { limits: { maxDaticertBytes: -1 } }],
    ['an unknown limit', utf8(doc()), { limits: { maxDaticert: 10 } }],
  ])('refuses %s with a TypeError', (_name, input, options) => {
    const { err } = failure(() => parseDaticert(input as never, options as never));
    expect(err).toBeInstanceOf(TypeError);
    expect(isPecError(err, 'INVALID_ARGUMENT')).toBe(true);
  });
});
