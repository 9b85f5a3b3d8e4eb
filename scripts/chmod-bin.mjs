// The compiled CLI entry must be executable for `npx pec-kit` from a packed tarball.
import { chmodSync, existsSync } from 'node:fs';

const bin = new URL('../dist/cli/bin.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
