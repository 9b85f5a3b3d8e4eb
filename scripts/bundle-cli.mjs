// The CLI and its verify worker as one file each. The worker (dist/cli/verify-worker.bundle.js):
// each worker thread loads and compiles the verifier on its own, and one file instead of ~80
// modules halves its start (~265 ms → ~110 ms to the first result, measured). src/cli/pool.ts
// uses it when present and falls back to dist/cli/verify-worker.js. The CLI itself gets the same
// treatment (dist/cli/main.bundle.js, which src/cli/bin.ts loads when present): its start, before
// the first message, is paid on one core by every run (0.6 → 0.27 s of CPU for ten files).
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

for (const name of ['verify-worker', 'main']) {
  const entry = new URL(`../dist/cli/${name}.js`, import.meta.url).pathname;
  if (!existsSync(entry)) continue;
  await build({
    entryPoints: [entry],
    outfile: new URL(`../dist/cli/${name}.bundle.js`, import.meta.url).pathname,
    bundle: true,
    // fflate (zip exports) stays a package import: its ESM build imports node's "module", a bare
    // name that would look like an undeclared dependency. postal-mime too (130 KB): only
    // `original.parse()` loads it, which verifying never calls.
    external: ['fflate', 'postal-mime'],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'inline',
    logLevel: 'warning',
  });
}
