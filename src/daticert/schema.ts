// The one definition of a daticert: the zod schema below. Types, builder validation and the parse
// result check all derive from it, so the DTD's rules live in exactly one place.
import * as z from 'zod/mini';
import { PecError } from '../errors.js';
import {
  DATA_UTC_PATTERN,
  dataToUtc,
  GIORNO_PATTERN,
  isRealGiorno,
  ORA_PATTERN,
  ZONA_PATTERN,
} from './date.js';
import { isXmlTrimmed } from './xml-text.js';

/** The eight `postacert/@tipo` values of the DTD (spec §5.1). */
export const TIPI = [
  'accettazione',
  'non-accettazione',
  'presa-in-carico',
  'avvenuta-consegna',
  'posta-certificata',
  'errore-consegna',
  'preavviso-errore-consegna',
  'rilevazione-virus',
] as const;

/** The `postacert/@errore` values of the DTD; `nessuno` is the default. */
export const ERRORI = ['nessuno', 'no-dest', 'no-dominio', 'virus', 'altro'] as const;

/** The `ricevuta/@tipo` values: the receipt form the sender asked for. */
export const RICEVUTA_TIPI = ['completa', 'breve', 'sintetica'] as const;

/** The `destinatari/@tipo` values; `certificato` is the default. */
export const DESTINATARIO_TIPI = ['certificato', 'esterno'] as const;

/** XML 1.0 `Char` production (a `u` regex so astral characters count as one, lone surrogates fail). */
export const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Text content: only XML 1.0 characters, no leading/trailing whitespace. The parser trims values,
 * so refusing untrimmed input keeps `parseDaticert(buildDaticert(d))` equal to `d` for every valid `d`.
 */
const text = z
  .string()
  .check(
    z.regex(XML_CHARS, { error: 'contains a character not allowed in XML 1.0', abort: true }),
    z.refine(isXmlTrimmed, { error: 'has leading or trailing whitespace' }),
  );

/** Text that identifies something (addresses, provider, identificativo): must not be empty. */
const required = z
  .string()
  .check(
    z.minLength(1, { error: 'must not be empty', abort: true }),
    z.regex(XML_CHARS, { error: 'contains a character not allowed in XML 1.0', abort: true }),
    z.refine(isXmlTrimmed, { error: 'has leading or trailing whitespace' }),
  );

function partsValid(d: {
  giorno: unknown;
  ora: unknown;
  zona: unknown;
}): d is Record<'giorno' | 'ora' | 'zona', string> {
  return (
    typeof d.giorno === 'string' &&
    typeof d.ora === 'string' &&
    typeof d.zona === 'string' &&
    isRealGiorno(d.giorno) &&
    ORA_PATTERN.test(d.ora) &&
    ZONA_PATTERN.test(d.zona)
  );
}

const Data = z
  .strictObject({
    giorno: z
      .string()
      .check(
        z.regex(GIORNO_PATTERN, { error: 'must be dd/mm/yyyy', abort: true }),
        z.refine(isRealGiorno, { error: 'is not a real calendar day' }),
      ),
    ora: z.string().check(z.regex(ORA_PATTERN, { error: 'must be hh:mm:ss (00:00:00 to 23:59:59)' })),
    zona: z.string().check(z.regex(ZONA_PATTERN, { error: 'must be +hhmm or -hhmm' })),
  })
  .check(
    // Only the year overflow is new here; malformed parts already have their own issues.
    z.refine((d) => !partsValid(d) || dataToUtc(d.giorno, d.ora, d.zona) !== null, {
      error: 'the instant falls outside years 0000-9999',
    }),
  );

/**
 * The daticert.xml contents (spec §5), one field per DTD element, camelCased.
 * Absent optional elements are `null` (or `[]` for `ricezione`); `dataUtc` is the instant of `data`.
 *
 * @example
 * ```ts
 * const ok = DaticertSchema.safeParse(JSON.parse(text)).success;
 * ```
 * @category Reading
 */
