// `pec-kit demo`: the README's first command. Simulates a PEC transaction from a bundled sample,
// verifies every message it produced with the library (trusting the generated test CA) and prints
// what happened. Exit 0 only when every message verifies.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeUtf8 } from '../bytes.js';
import { displayText } from '../display.js';
import { createVerifier } from '../verify/verify.js';
import { DEMO_FAILURES, DEMO_ORIGINAL } from './demo-sample.js';
import type { Io } from './io.js';
import { parseAtOption, runSimulation } from './simulate-command.js';
import { styleFor } from './style.js';

export const DEMO_HELP = `Usage: pec-kit demo [options]

Simulates one PEC transaction from a bundled sample message (mario.rossi@pec.example.it writes
to two recipients at pec.example.org and one in Cc, asking for a "breve" delivery receipt; one
mailbox does not exist), with a test PKI made on the fly. Then verifies every message it
produced (signature, chain to the generated CA, daticert) and prints a table.

Options:
  --out DIR          also write the messages, ca.pem, transaction.json and the sample original
  --provider-compat  look like real providers (SHA-1, x-pkcs7-signature, CTE binary, HTML)
  --at ISO-8601      acceptance time (default now)
  -h, --help         show this help

Exit status: 0 every message verifies, 1 some message does not, 2 usage errors.

Examples:
  npx pec-kit demo
  pec-kit demo --out demo/ && pec-kit inspect demo/05-*.eml`;

export async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'provider-compat': { type: 'boolean' },
      at: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(DEMO_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    io.err(`pec-kit demo: unexpected argument "${positionals[0]}"\n\n${DEMO_HELP}`);
    return 2;
  }
  const style = styleFor(io.stdout);
  const original = encodeUtf8(DEMO_ORIGINAL);
  io.out(style.bold('pec-kit demo: one PEC transaction, both providers simulated'));
  io.out(
    style.dim(
      'sample: mario.rossi@pec.example.it → protocollo@ and tributi@pec.example.org, Cc archivio@pec.example.it; X-TipoRicevuta: breve; tributi@ does not exist',
    ),
  );
  const result = await runSimulation(original, {
    at: parseAtOption(values.at),
    fail: DEMO_FAILURES,
    providerCompat: values['provider-compat'] === true,
  });
  io.out(`identificativo ${result.record.identificativo}\n`);
  const verify = createVerifier({ trust: [result.caPem] });
  const rows: [string, string, string, string][] = [];
  let allValid = true;
  for (const f of result.files) {
    const report = await verify(f.bytes);
    allValid &&= report.valid;
    const detail = [
      f.built.deliveryForm,
      f.built.daticert?.errore !== 'nessuno' ? f.built.daticert?.errore : null,
      f.recipient,
    ]
      .filter(Boolean)
      .join(' ');
    rows.push([
      f.name,
      f.kind,
      report.valid
        ? 'valid'
        : `INVALID (${report.issues
            .filter((i) => i.severity === 'error')
            .map((i) => i.code)
            .join(', ')})`,
      detail,
    ]);
  }
  const w = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length), c === 0 ? 4 : 4));
  io.out(`${'file'.padEnd(w[0]!)}  ${'kind'.padEnd(w[1]!)}  valid`);
  for (const [file, kind, valid, detail] of rows) {
    const v = valid === 'valid' ? style.green(valid) : style.red(valid);
    io.out(`${file.padEnd(w[0]!)}  ${kind.padEnd(w[1]!)}  ${v}${detail ? `  ${style.dim(detail)}` : ''}`);
  }
  if (values.out) {
    const dir = values.out;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'original.eml'), original);
    for (const f of result.files) await writeFile(join(dir, f.name), f.bytes);
    await writeFile(join(dir, 'ca.pem'), result.caPem);
    await writeFile(join(dir, 'transaction.json'), `${JSON.stringify(result.record, null, 2)}\n`);
    io.out(`\nwrote ${result.files.length} messages, ca.pem and transaction.json to ${displayText(dir)}`);
  }
  io.out(
    allValid
      ? `\n${style.green(`all ${rows.length} messages verify`)}. Next: pec-kit simulate your.eml --out out/`
      : `\n${style.red('some messages do not verify')}`,
  );
  return allValid ? 0 : 1;
}
