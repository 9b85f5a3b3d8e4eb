// A verify worker of `pec-kit verify --jobs N` (src/cli/pool.ts): prepares one verifier from the
// setup it was started with, says it is ready, then verifies each item it is sent and posts the
// report back.
import { parentPort, workerData } from 'node:worker_threads';
import { makeVerifier, type VerifySetup, verifyItem, type WorkItem } from './verify-item.js';

const port = parentPort;
if (!port) throw new Error('verify-worker.js runs as a worker thread of pec-kit verify');
let verify: ReturnType<typeof makeVerifier> | null = null;
try {
  verify = makeVerifier((workerData as { setup: VerifySetup }).setup);
  port.postMessage({ ready: true }); // the pool sends items only from now on
} catch (e) {
  port.postMessage({ setupError: (e as Error).message });
}

// One message at a time, in arrival order: started as they arrive, the dozen items the pool
// queues here would interleave at every await and all be alive at once, for the collector to
// copy. The report goes over as its JSON text, the one the CLI prints: a valid report's
// `certified` holds the original message with its lazy readers (functions), which structured
// clone refuses, and the main thread writes --jsonl lines from the text as it is.
const queue: { id: number; item: WorkItem }[] = [];
let busy = false;
async function drain(v: NonNullable<typeof verify>): Promise<void> {
  busy = true;
  for (let next = queue.shift(); next; next = queue.shift()) {
    const report = await verifyItem(v, next.item);
    port!.postMessage({ id: next.id, json: JSON.stringify(report) });
  }
  busy = false;
}
port.on('message', (m: { id: number; item: WorkItem }) => {
  if (!verify) return;
  queue.push(m);
  if (!busy) void drain(verify);
});
