// The registry this project is built against does not carry every platform build of Biome, so
// `npm install` writes a package-lock.json without them and `npm ci` then refuses the lock as out
// of sync. This adds the missing entries (optional, with their os/cpu/libc, never installed on a
// non-matching machine). Run it after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
const biome = packages['node_modules/@biomejs/biome'];
let added = 0;
for (const dep of Object.keys(biome.optionalDependencies ?? {})) {
  const key = `node_modules/${dep}`;
  if (packages[key]) continue;
  const [, os, cpu, libc] = /^@biomejs\/cli-([a-z0-9]+)-([a-z0-9]+)(?:-(musl))?$/.exec(dep) ?? [];
  if (!os) continue;
  packages[key] = {
    version: biome.optionalDependencies[dep],
    cpu: [cpu],
    dev: true,
    ...(libc ? { libc: [libc] } : os === 'linux' ? { libc: ['glibc'] } : {}),
    license: 'MIT OR Apache-2.0',
    optional: true,
    os: [os],
    engines: { node: '>=14.21.3' },
  };
  added++;
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entries added`);
