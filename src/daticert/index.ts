// Public API of the daticert module: build and parse daticert.xml (spec §5).
export { buildDaticert } from './build.js';
export { dataToUtc } from './date.js';
export { type ParseDaticertOptions, type ParsedDaticert, parseDaticert } from './parse.js';
export {
  type Daticert,
  type DaticertData,
  type DaticertErrore,
  type DaticertInput,
  type DaticertIssue,
  DaticertSchema,
  type DaticertTipo,
  DESTINATARIO_TIPI,
  type Destinatario,
  ERRORI,
  RICEVUTA_TIPI,
  type RicevutaTipo,
  TIPI,
  validateDaticert,
} from './schema.js';
export {
  DATICERT_CONTROL_CHARS,
  DATICERT_DUPLICATE_ELEMENT,
  DATICERT_ELEMENT_ORDER,
  DATICERT_ENCODING_INVALID,
  DATICERT_ENCODING_MISMATCH,
  DATICERT_ENCODING_UNKNOWN,
  DATICERT_LEADING_WHITESPACE,
  DATICERT_MISSING_ELEMENT,
  DATICERT_MSGID_UNESCAPED,
  DATICERT_STRAY_TEXT,
  DATICERT_UNKNOWN_ATTRIBUTE,
  DATICERT_UNKNOWN_ELEMENT,
  DATICERT_WARNINGS,
  type DaticertWarning,
  type DaticertWarningCode,
} from './warnings.js';
