#!/usr/bin/env node
// The `pec-kit` executable: everything lives in main.ts so tests can run the CLI in-process.
import { run } from './main.js';

// A reader that stops early (`pec-kit verify --jsonl big/ | head`) closes the pipe: stop quietly,
// as command-line tools do, instead of a stack trace for EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(2);
});

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
