/**
 * `pec-kit/testing`: what an app needs to test its PEC handling, kept out of the main entry so that
 * what ships in production is only what an app uses there. `createTestPki` makes a throwaway
 * PEC-profile PKI (root, PEC CA, provider certificates) whose signatures pec-kit verifies when the
 * root is trusted.
 *
 * @example
 * ```ts
 * import { createTestPki } from 'pec-kit/testing';
 * const pki = await createTestPki();
 * const provider = await pki.provider('pec.example.it');
 * ```
 * @packageDocumentation
 * @module pec-kit/testing
 */
export { createTestPki, type TestPki, type TestPkiOptions, type TestProvider } from './test-pki.js';
