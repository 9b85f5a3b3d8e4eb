// `pec-kit inspect`: what a message says, without a trust verdict.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { displayText } from '../display.js';
import { type PecMessage, parsePec } from '../reading/parse.js';
import { issueText } from '../verify/messages-it.js';
import { kindName, type Lang, SEVERITY_TAG } from './assessment.js';
import { expandTargets } from './files.js';
import { type Io, pickLang, readAllStdin, UsageError } from './io.js';
import { styleFor } from './style.js';

export const INSPECT_HELP = `Usage: pec-kit inspect [--json] [--lang it|en] FILE...  (- reads standard input)

Shows what a PEC message says: its kind, the PEC headers, every daticert.xml field, the
original message (postacert.eml) and its attachments, and any disagreement between the
unsigned headers and the signed data. No trust verdict: use "pec-kit verify" for that.

Options:
  --json       print one JSON array of { file, kind, headers, daticert, original, issues }
  --lang it|en language of the text output (default: LANG, else English); JSON is the same
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

// The labels of the text output. Every value printed beside them is the message's own text (or
// a file's name), passed through displayText: shown, never obeyed.
const TEXT = {
  en: {
    unverified:
      'NOT VERIFIED: what the message says, with no signature or chain check ("pec-kit verify" tells whether it is certified)',
    provider: 'provider',
    at: 'at',
    sender: 'sender',
    recipient: 'recipient',
    subject: 'subject',
    id: 'id',
    msgid: 'msgid',
    error: 'error',
    delivered: 'delivered',
    takenFor: 'taken for',
    receipt: 'receipt',
    really: 'really',
    original: 'original',
    noId: '(no Message-ID)',
    from: 'from',
    attachment: 'attachment',
    unnamed: '(unnamed)',
    bytes: 'bytes',
    hash: 'hash',
    notSha1: '(not a SHA-1)',
    nested: 'nested',
    detail: 'detail',
  },
  it: {
    unverified:
      'NON VERIFICATO: è ciò che il messaggio dichiara, senza controllo di firma né di catena ("pec-kit verify" dice se è certificato)',
    provider: 'gestore',
    at: 'il',
    sender: 'mittente',
    recipient: 'destinatario',
    subject: 'oggetto',
    id: 'id',
    msgid: 'msgid',
    error: 'errore',
    delivered: 'consegna',
    takenFor: 'in carico',
    receipt: 'ricevuta',
    really: 'in realtà',
    original: 'originale',
    noId: '(senza Message-ID)',
    from: 'da',
    attachment: 'allegato',
    unnamed: '(senza nome)',
    bytes: 'byte',
    hash: 'impronta',
    notSha1: '(non è uno SHA-1)',
    nested: 'contenuto',
    detail: 'dettaglio tecnico',
  },
} as const;

// The labels that head a line (the others are words inside a value).
const LABELS = [
  'provider',
  'sender',
  'recipient',
  'subject',
  'id',
  'msgid',
  'error',
  'delivered',
  'takenFor',
  'receipt',
  'original',
  'nested',
] as const;

const LABEL_WIDTH: Record<Lang, number> = {
  en: Math.max(...LABELS.map((k) => TEXT.en[k].length)),
  it: Math.max(...LABELS.map((k) => TEXT.it[k].length)),
};

function human(file: string, pec: PecMessage, io: Io, lang: Lang): void {
  const s = styleFor(io.stdout);
  const t = TEXT[lang];
  // Labels padded to the language's longest, so that the values form one column.
  const line = (label: string, value: string) =>
    io.out(`  ${label.padEnd(LABEL_WIDTH[lang])} ${displayText(value)}`);
  io.out(
    `${s.bold(displayText(file))}: ${kindName(pec.kind, lang)}${pec.kind === 'non-pec' ? '' : ` (${pec.kind})`}`,
  );
  io.out(`  ${s.yellow(t.unverified)}`);
  const d = pec.daticert;
  if (d) {
    line(
      t.provider,
      `${d.gestoreEmittente}   ${t.at} ${d.data.giorno} ${d.data.ora} (${d.data.zona})  = ${d.dataUtc}`,
    );
    line(t.sender, d.mittente);
    for (const r of d.destinatari) line(t.recipient, `${r.address} (${r.tipo})`);
    if (d.oggetto !== null) line(t.subject, d.oggetto);
    line(t.id, d.identificativo);
    if (d.msgid) line(t.msgid, d.msgid);
    if (d.errore !== 'nessuno') line(t.error, `${d.errore}${d.erroreEsteso ? ` - ${d.erroreEsteso}` : ''}`);
    if (d.consegna) line(t.delivered, d.consegna);
    for (const r of d.ricezione) line(t.takenFor, r);
    if (d.ricevutaTipo) {
      const form = 'deliveryForm' in pec ? pec.deliveryForm : null;
      line(t.receipt, `${d.ricevutaTipo}${form && form !== d.ricevutaTipo ? ` (${t.really} ${form})` : ''}`);
    }
  } else if (pec.headers.subject) line(t.subject, pec.headers.subject);
  const o = pec.original;
  if (o) {
    line(t.original, `${o.messageId ?? t.noId} "${o.subject ?? ''}" ${t.from} ${o.from ?? '?'}`);
    for (const a of o.attachments)
      line(`  ${t.attachment}`, `${a.filename ?? t.unnamed} ${a.contentType} ${a.size} ${t.bytes}`);
  }
  if ('hashes' in pec)
    for (const h of pec.hashes) line(`  ${t.hash}`, `${h.filename}: ${h.sha1 ?? t.notSha1}`);
  for (const n of pec.nested) line(t.nested, `${n.kind} ${n.daticert?.identificativo ?? ''}`);
  for (const i of pec.issues) {
    const tag = SEVERITY_TAG[lang][i.severity];
    const styled =
      i.severity === 'error' ? s.red(tag) : i.severity === 'warning' ? s.yellow(tag) : s.dim(tag);
    const meaning = lang === 'it' ? issueText(i.code, 'it') : null;
    io.out(`  ${styled} ${i.code}: ${displayText(meaning ?? i.message)}`);
    if (meaning) io.out(`        ${s.dim(`${t.detail}: ${displayText(i.message)}`)}`);
  }
}

export async function inspectCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const lang = pickLang(values.lang, io.env ?? process.env);
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
      if (!values.json) io.err(`${displayText(t.file)}: ${displayText(t.error)}`);
      continue;
    }
    try {
      const bytes =
        'stdin' in t ? await (io.readStdin ?? readAllStdin)() : new Uint8Array(await readFile(t.file));
      const pec = parsePec(bytes);
      if (values.json) out.push(inspectJson(t.file, pec));
      else human(t.file, pec, io, lang);
    } catch (e) {
      failed = true;
      const message = (e as Error).message;
      out.push({
        file: t.file,
        kind: null,
        error: message,
        issues: [{ code: (e as { code?: string }).code ?? 'READ_ERROR', severity: 'error', message }],
      });
      if (!values.json) io.err(`${displayText(t.file)}: ${displayText(message)}`);
    }
  }
  if (values.json) io.out(JSON.stringify(out, null, 2));
  return failed ? 2 : 0;
}
