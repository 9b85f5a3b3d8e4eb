// The DER reader and writer: exact values, BER forms real signers write, every refusal, a
// property round trip, and OpenSSL's asn1parse as an independent reader of what we write.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bitString,
  bool,
  children,
  DerError,
  integerBytes,
  MAX_DEPTH,
  octets,
  oid,
  readNode,
  readRoot,
  sequence,
  smallInt,
  string,
  TAG,
  time,
} from './read.js';
import * as w from './write.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261123), numRuns: 300, endOnFailure: true });

describe('DER writer', () => {
  it('writes short and long lengths', () => {
    expect(toHex(w.octetString(new Uint8Array(3)))).toBe('0403000000');
    expect(toHex(w.octetString(new Uint8Array(200)).subarray(0, 3))).toBe('0481c8');
    expect(toHex(w.octetString(new Uint8Array(300)).subarray(0, 4))).toBe('0482012c');
  });

  it('writes minimal INTEGERs, positive', () => {
    expect(toHex(w.integer(0))).toBe('020100');
    expect(toHex(w.integer(127))).toBe('02017f');
    expect(toHex(w.integer(128))).toBe('02020080');
    expect(toHex(w.integer(65_537))).toBe('0203010001');
    expect(toHex(w.integer(hex('000000ff')))).toBe('020200ff');
    expect(toHex(w.integer(hex('0001')))).toBe('020101');
  });

  it('writes OIDs with multi-byte arcs', () => {
    expect(toHex(w.oid('1.2.840.113549.1.7.2'))).toBe('06092a864886f70d010702');
    expect(toHex(w.oid('2.5.29.15'))).toBe('0603551d0f');
    expect(toHex(w.oid('1.3.76.16.3.1.1'))).toBe('06062b4c10030101');
  });

  it('sorts SET OF by encoding (X.690 §11.6)', () => {
    const a = w.integer(2);
    const b = w.octetString(new Uint8Array([1]));
    const c = w.integer(1);
    expect(toHex(w.setOf(b, a, c))).toBe(`3109${toHex(c)}${toHex(a)}${toHex(b)}`);
  });

  it('writes times as RFC 5280 wants: UTCTime to 2049, GeneralizedTime after', () => {
    expect(toHex(w.time(new Date('2025-03-14T10:30:05.900Z')))).toBe(
      `170d${Buffer.from('250314103005Z').toString('hex')}`,
    );
    expect(toHex(w.time(new Date('2050-01-01T00:00:00Z')))).toBe(
      `180f${Buffer.from('20500101000000Z').toString('hex')}`,
    );
  });

  it('drops trailing zero bits of named bit strings', () => {
    expect(toHex(w.namedBits(0x80))).toBe('03020780');
    expect(toHex(w.namedBits(0x06))).toBe('03020106');
    expect(toHex(w.namedBits(0))).toBe('030100');
  });

  it("writes what OpenSSL's asn1parse reads back identically", () => {
    const der = w.seq(
      w.oid('2.999.1.123456789'),
      w.integer(hex('8123456789abcdef')),
      w.setOf(w.utf8String('città'), w.printableString('IT'), w.ia5String('a@b.it')),
      w.explicit(0, w.boolean(true)),
      w.implicit(1, w.octetString(new Uint8Array(150).fill(7))),
      w.time(new Date('2030-01-02T03:04:05Z')),
      w.bitString(new Uint8Array([1, 2, 3])),
      w.nullValue(),
    );
    const r = spawnSync('openssl', ['asn1parse', '-inform', 'DER'], { input: der, encoding: 'latin1' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/d=0 .*cons: SEQUENCE/);
    expect(r.stdout).toContain(':2.999.1.123456789');
    expect(r.stdout).toContain('INTEGER           :8123456789ABCDEF');
    expect(r.stdout).toContain('PRINTABLESTRING   :IT');
    expect(r.stdout).toContain('IA5STRING         :a@b.it');
    expect(r.stdout).toContain('BOOLEAN           :255');
    expect(r.stdout).toContain('UTCTIME           :300102030405Z');
    expect(r.stdout).toContain('NULL');
    // OpenSSL consumed every byte: the last line ends at the end of the encoding.
    const last = lines[lines.length - 1]!;
    const [, off, hl, l] = /^\s*(\d+):d=\d+\s+hl=(\d+) l=\s*(\d+)/.exec(last)!;
    expect(Number(off) + Number(hl) + Number(l)).toBe(der.length);
  });
});

describe('DER reader', () => {
  it('reads definite values and their offsets', () => {
    const der = w.seq(w.integer(5), w.octetString(new Uint8Array([9, 9])));
    const root = readRoot(der);
    expect(root).toMatchObject({
      tag: TAG.SEQUENCE,
      start: 0,
      valueStart: 2,
      end: der.length,
      indefinite: false,
    });
    const [i, o] = children(der, root);
    expect(smallInt(der, i!)).toBe(5);
    expect([...octets(der, o!)]).toEqual([9, 9]);
  });

  it('reads BER indefinite lengths and constructed OCTET STRINGs (streamed CMS)', () => {
    // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { 'ab', 'c' }, INTEGER 1 }
    const ber = hex('3080 2480 04026162 040163 0000 020101 0000');
    const root = readRoot(ber);
    expect(root.indefinite).toBe(true);
    expect(root.end).toBe(ber.length);
    const [s, n] = children(ber, root);
    expect(Buffer.from(octets(ber, s!)).toString()).toBe('abc');
    expect(smallInt(ber, n!)).toBe(1);
  });

  it('reads high tag numbers', () => {
    const n = readNode(hex('9f8148 01 00'), 0, 5);
    expect(n.number).toBe(200);
    expect(n.valueEnd - n.valueStart).toBe(1);
  });

  it.each([
    ['a truncated value', '0405 0102'],
    ['a length past its container', '3003 0405 000000'],
    ['children that overrun their parent', '3003 020201 00'],
    ['a missing end-of-contents', '3080 020101'],
    ['indefinite length on a primitive', '0480 0000'],
    ['a five-byte length', '0485 0000000001 00'],
    ['trailing bytes', '020101 00'],
    ['an empty input', ''],
  ])('refuses %s', (_what, h) => {
    expect(() => {
      const b = hex(h);
      const root = readRoot(b);
      if (root.constructed) children(b, root);
    }).toThrow(DerError);
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels without exhausting the stack`, () => {
    const deep = new Uint8Array(2 * 100_000 + 2);
    for (let i = 0; i < 100_000; i++) deep.set([0x30, 0x80], i * 2);
    expect(() => readRoot(deep)).toThrow(/nesting deeper/);
  });

  it('decodes OIDs, refusing non-minimal and truncated arcs', () => {
    const good = w.oid('2.999.3');
    expect(oid(good, readRoot(good))).toBe('2.999.3');
    for (const bad of ['0602 2a80', '0602 8001', '0600']) {
      const b = hex(bad);
      expect(() => oid(b, readRoot(b))).toThrow(DerError);
    }
  });

  it('decodes UTCTime (50-year pivot, optional seconds) and GeneralizedTime (fractions)', () => {
    const t = (tag: number, s: string) => {
      const b = w.tlv(tag, new TextEncoder().encode(s));
      return time(b, readRoot(b)).toISOString();
    };
    expect(t(TAG.UTC_TIME, '491231235959Z')).toBe('2049-12-31T23:59:59.000Z');
    expect(t(TAG.UTC_TIME, '500101000000Z')).toBe('1950-01-01T00:00:00.000Z');
    expect(t(TAG.UTC_TIME, '2503141030Z')).toBe('2025-03-14T10:30:00.000Z');
    expect(t(TAG.GENERALIZED_TIME, '20250314103005.25Z')).toBe('2025-03-14T10:30:05.250Z');
    for (const bad of ['251314103005Z', '250314103005', '2503141030051Z', 'x50314102030Z']) {
      expect(() => t(TAG.UTC_TIME, bad)).toThrow(DerError);
    }
    expect(() => t(TAG.GENERALIZED_TIME, '20250314103005+0100')).toThrow(DerError);
  });

  it('decodes every string type of a distinguished name', () => {
    const s = (tag: number, bytes: number[]) => {
      const b = w.tlv(tag, new Uint8Array(bytes));
      return string(b, readRoot(b));
    };
    expect(s(0x0c, [...Buffer.from('città')])).toBe('città');
    expect(s(0x13, [...Buffer.from('IT')])).toBe('IT');
    expect(s(0x14, [0x63, 0xe0])).toBe('cà'); // TeletexString read as Latin-1
    expect(s(0x1e, [0x00, 0x63, 0x00, 0xe0])).toBe('cà'); // BMPString
    expect(s(0x1c, [0, 0, 0, 0x63, 0, 1, 0xf6, 0x00])).toBe('c😀'); // UniversalString
    expect(s(0x04, [1])).toBeNull();
  });

  it('checks the primitive forms', () => {
    const b = hex('010100 0101ff 0303060080 02020080');
    const [f, t, bits, i] = (() => {
      const out = [];
      for (let at = 0; at < b.length; ) {
        const n = readNode(b, at, b.length);
        out.push(n);
        at = n.end;
      }
      return out;
    })();
    expect(bool(b, f!)).toBe(false);
    expect(bool(b, t!)).toBe(true);
    expect(bitString(b, bits!)).toMatchObject({ unused: 6 });
    expect([...integerBytes(b, i!)]).toEqual([0, 0x80]);
    const negative = hex('0201ff');
    expect(() => smallInt(negative, readRoot(negative))).toThrow(DerError);
  });

  it('round-trips any tree the writer makes (property)', () => {
    type Tree = { kind: 'int'; v: number } | { kind: 'oct'; v: Uint8Array } | { kind: 'seq'; v: Tree[] };
    const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
      t: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ kind: fc.constant('int' as const), v: fc.nat({ max: 2 ** 40 }) }),
        fc.record({ kind: fc.constant('oct' as const), v: fc.uint8Array({ maxLength: 300 }) }),
        fc.record({ kind: fc.constant('seq' as const), v: fc.array(tie('t'), { maxLength: 5 }) }),
      ),
    })).t;
    const encode = (t: Tree): Uint8Array =>
      t.kind === 'int' ? w.integer(t.v) : t.kind === 'oct' ? w.octetString(t.v) : w.seq(...t.v.map(encode));
    const decode = (b: Uint8Array, n: ReturnType<typeof readRoot>): Tree => {
      if (n.tag === TAG.INTEGER) {
        let v = 0;
        for (const x of integerBytes(b, n)) v = v * 256 + x;
        return { kind: 'int', v };
      }
      if (n.tag === TAG.OCTET_STRING) return { kind: 'oct', v: octets(b, n).slice() };
      return { kind: 'seq', v: sequence(b, n, 'seq').map((c) => decode(b, c)) };
    };
    fc.assert(
      fc.property(tree, (t) => {
        const der = encode(t);
        expect(decode(der, readRoot(der))).toEqual(t);
      }),
    );
  });

  it('never throws anything but DerError on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          const walk = (n: ReturnType<typeof readRoot>): void => {
            if (n.constructed) for (const c of children(b, n)) walk(c);
          };
          walk(readRoot(b));
        } catch (e) {
          expect(e).toBeInstanceOf(DerError);
        }
      }),
    );
  });
});
