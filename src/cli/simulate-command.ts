// `pec-kit simulate`: plays both providers for one submission and writes every message of the
// transaction, the CA certificate to trust and the provider log (transaction.json) into a folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { latin1 } from '../bytes.js';
import { importSigner } from '../cms/signer.js';
import { displayText } from '../display.js';
import { isPecError } from '../errors.js';
import { type Io, UsageError } from './io.js';
import { type Failure, type GivenIdentity, type SimulationResult, simulate } from './simulation.js';
import { styleFor } from './style.js';

export const SIMULATE_HELP = `Usage: pec-kit simulate ORIGINAL.eml --out DIR [options]

Plays both PEC providers for one submission of ORIGINAL.eml (an ordinary RFC 5322 message, as
a mail client submits it) and writes every message of the transaction into DIR: the transport
envelope, the acceptance (or the non-acceptance when the formal checks fail), the presa in
carico, per recipient the delivery receipt (completa/breve/sintetica as X-TipoRicevuta asks; Cc
recipients get sintetica) or the failure notices, plus ca.pem (the CA to trust) and
transaction.json (the provider log: ids, times, sender, recipients, events and file names).
Every message is signed by a throwaway test PKI made on the fly, unless --cert/--key/--ca
give one identity that then plays both providers.

Options:
  --out DIR             folder to write into (created if missing)
  --cert FILE           provider certificate (PEM/DER), SAN posta-certificata@<domain>
  --key FILE            its PKCS#8 private key (PEM/DER)
  --ca FILE             CA certificate(s) (PEM): embedded in signatures and written as ca.pem
  --fail ADDR=REASON    make delivery to ADDR fail; REASON is no-dest, no-dominio, virus or
                        timeout (12 h and 24 h notices); repeatable
  --sha1                sign with SHA-1 (as real providers still do)
  --provider-compat     look like real providers: SHA-1, x-pkcs7-signature, CTE binary, HTML
  --at ISO-8601         acceptance time (default now); later events follow it
  --mail-from ADDR      SMTP MAIL FROM (default the From address)
  --rcpt ADDR           SMTP RCPT TO (default every To and Cc address); repeatable
  --pec-domain DOMAIN   only these domains are PEC (others are esterno); repeatable
  --json                print transaction.json instead of the file list
  -h, --help            show this help

Exit status: 0 the transaction was simulated (also when the submission is refused: the
non-acceptance is written), 2 usage, read or build errors.

Examples:
  pec-kit simulate mail.eml --out out/
  pec-kit simulate mail.eml --out out/ --fail ufficio@pec.example.org=no-dest --at 2025-07-01T10:00:00Z
  pec-kit simulate mail.eml --out out/ --cert provider.cert.pem --key provider.key.pem --ca pec-ca.cert.pem
  pec-kit verify --trust out/ca.pem 'out/*.eml'`;

const REASONS: readonly Failure[] = ['no-dest', 'no-dominio', 'virus', 'timeout'];

/** Parses `--fail ADDR=REASON` values. */
export function parseFailures(values: readonly string[] | undefined): Map<string, Failure> {
  const out = new Map<string, Failure>();
  for (const v of values ?? []) {
    const eq = v.lastIndexOf('=');
    const address = v.slice(0, eq).trim().toLowerCase();
    const reason = v.slice(eq + 1).trim() as Failure;
    if (eq <= 0 || !address.includes('@') || !REASONS.includes(reason)) {
      throw new UsageError(`--fail expects ADDRESS=${REASONS.join('|')}, got "${v}"`);
    }
    out.set(address, reason);
  }
  return out;
}

/** Parses `--at`. */
export function parseAtOption(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new UsageError(`--at expects an ISO-8601 instant, got "${value}"`);
  return d;
}

