// The hand-written fast path of the daticert schema (schema-check.ts) against the zod schema it
// stands in for, and the reader using it against the reader using the schema alone and against
// expectations built into the generated mutations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbDaticert } from '../../test/helpers/daticert-arbitrary.js';
import { PecError } from '../errors.js';
import { dataToUtc } from './date.js';
import {
  buildDaticert,
  type Daticert,
  DaticertSchema,
  type DaticertWarningCode,
  parseDaticert,
} from './index.js';
import { type ParsedDaticert, readDaticert } from './parse.js';
import { satisfiesDaticertSchema } from './schema-check.js';

const SEED = 20261203;

// Values each field may be set to: near misses of every rule of the schema.
const TRICKY: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  ' x',
  'x ',
  '\tx',
  'x\n',
  'x\r',
  'a\u0001b',
  'a\u0000',
  '\uD800',
  'a\uDC00b',
  '\uFFFE',
  'x\uFFFF',
  '😀',
  '\u00a0x\u00a0',
  '\u{10FF01}',
  0,
  1,
  true,
  {},
  [],
  ['x'],
  'accettazione',
  'avvenuta-consegna',
  'nessuno',
  'virus',
  'breve',
  'completa',
  'esterno',
  'certificato',
  'ACCETTAZIONE',
  'accettazione ',
  '13/11/2018',
  '31/02/2020',
  '29/02/2020',
  '29/02/2021',
  '29/02/1900',
  '29/02/2000',
  '00/01/2020',
  '01/13/2020',
  '01/00/2020',
  '1/1/2020',
  '01/01/0000',
  '31/12/9999',
  '16:39:27',
  '00:00:00',
  '23:59:59',
  '24:00:00',
  '23:59:60',
  '+0100',
  '-0100',
  '-2359',
  '+2359',
  '+2400',
  '0100',
  '+01:00',
  '2018-11-13T15:39:27Z',
  '9999-12-31T23:59:59Z',
  '2018-11-13T15:39:27',
];
const tricky = fc.constantFrom(...TRICKY);
const KEYS = Object.keys(DaticertSchema.def.shape);

type Mutation =
  | { op: 'set' | 'setData' | 'setDest' | 'pushRicezione'; key: number; value: unknown; resync: boolean }
  | { op: 'delete' | 'deleteData' | 'extra' | 'extraData' | 'extraDest' | 'noDest'; key: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('set' as const, 'setData' as const, 'setDest' as const, 'pushRicezione' as const),
    key: fc.nat(),
    value: tricky,
    resync: fc.boolean(),
  }),
  fc.record({
    op: fc.constantFrom(
      'delete' as const,
      'deleteData' as const,
      'extra' as const,
      'extraData' as const,
      'extraDest' as const,
      'noDest' as const,
    ),
    key: fc.nat(),
  }),
);

/** A deep copy of `d` with the mutations applied (plain objects and arrays only). */
function mutate(d: Daticert, ms: readonly Mutation[]): Record<string, unknown> {
  // In the schema's key order (the generator's differs), so the JSON comparison below also checks order.
  const copy = JSON.parse(JSON.stringify(d)) as Record<string, unknown>;
  const o: Record<string, unknown> = {};
  for (const k of KEYS) o[k] = copy[k];
  for (const m of ms) {
    const data = o.data as Record<string, unknown> | undefined;
    const dest = o.destinatari as Record<string, unknown>[] | undefined;
    const dataKey = (['giorno', 'ora', 'zona'] as const)[m.key % 3]!;
    switch (m.op) {
      case 'set':
        o[KEYS[m.key % KEYS.length]!] = m.value;
        break;
      case 'setData':
        if (typeof data === 'object' && data !== null) {
          data[dataKey] = m.value;
          // Keep dataUtc in step half of the time, so the date rules themselves are reached.
          if (
            m.resync &&
            typeof data.giorno === 'string' &&
            typeof data.ora === 'string' &&
            typeof data.zona === 'string'
          )
            o.dataUtc = dataToUtc(data.giorno, data.ora, data.zona) ?? o.dataUtc;
        }
        break;
      case 'setDest':
        if (Array.isArray(dest) && dest.length > 0 && typeof dest[0] === 'object' && dest[0] !== null)
          dest[m.key % dest.length]![m.key % 2 === 0 ? 'address' : 'tipo'] = m.value;
        break;
      case 'pushRicezione':
        if (Array.isArray(o.ricezione)) o.ricezione.push(m.value);
        break;
      case 'delete':
        delete o[KEYS[m.key % KEYS.length]!];
        break;
      case 'deleteData':
        if (typeof data === 'object' && data !== null) delete data[dataKey];
        break;
      case 'extra':
        o[m.key % 2 === 0 ? 'extra' : 'dataUTC'] = 'x';
        break;
      case 'extraData':
        if (typeof data === 'object' && data !== null) data.tz = '+0100';
        break;
      case 'extraDest':
        if (Array.isArray(dest) && typeof dest[0] === 'object' && dest[0] !== null) dest[0].note = 'x';
        break;
      case 'noDest':
        o.destinatari = [];
        break;
    }
  }
  return o;
}

