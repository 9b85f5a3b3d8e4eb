// Property tests (fast-check, pinned seed: FC_SEED=… to explore, the seed is printed on failure).
// 1. parsePec throws nothing but PecError, and verifyPec never rejects, on mutated, truncated and
//    spliced real-like messages (synthetic ones, plus the small real corpus files when present);
// 2. any byte change in the signed region makes the signature fail;
// 3. toCRLF is the reference canonicalisation, idempotent, the identity on canonical bytes;
// 4. base64 round-trips, whatever the line breaks, and agrees with Node's decoder;
// 5. the multipart reader never loses or adds a byte; splitSigned returns exactly what was signed.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasBareLineBreaks, toCRLF } from '../src/bytes.js';
import { PecError } from '../src/errors.js';
import { resolveLimits } from '../src/limits.js';
import { decodeBase64, encodeBase64, encodeBase64Lines } from '../src/mime/base64.js';
import { readMime, splitMultipart } from '../src/mime/read.js';
import { splitSigned } from '../src/mime/signed.js';
import { writeEntity, writeMultipartSigned } from '../src/mime/write.js';
import { parsePec } from '../src/reading/parse.js';
import { createVerifier } from '../src/verify/verify.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { enc, latin1, type Synthetic, signEntity, syntheticPec, TEST_TRUST } from './helpers/synthetic.js';

const SEED = Number(process.env.FC_SEED ?? 20261123);
fc.configureGlobal({ seed: SEED, numRuns: 200, endOnFailure: true });

const verify = createVerifier({ trust: TEST_TRUST() });

let messages: Uint8Array[] = [];
let receipt: Synthetic;
let envelope: Synthetic;

beforeAll(async () => {
  receipt = await syntheticPec({ kind: 'accettazione' });
  envelope = await syntheticPec({ kind: 'posta-certificata' });
  const delivery = await syntheticPec({ kind: 'avvenuta-consegna' });
  messages = [receipt.bytes, envelope.bytes, delivery.bytes];
  // Real provider quirks too, read in place (never copied): the small ones keep runs fast.
  if (HAVE_CORPUS)
    for (const e of EXPECTED) if ((e.bytes as number) < 15_000) messages.push(corpusBytes(e.file));
});

// --- 1. mutations ---------------------------------------------------------------------------

/** Fragments that steer mutations towards the interesting places of a PEC message. */
const TOKENS = [
  '\r\n--outer-boundary-0001\r\n',
  '\r\n--outer-boundary-0001--\r\n',
  '\r\n--inner-boundary-0001\r\n',
  '--',
  '\r\n\r\n',
  '\n',
  '\r',
  '\0',
  'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=x\r\n',
  'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\n',
  'Content-Type: message/rfc822\r\n\r\n',
  'Content-Transfer-Encoding: base64\r\n',
  'Content-Transfer-Encoding: quoted-printable\r\n',
  'Content-Disposition: inline; filename="daticert.xml"\r\n',
  'X-Ricevuta: avvenuta-consegna\r\n',
  'X-Trasporto: posta-certificata\r\n',
  '=?utf-8?B?w6g=?=',
  '=?utf-7?Q?+AOg-?=',
  "name*0*=utf-8''%E2%82; name*1=x",
  '<!DOCTYPE postacert [<!ENTITY a "b">]>',
  '<postacert tipo="accettazione" errore="nessuno">',
  '=\r\n',
  '====',
];

type Op =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; xor: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'token'; at: number; token: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'splice'; at: number; from: number; length: number; other: number }
  | { op: 'eol'; to: 'lf' | 'cr' | 'crlf' };

const position = fc.nat({ max: 1 << 20 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('flip' as const), at: position, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ maxLength: 48 }) }),
  fc.record({ op: fc.constant('token' as const), at: position, token: fc.constantFrom(...TOKENS) }),
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.nat({ max: 600 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: position, length: fc.nat({ max: 600 }) }),
  fc.record({
    op: fc.constant('splice' as const),
    at: position,
    from: position,
    length: fc.nat({ max: 2000 }),
    other: fc.nat({ max: 64 }),
  }),
  fc.record({
    op: fc.constant('eol' as const),
    to: fc.constantFrom('lf' as const, 'cr' as const, 'crlf' as const),
  }),
);

