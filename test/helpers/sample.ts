// Corpus-like signed PEC messages for the tests, made with the test PKI (fixtures/pki): the sample
// transaction of the web verifier (docs/verifier/sample.ts), signed by the fixture providers.
import { buildSampleTransaction, type SampleTransaction } from '../../docs/verifier/sample.js';
import { pki, providerA, providerB } from './build.js';

export { tamper } from './tamper.js';
export { pki as pkiFile };

/** The trust anchor of the test PKI. */
export const TEST_ROOT_PEM = pki('root.cert.pem');

/** A fixed acceptance instant, inside the validity of the test provider certificates. */
export const SAMPLE_AT = new Date('2025-03-14T10:30:00Z');

/** The sample transaction sent from pec.example.it (provider) to postacert.example.org (provider2). */
export async function testTransaction(at: Date = SAMPLE_AT): Promise<SampleTransaction> {
  return buildSampleTransaction({
    sender: await providerA(),
    recipient: await providerB(),
    at,
    // Fixed, so that what the tests show (and the web verifier's screenshot) is the same on every run.
    identificativo: 'opec210312.20250314113000.04242.42.1.7@pec.example.it',
  });
}
