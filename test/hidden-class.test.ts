// V8 keeps one hidden class for objects built alike, and serves reads of them from its inline
// caches. A message whose shape differs per object (a getter closure of its own, as `mail` once
// had) costs V8 a new hidden class per message and makes reads of it polymorphic. On the corpus
// loop the difference was within the noise (205–214 µs against 205–222 µs per warm message);
// this pins the shape so that it stays one. Checked in a child Node with --allow-natives-syntax,
// on the built library (dist/).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPec, TEST_TRUST } from './helpers/synthetic.js';

const DIST = pathToFileURL(resolve(import.meta.dirname, '../dist/index.js')).href;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-maps-'));
  const a = await syntheticPec({ kind: 'accettazione', oggetto: 'Fattura 1/2025' });
  const b = await syntheticPec({ kind: 'accettazione', oggetto: 'Altro oggetto, piu lungo' });
  writeFileSync(join(dir, 'a.eml'), a.bytes);
  writeFileSync(join(dir, 'b.eml'), b.bytes);
  writeFileSync(join(dir, 'trust.pem'), TEST_TRUST().join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The script runs as an ES module in the child: the natives (%HaveSameMap) need the flag.
const SCRIPT = `
import { readFileSync } from 'node:fs';
const { parsePec, verifyPec } = await import(process.env.DIST);
const read = (f) => readFileSync(process.env.DIR + '/' + f);
const trust = [readFileSync(process.env.DIR + '/trust.pem', 'utf8')];
const a = parsePec(read('a.eml')), a2 = parsePec(read('a.eml')), b = parsePec(read('b.eml'));
const ra = await verifyPec(read('a.eml'), { trust }), rb = await verifyPec(read('b.eml'), { trust });
console.log(JSON.stringify({
  parsedSame: %HaveSameMap(a, a2), parsedOther: %HaveSameMap(a, b),
  mailRead: typeof b.mail.subject === 'string' && %HaveSameMap(a, b),
  report: %HaveSameMap(ra, rb), valid: ra.valid && rb.valid,
  certified: %HaveSameMap(ra.certified, rb.certified),
}));
`;

describe('hidden classes of what parsePec and verifyPec return', () => {
  it('two messages of one kind share one, and so do their reports', () => {
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', SCRIPT], {
      env: { ...process.env, DIST, DIR: dir },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      parsedSame: true,
      parsedOther: true,
      mailRead: true,
      report: true,
      valid: true,
      certified: true,
    });
  });
});
