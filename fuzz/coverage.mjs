// Coverage of the last fuzz run by source module: reads .fuzz/.nyc_output/cov.json (written by the
// jsfuzz worker when it stops) and attributes each counter of .fuzz/build/pec-kit.js to the module
// esbuild placed it in (the `// src/…` comment that opens each module in a non-minified bundle).
//   node fuzz/coverage.mjs
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORK = resolve(dirname(fileURLToPath(import.meta.url)), '../.fuzz');
const bundle = join(WORK, 'build/pec-kit.js');
const all = JSON.parse(readFileSync(join(WORK, '.nyc_output/cov.json'), 'utf8'));
const cov = all[bundle];
if (!cov) throw new Error(`no coverage for ${bundle} in .fuzz/.nyc_output/cov.json`);

// Line → module, from the module markers.
const starts = [];
readFileSync(bundle, 'utf8')
  .split('\n')
  .forEach((line, i) => {
    const m = /^\/\/ (src\/\S+\.ts)$/.exec(line);
    if (m) starts.push([i + 1, m[1]]);
  });
const moduleAt = (line) => {
  let name = '(bundle glue)';
  for (const [start, m] of starts) if (start <= line) name = m;
  return name;
};

const rows = new Map();
const row = (m) => {
  if (!rows.has(m)) rows.set(m, { s: [0, 0], b: [0, 0], f: [0, 0] });
  return rows.get(m);
};
for (const [id, hits] of Object.entries(cov.s)) {
  const r = row(moduleAt(cov.statementMap[id].start.line)).s;
  r[1]++;
  if (hits) r[0]++;
}
for (const [id, hits] of Object.entries(cov.f)) {
  const r = row(moduleAt(cov.fnMap[id].loc.start.line)).f;
  r[1]++;
  if (hits) r[0]++;
}
for (const [id, arms] of Object.entries(cov.b)) {
  const r = row(moduleAt(cov.branchMap[id].loc.start.line)).b;
  for (const hits of arms) {
    r[1]++;
    if (hits) r[0]++;
  }
}
const pct = ([hit, n]) => (n === 0 ? '–' : `${((100 * hit) / n).toFixed(0)}% (${hit}/${n})`);
const total = { s: [0, 0], b: [0, 0], f: [0, 0] };
const out = ['| Module | Statements | Branches | Functions |', '| --- | --- | --- | --- |'];
for (const [m, r] of [...rows].sort(([a], [b]) => (a < b ? -1 : 1))) {
  out.push(`| ${m} | ${pct(r.s)} | ${pct(r.b)} | ${pct(r.f)} |`);
  for (const k of ['s', 'b', 'f']) for (const i of [0, 1]) total[k][i] += r[k][i];
}
out.push(`| **all** | ${pct(total.s)} | ${pct(total.b)} | ${pct(total.f)} |`);
process.stdout.write(`${out.join('\n')}\n`);