export const DaticertSchema = z
  .strictObject({
    tipo: z.enum(TIPI),
    errore: z.enum(ERRORI),
    mittente: required,
    destinatari: z
      .array(z.strictObject({ address: required, tipo: z.enum(DESTINATARIO_TIPI) }))
      .check(z.minLength(1, { error: 'needs at least one recipient' })),
    /** null only when a provider left the element out (DATICERT_MISSING_ELEMENT); builders must set it. */
    risposte: z.nullable(text),
    oggetto: z.nullable(text),
    /** null only when a provider left the element out (DATICERT_MISSING_ELEMENT); builders must set it. */
    gestoreEmittente: z.nullable(required),
    data: Data,
    dataUtc: z.string().check(z.regex(DATA_UTC_PATTERN, { error: 'must be YYYY-MM-DDTHH:MM:SSZ' })),
    identificativo: required,
    msgid: z.nullable(text),
    ricevutaTipo: z.nullable(z.enum(RICEVUTA_TIPI)),
    consegna: z.nullable(text),
    ricezione: z.array(text),
    erroreEsteso: z.nullable(text),
  })
  .check(
    z.refine(
      (d) => {
        // Defensive: only compare well-formed values; malformed ones have their own issues.
        const g = d.data as Partial<typeof d.data> | undefined;
        if (typeof g?.giorno !== 'string' || typeof g.ora !== 'string' || typeof g.zona !== 'string')
          return true;
        if (typeof d.dataUtc !== 'string' || !DATA_UTC_PATTERN.test(d.dataUtc)) return true;
        const utc = dataToUtc(g.giorno, g.ora, g.zona);
        return utc === null || d.dataUtc === utc;
      },
      { path: ['dataUtc'], error: 'does not match data (giorno + ora read at zona, in UTC)' },
    ),
  );

/**
 * A validated daticert.
 *
 * @example
 * ```ts
 * const d: Daticert | null = parsePec(bytes).daticert;
 * if (d?.tipo === 'avvenuta-consegna') console.log(`${d.consegna} received it at ${d.dataUtc}`);
 * ```
 * @category Reading
 */
export type Daticert = z.infer<typeof DaticertSchema>;
/**
 * One `<destinatari>` entry.
 *
 * @example
 * ```ts
 * const to: Destinatario = { address: 'ufficio@pec.example.org', tipo: 'certificato' };
 * ```
 * @category Reading
 */
export type Destinatario = Daticert['destinatari'][number];
/** The `<data>` element: local day, local time and UTC offset as written. */
export type DaticertData = Daticert['data'];
/** `postacert/@tipo`. */
export type DaticertTipo = Daticert['tipo'];
/** `postacert/@errore`. */
export type DaticertErrore = Daticert['errore'];
/** `ricevuta/@tipo`. */
export type RicevutaTipo = NonNullable<Daticert['ricevutaTipo']>;
/**
 * What {@link buildDaticert} accepts: a {@link Daticert} whose `dataUtc` may be left out (it is derived).
 * `risposte` and `gestoreEmittente` must not be null when building (DATICERT_INVALID).
 *
 * @example
 * ```ts
 * const input: DaticertInput = { ...daticert, dataUtc: undefined }; // dataUtc is derived from data
 * const xml = buildDaticert(input);
 * ```
 * @category Building
 */
export type DaticertInput = Omit<Daticert, 'dataUtc'> & { dataUtc?: string | undefined };

/** One problem found by the schema: where (`destinatari[0].address`) and what. */
export interface DaticertIssue {
  path: string;
  message: string;
}

function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s === '' ? '(root)' : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

// zod/mini ships no locale (only generic "Invalid input"), so the structural issues are worded here.
function describeIssue(i: z.core.$ZodIssue, root: unknown): string {
  switch (i.code) {
    case 'invalid_type':
      return valueAt(root, i.path) === undefined ? 'missing' : `expected ${i.expected}`;
    case 'invalid_value':
      return `must be one of: ${i.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field(s): ${i.keys.join(', ')}`;
    default:
      return i.message;
  }
}

/**
 * Validates `value` against {@link DaticertSchema} and returns it typed as {@link Daticert}.
 * Use it for daticert data from outside (JSON, a form); `buildDaticert` and `parseDaticert`
 * already call it.
 *
 * @param value - Anything; a valid value is returned as it is (the schema never transforms).
 * @param context - Prefix of the error message.
 * @throws PecError `DATICERT_INVALID` whose `details.issues` lists every failing path and why.
 *
 * @example
 * ```ts
 * import { isPecError } from 'pec-kit';
 * try {
 *   const d = validateDaticert(JSON.parse(text));
 *   console.log(d.tipo, d.dataUtc);
 * } catch (e) {
 *   if (isPecError(e, 'DATICERT_INVALID')) console.error(e.details?.issues); // [{ path: 'data.giorno', message: 'is not a real calendar day' }]
 * }
 * ```
 */
export function validateDaticert(value: unknown, context = 'daticert data is invalid'): Daticert {
  const r = DaticertSchema.safeParse(value);
  if (r.success) return r.data;
  const issues: DaticertIssue[] = r.error.issues.map((i) => ({
    path: pathText(i.path),
    message: describeIssue(i, value),
  }));
  // A broken <data> also breaks dataUtc; report the cause only.
  const dataBroken = issues.some((i) => i.path.startsWith('data.') || i.path === 'data');
  const shown = dataBroken ? issues.filter((i) => i.path !== 'dataUtc') : issues;
  throw new PecError(
    'DATICERT_INVALID',
    `${context}: ${shown.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues: shown },
  );
}
