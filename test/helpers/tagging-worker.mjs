// A stand-in verify worker for test/pool.test.ts: answers every item at once with a report that
// names the thread it came from, so the test can see which thread verified what.
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', (m) => {
  parentPort.postMessage({
    id: m.id,
    json: JSON.stringify({ file: m.item.name, status: 'valid', thread: threadId }),
  });
});
