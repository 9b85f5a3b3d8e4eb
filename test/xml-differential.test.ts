// The daticert XML reader (src/daticert/xml-tree.ts) against two real XML parsers, on the same
// bytes: libxml2 (xmllint) says whether a document is well-formed (parser and namespace errors
// both count: a browser's DOMParser, built on libxml2 in Chromium, refuses both), and expat
// (Python's pyexpat) says what the tree holds (names, attributes in order, the text of each
// element, the line of each start tag). Inputs: hand-picked edge cases and daticerts mutated with
// XML-ish tokens by a seeded generator, so a failure is reproducible.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseXmlTree, type XmlElement } from '../src/daticert/xml-tree.js';
import { isPecError } from '../src/errors.js';
import { seeded } from './helpers/random.js';

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
const hasExpat = spawnSync('python3', ['-c', 'import xml.parsers.expat']).status === 0;
if (!hasXmllint || !hasExpat)
  console.warn(
    `\n*** XML differential checks SKIPPED: ${hasXmllint ? '' : 'xmllint '}${hasExpat ? '' : 'python3 (expat) '}not found ***\n`,
  );

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const SEEDS = [
  `${DECL}<postacert tipo="avvenuta-consegna" errore="nessuno">
    <intestazione>
        <mittente>mario.rossi@pec.example.it</mittente>
        <destinatari tipo="certificato">anna.verdi@pec.example.it</destinatari>
        <risposte>mario.rossi@pec.example.it</risposte>
        <oggetto>Fattura n. 12 &amp; allegati: «saldo»</oggetto>
    </intestazione>
    <dati>
        <gestore-emittente>Gestore di prova</gestore-emittente>
        <data zona="+0100">
            <giorno>13/11/2018</giorno>
            <ora>16:39:27</ora>
        </data>
        <identificativo>opec210.20181113163927.12345.01.1.1@pec.example.it</identificativo>
        <msgid>&lt;A1B2C3@mail.example.it&gt;</msgid>
        <ricevuta tipo="completa"/>
        <consegna>anna.verdi@pec.example.it</consegna>
    </dati>
</postacert>
`,
  `${DECL}<!-- note --><?pi data?>
<r xmlns="urn:d" xmlns:p="urn:p" a='x&#x9;y' p:b="&quot;q&quot;" xml:lang="it">
 <p:e p:c="1" c="2">t&#233;&#x1F600;<![CDATA[<raw> & ]]]>after</p:e><e/>
 <e2 xmlns:p="urn:q">mixed<i>in</i>text</e2>
</r>
<!-- tail -->
`,
];

// Tokens the generator inserts: markup pieces, references good and bad, names, spaces, line ends.
const TOKENS = [
  '<',
  '>',
  '&',
  ';',
  '/',
  '=',
  '"',
  "'",
  '?',
  '!',
  '[',
  ']',
  ':',
  '-',
  '.',
  ' ',
  '\n',
  '\t',
  '\r',
  '\r\n',
  'a',
  '1',
  'é',
  '·',
  '\u0301',
  '\u00a0',
  '\u{1F600}',
  '\ufffe',
  '\u0007',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&#65;',
  '&#x41;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#x;',
  '&#12a;',
  '&foo;',
  '&nbsp;',
  '&constructor;',
  '&#00000065;',
  '&#x0D;',
  '<?',
  '?>',
  '<?x y?>',
  '<?xml v?>',
  '<!--',
  '-->',
  '--',
  '<!-- c -->',
  '<![CDATA[',
  ']]>',
  ']]',
  '<![CDATA[x]]>',
  '<!ELEMENT',
  '<a>',
  '</a>',
  '<b/>',
  '</',
  '/>',
  '<x:y/>',
  'xmlns:x="u"',
  ' xmlns:x="u"',
  ' xmlns:x=""',
  ' xmlns:xml="u"',
  ' xmlns="urn:d"',
  ' x:a="1"',
  ' b="1"',
  " c='2'",
  ' b="<"',
  ' d="&amp;"',
];

