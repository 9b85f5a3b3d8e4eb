// Prints the suite's totals as one line, `N passed, N failed[, N skipped]`, from Vitest's JSON
// report; a missing report (the run died before the tests) counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const file = new URL('../.test-results/vitest.json', import.meta.url);
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
const failed =
  (r.numFailedTests ?? 0) +
  (r.numRuntimeErrorTestSuites ?? 0) +
  (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