function apply(base: Uint8Array, ops: readonly Op[]): Uint8Array {
  let b = base;
  const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
  for (const o of ops) {
    const at = b.length === 0 ? 0 : 'at' in o ? o.at % (b.length + 1) : 0;
    switch (o.op) {
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'flip':
        if (b.length > 0) {
          b = b.slice();
          b[at % b.length]! ^= o.xor;
        }
        break;
      case 'insert':
        b = cat(b.subarray(0, at), o.bytes, b.subarray(at));
        break;
      case 'token':
        b = cat(b.subarray(0, at), enc(o.token), b.subarray(at));
        break;
      case 'delete':
        b = cat(b.subarray(0, at), b.subarray(at + o.length));
        break;
      case 'duplicate':
        b = cat(b.subarray(0, at + o.length), b.subarray(at));
        break;
      case 'splice': {
        const other = messages[o.other % messages.length]!;
        const from = o.from % (other.length + 1);
        b = cat(b.subarray(0, at), other.subarray(from, from + o.length), b.subarray(at));
        break;
      }
      case 'eol': {
        const text = latin1(b).replace(/\r\n|\r|\n/g, o.to === 'lf' ? '\n' : o.to === 'cr' ? '\r' : '\r\n');
        b = enc(text);
        break;
      }
    }
  }
  return b;
}

const mutated = fc
  .record({ base: fc.nat({ max: 64 }), ops: fc.array(opArb, { minLength: 1, maxLength: 6 }) })
  .map(({ base, ops }) => apply(messages[base % messages.length]!, ops));

describe('mutated, truncated and spliced messages', () => {
  it('parsePec throws nothing but PecError', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        try {
          const pec = parsePec(bytes);
          expect(typeof pec.kind).toBe('string');
        } catch (e) {
          if (!(e instanceof PecError)) throw e;
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('verifyPec never rejects, and every report serialises', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (bytes) => {
        const report = await verify(bytes);
        expect(typeof report.valid).toBe('boolean');
        JSON.stringify(report);
      }),
      { numRuns: 300 },
    );
  });

  it('parsePec is deterministic (same bytes, same result)', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        const run = () => {
          try {
            const p = parsePec(bytes);
            return JSON.stringify([p.kind, p.daticert, p.issues, p.headers]);
          } catch (e) {
            return `throws ${(e as PecError).code}`;
          }
        };
        expect(run()).toBe(run());
      }),
      { numRuns: 300 },
    );
  });
});

// --- 2. the signed region ---------------------------------------------------------------------

