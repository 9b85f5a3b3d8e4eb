#!/usr/bin/env node
// Builds the web verifier (docs/verifier/app.ts + the library) into one classic script,
// docs/verifier/pec-kit.js: IIFE so that index.html also works when opened from disk (file://),
// where module scripts are refused. `pec-kit` resolves to src/index.ts (the same code as dist/).
//
//   node scripts/build-web.mjs [outfile]        (default: docs/verifier/pec-kit.js)
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? `${root}docs/verifier/pec-kit.js`;

await esbuild.build({
  entryPoints: [`${root}docs/verifier/app.ts`],
  outfile,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  alias: { 'pec-kit/testing': `${root}src/testing/index.ts`, 'pec-kit': `${root}src/index.ts` },
  logLevel: 'warning',
});
console.log(`web verifier built: ${outfile}`);
