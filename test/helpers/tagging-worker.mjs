// A stand-in verify worker for test/pool.test.ts: answers every item at once with a report that
// names the thread it came from, so the test can see which thread verified what. With
// workerData.readyAfter (ms) it says it is ready only after that long, and tags any item that
// reached it before (`early`): the pool must send none.
import { parentPort, threadId, workerData } from 'node:worker_threads';

let ready = false;
const becomeReady = () => {
  ready = true;
  parentPort.postMessage({ ready: true });
};
const delay = workerData?.setup?.readyAfter;
if (delay) setTimeout(becomeReady, delay);
else becomeReady();

parentPort.on('message', (m) => {
  parentPort.postMessage({
    id: m.id,
    json: JSON.stringify({ file: m.item.name, status: 'valid', thread: threadId, early: !ready }),
  });
});
