// Runs `pec-kit verify --jsonl` in this process (the built CLI's run(), dist/cli/main.js) and
// samples the heap after a full GC every `every` output lines: memory by count, not by time.
//   node --expose-gc test/helpers/jsonl-memory.mjs EVERY [--retain] -- VERIFY-ARGS...
// Prints {"samples":[[lines, heapBytes], ...], "lines": N, "code": C}. --retain keeps every line
// (what a command that collects its output does), to show the sampler sees growth.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('../..', import.meta.url).pathname;
const [everyArg, ...rest] = process.argv.slice(2);
const every = Number(everyArg);
const retain = rest[0] === '--retain';
const args = rest.slice(rest.indexOf('--') + 1);
const { run } = await import(pathToFileURL(join(ROOT, 'dist/cli/main.js')).href);
const kept = [];
const samples = [];
let lines = 0;
const sink = { isTTY: false, write: () => true, writableNeedDrain: false };
const io = {
  out: (line) => {
    lines++;
    if (retain) kept.push(line);
    if (lines % every === 0) {
      globalThis.gc();
      samples.push([lines, process.memoryUsage().heapUsed]);
    }
  },
  err: () => {},
  stdout: sink,
  stderr: sink,
};
const code = await run(['verify', '--jsonl', ...args], io);
process.stdout.write(`${JSON.stringify({ samples, lines, code, kept: kept.length })}\n`);
