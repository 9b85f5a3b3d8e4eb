#!/usr/bin/env node
// Work per byte on adversarial shapes: header values built to make a reader quadratic (parameters
// without "=", unclosed comments, runs of encoded words, address punctuation), each about 1 MB,
// against an ordinary message of the same size. `verifyPec` on each, median of a few runs.
//
//   node --expose-gc bench/hostile.mjs            # prints the Markdown table
//   node --expose-gc bench/hostile.mjs --write    # … and puts it into docs/performance.md
//
// Run it after `npm run build` (it measures dist/). Nothing here is a test: the "goal" column
// reports, it does not fail. The hostile certificate bags (31 CAs of one name, huge RSA
// exponents) are not timed here: test/chain-work.test.ts counts their signature checks.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fmtMs, median, pk, ROOT } from './lib.mjs';

const { values: opts } = parseArgs({ options: { write: { type: 'boolean' }, runs: { type: 'string' } } });
const RUNS = Number(opts.runs ?? 5);
const SIZE = 1_000_000;
const CRLF = '\r\n';
const bytes = (s) => new Uint8Array(Buffer.from(s, 'latin1'));

/** A multipart message whose parts carry `header` (each block under maxHeaderBytes), ~SIZE bytes. */
function withPartHeaders(header) {
  const parts = [];
  let size = 0;
  while (size < SIZE) {
    const p = `--b${CRLF}${header}${CRLF}${CRLF}x${CRLF}`;
    parts.push(p);
    size += p.length;
  }
  return bytes(
    [
      'From: a@example.com',
      'To: b@example.com',
      'Subject: hostile',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      parts.join('') + `--b--${CRLF}`,
    ].join(CRLF),
  );
}

/** A message whose top-level `name` header is `unit` repeated to ~200 KB (one block stays under
 * maxHeaderBytes), and a body that brings it to ~SIZE bytes. */
function withTopHeader(name, unit) {
  const value = unit.repeat(Math.floor(200_000 / unit.length));
  return bytes(
    [`${name}: ${value}`, 'From: a@example.com', 'To: b@example.com', 'MIME-Version: 1.0', '', 'body'].join(
      CRLF,
    ) +
      CRLF +
      'x'.repeat(SIZE - value.length),
  );
}

const cases = [
  [
    'ordinary message (baseline): 1 MB text body',
    bytes(`From: a@example.com${CRLF}To: b@example.com${CRLF}Subject: s${CRLF}${CRLF}${'x'.repeat(SIZE)}`),
  ],
  [
    'Content-Type parameters without "=" (`;a;a;a…`, 200 KB per part)',
    withPartHeaders(`Content-Type: text/plain${';a'.repeat(100_000)}`),
  ],
  [
    'Content-Type with 25,000 real parameters per part',
    withPartHeaders(
      `Content-Type: text/plain${Array.from({ length: 25_000 }, (_, i) => `;p${i}=v`).join('')}`,
    ),
  ],
  [
    'Content-Disposition quoted values with escapes',
    withPartHeaders(`Content-Disposition: attachment; filename="${'\\"'.repeat(90_000)}"`),
  ],
  ['Date with unclosed comments (`((((…`)', withTopHeader('Date', '(')],
  ['Subject of adjacent encoded words', withTopHeader('Subject', '=?utf-8?q?a?= ')],
  ['Subject of unterminated encoded words (`=?a?b?…`)', withTopHeader('Subject', '=?a?b?')],
  ['From of angle brackets and quotes (`<"<"…`)', withTopHeader('From', '<"')],
  ['To of 50,000 addresses', withTopHeader('To', 'x@example.com, ')],
];

const rows = [];
let base = null;
for (const [label, msg] of cases) {
  await pk.verifyPec(msg); // warm-up
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    const t = performance.now();
    await pk.verifyPec(msg);
    times.push(performance.now() - t);
  }
  const ms = median(times);
  base ??= ms;
  rows.push(
    `| ${label} | ${(msg.length / 1e6).toFixed(2)} MB | ${fmtMs(ms)} | ${((ms * 1000) / (msg.length / 1024)).toFixed(1)} µs | ${fmtMs(Math.max(0, ms - base))} | ${ms - base <= 50 ? 'met' : '**not met**'} |`,
  );
  process.stderr.write(`${label}: ${fmtMs(ms)}\n`);
}

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, median of ${RUNS} runs of \`verifyPec\` after a warm-up.`,
  '',
  '| shape | size | `verifyPec` | per KB | beyond the baseline | goal: ≤ 50 ms beyond |',
  '| --- | ---: | ---: | ---: | ---: | --- |',
  ...rows,
].join('\n');
process.stdout.write(`${table}\n`);

if (opts.write) {
  const file = join(ROOT, 'docs/performance.md');
  const doc = readFileSync(file, 'utf8');
  const start = '<!-- hostile:start -->';
  const end = '<!-- hostile:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i === -1 || j === -1) throw new Error('docs/performance.md has no hostile markers');
  writeFileSync(file, `${doc.slice(0, i + start.length)}\n\n${table}\n\n${doc.slice(j)}`);
}
