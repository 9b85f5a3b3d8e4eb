// `pec-kit verify`: the CI command. Exit 0 when every message is valid, 1 when any is not (or, with
// --strict, carries a warning or a file is not a message), 2 on usage or read errors and when
// nothing at all was verified. One process for any number of files.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { displayText } from '../display.js';
import type { VerificationReport } from '../verify/verify.js';
import { inputText, type Lang, reportText } from './assessment.js';
import { type Io, pickLang, UsageError } from './io.js';
import { defaultJobs, reportJson, SetupError, verifyInOrder } from './pool.js';
import { type ResumeSummary, resumeItems, stdoutIsFile } from './resume.js';
import { progressBar, styleFor } from './style.js';
import type { FileReport, FileStatus } from './verify-item.js';
import { drained, jsonArrayWriter, sourcesFor } from './verify-stream.js';

export type { FileReport, FileStatus } from './verify-item.js';

export const VERIFY_HELP = `Usage: pec-kit verify [options] PATH...

Verifies PEC messages: the CMS signature over the signed bytes, the provider certificate
chain against the PEC trust anchors (AgID CA1, DigitPA CA1) and the signed daticert against
the headers. PATH is a file, a folder (walked recursively: hidden files skipped, symbolic
links followed, each folder once), a glob, - for standard input, an mbox file (each message,
named FILE#N, with the byte offset of its From line), a Maildir folder (cur/ and new/) or a
.zip export (each entry, named ARCHIVE#ENTRY). Files that are not e-mail (README, JSON,
PEM, PDF, Outlook .msg, empty) are reported as "not a message".

Options:
  --trust FILE       trust these CA certificates (PEM/DER) instead of the embedded anchors;
                     repeatable (a chain to a test or added CA reads "trusted by your
                     configuration"; to AgID/DigitPA CA1 still "a trusted PEC provider")
  --crl FILE         honour this CRL (PEM/DER); repeatable
  --at WHEN          judge the chain at signing-time (default), now, or an ISO-8601 instant
  --min-rsa-bits N   smallest RSA key accepted in the chain (default 2048, at least 1024)
  --legacy-keys-until DATE
                     certificates expired before DATE may have 1024-bit keys, with a
                     warning (default 2018-01-01; none: never)
  --max-clock-skew S how far ahead of the clock a signing time may be, in seconds (default 300)
  --include GLOB     verify only files matching GLOB (a name like '*.eml', or a path with /);
                     repeatable
  --exclude GLOB     leave out files matching GLOB; repeatable
  --strict           warnings and files that are not messages count as failures (exit 1)
  --allow CODE       with --strict, a warning with this code does not count; repeatable
                     (real PEC providers sign with SHA-1: --allow SIGNATURE_SHA1)
  -q, --quiet        print only the files that fail, their errors and the summary
  --json             print one JSON array, an object per message
  --jsonl            print one JSON object per line, as each message is done (in input order)
  --resume FILE      with --jsonl: continue an interrupted run whose output is FILE, after its
                     last line (same PATHs, same folder; append: >> FILE)
  -j, --jobs N       verify on N threads, this one and N-1 workers (default: one per core;
                     one for fewer than 100 files)
  --mbox-format FMT  how mbox files escape "From " lines: mboxrd (default) or mboxo
  --lang it|en       language of the text output (default: LANG, else English); JSON is
                     always the same
  -h, --help         show this help

Output keeps the input order whatever --jobs is, and is written as results arrive: a long
run can be piped and read while it runs, in flat memory.

Exit status: 0 every message valid; 1 some message not valid (with --strict: or a warning,
or a file that is not a message); 2 usage or read error, or nothing verified (no file found,
all filtered out, none a message).

Examples:
  pec-kit verify receipts/
  pec-kit verify --json --at now inbox/*.eml > report.json
  pec-kit verify --strict --allow SIGNATURE_SHA1 --exclude '*.md' archive/
  pec-kit verify --jsonl archive.mbox Maildir/ export.zip | jq -c 'select(.valid | not)'
  pec-kit verify --jsonl --resume out.jsonl archive/ >> out.jsonl
  cat CONSEGNA.eml | pec-kit verify --lang it -`;

/** `value` as an ISO-8601 instant (it must start with a date), or null when it is not one. */
function isoInstant(value: string): string | null {
  const d = new Date(value);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
}