function mutate(seed: string, rnd: () => number): string {
  let s = seed;
  const ops = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < ops; k++) {
    // After the declaration: what it declares (the encoding) is decoded before this reader runs.
    const at = DECL.length + Math.floor(rnd() * (s.length - DECL.length));
    const op = rnd();
    if (op < 0.55) {
      const t = TOKENS[Math.floor(rnd() * TOKENS.length)]!;
      s = s.slice(0, at) + t + s.slice(at);
    } else if (op < 0.8) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 6));
    else {
      const from = DECL.length + Math.floor(rnd() * (s.length - DECL.length));
      s = s.slice(0, at) + s.slice(from, from + 1 + Math.floor(rnd() * 30)) + s.slice(at);
    }
  }
  return s;
}

const EDGE_CASES = [
  '<a/>',
  '<a:b/>',
  '<a xmlns:p=""/>',
  '<a p:x="1" xmlns:p="u" q:x="2" xmlns:q="u"/>',
  '<a p:x="1" xmlns:p="u" q:x="2" xmlns:q="v"/>',
  '<a:b:c xmlns:a="u"/>',
  '<:a/>',
  '<a: xmlns:a="u"/>',
  '<?xml version="1.1"?><a/>',
  '<?xml version="1.10"?><a/>',
  '<?xml version="2.0"?><a/>',
  '<?xml version="1."?><a/>',
  "<?xml version='1.0' standalone='yes'?><a/>",
  '<?xml version="1.0" standalone="maybe"?><a/>',
  '<?xml version="1.0" standalone="yes" encoding="UTF-8"?><a/>',
  '<?xml  version = "1.0"  ?><a/>',
  '<?xml version="1.0"encoding="UTF-8"?><a/>',
  '<?xml encoding="UTF-8"?><a/>',
  '<?xml version="1.0"?  ><a/>',
  '<?xml?><a/>',
  '<?xmlfoo?><a/>',
  '<?xml-foo?><a/>',
  '<?XmL x?><a/>',
  '<a/><?xml version="1.0"?>',
  ' <?xml version="1.0"?><a/>',
  '<a>&#x10FFFF;</a>',
  '<a>&#x10FFFE;</a>',
  '<a>&#xFFFE;</a>',
  '<a>]]></a>',
  '<a>]]&gt;</a>',
  '<a><!-- a--b --></a>',
  '<a><!-- a ---></a>',
  '<a><!----></a>',
  '<a><!---></a>',
  '<xml:a/>',
  '<a xml:x="1" xml:x="2"/>',
  '<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>',
  '<a xmlns:xml="urn:other"/>',
  '<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>',
  '<a xmlns:xmlns="x"/>',
  '<a xmlns="http://www.w3.org/2000/xmlns/"/>',
  '<a xmlns="http://www.w3.org/XML/1998/namespace"/>',
  '<a xmlns=""/>',
  '<a b="1"c="2"/>',
  '<a b = "1" />',
  '<a b="x\ty\nz"/>',
  '<a b="&#9;&#10;&#13;"/>',
  '<a></b>',
  '<a></a >',
  '<a></ a>',
  '< a/>',
  '<a/ >',
  '<a>x</a>y',
  'y<a/>',
  '<a/><b/>',
  '<a/>\n\n',
  '',
  '\n',
  '<a>\r\nx\ry\r</a>',
  '<a b="\r\n"/>',
  '<a>&#xD;</a>',
  '<é·́/>',
  '<a·/>',
  '<·a/>',
  '<a\u0301/>',
  '<\u{10000}/>',
  '<a\u{EFFFF}/>',
  '<a>&lt;&gt;&amp;&apos;&quot;</a>',
  '<a>&amp</a>',
  '<a>&#x41</a>',
  '<a>&#-1;</a>',
  '<a>&#x-1;</a>',
  '<a>&#X41;</a>',
  '<a><![CDATA[]]></a>',
  '<![CDATA[x]]><a/>',
  '<a><![cdata[x]]></a>',
  '<a><?pi?></a>',
  '<a><?pi x?></a>',
  '<a><?pi!?></a>',
  '<a><?p:i x?></a>',
  '<a><!ELEMENT a ANY></a>',
  '<a b="1" b="1"/>',
  '<a b="<"/>',
  '<a b=">"/>',
  "<a b='\"'/>",
  '<a b="&#60;"/>',
  '<a\u00a0b="1"/>',
  '<a>\u00a0</a>\u00a0',
  '<a>\uFEFF</a>',
  // Namespace names: RFC 3986 URI references, as libxml2 reads them.
  ...[
    'urn:é',
    'http://[::1]/',
    'http://[zz]/',
    'http://[v1.x]/',
    ':a',
    '#x',
    'a:b',
    '1a:b',
    'http://a b',
    '%41',
    '%4',
    'http://h:port/',
    'http://h:80/',
    'a/b:c',
    './a:b',
    '//a@b@c',
    'x:[',
    'x:]',
    'x:?[',
    "x:'",
    'x:{',
    'x:|',
    'x:\\',
    'x:^',
    'x:`',
    'a%zz',
    'mailto:a@b',
    'http://u:p@h/',
    'http://h/%7e',
    'x://',
    '?',
    'http://a:b:c/',
    'http://[::1]:x/',
    'http://[::1',
    'ur]]n:q',
    'a b',
  ].flatMap((u) => [`<a xmlns:p="${u}"/>`, `<a xmlns="${u}"/>`]),
];

