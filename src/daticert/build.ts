// daticert.xml writer: the DTD's element order, 4-space indentation and `<ricevuta tipo="…" />`
// as real providers write it (spec §5.4), CRLF line ends, UTF-8.
import { type Bytes, describe, encodeUtf8 } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import { dataToUtc } from './date.js';
import { type Daticert, type DaticertInput, validateDaticert } from './schema.js';
import { escapeAttr, escapeText } from './xml-text.js';

const EOL = '\r\n';

/**
 * Builds a daticert.xml from structured data.
 *
 * The data is validated against the daticert schema (`validateDaticert`) first; `dataUtc` may be omitted and is then
 * derived from `data` (if given it must agree). Text is XML-escaped, including `<`/`>` in `msgid`.
 *
 * @param data - The daticert fields; see {@link Daticert}.
 * @returns UTF-8 bytes with an XML declaration, CRLF line ends and a final CRLF.
 * @throws PecError `DATICERT_INVALID` (with `details.issues`) when a field breaks the DTD or the schema,
 *   including characters XML 1.0 does not allow; a TypeError (`INVALID_ARGUMENT`) when `data` is not an object.
 *
 * @example
 * ```ts
 * import { buildDaticert } from 'pec-kit';
 * const xml = buildDaticert({
 *   tipo: 'accettazione',
 *   errore: 'nessuno',
 *   mittente: 'mario.rossi@pec.example.it',
 *   destinatari: [{ address: 'ufficio@pec.example.org', tipo: 'certificato' }],
 *   risposte: 'mario.rossi@pec.example.it',
 *   oggetto: 'Fattura 12/2024',
 *   gestoreEmittente: 'ESEMPIO PEC S.p.A.',
 *   data: { giorno: '13/11/2018', ora: '16:39:26', zona: '+0100' },
 *   identificativo: 'opec288.20181113163926.01838.310.1.63@pec.example.it',
 *   msgid: '<1542123565.9215@client.example.it>',
 *   ricevutaTipo: null,
 *   consegna: null,
 *   ricezione: [],
 *   erroreEsteso: null,
 * });
 * // new TextDecoder().decode(xml) starts with '<?xml version="1.0" encoding="UTF-8"?>\r\n<postacert tipo="accettazione"'
 * ```
 * @category Building
 */
export function buildDaticert(data: DaticertInput): Bytes {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalidArgument(`daticert data must be an object, got ${describe(data)}`);
  }
  const input = data.dataUtc === undefined ? { ...data, dataUtc: deriveUtc(data.data) } : data;
  return encodeUtf8(render(validateDaticert(input, 'cannot build daticert.xml')));
}

// Best effort: a malformed `data` is reported by the schema, not here.
function deriveUtc(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { giorno, ora, zona } = data as Record<string, unknown>;
  if (typeof giorno !== 'string' || typeof ora !== 'string' || typeof zona !== 'string') return undefined;
  return dataToUtc(giorno, ora, zona) ?? undefined;
}

function render(d: Daticert): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const el = (depth: number, name: string, value: string): void => {
    out.push(`${'    '.repeat(depth)}<${name}>${escapeText(value)}</${name}>`);
  };
  out.push(`<postacert tipo="${escapeAttr(d.tipo)}" errore="${escapeAttr(d.errore)}">`);
  out.push('    <intestazione>');
  el(2, 'mittente', d.mittente);
  for (const r of d.destinatari) {
    out.push(`        <destinatari tipo="${escapeAttr(r.tipo)}">${escapeText(r.address)}</destinatari>`);
  }
  el(2, 'risposte', d.risposte);
  if (d.oggetto !== null) el(2, 'oggetto', d.oggetto);
  out.push('    </intestazione>');
  out.push('    <dati>');
  el(2, 'gestore-emittente', d.gestoreEmittente);
  out.push(`        <data zona="${escapeAttr(d.data.zona)}">`);
  el(3, 'giorno', d.data.giorno);
  el(3, 'ora', d.data.ora);
  out.push('        </data>');
  el(2, 'identificativo', d.identificativo);
  if (d.msgid !== null) el(2, 'msgid', d.msgid);
  if (d.ricevutaTipo !== null) out.push(`        <ricevuta tipo="${escapeAttr(d.ricevutaTipo)}" />`);
  if (d.consegna !== null) el(2, 'consegna', d.consegna);
  for (const r of d.ricezione) el(2, 'ricezione', r);
  if (d.erroreEsteso !== null) el(2, 'errore-esteso', d.erroreEsteso);
  out.push('    </dati>');
  out.push('</postacert>');
  return out.join(EOL) + EOL;
}
