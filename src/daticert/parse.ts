// daticert.xml reader: strict about security and about the data, lenient about layout
// (whitespace, order, unknown elements) and about two known provider defects, each with a warning.
import { type BytesInput, describe, toBytes } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';
import { enforce, type Limits, resolveLimits } from '../limits.js';
import { checkOptions, optionKeys } from '../options.js';
import { dataToUtc } from './date.js';
import { decodeXmlBytes } from './decode.js';
import { assertNoForbiddenMarkup, protectControlChars, removeLeadingSpace, repairMsgid } from './prescan.js';
import { type Daticert, validateDaticert } from './schema.js';
import { satisfiesDaticertSchema } from './schema-check.js';
import {
  DATICERT_DUPLICATE_ELEMENT,
  DATICERT_ELEMENT_ORDER,
  DATICERT_MISSING_ELEMENT,
  DATICERT_STRAY_TEXT,
  DATICERT_UNKNOWN_ATTRIBUTE,
  DATICERT_UNKNOWN_ELEMENT,
  type DaticertWarning,
} from './warnings.js';
import { isXmlBlank, trimXml } from './xml-text.js';
import { parseXmlTree, type XmlElement } from './xml-tree.js';

const PARSE_DATICERT_KEYS = optionKeys<ParseDaticertOptions>({ limits: true });

/**
 * Options for {@link parseDaticert}.
 *
 * @example
 * ```ts
 * const options: ParseDaticertOptions = { limits: { maxDaticertBytes: 64 * 1024 } };
 * ```
 * @category Reading
 */
export interface ParseDaticertOptions {
  /** Overrides of the default limits; only `maxDaticertBytes` is used here. */
  limits?: Partial<Limits> | undefined;
}

/**
 * What {@link parseDaticert} returns: the validated data and every repair it had to make.
 *
 * @example
 * ```ts
 * const { daticert, warnings }: ParsedDaticert = parseDaticert(xml);
 * for (const w of warnings) console.warn(w.code, w.message);
 * ```
 * @category Reading
 */
export interface ParsedDaticert {
  daticert: Daticert;
  warnings: DaticertWarning[];
}

/**
 * Reads a daticert.xml (spec §5) into validated structured data.
 *
 * - Encoding: BOM, else the XML declaration (UTF-8 default; ISO-8859-1/latin1/windows-1252 decoded
 *   as windows-1252); unknown labels and invalid UTF-8 are decoded best-effort with a warning.
 * - Security: any DOCTYPE, markup declaration or external reference is refused (XML_FORBIDDEN)
 *   before parsing; only the five predefined entities and character references are ever expanded.
 * - Leniency: values are trimmed; element order, unknown elements and attributes, stray text,
 *   an unescaped `<msgid>` and control characters are tolerated and reported as warnings
 *   (codes in `DATICERT_WARNINGS`, listed in docs/issue-codes.md).
 * - `dataUtc` is derived from `giorno` + `ora` read as local time at offset `zona`.
 *
 * @param bytes - The daticert.xml bytes (a string is read as 8-bit bytes, see `toBytes`).
 * @param options - `limits.maxDaticertBytes` caps the input size (default 1 MiB).
 * @throws PecError `LIMIT_EXCEEDED` (too big), `XML_FORBIDDEN` (DOCTYPE/ENTITY/external reference),
 *   `XML_MALFORMED` (not well-formed after the repairs), `DATICERT_INVALID` (not a daticert, a required
 *   element or attribute missing, an unknown enumerated value, an impossible date; `details.issues`
 *   lists the paths); a TypeError (`INVALID_ARGUMENT`) for input or options of the wrong type.
 *
 * @example
 * ```ts
 * import { parseDaticert } from 'pec-kit';
 * const { daticert, warnings } = parseDaticert(daticertBytes);
 * if (daticert.tipo === 'avvenuta-consegna') {
 *   console.log(`delivered to ${daticert.consegna} at ${daticert.dataUtc}`); // e.g. 2018-11-13T15:39:27Z
 * }
 * for (const w of warnings) console.warn(w.code, w.message);
 * ```
 * @category Reading
 */
export function parseDaticert(bytes: BytesInput, options?: ParseDaticertOptions): ParsedDaticert {
  checkOptions(options, 'parseDaticert options', PARSE_DATICERT_KEYS);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw invalidArgument(`options must be an object, got ${describe(options)}`);
  }
  const limits = resolveLimits(options?.limits);
  const input = toBytes(bytes, 'daticert');
  enforce(limits, 'maxDaticertBytes', input.length, 'daticert.xml size');

  return readDaticert(input, satisfiesDaticertSchema);
}

