// Writes a few small signed synthetic PEC messages (test PKI) into the seed corpus directory
// given as argv[2]. Run by fuzz/run.mjs through tsx; fixtures/malformed is copied by run.mjs.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeEntity } from '../src/mime/write.js';
import { enc, latin1, syntheticPec } from '../test/helpers/synthetic.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: seeds.ts DIR');

const seeds: Record<string, Uint8Array> = {};
for (const kind of ['accettazione', 'posta-certificata', 'avvenuta-consegna'] as const) {
  // Without the CA certificate the messages stay under 5 KB: mutations keep them whole.
  seeds[`seed-${kind}.eml`] = (await syntheticPec({ kind, withChain: false })).bytes;
}
const full = await syntheticPec({ kind: 'accettazione' });
seeds['seed-accettazione-chain.eml'] = full.bytes;
seeds['seed-accettazione-lf.eml'] = enc(latin1(full.bytes).replace(/\r\n/g, '\n'));
seeds['seed-wrapped.eml'] = writeEntity({
  kind: 'multipart',
  subtype: 'mixed',
  boundary: 'seed-wrapper',
  headers: [
    ['From', 'lista@example.it'],
    ['MIME-Version', '1.0'],
  ],
  parts: [
    { kind: 'text', text: 'Inoltro.' },
    { kind: 'message', message: seeds['seed-accettazione.eml']!, filename: 'fwd.eml' },
  ],
});
for (const [name, bytes] of Object.entries(seeds)) writeFileSync(resolve(dir, name), bytes);
process.stdout.write(`wrote ${Object.keys(seeds).length} signed seeds to ${dir}\n`);
