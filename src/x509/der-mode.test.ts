// Issue 11, strict reading: the details the differential suite (test/differential-der.test.ts)
// does not pin by itself, because they concern values that are read, not refused.
import { describe, expect, it } from 'vitest';
import type { Bytes } from '../bytes.js';
import { DerError, oid as readOid, readRoot, string } from '../der/read.js';
import {
  bitString,
  boolean,
  explicit,
  ia5String,
  integer,
  nullValue,
  octetString,
  oid,
  seq,
  time,
  tlv,
  utf8String,
} from '../der/write.js';
import { nameConstraintViolations } from '../trust/name-constraints.js';
import { Certificate } from './certificate.js';
import { Name } from './name.js';

const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), nullValue());
const SPKI = seq(
  seq(oid('1.2.840.113549.1.1.1'), nullValue()),
  bitString(seq(integer(12345), integer(65537))),
);
const atv = (type: string, value: Uint8Array): Bytes => tlv(0x31, seq(oid(type), value));
const ext = (id: string, value: Uint8Array, critical = false): Bytes =>
  seq(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** A structurally valid v3 certificate (the signature is not checked by the decoder). */
function cert(subject: Uint8Array, extensions: Uint8Array[] = []): Certificate {
  const issuer = seq(atv('2.5.4.3', utf8String('CA')));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(7),
    SHA256_RSA,
    issuer,
    seq(time(new Date('2024-01-01T00:00:00Z')), time(new Date('2030-01-01T00:00:00Z'))),
    subject,
    SPKI,
    ...(extensions.length > 0 ? [explicit(3, seq(...extensions))] : []),
  );
  return new Certificate(seq(tbs, SHA256_RSA, bitString(new Uint8Array(16))));
}

const readName = (der: Uint8Array): Name => Name.read(der, readRoot(der), 'name');

describe('character strings', () => {
  it('keeps a leading BOM of a UTF8String (it was dropped, making two encodings one name)', () => {
    const withBom = readName(seq(atv('2.5.4.3', tlv(0x0c, new Uint8Array([0xef, 0xbb, 0xbf, 0x41])))));
    const without = readName(seq(atv('2.5.4.3', utf8String('A'))));
    expect(withBom.rdns[0]![0]!.value).toBe('\ufeffA');
    expect(withBom.equals(without)).toBe(false);
  });

  it('compares an invalid BMPString by its encoding (a lone surrogate is no character)', () => {
    const a = readName(seq(atv('2.5.4.3', tlv(0x1e, new Uint8Array([0xd8, 0x00])))));
    const b = readName(seq(atv('2.5.4.3', tlv(0x1e, new Uint8Array([0xd8, 0x01])))));
    expect(a.rdns[0]![0]!.value).toBeNull();
    expect(a.equals(b)).toBe(false);
  });

  it('compares an invalid UniversalString by its encoding, never as U+FFFD', () => {
    const big = new Uint8Array([0x00, 0x11, 0x00, 0x00]); // beyond U+10FFFF
    const other = new Uint8Array([0x00, 0x12, 0x00, 0x00]);
    const node = (c: Uint8Array): Bytes => tlv(0x1c, c);
    expect(string(node(big), readRoot(node(big)))).toBeNull();
    const a = readName(seq(atv('2.5.4.3', node(big))));
    const b = readName(seq(atv('2.5.4.3', node(other))));
    expect(a.equals(b)).toBe(false);
  });

  it('compares names case-insensitively in ASCII only: the Kelvin sign is not k', () => {
    const kelvin = readName(seq(atv('2.5.4.10', utf8String('\u212aey'))));
    const k = readName(seq(atv('2.5.4.10', utf8String('key'))));
    const upper = readName(seq(atv('2.5.4.10', utf8String('KEY'))));
    expect(kelvin.equals(k)).toBe(false);
    expect(upper.equals(k)).toBe(true);
  });
});

