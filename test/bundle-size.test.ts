// The browser bundle budget (scripts/bundle-size.mjs): fails when the whole library (all chunks) is
// over 130 KB gzip, when an eager bundle is over its tripwire, when pkijs/asn1js come back, or when
// the test PKI is in the main entry; and keeps docs/bundle.md current.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/browser.js';

it('the browser bundles are within budget (docs/bundle.md)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle-size.mjs')], { encoding: 'utf8' });
  console.log(r.stdout.trim());
  if (r.stderr.trim()) console.warn(r.stderr.trim());
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).toMatch(/whole library, all chunks: [\d.]+ KB gzip \(limit 130\.0 KB\): ok/);
  expect(r.stdout).toMatch(/whole library, eager: [\d.]+ KB gzip/);
  expect(r.stdout).toMatch(/verify-only import, eager: [\d.]+ KB gzip/);
  const doc = readFileSync(join(ROOT, 'docs/bundle.md'), 'utf8');
  // postal-mime stays out of the eager bundle.
  expect(doc).toMatch(/\| postal-mime-….js \| [\d.]+ KB \| [\d.]+ KB \| on first use \|/);
  // pkijs and asn1js are not part of any chunk.
  expect(doc).toMatch(/\| pkijs \+ asn1js and their helpers \| 0\.0 KB \| 0 \(not used\) \|/);
  // createTestPki is in pec-kit/testing only, not in what an app ships.
  expect(r.stdout).toMatch(/testing entry, all chunks: [\d.]+ KB gzip/);
  expect(doc).toMatch(
    /\| test PKI \(src\/testing; in pec-kit\/testing only\) \| 0\.0 KB \| 0 \(not in the main entry\) \|/,
  );
});
