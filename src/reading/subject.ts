// The subject a person wrote, without the PEC prefixes providers put before it
// ("POSTA CERTIFICATA: ", "CONSEGNA: ", "ANOMALIA MESSAGGIO: POSTA CERTIFICATA: " …).
import { KINDS, PEC_KINDS } from '../kinds.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// One pattern for every prefix of the kinds table, longest first (a virus prefix extends a plain
// one): case ignored, any run of spaces where the table has one ("SUP.  TEMPO" in the RFC), spaces
// allowed before the colon.
const PREFIX = new RegExp(
  `^[ \\t]*(?:${PEC_KINDS.flatMap((k) => [KINDS[k].virusSubjectPrefix ?? '', KINDS[k].subjectPrefix])
    .filter(Boolean)
    .sort((a, b) => b.length - a.length)
    .map((p) => escapeRegex(p).replace(/ /g, '[ \\t]+'))
    .join('|')})[ \\t]*:[ \\t]?`,
  'i',
);

/**
 * The subject without its PEC prefixes, for display and for matching with what was sent. Removes
 * every prefix of the kinds table at the start, repeated or nested (an anomaly around an envelope,
 * an envelope forwarded inside another: `POSTA CERTIFICATA: POSTA CERTIFICATA: x`), in any case.
 * Everything after the prefixes is kept as written, including `Re:` and `I:`.
 *
 * @example
 * ```ts
 * import { stripPecSubject } from 'pec-kit';
 * stripPecSubject('POSTA CERTIFICATA: Fattura 12/2025'); // 'Fattura 12/2025'
 * stripPecSubject('ANOMALIA MESSAGGIO: POSTA CERTIFICATA: Re: ordine'); // 'Re: ordine'
 * stripPecSubject(parsePec(bytes).headers.subject); // null stays null
 * ```
 */
export function stripPecSubject(subject: string): string;
export function stripPecSubject(subject: string | null | undefined): string | null;
export function stripPecSubject(subject: string | null | undefined): string | null {
  if (subject === null || subject === undefined) return null;
  let s = subject;
  // Bounded: each round removes at least one character.
  for (let m = PREFIX.exec(s); m !== null && m[0].length > 0; m = PREFIX.exec(s)) s = s.slice(m[0].length);
  return s;
}
