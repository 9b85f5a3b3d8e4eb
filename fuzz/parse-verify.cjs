// jsfuzz target: every input goes through parsePec and verifyPec. The contract under test
// (DESIGN.md principle 5): parsePec throws nothing but PecError; verifyPec never rejects on
// message content. Anything else is a crash; a hang is caught by jsfuzz --timeout.
// Run through `npm run fuzz` (fuzz/run.mjs), which builds .fuzz/build/pec-kit.js first.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const BUILD = path.join(__dirname, '../.fuzz/build');

/**
 * Loads the dependency bundle without going through require.extensions, where jsfuzz's istanbul
 * hook instruments every file (.cjs included): the dependencies would bring thousands of coverage
 * counters that jsfuzz sums after every execution (2 ms each, the whole budget). Coverage then
 * guides through pec-kit's own code; the dependencies still run, uninstrumented.
 */
function loadUninstrumented(file) {
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(readFileSync(file, 'utf8'), file);
  m.loaded = true;
  require.cache[file] = m;
  return m.exports;
}
loadUninstrumented(path.join(BUILD, 'deps.cjs'));

const lib = require(path.join(BUILD, 'pec-kit.js'));

// The test PKI root: synthetic seeds verify all the way through the chain code.
const verify = lib.createVerifier({
  trust: [readFileSync(path.join(__dirname, '../fixtures/pki/root.cert.pem'), 'utf8')],
});

/**
 * jsfuzz awaits the target when it is a native async function. verifyPec runs parsePec first and
 * turns its PecErrors into report issues, rethrowing anything else: one call checks both halves
 * of the contract (a separate parsePec call would only halve the executions per second).
 */
async function fuzz(buf) {
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const report = await verify(bytes);
  if (typeof report.valid !== 'boolean') throw new Error('verifyPec returned no verdict');
}

module.exports = { fuzz };
