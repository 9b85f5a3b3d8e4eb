// What the fuzz target exercises, bundled by fuzz/run.mjs into .fuzz/build/pec-kit.js (CommonJS:
// jsfuzz loads targets with require() and instruments only .js files it requires).
export { createVerifier, PecError, parsePec } from '../src/index.js';
