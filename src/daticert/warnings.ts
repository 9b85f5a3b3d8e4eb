// Warning codes parseDaticert reports when it recovers from sloppy provider output.
// They are part of the public contract, like the error codes in src/errors.ts.

/** Every warning code {@link parseDaticert} can report, with what it means. */
export const DATICERT_WARNINGS = {
  DATICERT_MSGID_UNESCAPED:
    '<msgid> held unescaped "<", ">" or "&" (ill-formed XML); it was escaped and the value recovered.',
  DATICERT_CONTROL_CHARS: 'Characters not allowed in XML 1.0 (C0 controls, U+FFFE, U+FFFF) were removed.',
  DATICERT_UNKNOWN_ELEMENT:
    'An element the DTD does not define (or in a place it does not allow) was ignored.',
  DATICERT_UNKNOWN_ATTRIBUTE: 'An attribute the DTD does not define was ignored.',
  DATICERT_DUPLICATE_ELEMENT: 'A non-repeatable element occurred more than once; the first one was used.',
  DATICERT_ELEMENT_ORDER: 'Elements are not in the order the DTD prescribes; they were read anyway.',
  DATICERT_STRAY_TEXT: 'Text outside any value element (element-only content) was ignored.',
  DATICERT_ENCODING_UNKNOWN:
    'The XML declaration names an unsupported encoding; the bytes were decoded as UTF-8.',
  DATICERT_ENCODING_INVALID:
    'The bytes are not valid in the declared (or default) UTF-8; they were decoded as windows-1252.',
  DATICERT_ENCODING_MISMATCH:
    'A byte-order mark contradicts the encoding in the XML declaration; the BOM won.',
} as const;

/** A stable warning code; see {@link DATICERT_WARNINGS}. */
export type DaticertWarningCode = keyof typeof DATICERT_WARNINGS;

export const DATICERT_MSGID_UNESCAPED = 'DATICERT_MSGID_UNESCAPED' satisfies DaticertWarningCode;
export const DATICERT_CONTROL_CHARS = 'DATICERT_CONTROL_CHARS' satisfies DaticertWarningCode;
export const DATICERT_UNKNOWN_ELEMENT = 'DATICERT_UNKNOWN_ELEMENT' satisfies DaticertWarningCode;
export const DATICERT_UNKNOWN_ATTRIBUTE = 'DATICERT_UNKNOWN_ATTRIBUTE' satisfies DaticertWarningCode;
export const DATICERT_DUPLICATE_ELEMENT = 'DATICERT_DUPLICATE_ELEMENT' satisfies DaticertWarningCode;
export const DATICERT_ELEMENT_ORDER = 'DATICERT_ELEMENT_ORDER' satisfies DaticertWarningCode;
export const DATICERT_STRAY_TEXT = 'DATICERT_STRAY_TEXT' satisfies DaticertWarningCode;
export const DATICERT_ENCODING_UNKNOWN = 'DATICERT_ENCODING_UNKNOWN' satisfies DaticertWarningCode;
export const DATICERT_ENCODING_INVALID = 'DATICERT_ENCODING_INVALID' satisfies DaticertWarningCode;
export const DATICERT_ENCODING_MISMATCH = 'DATICERT_ENCODING_MISMATCH' satisfies DaticertWarningCode;

/**
 * One recovered problem in a daticert.xml.
 *
 * @example
 * ```ts
 * const warnings: DaticertWarning[] = parseDaticert(xml).warnings;
 * ```
 * @category Reading
 */
export interface DaticertWarning {
  code: DaticertWarningCode;
  message: string;
}
