// Peak memory of one operation, in a fresh process (run by bench/run.mjs, not by hand):
//
//   node --expose-gc bench/mem.mjs <verify|parse|postal-mime|build> FILE
//
// The input is read and the operation warmed up on a small message first; then the peak RSS is
// reset (Linux: /proc/self/clear_refs) and the operation runs once. Prints JSON: the input size,
// the resident memory before, and the peak during the operation (bytes).
import { readFileSync, writeFileSync } from 'node:fs';
import { AT, envelopeOfSize, pem, pk, providers, transaction } from './lib.mjs';

const [op, file] = process.argv.slice(2);
const input = new Uint8Array(readFileSync(file));
const trust = [pem('root.cert.pem')];

function status(field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the peak RSS; false where the kernel does not allow it (then the peak is an upper bound). */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const providersOf = await providers();
const small = (await envelopeOfSize(15_000, providersOf.a)).env.bytes;
let run;
if (op === 'verify') {
  run = async (b) => {
    const r = await pk.verifyPec(b, { trust });
    if (!r.valid) throw new Error(`not valid: ${r.issues.map((i) => i.code).join(', ')}`);
  };
} else if (op === 'parse') {
  run = async (b) => pk.parsePec(b);
} else if (op === 'postal-mime') {
  const PostalMime = (await import('postal-mime')).default;
  run = async (b) => PostalMime.parse(b);
} else if (op === 'build') {
  // FILE is the original message; the transaction is opened before the measurement.
  const provider = providersOf.a;
  const tx = transaction(input);
  run = async (t) => pk.buildEnvelope({ transaction: t, provider, at: AT });
  await run(transaction(pk.parsePec(small).original.raw));
  globalThis.gc();
  globalThis.gc();
  const before = status('VmRSS') ?? process.memoryUsage().rss;
  const exact = resetPeak();
  const built = await run(tx);
  const peak = (exact ? status('VmHWM') : null) ?? process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    `${JSON.stringify({ op, size: built.bytes.length, input: input.length, before, peak, exact })}\n`,
  );
  process.exit(0);
} else throw new Error(`unknown operation ${op}`);

await run(small);
globalThis.gc();
globalThis.gc();
const before = status('VmRSS') ?? process.memoryUsage().rss;
const exact = resetPeak();
await run(input);
const peak = (exact ? status('VmHWM') : null) ?? process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  `${JSON.stringify({ op, size: input.length, input: input.length, before, peak, exact })}\n`,
);
