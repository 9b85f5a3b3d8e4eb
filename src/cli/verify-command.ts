// `pec-kit verify`: the CI command. Exit 0 when every message is valid, 1 when any is not,
// 2 on usage or read errors. One process for any number of files.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Io, UsageError } from './io.js';
import { defaultJobs, SetupError, verifyInOrder } from './pool.js';
import { progressBar, styleFor } from './style.js';
import type { FileReport } from './verify-item.js';
import { drained, jsonArrayWriter, sourcesFor } from './verify-stream.js';

export type { FileReport } from './verify-item.js';

export const VERIFY_HELP = `Usage: pec-kit verify [options] PATH...

Verifies PEC messages: the CMS signature over the signed bytes, the provider certificate
chain against the PEC trust anchors (AgID CA1, DigitPA CA1) and the signed daticert against
the headers. PATH is a file, a folder (walked recursively, hidden files skipped), a glob, an
mbox file (each message, named FILE#N with its byte offset), a Maildir folder (cur/, new/)
or a .zip export (each entry, named ARCHIVE#ENTRY).

Options:
  --trust FILE        trust these CA certificates (PEM/DER) instead of the embedded anchors; repeatable
  --crl FILE          honour this CRL (PEM/DER); repeatable
  --at WHEN           judge the chain at signing-time (default), now, or an ISO-8601 instant
  --json              print one JSON array, an object per message
  --jsonl             print one JSON object per line, as each message is done (in input order)
  -j, --jobs N        verify on N threads (default: one per core; one for fewer than 100 files)
  --mbox-format FMT   how mbox files escape "From " lines: mboxrd (default) or mboxo
  -h, --help          show this help

Output keeps the order of the input whatever --jobs is; it is written as results arrive, so a
long run can be piped and read while it runs, in flat memory.

Exit status: 0 all valid, 1 some message is not valid, 2 usage or read error.

Examples:
  pec-kit verify receipts/
  pec-kit verify --json --at now inbox/*.eml > report.json
  pec-kit verify --jsonl archive.mbox Maildir/ export.zip | jq -c 'select(.valid | not)'
  pec-kit verify --trust my-test-ca.pem out/envelope.eml`;

function parseAt(value: string | undefined): string | undefined {
  if (value === undefined || value === 'signing-time' || value === 'now') return value;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new UsageError(`--at expects signing-time, now or an ISO-8601 instant, got "${value}"`);
  return d.toISOString();
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,3}$/.test(value))
    throw new UsageError(`--jobs expects a whole number from 1, got "${value}"`);
  return Number(value);
}

function parseMboxFormat(value: string | undefined): 'mboxrd' | 'mboxo' | undefined {
  if (value === undefined || value === 'mboxrd' || value === 'mboxo') return value;
  throw new UsageError(`--mbox-format expects mboxrd or mboxo, got "${value}"`);
}

// Below this many files the default is one thread: starting a worker costs more than it saves.
const FEW_FILES = 100;

async function readAll(files: readonly string[], what: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const f of files) {
    try {
      out.push(new Uint8Array(await readFile(f)));
    } catch (e) {
      throw new UsageError(`cannot read ${what} ${f}: ${(e as Error).message}`);
    }
  }
  return out;
}

export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trust: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      at: { type: 'string' },
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      jobs: { type: 'string', short: 'j' },
      'mbox-format': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(VERIFY_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('verify needs at least one PATH');
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl exclude each other');
  const at = parseAt(values.at);
  const jobsGiven = parseJobs(values.jobs);
  const mboxVariant = parseMboxFormat(values['mbox-format']);
  const trust = values.trust ? await readAll(values.trust, 'trust file') : undefined;
  const crls = values.crl ? await readAll(values.crl, 'CRL file') : undefined;
  const { items, total } = await sourcesFor(positionals, { mboxVariant });
  // Given --jobs is taken as it is; by default all cores, except for a handful of files.
  const jobs = jobsGiven ?? (total !== null && total < FEW_FILES ? 1 : defaultJobs());
  const style = styleFor(io.stdout);
  const bar = progressBar(io.stderr, total ?? 0, !values.json && !values.jsonl);
  const array = values.json ? jsonArrayWriter(io.out) : null;
  let count = 0;
  let unreadable = 0;
  let valid = 0;
  try {
    // Results arrive in input order, as soon as the ones before them are done: each is written
    // at once and then dropped, so memory does not grow with the number of messages.
    for await (const r of verifyInOrder(items, { trust, crls, at }, { jobs })) {
      count++;
      if ('error' in r) unreadable++;
      else if (r.valid) valid++;
      bar.tick(r.file);
      if (values.jsonl) io.out(JSON.stringify(r));
      else if (array) array.item(r);
      else printReport(r, io, style);
      await drained(io.stdout);
    }
  } catch (e) {
    if (e instanceof SetupError) throw new UsageError(`bad --trust/--crl material: ${e.message}`);
    throw e;
  }
  bar.done();
  if (array) array.end();
  else if (!values.jsonl)
    io.out(style.bold(`${valid} valid, ${count - valid - unreadable} invalid, ${unreadable} unreadable`));
  if (unreadable > 0) return 2;
  return valid === count ? 0 : 1;
}

function printReport(r: FileReport, io: Io, style: ReturnType<typeof styleFor>): void {
  if ('error' in r) {
    io.out(`${style.red('UNREADABLE')} ${r.file}: ${r.error}`);
    return;
  }
  const verdict = r.valid ? style.green('VALID  ') : style.red('INVALID');
  const when = r.signature.signingTime ? ` signed ${r.signature.signingTime}` : '';
  const by = r.signature.signer ? ` by ${r.signature.signer.email ?? r.signature.signer.subject}` : '';
  io.out(`${verdict} ${r.file}  ${style.dim(`${r.kind}${by}${when}`)}`);
  for (const i of r.issues) {
    if (i.severity === 'info' && r.valid) continue;
    const tag =
      i.severity === 'error'
        ? style.red('error')
        : i.severity === 'warning'
          ? style.yellow('warn ')
          : style.dim('info ');
    io.out(`    ${tag} ${i.code}: ${i.message}`);
  }
}
