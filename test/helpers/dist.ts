// The compiled package (dist/) for the tests that run it as users do. `npm test` builds it first;
// a test file run on its own builds it when it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './browser.js';

export const CLI = join(ROOT, 'dist/cli/bin.js');

export function ensureDist(): void {
  if (existsSync(join(ROOT, 'dist/index.js')) && existsSync(CLI)) return;
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}
