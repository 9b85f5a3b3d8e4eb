// The fast paths of the MIME reader (issue 14) against references written independently of them:
// 1. decodeBase64's native path gives the bytes, or the error, of the portable decoder;
// 2. parseHeaderBlock equals the line-by-line reading of RFC 5322 it replaced (split(/\r?\n/), one
//    regex per name, every value decoded);
// 3. splitSigned with the header block already read equals splitSigned reading it;
// 4. walk lists the entities depth first, exactly as the recursive generator did;
// 5. parsePec's message objects keep their property order (they are no longer spread copies);
// 6. lastIndexOfAtLineStart finds what the line-by-line backward walk found;
// 7. address lists split, RFC 2047 "Q" words and charsets decode as before (slices instead of
//    per-character strings, no regex per "=", one TextDecoder per label).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bytes } from '../src/bytes.js';
import { isPecError } from '../src/errors.js';
import { type Limits, resolveLimits } from '../src/limits.js';
import { parseAddressList } from '../src/mime/address.js';
import {
  base64DecodedLength,
  decodeBase64,
  decodeBase64Portable,
  encodeBase64Lines,
} from '../src/mime/base64.js';
import { decodeCharset, decodeEncodedWords } from '../src/mime/encoded-words.js';
import { decodeValue, Headers, parseHeaderBlock, splitHeaderBody } from '../src/mime/headers.js';
import { parseContentType } from '../src/mime/params.js';
import { lastIndexOfAtLineStart, type MimeEntity, readMime, walk } from '../src/mime/read.js';
import { splitSigned } from '../src/mime/signed.js';
import { decodeQuotedPrintable } from '../src/mime/transfer.js';
import { parsePec } from '../src/reading/parse.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { enc, syntheticPec } from './helpers/synthetic.js';

const SEED = Number(process.env.FC_SEED ?? 20261203);
fc.configureGlobal({ seed: SEED, numRuns: 300, endOnFailure: true });

const MALFORMED = resolve(import.meta.dirname, '../fixtures/malformed');
const malformed = readdirSync(MALFORMED)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => new Uint8Array(readFileSync(resolve(MALFORMED, f))) as Bytes);
let messages: Bytes[] = [];

beforeAll(async () => {
  messages = [...malformed];
  for (const kind of ['accettazione', 'posta-certificata', 'avvenuta-consegna'] as const)
    messages.push((await syntheticPec({ kind })).bytes as Bytes);
  if (HAVE_CORPUS) for (const e of EXPECTED) messages.push(corpusBytes(e.file) as Bytes);
});

/** The outcome of `f`: its value, or the code and message of the PecError it threw. */
function outcome<T>(f: () => T): { value: T } | { code: string; message: string } {
  try {
    return { value: f() };
  } catch (e) {
    if (!isPecError(e)) throw e;
    return { code: e.code, message: e.message };
  }
}

/** Text from fragments, as latin1 bytes. */
const fragments = (list: string[], max: number): fc.Arbitrary<Uint8Array> =>
  fc.array(fc.constantFrom(...list), { maxLength: max }).map((a) => enc(a.join('')));

