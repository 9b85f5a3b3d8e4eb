// Spreads `pec-kit verify` over the cores: this thread and jobs - 1 worker threads, one prepared
// verifier each, results handed back in input order as soon as the prefix is complete.
//
// Why a window: at most `window` items are read and in flight at once, and a result waits only for
// the ones before it, so memory stays flat over a million files and a slow reader of the output
// (a pipe) holds the reading back instead of queueing results. Why paths go to the workers and
// not bytes: a worker reads its own files, so the main thread's share of the work stays small;
// messages cut from a mailbox arrive as bytes and are transferred, not copied.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { FileReport, VerifySetup, WorkItem } from './verify-item.js';

export type { FileReport, VerifySetup, WorkItem } from './verify-item.js';

/** How {@link verifyInOrder} runs. */
export interface PoolOptions {
  /** Threads that verify: the calling thread and `jobs - 1` workers. Default: the available parallelism. */
  jobs?: number;
  /** Most items read and not yet handed back. Default: 16 per job. */
  window?: number;
  /** The worker entry (default: verify-worker.js beside this module). */
  workerUrl?: URL;
}

/** The default number of jobs: one per core the process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

type Source = Iterable<WorkItem> | AsyncIterable<WorkItem>;

// The ordered window over any runner: a FIFO of promises in input order, refilled as the head is
// handed out. Runners never reject for a message (failures are reports), only for a dead worker.
async function* ordered(
  items: Source,
  window: number,
  run: (item: WorkItem) => Promise<FileReport>,
): AsyncGenerator<FileReport> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<WorkItem>)[Symbol.asyncIterator]()
      : (items as Iterable<WorkItem>)[Symbol.iterator]();
  const fifo: Promise<FileReport>[] = [];
  let done = false;
  try {
    for (;;) {
      while (!done && fifo.length < window) {
        const next = await iterator.next();
        if (next.done) done = true;
        else {
          const p = run(next.value);
          p.catch(() => {}); // awaited in order below; this only keeps an early failure handled
          fifo.push(p);
        }
      }
      const head = fifo.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

// The worker as one file (scripts/bundle-cli.mjs, part of the build) starts in half the time of
// the module graph; a build without it (tsc alone) still works.
function workerEntry(): URL {
  const bundle = new URL('./verify-worker.bundle.js', import.meta.url);
  return existsSync(bundle) ? bundle : new URL('./verify-worker.js', import.meta.url);
}

/** Bad trust or CRL material, found by the verifier before any message (a usage error). */
export class SetupError extends Error {
  override name = 'SetupError';
}

/**
 * Verifies `items` and yields one report per item, in input order. With `jobs` > 1, worker
 * threads verify (each with its own verifier prepared from `setup`); with 1, this thread does.
 * Throws {@link SetupError} (on the first result) for bad `setup` material.
 *
 * @example
 * ```ts
 * const items = files.map((f) => ({ name: f, path: f }));
 * for await (const r of verifyInOrder(items, { at: 'now' }, { jobs: 2 })) console.log(JSON.stringify(r));
 * ```
 */
export async function* verifyInOrder(
  items: Source,
  setup: VerifySetup,
  options: PoolOptions = {},
): AsyncGenerator<FileReport> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? defaultJobs()));
  const window = Math.max(1, options.window ?? 16 * jobs);
  const { makeVerifier, verifyItem } = await import('./verify-item.js');
  let verify: ReturnType<typeof makeVerifier>;
  try {
    verify = makeVerifier(setup);
  } catch (e) {
    throw new SetupError((e as Error).message);
  }
  const local = (item: WorkItem): Promise<FileReport> => verifyItem(verify, item);
  // One message at a time (the CLI hashes and verifies with node:crypto, synchronously: nothing
  // would overlap), so that only one message's objects are alive when the collector runs.
  if (jobs === 1) yield* ordered(items, 1, local);
  // This thread verifies too, beside jobs - 1 workers: its verifier is ready at once, while a
  // worker needs ~100 ms to load and prepare its own, and its results need no trip between threads.
  else yield* inWorkers(items, setup, jobs - 1, window, options.workerUrl ?? workerEntry(), local);
}

interface Slot {
  worker: Worker;
  /** Its verifier is prepared (the worker said so): until then it is given nothing. */
  ready: boolean;
  pending: Map<number, { resolve(r: FileReport): void; reject(e: Error): void }>;
}