/**
 * The reading itself, on bytes within the limits. `accepts` answers "certainly valid" without the
 * zod schema (see schema-check.ts); whatever it does not accept goes to the schema. Tests pass
 * `() => false` to compare with the schema alone.
 */
export function readDaticert(
  input: Uint8Array,
  accepts: (value: unknown) => value is Daticert,
): ParsedDaticert {
  const warnings: DaticertWarning[] = [];
  const text = removeLeadingSpace(decodeXmlBytes(input, warnings), warnings);
  // The pre-scan reads the text with control characters removed, so that `<\u0001!DOCTYPE`
  // cannot slip past it; the parser reads them as stand-ins (restored in the values at the end).
  // The msgid repair only ever escapes `<`, `>` and `&`, so it cannot create a declaration.
  const guarded = protectControlChars(text, warnings);
  assertNoForbiddenMarkup(guarded.scan);
  const root = parseXmlTree(repairMsgid(guarded.parse, warnings));
  if (root.name !== 'postacert') {
    throw new PecError(
      'DATICERT_INVALID',
      `daticert.xml root element is <${root.name}>, expected <postacert>`,
      {
        issues: [{ path: '(root)', message: `unexpected root element <${root.name}>` }],
      },
    );
  }
  const candidate = extract(root, warnings);
  // extract builds fresh plain data, so the accepted candidate can be returned as it is.
  const daticert = accepts(candidate)
    ? candidate
    : validateDaticert(candidate, 'daticert.xml does not follow the DTD');
  return { daticert: guarded.restore ? restoreValues(daticert, guarded.restore) : daticert, warnings };
}

/** Applies `restore` to every string of `value` (plain data: objects, arrays, strings). */
function restoreValues<T>(value: T, restore: (s: string) => string): T {
  if (typeof value === 'string') return restore(value) as T;
  if (Array.isArray(value)) return value.map((v) => restoreValues(v, restore)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = restoreValues(v, restore);
    return out as T;
  }
  return value;
}

// DTD content models (spec §5.1), in order; names listed in REPEATABLE may occur more than once.
const POSTACERT = ['intestazione', 'dati'] as const;
const INTESTAZIONE = ['mittente', 'destinatari', 'risposte', 'oggetto'] as const;
const DATI = [
  'gestore-emittente',
  'data',
  'identificativo',
  'msgid',
  'ricevuta',
  'consegna',
  'ricezione',
  'errore-esteso',
] as const;
const DATA = ['giorno', 'ora'] as const;
const REPEATABLE: ReadonlySet<string> = new Set(['destinatari', 'ricezione']);

type Children<N extends string> = Partial<Record<N, XmlElement[]>>;

/** Groups an element's children by the names its content model allows, warning about the rest. */
function children<N extends string>(
  el: XmlElement,
  model: readonly N[],
  path: string,
  warn: Warn,
): Children<N> {
  const out: Children<N> = {};
  let last = -1;
  let outOfOrder = false;
  for (const c of el.children) {
    const i = model.indexOf(c.name as N);
    if (i === -1) {
      warn(DATICERT_UNKNOWN_ELEMENT, `ignored unknown element <${c.name}> in ${path} (line ${c.line})`);
      continue;
    }
    const name = model[i]!;
    const list = out[name];
    if (list && !REPEATABLE.has(name)) {
      warn(
        DATICERT_DUPLICATE_ELEMENT,
        `<${name}> repeated in ${path} (line ${c.line}); the first one was used`,
      );
      continue;
    }
    if (i < last) outOfOrder = true;
    last = Math.max(last, i);
    if (list) list.push(c);
    else out[name] = [c];
  }
  if (outOfOrder)
    warn(DATICERT_ELEMENT_ORDER, `children of ${path} are not in DTD order (${model.join(', ')})`);
  if (!isXmlBlank(el.text)) warn(DATICERT_STRAY_TEXT, `ignored text outside any value element in ${path}`);
  return out;
}

const NONE: Record<string, string> = Object.freeze({});