describe('decodeBase64: the native path reads what the portable decoder reads', () => {
  const valid = encodeBase64Lines(Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff));
  const pieces = ['QUJD', 'A', 'z', '+', '/', '0', '=', '==', '\r\n', '\n', '\r', ' ', '\t'];
  const hostile = [...pieces, '-', '_', '\f', '\v', '\x00', '\x80', '\xff', '.', '=A'];

  it('agrees on text long enough for the native path, valid or not', () => {
    fc.assert(
      fc.property(fc.boolean(), fragments(hostile, 80), fragments(pieces, 40), (head, mid, tail) => {
        const text = enc(
          (head ? String.fromCharCode(...valid) : 'QUJD'.repeat(70)) + String.fromCharCode(...mid, ...tail),
        );
        expect(text.length).toBeGreaterThanOrEqual(256);
        expect(outcome(() => decodeBase64(text))).toEqual(outcome(() => decodeBase64Portable(text)));
        // The validity check the native path relies on is the portable decoder's verdict.
        const n = base64DecodedLength(text);
        const portable = outcome(() => decodeBase64Portable(text));
        expect(n >= 0).toBe('value' in portable);
        if ('value' in portable) expect(n).toBe(portable.value.length);
      }),
    );
  });

  it('decodes any bytes encoded in any line length, and returns a plain Uint8Array of its own', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 190, maxLength: 2000 }),
        fc.integer({ min: 1, max: 120 }),
        (data, line) => {
          const text = encodeBase64Lines(data, line);
          const out = decodeBase64(text);
          expect(out).toEqual(data);
          expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
          expect(out.byteOffset).toBe(0);
          expect(out.buffer.byteLength).toBe(out.length);
        },
      ),
    );
  });

  it('the lenient mode is the portable one', () => {
    const text = enc(`${'QUJD'.repeat(70)}-_!QUJD`);
    expect(decodeBase64(text, false)).toEqual(decodeBase64Portable(text, false));
    expect(() => decodeBase64(text)).toThrow(/invalid base64 character 0x2d at offset 280/);
  });
});

/** The header reading parseHeaderBlock replaced, expressed with the regexes it avoids. */
function referenceHeaders(text: string, limits: Limits): { name: string; raw: string; value: string }[] {
  if (text.length > limits.maxHeaderBytes)
    throw new Error(`header block (${text.length}) exceeds maxHeaderBytes (${limits.maxHeaderBytes})`);
  const pieces = text.split('\n');
  const lines = pieces.map((l, i) => (i < pieces.length - 1 ? l.replace(/\r$/, '') : l));
  const out: { name: string; value: string }[] = [];
  let current: { name: string; value: string } | null = null;
  for (const line of lines) {
    if (line.length > limits.maxLineBytes)
      throw new Error(`header line (${line.length}) exceeds maxLineBytes (${limits.maxLineBytes})`);
    if (line === '' || line === '\r') continue;
    if (/^[ \t]/.test(line) && current) {
      current.value += line.replace(/\r$/, '');
      continue;
    }
    if (current) out.push(current);
    current = null;
    const m = /^([^:]+):([\s\S]*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.trimEnd();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    current = { name, value: m[2]!.replace(/\r$/, '') };
  }
  if (current) out.push(current);
  return out.map((f) => ({ name: f.name, raw: f.value.trim(), value: decodeValue(f.value.trim()) }));
}

describe('parseHeaderBlock: the fields of the line-by-line reading', () => {
  const header = [
    'From',
    'Subject',
    'x-ricevuta',
    'A b',
    ':',
    ': ',
    ' ',
    '\t',
    '\r',
    '\n',
    '\r\n',
    '\r\r\n',
    '\n ',
    '\r\n\t',
    'a',
    'posta-certificata@pec.example.it',
    '=?utf-8?B?w6g=?=',
    '=?iso-8859-1?Q?caf=E9?=',
    '=?',
    '?=',
    '\xe8',
    '\xc3\xa8',
    '\xa0',
    '\x00',
    ';',
    '"',
    '(',
  ];
  const latin = (b: Uint8Array, from: number, to: number): string =>
    String.fromCharCode(...b.subarray(from, to));

  it('reads every block, anywhere in a buffer, as the reference does', () => {
    fc.assert(
      fc.property(fragments(header, 60), fc.nat(3), fc.nat(3), (block, pre, post) => {
        const b = new Uint8Array(pre + block.length + post).fill(0x41);
        b.set(block, pre);
        const limits = resolveLimits();
        const got = parseHeaderBlock(b, pre, pre + block.length, limits).fields;
        expect(got).toEqual(referenceHeaders(latin(b, pre, pre + block.length), limits));
      }),
    );
  });

  it('stops on the same line limit', () => {
    fc.assert(
      fc.property(fragments(header, 40), fc.integer({ min: 1, max: 12 }), (block, maxLineBytes) => {
        const limits = resolveLimits({ maxLineBytes });
        let want: unknown;
        try {
          want = { value: referenceHeaders(latin(block, 0, block.length), limits) };
        } catch (e) {
          want = { code: 'LIMIT_EXCEEDED', message: (e as Error).message };
        }
        expect(outcome(() => parseHeaderBlock(block, 0, block.length, limits).fields)).toEqual(want);
      }),
    );
  });

  it('reads the header blocks of real and malformed messages as the reference does', () => {
    const limits = resolveLimits();
    let read = 0;
    for (const m of messages) {
      const split = splitHeaderBody(m);
      if (split.headerEnd > limits.maxHeaderBytes) continue; // a limit case, pinned above
      expect(parseHeaderBlock(m, 0, split.headerEnd, limits).fields).toEqual(
        referenceHeaders(latin(m, 0, split.headerEnd), limits),
      );
      read++;
    }
    expect(read).toBeGreaterThan(50);
  });

  it('a block of lines without a colon is read in linear time', () => {
    const block = enc('x\n'.repeat(200_000));
    const t = performance.now();
    expect(
      parseHeaderBlock(block, 0, block.length, resolveLimits({ maxHeaderBytes: 1 << 30 })).fields,
    ).toEqual([]);
    // Quadratic would be 2·10^10 character steps: minutes. Linear is milliseconds.
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});

/** `v` with each byte array replaced by where it lies in `m` (the parts are views, never copies). */
function ranges(m: Uint8Array, v: unknown): unknown {
  if (v instanceof Uint8Array)
    return { view: v.buffer === m.buffer, at: v.byteOffset - m.byteOffset, n: v.length };
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Map) return [...v].map((e) => ranges(m, e));
  if ('fields' in v) return (v as { fields: unknown }).fields;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ranges(m, x)]));
}

