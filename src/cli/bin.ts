#!/usr/bin/env node
// The `pec-kit` executable: everything lives in main.ts so tests can run the CLI in-process.
import { run } from './main.js';

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
