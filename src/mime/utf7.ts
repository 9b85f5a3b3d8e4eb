// UTF-7 (RFC 2152) decoding. Outlook-era public-administration mail still arrives with
// `charset=utf-7`; neither TextDecoder (WHATWG Encoding drops UTF-7) nor postal-mime reads it.

// Modified base64 alphabet (RFC 2152 Set B): the standard one, no padding.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) VALUE[B64.charCodeAt(i)] = i;

/**
 * Decodes UTF-7 bytes (RFC 2152). `+` opens a base64 run of UTF-16 code units, closed by any
 * character outside the base64 alphabet (a closing `-` is absorbed); `+-` is a literal `+`.
 * Lenient like a mail reader: bytes above 0x7F (not UTF-7) are kept one char per byte (latin1),
 * a lone surrogate becomes U+FFFD, and leftover bits at the end of a run are dropped.
 *
 * @example
 * ```ts
 * decodeUtf7(new TextEncoder().encode('Caf+AOk- 1 +- 1')); // 'Café 1 + 1'
 * ```
 */
export function decodeUtf7(bytes: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  const flushUnits = (): void => {
    // Pair surrogates here: a run may hold astral characters as two code units.
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!;
      if (u >= 0xd800 && u <= 0xdbff && i + 1 < units.length) {
        const v = units[i + 1]!;
        if (v >= 0xdc00 && v <= 0xdfff) {
          out += String.fromCharCode(u, v);
          i++;
          continue;
        }
      }
      out += u >= 0xd800 && u <= 0xdfff ? '\uFFFD' : String.fromCharCode(u);
    }
    units.length = 0;
  };
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i]!;
    if (c !== 0x2b /* + */) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    i++;
    if (bytes[i] === 0x2d /* - */) {
      out += '+';
      i++;
      continue;
    }
    let bits = 0;
    let count = 0;
    while (i < n) {
      const b = bytes[i]!;
      const v = b < 128 ? VALUE[b]! : -1;
      if (v === -1) break;
      bits = ((bits << 6) | v) & 0xffffff;
      count += 6;
      if (count >= 16) {
        count -= 16;
        units.push((bits >> count) & 0xffff);
      }
      i++;
    }
    flushUnits();
    if (bytes[i] === 0x2d) i++; // the explicit end of the run is not part of the text
  }
  return out;
}

/** True for the charset labels that name UTF-7. */
export function isUtf7Label(charset: string): boolean {
  const cs = charset.trim().toLowerCase();
  return cs === 'utf-7' || cs === 'utf7' || cs === 'unicode-1-1-utf-7' || cs === 'x-unicode-1-1-utf-7';
}