describe('splitSigned with the header block already read', () => {
  it('gives what splitSigned reading it gives, on every message', () => {
    const limits = resolveLimits();
    for (const m of messages) {
      const split = splitHeaderBody(m);
      if (split.headerEnd > limits.maxHeaderBytes) continue;
      const headers = parseHeaderBlock(m, 0, split.headerEnd, limits);
      const known = { split, headers, contentType: parseContentType(headers.get('content-type')) };
      expect(
        ranges(
          m,
          outcome(() => splitSigned(m, limits, 0, m.length, known)),
        ),
      ).toEqual(
        ranges(
          m,
          outcome(() => splitSigned(m, limits)),
        ),
      );
    }
  });
});

function* referenceWalk(entity: MimeEntity, intoMessages = true): Generator<MimeEntity> {
  yield entity;
  for (const p of entity.parts) yield* referenceWalk(p, intoMessages);
  if (intoMessages && entity.message) yield* referenceWalk(entity.message, intoMessages);
}

describe('walk', () => {
  it('lists the same entities in the same order as the recursive generator', () => {
    for (const m of messages) {
      const root = outcome(() => readMime(m));
      if (!('value' in root)) continue;
      for (const into of [true, false]) {
        const got = walk(root.value, into);
        const want = [...referenceWalk(root.value, into)];
        expect(got.length).toBe(want.length);
        for (let i = 0; i < got.length; i++) expect(got[i]).toBe(want[i]);
      }
    }
  });
});