/** The value of attribute `name` of `el`, untrimmed, or undefined. */
function attribute(el: XmlElement, name: string): string | undefined {
  const a = el.attributes;
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

/** Trimmed attribute values of the names allowed; warns about others (namespace declarations and xml:* are fine). */
function attributes(
  el: XmlElement,
  allowed: readonly string[],
  path: string,
  warn: Warn,
): Record<string, string> {
  const attrs = el.attributes;
  if (attrs.length === 0) return NONE;
  const out: Record<string, string> = {};
  for (let i = 0; i < attrs.length; i += 2) {
    const k = attrs[i]!;
    if (allowed.includes(k)) out[k] = trimXml(attrs[i + 1]!);
    else if (!(k === 'xmlns' || k.startsWith('xmlns:') || k.startsWith('xml:'))) {
      warn(DATICERT_UNKNOWN_ATTRIBUTE, `ignored unknown attribute ${k} on ${path} (line ${el.line})`);
    }
  }
  return out;
}

/**
 * The trimmed text of a #PCDATA element. Child elements and attributes outside `attrs` are not in
 * the DTD: they are ignored with a warning.
 */
function value(
  el: XmlElement | undefined,
  path: string,
  warn: Warn,
  attrs: readonly string[] = [],
): string | undefined {
  if (el === undefined) return undefined;
  for (const c of el.children) {
    warn(DATICERT_UNKNOWN_ELEMENT, `ignored element <${c.name}> inside ${path} (line ${c.line})`);
  }
  attributes(el, attrs, path, warn);
  return trimXml(el.text);
}

type Warn = (code: DaticertWarning['code'], message: string) => void;

/** Maps the tree onto the Daticert shape; anything missing stays undefined for the schema to report. */
function extract(root: XmlElement, warnings: DaticertWarning[]): unknown {
  const warn: Warn = (code, message) => warnings.push({ code, message });
  const rootAttrs = attributes(root, ['tipo', 'errore'], '<postacert>', warn);
  const top = children(root, POSTACERT, '<postacert>', warn);
  const int = container(top.intestazione?.[0], INTESTAZIONE, '<intestazione>', warn);
  const dati = container(top.dati?.[0], DATI, '<dati>', warn);
  const opt = (el: XmlElement | undefined, path: string): string | null => value(el, path, warn) ?? null;

  const dataEl = dati.data?.[0];
  let data: Record<'giorno' | 'ora' | 'zona', string | undefined> | undefined;
  if (dataEl) {
    const zona = attributes(dataEl, ['zona'], '<data>', warn).zona;
    const parts = children(dataEl, DATA, '<data>', warn);
    data = {
      giorno: value(parts.giorno?.[0], '<giorno>', warn),
      ora: value(parts.ora?.[0], '<ora>', warn),
      zona,
    };
  }
  const utc =
    data?.giorno !== undefined && data.ora !== undefined && data.zona !== undefined
      ? dataToUtc(data.giorno, data.ora, data.zona)
      : null;

  const ricevutaEl = dati.ricevuta?.[0];
  let ricevutaTipo: string | null | undefined = null;
  if (ricevutaEl) {
    ricevutaTipo = attributes(ricevutaEl, ['tipo'], '<ricevuta>', warn).tipo; // undefined: #REQUIRED, reported by the schema
    children(ricevutaEl, [], '<ricevuta>', warn); // EMPTY: any content is ignored with a warning
  }

  // risposte and gestore-emittente are required by the DTD but identify nothing: a daticert some
  // provider wrote without them is still read (the field is null), with a warning. tipo,
  // identificativo and data stay mandatory (the schema refuses their absence).
  const orNull = (el: XmlElement | undefined, name: string): string | null | undefined => {
    if (el !== undefined) return value(el, `<${name}>`, warn);
    warn(DATICERT_MISSING_ELEMENT, `<${name}> is missing (the DTD requires it); read as null`);
    return null;
  };
  return {
    tipo: rootAttrs.tipo,
    errore: rootAttrs.errore ?? 'nessuno', // DTD default
    mittente: value(int.mittente?.[0], '<mittente>', warn),
    destinatari: (int.destinatari ?? []).map((d) => ({
      address: value(d, '<destinatari>', warn, ['tipo']),
      tipo: trimXml(attribute(d, 'tipo') ?? 'certificato'), // DTD default
    })),
    risposte: orNull(int.risposte?.[0], 'risposte'),
    oggetto: opt(int.oggetto?.[0], '<oggetto>'),
    gestoreEmittente: orNull(dati['gestore-emittente']?.[0], 'gestore-emittente'),
    data,
    dataUtc: utc ?? undefined,
    identificativo: value(dati.identificativo?.[0], '<identificativo>', warn),
    msgid: opt(dati.msgid?.[0], '<msgid>'),
    ricevutaTipo,
    consegna: opt(dati.consegna?.[0], '<consegna>'),
    ricezione: (dati.ricezione ?? []).map((r) => value(r, '<ricezione>', warn)),
    erroreEsteso: opt(dati['errore-esteso']?.[0], '<errore-esteso>'),
  };
}

/** Children of an element-only container (`intestazione`, `dati`) that has no attributes in the DTD. */
function container<N extends string>(
  el: XmlElement | undefined,
  model: readonly N[],
  path: string,
  warn: Warn,
): Children<N> {
  if (el === undefined) return {};
  attributes(el, [], path, warn);
  return children(el, model, path, warn);
}
