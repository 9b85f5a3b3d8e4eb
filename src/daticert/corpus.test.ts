// Checks parseDaticert against the ground truth of the real-message corpus (EXPECTED.json).
// The corpus is not part of the repository: ../shared/corpus from the repo root, or $PEC_CORPUS.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATICERT_FIELDS } from '../../test/helpers/corpus.js';
import { decodeBase64 } from '../mime/base64.js';
import { buildDaticert, parseDaticert } from './index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const corpusDir = resolve(process.env.PEC_CORPUS ?? join(repoRoot, '../shared/corpus'));
const expectedPath = join(corpusDir, 'EXPECTED.json');
const haveCorpus = existsSync(expectedPath);
if (!haveCorpus) {
  console.warn(
    `\n*** daticert CORPUS TESTS SKIPPED: ${expectedPath} not found. Set PEC_CORPUS to the corpus folder to run them. ***\n`,
  );
}

const FIELDS = DATICERT_FIELDS;

interface Entry {
  file: string;
  daticertParseMode: string | null;
  [k: string]: unknown;
}

/**
 * Crude test-only extraction (the real MIME reader lives in src/mime): find the part whose
 * headers name daticert.xml, then take its body up to the next boundary line.
 */
function extractDaticert(raw: Uint8Array): Uint8Array | null {
  const s = new TextDecoder('latin1').decode(raw);
  const m = /(?:file)?name\*?=\s*"?daticert\.xml"?/i.exec(s);
  if (!m) return null;
  const partStart = s.lastIndexOf('\n--', m.index);
  const headerEnd = /\r?\n\r?\n/g;
  headerEnd.lastIndex = m.index;
  const he = headerEnd.exec(s);
  if (partStart === -1 || !he) return null;
  const headers = s.slice(partStart, he.index);
  const bodyStart = he.index + he[0].length;
  let bodyEnd = s.indexOf('\n--', bodyStart);
  if (bodyEnd === -1) bodyEnd = s.length;
  if (s[bodyEnd - 1] === '\r') bodyEnd--;
  const body = raw.subarray(bodyStart, bodyEnd);
  return /content-transfer-encoding:\s*base64/i.test(headers) ? decodeBase64(body) : body;
}

const entries: Entry[] = haveCorpus ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as Entry[]) : [];
const withDaticert = entries.filter((e) => e.daticertParseMode !== null);
const withoutDaticert = entries.filter((e) => e.daticertParseMode === null);

describe.skipIf(!haveCorpus)(`daticert corpus (${corpusDir})`, () => {
  it('has entries with a daticert', () => {
    expect(withDaticert.length).toBeGreaterThan(0);
  });

  it.each(withDaticert.map((e) => [e.file, e] as const))('%s', (_file, e) => {
    const xml = extractDaticert(new Uint8Array(readFileSync(join(corpusDir, e.file))));
    expect(xml, 'daticert.xml part not found by the test extractor').not.toBeNull();
    const { daticert } = parseDaticert(xml!);
    const expected = Object.fromEntries(FIELDS.map((f) => [f, e[f]]));
    const actual = Object.fromEntries(FIELDS.map((f) => [f, daticert[f]]));
    expect(actual).toEqual(expected);
  });

  it('every corpus daticert survives buildDaticert → parseDaticert unchanged', () => {
    for (const e of withDaticert) {
      const { daticert } = parseDaticert(
        extractDaticert(new Uint8Array(readFileSync(join(corpusDir, e.file))))!,
      );
      expect(parseDaticert(buildDaticert(daticert))).toEqual({ daticert, warnings: [] });
    }
  });

  it.each(withoutDaticert.map((e) => [e.file] as const))('%s has no daticert.xml', (file) => {
    expect(extractDaticert(new Uint8Array(readFileSync(join(corpusDir, file))))).toBeNull();
  });
});
