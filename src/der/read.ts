// A small, strict BER/DER reader: what X.509, CRLs and CMS need, and nothing else. Values are
// read lazily (a node knows where its content lies; children are decoded on demand), so a CMS
// reader touches only the fields it uses. Every inconsistency — a length past its parent,
// children that do not fill a definite length, a missing end-of-contents, nesting deeper than
// MAX_DEPTH — throws a DerError; callers turn it into their own coded PecError.
import { concat, fnv1a, latin1 } from '../bytes.js';
import { setRecent } from '../lru.js';

/** Thrown for any encoding error; never escapes the library (callers wrap it). */
export class DerError extends Error {
  override name = 'DerError';
}

/** A constructed value holds more elements than the reader was allowed to read. */
export class DerCountError extends DerError {
  override name = 'DerCountError';
}

/** One TLV. `tag` is the identifier's first byte; high tag numbers are in `number`. */
export interface Node {
  /** First identifier byte (class, constructed bit and tag number ≤ 30, or 0x1f-marked). */
  readonly tag: number;
  /** Tag number (also for the high-tag-number form). */
  readonly number: number;
  readonly constructed: boolean;
  /** Offset of the identifier. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly valueStart: number;
  /** Offset after the last content byte (before end-of-contents octets, when indefinite). */
  readonly valueEnd: number;
  /** Offset after the whole TLV (end-of-contents octets included). */
  readonly end: number;
  /** Indefinite length (BER only). */
  readonly indefinite: boolean;
}

/** Universal tags used here, as first identifier bytes. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Deepest nesting accepted: real certificates and CMS stay under 15. */
export const MAX_DEPTH = 48;

