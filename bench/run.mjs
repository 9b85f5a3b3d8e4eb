#!/usr/bin/env node
// pec-kit benchmarks, side by side with OpenSSL, postal-mime and the raw crypto floor.
//
//   npm run bench                  # builds dist/ first, prints Markdown tables
//   npm run bench -- --write       # … and puts them into docs/performance.md (between the markers)
//   npm run bench -- --quick       # fewer runs (a smoke test: numbers are rougher)
//   npm run bench -- --no-build    # use dist/ as it is
//
// Every time is the median of repeated runs in one process (GC between runs), after a warm-up run.
// Subprocesses (openssl, the CLI) are timed wall-clock, process start included: that is how they
// are used. Peak memory is measured in a fresh process per case (bench/mem.mjs) or with
// /usr/bin/time for subprocesses. Nothing here is a test: no threshold fails the run, the
// targets table only reports met / not met.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify as cryptoVerify, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    write: { type: 'boolean' },
    'no-build': { type: 'boolean' },
  },
});
const ROOT = fileURLToPath(new URL('..', import.meta.url));
if (!opts['no-build']) {
  process.stderr.write('building dist/ (npm run build)…\n');
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
if (typeof globalThis.gc !== 'function') {
  process.stderr.write('note: run with node --expose-gc (npm run bench does) for steadier numbers\n');
}

const {
  AT,
  CORPUS,
  HAVE_CORPUS,
  dist,
  envelopeOfSize,
  fmtBytes,
  fmtMs,
  fmtX,
  median,
  original,
  pem,
  pk,
  providers,
  timeIt,
  transaction,
} = await import('./lib.mjs');

const Q = opts.quick === true;
const loadAtStart = loadavg()[0];
const log = (s) => process.stderr.write(`${s}\n`);
const dir = mkdtempSync(join(tmpdir(), 'pec-kit-bench-'));
const out = []; // Markdown lines
const md = (s = '') => out.push(s);
const targets = [];
const target = (what, goal, measured, met) => targets.push({ what, goal, measured, met });

const hasTime = existsSync('/usr/bin/time');
function openssl(args, input) {
  return spawnSync('openssl', args, { input, maxBuffer: 1 << 30 });
}
/** Median wall time of a subprocess, checking its exit status. */
function timeProcess(cmd, args, runs, ok = (r) => r.status === 0) {
  const times = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30 });
    const dt = performance.now() - t;
    if (!ok(r)) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    if (i > 0) times.push(dt); // the first run warms the page cache
  }
  return median(times);
}
/** Peak RSS (bytes) of a subprocess with /usr/bin/time, or null. */
function processPeak(cmd, args) {
  if (!hasTime) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { maxBuffer: 1 << 30 });
  const m = /(\d+)\s*$/.exec(r.stderr.toString());
  return m ? Number(m[1]) * 1024 : null;
}
/** Peak memory of one operation in a fresh process (bench/mem.mjs). */
function memoryOf(op, file) {
  const r = spawnSync(process.execPath, ['--expose-gc', join(ROOT, 'bench/mem.mjs'), op, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`bench/mem.mjs ${op} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------
log('preparing messages (test PKI, provider A)…');
const prov = await providers();
const rootPem = pem('root.cert.pem');
const trust = [rootPem];
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, rootPem + pem('pec-ca.cert.pem'));
const sslVersion = openssl(['version']).stdout.toString().trim();

const SIZES = [
  ['15 KB', 15_000],
  ['1 MB', 1_000_000],
  ['20 MB', 20_000_000],
  ['50 MB', 50_000_000],
];
const messages = [];
for (const [label, size] of SIZES) {
  const { env, tx } = await envelopeOfSize(size, prov.a);
  const file = join(dir, `envelope-${size}.eml`);
  writeFileSync(file, env.bytes);
  messages.push({ label, size, bytes: env.bytes, tx, file });
}

// ---------------------------------------------------------------------------------------------
log('verify: pec-kit vs openssl cms -verify vs the raw floor…');
const view = await dist('dist/cms/view.js');
const { resolveLimits } = await dist('dist/limits.js');
const publicKey = createPublicKey(pem('provider.cert.pem'));
const verifyRows = [];
for (const m of messages) {
  const runs = Q ? 3 : m.size <= 15_000 ? 200 : m.size <= 1e6 ? 40 : m.size <= 20e6 ? 15 : 7;
  const sslRuns = Q ? 1 : m.size <= 1e6 ? 20 : m.size <= 20e6 ? 5 : 3;
  const check = await pk.verifyPec(m.bytes, { trust });
  if (!check.valid) throw new Error(`${m.label} envelope does not verify: ${JSON.stringify(check.issues)}`);
  const ours = await timeIt(() => pk.verifyPec(m.bytes, { trust }), runs);
  const ssl = timeProcess(
    'openssl',
    ['cms', '-verify', '-in', m.file, '-CAfile', caFile, '-out', '/dev/null'],
    sslRuns,
  );
  // The floor: where the signed bytes and the signature are is known; one hash and one RSA verify.
  const pec = pk.parsePec(m.bytes);
  const signed = pec.signature.signed;
  const v = view.signerView(pec.signature.der, resolveLimits());
  const sig = v.signature;
  const floor = await timeIt(() => {
    const d = createHash('sha256').update(signed).digest();
    if (!d.equals(Buffer.from(v.messageDigest))) throw new Error('digest mismatch');
    if (!cryptoVerify('sha256', v.signedAttrs, publicKey, sig)) throw new Error('RSA verify failed');
  }, runs);
  const subtle = await timeIt(() => webcrypto.subtle.digest('SHA-256', signed), runs);
  const hash = await timeIt(() => createHash('sha256').update(signed).digest(), runs);
  const parse = await timeIt(() => pk.parsePec(m.bytes), runs);
  verifyRows.push({ m, ours, ssl, floor, subtle, hash, parse });
}
md('### verifyPec vs `openssl cms -verify` vs the raw floor');
md();
md(
  '| envelope | pec-kit `verifyPec` | `openssl cms -verify` (process) | raw floor | openssl ÷ pec-kit | pec-kit ÷ floor | of which: `parsePec` | SHA-256 of the signed part: WebCrypto / `createHash` |',
);
md('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of verifyRows) {
  md(
    `| ${r.m.label} | ${fmtMs(r.ours.median)} | ${fmtMs(r.ssl)} | ${fmtMs(r.floor.median)} | ${fmtX(r.ssl / r.ours.median)} | ${fmtX(r.ours.median / r.floor.median)} | ${fmtMs(r.parse.median)} | ${fmtMs(r.subtle.median)} / ${fmtMs(r.hash.median)} |`,
  );
}
md();
const v20 = verifyRows.find((r) => r.m.size === 20e6);
target(
  '20 MB verify vs `openssl cms -verify`',
  '≥ 10× faster',
  fmtX(v20.ssl / v20.ours.median),
  v20.ssl / v20.ours.median >= 10,
);
target(
  '20 MB verify vs the raw floor',
  '≤ 2× the floor',
  fmtX(v20.ours.median / v20.floor.median),
  v20.ours.median / v20.floor.median <= 2,
);

// ---------------------------------------------------------------------------------------------
log('parse: parsePec vs postal-mime…');
const PostalMime = (await import('postal-mime')).default;
const m20 = messages.find((m) => m.size === 20e6);
const parseOurs = await timeIt(() => pk.parsePec(m20.bytes), Q ? 3 : 15);
const parsePostal = await timeIt(() => PostalMime.parse(m20.bytes), Q ? 1 : 5);
md('### Parsing a 20 MB envelope');
md();
md('| | time | ratio |');
md('| --- | ---: | ---: |');
md(
  `| pec-kit \`parsePec\` (structure, daticert, headers, attachment sizes) | ${fmtMs(parseOurs.median)} | 1× |`,
);
md(
  `| postal-mime \`PostalMime.parse\` (full decode of every part) | ${fmtMs(parsePostal.median)} | ${fmtX(parsePostal.median / parseOurs.median)} |`,
);
md();
target('parse of a 20 MB envelope', '< 100 ms', fmtMs(parseOurs.median), parseOurs.median < 100);

// ---------------------------------------------------------------------------------------------
log('build + sign: buildEnvelope vs openssl cms -sign…');
const entityFile = join(dir, 'signed-entity-20MB.eml');
writeFileSync(entityFile, pk.parsePec(m20.bytes).signature.signed);
const originalFile = join(dir, 'original-20MB.eml');
writeFileSync(originalFile, m20.tx.postacert);
const buildOurs = await timeIt(
  () => pk.buildEnvelope({ transaction: m20.tx, provider: prov.a, at: AT }),
  Q ? 2 : 9,
);
const txTime = await timeIt(() => transaction(m20.tx.postacert), Q ? 2 : 5);
const signSsl = timeProcess(
  'openssl',
  [
    'cms',
    '-sign',
    '-binary',
    '-md',
    'sha256',
    '-in',
    entityFile,
    '-signer',
    join(ROOT, 'fixtures/pki/provider.cert.pem'),
    '-inkey',
    join(ROOT, 'fixtures/pki/provider.key.pem'),
    '-certfile',
    join(ROOT, 'fixtures/pki/pec-ca.cert.pem'),
    '-out',
    '/dev/null',
  ],
  Q ? 1 : 5,
);
md('### Building and signing a 20 MB envelope');
md();
md('| | time | ratio |');
md('| --- | ---: | ---: |');
md(
  `| pec-kit \`buildEnvelope\` (MIME writing, SHA-256, RSA-2048, S/MIME envelope) | ${fmtMs(buildOurs.median)} | 1× |`,
);
md(
  `| \`openssl cms -sign\` of the same signed entity (process) | ${fmtMs(signSsl)} | ${fmtX(signSsl / buildOurs.median)} |`,
);
md(`| (before it: \`checkSubmission\` of the 20 MB original) | ${fmtMs(txTime.median)} | |`);
md();
target('build + sign of a 20 MB envelope', '< 150 ms', fmtMs(buildOurs.median), buildOurs.median < 150);

// ---------------------------------------------------------------------------------------------
log('batch of receipts with createVerifier…');
const receipts = [];
// Real messages of receipt size (≤ 20 KB) whose signature and chain are valid: receipts, and the
// small envelopes Sogei's exchange sends as receipts.
let corpusCount = 0;
const gestori = new Set();
if (HAVE_CORPUS) {
  const expected = JSON.parse(readFileSync(join(CORPUS, 'EXPECTED.json'), 'utf8'));
  for (const e of expected) {
    if (e.bytes > 20_000 || e.signatureStatus !== 'intact' || e.chainValidAtSigningTime !== true) continue;
    receipts.push({
      name: e.file,
      kind: e.kind,
      lf: e.eol === 'LF',
      bytes: new Uint8Array(readFileSync(join(CORPUS, e.file))),
    });
    gestori.add(e.gestoreEmittente);
    corpusCount++;
  }
}
{
  const tx = transaction(original(4_000));
  const to = 'protocollo@postacert.example.org';
  const built = [
    await pk.buildReceipt({ kind: 'accettazione', transaction: tx, provider: prov.a, at: AT }),
    await pk.buildReceipt({ kind: 'presa-in-carico', transaction: tx, provider: prov.b, at: AT }),
    await pk.buildReceipt({
      kind: 'avvenuta-consegna',
      transaction: tx,
      recipient: to,
      provider: prov.b,
      at: AT,
    }),
    await pk.buildReceipt({
      kind: 'avvenuta-consegna',
      transaction: tx,
      recipient: to,
      provider: prov.b,
      at: AT,
      providerCompat: true,
    }),
    await pk.buildReceipt({
      kind: 'errore-consegna',
      transaction: tx,
      recipient: to,
      provider: prov.b,
      at: AT,
    }),
  ];
  for (const b of built) receipts.push({ name: `built ${b.kind}`, kind: b.kind, bytes: b.bytes });
}
const batchVerify = pk.createVerifier({ trust: [...pk.DEFAULT_TRUST_ANCHORS, rootPem] });
for (const r of receipts) {
  const rep = await batchVerify(r.bytes);
  if (!rep.valid) throw new Error(`${r.name} does not verify: ${JSON.stringify(rep.issues)}`);
}
const BATCH = Q ? 2_000 : 10_000;
async function batch(inFlight) {
  let next = 0;
  const worker = async () => {
    while (next < BATCH) {
      const r = await batchVerify(receipts[next++ % receipts.length].bytes);
      if (!r.valid) throw new Error('a receipt did not verify');
    }
  };
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}
await batch(1); // warm-up
const seq = [];
const par = [];
for (let i = 0; i < (Q ? 1 : 3); i++) {
  seq.push(await batch(1));
  par.push(await batch(8));
}
const rate = (xs, key) => BATCH / (median(xs.map((x) => x[key])) / 1000);
const sizes = receipts.map((r) => r.bytes.length);
const kindCounts = (list) => {
  const n = new Map();
  for (const r of list) n.set(r.kind, (n.get(r.kind) ?? 0) + 1);
  return [...n].map(([k, c]) => `${c} ${k}`).join(', ');
};
const lfCount = receipts.filter((r) => r.lf).length;
md(`### A batch of ${BATCH.toLocaleString('en')} receipt-size messages (\`createVerifier\`)`);
md();
md(
  `${receipts.length} messages cycled: ${corpusCount} real ones from the corpus (${[...gestori].join(', ')}: ${kindCounts(
    receipts.slice(0, corpusCount),
  )}; ${lfCount} of them stored with LF line endings, which takes the CRLF fallback: a second digest) and ${receipts.length - corpusCount} receipts built with the test PKI by two providers (accettazione, presa-in-carico, avvenuta-consegna completa and provider-compatible, errore-consegna); ${fmtBytes(Math.min(...sizes))}–${fmtBytes(Math.max(...sizes))} each. Each one is fully verified (signature, chain, daticert against the headers) and valid.`,
);
md();
md('| | messages/s (wall) | messages per CPU-second (“per core”) | CPU per message |');
md('| --- | ---: | ---: | ---: |');
for (const [label, xs] of [
  ['one at a time (`await verify(m)` in a loop)', seq],
  ['8 in flight (awaits interleaved; with a caller’s WebCrypto its jobs would overlap with parsing)', par],
]) {
  md(
    `| ${label} | ${rate(xs, 'wall').toFixed(0)} | ${rate(xs, 'cpu').toFixed(0)} | ${((median(xs.map((x) => x.cpu)) / BATCH) * 1000).toFixed(0)} µs |`,
  );
}
md();
md(
  'CPU-seconds are the process’s user + system time, so every thread of the process counts (the garbage collector’s, and libuv’s pool when WebCrypto is used).',
);
md();
const perCore = Math.max(rate(seq, 'cpu'), rate(par, 'cpu'));
target('receipts per second per core', '≥ 2,000', `${perCore.toFixed(0)} /s/core`, perCore >= 2000);

// ---------------------------------------------------------------------------------------------
log('the plain call: verifyPec(bytes) in a loop vs createVerifier vs the raw floor…');
{
  const { plainCallSection } = await import('./plain-call.mjs');
  const section = await plainCallSection({ quick: Q });
  out.push(...section.md);
  targets.push(...section.targets);
}

// ---------------------------------------------------------------------------------------------
log('CLI: pec-kit verify over 1,000 files…');
const cliDir = join(dir, 'cli');
mkdirSync(cliDir);
for (let i = 0; i < 1000; i++)
  writeFileSync(join(cliDir, `m${String(i).padStart(4, '0')}.eml`), receipts[i % receipts.length].bytes);
const trustFile = join(dir, 'trust.pem');
writeFileSync(trustFile, [...pk.DEFAULT_TRUST_ANCHORS, rootPem].join('\n'));
const bin = join(ROOT, 'dist/cli/bin.js');
const cliArgs = [bin, 'verify', '--json', '--trust', trustFile, cliDir];
const cliOk = (r) => {
  if (r.status !== 0) return false;
  const reports = JSON.parse(r.stdout.toString());
  return reports.length === 1000 && reports.every((x) => x.valid);
};
const cli = timeProcess(process.execPath, cliArgs, Q ? 1 : 5, cliOk);
const start = timeProcess(process.execPath, [bin, '--version'], Q ? 2 : 10);
const nodeStart = timeProcess(process.execPath, ['-e', '0'], Q ? 2 : 10);
const cliPeak = processPeak(process.execPath, cliArgs);
md('### `pec-kit verify --json` over 1,000 files');
md();
md('| | wall time |');
md('| --- | ---: |');
md(
  `| \`node dist/cli/bin.js verify --json --trust trust.pem DIR\` (1,000 receipts above, all valid) | ${fmtMs(cli)} |`,
);
md(
  `| of which process start: \`pec-kit --version\` / \`node -e 0\` | ${fmtMs(start)} / ${fmtMs(nodeStart)} |`,
);
if (cliPeak) md(`| peak RSS of the verify run | ${fmtBytes(cliPeak)} |`);
md();
target('1,000 files through the CLI', '< 2 s', fmtMs(cli), cli < 2000);

// ---------------------------------------------------------------------------------------------
log('CLI: 1,000 files on one thread and on all cores…');
{
  const { cliParallelSection } = await import('./cli-parallel.mjs');
  const section = cliParallelSection({ quick: Q });
  out.push(...section.md);
  targets.push(...section.targets);
}

// ---------------------------------------------------------------------------------------------
log('peak memory…');
const memRows = [];
for (const m of messages.filter((x) => x.size >= 1e6))
  memRows.push({ what: `verifyPec ${m.label}`, ...memoryOf('verify', m.file) });
memRows.push({ what: 'parsePec 20 MB', ...memoryOf('parse', m20.file) });
memRows.push({ what: 'postal-mime 20 MB', ...memoryOf('postal-mime', m20.file) });
memRows.push({
  what: 'buildEnvelope 20 MB (input: the transaction’s postacert.eml)',
  ...memoryOf('build', originalFile),
});
const sslPeak = processPeak('openssl', [
  'cms',
  '-verify',
  '-in',
  m20.file,
  '-CAfile',
  caFile,
  '-out',
  '/dev/null',
]);
md('### Peak memory');
md();
md(
  'Extra memory is the peak resident memory during the operation minus what the process held just before (the input included); “total” adds the input once: the message the caller already holds.',
);
md();
md('| operation | message | extra at peak | extra ÷ size | total ÷ size |');
md('| --- | ---: | ---: | ---: | ---: |');
let worstTotal = 0;
for (const r of memRows) {
  const extra = Math.max(0, r.peak - r.before);
  const total = (extra + r.input) / r.size;
  if (!r.what.startsWith('postal-mime')) worstTotal = Math.max(worstTotal, total);
  md(`| ${r.what} | ${fmtBytes(r.size)} | ${fmtBytes(extra)} | ${fmtX(extra / r.size)} | ${fmtX(total)} |`);
}
if (sslPeak)
  md(
    `| \`openssl cms -verify\` 20 MB (whole process, /usr/bin/time) | ${fmtBytes(m20.size)} | ${fmtBytes(sslPeak)} | ${fmtX(sslPeak / m20.size)} | |`,
  );
md();
target(
  'peak memory (worst pec-kit case, input included)',
  '< 3× the message',
  fmtX(worstTotal),
  worstTotal < 3,
);

// ---------------------------------------------------------------------------------------------
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}, ${sslVersion}`;
const loads = `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
const head = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}${Q ? ' (--quick: fewer runs)' : ''}.`,
  `Load average (1 min): ${loads}${loadAtStart > 0.7 ? ' — other processes were using the CPUs, so times are pessimistic and vary between runs' : ''}.`,
  '',
];
const targetLines = [
  '### Targets',
  '',
  '| target | goal | measured | |',
  '| --- | --- | ---: | --- |',
  ...targets.map((t) => `| ${t.what} | ${t.goal} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`),
  '',
];
const report = [...head, ...targetLines, ...out].join('\n');
process.stdout.write(`${report}\n`);

if (opts.write) {
  const doc = join(ROOT, 'docs/performance.md');
  const text = readFileSync(doc, 'utf8');
  const a = text.indexOf('<!-- bench:start -->');
  const b = text.indexOf('<!-- bench:end -->');
  if (a === -1 || b === -1)
    throw new Error('docs/performance.md has no <!-- bench:start --> / <!-- bench:end --> markers');
  writeFileSync(doc, `${text.slice(0, a)}<!-- bench:start -->\n\n${report}\n${text.slice(b)}`);
  log('docs/performance.md updated');
}
rmSync(dir, { recursive: true, force: true });
