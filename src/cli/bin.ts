#!/usr/bin/env node
// The `pec-kit` executable: everything lives in main.ts so tests can run the CLI in-process.
// The build also writes main.ts and what it loads as one file (scripts/bundle-cli.mjs): one file
// to read and compile instead of ~100 modules, a shorter start for every run.
import { existsSync } from 'node:fs';

const bundle = new URL('./main.bundle.js', import.meta.url);
const { run } = (await import(existsSync(bundle) ? bundle.href : './main.js')) as typeof import('./main.js');

// A reader that stops early (`pec-kit verify --jsonl big/ | head`) closes the pipe: stop quietly,
// as command-line tools do, instead of a stack trace for EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(2);
});

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
