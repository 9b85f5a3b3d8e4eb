// Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, soft breaks that never split an
// =XX escape, and line-start escapes that keep the bytes safe from mbox "From " and SMTP "." mangling,
// which would otherwise break a signature computed over them.
import type { Bytes } from '../bytes.js';
import { describe } from '../bytes.js';
import { invalidArgument } from '../errors.js';

/**
 * Options of {@link encodeQuotedPrintable}.
 *
 * @example
 * ```ts
 * encodeQuotedPrintable(bytes, { binary: true });
 * ```
 */
export interface QpOptions {
  /**
   * Treat the data as binary: CR and LF are encoded (`=0D=0A`) instead of being line breaks.
   * Default false: the data is text, and CRLF, LF or a lone CR each become a CRLF hard line break.
   */
  binary?: boolean;
}

const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70];
const MAX = 76;

/**
 * Encodes bytes as quoted-printable with CRLF line endings. Printable ASCII stays literal except
 * `=`; whitespace at the end of a line, control bytes and bytes ≥ 0x80 become `=XX`. A `.` or the
 * `F` of `From ` at the start of an output line is escaped as well. The output ends with CRLF
 * only when the input ends with a line break.
 *
 * @example
 * ```ts
 * encodeQuotedPrintable(new TextEncoder().encode('perché = sì \n'));
 * // bytes of 'perch=C3=A9 =3D s=C3=AC=20\r\n'
 * ```
 */
export function encodeQuotedPrintable(data: Uint8Array, options: QpOptions = {}): Bytes {
  if (!(data instanceof Uint8Array))
    throw invalidArgument(`data must be a Uint8Array, got ${describe(data)}`);
  const binary = options.binary === true;
  // Worst case: 3 bytes per input byte plus a 3-byte soft break every 72 encoded bytes.
  const out = new Uint8Array(data.length * 4 + 8);
  let o = 0;
  let col = 0;
  const put = (b: number): void => {
    out[o++] = b;
    col++;
  };
  const crlf = (): void => {
    out[o++] = 0x0d;
    out[o++] = 0x0a;
    col = 0;
  };
  const line = (start: number, end: number): void => {
    for (let i = start; i < end; i++) {
      const b = data[i]!;
      const last = i === end - 1;
      let literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
      if (col + (literal ? 1 : 3) > (last ? MAX : MAX - 1)) {
        put(61);
        crlf();
      }
      if (col === 0 && literal) {
        const from =
          b === 70 && i + 4 < end && data[i + 1] === 114 && data[i + 2] === 111 && data[i + 3] === 109;
        if (b === 46 || (from && data[i + 4] === 32)) literal = false;
      }
      if (literal) put(b);
      else {
        put(61);
        put(HEX[b >> 4]!);
        put(HEX[b & 15]!);
      }
    }
  };
  if (binary) line(0, data.length);
  else {
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      if (b !== 0x0d && b !== 0x0a) continue;
      line(start, i);
      crlf();
      if (b === 0x0d && data[i + 1] === 0x0a) i++;
      start = i + 1;
    }
    line(start, data.length);
  }
  return out.slice(0, o);
}