async function readOrUsage(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

async function identityFrom(cert: string, key: string, ca: string): Promise<GivenIdentity> {
  const [certificate, privateKey, caBytes] = await Promise.all([
    readOrUsage(cert, '--cert'),
    readOrUsage(key, '--key'),
    readOrUsage(ca, '--ca'),
  ]);
  const caPem = latin1(caBytes);
  let signer: GivenIdentity['signer'];
  try {
    signer = await importSigner({ certificate, privateKey, chain: caBytes });
  } catch (e) {
    throw new UsageError(`--cert/--key/--ca: ${(e as Error).message}`);
  }
  if (!signer.email?.startsWith('posta-certificata@')) {
    throw new UsageError(
      `--cert: the certificate e-mail is ${signer.email ?? '(none)'}, expected posta-certificata@<domain>`,
    );
  }
  const o = signer.certificate.subject.rdns.flat().find((a) => a.type === '2.5.4.10');
  const name = o?.value ?? `Gestore ${signer.email.slice(18)}`;
  return { signer, caPem, name };
}

/** Shared by simulate and demo: turns build errors into a clean message. */
export async function runSimulation(
  original: Uint8Array,
  options: Parameters<typeof simulate>[1],
): Promise<SimulationResult> {
  try {
    return await simulate(original, options);
  } catch (e) {
    if (isPecError(e))
      throw new UsageError(
        `cannot simulate this message (${(e as { code: string }).code}): ${(e as Error).message}`,
      );
    throw e;
  }
}

export async function simulateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      ca: { type: 'string' },
      fail: { type: 'string', multiple: true },
      sha1: { type: 'boolean' },
      'provider-compat': { type: 'boolean' },
      at: { type: 'string' },
      'mail-from': { type: 'string' },
      rcpt: { type: 'string', multiple: true },
      'pec-domain': { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(SIMULATE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('simulate needs exactly one ORIGINAL.eml');
  if (!values.out) throw new UsageError('simulate needs --out DIR');
  const given = [values.cert, values.key, values.ca].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 3) throw new UsageError('--cert, --key and --ca go together');
  const original = await readOrUsage(positionals[0]!, 'original');
  const identity = given === 3 ? await identityFrom(values.cert!, values.key!, values.ca!) : undefined;
  const result = await runSimulation(original, {
    at: parseAtOption(values.at),
    fail: parseFailures(values.fail),
    providerCompat: values['provider-compat'] === true,
    ...(values.sha1 ? { digest: 'sha1' as const } : {}),
    ...(identity ? { identity } : {}),
    ...(values['mail-from'] ? { mailFrom: values['mail-from'] } : {}),
    ...(values.rcpt ? { rcptTo: values.rcpt } : {}),
    ...(values['pec-domain'] ? { pecDomains: values['pec-domain'] } : {}),
  });
  const dir = values.out;
  await mkdir(dir, { recursive: true });
  for (const f of result.files) await writeFile(join(dir, f.name), f.bytes);
  await writeFile(join(dir, 'ca.pem'), result.caPem);
  await writeFile(join(dir, 'transaction.json'), `${JSON.stringify(result.record, null, 2)}\n`);
  if (values.json) {
    io.out(JSON.stringify(result.record, null, 2));
    return 0;
  }
  const style = styleFor(io.stdout);
  const r = result.record;
  io.out(
    `${r.accepted ? style.green('accepted') : style.red('not accepted')}  identificativo ${r.identificativo}`,
  );
  // The original's addresses and the output folder are the caller's text: shown, never obeyed.
  const shown = displayText;
  for (const reason of r.reasons) io.out(`  ${style.red(reason.code)}: ${shown(reason.message)}`);
  for (const f of result.files)
    io.out(`  ${shown(join(dir, f.name))}  ${style.dim(shown(`${f.kind}${f.note ? ` (${f.note})` : ''}`))}`);
  for (const e of r.external)
    io.out(
      `  ${style.dim(`${shown(e)}: not a PEC address, gets the envelope as ordinary mail and no receipt`)}`,
    );
  io.out(`  ${shown(join(dir, 'ca.pem'))}  ${style.dim('the CA to trust')}`);
  io.out(`  ${shown(join(dir, 'transaction.json'))}  ${style.dim('the provider log')}`);
  io.out(
    `Check them with: pec-kit verify --trust ${shown(join(dir, 'ca.pem'))} '${shown(join(dir, '*.eml'))}'`,
  );
  return 0;
}
