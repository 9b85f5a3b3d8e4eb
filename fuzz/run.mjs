// Coverage-guided fuzzing of parsePec + verifyPec with jsfuzz, outside CI.
//
//   npm run fuzz                      # FUZZ_SECONDS (default 60) of fuzzing, then a summary
//   FUZZ_SECONDS=1800 npm run fuzz    # longer
//   FUZZ_RUNS=1000000 FUZZ_SECONDS=7200 npm run fuzz   # stop at a million executions (or 2 h)
//   npm run fuzz -- --replay FILE...  # run the target once on each file (a crash, a corpus entry)
//
// What it does: bundles fuzz/entry.ts into .fuzz/build/pec-kit.js (CommonJS: jsfuzz require()s the
// target, and its istanbul hook instruments every file loaded through require); the dependencies
// go to .fuzz/build/deps.cjs, which the target loads around that hook (see fuzz/parse-verify.cjs),
// so coverage guides through pec-kit's own code and jsfuzz's per-execution sum stays cheap); seeds
// .fuzz/corpus (first run only) with fixtures/malformed and signed synthetic messages; runs jsfuzz
// 1.0.15 programmatically (its CLI has no time budget and caps inputs at 4 KB, too small for a
// signed message: FUZZ_MAX_LEN, default 8192); stops it after the budget with SIGINT; appends
// executions, coverage and corpus size to .fuzz/runs.jsonl. A crash (anything but PecError from
// parsePec, any rejection from verifyPec, a hang over FUZZ_TIMEOUT seconds) stops the run and is
// written to .fuzz/crash-<sha256>.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, '.fuzz');
const BUILD = join(WORK, 'build');
const CORPUS = join(WORK, 'corpus');
const TARGET = join(ROOT, 'fuzz/parse-verify.cjs');
const require = createRequire(import.meta.url);
/** Progress lines (this is a script: stdout is its interface). */
const log = (line) => process.stdout.write(`${line}\n`);

const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
/** Stop earlier once this many inputs ran (0: no such target). */
const runs = Number(process.env.FUZZ_RUNS ?? 0);
const maxLen = Number(process.env.FUZZ_MAX_LEN ?? 8192);
const timeout = Number(process.env.FUZZ_TIMEOUT ?? 10);
for (const [name, v] of [
  ['FUZZ_SECONDS', seconds],
  ['FUZZ_MAX_LEN', maxLen],
  ['FUZZ_TIMEOUT', timeout],
]) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
}
if (!Number.isSafeInteger(runs) || runs < 0) throw new Error('FUZZ_RUNS must be a non-negative integer');

const DEPS = ['zod/mini', 'postal-mime'];
const shimName = (dep) => `dep-${dep.replace(/\W/g, '-')}.cjs`;