describe('OBJECT IDENTIFIER arcs of any size', () => {
  it('reads 2.25.<UUID> (a 128-bit arc) exactly', () => {
    // 2.25.329800735698586629295641978511506172918 (a UUID as an integer, X.667).
    const arc = 329800735698586629295641978511506172918n;
    const digits: number[] = [];
    for (let v = arc; v > 0n; v >>= 7n) digits.unshift(Number(v & 0x7fn));
    const body = [0x69, ...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d))];
    const der = tlv(0x06, new Uint8Array(body));
    expect(readOid(der, readRoot(der))).toBe(`2.25.${arc}`);
  });

  it('reads a certificate whose policy is 2.25.<UUID> (it was unreadable)', () => {
    const der = tlv(
      0x06,
      new Uint8Array([
        0x69, 0x82, 0xa4, 0xc5, 0xe6, 0x87, 0xa8, 0xc9, 0xea, 0x8b, 0xac, 0xcd, 0xee, 0x8f, 0xa0, 0xc1, 0xe2,
        0x03,
      ]),
    );
    const c = cert(seq(atv('2.5.4.3', utf8String('leaf'))), [ext('2.5.29.32', seq(seq(der)))]);
    expect(c.policies[0]).toMatch(/^2\.25\.\d{30,}$/);
  });

  it('still refuses a non-minimal arc', () => {
    const der = tlv(0x06, new Uint8Array([0x55, 0x80, 0x04]));
    expect(() => readOid(der, readRoot(der))).toThrow(DerError);
  });
});

describe('name constraints and the emailAddress attribute', () => {
  const EMAIL = '1.2.840.113549.1.9.1';
  const ca = cert(seq(atv('2.5.4.3', utf8String('CA'))), [
    ext('2.5.29.19', seq(boolean(true)), true),
    ext('2.5.29.30', seq(tlv(0xa0, seq(tlv(0x81, new TextEncoder().encode('pec.example.it'))))), true),
  ]);

  it('checks an IA5String emailAddress against the rfc822Name subtrees', () => {
    const inside = cert(seq(atv(EMAIL, ia5String('x@pec.example.it'))));
    const outside = cert(seq(atv(EMAIL, ia5String('x@evil.example'))));
    expect(nameConstraintViolations(inside, ca)).toEqual([]);
    expect(nameConstraintViolations(outside, ca)).toHaveLength(1);
  });

  it('counts an emailAddress that is not an IA5String as a violation (a UTF8String passed before)', () => {
    const utf8 = cert(seq(atv(EMAIL, utf8String('x@evil.example'))));
    expect(nameConstraintViolations(utf8, ca)[0]).toMatch(/not a printable IA5String/);
  });

  it('counts an emailAddress with a control character as a violation', () => {
    const ctl = cert(seq(atv(EMAIL, ia5String('x@evil.example\u0001'))));
    expect(nameConstraintViolations(ctl, ca)[0]).toMatch(/not a printable IA5String/);
  });

  it('leaves an unreadable emailAddress alone when the CA constrains no e-mail address', () => {
    const plainCa = cert(seq(atv('2.5.4.3', utf8String('CA'))), [ext('2.5.29.19', seq(boolean(true)), true)]);
    const utf8 = cert(seq(atv(EMAIL, utf8String('x@evil.example'))));
    expect(nameConstraintViolations(utf8, plainCa)).toEqual([]);
  });

  it('folds only ASCII in directoryName constraints: O=\u212aey is outside O=key', () => {
    const dirCa = cert(seq(atv('2.5.4.3', utf8String('CA'))), [
      ext('2.5.29.19', seq(boolean(true)), true),
      ext('2.5.29.30', seq(tlv(0xa0, seq(tlv(0xa4, seq(atv('2.5.4.10', utf8String('key'))))))), true),
    ]);
    const kelvin = cert(seq(atv('2.5.4.10', utf8String('\u212aey'))));
    const upper = cert(seq(atv('2.5.4.10', utf8String('KEY'))));
    expect(nameConstraintViolations(kelvin, dirCa)).toHaveLength(1);
    expect(nameConstraintViolations(upper, dirCa)).toEqual([]);
  });
});