/** Reads the TLV at `at`, which must end by `limit`. */
export function readNode(b: Uint8Array, at: number, limit: number, depth = 0): Node {
  if (depth > MAX_DEPTH) throw new DerError(`nesting deeper than ${MAX_DEPTH} levels`);
  if (at + 2 > limit) throw new DerError(`truncated value at offset ${at}`);
  const tag = b[at]!;
  // 00 00 only closes indefinite content (the loop below stops before it); anywhere else it is
  // not a value (X.690 §8.1.5).
  if (tag === 0) throw new DerError(`end-of-contents outside indefinite content at offset ${at}`);
  const constructed = (tag & 0x20) !== 0;
  let p = at + 1;
  let number = tag & 0x1f;
  if (number === 0x1f) {
    // High tag number: base-128 digits, the last without bit 8.
    number = 0;
    for (let n = 0; ; n++) {
      if (p >= limit || n === 4) throw new DerError(`bad tag at offset ${at}`);
      const d = b[p++]!;
      if (n === 0 && d === 0x80) throw new DerError(`non-minimal tag at offset ${at}`);
      number = number * 128 + (d & 0x7f);
      if ((d & 0x80) === 0) break;
    }
    // The long form is only for tag numbers of 31 and more (X.690 §8.1.2.4).
    if (number < 31) throw new DerError(`non-minimal tag at offset ${at}`);
  }
  if (p >= limit) throw new DerError(`truncated length at offset ${at}`);
  const first = b[p++]!;
  if (first === 0x80) {
    if (!constructed) throw new DerError(`indefinite length on a primitive value at offset ${at}`);
    // Indefinite: children up to the end-of-contents octets (00 00).
    let q = p;
    for (;;) {
      if (q + 2 > limit) throw new DerError(`missing end-of-contents for the value at offset ${at}`);
      if (b[q] === 0 && b[q + 1] === 0) break;
      q = readNode(b, q, limit, depth + 1).end;
    }
    return { tag, number, constructed, start: at, valueStart: p, valueEnd: q, end: q + 2, indefinite: true };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4 || p + n > limit) throw new DerError(`bad length at offset ${at}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[p++]!;
  }
  if (length > limit - p) throw new DerError(`a length at offset ${at} runs past its container`);
  return {
    tag,
    number,
    constructed,
    start: at,
    valueStart: p,
    valueEnd: p + length,
    end: p + length,
    indefinite: false,
  };
}

/** The one value that fills `b` exactly (trailing bytes are an error). */
export function readRoot(b: Uint8Array): Node {
  const n = readNode(b, 0, b.length);
  if (n.end !== b.length) throw new DerError(`${b.length - n.end} bytes after the value`);
  return n;
}

/**
 * Most elements read from one constructed value. Hostile input can pack millions of two-byte
 * elements into a few megabytes; the reader stops at this count instead of building them all
 * (callers with a real need for more, CRL entries, pass their own maximum).
 */
export const MAX_ELEMENTS = 10_000;

/** The children of a constructed node; they must fill its content exactly, and be at most `max`. */
export function children(b: Uint8Array, parent: Node, depth = 0, max = MAX_ELEMENTS): Node[] {
  if (!parent.constructed) throw new DerError(`expected a constructed value at offset ${parent.start}`);
  const out: Node[] = [];
  for (let at = parent.valueStart; at < parent.valueEnd; ) {
    if (out.length === max) throw new DerCountError(`more than ${max} elements at offset ${parent.start}`);
    const c = readNode(b, at, parent.valueEnd, depth + 1);
    out.push(c);
    at = c.end;
  }
  return out;
}

/** `node`, which must exist and carry `tag`; `what` names it in the error. */
export function expect(node: Node | undefined, tag: number, what: string): Node {
  if (!node) throw new DerError(`${what} is missing`);
  if (node.tag !== tag)
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

/** The children of a SEQUENCE (or other constructed `tag`), checked. */
export function sequence(
  b: Uint8Array,
  node: Node | undefined,
  what: string,
  tag: number = TAG.SEQUENCE,
  max = MAX_ELEMENTS,
): Node[] {
  return children(b, expect(node, tag, what), 0, max);
}

/** Content bytes of a primitive node (a view, not a copy). */
export function content(b: Uint8Array, node: Node): Uint8Array {
  return b.subarray(node.valueStart, node.valueEnd);
}

/** The whole TLV (a view). */
export function encoded(b: Uint8Array, node: Node): Uint8Array {
  return b.subarray(node.start, node.end);
}

/** Longest OBJECT IDENTIFIER content read: real ones stay under 40 bytes (2.25.<UUID> takes 19). */
export const MAX_OID_LENGTH = 128;

/**
 * OBJECT IDENTIFIER content → dotted string. Arcs of any size (2.25.<UUID> has a 128-bit arc):
 * digits are gathered as a number while exact, as a bigint beyond.
 */
export function oid(b: Uint8Array, node: Node): string {
  const length = node.valueEnd - node.valueStart;
  if (node.tag !== TAG.OID || length === 0)
    throw new DerError(`expected an OBJECT IDENTIFIER at offset ${node.start}`);
  if (length > MAX_OID_LENGTH) throw new DerError(`an OBJECT IDENTIFIER longer than ${MAX_OID_LENGTH} bytes`);
  if (b[node.valueEnd - 1]! & 0x80) throw new DerError(`truncated OID at offset ${node.start}`);
  const from = node.valueStart;
  const key = oidKey(b, from, node.valueEnd);
  const hit = oidCache.get(key);
  if (hit !== undefined && hit.bytes.length === length) {
    let same = true;
    for (let i = 0; i < length; i++)
      if (hit.bytes[i] !== b[from + i]) {
        same = false;
        break;
      }
    if (same) return hit.text;
  }
  const text = dottedOid(b, node);
  setRecent(oidCache, key, { bytes: b.slice(from, node.valueEnd), text }, OID_CACHE_MAX);
  return text;
}

/** Most OID contents remembered (a CMS and its certificates repeat a few dozen). */
export const OID_CACHE_MAX = 512;

// The dotted forms of recent OID contents, keyed by a hash of the content bytes, a hit confirmed
// byte for byte against a copy of the bytes. Every message repeats the same OIDs, and the same
// string object coming back lets the Set and Map lookups on it reuse its hash. Only OIDs that read
// without error are remembered: equal bytes read the same.
const oidCache = new Map<number, { readonly bytes: Uint8Array; readonly text: string }>();

/** @internal The cache key of OID content `b[from, to)`: FNV-1a over the length and the bytes. */
export function oidKey(b: Uint8Array, from: number, to: number): number {
  return fnv1a(b, from, to, to - from);
}

/** @internal How many OID contents are remembered (at most {@link OID_CACHE_MAX}). */
export function oidCacheSize(): number {
  return oidCache.size;
}

/** The dotted form of a checked OID node (see {@link oid}). */
function dottedOid(b: Uint8Array, node: Node): string {
  // Every arc of a real OID fits a double: the string is built as the digits come, with no list.
  // An arc that grows past 2^45 (UUID arcs) hands over to the exact reader below.
  let text = '';
  let arc = 0;
  let start = true;
  for (let i = node.valueStart; i < node.valueEnd; i++) {
    const d = b[i]!;
    if (start && d === 0x80) throw new DerError(`non-minimal OID arc at offset ${node.start}`);
    start = false;
    if (arc > 2 ** 45) return bigOid(b, node);
    arc = arc * 128 + (d & 0x7f);
    if (!(d & 0x80)) {
      // The first subidentifier packs two arcs: 40·X + Y, X ≤ 2 (Y may be large under 2).
      if (text === '') text = arc < 80 ? `${Math.floor(arc / 40)}.${arc % 40}` : `2.${arc - 80}`;
      else text += `.${arc}`;
      arc = 0;
      start = true;
    }
  }
  return text;
}

/** {@link oid} for OIDs with an arc beyond 2^45: digits gathered as a bigint once past it. */
function bigOid(b: Uint8Array, node: Node): string {
  const parts: (number | bigint)[] = [];
  let v: number | bigint = 0;
  let fresh = true;
  for (let i = node.valueStart; i < node.valueEnd; i++) {
    const d = b[i]!;
    if (fresh && d === 0x80) throw new DerError(`non-minimal OID arc at offset ${node.start}`);
    fresh = false;
    if (typeof v === 'number' && v > 2 ** 45) v = BigInt(v);
    v = typeof v === 'number' ? v * 128 + (d & 0x7f) : (v << 7n) | BigInt(d & 0x7f);
    if (!(d & 0x80)) {
      parts.push(v);
      v = 0;
      fresh = true;
    }
  }
  const first = parts.shift()!;
  // The first subidentifier packs two arcs: 40·X + Y, X ≤ 2 (Y may be large under 2).
  const head =
    typeof first === 'bigint'
      ? ['2', (first - 80n).toString()]
      : first < 80
        ? [Math.floor(first / 40), first % 40]
        : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** INTEGER content bytes (two's complement, as written). */
export function integerBytes(b: Uint8Array, node: Node): Uint8Array {
  if (node.tag !== TAG.INTEGER || node.valueEnd === node.valueStart)
    throw new DerError(`expected an INTEGER at offset ${node.start}`);
  return content(b, node);
}

/**
 * An INTEGER's content without redundant leading sign bytes (00 before a byte < 0x80, ff before a
 * byte ≥ 0x80): one form per number, for comparing serial numbers written differently.
 */
export function minimalInteger(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i + 1 < v.length && ((v[i] === 0 && !(v[i + 1]! & 0x80)) || (v[i] === 0xff && v[i + 1]! & 0x80)))
    i++;
  return v.subarray(i);
}

/** A small non-negative INTEGER or ENUMERATED as a number. */
export function smallInt(b: Uint8Array, node: Node): number {
  if ((node.tag !== TAG.INTEGER && node.tag !== TAG.ENUMERATED) || node.valueEnd === node.valueStart)
    throw new DerError(`expected an INTEGER at offset ${node.start}`);
  const len = node.valueEnd - node.valueStart;
  if (len > 6 || b[node.valueStart]! & 0x80)
    throw new DerError(`integer out of range at offset ${node.start}`);
  let v = 0;
  for (let i = node.valueStart; i < node.valueEnd; i++) v = v * 256 + b[i]!;
  return v;
}

/** BOOLEAN. */
export function bool(b: Uint8Array, node: Node): boolean {
  if (node.tag !== TAG.BOOLEAN || node.valueEnd - node.valueStart !== 1)
    throw new DerError(`expected a BOOLEAN at offset ${node.start}`);
  return b[node.valueStart] !== 0;
}

/** BIT STRING: the bytes after the unused-bits count (primitive form only, as DER requires). */
export function bitString(b: Uint8Array, node: Node): { bytes: Uint8Array; unused: number } {
  if (node.tag !== TAG.BIT_STRING || node.valueEnd === node.valueStart)
    throw new DerError(`expected a BIT STRING at offset ${node.start}`);
  const unused = b[node.valueStart]!;
  if (unused > 7 || (unused > 0 && node.valueEnd - node.valueStart === 1))
    throw new DerError(`bad BIT STRING at offset ${node.start}`);
  // Padding bits are zero (X.690 §11.2.1): set ones would let two encodings carry one value.
  if (unused > 0 && (b[node.valueEnd - 1]! & ((1 << unused) - 1)) !== 0)
    throw new DerError(`a BIT STRING with non-zero padding bits at offset ${node.start}`);
  return { bytes: b.subarray(node.valueStart + 1, node.valueEnd), unused };
}

/**
 * OCTET STRING content. BER allows the constructed form (a string in pieces, as streamed CMS
 * writes it): the pieces are concatenated into a copy.
 */
export function octets(b: Uint8Array, node: Node, tag: number = TAG.OCTET_STRING, depth = 0): Uint8Array {
  if (node.tag === tag) return content(b, node);
  if (node.tag === (tag | 0x20))
    return concat(children(b, node, depth).map((c) => octets(b, c, TAG.OCTET_STRING, depth + 1)));
  throw new DerError(`expected an OCTET STRING at offset ${node.start}`);
}

const UTC = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/;
const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?Z$/;

/**
 * UTCTime or GeneralizedTime (UTC forms, seconds optional in UTCTime, fractions in GeneralizedTime).
 * `profile` 'rfc5280' takes only what RFC 5280 §4.1.2.5 allows in certificates and CRLs: Z,
 * seconds, no fractions, UTCTime through 2049 and GeneralizedTime from 2050.
 */
export function time(b: Uint8Array, node: Node, profile: 'ber' | 'rfc5280' = 'ber'): Date {
  const s = latin1(b, node.valueStart, node.valueEnd);
  if (profile === 'rfc5280') {
    const form = node.tag === TAG.UTC_TIME ? /^\d{12}Z$/ : /^\d{14}Z$/;
    if (!form.test(s)) throw new DerError(`a time outside the RFC 5280 profile at offset ${node.start}`);
    if (node.tag === TAG.GENERALIZED_TIME && Number(s.slice(0, 4)) < 2050)
      throw new DerError(`a GeneralizedTime before 2050 at offset ${node.start} (RFC 5280: UTCTime)`);
  }
  const m =
    node.tag === TAG.UTC_TIME ? UTC.exec(s) : node.tag === TAG.GENERALIZED_TIME ? GENERALIZED.exec(s) : null;
  if (!m) throw new DerError(`expected a UTC time at offset ${node.start}`);
  let year = Number(m[1]);
  if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900; // RFC 5280 §4.1.2.5.1
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = node.tag === TAG.GENERALIZED_TIME && m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60)
    throw new DerError(`invalid date at offset ${node.start}`);
  // Built field by field (Date.UTC maps years 0–99 to 1900–1999), then checked: a day that does
  // not exist (30 February) must be an error, not roll over into the next month.
  const date = new Date(0);
  date.setUTCFullYear(year, mo - 1, d);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d)
    throw new DerError(`invalid date at offset ${node.start}`);
  date.setUTCHours(h, mi, se, ms); // a leap second (60) reads as the next minute
  return date;
}

// ignoreBOM: a leading U+FEFF is part of the value (dropping it would make two encodings equal).
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A character string of any ASN.1 string type, or null for a value that is not a string. UTF8String
 * as UTF-8; BMPString as UTF-16BE; UniversalString as UTF-32BE; the 8-bit types byte by byte.
 */
export function string(b: Uint8Array, node: Node): string | null {
  const c = content(b, node);
  switch (node.tag) {
    case 0x0c:
      try {
        return utf8Decoder.decode(c);
      } catch {
        return null; // not UTF-8: compared by its encoding, never as replacement characters
      }
    case 0x1e: {
      if (c.length % 2 !== 0) return null;
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) {
        const u = (c[i]! << 8) | c[i + 1]!;
        // BMPString is UCS-2: a surrogate is no character. Invalid: compared by its encoding.
        if (u >= 0xd800 && u <= 0xdfff) return null;
        s += String.fromCharCode(u);
      }
      return s;
    }
    case 0x1c: {
      if (c.length % 4 !== 0) return null;
      let s = '';
      for (let i = 0; i + 3 < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        // Not a code point: compared by its encoding, never as a replacement character.
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString
    case 0x15: // VideotexString
    case 0x16: // IA5String
    case 0x19: // GraphicString
    case 0x1a: // VisibleString
    case 0x1b: // GeneralString
      return latin1(b, node.valueStart, node.valueEnd);
    default:
      return null;
  }
}

/** Bytes the identifier of `node` takes (one, or one plus the base-128 digits of a high tag number). */
function tagLength(node: Node): number {
  if (node.number < 31) return 1;
  let n = 1;
  for (let v = node.number; v > 0; v = Math.floor(v / 128)) n++;
  return n;
}

/** Bytes the shortest definite length encoding of `length` takes (X.690 §10.1). */
function lengthLength(length: number): number {
  if (length < 0x80) return 1;
  let n = 1;
  for (let v = length; v > 0; v = Math.floor(v / 256)) n++;
  return n;
}

/**
 * Checks that `node` and everything inside it is DER (X.690 §10–11), not merely BER: definite
 * lengths in their shortest form, strings and other universal primitives in the primitive form,
 * BOOLEAN as 00 or FF, INTEGER and ENUMERATED in their shortest form, NULL empty, OID arcs
 * minimal, BIT STRING padding bits zero, UTF8String / BMPString / UniversalString valid in their
 * encodings and IA5String 7-bit. Certificates and CRLs are DER (RFC 5280 §4.1): a value
 * that is only BER could be re-encoded, keeping its signature (over other bytes) and changing its
 * fingerprint, so it is refused. The contents of context-specific primitive values (IMPLICIT
 * types) are checked by the callers that know their type.
 *
 * @throws DerError at the first value that is not DER.
 */
export function checkDer(b: Uint8Array, node: Node, depth = 0): void {
  if (node.indefinite)
    throw new DerError(`indefinite length at offset ${node.start} (DER requires definite)`);
  const length = node.valueEnd - node.valueStart;
  if (node.valueStart - node.start !== tagLength(node) + lengthLength(length))
    throw new DerError(`non-minimal length at offset ${node.start}`);
  if ((node.tag & 0xc0) === 0) {
    const n = node.number;
    if ((n === 16 || n === 17) !== node.constructed)
      throw new DerError(
        `${node.constructed ? 'constructed' : 'primitive'} form of universal type ${n} at offset ${node.start}`,
      );
    if (!node.constructed) checkPrimitive(b, node, n, length);
  }
  if (node.constructed) for (const c of children(b, node, depth)) checkDer(b, c, depth + 1);
}

function checkPrimitive(b: Uint8Array, node: Node, n: number, length: number): void {
  const v = node.valueStart;
  const at = node.start;
  switch (n) {
    case 1:
      if (length !== 1 || (b[v] !== 0 && b[v] !== 0xff))
        throw new DerError(`a BOOLEAN other than 00 or FF at offset ${at}`);
      break;
    case 2:
    case 10:
      if (length === 0 || !isMinimalInteger(b.subarray(v, node.valueEnd)))
        throw new DerError(`a non-minimal INTEGER at offset ${at}`);
      break;
    case 3: {
      const unused = b[v];
      if (unused === undefined || unused > 7 || (unused > 0 && length === 1))
        throw new DerError(`bad BIT STRING at offset ${at}`);
      if (unused > 0 && (b[node.valueEnd - 1]! & ((1 << unused) - 1)) !== 0)
        throw new DerError(`a BIT STRING with non-zero padding bits at offset ${at}`);
      break;
    }
    case 5:
      if (length !== 0) throw new DerError(`a NULL with content at offset ${at}`);
      break;
    case 6:
      oid(b, node); // minimal arcs, not truncated
      break;
    case 0:
      throw new DerError(`end-of-contents outside indefinite content at offset ${at}`);
    case 12: // UTF8String, BMPString, UniversalString: their encodings must be valid
    case 28:
    case 30:
      if (string(b, node) === null) throw new DerError(`an invalid character string at offset ${at}`);
      break;
    case 22: // IA5String: 7-bit
      for (let i = v; i < node.valueEnd; i++)
        if (b[i]! > 0x7f) throw new DerError(`an IA5String with an 8-bit byte at offset ${at}`);
      break;
  }
}

/** True when an INTEGER's content has no redundant leading 00 or FF byte. */
export function isMinimalInteger(v: Uint8Array): boolean {
  return (
    v.length > 0 && !(v.length > 1 && ((v[0] === 0 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80)))
  );
}

/**
 * A small non-negative INTEGER (never ENUMERATED) as a number, in its shortest encoding: what
 * certificate versions, pathLenConstraint and RSASSA-PSS fields are.
 */
export function smallInteger(b: Uint8Array, node: Node): number {
  if (node.tag !== TAG.INTEGER) throw new DerError(`expected an INTEGER at offset ${node.start}`);
  if (!isMinimalInteger(content(b, node)))
    throw new DerError(`a non-minimal INTEGER at offset ${node.start}`);
  return smallInt(b, node);
}

/** BOOLEAN as DER writes it: 00 (FALSE) or FF (TRUE), nothing else. */
export function derBool(b: Uint8Array, node: Node): boolean {
  const v = bool(b, node);
  if (b[node.valueStart] !== 0 && b[node.valueStart] !== 0xff)
    throw new DerError(`a BOOLEAN other than 00 or FF at offset ${node.start}`);
  return v;
}