async function build() {
  mkdirSync(BUILD, { recursive: true });
  // `.js` files here are CommonJS whatever the repository's "type" says.
  writeFileSync(join(BUILD, 'package.json'), '{ "type": "commonjs" }\n');
  // One bundle for every dependency: loaded once, uninstrumented (see fuzz/parse-verify.cjs).
  await esbuild.build({
    stdin: {
      contents: DEPS.map((d, i) => `export * as d${i} from '${d}';`).join('\n'),
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: join(BUILD, 'deps.cjs'),
    logLevel: 'warning',
  });
  DEPS.forEach((d, i) => {
    writeFileSync(join(BUILD, shimName(d)), `module.exports = require('./deps.cjs').d${i};\n`);
  });
  await esbuild.build({
    entryPoints: [join(ROOT, 'fuzz/entry.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: join(BUILD, 'pec-kit.js'),
    logLevel: 'warning',
    plugins: [
      {
        name: 'deps-outside-instrumentation',
        setup(b) {
          const filter = new RegExp(`^(${DEPS.map((d) => d.replace('/', '\\/')).join('|')})$`);
          b.onResolve({ filter }, (args) => ({ path: `./${shimName(args.path)}`, external: true }));
        },
      },
    ],
  });
}

function seed() {
  mkdirSync(CORPUS, { recursive: true });
  // Every fixture of fixtures/malformed, including ones added since the last run.
  const malformed = join(ROOT, 'fixtures/malformed');
  let n = 0;
  for (const f of readdirSync(malformed)) {
    const to = join(CORPUS, `malformed-${f}`);
    if (!f.endsWith('.eml') || existsSync(to)) continue;
    copyFileSync(join(malformed, f), to);
    n++;
  }
  if (n > 0) log(`seeded ${CORPUS} with ${n} fixtures/malformed files`);
  if (readdirSync(CORPUS).some((f) => f.startsWith('seed-'))) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'fuzz/seeds.ts'), CORPUS], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('fuzz/seeds.ts failed');
}

async function replay(files) {
  const { fuzz } = require(TARGET);
  let failed = 0;
  for (const f of files) {
    const { readFileSync } = await import('node:fs');
    try {
      await fuzz(readFileSync(f));
      log(`ok    ${f}`);
    } catch (e) {
      failed++;
      log(`CRASH ${f}\n${e?.stack ?? e}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

function fuzz() {
  const { Fuzzer } = require('jsfuzz/build/src/fuzzer.js');
  // jsfuzz resolves the target against the working directory and writes crashes and
  // .nyc_output there: keep all of it inside .fuzz.
  process.chdir(WORK);
  const started = Date.now();
  // The target path must be relative: the worker joins it to its working directory.
  // jsfuzz's versifier (on by default in its CLI) exhausted a 4 GB heap within 30 s on these
  // inputs (base64 blocks): off unless FUZZ_VERSIFIER=1.
  const versifier = process.env.FUZZ_VERSIFIER === '1';
  const fuzzer = new Fuzzer(
    relative(WORK, TARGET),
    ['corpus'],
    undefined,
    2048,
    timeout,
    false,
    false,
    versifier,
  );
  fuzzer.corpus.maxInputSize = maxLen;
  log(
    `fuzzing for ${seconds} s${runs ? ` or ${runs} executions` : ''} (inputs up to ${maxLen} bytes, timeout ${timeout} s per input)`,
  );
  fuzzer.start();
  const stop = (why) => {
    clearTimeout(timer);
    clearInterval(counter);
    log(`${why}: stopping`);
    fuzzer.worker.kill('SIGINT'); // the worker finishes its input, writes coverage, exits 0
  };
  const timer = setTimeout(() => stop('time budget reached'), seconds * 1000);
  const counter = setInterval(() => {
    if (runs > 0 && fuzzer.total_executions >= runs) stop(`${runs} executions reached`);
  }, 1000);
  fuzzer.worker.on('exit', (code, signal) => {
    clearTimeout(timer);
    clearInterval(counter);
    const run = {
      date: new Date(started).toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      executions: fuzzer.total_executions,
      coverage: fuzzer.total_coverage,
      corpus: fuzzer.corpus.getLength(),
      maxLen,
      crashed: process.exitCode === 1 || (code !== 0 && code !== null) || signal === 'SIGKILL',
    };
    appendFileSync(join(WORK, 'runs.jsonl'), `${JSON.stringify(run)}\n`);
    log(`\nfuzz run: ${JSON.stringify(run)}`);
    if (run.crashed) {
      const crashes = readdirSync(WORK).filter((f) => f.startsWith('crash-'));
      log(`crash inputs in ${WORK}: ${crashes.join(', ')}`);
      log('replay with: npm run fuzz -- --replay .fuzz/<crash-file>');
      process.exitCode = 1;
    }
  });
}

await build();
const args = process.argv.slice(2);
if (args[0] === '--replay') await replay(args.slice(1));
else {
  seed();
  const size = readdirSync(CORPUS).reduce((n, f) => n + statSync(join(CORPUS, f)).size, 0);
  log(`corpus: ${readdirSync(CORPUS).length} files, ${size} bytes`);
  fuzz();
}
