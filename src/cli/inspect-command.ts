// `pec-kit inspect`: what a message says, without a trust verdict.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { KINDS } from '../kinds.js';
import { type PecMessage, parsePec } from '../reading/parse.js';
import { expandTargets } from './files.js';
import { type Io, readAllStdin, UsageError } from './io.js';
import { styleFor } from './style.js';

export const INSPECT_HELP = `Usage: pec-kit inspect [--json] FILE...  (- reads standard input)

Shows what a PEC message says: its kind, the PEC headers, every daticert.xml field, the
original message (postacert.eml) and its attachments, and any disagreement between the
unsigned headers and the signed data. No trust verdict: use "pec-kit verify" for that.

Options:
  --json       print one JSON array of { file, kind, headers, daticert, original, issues }
  -h, --help   show this help

Examples:
  pec-kit inspect CONSEGNA.eml
  pec-kit inspect --json inbox/ | jq '.[].daticert.consegna'`;

/** The JSON shape of one inspected file. */
export function inspectJson(file: string, pec: PecMessage): Record<string, unknown> {
  const o = pec.original;
  return {
    file,
    kind: pec.kind,
    headers: pec.headers,
    daticert: pec.daticert,
    deliveryForm: 'deliveryForm' in pec ? pec.deliveryForm : null,
    original: o
      ? {
          messageId: o.messageId,
          subject: o.subject,
          from: o.from,
          to: o.to,
          cc: o.cc,
          date: o.date,
          xRiferimentoMessageId: o.xRiferimentoMessageId,
          attachments: o.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            disposition: a.disposition,
            size: a.size,
          })),
        }
      : null,
    hashes: 'hashes' in pec ? pec.hashes : [],
    nested: pec.nested.map((n) => inspectJson(`${file}#nested`, n)),
    issues: pec.issues,
  };
}

function human(file: string, pec: PecMessage, io: Io): void {
  const s = styleFor(io.stdout);
  const name =
    pec.kind === 'non-pec' ? 'ordinary e-mail (not PEC)' : `${KINDS[pec.kind].italian} (${pec.kind})`;
  io.out(`${s.bold(file)}: ${name}`);
  const d = pec.daticert;
  if (d) {
    io.out(
      `  provider   ${d.gestoreEmittente}   at ${d.data.giorno} ${d.data.ora} (${d.data.zona})  = ${d.dataUtc}`,
    );
    io.out(`  sender     ${d.mittente}`);
    for (const r of d.destinatari) io.out(`  recipient  ${r.address} (${r.tipo})`);
    if (d.oggetto !== null) io.out(`  subject    ${d.oggetto}`);
    io.out(`  id         ${d.identificativo}`);
    if (d.msgid) io.out(`  msgid      ${d.msgid}`);
    if (d.errore !== 'nessuno')
      io.out(`  error      ${d.errore}${d.erroreEsteso ? ` - ${d.erroreEsteso}` : ''}`);
    if (d.consegna) io.out(`  delivered  ${d.consegna}`);
    for (const r of d.ricezione) io.out(`  taken for  ${r}`);
    if (d.ricevutaTipo)
      io.out(
        `  receipt    ${d.ricevutaTipo}${'deliveryForm' in pec && pec.deliveryForm && pec.deliveryForm !== d.ricevutaTipo ? ` (really ${pec.deliveryForm})` : ''}`,
      );
  } else if (pec.headers.subject) io.out(`  subject    ${pec.headers.subject}`);
  const o = pec.original;
  if (o) {
    io.out(`  original   ${o.messageId ?? '(no Message-ID)'} "${o.subject ?? ''}" from ${o.from ?? '?'}`);
    for (const a of o.attachments)
      io.out(`    attachment ${a.filename ?? '(unnamed)'} ${a.contentType} ${a.size} bytes`);
  }
  if ('hashes' in pec)
    for (const h of pec.hashes) io.out(`    hash       ${h.filename}: ${h.sha1 ?? '(not a SHA-1)'}`);
  for (const n of pec.nested) io.out(`  nested     ${n.kind} ${n.daticert?.identificativo ?? ''}`);
  for (const i of pec.issues)
    io.out(
      `  ${i.severity === 'error' ? s.red('error') : i.severity === 'warning' ? s.yellow('warn ') : s.dim('info ')} ${i.code}: ${i.message}`,
    );
}

export async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(INSPECT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('inspect needs at least one FILE');
  const { targets } = await expandTargets(positionals);
  const out: Record<string, unknown>[] = [];
  let failed = false;
  for (const t of targets) {
    if ('error' in t) {
      failed = true;
      out.push({
        file: t.file,
        kind: null,
        error: t.error,
        issues: [{ code: 'READ_ERROR', severity: 'error', message: t.error }],
      });
      if (!values.json) io.err(`${t.file}: ${t.error}`);
      continue;
    }
    try {
      const bytes =
        'stdin' in t ? await (io.readStdin ?? readAllStdin)() : new Uint8Array(await readFile(t.file));
      const pec = parsePec(bytes);
      if (values.json) out.push(inspectJson(t.file, pec));
      else human(t.file, pec, io);
    } catch (e) {
      failed = true;
      const message = (e as Error).message;
      out.push({
        file: t.file,
        kind: null,
        error: message,
        issues: [{ code: (e as { code?: string }).code ?? 'READ_ERROR', severity: 'error', message }],
      });
      if (!values.json) io.err(`${t.file}: ${message}`);
    }
  }
  if (values.json) io.out(JSON.stringify(out, null, 2));
  return failed ? 2 : 0;
}