type FromWorker = { id: number; json: string } | { setupError: string } | { ready: true };

// The JSON text a worker sent for a report, so that printing it does not stringify it again (the
// report is JSON.parse of that text, so JSON.stringify would give the same text).
const jsonTexts = new WeakMap<FileReport, string>();

/** `JSON.stringify(report)`, taken from the worker's text when the report came from one. */
export function reportJson(report: FileReport): string {
  return jsonTexts.get(report) ?? JSON.stringify(report);
}

async function* inWorkers(
  items: Source,
  setup: VerifySetup,
  workers: number,
  window: number,
  url: URL,
  local: (item: WorkItem) => Promise<FileReport>,
): AsyncGenerator<FileReport> {
  const slots: Slot[] = [];
  let failure: Error | null = null;
  const failAll = (e: Error): void => {
    failure ??= e;
    for (const s of slots) {
      for (const w of s.pending.values()) w.reject(failure);
      s.pending.clear();
    }
  };
  for (let i = 0; i < workers; i++) {
    const slot: Slot = {
      worker: new Worker(url, { workerData: { setup } }),
      ready: false,
      pending: new Map(),
    };
    slot.worker.on('message', (m: FromWorker) => {
      if ('setupError' in m) return failAll(new SetupError(m.setupError));
      if ('ready' in m) {
        slot.ready = true;
        return;
      }
      const waiter = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      if (!waiter) return;
      const report = JSON.parse(m.json) as FileReport;
      jsonTexts.set(report, m.json);
      waiter.resolve(report);
    });
    // A worker that dies throwing something other than an Error still gets a readable message.
    slot.worker.on('error', (e: unknown) =>
      failAll(e instanceof Error ? e : new Error(`a verify worker failed: ${inspect(e)}`)),
    );
    slot.worker.on('exit', (code) => failAll(new Error(`a verify worker stopped (exit code ${code})`)));
    slots.push(slot);
  }
  let nextId = 0;
  // This thread's share, one message per turn of the event loop: Node runs every immediate queued
  // before a check phase in that phase, so a setImmediate per message would verify a whole batch
  // before the workers' results (and their requests for more) are read, and a worker would run dry.
  // One immediate at a time, re-armed after each message, lets the poll phase serve them between.
  const localQueue: { item: WorkItem; resolve(r: FileReport): void; reject(e: unknown): void }[] = [];
  let verifying = 0; // 1 while this thread verifies one of them
  let armed = false; // a step is queued or running
  const localStep = (): void => {
    const job = localQueue.shift()!; // armed only with a job waiting
    verifying = 1;
    local(job.item)
      .then(job.resolve, job.reject)
      .finally(() => {
        verifying = 0;
        if (localQueue.length > 0) setImmediate(localStep);
        else armed = false;
      });
  };
  const runLocal = (item: WorkItem): Promise<FileReport> =>
    new Promise<FileReport>((resolve, reject) => {
      localQueue.push({ item, resolve, reject });
      if (!armed) {
        armed = true;
        setImmediate(localStep);
      }
    });
  const run = (item: WorkItem): Promise<FileReport> => {
    if (failure) return Promise.reject(failure);
    // The least busy thread: a slow message does not hold back the others' share. This thread also
    // writes the output, so it takes a message only when it has fewer in hand than every worker.
    // A worker still starting (~100-150 ms: its own bundle, anchors and verifier) gets nothing: what
    // it was given would wait there while this thread, done with its share, waits for it in order.
    let slot: Slot | null = null;
    for (const s of slots) if (s.ready && (!slot || s.pending.size < slot.pending.size)) slot = s;
    if (!slot || localQueue.length + verifying < slot.pending.size) return runLocal(item);
    const to = slot;
    const id = nextId++;
    return new Promise<FileReport>((resolve, reject) => {
      to.pending.set(id, { resolve, reject });
      const bytes = item.bytes;
      if (bytes) {
        // Transfer, not copy: a message that owns its whole buffer moves; a view (a Buffer from Node's
        // shared pool) is copied first, since transferring would detach memory others use.
        const own =
          bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !Buffer.isBuffer(bytes)
            ? bytes
            : new Uint8Array(bytes);
        to.worker.postMessage({ id, item: { ...item, bytes: own } }, [own.buffer as ArrayBuffer]);
      } else to.worker.postMessage({ id, item });
    });
  };
  try {
    yield* ordered(items, window, run);
  } finally {
    failure ??= new Error('the run is over');
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
