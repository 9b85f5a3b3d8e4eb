// `pec-kit verify`: the CI command. Exit 0 when every message is valid, 1 when any is not (or, with
// --strict, carries a warning or a file is not a message), 2 on usage or read errors and when
// nothing at all was verified. One process for any number of files.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Issue, Severity } from '../issues.js';
import { createVerifier, type VerificationReport } from '../verify/verify.js';
import { classifyInput, type InputKind, inputText, type Lang, reportText } from './assessment.js';
import { expandTargets } from './files.js';
import { type Io, readAllStdin, UsageError } from './io.js';
import { progressBar, styleFor } from './style.js';

export const VERIFY_HELP = `Usage: pec-kit verify [options] PATH...

Verifies PEC messages: the CMS signature over the signed bytes, the provider certificate
chain against the PEC trust anchors (AgID CA1, DigitPA CA1) and the signed daticert against
the headers. PATH is a file, a folder (walked recursively: hidden files skipped, symbolic
links followed, each folder once), a glob, or - for standard input. Files that are not
e-mail (README, JSON, PEM, PDF, Outlook .msg, empty) are reported as "not a message".

Options:
  --trust FILE       trust these CA certificates (PEM/DER) instead of the embedded anchors;
                     repeatable (a chain to a test or added CA reads "trusted by your
                     configuration"; to AgID/DigitPA CA1 still "a trusted PEC provider")
  --crl FILE         honour this CRL (PEM/DER); repeatable
  --at WHEN          judge the chain at signing-time (default), now, or an ISO-8601 instant
  --include GLOB     verify only files matching GLOB (a name like '*.eml', or a path with /);
                     repeatable
  --exclude GLOB     leave out files matching GLOB; repeatable
  --strict           warnings and files that are not messages count as failures (exit 1)
  --allow CODE       with --strict, a warning with this code does not count; repeatable
                     (real PEC providers sign with SHA-1: --allow SIGNATURE_SHA1)
  -q, --quiet        print only the files that fail, their errors and the summary
  --json             print one JSON array, an object per file
  --lang it|en       language of the text output (default: LANG, else English); JSON is
                     always the same
  -h, --help         show this help

Exit status: 0 every message valid; 1 some message not valid (with --strict: or a warning,
or a file that is not a message); 2 usage or read error, or nothing verified (no file found,
all filtered out, none a message).

Examples:
  pec-kit verify receipts/
  pec-kit verify --json --at now inbox/*.eml > report.json
  pec-kit verify --strict --allow SIGNATURE_SHA1 --exclude '*.md' archive/
  cat CONSEGNA.eml | pec-kit verify --lang it -`;

/** How one file ended up. */
export type FileStatus = 'valid' | 'invalid' | 'not-a-message' | 'unreadable';

/**
 * The JSON object printed for one file: the same keys for every status (a file that could not be
 * read or is not a message has empty signature and chain blocks and `kind: null`).
 */
export type FileReport = {
  file: string;
  status: FileStatus;
  /** What the file is, from its first bytes; null when it could not be read. */
  input: InputKind | null;
  /** Why the file could not be read; null otherwise. */
  error: string | null;
  /** The library's findings, plus the CLI's own READ_ERROR and NOT_A_MESSAGE (docs/issue-codes.md). */
  issues: (Issue | CliIssue)[];
} & Omit<VerificationReport, 'kind' | 'issues'> & { kind: VerificationReport['kind'] | null };

/** A finding about a file rather than a message: it could not be read, or it is not e-mail. */
interface CliIssue {
  code: 'READ_ERROR' | 'NOT_A_MESSAGE';
  severity: Severity;
  message: string;
}

function emptyBlocks(): Omit<VerificationReport, 'kind' | 'valid' | 'issues'> {
  return {
    signature: {
      present: false,
      intact: null,
      digestAlgorithm: null,
      signingTime: null,
      canonicalized: false,
      signer: null,
    },
    chain: {
      trusted: null,
      at: null,
      atSource: null,
      anchor: null,
      trustSource: null,
      path: [],
      validNow: null,
    },
    outcome: null,
    checks: {
      signature: 'skip',
      chain: 'skip',
      signer: 'skip',
      daticert: 'skip',
      headers: 'skip',
      postacert: 'skip',
    },
    nested: [],
  };
}

function unreadable(file: string, error: string): FileReport {
  return {
    file,
    status: 'unreadable',
    input: null,
    error,
    valid: false,
    kind: null,
    ...emptyBlocks(),
    issues: [{ code: 'READ_ERROR', severity: 'error', message: error }],
  };
}

function notAMessage(file: string, input: InputKind): FileReport {
  return {
    file,
    status: 'not-a-message',
    input,
    error: null,
    valid: false,
    kind: null,
    ...emptyBlocks(),
    issues: [{ code: 'NOT_A_MESSAGE', severity: 'warning', message: inputText(input, 'en') }],
  };
}

function parseAt(value: string | undefined): 'signing-time' | 'now' | Date | undefined {
  if (value === undefined || value === 'signing-time' || value === 'now') return value;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new UsageError(`--at expects signing-time, now or an ISO-8601 instant, got "${value}"`);
  return d;
}

