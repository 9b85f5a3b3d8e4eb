// Bytes → string for daticert.xml: BOM first, then the XML declaration's encoding, UTF-8 by default.
// Real daticerts are UTF-8; some older or hand-made ones are ISO-8859-1.
import { latin1 } from '../bytes.js';
import { PecError } from '../errors.js';
import {
  DATICERT_ENCODING_INVALID,
  DATICERT_ENCODING_MISMATCH,
  DATICERT_ENCODING_UNKNOWN,
  type DaticertWarning,
} from './warnings.js';

// WHATWG maps the ISO-8859-1 labels to windows-1252 (what browsers do). Node 20's TextDecoder
// does not (it returns U+0080-U+009F), so 0x80-0x9F are mapped here to give the same result everywhere.
// Undefined positions (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as the C1 code point, as WHATWG says.
const CP1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

const LATIN1_LABELS = new Set([
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'iso-ir-100',
  'latin1',
  'latin-1',
  'l1',
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'cp819',
  'ibm819',
]);
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'us-ascii', 'ascii']);

/** windows-1252 decoding; never fails, one character per byte. */
export function decodeWindows1252(bytes: Uint8Array): string {
  const s = latin1(bytes);
  return /[\u0080-\u009F]/.test(s)
    ? s.replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!)
    : s;
}

// Leading whitespace is tolerated here (and removed with a warning by the parser).
const DECL =
  /^[ \t\r\n]{0,64}<\?xml[ \t\r\n][^>]*?\bencoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/;

/** The encoding label of the XML declaration at the start of `head`, lower-cased, or null. */
function declaredEncoding(head: string): string | null {
  const m = DECL.exec(head);
  return m ? m[2]!.toLowerCase() : null;
}

/** Decodes daticert bytes as the BOM or XML declaration says, recording every guess as a warning. */
export function decodeXmlBytes(bytes: Uint8Array, warnings: DaticertWarning[]): string {
  // Only the first few hundred bytes can hold the declaration; all supported encodings are ASCII-compatible there.
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xfe && b1 === 0xff) return decodeBom(bytes.subarray(2), 'utf-16be', warnings);
  if (b0 === 0xff && b1 === 0xfe) return decodeBom(bytes.subarray(2), 'utf-16le', warnings);
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return decodeBom(bytes.subarray(3), 'utf-8', warnings);

  // The declaration's match holds no '>', so the bytes up to the first '>' give the same answer.
  const gt = bytes.subarray(0, 512).indexOf(0x3e);
  const label = declaredEncoding(latin1(bytes, 0, gt === -1 ? Math.min(bytes.length, 512) : gt));
  if (label !== null && LATIN1_LABELS.has(label)) return decodeWindows1252(bytes);
  if (label !== null && !UTF8_LABELS.has(label)) {
    warnings.push({
      code: DATICERT_ENCODING_UNKNOWN,
      message: `unsupported encoding "${label}" in the XML declaration; decoded as UTF-8`,
    });
  }
  return decodeUtf8OrFallback(bytes, warnings);
}

// One decoder for every call: decode() without `stream` keeps no state between calls, even after
// it threw on invalid bytes, and constructing one costs more than decoding a daticert.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8OrFallback(bytes: Uint8Array, warnings: DaticertWarning[]): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    // Providers that write Latin-1 without saying so: windows-1252 recovers the accented letters.
    warnings.push({
      code: DATICERT_ENCODING_INVALID,
      message: 'bytes are not valid UTF-8; decoded as windows-1252',
    });
    return decodeWindows1252(bytes);
  }
}

function decodeBom(
  body: Uint8Array,
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be',
  warnings: DaticertWarning[],
): string {
  let text: string;
  if (encoding === 'utf-8') {
    text = decodeUtf8OrFallback(body, warnings);
  } else {
    try {
      text = new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
    } catch (e) {
      throw new PecError(
        'XML_MALFORMED',
        `daticert.xml is ${encoding}, which this runtime cannot decode`,
        undefined,
        {
          cause: e,
        },
      );
    }
  }
  const label = declaredEncoding(text.slice(0, 512));
  const family = (l: string): string =>
    UTF8_LABELS.has(l) ? 'utf-8' : l.startsWith('utf-16') ? 'utf-16' : l;
  if (label !== null && family(label) !== family(encoding)) {
    warnings.push({
      code: DATICERT_ENCODING_MISMATCH,
      message: `byte-order mark says ${encoding} but the XML declaration says "${label}"; used ${encoding}`,
    });
  }
  return text;
}
