// src/cli/pool.ts: with --jobs N the main thread verifies beside N - 1 workers, results come back
// in input order whoever verified them, and a worker's JSON text is printed as it came.
import { describe, expect, it } from 'vitest';
import { reportJson, verifyInOrder, type WorkItem } from '../src/cli/pool.js';

const items = (n: number): WorkItem[] =>
  Array.from({ length: n }, (_, i) => ({ name: `m${i}`, bytes: new TextEncoder().encode('not a message') }));
const WORKER = new URL('./helpers/tagging-worker.mjs', import.meta.url);

describe('verifyInOrder', () => {
  it('shares the work between this thread and the workers, in input order', async () => {
    const seen: { file: string; thread?: number }[] = [];
    for await (const r of verifyInOrder(items(300), {}, { jobs: 3, workerUrl: WORKER }))
      seen.push(r as unknown as { file: string; thread?: number });
    expect(seen.map((r) => r.file)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    const local = seen.filter((r) => r.thread === undefined).length;
    const threads = new Set(seen.map((r) => r.thread).filter((t) => t !== undefined));
    expect(threads.size).toBe(2); // jobs - 1 workers
    expect(local).toBeGreaterThan(0); // and this thread
    expect(local).toBeLessThan(300);
  });

  it("prints a worker's report from its JSON text, and a local one by stringifying it", async () => {
    for await (const r of verifyInOrder(items(40), {}, { jobs: 2, workerUrl: WORKER })) {
      const text = reportJson(r);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(r)));
      if ((r as unknown as { thread?: number }).thread !== undefined) expect(text).toContain('"thread"');
      else expect(r.status).toBe('not-a-message');
    }
  });

  it('one job verifies on this thread only', async () => {
    const seen = [];
    for await (const r of verifyInOrder(items(20), {}, { jobs: 1, workerUrl: WORKER })) seen.push(r);
    expect(seen.every((r) => r.status === 'not-a-message')).toBe(true);
  });

  it('a worker that dies throwing a non-Error fails the run with a readable message', async () => {
    const run = async () => {
      for await (const _ of verifyInOrder(
        items(50),
        {},
        {
          jobs: 2,
          workerUrl: new URL('./helpers/throwing-worker.mjs', import.meta.url),
        },
      ));
    };
    await expect(run()).rejects.toThrow(/a verify worker failed: \{ reason: 'not an Error' \}/);
  });
});