describe('signed region', () => {
  it('any single-byte change inside the signed bytes makes signature.intact !== true', async () => {
    const cases = [receipt, envelope].map((s) => {
      const parts = splitSigned(s.bytes as never, resolveLimits());
      return { bytes: s.bytes, start: parts.signedOffset, length: parts.signed.length };
    });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        async (which, where, xor) => {
          const c = cases[which]!;
          const copy = c.bytes.slice();
          copy[c.start + Math.floor(where * c.length)]! ^= xor;
          const report = await verify(copy);
          expect(report.signature.intact).not.toBe(true);
          expect(report.valid).toBe(false);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('splitSigned returns exactly the entity that was signed, whatever its content and boundary', async () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', '-', ' ', '\n', '\r\n', 'è', '='),
      maxLength: 200,
    });
    const boundary = fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,40}$/);
    await fc.assert(
      fc.asyncProperty(text, boundary, async (t, outer) => {
        const entity = writeEntity({
          kind: 'text',
          text: t,
          charset: 'utf-8',
          headers: [['MIME-Version', '1.0']],
        });
        const der = await signEntity(entity);
        let bytes: Uint8Array;
        try {
          bytes = writeMultipartSigned({
            signedEntity: entity,
            signature: der,
            protocol: 'application/pkcs7-signature',
            micalg: 'sha-256',
            outerHeaders: [['From', 'posta-certificata@pec.example.it']],
            boundary: outer,
          });
        } catch (e) {
          // The writer refuses a boundary that occurs in the content: nothing to check then.
          expect((e as PecError).code).toBe('INVALID_ARGUMENT');
          return;
        }
        const parts = splitSigned(bytes as never, resolveLimits());
        expect(latin1(parts.signed)).toBe(latin1(entity));
        expect((await verify(bytes)).signature.intact).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

// --- 3. canonicalisation ----------------------------------------------------------------------

describe('toCRLF', () => {
  const withBreaks = fc.uint8Array({ maxLength: 300 }).chain((raw) =>
    fc.array(fc.constantFrom(0x0d, 0x0a, 0x41), { maxLength: 40 }).map((extra) => {
      const out = Array.from(raw);
      for (const [i, c] of extra.entries()) out.splice((i * 7919) % (out.length + 1), 0, c);
      return Uint8Array.from(out);
    }),
  );
  const reference = (b: Uint8Array): string => latin1(b).replace(/\r\n|\r|\n/g, '\r\n');

  it('equals the reference (every CR, LF or CRLF becomes CRLF)', () => {
    fc.assert(
      fc.property(withBreaks, (b) => {
        expect(latin1(toCRLF(b))).toBe(reference(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent and leaves no bare line break', () => {
    fc.assert(
      fc.property(withBreaks, (b) => {
        const once = toCRLF(b);
        expect(hasBareLineBreaks(once)).toBe(false);
        expect(latin1(toCRLF(once))).toBe(latin1(once));
      }),
      { numRuns: 1000 },
    );
  });

  it('returns the very bytes when there is no bare CR or LF', () => {
    fc.assert(
      fc.property(withBreaks, (b) => {
        const canonical = enc(reference(b));
        expect(hasBareLineBreaks(canonical)).toBe(false);
        expect(toCRLF(canonical)).toBe(canonical);
        if (!hasBareLineBreaks(b)) expect(toCRLF(b)).toBe(b);
      }),
      { numRuns: 1000 },
    );
  });
});

// --- 4. base64 --------------------------------------------------------------------------------

describe('base64', () => {
  it('decode(encode(x)) = x, at any line length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 4, max: 200 }), (data, width) => {
        expect(Buffer.from(decodeBase64(encodeBase64Lines(data, width)))).toEqual(Buffer.from(data));
        expect(encodeBase64(data)).toBe(Buffer.from(data).toString('base64'));
      }),
      { numRuns: 1000 },
    );
  });

  it('whitespace anywhere is ignored; the result agrees with Node', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\t', '\r\n', '\n')), { maxLength: 30 }),
        (data, spaces) => {
          const chars = encodeBase64(data).split('');
          for (const [at, s] of spaces) chars.splice(at % (chars.length + 1), 0, s);
          const text = enc(chars.join(''));
          expect(Buffer.from(decodeBase64(text))).toEqual(Buffer.from(data));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('strict decoding of arbitrary text returns bytes or throws BASE64_INVALID, never anything else', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ABCDxyz019+/=-_ \r\n*\0'.split('')), maxLength: 80 });
    fc.assert(
      fc.property(text, (t) => {
        const bytes = enc(t);
        try {
          const out = decodeBase64(bytes);
          // Accepted text is base64 Node reads the same way (Node is lenient, so compare that way only).
          expect(Buffer.from(out)).toEqual(Buffer.from(t.replace(/[\s]/g, ''), 'base64'));
        } catch (e) {
          expect((e as PecError).code).toBe('BASE64_INVALID');
        }
        decodeBase64(bytes, false); // lenient decoding never throws
      }),
      { numRuns: 1000 },
    );
  });
});

// --- 5. the multipart reader ------------------------------------------------------------------

describe('multipart reader', () => {
  const partText = fc.string({
    unit: fc.constantFrom('a', 'Z', '-', '--', ' ', ':', '\r\n', '\n', '\r', 'è', 'bnd', '--bnd-x', '--bndx'),
    maxLength: 120,
  });
  const body = fc.record({
    preamble: fc.string({ unit: fc.constantFrom('p', ' ', '\r\n', '-'), maxLength: 30 }),
    parts: fc.array(partText, { minLength: 1, maxLength: 8 }),
    epilogue: fc.string({ unit: fc.constantFrom('e', ' ', '\r\n', '-'), maxLength: 30 }),
    eol: fc.constantFrom('\r\n', '\n'),
    padding: fc.constantFrom('', ' ', '\t '),
  });

  /**
   * True when no line of `text` is a delimiter line for `boundary` (RFC 2046 forbids that in a
   * part). Lines that merely start with it ("--bnd-x", "--bndx") are allowed and generated.
   */
  const free = (text: string, boundary: string): boolean =>
    !new RegExp(`(^|\n)--${boundary}(--)?[ \t]*(\r|\n|$)`).test(text);

  it('concatenating preamble, delimiters, parts and epilogue rebuilds the body byte for byte', () => {
    fc.assert(
      fc.property(body, ({ preamble, parts, epilogue, eol, padding }) => {
        const boundary = 'bnd';
        fc.pre(parts.every((p) => free(p, boundary)) && free(preamble, boundary));
        // A part ending in a bare CR would merge with the EOL of the delimiter line after it.
        fc.pre(parts.every((p) => !p.endsWith('\r')) && !preamble.endsWith('\r'));
        let text = preamble;
        for (const p of parts) text += `${eol}--${boundary}${padding}${eol}${p}`;
        text += `${eol}--${boundary}--${padding}${eol}${epilogue}`;
        const b = enc(text);
        const split = splitMultipart(b, 0, b.length, boundary, 100);
        expect(split.closed).toBe(true);
        expect(split.parts.map((r) => latin1(b.subarray(r.start, r.end)))).toEqual(parts);
        // Preamble, then for each part its delimiter line and its bytes, then the close line and
        // the epilogue: the pieces tile the body, and each gap is exactly one delimiter line.
        const preambleEnd = split.firstDelimiter - eol.length;
        expect(latin1(b.subarray(0, preambleEnd))).toBe(preamble);
        let rebuilt = latin1(b.subarray(0, preambleEnd));
        let at = preambleEnd;
        for (const r of split.parts) {
          expect(latin1(b.subarray(at, r.start))).toBe(`${eol}--${boundary}${padding}${eol}`);
          rebuilt += latin1(b.subarray(at, r.start)) + latin1(b.subarray(r.start, r.end));
          at = r.end;
        }
        expect(latin1(b.subarray(at))).toBe(`${eol}--${boundary}--${padding}${eol}${epilogue}`);
        rebuilt += latin1(b.subarray(at));
        expect(rebuilt).toBe(text);
      }),
      { numRuns: 800 },
    );
  });

  it('readMime keeps every child entity as the exact bytes of its part', () => {
    fc.assert(
      fc.property(body, ({ preamble, parts, epilogue, eol }) => {
        const boundary = 'bnd';
        fc.pre(parts.every((p) => free(p, boundary) && !p.endsWith('\r')) && free(preamble, boundary));
        let text = `Content-Type: multipart/mixed; boundary=${boundary}${eol}${eol}${preamble}`;
        for (const p of parts) text += `${eol}--${boundary}${eol}${p}`;
        text += `${eol}--${boundary}--${eol}${epilogue}`;
        const root = readMime(enc(text));
        expect(root.parts.map((p) => latin1(p.raw))).toEqual(parts);
      }),
      { numRuns: 800 },
    );
  });
});

describe('seed', () => {
  it('is pinned (set FC_SEED to explore others)', () => {
    expect(Number.isSafeInteger(SEED)).toBe(true);
  });
});