function parseAt(value: string | undefined): string | undefined {
  if (value === undefined || value === 'signing-time' || value === 'now') return value;
  const iso = isoInstant(value);
  if (iso === null)
    throw new UsageError(`--at expects signing-time, now or an ISO-8601 instant, got "${value}"`);
  return iso;
}

function parseMinRsaBits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1024)
    throw new UsageError(`--min-rsa-bits expects a number of bits from 1024, got "${value}"`);
  return Number(value);
}

function parseLegacyKeysUntil(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const iso = isoInstant(value);
  if (iso === null)
    throw new UsageError(`--legacy-keys-until expects an ISO-8601 date or none, got "${value}"`);
  return iso;
}

function parseClockSkew(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,7}$/.test(value))
    throw new UsageError(`--max-clock-skew expects a whole number of seconds, got "${value}"`);
  return Number(value) * 1000;
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

const TEXT = {
  en: {
    status: {
      valid: 'VALID  ',
      invalid: 'INVALID',
      'not-a-message': 'NOT A MESSAGE',
      unreadable: 'UNREADABLE',
    } satisfies Record<FileStatus, string>,
    strictWarn: 'WARNING',
    summary: (v: number, i: number, n: number, u: number) =>
      `${v} valid, ${i} invalid, ${n} not a message, ${u} unreadable`,
    by: 'by',
    signed: 'signed',
    claimedBy: 'certificate of',
    claimedSigned: 'claimed signing time',
    certified: 'certified',
    contains: 'contains',
    part: 'part',
    nothingFound: 'nothing verified: no file was found under the PATHs given',
    nothingFiltered: (n: number) => `nothing verified: all ${n} files were left out by --include/--exclude`,
    nothingMessage: (n: number) =>
      `nothing verified: none of the ${n} files is an e-mail message (see the lines above)`,
    loops: (n: number) => `${n} symbolic link(s) to a folder already walked were not walked again`,
    resumed: (s: ResumeSummary, file: string) =>
      s.missing
        ? `--resume: ${file} does not exist; every message is verified`
        : s.skipped === 0 && s.tornBytes === 0
          ? `--resume: ${file} is empty, nothing to skip (a > redirection empties it first: append with >>)`
          : `--resume: ${s.skipped} message(s) already in ${file} skipped${
              s.tornBytes === 0
                ? ''
                : s.tornRemoved
                  ? `; its last line, cut by the interruption (${s.tornBytes} bytes), was removed and its message is verified again`
                  : `; its last line is cut (${s.tornBytes} bytes): its message is verified again, and ${file} is left as it is`
            }`,
  },
  it: {
    status: {
      valid: 'VALIDO    ',
      invalid: 'NON VALIDO',
      'not-a-message': 'NON È UN MESSAGGIO',
      unreadable: 'ILLEGGIBILE',
    } satisfies Record<FileStatus, string>,
    strictWarn: 'AVVISO    ',
    summary: (v: number, i: number, n: number, u: number) =>
      `${v} validi, ${i} non validi, ${n} non messaggi, ${u} illeggibili`,
    by: 'da',
    signed: 'firmato',
    claimedBy: 'firmatario dichiarato',
    claimedSigned: 'ora di firma dichiarata',
    certified: 'certificato',
    contains: 'contiene',
    part: 'parte',
    nothingFound: 'nessuna verifica: nessun file trovato nei PATH indicati',
    nothingFiltered: (n: number) => `nessuna verifica: tutti i ${n} file sono esclusi da --include/--exclude`,
    nothingMessage: (n: number) =>
      `nessuna verifica: nessuno dei ${n} file è un messaggio e-mail (vedi le righe sopra)`,
    loops: (n: number) => `${n} collegamenti simbolici a cartelle già esaminate non sono stati riesaminati`,
    resumed: (s: ResumeSummary, file: string) =>
      s.missing
        ? `--resume: ${file} non esiste; si verificano tutti i messaggi`
        : s.skipped === 0 && s.tornBytes === 0
          ? `--resume: ${file} è vuoto, niente da saltare (la redirezione > lo svuota prima: per aggiungere usare >>)`
          : `--resume: ${s.skipped} messaggi già presenti in ${file} saltati${
              s.tornBytes === 0
                ? ''
                : s.tornRemoved
                  ? `; la sua ultima riga, troncata dall'interruzione (${s.tornBytes} byte), è stata rimossa e il suo messaggio viene verificato di nuovo`
                  : `; la sua ultima riga è troncata (${s.tornBytes} byte): il suo messaggio viene verificato di nuovo e ${file} resta com'è`
            }`,
  },
} as const;

export async function verifyCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trust: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      at: { type: 'string' },
      'min-rsa-bits': { type: 'string' },
      'legacy-keys-until': { type: 'string' },
      'max-clock-skew': { type: 'string' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      strict: { type: 'boolean' },
      allow: { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      resume: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      'mbox-format': { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(VERIFY_HELP);
    return 0;
  }
  const env = io.env ?? process.env;
  const lang = pickLang(values.lang, env);
  const w = TEXT[lang];
  if (positionals.length === 0) throw new UsageError('verify needs at least one PATH');
  if (positionals.filter((p) => p === '-').length > 1)
    throw new UsageError('standard input (-) can be read only once');
  if (values.json && values.jsonl) throw new UsageError('--json and --jsonl exclude each other');
  if (values.resume !== undefined && !values.jsonl)
    throw new UsageError('--resume continues a --jsonl run: add --jsonl');
  if (values.resume === '') throw new UsageError('--resume expects the FILE of the earlier --jsonl run');
  const at = parseAt(values.at);
  const policy = {
    minRsaBits: parseMinRsaBits(values['min-rsa-bits']),
    legacyKeysUntil: parseLegacyKeysUntil(values['legacy-keys-until']),
    maxClockSkew: parseClockSkew(values['max-clock-skew']),
  };
  const jobsGiven = parseJobs(values.jobs);
  const mboxVariant = parseMboxFormat(values['mbox-format']);
  const trust = values.trust ? await readAll(values.trust, 'trust file') : undefined;
  const crls = values.crl ? await readAll(values.crl, 'CRL file') : undefined;
  const sources = await sourcesFor(positionals, {
    include: values.include,
    exclude: values.exclude,
    mboxVariant,
    readStdin: io.readStdin,
  });
  // A given --jobs is taken as it is; by default all cores, except for a handful of files.
  const jobs = jobsGiven ?? (sources.total !== null && sources.total < FEW_FILES ? 1 : defaultJobs());
  const style = styleFor(io.stdout, env);
  const bar = progressBar(io.stderr, sources.total ?? 0, !values.json && !values.jsonl && !values.quiet);
  const array = values.json ? jsonArrayWriter(io.out) : null;
  const counts: Record<FileStatus, number> = { valid: 0, invalid: 0, 'not-a-message': 0, unreadable: 0 };
  let total = 0;
  let anyFails = false;
  const allowed = new Set(values.allow ?? []);
  const strictWarnings = (r: FileReport): FileReport['issues'] =>
    values.strict ? r.issues.filter((i) => i.severity === 'warning' && !allowed.has(i.code)) : [];
  const fails = (r: FileReport): boolean =>
    r.status === 'invalid' ||
    r.status === 'unreadable' ||
    (values.strict === true && (r.status === 'not-a-message' || strictWarnings(r).length > 0));
  try {
    // Results arrive in input order, as soon as the ones before them are done (on --jobs threads):
    // each is written at once and dropped, so memory does not grow with the number of messages.
    // Bad --trust/--crl material is found by the verifier before the first result.
    const tally = (r: FileReport): boolean => {
      total++;
      counts[r.status]++;
      const failed = fails(r);
      anyFails ||= failed;
      return failed;
    };
    // With --resume the messages FILE already reports are skipped, and count as reported there.
    const resume = values.resume;
    const items =
      resume === undefined
        ? sources.items
        : resumeItems(sources.items, resume, stdoutIsFile((io.stdout as { fd?: number }).fd, resume), {
            skipped: tally,
            caughtUp: (s) => io.err(`pec-kit verify: ${displayText(w.resumed(s, resume))}`),
          });
    for await (const r of verifyInOrder(items, { trust, crls, at, ...policy }, { jobs })) {
      const failed = tally(r);
      bar.tick(r.file);
      if (values.jsonl) io.out(reportJson(r));
      else if (array) array.item(r);
      else if (!values.quiet || failed)
        printText(r, io, style, lang, strictWarnings(r).length > 0, values.quiet === true);
      await drained(io.stdout);
    }
  } catch (e) {
    if (e instanceof SetupError) throw new UsageError(`bad --trust/--crl material: ${e.message}`);
    throw e;
  }
  bar.done();
  if (array) array.end();
  else if (!values.jsonl) {
    const summary = w.summary(counts.valid, counts.invalid, counts['not-a-message'], counts.unreadable);
    if (!values.quiet || anyFails) io.out(style.bold(summary));
  }
  if (sources.loops > 0 && !values.quiet) io.err(`pec-kit verify: ${w.loops(sources.loops)}`);
  const verified = counts.valid + counts.invalid;
  if (verified === 0 && counts.unreadable === 0) {
    io.err(
      `pec-kit verify: ${
        total > 0
          ? w.nothingMessage(total)
          : sources.filtered > 0
            ? w.nothingFiltered(sources.filtered)
            : w.nothingFound
      }`,
    );
    return 2;
  }
  if (counts.unreadable > 0) return 2;
  return anyFails ? 1 : 0;
}

function printText(
  r: FileReport,
  io: Io,
  style: ReturnType<typeof styleFor>,
  lang: Lang,
  strictWarned: boolean,
  quiet: boolean,
): void {
  const w = TEXT[lang];
  if (r.status === 'unreadable') {
    io.out(`${style.red(w.status.unreadable)} ${displayText(r.file)}: ${displayText(r.error ?? '')}`);
    return;
  }
  if (r.status === 'not-a-message') {
    io.out(`${style.yellow(w.status['not-a-message'])} ${displayText(r.file)}: ${inputText(r.input!, lang)}`);
    return;
  }
  const verdict =
    r.status === 'valid'
      ? strictWarned
        ? style.yellow(w.strictWarn)
        : style.green(w.status.valid)
      : style.red(w.status.invalid);
  const t = reportText({ ...r, kind: r.kind! } as VerificationReport, lang);
  // Signer and signing time are facts only when the message is valid; otherwise they are what
  // the (untrusted or broken) signature claims, and worded so.
  const valid = r.status === 'valid';
  const signer = r.signature.signer;
  const when = r.signature.signingTime
    ? ` ${valid ? w.signed : w.claimedSigned} ${r.signature.signingTime}`
    : '';
  const by = signer ? ` ${valid ? w.by : w.claimedBy} ${signer.email ?? signer.subject}` : '';
  // The file's name and the signer's are anyone's choice: shown, never obeyed (the summary's
  // sentences below are already safe).
  io.out(`${verdict} ${displayText(r.file)}  ${style.dim(displayText(`${r.kind}${by}${when}${t.note}`))}`);
  if (t.reason) io.out(`    ${t.reason}`);
  // What was certified, in words: the file's name and the mail client's subject are not.
  if (t.certified && !quiet) io.out(`    ${w.certified}: ${t.certified}`);
  for (const i of t.issues) {
    if (quiet && i.severity !== 'error' && !(strictWarned && i.severity === 'warning')) continue;
    const tag =
      i.severity === 'error'
        ? style.red(i.tag)
        : i.severity === 'warning'
          ? style.yellow(i.tag)
          : style.dim(i.tag);
    io.out(`    ${tag} ${i.code}: ${i.text}`);
    if (i.detail) io.out(`        ${style.dim(i.detail)}`);
  }
  if (quiet) return;
  // A PEC message carried inside this one (a forwarded receipt, an attached .eml): which part it
  // is, its own verdict and what it certifies, so that the forwarder's words are not taken for it.
  for (const n of r.nested) {
    const where =
      n.location?.filename ?? (n.location?.path ? `${w.part} ${n.location.path}` : 'postacert.eml');
    const inner = reportText(n, lang);
    const status = n.valid ? style.green(w.status.valid.trim()) : style.red(w.status.invalid.trim());
    io.out(
      `    ${w.contains} ${displayText(where)}: ${status} ${style.dim(displayText(`${n.kind}${inner.note}`))}`,
    );
    if (inner.certified) io.out(`        ${w.certified}: ${inner.certified}`);
    if (inner.reason) io.out(`        ${inner.reason}`);
  }
}
