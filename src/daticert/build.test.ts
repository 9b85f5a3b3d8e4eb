import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbDaticert } from '../../test/helpers/daticert-arbitrary.js';
import { isPecError } from '../errors.js';
import { buildDaticert, type Daticert, type DaticertInput, parseDaticert, TIPI } from './index.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A realistic daticert of each tipo (spec §4), fields as real providers fill them. */
function sample(tipo: Daticert['tipo']): DaticertInput {
  const base: DaticertInput = {
    tipo,
    errore: 'nessuno',
    mittente: 'mittente@pec.example.it',
    destinatari: [
      { address: 'dest@pec.example.it', tipo: 'certificato' },
      { address: 'someone@example.com', tipo: 'esterno' },
    ],
    risposte: 'mittente@pec.example.it',
    oggetto: 'Oggetto originale',
    gestoreEmittente: 'NOME GESTORE S.p.A.',
    data: { giorno: '13/11/2018', ora: '16:39:27', zona: '+0100' },
    identificativo: 'opec288.20181113163926.01838.310.1.63@pec.example.it',
    msgid: '<client-generated-id@host>',
    ricevutaTipo: null,
    consegna: null,
    ricezione: [],
    erroreEsteso: null,
  };
  switch (tipo) {
    case 'posta-certificata':
      return { ...base, ricevutaTipo: 'completa' };
    case 'accettazione':
      return base;
    case 'non-accettazione':
      return { ...base, errore: 'altro', erroreEsteso: 'Destinatario non valido' };
    case 'presa-in-carico':
      return { ...base, ricezione: ['dest@pec.example.it', 'altro@pec.example.it'] };
    case 'avvenuta-consegna':
      return { ...base, ricevutaTipo: 'breve', consegna: 'dest@pec.example.it' };
    case 'errore-consegna':
      return {
        ...base,
        errore: 'no-dest',
        consegna: 'dest@pec.example.it',
        erroreEsteso: '5.1.1 - NOME GESTORE - indirizzo non valido',
      };
    case 'preavviso-errore-consegna':
      return {
        ...base,
        errore: 'altro',
        consegna: 'dest@pec.example.it',
        erroreEsteso: '5.4.1 - NOME GESTORE - timeout',
      };
    case 'rilevazione-virus':
      return { ...base, errore: 'virus', consegna: 'dest@pec.example.it' };
  }
}

describe('buildDaticert output', () => {
  it('writes the DTD order, 4-space indentation, CRLF and escaped values (golden)', () => {
    const xml = text(
      buildDaticert({
        ...sample('avvenuta-consegna'),
        ricevutaTipo: 'completa',
        oggetto: 'Fattura <1> & "2" \'3\' è',
        ricezione: ['r1@pec.example.it', 'r2@pec.example.it'],
        erroreEsteso: 'x > y',
      }),
    );
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<postacert tipo="avvenuta-consegna" errore="nessuno">',
        '    <intestazione>',
        '        <mittente>mittente@pec.example.it</mittente>',
        '        <destinatari tipo="certificato">dest@pec.example.it</destinatari>',
        '        <destinatari tipo="esterno">someone@example.com</destinatari>',
        '        <risposte>mittente@pec.example.it</risposte>',
        '        <oggetto>Fattura &lt;1&gt; &amp; "2" \'3\' è</oggetto>',
        '    </intestazione>',
        '    <dati>',
        '        <gestore-emittente>NOME GESTORE S.p.A.</gestore-emittente>',
        '        <data zona="+0100">',
        '            <giorno>13/11/2018</giorno>',
        '            <ora>16:39:27</ora>',
        '        </data>',
        '        <identificativo>opec288.20181113163926.01838.310.1.63@pec.example.it</identificativo>',
        '        <msgid>&lt;client-generated-id@host&gt;</msgid>',
        '        <ricevuta tipo="completa" />',
        '        <consegna>dest@pec.example.it</consegna>',
        '        <ricezione>r1@pec.example.it</ricezione>',
        '        <ricezione>r2@pec.example.it</ricezione>',
        '        <errore-esteso>x &gt; y</errore-esteso>',
        '    </dati>',
        '</postacert>',
        '',
      ].join('\r\n'),
    );
  });

  it('omits absent optional elements', () => {
    const xml = text(buildDaticert({ ...sample('accettazione'), oggetto: null, msgid: null }));
    for (const tag of ['oggetto', 'msgid', 'ricevuta', 'consegna', 'ricezione', 'errore-esteso']) {
      expect(xml).not.toContain(`<${tag}`);
    }
  });

  it('uses CRLF only and escapes CR/LF inside values as character references', () => {
    const bytes = buildDaticert({ ...sample('accettazione'), oggetto: 'riga 1\r\nriga 2\nriga 3\rfine' });
    const xml = text(bytes);
    expect(xml).toContain('<oggetto>riga 1&#13;&#10;riga 2&#10;riga 3&#13;fine</oggetto>');
    expect(xml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(parseDaticert(bytes).daticert.oggetto).toBe('riga 1\r\nriga 2\nriga 3\rfine');
  });

  it('encodes as UTF-8 without BOM', () => {
    const bytes = buildDaticert({ ...sample('accettazione'), oggetto: 'è €' });
    expect([...bytes.subarray(0, 5)]).toEqual([0x3c, 0x3f, 0x78, 0x6d, 0x6c]);
    expect(text(bytes)).toContain('<oggetto>è €</oggetto>');
  });

  it('derives dataUtc when omitted and accepts a matching one', () => {
    const d = sample('accettazione');
    expect(parseDaticert(buildDaticert(d)).daticert.dataUtc).toBe('2018-11-13T15:39:27Z');
    expect(() => buildDaticert({ ...d, dataUtc: '2018-11-13T15:39:27Z' })).not.toThrow();
  });
});

