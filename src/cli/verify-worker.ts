// A verify worker of `pec-kit verify --jobs N` (src/cli/pool.ts): prepares one verifier from the
// setup it was started with, then verifies each item it is sent and posts the report back.
import { parentPort, workerData } from 'node:worker_threads';
import { makeVerifier, type VerifySetup, verifyItem, type WorkItem } from './verify-item.js';

const port = parentPort;
if (!port) throw new Error('verify-worker.js runs as a worker thread of pec-kit verify');
let verify: ReturnType<typeof makeVerifier> | null = null;
try {
  verify = makeVerifier((workerData as { setup: VerifySetup }).setup);
} catch (e) {
  port.postMessage({ setupError: (e as Error).message });
}
port.on('message', (m: { id: number; item: WorkItem }) => {
  if (!verify) return;
  // Several items in flight per worker: one's WebCrypto jobs overlap with parsing the next.
  // The report goes over as its JSON text, the one the CLI prints: a valid report's `certified`
  // holds the original message with its lazy readers (functions), which structured clone refuses,
  // and the main thread writes --jsonl lines from the text as it is.
  void verifyItem(verify, m.item).then((report) =>
    port.postMessage({ id: m.id, json: JSON.stringify(report) }),
  );
});
