// `pec-kit verify --jsonl` keeps memory flat however many messages: the command of the built CLI
// runs in a child process (test/helpers/jsonl-memory.mjs) that samples the heap after a full GC
// every 1,000 output lines, over 5,000 small files (one thread and two) and an mbox file of 5,000
// messages. Growth is measured by count, not time; a run that keeps its lines is the control that
// shows the sampler sees growth. A --resume run that skips 4,000 earlier lines holds none of them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/browser.js';
import { CLI, ensureDist } from './helpers/dist.js';
import { TEST_ROOT_PEM, testTransaction } from './helpers/sample.js';

const N = 5000;
let dir = '';
beforeAll(async () => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-jsonl-memory-'));
  writeFileSync(join(dir, 'root.pem'), TEST_ROOT_PEM);
  const receipt = (await testTransaction()).accettazione;
  mkdirSync(join(dir, 'files'));
  for (let i = 0; i < N; i++)
    writeFileSync(join(dir, 'files', `r${String(i).padStart(4, '0')}.eml`), receipt);
  const tiny = (i: number) =>
    `From sender@example.it Fri Mar 14 10:30:00 2025\nFrom: a@example.it\nSubject: message ${i}\n\nbody\n\n`;
  writeFileSync(join(dir, 'big.mbox'), Array.from({ length: N }, (_, i) => tiny(i)).join(''));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sample(
  args: string[],
  retain = false,
): { samples: [number, number][]; lines: number; code: number } {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      join(ROOT, 'test/helpers/jsonl-memory.mjs'),
      '1000',
      ...(retain ? ['--retain'] : []),
      '--',
      ...args,
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`sampler failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Heap growth from the first sample (1,000 lines) to the largest later one. */
const growth = (samples: [number, number][]): number =>
  Math.max(...samples.slice(1).map(([, h]) => h)) - samples[0]![1];

const MB = 1024 * 1024;

describe('pec-kit verify --jsonl: memory by message count', () => {
  it.each([['1'], ['2']])(
    `${N} files on %s thread(s): under 1.5 MB of heap growth from 1,000 to ${N}`,
    (jobs) => {
      const r = sample(['-j', jobs, '--trust', 'root.pem', 'files']);
      expect(r.code).toBe(0);
      expect(r.lines).toBe(N);
      expect(r.samples.map(([n]) => n)).toEqual([1000, 2000, 3000, 4000, 5000]);
      expect(growth(r.samples)).toBeLessThan(1.5 * MB);
    },
  );

  it(`an mbox file of ${N} messages is read as a stream: flat too, and the control grows`, () => {
    const flat = sample(['-j', '1', 'big.mbox']);
    expect(flat.lines).toBe(N);
    expect(flat.code).toBe(1); // not PEC messages
    expect(growth(flat.samples)).toBeLessThan(1.5 * MB);
    // Keeping the 4,000 later lines (~0.6 KB each) must show up, or the sampler proves nothing.
    const kept = sample(['-j', '1', 'big.mbox'], true);
    expect(growth(kept.samples)).toBeGreaterThan(2 * MB);
  });

  it('--resume reads the earlier lines one at a time: skipping 4,000 holds nothing', () => {
    const plain = sample(['-j', '1', 'big.mbox']);
    const all = spawnSync(process.execPath, [CLI, 'verify', '--jsonl', '-j', '1', 'big.mbox'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }).stdout;
    writeFileSync(join(dir, 'earlier.jsonl'), `${all.split('\n').slice(0, 4000).join('\n')}\n`);
    const resumed = sample(['-j', '1', '--resume', 'earlier.jsonl', 'big.mbox']);
    expect(resumed.lines).toBe(N - 4000);
    expect(resumed.code).toBe(1);
    // The heap at the 1,000th line printed: after 1,000 messages, and after 4,000 skipped + 1,000.
    // Kept, the 4,000 reports read back (~0.6 KB of JSON each) would add several MB.
    expect(resumed.samples[0]![1] - plain.samples[0]![1]).toBeLessThan(1 * MB);
  });
});