describe('buildDaticert validation', () => {
  const code = (f: () => unknown): { code: unknown; paths: string[] } => {
    try {
      f();
    } catch (e) {
      const issues =
        (isPecError(e) ? (e.details?.issues as { path: string }[] | undefined) : undefined) ?? [];
      return { code: (e as { code?: unknown }).code, paths: issues.map((i) => i.path) };
    }
    return { code: undefined, paths: [] };
  };

  it.each([
    ['unknown tipo', { tipo: 'consegna' }, ['tipo']],
    ['unknown errore', { errore: 'boh' }, ['errore']],
    ['empty mittente', { mittente: '' }, ['mittente']],
    ['untrimmed mittente', { mittente: ' a@b.it' }, ['mittente']],
    ['no recipients', { destinatari: [] }, ['destinatari']],
    ['bad recipient tipo', { destinatari: [{ address: 'a@b.it', tipo: 'pec' }] }, ['destinatari[0].tipo']],
    ['31 February', { data: { giorno: '31/02/2020', ora: '10:00:00', zona: '+0100' } }, ['data.giorno']],
    [
      '29/02 in a common year',
      { data: { giorno: '29/02/2019', ora: '10:00:00', zona: '+0100' } },
      ['data.giorno'],
    ],
    ['hour 24', { data: { giorno: '01/02/2020', ora: '24:00:00', zona: '+0100' } }, ['data.ora']],
    ['zone with colon', { data: { giorno: '01/02/2020', ora: '10:00:00', zona: '+01:00' } }, ['data.zona']],
    ['inconsistent dataUtc', { dataUtc: '2018-11-13T16:39:27Z' }, ['dataUtc']],
    ['badly formatted dataUtc', { dataUtc: '2018-11-13T15:39:27.000Z' }, ['dataUtc']],
    ['control character', { oggetto: 'a\u0001b' }, ['oggetto']],
    ['U+FFFF', { msgid: '<a\uFFFF@b>' }, ['msgid']],
    ['lone surrogate', { consegna: 'a\uD800b' }, ['consegna']],
    ['unknown ricevuta tipo', { ricevutaTipo: 'normale' }, ['ricevutaTipo']],
    ['missing identificativo', { identificativo: undefined }, ['identificativo']],
    ['unknown field', { errore_esteso: 'x' }, ['(root)']],
    // A parsed provider daticert may lack these two (DATICERT_MISSING_ELEMENT); a built one may not.
    ['null risposte', { risposte: null }, ['risposte']],
    ['null gestoreEmittente', { gestoreEmittente: null }, ['gestoreEmittente']],
  ])('refuses %s with DATICERT_INVALID', (_name, patch, paths) => {
    const r = code(() => buildDaticert({ ...sample('accettazione'), ...patch } as DaticertInput));
    expect(r.code).toBe('DATICERT_INVALID');
    expect(r.paths).toEqual(paths);
  });

  it('lists every failing path in the message', () => {
    expect(() => buildDaticert({ ...sample('accettazione'), mittente: '', identificativo: '' })).toThrow(
      /mittente: must not be empty; identificativo: must not be empty/,
    );
  });

  it.each([null, undefined, 'xml', 42, [sample('accettazione')]])('refuses %j with a TypeError', (v) => {
    let err: unknown;
    try {
      buildDaticert(v as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TypeError);
    expect(isPecError(err, 'INVALID_ARGUMENT')).toBe(true);
  });
});

// ---- DTD validation with xmllint (spec §5.1; the DTD text is fixtures/daticert.dtd) ----

const dtdPath = fileURLToPath(new URL('../../fixtures/daticert.dtd', import.meta.url));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
if (!hasXmllint) {
  console.warn('\n*** daticert DTD tests SKIPPED: xmllint not found (apt-get install libxml2-utils) ***\n');
}

describe.skipIf(!hasXmllint)('built daticert validates against the DTD (xmllint --dtdvalid)', () => {
  it.each(TIPI)('%s', (tipo) => {
    const xml = buildDaticert(sample(tipo));
    // Throws (non-zero exit) with xmllint's diagnostics on stderr if the document is not valid.
    execFileSync('xmllint', ['--noout', '--dtdvalid', dtdPath, '-'], {
      input: xml,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  });

  it('xmllint does reject an invalid document (the check is live)', () => {
    const bad = text(buildDaticert(sample('accettazione')))
      .replace('<risposte>', '<rispost>')
      .replace('</risposte>', '</rispost>');
    const r = spawnSync('xmllint', ['--noout', '--dtdvalid', dtdPath, '-'], { input: bad });
    expect(r.status).not.toBe(0);
  });
});

// ---- Round trip: parseDaticert(buildDaticert(d)).daticert deep-equals d ----

describe('round trip (fast-check, seed 42)', () => {
  it('parseDaticert(buildDaticert(d)).daticert deep-equals d, without warnings', () => {
    fc.assert(
      fc.property(arbDaticert, (d) => {
        const { daticert, warnings } = parseDaticert(buildDaticert(d));
        expect(daticert).toEqual(d);
        expect(warnings).toEqual([]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('every tipo sample round-trips', () => {
    for (const tipo of TIPI) {
      const d = sample(tipo);
      expect(parseDaticert(buildDaticert(d)).daticert).toEqual({ ...d, dataUtc: '2018-11-13T15:39:27Z' });
    }
  });
});
