// `pec-kit verify` over 1,000 files on one core and on all cores, in one run: the wall time of
// the whole process (start-up included, as a CI job pays it), runs interleaved so that load from
// other processes falls on both alike.
//
//   node bench/cli-parallel.mjs [--quick]     # this section alone (dist/ as it is)
//
// The files are copies of the real receipt-size messages of the corpus, written to a temporary
// folder at bench time and removed after (never into the repository).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmtMs, median, ROOT } from './lib.mjs';
import { corpusReceipts } from './plain-call.mjs';

const FILES = 1000;

/** Runs the section; returns Markdown lines and targets `{ what, goal, measured, met }`. */
export function cliParallelSection({ quick = false } = {}) {
  const md = [];
  const targets = [];
  const receipts = corpusReceipts();
  if (receipts.length === 0) {
    md.push(
      '### `pec-kit verify --jobs`',
      '',
      '_Skipped: no corpus at ../shared/corpus (or $PEC_CORPUS)._',
      '',
    );
    return { md, targets };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pec-kit-bench-jobs-'));
  try {
    const files = join(dir, 'files');
    mkdirSync(files);
    for (let i = 0; i < FILES; i++)
      writeFileSync(join(files, `m${String(i).padStart(4, '0')}.eml`), receipts[i % receipts.length].bytes);
    const cores = availableParallelism();
    const bin = join(ROOT, 'dist/cli/bin.js');
    // One core is one core for the whole process: `taskset -c 0` pins the JavaScript thread, the
    // garbage collector's threads and libuv's pool alike (and availableParallelism() says 1, so the
    // CLI runs one thread). `--jobs 1` on all cores is shown too: one thread can keep more than
    // one core busy when work leaves the JavaScript thread.
    const pinned = spawnSync('taskset', ['-c', '0', process.execPath, '-e', '0']).status === 0;
    const time = (jobs, pin = false) => {
      const args = [bin, 'verify', '--jsonl', ...(jobs ? ['--jobs', String(jobs)] : []), files];
      const t = performance.now();
      const r = pin
        ? spawnSync('taskset', ['-c', '0', process.execPath, ...args], {
            maxBuffer: 1 << 28,
            encoding: 'utf8',
          })
        : spawnSync(process.execPath, args, { maxBuffer: 1 << 28, encoding: 'utf8' });
      const wall = performance.now() - t;
      const lines = r.stdout.split('\n').filter(Boolean);
      if (r.status !== 0 || lines.length !== FILES)
        throw new Error(`verify --jobs ${jobs} failed: ${r.stderr}`);
      return wall;
    };
    const runs = quick ? 2 : 5;
    const oneCore = [];
    const one = [];
    const all = [];
    time(1); // page cache
    for (let i = 0; i < runs; i++) {
      if (pinned) oneCore.push(time(null, true));
      one.push(time(1));
      all.push(time(null));
    }
    const base = pinned ? median(oneCore) : median(one);
    const ratio = base / median(all);
    md.push(`### \`pec-kit verify --jsonl\` over ${FILES.toLocaleString('en')} files: one core and ${cores}`);
    md.push('');
    md.push(
      `${FILES.toLocaleString('en')} copies of the ${receipts.length} real receipt-size messages, all valid; wall time of the whole process (start included), median of ${runs} interleaved runs. The CLI's default \`--jobs\` is the number of cores it may use (\`os.availableParallelism()\`).`,
    );
    md.push('');
    md.push('| | wall time | speed-up |');
    md.push('| --- | ---: | ---: |');
    if (pinned) md.push(`| one core (\`taskset -c 0\`, so one thread) | ${fmtMs(median(oneCore))} | 1× |`);
    md.push(
      `| ${cores} cores, \`--jobs 1\` (one thread) | ${fmtMs(median(one))} | ${(base / median(one)).toFixed(2)}× |`,
    );
    md.push(
      `| ${cores} cores, default (${cores} worker threads) | ${fmtMs(median(all))} | ${ratio.toFixed(2)}× |`,
    );
    md.push('');
    targets.push({
      what: `1,000 files through the CLI, ${cores} cores vs 1`,
      goal: cores >= 2 ? '≥ 1.7× faster' : '≥ 1.7× faster (needs 2 cores)',
      measured: `${ratio.toFixed(2)}× (${fmtMs(base)} → ${fmtMs(median(all))})${pinned ? '' : ', baseline --jobs 1 (no taskset)'}`,
      met: ratio >= 1.7,
    });
    targets.push({
      what: `1,000 files through the CLI, ${cores} threads vs 1 thread on ${cores} cores`,
      goal: 'reported',
      measured: `${(median(one) / median(all)).toFixed(2)}×`,
      met: true,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { md, targets };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { md, targets } = cliParallelSection({ quick: process.argv.includes('--quick') });
  for (const t of targets)
    md.push(`- ${t.what}: ${t.measured} (goal ${t.goal}: ${t.met ? 'met' : 'not met'})`);
  process.stdout.write(`${md.join('\n')}\n`);
}