describe('parsePec message objects', () => {
  const base = ['headers', 'rawHeaders', 'raw', 'signature', 'nested', 'location', 'issues'];
  const content = ['daticert', 'text', 'original'];
  it('keep their property order for every kind', async () => {
    // What is not mail at all (empty, a PDF…) is read by notAMessage, kind first, as always.
    const notMail = ['kind', ...base.slice(0, 4), ...content, ...base.slice(4)];
    const order = (kind: string, first: string): string[] =>
      first === 'kind'
        ? notMail
        : kind === 'non-pec'
          ? [...base, 'kind', ...content]
          : kind === 'posta-certificata'
            ? [...base, ...content, 'kind', 'ricevutaRichiesta']
            : kind === 'errore'
              ? [...base, ...content, 'kind']
              : [...base, ...content, 'kind', 'deliveryForm', 'hashes'];
    const seen = new Set<string>();
    for (const m of messages) {
      const pec = outcome(() => parsePec(m));
      if (!('value' in pec)) continue;
      seen.add(pec.value.kind);
      const keys = Object.keys(pec.value);
      expect(keys).toEqual(order(pec.value.kind, keys[0]!));
      const o = pec.value.original;
      if (o) expect(Object.keys(o).slice(-2)).toEqual(['xRiferimentoMessageId', 'xTipoRicevuta']);
    }
    expect(seen).toContain('non-pec');
    expect(seen).toContain('posta-certificata');
    expect(seen).toContain('accettazione');
  });
});

/** The address-list split parseAddressList used: one string per character, appended. */
function referenceSplit(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let angle = false;
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < value.length) cur += value[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === ',' && depth === 0 && !angle) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** RFC 2047 "Q" as it was decoded: a regex per "=". */
function referenceQ(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return out;
}

describe('address lists, Q words and charsets', () => {
  it('an address list splits into the items of the per-character split', () => {
    const pieces = [
      'a@b.it',
      ',',
      ' ',
      '"',
      '\\',
      '(',
      ')',
      '<',
      '>',
      ':',
      ';',
      'Per conto di',
      '=?utf-8?Q?x?=',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (a) => {
        const value = a.join('');
        // Each item of a top-level split starts at top level: read alone, it is the same item.
        expect(parseAddressList(value)).toEqual(
          referenceSplit(value).flatMap((item) => parseAddressList(item)),
        );
      }),
    );
  });

  it('"Q" text decodes to the bytes of the regex decoder', () => {
    const chars = ['=', '_', 'A', 'f', '0', '9', 'G', '=4', '=E8', '=e8', '=ZZ', 'é', '€', '*'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 30 }), (a) => {
        const text = a.join('');
        // An unknown charset shows the bytes one char each (decodeCharset's latin1 fallback).
        expect(decodeEncodedWords(`=?x-unknown?Q?${text}?=`)).toBe(String.fromCharCode(...referenceQ(text)));
      }),
    );
  });

  it('a decoder kept for its label reads each input as a new one would', () => {
    const inputs = [
      [0xef, 0xbb, 0xbf, 0x61],
      [0xe3, 0x81],
      [0x1b, 0x24, 0x42, 0x30, 0x21],
      [0xff, 0xfe, 0x61, 0],
      [0x82],
    ];
    for (const cs of ['utf-8', 'utf-16le', 'iso-2022-jp', 'shift_jis', 'windows-1252', 'ISO-8859-1 ', 'utf8'])
      for (const a of inputs)
        for (const b of inputs) {
          decodeCharset(Uint8Array.from(a), cs); // may leave a truncated sequence or a mode behind
          const label = cs.trim().toLowerCase() === 'utf8' ? 'utf-8' : cs.trim().toLowerCase();
          expect(decodeCharset(Uint8Array.from(b), cs)).toBe(
            new TextDecoder(label).decode(Uint8Array.from(b)),
          );
        }
    expect(decodeCharset(Uint8Array.from([0x41, 0xe8]), 'no-such-charset')).toBe('A\xe8');
  });
});

/** The backward delimiter search it replaced: every line start, from the last one back. */
function referenceLastAtLineStart(
  b: Uint8Array,
  needle: Uint8Array,
  from: number,
  floor: number,
  end: number,
): number {
  const stop = Math.min(end, b.length);
  for (
    let lf = b.lastIndexOf(0x0a, from - 1);
    lf !== -1 && from - 1 >= 0 && lf + 1 >= floor;
    lf = lf === 0 ? -1 : b.lastIndexOf(0x0a, lf - 1)
  ) {
    const i = lf + 1;
    if (i + needle.length <= stop && needle.every((x, j) => b[i + j] === x)) return i;
  }
  return -1;
}

