// `pec-kit verify` over 1,000 and 5,000 files on one core and on all cores, in one run: the wall
// time of the whole process (start-up included, as a CI job pays it), runs interleaved so that load
// from other processes falls on all alike. Also what makes the ratio: one thread's cost for the
// first 500 messages against the next 500 (JIT warm-up, paid again by every thread).
//
//   node bench/cli-parallel.mjs [--quick]     # this section alone (dist/ as it is)
//
// The files are copies of the real receipt-size messages of the corpus, written to a temporary
// folder at bench time and removed after (never into the repository).
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmtMs, median, ROOT } from './lib.mjs';
import { corpusReceipts } from './plain-call.mjs';

const SIZES = [500, 1000, 5000];

function readStatus() {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return ''; // not Linux: no taskset either
  }
}

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
    // One folder per size, the smaller ones hard links to the first files of the largest.
    const all = join(dir, 'all');
    mkdirSync(all);
    const max = SIZES[SIZES.length - 1];
    const name = (i) => `m${String(i).padStart(5, '0')}.eml`;
    for (let i = 0; i < max; i++) writeFileSync(join(all, name(i)), receipts[i % receipts.length].bytes);
    const folder = {};
    for (const n of SIZES) {
      if (n === max) folder[n] = all;
      else {
        folder[n] = join(dir, String(n));
        mkdirSync(folder[n]);
        for (let i = 0; i < n; i++) linkSync(join(all, name(i)), join(folder[n], name(i)));
      }
    }
    const cores = availableParallelism();
    const bin = join(ROOT, 'dist/cli/bin.js');
    // The ceiling of any split: `cores` independent processes, each pinned to a core of its own and
    // given its share of the files (contiguous runs, hard links). Nothing is shared or sent between
    // them and each pays its own start and warm-up, as a thread does: no pool can beat this.
    // The CPUs this process may use (a container may allow 2,3 rather than 0,1).
    const allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(readStatus())?.[1] ?? '';
    const cpus = allowed.split(',').flatMap((r) => {
      const [a, b = a] = r.split('-').map(Number);
      return Number.isInteger(a) && Number.isInteger(b)
        ? Array.from({ length: b - a + 1 }, (_, i) => a + i)
        : [];
    });
    const shares = {};
    for (const n of [1000, 5000]) {
      shares[n] = [];
      for (let k = 0; k < cores; k++) {
        const share = join(dir, `${n}-share${k}`);
        mkdirSync(share);
        const from = Math.floor((k * n) / cores);
        const to = Math.floor(((k + 1) * n) / cores);
        for (let i = from; i < to; i++) linkSync(join(all, name(i)), join(share, name(i)));
        shares[n].push({ dir: share, count: to - from });
      }
    }
    // One core is one core for the whole process: `taskset -c` with one CPU pins the JavaScript thread, the
    // garbage collector's threads and libuv's pool alike (and availableParallelism() says 1, so the
    // CLI runs one thread). `--jobs 1` on all cores is shown too: one thread can keep more than
    // one core busy when work leaves the JavaScript thread (V8 compiles and collects beside it).
    const oneCpu = String(cpus[0] ?? 0);
    const pinned = spawnSync('taskset', ['-c', oneCpu, process.execPath, '-e', '0']).status === 0;
    const time = (n, jobs, pin = false) => {
      const args = [bin, 'verify', '--jsonl', ...(jobs ? ['--jobs', String(jobs)] : []), folder[n]];
      const t = performance.now();
      const r = pin
        ? spawnSync('taskset', ['-c', oneCpu, process.execPath, ...args], {
            maxBuffer: 1 << 30,
            encoding: 'utf8',
          })
        : spawnSync(process.execPath, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
      const wall = performance.now() - t;
      const lines = r.stdout.split('\n').filter(Boolean);
      if (r.status !== 0 || lines.length !== n) throw new Error(`verify --jobs ${jobs} failed: ${r.stderr}`);
      return wall;
    };
    // One shell starts the processes together and waits for each; the wall time is the slowest's.
    const apart = (n) => {
      const outs = shares[n].map((_, k) => join(dir, `${n}-share${k}.jsonl`));
      const script = `${shares[n]
        .map(
          (_, k) =>
            `taskset -c ${cpus[k]} "$0" "$1" verify --jsonl --jobs 1 "\${${k + 2}}" > "\${${k + 2}}.jsonl" & p${k}=$!`,
        )
        .join('; ')}; ${shares[n].map((_, k) => `wait $p${k} || exit 1`).join('; ')}`;
      const t = performance.now();
      const r = spawnSync('sh', ['-c', script, process.execPath, bin, ...shares[n].map((x) => x.dir)], {
        encoding: 'utf8',
      });
      const wall = performance.now() - t;
      shares[n].forEach((x, k) => {
        const lines = readFileSync(outs[k], 'utf8').split('\n').filter(Boolean).length;
        if (r.status !== 0 || lines !== x.count) throw new Error(`share ${k} of ${n} failed: ${r.stderr}`);
      });
      return wall;
    };
    const ceiling = pinned && cores >= 2 && cpus.length >= cores;
    const rows = (n, runs) => {
      const oneCore = [];
      const one = [];
      const every = [];
      const split = [];
      for (let i = 0; i < runs; i++) {
        if (pinned) oneCore.push(time(n, null, true));
        one.push(time(n, 1));
        every.push(time(n, null));
        if (ceiling) split.push(apart(n));
      }
      return {
        oneCore: pinned ? median(oneCore) : null,
        one: median(one),
        all: median(every),
        apart: ceiling ? median(split) : null,
      };
    };
    time(1000, 1); // page cache
    const r1k = rows(1000, quick ? 2 : 5);
    const r5k = rows(5000, quick ? 1 : 3);
    const half = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) half.push(time(500, 1, pinned));
    md.push(`### \`pec-kit verify --jsonl\` over 1,000 and 5,000 files: one core and ${cores}`);
    md.push('');
    md.push(
      `Copies of the ${receipts.length} real receipt-size messages, all valid; wall time of the whole process (start included), median of ${quick ? 2 : 5} interleaved runs for 1,000 files and ${quick ? 1 : 3} for 5,000. The CLI's default \`--jobs\` is the number of cores it may use (\`os.availableParallelism()\`): this thread and that many minus one worker threads.`,
    );
    md.push('');
    md.push('| | 1,000 files | speed-up | 5,000 files | speed-up |');
    md.push('| --- | ---: | ---: | ---: | ---: |');
    const base1 = r1k.oneCore ?? r1k.one;
    const base5 = r5k.oneCore ?? r5k.one;
    const cell = (v, base) => `${fmtMs(v)} | ${(base / v).toFixed(2)}×`;
    if (pinned)
      md.push(
        `| one core (\`taskset -c 0\`, so one thread) | ${cell(r1k.oneCore, base1)} | ${cell(r5k.oneCore, base5)} |`,
      );
    md.push(
      `| ${cores} cores, \`--jobs 1\` (one thread) | ${cell(r1k.one, base1)} | ${cell(r5k.one, base5)} |`,
    );
    md.push(
      `| ${cores} cores, default (this thread and ${cores - 1} worker${cores - 1 === 1 ? '' : 's'}) | ${cell(r1k.all, base1)} | ${cell(r5k.all, base5)} |`,
    );
    if (ceiling)
      md.push(
        `| ${cores} independent processes, each pinned to its own core with 1/${cores} of the files (the ceiling of any split) | ${cell(r1k.apart, base1)} | ${cell(r5k.apart, base5)} |`,
      );
    md.push('');
    // What a thread pays to warm up: the first 500 messages of one thread against the next 500.
    const first = median(half);
    const next = base1 - first;
    md.push(
      `One thread${pinned ? ' on one core' : ''}: 500 files take ${fmtMs(first)}, 1,000 take ${fmtMs(base1)}, so the second 500 cost ${fmtMs(next)} (${(first / next).toFixed(1)}× less than the first, start included). Every thread pays the first 500 again: its own start, and V8 compiling the same code for its own isolate.`,
    );
    md.push('');
    const ratio = base1 / r1k.all;
    targets.push({
      what: `1,000 files through the CLI, ${cores} cores vs 1`,
      goal: cores >= 2 ? '≥ 1.7× faster' : '≥ 1.7× faster (needs 2 cores)',
      measured: `${ratio.toFixed(2)}× (${fmtMs(base1)} → ${fmtMs(r1k.all)})${pinned ? '' : ', baseline --jobs 1 (no taskset)'}`,
      met: ratio >= 1.7,
    });
    targets.push({
      what: `5,000 files through the CLI, ${cores} cores vs 1`,
      goal: 'reported',
      measured: `${(base5 / r5k.all).toFixed(2)}× (${fmtMs(base5)} → ${fmtMs(r5k.all)})`,
      met: true,
    });
    if (ceiling)
      targets.push({
        what: `1,000 files: the ceiling of any split over ${cores} cores (${cores} independent pinned processes vs 1)`,
        goal: 'reported',
        measured: `${(base1 / r1k.apart).toFixed(2)}× (${fmtMs(base1)} → ${fmtMs(r1k.apart)}); the CLI reaches ${((r1k.apart / r1k.all) * 100).toFixed(0)} % of it`,
        met: true,
      });
    targets.push({
      what: `1,000 files through the CLI, ${cores} threads vs 1 thread on ${cores} cores`,
      goal: 'reported',
      measured: `${(r1k.one / r1k.all).toFixed(2)}×`,
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