/** --lang, else LC_ALL, LC_MESSAGES, LANG (POSIX order): Italian for it_*, English otherwise. */
export function pickLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang {
  if (flag !== undefined) {
    if (flag !== 'it' && flag !== 'en') throw new UsageError(`--lang expects it or en, got "${flag}"`);
    return flag;
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^it(_|$|\.)/i.test(locale) ? 'it' : 'en';
}

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
    nothingFound: 'nothing verified: no file was found under the PATHs given',
    nothingFiltered: (n: number) => `nothing verified: all ${n} files were left out by --include/--exclude`,
    nothingMessage: (n: number) =>
      `nothing verified: none of the ${n} files is an e-mail message (see the lines above)`,
    loops: (n: number) => `${n} symbolic link(s) to a folder already walked were not walked again`,
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
    nothingFound: 'nessuna verifica: nessun file trovato nei PATH indicati',
    nothingFiltered: (n: number) => `nessuna verifica: tutti i ${n} file sono esclusi da --include/--exclude`,
    nothingMessage: (n: number) =>
      `nessuna verifica: nessuno dei ${n} file è un messaggio e-mail (vedi le righe sopra)`,
    loops: (n: number) => `${n} collegamenti simbolici a cartelle già esaminate non sono stati riesaminati`,
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
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      strict: { type: 'boolean' },
      allow: { type: 'string', multiple: true },
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
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
  const at = parseAt(values.at);
  const trust = values.trust ? await readAll(values.trust, 'trust file') : undefined;
  const crls = values.crl ? await readAll(values.crl, 'CRL file') : undefined;
  // Decode the trust and CRL material once, up front: a bad --trust is a usage error, not N failures.
  let verify: ReturnType<typeof createVerifier>;
  try {
    verify = createVerifier({ trust, crls, at });
  } catch (e) {
    throw new UsageError(`bad --trust/--crl material: ${(e as Error).message}`);
  }
  const { targets, filtered, loops } = await expandTargets(positionals, {
    include: values.include,
    exclude: values.exclude,
  });
  const style = styleFor(io.stdout, env);
  const bar = progressBar(io.stderr, targets.length, !values.json && !values.quiet);
  const reports: FileReport[] = new Array(targets.length);
  const stdin = targets.some((t) => 'stdin' in t) ? await (io.readStdin ?? readAllStdin)() : null;
  let next = 0;
  // A small pool: the WebCrypto jobs of one file (thread pool) overlap with parsing the next ones;
  // the output keeps the input order.
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const i = next++;
      const t = targets[i]!;
      if ('error' in t) reports[i] = unreadable(t.file, t.error);
      else {
        let bytes: Uint8Array;
        try {
          // Sync on purpose: fs/promises readFile costs ~0.15 ms of CPU per file (four thread-pool
          // round trips); the run is CPU-bound, so overlapping reads gains nothing.
          bytes = 'stdin' in t ? stdin! : new Uint8Array(readFileSync(t.file));
        } catch (e) {
          reports[i] = unreadable(t.file, (e as Error).message);
          bar.tick(t.file);
          continue;
        }
        const input = classifyInput(bytes);
        if (input !== 'email') reports[i] = notAMessage(t.file, input);
        else {
          try {
            const r = await verify(bytes);
            reports[i] = {
              file: t.file,
              status: r.valid ? 'valid' : 'invalid',
              input,
              error: null,
              ...r,
            };
          } catch (e) {
            reports[i] = unreadable(t.file, (e as Error).message);
          }
        }
      }
      bar.tick(t.file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, targets.length) }, worker));
  bar.done();
  const count = (s: FileStatus) => reports.filter((r) => r.status === s).length;
  const allowed = new Set(values.allow ?? []);
  const strictWarnings = (r: FileReport): (Issue | CliIssue)[] =>
    values.strict ? r.issues.filter((i) => i.severity === 'warning' && !allowed.has(i.code)) : [];
  const fails = (r: FileReport): boolean =>
    r.status === 'invalid' ||
    r.status === 'unreadable' ||
    (values.strict === true && (r.status === 'not-a-message' || strictWarnings(r).length > 0));
  if (values.json) {
    io.out(JSON.stringify(reports, null, 2));
  } else {
    for (const r of reports) {
      if (values.quiet && !fails(r)) continue;
      printText(r, io, style, lang, strictWarnings(r).length > 0, values.quiet === true);
    }
    const summary = w.summary(count('valid'), count('invalid'), count('not-a-message'), count('unreadable'));
    if (!values.quiet || reports.some(fails)) io.out(style.bold(summary));
  }
  if (loops > 0 && !values.quiet) io.err(`pec-kit verify: ${w.loops(loops)}`);
  const verified = count('valid') + count('invalid');
  if (verified === 0 && count('unreadable') === 0) {
    io.err(
      `pec-kit verify: ${
        reports.length > 0
          ? w.nothingMessage(reports.length)
          : filtered > 0
            ? w.nothingFiltered(filtered)
            : w.nothingFound
      }`,
    );
    return 2;
  }
  if (count('unreadable') > 0) return 2;
  return reports.some(fails) ? 1 : 0;
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
    io.out(`${style.red(w.status.unreadable)} ${r.file}: ${r.error}`);
    return;
  }
  if (r.status === 'not-a-message') {
    io.out(`${style.yellow(w.status['not-a-message'])} ${r.file}: ${inputText(r.input!, lang)}`);
    return;
  }
  const verdict =
    r.status === 'valid'
      ? strictWarned
        ? style.yellow(w.strictWarn)
        : style.green(w.status.valid)
      : style.red(w.status.invalid);
  const t = reportText({ ...r, kind: r.kind! } as VerificationReport, lang);
  const when = r.signature.signingTime ? ` ${w.signed} ${r.signature.signingTime}` : '';
  const by = r.signature.signer ? ` ${w.by} ${r.signature.signer.email ?? r.signature.signer.subject}` : '';
  io.out(`${verdict} ${r.file}  ${style.dim(`${r.kind}${by}${when}${t.note}`)}`);
  if (t.reason) io.out(`    ${t.reason}`);
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
}