describe('lastIndexOfAtLineStart', () => {
  it('finds the last line start holding the needle, as the line-by-line walk does', () => {
    const pieces = ['-', '--', '--b', '--b--', '--bb', 'b', 'Q', '\n', '\r\n', '\r', ' '];
    fc.assert(
      fc.property(
        fragments(pieces, 40),
        fc.constantFrom('--b', '-', '--bb', 'b'),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (b, needle, x, y, z) => {
          const len = b.length + 1;
          const [from, floor, end] = [x % len, y % len, z % (len + 2)];
          const n = enc(needle);
          expect(lastIndexOfAtLineStart(b, n, from, floor, end)).toBe(
            referenceLastAtLineStart(b, n, from, floor, end),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stays linear on a body of dashes and on dash lines', () => {
    const needle = enc(`--${'-'.repeat(5000)}x`);
    for (const body of [enc('-'.repeat(1 << 20)), enc('--\n'.repeat(1 << 18))]) {
      const t = performance.now();
      expect(lastIndexOfAtLineStart(body, needle, body.length, 0, body.length)).toBe(-1);
      expect(performance.now() - t).toBeLessThan(5_000);
    }
  });
});

/** Quoted-printable as it was decoded (reads past the end allowed). */
function referenceQp(input: Uint8Array): number[] {
  const hex = (c: number | undefined): number => {
    const h = c === undefined ? -1 : '0123456789ABCDEF'.indexOf(String.fromCharCode(c).toUpperCase());
    return c !== undefined && /[0-9A-Fa-f]/.test(String.fromCharCode(c)) ? h : -1;
  };
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== 0x3d) {
      out.push(c);
      continue;
    }
    let j = i + 1;
    while (input[j] === 0x20 || input[j] === 0x09) j++;
    if (input[j] === 0x0a) i = j;
    else if (input[j] === 0x0d && input[j + 1] === 0x0a) i = j + 1;
    else if (j >= input.length) i = j;
    else if (hex(input[i + 1]) >= 0 && hex(input[i + 2]) >= 0) {
      out.push((hex(input[i + 1]) << 4) | hex(input[i + 2]));
      i += 2;
    } else out.push(c);
  }
  return out;
}

describe('quoted-printable and header lookups', () => {
  it('quoted-printable decodes to the bytes of the reference', () => {
    const pieces = [
      '=',
      '=\r\n',
      '=\n',
      '= \t\r\n',
      '=E8',
      '=e8',
      '=4',
      '=G1',
      ' ',
      '\t',
      '\r',
      '\n',
      'a',
      '\xe8',
    ];
    fc.assert(
      fc.property(fragments(pieces, 40), (b) => {
        expect([...decodeQuotedPrintable(b)]).toEqual(referenceQp(b));
      }),
    );
  });

  it('Headers finds fields as a case-insensitive index of lists would', () => {
    const names = ['From', 'from', 'FROM', 'To', 'Content-Type', 'x-a', 'X-A'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...names), { maxLength: 12 }),
        fc.constantFrom(...names, 'absent'),
        (list, ask) => {
          const fields = list.map((name, i) => ({ name, raw: `v${i}`, value: `v${i}` }));
          const h = new Headers(fields);
          const want = fields.filter((f) => f.name.toLowerCase() === ask.toLowerCase());
          expect(h.getAll(ask)).toEqual(want);
          expect(h.field(ask)).toBe(want[0]);
          expect(h.get(ask)).toBe(want[0]?.value);
          expect(h.has(ask)).toBe(want.length > 0);
          if (want.length > 0) expect(h.getAll(ask)).toBe(h.getAll(ask.toUpperCase()));
        },
      ),
    );
  });
});