/** True when every object of `v` lists its keys in the schema's order (as parseDaticert builds them). */
function inSchemaOrder(v: Record<string, unknown>): boolean {
  const order = (o: unknown, keys: readonly string[]): boolean =>
    Object.keys(o as object).join() === keys.join();
  return (
    order(v, KEYS) &&
    order(v.data, ['giorno', 'ora', 'zona']) &&
    (v.destinatari as unknown[]).every((r) => order(r, ['address', 'tipo']))
  );
}

describe('satisfiesDaticertSchema against DaticertSchema (fast-check)', () => {
  it('accepts exactly what the schema accepts, for plain data, and the schema returns it unchanged', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(arbDaticert, fc.array(mutation, { maxLength: 3 }), (d, ms) => {
        const value = mutate(d, ms);
        const zod = DaticertSchema.safeParse(value);
        const fast = satisfiesDaticertSchema(value);
        expect(fast).toBe(zod.success);
        if (zod.success) {
          accepted++;
          expect(zod.data).toStrictEqual(value);
          // The schema writes its keys in its own order; parseDaticert builds them in that order.
          if (inSchemaOrder(value)) expect(JSON.stringify(zod.data)).toBe(JSON.stringify(value));
        } else refused++;
      }),
      { seed: SEED, numRuns: 4000 },
    );
    // Both answers must be common, or the comparison proves little.
    expect(accepted).toBeGreaterThan(800);
    expect(refused).toBeGreaterThan(800);
  });

  it('never accepts what the schema refuses, whatever the containers (it may refuse more)', () => {
    const containers: ((d: Daticert) => unknown)[] = [
      (d) => Object.assign(Object.create(null), d),
      (d) => ({ ...d, data: Object.assign(Object.create(null), d.data) }),
      (d) => Object.assign(Object.create({ extra: 'inherited' }), d),
      (d) => Object.assign(new (class Daticert {})(), d),
      (d) => ({ ...d, destinatari: Object.assign([], d.destinatari, { extra: 1 }) }),
      (d) => ({ ...d, ricezione: new Array(2) }),
      (d) => [d],
      () => null,
      () => 'daticert',
    ];
    fc.assert(
      fc.property(arbDaticert, fc.nat({ max: containers.length - 1 }), (d, k) => {
        const value = containers[k]!(d);
        if (satisfiesDaticertSchema(value)) expect(DaticertSchema.safeParse(value).success).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

// ---- The reader: built daticerts, mutated as text ----

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

type Outcome = { ok: ParsedDaticert } | { err: { code: string; message: string; details: unknown } };

function outcome(f: () => ParsedDaticert): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (!(e instanceof PecError)) throw e;
    return { err: { code: e.code, message: e.message, details: e.details } };
  }
}

const SNIPPETS = [
  '<x-unknown>v</x-unknown>',
  ' foo="1"',
  '\u0001',
  '&#18;',
  '&#x1F;',
  '&#xFFFE;',
  '<!-- c -->',
  '<?pi x?>',
  '<![CDATA[ c ]]>',
  '&amp;',
  '<',
  '>',
  '&',
  '"',
  '  ',
  '\r\n',
  'stray',
  '<msgid><a@b.it></msgid>',
  '<ricevuta tipo="breve"/>',
  '<ricezione> r@x.it </ricezione>',
  '<destinatari tipo="esterno">e@x.it</destinatari>',
  '<destinatari>d@x.it</destinatari>',
  '<giorno>31/02/2020</giorno>',
  '<ora>24:00:00</ora>',
  ' zona="-2359"',
  ' tipo="nessuno"',
  ' errore="virus"',
  'xmlns:a="urn:a"',
  '<!DOCTYPE x>',
  '\u{10FF00}',
  'é',
];

const textMutation = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), snippet: fc.constantFrom(...SNIPPETS) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
  fc.record({ op: fc.constant('dropLine' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swapLines' as const), at: fc.nat() }),
);

function applyText(s: string, m: TextMutation): string {
  const lines = s.split('\r\n');
  switch (m.op) {
    case 'insert': {
      const at = m.at % (s.length + 1);
      return s.slice(0, at) + m.snippet + s.slice(at);
    }
    case 'delete': {
      const at = m.at % (s.length + 1);
      return s.slice(0, at) + s.slice(at + m.length);
    }
    case 'dropLine':
      lines.splice(1 + (m.at % (lines.length - 1)), 1);
      return lines.join('\r\n');
    case 'swapLines': {
      const i = 2 + (m.at % (lines.length - 4));
      [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      return lines.join('\r\n');
    }
  }
}
type TextMutation =
  | { op: 'insert'; at: number; snippet: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'dropLine' | 'swapLines'; at: number };

describe('readDaticert with the fast path against the schema alone (fast-check)', () => {
  it('gives the same data, warnings and errors for built and mutated daticerts', () => {
    const seen = { ok: 0, invalid: 0, other: 0 };
    fc.assert(
      fc.property(arbDaticert, fc.array(textMutation, { maxLength: 3 }), (d, ms) => {
        let xml = dec(buildDaticert(d));
        for (const m of ms) xml = applyText(xml, m);
        const bytes = enc(xml);
        const fast = outcome(() => readDaticert(bytes, satisfiesDaticertSchema));
        const schema = outcome(() => readDaticert(bytes, (_v): _v is Daticert => false));
        expect(fast).toStrictEqual(schema);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(schema));
        // The public entry point is the fast one.
        expect(outcome(() => parseDaticert(bytes))).toStrictEqual(fast);
        if ('ok' in fast) seen.ok++;
        else if (fast.err.code === 'DATICERT_INVALID') seen.invalid++;
        else seen.other++;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.invalid).toBeGreaterThan(30);
    expect(seen.other).toBeGreaterThan(30);
  });
});

// ---- The reader against expectations that come with each mutation ----

/** Edits of a built daticert whose effect on the result is known in advance. */
const KNOWN: {
  name: string;
  edit: (xml: string, d: Daticert) => string;
  expect: (d: Daticert) => { daticert?: Daticert; warnings?: DaticertWarningCode[]; invalid?: string[] };
}[] = [
  {
    name: 'an unknown element in <dati>',
    edit: (x) => x.replace('<dati>', '<dati><x-unknown>v</x-unknown>'),
    expect: (d) => ({ daticert: d, warnings: ['DATICERT_UNKNOWN_ELEMENT'] }),
  },
  {
    name: 'an unknown attribute on <intestazione>',
    edit: (x) => x.replace('<intestazione>', '<intestazione foo="1">'),
    expect: (d) => ({ daticert: d, warnings: ['DATICERT_UNKNOWN_ATTRIBUTE'] }),
  },
  {
    name: 'a namespace declaration on the root',
    edit: (x) => x.replace('<postacert ', '<postacert xmlns:a="urn:a" '),
    expect: (d) => ({ daticert: d, warnings: [] }),
  },
  {
    name: 'stray text in <intestazione>',
    edit: (x) => x.replace('<intestazione>', '<intestazione>stray'),
    expect: (d) => ({ daticert: d, warnings: ['DATICERT_STRAY_TEXT'] }),
  },
  {
    name: 'identificativo moved before gestore-emittente',
    edit: (x) => {
      const m = /\r\n {8}<identificativo>.*?<\/identificativo>/s.exec(x)!;
      return x.replace(m[0], '').replace('<dati>', `<dati>${m[0]}`);
    },
    expect: (d) => ({ daticert: d, warnings: ['DATICERT_ELEMENT_ORDER'] }),
  },
  {
    name: 'a second <mittente>',
    edit: (x) => x.replace('</intestazione>', '<mittente>other@x.it</mittente></intestazione>'),
    expect: (d) => ({ daticert: d, warnings: ['DATICERT_DUPLICATE_ELEMENT'] }),
  },
  {
    name: 'a control character at the start of identificativo',
    edit: (x) => x.replace('<identificativo>', '<identificativo>\u0001'),
    expect: (d) => ({
      daticert: { ...d, identificativo: `\u0001${d.identificativo}` },
      warnings: ['DATICERT_CONTROL_CHARS'],
    }),
  },
  {
    name: 'a character reference to U+0012 at the end of mittente',
    edit: (x) => x.replace('</mittente>', '&#18;</mittente>'),
    expect: (d) => ({
      daticert: { ...d, mittente: `${d.mittente}\u0012` },
      warnings: ['DATICERT_CONTROL_CHARS'],
    }),
  },
  {
    name: 'no <risposte>',
    edit: (x) => x.replace(/\r\n {8}<risposte>.*?<\/risposte>/s, ''),
    expect: (d) => ({ daticert: { ...d, risposte: null }, warnings: ['DATICERT_MISSING_ELEMENT'] }),
  },
  {
    name: 'no <errore> attribute (the DTD default)',
    edit: (x) => x.replace(/ errore="[a-z-]+"/, ''),
    expect: (d) => ({ daticert: { ...d, errore: 'nessuno' }, warnings: [] }),
  },
  {
    name: 'a day that does not exist',
    edit: (x) => x.replace(/<giorno>.*?<\/giorno>/, '<giorno>31/04/2020</giorno>'),
    expect: () => ({ invalid: ['data.giorno'] }),
  },
  {
    name: 'an hour past 23',
    edit: (x) => x.replace(/<ora>.*?<\/ora>/, '<ora>24:00:00</ora>'),
    expect: () => ({ invalid: ['data.ora'] }),
  },
  {
    name: 'an unknown tipo',
    edit: (x) => x.replace(/<postacert tipo="[a-z-]+"/, '<postacert tipo="ricevuta"'),
    expect: () => ({ invalid: ['tipo'] }),
  },
  {
    name: 'no <destinatari>',
    edit: (x) => x.replace(/\r\n {8}<destinatari [^>]*>.*?<\/destinatari>/gs, ''),
    expect: () => ({ invalid: ['destinatari'] }),
  },
  {
    name: 'an empty identificativo',
    edit: (x) => x.replace(/<identificativo>.*?<\/identificativo>/s, '<identificativo> </identificativo>'),
    expect: () => ({ invalid: ['identificativo'] }),
  },
  {
    name: 'the last instant of 9999 at a negative zone',
    edit: (x) =>
      x
        .replace(/<giorno>.*?<\/giorno>/, '<giorno>31/12/9999</giorno>')
        .replace(/<ora>.*?<\/ora>/, '<ora>23:59:59</ora>')
        .replace(/zona="[^"]*"/, 'zona="-0100"'),
    expect: () => ({ invalid: ['data'] }),
  },
];

describe('readDaticert against expectations built into the mutation (fast-check)', () => {
  for (const k of KNOWN) {
    it(k.name, () => {
      fc.assert(
        fc.property(arbDaticert, (d) => {
          const bytes = enc(k.edit(dec(buildDaticert(d)), d));
          const want = k.expect(d);
          const got = outcome(() => parseDaticert(bytes));
          if (want.invalid) {
            expect('err' in got && got.err.code).toBe('DATICERT_INVALID');
            const issues = (
              'err' in got ? (got.err.details as { issues: { path: string }[] }).issues : []
            ).map((i) => i.path);
            expect(issues).toEqual(want.invalid);
          } else {
            expect('ok' in got).toBe(true);
            if (!('ok' in got)) return;
            expect(got.ok.daticert).toStrictEqual(want.daticert);
            expect(got.ok.warnings.map((w) => w.code)).toEqual(want.warnings);
          }
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
  }
});
