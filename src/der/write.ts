// A DER writer: definite lengths, minimal integers, SET OF sorted. Enough for CMS SignedData,
// certificates and CRLs (signing and the test PKI); values are built bottom-up as byte arrays.
import { type Bytes, concat, encodeUtf8 } from '../bytes.js';
import { TAG } from './read.js';

/** A TLV with a low tag number (`tag` is the whole identifier byte). */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Bytes {
  const body = parts.length === 1 ? parts[0]! : concat(parts);
  const n = body.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else {
    const len: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    head = [tag, 0x80 | len.length, ...len];
  }
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export const seq = (...parts: readonly Uint8Array[]): Bytes => tlv(TAG.SEQUENCE, ...parts);

/** SET OF: DER orders the elements by their encodings (X.690 §11.6). */
export function setOf(...parts: readonly Uint8Array[]): Bytes {
  return tlv(TAG.SET, ...[...parts].sort(compareBytes));
}

/** Byte-wise order, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** `[n]` EXPLICIT (constructed context tag around an encoding). */
export const explicit = (n: number, ...parts: readonly Uint8Array[]): Bytes => tlv(0xa0 | n, ...parts);

/** Re-tags an encoding as `[n]` IMPLICIT, keeping its constructed bit. */
export function implicit(n: number, der: Uint8Array): Bytes {
  const out = der.slice() as Bytes;
  out[0] = (der[0]! & 0x20) | 0x80 | n;
  return out;
}

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Bytes {
  const arcs = dotted.split('.').map(Number);
  if (
    arcs.length < 2 ||
    !arcs.every((a) => Number.isSafeInteger(a) && a >= 0) ||
    arcs[0]! > 2 ||
    (arcs[0]! < 2 && arcs[1]! >= 40)
  )
    throw new RangeError(`not an object identifier: ${dotted}`);
  const bytes: number[] = [];
  const push = (v: number): void => {
    const digits = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) digits.unshift((x & 0x7f) | 0x80);
    bytes.push(...digits);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.OID, new Uint8Array(bytes));
}

/** INTEGER from a non-negative number or from unsigned big-endian bytes (made minimal, positive). */
export function integer(value: number | Uint8Array): Bytes {
  let bytes: number[];
  if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0))
    throw new RangeError(`integer() writes non-negative safe integers, got ${value}`);
  if (typeof value === 'number') {
    bytes = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  } else bytes = [...value];
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) === 0) bytes.shift();
  if (bytes.length === 0) bytes = [0];
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, new Uint8Array(bytes));
}

export const octetString = (b: Uint8Array): Bytes => tlv(TAG.OCTET_STRING, b);
export const nullValue = (): Bytes => new Uint8Array([TAG.NULL, 0]);
export const boolean = (v: boolean): Bytes => new Uint8Array([TAG.BOOLEAN, 1, v ? 0xff : 0]);
export const utf8String = (s: string): Bytes => tlv(TAG.UTF8_STRING, encodeUtf8(s));
export function printableString(s: string): Bytes {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new RangeError(`not a PrintableString: ${s}`);
  return tlv(TAG.PRINTABLE_STRING, encodeUtf8(s));
}
export const ia5String = (s: string): Bytes => tlv(TAG.IA5_STRING, encodeUtf8(s));

/** BIT STRING holding whole bytes (keys, signatures). */
export const bitString = (b: Uint8Array): Bytes => tlv(TAG.BIT_STRING, new Uint8Array([0]), b);

/** A named-bit BIT STRING (keyUsage): trailing zero bits dropped, as DER requires. */
export function namedBits(byte: number): Bytes {
  if (byte === 0) return tlv(TAG.BIT_STRING, new Uint8Array([0]));
  let unused = 0;
  while ((byte & (1 << unused)) === 0) unused++;
  return tlv(TAG.BIT_STRING, new Uint8Array([unused, byte]));
}

const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 5280 time: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds. */
export function time(d: Date): Bytes {
  const y = d.getUTCFullYear();
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, encodeUtf8(`${two(y % 100)}${rest}`));
  return tlv(TAG.GENERALIZED_TIME, encodeUtf8(`${String(y).padStart(4, '0')}${rest}`));
}
