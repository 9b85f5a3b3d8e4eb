// src/cli/pool.ts: with --jobs N the main thread verifies beside N - 1 workers, results come back
// in input order whoever verified them, and a worker's JSON text is printed as it came.
import { describe, expect, it } from 'vitest';
import { reportJson, verifyInOrder, type WorkItem } from '../src/cli/pool.js';

const items = (n: number): WorkItem[] =>
  Array.from({ length: n }, (_, i) => ({ name: `m${i}`, bytes: new TextEncoder().encode('not a message') }));
// Items that come in over time, in bursts of ten 5 ms apart, as files read from a slow disk: this
// thread's share of 'not a message' items takes microseconds, so without a pause it would be done
// before a worker started; within a burst, several items are in flight at once.
async function* slowly(list: WorkItem[]): AsyncGenerator<WorkItem> {
  for (const [i, item] of list.entries()) {
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    yield item;
  }
}
const WORKER = new URL('./helpers/tagging-worker.mjs', import.meta.url);

describe('verifyInOrder', () => {
  it('shares the work between this thread and the workers, in input order', async () => {
    const seen: { file: string; thread?: number }[] = [];
    for await (const r of verifyInOrder(slowly(items(300)), {}, { jobs: 3, workerUrl: WORKER }))
      seen.push(r as unknown as { file: string; thread?: number });
    expect(seen.map((r) => r.file)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    const local = seen.filter((r) => r.thread === undefined).length;
    const threads = new Set(seen.map((r) => r.thread).filter((t) => t !== undefined));
    expect(threads.size).toBe(2); // jobs - 1 workers
    expect(local).toBeGreaterThan(0); // and this thread
    expect(local).toBeLessThan(300);
  });

  it("prints a worker's report from its JSON text, and a local one by stringifying it", async () => {
    for await (const r of verifyInOrder(slowly(items(80)), {}, { jobs: 2, workerUrl: WORKER })) {
      const text = reportJson(r);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(r)));
      if ((r as unknown as { thread?: number }).thread !== undefined) expect(text).toContain('"thread"');
      else expect(r.status).toBe('not-a-message');
    }
  });

  it('gives a worker nothing before it says it is ready, and this thread verifies meanwhile', async () => {
    const seen: { file: string; thread?: number; early?: boolean }[] = [];
    // readyAfter reaches the stand-in worker as part of its setup (workerData.setup).
    const setup = { readyAfter: 100 } as unknown as Parameters<typeof verifyInOrder>[1];
    for await (const r of verifyInOrder(slowly(items(300)), setup, { jobs: 2, workerUrl: WORKER }))
      seen.push(r as unknown as { file: string; thread?: number; early?: boolean });
    expect(seen.map((r) => r.file)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    const fromWorker = seen.filter((r) => r.thread !== undefined);
    expect(fromWorker.length).toBeGreaterThan(0); // it did get work once ready
    expect(fromWorker.some((r) => r.early)).toBe(false); // and none before
    // The first items (ten per 5 ms, the worker ready after 100 ms) were all verified here.
    expect(seen.slice(0, 50).every((r) => r.thread === undefined)).toBe(true);
  });

  it('one job verifies on this thread only', async () => {
    const seen = [];
    for await (const r of verifyInOrder(items(20), {}, { jobs: 1, workerUrl: WORKER })) seen.push(r);
    expect(seen.every((r) => r.status === 'not-a-message')).toBe(true);
  });

  it('a worker that dies throwing a non-Error fails the run with a readable message', async () => {
    const run = async () => {
      for await (const _ of verifyInOrder(
        slowly(items(200)),
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