// Where this reader is stricter than libxml2, on purpose:
// - XML 1.0 §2.8 says VersionNum is '1.' [0-9]+; libxml2 only warns about other versions that
//   start with '1.' (saxes refused them too);
// - libxml2 checks a namespace name with its '&' written back as '&#38;', so `u&amp;rn:d` passes
//   as the path `u&` and the fragment `38;rn:d`; RFC 3986 allows no ':' in a first relative segment.
const STRICTER: ((doc: string) => boolean)[] = [
  (d) => d === '<?xml version="1."?><a/>',
  (d) => /xmlns(?::[^=]*)?="[^"]*&/.test(d),
];

const tmp = mkdtempSync(join(tmpdir(), 'pec-kit-xml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// More, or others: PEC_XML_CASES=20000 PEC_XML_SEED=7 npx vitest run test/xml-differential.test.ts
const COUNT = Number(process.env.PEC_XML_CASES ?? 1500);
const SEED = Number(process.env.PEC_XML_SEED ?? 0x5eed);

function cases(): string[] {
  const out = [...EDGE_CASES];
  const rnd = seeded(SEED);
  for (let n = 0; n < COUNT; n++) out.push(mutate(SEEDS[n % SEEDS.length]!, rnd));
  // A DOCTYPE is refused before any reading (XML_FORBIDDEN), where libxml2 would read it.
  return out.filter((c) => !/<!doctype/i.test(c));
}

/** The files libxml2 finds a parser or namespace error in. */
function libxml2Errors(files: string[]): Set<string> {
  const r = spawnSync('xmllint', ['--noout', '--nonet', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const bad = new Set<string>();
  for (const line of r.stderr.split('\n')) {
    const m = /^(.+?\.xml):\d+: (?:parser|namespace) error/.exec(line);
    if (m) bad.add(m[1]!);
  }
  return bad;
}

// expat's tree, in the shape of XmlElement; null where expat finds the document not well-formed.
const EXPAT = `
import json, sys, xml.parsers.expat
out = []
for path in sys.argv[1:]:
    stack, root = [], [None]
    p = xml.parsers.expat.ParserCreate()
    p.ordered_attributes = True
    def start(name, attrs):
        el = {"name": name, "attributes": attrs, "children": [], "text": "", "line": p.CurrentLineNumber}
        if stack: stack[-1]["children"].append(el)
        else: root[0] = el
        stack.append(el)
    def end(name): stack.pop()
    def text(t):
        if stack: stack[-1]["text"] += t
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    try:
        with open(path, "rb") as f: p.Parse(f.read(), True)
        out.append(root[0])
    except xml.parsers.expat.ExpatError:
        out.append(None)
json.dump(out, sys.stdout)
`;

function expatTrees(files: string[]): (XmlElement | null)[] {
  const r = spawnSync('python3', ['-c', EXPAT, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as (XmlElement | null)[];
}

function ours(text: string): XmlElement | string {
  try {
    return parseXmlTree(text);
  } catch (e) {
    if (isPecError(e, 'XML_MALFORMED')) return 'XML_MALFORMED';
    throw e;
  }
}

describe.skipIf(!hasXmllint || !hasExpat)('daticert XML reader against libxml2 and expat', () => {
  const docs = cases();
  const files = docs.map((d, n) => {
    const f = join(tmp, `c${n}.xml`);
    writeFileSync(f, d, 'utf8');
    return f;
  });
  const rejected = libxml2Errors(files);
  const trees = expatTrees(files);

  it('has inputs of both verdicts', () => {
    expect(docs.length).toBeGreaterThan(1500);
    expect(rejected.size).toBeGreaterThan(300);
    expect(docs.length - rejected.size).toBeGreaterThan(300);
  });

  it('refuses exactly what libxml2 refuses (well-formedness and namespaces)', () => {
    const disagree = docs
      .map((d, n) => ({ d, n, libxml2: !rejected.has(files[n]!), pecKit: typeof ours(d) !== 'string' }))
      .filter((x) => x.libxml2 !== x.pecKit && !(!x.pecKit && STRICTER.some((f) => f(x.d))))
      .map((x) => `#${x.n} libxml2 ${x.libxml2 ? 'accepts' : 'refuses'}: ${JSON.stringify(x.d)}`);
    expect(disagree).toEqual([]);
  });

  it('reads the same tree as expat where both accept', () => {
    let compared = 0;
    for (let n = 0; n < docs.length; n++) {
      const tree = ours(docs[n]!);
      if (typeof tree === 'string' || trees[n] === null) continue;
      compared++;
      expect({ n, tree }).toEqual({ n, tree: trees[n] });
    }
    expect(compared).toBeGreaterThan(300);
  });
});

describe('daticert XML reader: what no file can carry, and hostile sizes', () => {
  it.each([
    ['a lone high surrogate', '<a>\ud800</a>'],
    ['a lone low surrogate', '<a>\udc00x</a>'],
    ['a C0 control', '<a>\u0001</a>'],
  ])('refuses %s', (_name, text) => {
    expect(ours(text)).toBe('XML_MALFORMED');
  });

  it('keeps a surrogate pair', () => {
    expect((parseXmlTree('<a>\u{1F600}</a>') as XmlElement).text).toBe('\u{1F600}');
  });

  it('says where the error is', () => {
    try {
      parseXmlTree('<a>\n  <b>&nope;</b>\n</a>');
      expect.unreachable();
    } catch (e) {
      expect(isPecError(e, 'XML_MALFORMED')).toBe(true);
      expect((e as Error).message).toMatch(/undefined entity &nope;.*line 2, column 6/);
    }
  });

  it('refuses a DOCTYPE as XML_FORBIDDEN', () => {
    expect(() => parseXmlTree('<!DOCTYPE a><a/>')).toThrow(
      expect.objectContaining({ code: 'XML_FORBIDDEN' }),
    );
  });

  it('reads long documents in linear time: many text runs, many references, deep nesting', () => {
    const runs = `<a>${'<b>x</b>'.repeat(100_000)}</a>`;
    expect(parseXmlTree(runs).children.length).toBe(100_000);
    const refs = `<a>${'&amp;x'.repeat(100_000)}</a>`;
    expect(parseXmlTree(refs).text.length).toBe(200_000);
    const deep = `${'<d>'.repeat(50_000)}${'</d>'.repeat(50_000)}`;
    expect(parseXmlTree(deep).name).toBe('d');
    // No ']]>' and no '&' anywhere: each run must not search to the end again.
    const plain = `<a>${'<b/>t'.repeat(200_000)}</a>`;
    expect(parseXmlTree(plain).text.length).toBe(200_000);
    // One tag, many attributes (each value checked for '<', each name for a repeat), namespaced too.
    const wide = `<a xmlns:p="urn:p" ${Array.from({ length: 60_000 }, (_, k) => `p:a${k}="v"`).join(' ')}/>`;
    expect(parseXmlTree(wide).attributes.length).toBe(120_002);
    expect(ours(`<a ${Array.from({ length: 60_000 }, (_, k) => `a${k % 59_999}="v"`).join(' ')}/>`)).toBe(
      'XML_MALFORMED',
    );
  });
});
