import { describe, expect, it } from 'vitest';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from '../../test/helpers/corpus.js';
import { KINDS, PEC_KINDS } from '../kinds.js';
import { parsePec } from './parse.js';
import { stripPecSubject } from './subject.js';

describe('stripPecSubject', () => {
  it('removes the prefix of every kind, and the virus variants', () => {
    for (const k of PEC_KINDS) {
      expect(stripPecSubject(`${KINDS[k].subjectPrefix}: Fattura 12/2025`), k).toBe('Fattura 12/2025');
      const virus = KINDS[k].virusSubjectPrefix;
      if (virus) expect(stripPecSubject(`${virus}: Fattura`), k).toBe('Fattura');
    }
  });

  it('removes repeated and nested prefixes, in any case and spacing, and keeps the rest as written', () => {
    expect(stripPecSubject('POSTA CERTIFICATA: POSTA CERTIFICATA: EXAMPLE')).toBe('EXAMPLE');
    expect(stripPecSubject('ANOMALIA MESSAGGIO: POSTA CERTIFICATA: Re: ordine')).toBe('Re: ordine');
    expect(stripPecSubject('Posta Certificata: prova')).toBe('prova');
    expect(stripPecSubject('AVVISO DI MANCATA CONSEGNA PER SUP.  TEMPO MASSIMO : x  y')).toBe('x  y');
    expect(stripPecSubject('CONSEGNA:')).toBe('');
    expect(stripPecSubject('Re: POSTA CERTIFICATA: x')).toBe('Re: POSTA CERTIFICATA: x');
    expect(stripPecSubject('CONSEGNATO: x')).toBe('CONSEGNATO: x');
    expect(stripPecSubject('Consegna documenti')).toBe('Consegna documenti');
    expect(stripPecSubject(null)).toBeNull();
  });

  it.skipIf(!HAVE_CORPUS)(
    'gives the signed oggetto for every corpus message whose subject carries a prefix',
    () => {
      const bad: string[] = [];
      const mismatched: string[] = [];
      for (const e of EXPECTED) {
        const pec = parsePec(corpusBytes(e.file));
        const subject = pec.headers.subject;
        if (!pec.daticert?.oggetto || !subject) continue;
        if (pec.issues.some((i) => i.code === 'SUBJECT_MISMATCH')) mismatched.push(e.file);
        if (
          stripPecSubject(subject).replace(/\s+/g, ' ').trim() !==
          pec.daticert.oggetto.replace(/\s+/g, ' ').trim()
        )
          bad.push(e.file);
      }
      // Only where the Subject really differs from the signed oggetto (SUBJECT_MISMATCH).
      expect(bad).toEqual(mismatched);
      expect(bad.length).toBeLessThan(EXPECTED.length / 4);
    },
  );
});
