// A hand-written check of what DaticertSchema accepts, for parseDaticert's hot path: running the
// zod schema cost about a third of reading a daticert. The zod schema stays the one definition:
// this check only ever answers "certainly valid"; anything it does not accept goes to the schema,
// which gives the same value or the same DATICERT_INVALID as before. It must therefore never accept
// what the schema refuses (src/daticert/schema-check.test.ts checks both ways, on generated data).
import { dataToUtc } from './date.js';
import {
  type Daticert,
  DaticertSchema,
  DESTINATARIO_TIPI,
  ERRORI,
  RICEVUTA_TIPI,
  TIPI,
  XML_CHARS,
} from './schema.js';
import { isXmlTrimmed } from './xml-text.js';

const TIPO_SET: ReadonlySet<unknown> = new Set(TIPI);
const ERRORE_SET: ReadonlySet<unknown> = new Set(ERRORI);
const RICEVUTA_SET: ReadonlySet<unknown> = new Set(RICEVUTA_TIPI);
const DESTINATARIO_SET: ReadonlySet<unknown> = new Set(DESTINATARIO_TIPI);

/** The schema's `text`: a string of XML 1.0 characters without leading or trailing XML whitespace. */
function isText(v: unknown): boolean {
  return typeof v === 'string' && isXmlTrimmed(v) && XML_CHARS.test(v);
}

/** The schema's `required`: non-empty `text`. */
function isRequired(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0 && isText(v);
}

/**
 * A plain object (Object.prototype, no accessors needed: only data own properties are read) with
 * exactly `count` enumerable keys, every one of them own. Anything else is left to the schema.
 */
function isPlainWith(v: unknown, count: number): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) return false;
    n++;
  }
  return n === count;
}

function hasKeys(v: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const k of keys) if (!Object.hasOwn(v, k)) return false;
  return true;
}

// The schema's own field names: one list, read from the definition this check must match.
const DATICERT_KEYS = Object.keys(DaticertSchema.def.shape);
const DATA_KEYS = ['giorno', 'ora', 'zona'] as const;
const DESTINATARIO_KEYS = ['address', 'tipo'] as const;

function isPlainArray(v: unknown): v is unknown[] {
  return Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype;
}

/**
 * True only when `DaticertSchema` accepts `value` (and then the schema's result equals `value`,
 * since the schema never transforms). False means "ask the schema": it may still accept.
 */
export function satisfiesDaticertSchema(value: unknown): value is Daticert {
  if (!isPlainWith(value, DATICERT_KEYS.length) || !hasKeys(value, DATICERT_KEYS)) return false;
  const d = value;
  if (!TIPO_SET.has(d.tipo) || !ERRORE_SET.has(d.errore) || !isRequired(d.mittente)) return false;
  const dest = d.destinatari;
  if (!isPlainArray(dest) || dest.length === 0) return false;
  for (let i = 0; i < dest.length; i++) {
    const r = dest[i];
    if (!isPlainWith(r, 2) || !hasKeys(r, DESTINATARIO_KEYS)) return false;
    if (!isRequired(r.address) || !DESTINATARIO_SET.has(r.tipo)) return false;
  }
  if (d.risposte !== null && !isText(d.risposte)) return false;
  if (d.oggetto !== null && !isText(d.oggetto)) return false;
  if (d.gestoreEmittente !== null && !isRequired(d.gestoreEmittente)) return false;
  const data = d.data;
  if (!isPlainWith(data, 3) || !hasKeys(data, DATA_KEYS)) return false;
  const { giorno, ora, zona } = data;
  if (typeof giorno !== 'string' || typeof ora !== 'string' || typeof zona !== 'string') return false;
  // dataToUtc is null unless giorno, ora and zona match their patterns, the day exists and the
  // instant falls in 0000-9999: the schema's rules for data. Its result always has the
  // DATA_UTC_PATTERN shape, so the equality is the schema's dataUtc rule too.
  const utc = dataToUtc(giorno, ora, zona);
  if (utc === null || d.dataUtc !== utc) return false;
  if (!isRequired(d.identificativo)) return false;
  if (d.msgid !== null && !isText(d.msgid)) return false;
  if (d.ricevutaTipo !== null && !RICEVUTA_SET.has(d.ricevutaTipo)) return false;
  if (d.consegna !== null && !isText(d.consegna)) return false;
  const ricezione = d.ricezione;
  if (!isPlainArray(ricezione)) return false;
  for (let i = 0; i < ricezione.length; i++) if (!isText(ricezione[i])) return false;
  if (d.erroreEsteso !== null && !isText(d.erroreEsteso)) return false;
  return true;
}
