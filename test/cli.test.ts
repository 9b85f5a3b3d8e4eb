// The built CLI (node dist/cli/bin.js) as a subprocess: help and version, exit codes, one process
// over a folder of 1,000 messages, globs, unreadable paths, the JSON shape, NO_COLOR and the
// progress bar on a pseudo-terminal. No timing assertions.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGID_CA1_2018_07_PEM, AGID_CA1_2018_PEM, AGID_CA1_PEM } from '../src/trust/anchors.js';
import { ISSUE_TEXT_IT } from '../src/verify/messages-it.js';
import { verifyPec } from '../src/verify/verify.js';
import { ROOT } from './helpers/browser.js';
import { CORPUS_DIR, corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { CLI, ensureDist } from './helpers/dist.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const COMMANDS = ['verify', 'inspect', 'simulate', 'demo'];
const HAVE_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!HAVE_SCRIPT)
  console.warn('\n*** pec-kit: `script` (util-linux) not found: CLI pseudo-terminal tests are SKIPPED ***\n');

let dir = '';
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, LANG: 'C', ...extra };
  // Deterministic: no colour forcing and English unless a test asks for them.
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'LC_ALL', 'LC_MESSAGES']) if (!(k in extra)) delete e[k];
  return e;
};
function cli(
  args: string[],
  extra: Record<string, string> = {},
  input?: Uint8Array,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: env(extra),
    maxBuffer: 256 * 1024 * 1024,
    ...(input ? { input } : {}),
  });
}
/** The CLI on a pseudo-terminal (util-linux `script`): stdout and stderr together, as a person sees them. */
function tty(args: string[], extra: Record<string, string> = {}): { status: number | null; screen: string } {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    env: env(extra),
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, screen: r.stdout };
}

const ANSI_COLOUR = /\x1b\[(?:3[0-9]|1|2|22|39)m/;
type FileReport = {
  file: string;
  status: string;
  input: string | null;
  valid: boolean;
  kind: string | null;
  signature?: { present: boolean; intact: boolean | null; signer: { email: string | null } | null };
  chain?: { trusted: boolean | null; anchor: string | null; path: string[] };
  checks?: Record<string, string>;
  error: string | null;
  issues: { code: string; severity: string; message: string }[];
};
/** The keys of every object of `verify --json`, whatever became of the file. */
const REPORT_KEYS = [
  'chain',
  'checks',
  'error',
  'file',
  'input',
  'issues',
  'kind',
  'nested',
  'offset',
  'outcome',
  'signature',
  'status',
  'valid',
].sort();

beforeAll(async () => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-cli-'));
  const tx = await testTransaction();
  writeFileSync(join(dir, 'root.pem'), TEST_ROOT_PEM);
  writeFileSync(join(dir, 'envelope.eml'), tx.envelope);
  writeFileSync(join(dir, 'tampered.eml'), tamper(tx.envelope));
  // 1,000 small files: one synthetic signed message copied, in nested folders, plus a hidden file.
  for (let i = 0; i < 1000; i++) {
    const sub = join(dir, 'many', `batch-${Math.floor(i / 250)}`);
    if (i % 250 === 0) mkdirSync(sub, { recursive: true });
    copyFileSync(join(dir, 'envelope.eml'), join(sub, `msg-${String(i).padStart(4, '0')}.eml`));
  }
  writeFileSync(join(dir, 'many', '.DS_Store'), 'not a message');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pec-kit CLI: help, version, exit codes', () => {
  it('--help lists every command with examples, exit 0', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: pec-kit <command>');
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\s`, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  it.each(COMMANDS)('%s --help (and help <command>) prints the usage with examples, exit 0', (command) => {
    const a = cli([command, '--help']);
    expect(a.status).toBe(0);
    expect(a.stdout).toContain(`Usage: pec-kit ${command}`);
    expect(a.stdout).toMatch(/Examples:\n {2}(npx )?pec-kit /);
    const b = cli(['help', command]);
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('--version and -v print the package version, exit 0', () => {
    for (const flag of ['--version', '-v']) {
      const r = cli([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it('an unknown command exits 2 with the usage on stderr', () => {
    const r = cli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: pec-kit <command>');
  });

  it('no command, a bad option and a missing PATH exit 2', () => {
    expect(cli([]).status).toBe(2);
    const bad = cli(['verify', '--frobnicate', 'envelope.eml']);
    expect(bad.status).toBe(2);
    // An unknown flag: one clear line, not the whole usage.
    expect(bad.stderr).toBe(
      'pec-kit verify: unknown option --frobnicate; "pec-kit verify --help" lists the options\n',
    );
    expect(cli(['verify']).status).toBe(2);
    expect(cli(['verify', '--at', 'yesterday', 'envelope.eml']).status).toBe(2);
    expect(cli(['verify', '--trust', 'missing.pem', 'envelope.eml']).status).toBe(2);
  });
});

describe('pec-kit verify', () => {
  it('one valid message: exit 0', () => {
    const r = cli(['verify', '--trust', 'root.pem', 'envelope.eml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^VALID {3}envelope\.eml {2}posta-certificata by posta-certificata@pec\.example\.it/m,
    );
    expect(r.stdout.trim().split('\n').pop()).toBe('1 valid, 0 invalid, 0 not a message, 0 unreadable');
  });

  it('without the test CA the message is not trusted: exit 1', () => {
    const r = cli(['verify', 'envelope.eml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('CHAIN_UNTRUSTED');
    expect(r.stdout.trim().split('\n').pop()).toBe('0 valid, 1 invalid, 0 not a message, 0 unreadable');
  });

  it('a folder of 1,000 messages plus a tampered one, in one process, --json', () => {
    const r = cli(['verify', '--json', '--trust', 'root.pem', 'many', 'tampered.eml']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const reports = JSON.parse(r.stdout) as FileReport[];
    expect(reports).toHaveLength(1001); // the hidden file is skipped
    expect(reports.filter((x) => x.valid)).toHaveLength(1000);
    // Input order: the folder walked in name order, then the next PATH.
    expect(reports[0]!.file).toBe(join('many', 'batch-0', 'msg-0000.eml'));
    expect(reports[999]!.file).toBe(join('many', 'batch-3', 'msg-0999.eml'));
    for (const x of reports.slice(0, 1000)) {
      expect(Object.keys(x).sort()).toEqual([...REPORT_KEYS, 'certified'].sort());
      expect(x).toMatchObject({
        status: 'valid',
        input: 'email',
        error: null,
        valid: true,
        kind: 'posta-certificata',
        signature: { present: true, intact: true, signer: { email: 'posta-certificata@pec.example.it' } },
        chain: { trusted: true, anchor: 'CN=pec-kit Test Root,O=pec-kit,C=IT' },
      });
    }
    const bad = reports[1000]!;
    expect(bad).toMatchObject({ file: 'tampered.eml', valid: false, kind: 'posta-certificata' });
    expect(bad.signature?.intact).toBe(false);
    expect(bad.checks?.signature).toBe('fail');
    expect(bad.issues.map((i) => i.code)).toContain('SIGNATURE_DIGEST_MISMATCH');
    for (const i of bad.issues) expect(Object.keys(i).sort()).toEqual(['code', 'message', 'severity']);
  });

  it('the same folder as text: one line per file and the summary line', () => {
    const r = cli(['verify', '--trust', 'root.pem', 'many', 'tampered.eml']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('VALID '))).toHaveLength(1000);
    expect(lines.filter((l) => l.startsWith('INVALID tampered.eml'))).toHaveLength(1);
    expect(lines.pop()).toBe('1000 valid, 1 invalid, 0 not a message, 0 unreadable');
  });

  it('expands globs the shell left alone (*, ?, **)', () => {
    const star = cli([
      'verify',
      '--json',
      '--trust',
      'root.pem',
      'many/batch-0/msg-00?9.eml',
      'many/**/msg-09*.eml',
    ]);
    expect(star.status).toBe(0);
    const files = (JSON.parse(star.stdout) as FileReport[]).map((x) => x.file);
    expect(files).toHaveLength(10 + 100);
    expect(files[0]).toBe(join('many', 'batch-0', 'msg-0009.eml'));
    expect(files.every((f) => /msg-(00\d9|09\d\d)\.eml$/.test(f))).toBe(true);
  });

  it('an unreadable path exits 2 and is reported, the other files are still verified', () => {
    const r = cli(['verify', '--json', '--trust', 'root.pem', 'envelope.eml', 'missing.eml', 'none/*.eml']);
    expect(r.status).toBe(2);
    const reports = JSON.parse(r.stdout) as FileReport[];
    expect(reports.map((x) => [x.file, x.valid])).toEqual([
      ['envelope.eml', true],
      ['missing.eml', false],
      ['none/*.eml', false],
    ]);
    // An unreadable file has the same keys as the others, with empty blocks.
    expect(Object.keys(reports[1]!).sort()).toEqual(REPORT_KEYS);
    expect(reports[1]).toMatchObject({
      file: 'missing.eml',
      status: 'unreadable',
      input: null,
      valid: false,
      kind: null,
      error: 'no such file or folder',
      signature: { present: false, intact: null, signer: null },
      chain: { trusted: null, path: [] },
      checks: { signature: 'skip', chain: 'skip' },
      nested: [],
      issues: [{ code: 'READ_ERROR', severity: 'error', message: 'no such file or folder' }],
    });
    const text = cli(['verify', '--trust', 'root.pem', 'envelope.eml', 'missing.eml']);
    expect(text.status).toBe(2);
    expect(text.stdout).toContain('UNREADABLE missing.eml: no such file or folder');
    expect(text.stdout.trim().split('\n').pop()).toBe('1 valid, 0 invalid, 0 not a message, 1 unreadable');
  });

  it('prints no colour when output is not a terminal', () => {
    const r = cli(['verify', '--trust', 'root.pem', 'envelope.eml', 'tampered.eml']);
    expect(r.stdout).not.toMatch(ANSI_COLOUR);
  });
});

describe.skipIf(!HAVE_SCRIPT)('pec-kit verify on a terminal', () => {
  it('colours the verdicts and draws a progress bar over many files', () => {
    const r = tty(['verify', '--trust', 'root.pem', 'many', 'tampered.eml']);
    expect(r.status).toBe(1);
    expect(r.screen).toContain('\x1b[32mVALID  \x1b[39m');
    expect(r.screen).toContain('\x1b[31mINVALID\x1b[39m');
    expect(r.screen).toMatch(/\r\x1b\[2K\[#+\.*\] \d+\/1001 /);
    expect(r.screen).toContain('\x1b[1m1000 valid, 1 invalid, 0 not a message, 0 unreadable\x1b[22m');
  });

  it('honours NO_COLOR (no-color.org): no colour, same text', () => {
    const r = tty(['verify', '--trust', 'root.pem', 'envelope.eml', 'tampered.eml'], { NO_COLOR: '1' });
    expect(r.status).toBe(1);
    expect(r.screen).not.toMatch(ANSI_COLOUR);
    expect(r.screen).toContain('VALID   envelope.eml');
    expect(r.screen).toContain('INVALID tampered.eml');
    expect(r.screen).toContain('1 valid, 1 invalid, 0 not a message, 0 unreadable');
  });

  it('--json on a terminal prints JSON only: no colour, no progress bar', () => {
    const r = tty(['verify', '--json', '--trust', 'root.pem', 'many/batch-0']);
    expect(r.status).toBe(0);
    expect(r.screen).not.toContain('\x1b[');
    expect((JSON.parse(r.screen) as FileReport[]).length).toBe(250);
  });
});

describe('pec-kit verify in a CI job', () => {
  let ci = '';
  let envelope: Uint8Array;
  beforeAll(async () => {
    ci = join(dir, 'ci');
    mkdirSync(ci);
    envelope = new Uint8Array(readFileSync(join(dir, 'envelope.eml')));
    // A folder as archives have them: messages next to a README, a JSON index and a certificate.
    const mixed = join(ci, 'mixed');
    mkdirSync(join(mixed, 'sub'), { recursive: true });
    writeFileSync(join(mixed, 'envelope.eml'), envelope);
    writeFileSync(join(mixed, 'README.md'), '# Ricevute PEC\n\nUna ricevuta per file.\n');
    writeFileSync(join(mixed, 'index.json'), '{"files": ["envelope.eml"]}\n');
    writeFileSync(join(mixed, 'sub', 'root.pem'), TEST_ROOT_PEM);
    writeFileSync(join(mixed, 'sub', 'ricevuta.pdf'), '%PDF-1.7\n%%EOF\n');
    writeFileSync(join(mixed, 'sub', 'msg.msg'), Buffer.from('d0cf11e0a1b11ae1000000000000', 'hex'));
    mkdirSync(join(ci, 'empty'));
    // Only symbolic links: to files, to a folder, and one back to the folder itself (a loop).
    const links = join(ci, 'links');
    mkdirSync(links);
    symlinkSync(join(dir, 'envelope.eml'), join(links, 'a.eml'));
    symlinkSync(join(dir, 'tampered.eml'), join(links, 'b.eml'));
    symlinkSync(join(dir, 'many', 'batch-0'), join(links, 'batch'));
    symlinkSync('.', join(links, 'loop'));
    // A valid message with a warning: the unsigned Subject prefix does not match the kind.
    const text = Buffer.from(envelope).toString('latin1');
    expect(text).toContain('\r\nSubject: POSTA CERTIFICATA: ');
    writeFileSync(
      join(ci, 'warned.eml'),
      Buffer.from(text.replace('\r\nSubject: POSTA CERTIFICATA: ', '\r\nSubject: POSTA: '), 'latin1'),
    );
  });

  it('an empty folder verifies nothing: exit 2 with a clear message', () => {
    const r = cli(['verify', 'ci/empty']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('pec-kit verify: nothing verified: no file was found under the PATHs given\n');
  });

  it('everything filtered out by --include/--exclude: exit 2 with a clear message', () => {
    const r = cli(['verify', '--include', '*.nothing', 'ci/mixed']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nothing verified: all 6 files were left out by --include/--exclude');
    const all = cli(['verify', '--exclude', '**', 'ci/mixed']);
    expect(all.status).toBe(2);
    expect(all.stderr).toContain('left out by --include/--exclude');
  });

  it('files that are not e-mail are "not a message", apart from invalid PEC; only those: exit 2', () => {
    const r = cli(['verify', '--json', '--trust', 'root.pem', 'ci/mixed']);
    expect(r.status, r.stderr).toBe(0); // the one message is valid; the rest is not a message
    const reports = JSON.parse(r.stdout) as FileReport[];
    expect(reports.map((x) => [x.file, x.status, x.input])).toEqual([
      [join('ci', 'mixed', 'README.md'), 'not-a-message', 'not-email'],
      [join('ci', 'mixed', 'envelope.eml'), 'valid', 'email'],
      [join('ci', 'mixed', 'index.json'), 'not-a-message', 'not-email'],
      [join('ci', 'mixed', 'sub', 'msg.msg'), 'not-a-message', 'outlook-msg'],
      [join('ci', 'mixed', 'sub', 'ricevuta.pdf'), 'not-a-message', 'pdf'],
      [join('ci', 'mixed', 'sub', 'root.pem'), 'not-a-message', 'pem'],
    ]);
    for (const x of reports)
      expect(Object.keys(x).sort()).toEqual(x.valid ? [...REPORT_KEYS, 'certified'].sort() : REPORT_KEYS);
    const pdf = reports[4]!;
    expect(pdf).toMatchObject({ valid: false, kind: null, error: null, signature: { present: false } });
    expect(pdf.issues).toEqual([
      {
        code: 'NOT_A_MESSAGE',
        severity: 'warning',
        message: expect.stringContaining('The input is a PDF document, not an e-mail message'),
      },
    ]);
    const text = cli(['verify', '--trust', 'root.pem', 'ci/mixed']);
    expect(text.stdout).toContain(
      `NOT A MESSAGE ${join('ci', 'mixed', 'sub', 'msg.msg')}: The input is an Outlook .msg file: save the PEC message as .eml`,
    );
    expect(text.stdout.trim().split('\n').pop()).toBe('1 valid, 0 invalid, 5 not a message, 0 unreadable');
    // --strict: a file that is not a message is a failure.
    expect(cli(['verify', '--strict', '--trust', 'root.pem', 'ci/mixed']).status).toBe(1);
    // Nothing but non-messages: nothing was verified.
    const none = cli(['verify', '--exclude', '*.eml', 'ci/mixed']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('nothing verified: none of the 5 files is an e-mail message');
  });

  it('--include and --exclude take globs on the name (no /) or on the path', () => {
    const only = cli(['verify', '--json', '--trust', 'root.pem', '--include', '*.eml', 'ci/mixed']);
    expect(only.status).toBe(0);
    expect((JSON.parse(only.stdout) as FileReport[]).map((x) => x.file)).toEqual([
      join('ci', 'mixed', 'envelope.eml'),
    ]);
    const notSub = cli([
      'verify',
      '--json',
      '--trust',
      'root.pem',
      '--exclude',
      'ci/mixed/sub/**',
      'ci/mixed',
    ]);
    expect((JSON.parse(notSub.stdout) as FileReport[]).map((x) => x.file)).toEqual([
      join('ci', 'mixed', 'README.md'),
      join('ci', 'mixed', 'envelope.eml'),
      join('ci', 'mixed', 'index.json'),
    ]);
  });

  it('follows symbolic links to files and folders, with a guard against loops', () => {
    const r = cli(['verify', '--json', '--trust', 'root.pem', 'ci/links']);
    expect(r.status).toBe(1); // b.eml is the tampered copy
    const files = (JSON.parse(r.stdout) as FileReport[]).map((x) => [x.file, x.status]);
    expect(files.slice(0, 2)).toEqual([
      [join('ci', 'links', 'a.eml'), 'valid'],
      [join('ci', 'links', 'b.eml'), 'invalid'],
    ]);
    expect(files).toHaveLength(2 + 250); // the linked batch folder once; the loop not again
    expect(r.stderr).toContain('1 symbolic link(s) to a folder already walked were not walked again');
  });

  it('--strict counts warnings as failures; --allow exempts a code', () => {
    const plain = cli(['verify', '--trust', 'root.pem', 'ci/warned.eml']);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('warn  SUBJECT_PREFIX_MISMATCH');
    const strict = cli(['verify', '--strict', '--trust', 'root.pem', 'ci/warned.eml']);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/^WARNING ci\/warned\.eml/m);
    const allowed = cli([
      'verify',
      '--strict',
      '--allow',
      'SUBJECT_PREFIX_MISMATCH',
      '--trust',
      'root.pem',
      'ci/warned.eml',
    ]);
    expect(allowed.status).toBe(0);
  });

  it('--quiet prints only what fails (and the summary then), nothing when all is well', () => {
    const ok = cli(['verify', '--quiet', '--trust', 'root.pem', 'envelope.eml', 'ci/warned.eml']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('');
    const bad = cli(['verify', '-q', '--trust', 'root.pem', 'envelope.eml', 'tampered.eml', 'ci/warned.eml']);
    expect(bad.status).toBe(1);
    const lines = bad.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^INVALID tampered\.eml/);
    expect(bad.stdout).not.toContain('envelope.eml ');
    expect(bad.stdout).not.toContain('warned.eml');
    expect(bad.stdout).toContain('error SIGNATURE_DIGEST_MISMATCH');
    expect(bad.stdout).not.toMatch(/warn |info /);
    expect(lines.pop()).toBe('2 valid, 1 invalid, 0 not a message, 0 unreadable');
  });

  it('- reads standard input', () => {
    const r = cli(['verify', '--json', '--trust', 'root.pem', '-'], {}, envelope);
    expect(r.status, r.stderr).toBe(0);
    const [x] = JSON.parse(r.stdout) as FileReport[];
    expect(x).toMatchObject({ file: '-', status: 'valid', kind: 'posta-certificata' });
    const inspect = cli(['inspect', '-'], {}, envelope);
    expect(inspect.status).toBe(0);
    expect(inspect.stdout).toContain('-: Transport envelope (posta-certificata)');
    const italian = cli(['inspect', '-'], { LANG: 'it_IT.UTF-8' }, envelope);
    expect(italian.stdout).toContain('-: Busta di trasporto (posta-certificata)');
    expect(italian.stdout).toContain('NON VERIFICATO');
    expect(cli(['verify', '-', '-'], {}, envelope).status).toBe(2);
  });

  it('honours FORCE_COLOR (on even in a pipe; 0 turns it off) and NO_COLOR', () => {
    const forced = cli(['verify', '--trust', 'root.pem', 'envelope.eml', 'tampered.eml'], {
      FORCE_COLOR: '1',
    });
    expect(forced.stdout).toContain('\x1b[32mVALID  \x1b[39m');
    expect(forced.stdout).toContain('\x1b[31mINVALID\x1b[39m');
    const off = cli(['verify', '--trust', 'root.pem', 'envelope.eml'], { FORCE_COLOR: '0' });
    expect(off.stdout).not.toMatch(ANSI_COLOUR);
    const none = cli(['verify', '--trust', 'root.pem', 'envelope.eml'], { NO_COLOR: '1' });
    expect(none.stdout).not.toMatch(ANSI_COLOUR);
  });

  it('speaks Italian with --lang it or LANG=it_*, English by default; JSON does not change', () => {
    const it = cli(['verify', '--lang', 'it', '--trust', 'root.pem', 'envelope.eml', 'tampered.eml']);
    expect(it.status).toBe(1);
    expect(it.stdout).toMatch(
      /^VALIDO {5}envelope\.eml {2}posta-certificata da posta-certificata@pec\.example\.it/m,
    );
    expect(it.stdout).toContain('attendibile per la tua configurazione');
    expect(it.stdout).toMatch(/^NON VALIDO tampered\.eml/m);
    expect(it.stdout).toContain(
      '\n    È autentico? No: la firma non corrisponde al contenuto: il messaggio è stato alterato dopo la firma.',
    );
    expect(it.stdout.trim().split('\n').pop()).toBe('1 validi, 1 non validi, 0 non messaggi, 0 illeggibili');
    const byLocale = cli(['verify', '--trust', 'root.pem', 'envelope.eml'], { LANG: 'it_IT.UTF-8' });
    expect(byLocale.stdout.trim().split('\n').pop()).toBe(
      '1 validi, 0 non validi, 0 non messaggi, 0 illeggibili',
    );
    const en = cli(['verify', '--lang', 'en', '--trust', 'root.pem', 'envelope.eml'], {
      LANG: 'it_IT.UTF-8',
    });
    expect(en.stdout).toContain('trusted by your configuration');
    const json = (extra: Record<string, string>) =>
      cli(['verify', '--json', '--trust', 'root.pem', 'envelope.eml'], extra).stdout;
    expect(json({ LANG: 'it_IT.UTF-8' })).toBe(json({}));
    expect(cli(['verify', '--lang', 'fr', 'envelope.eml']).status).toBe(2);
  });

  it('--lang it prints the Italian text of each finding, its technical detail below; English keeps the message', () => {
    const it = cli(['verify', '--lang', 'it', '--trust', 'root.pem', 'tampered.eml']);
    expect(it.status).toBe(1);
    const lines = it.stdout.split('\n');
    const at = lines.indexOf(
      `    errore SIGNATURE_DIGEST_MISMATCH: ${ISSUE_TEXT_IT.SIGNATURE_DIGEST_MISMATCH}`,
    );
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(
      '        the signed content was altered: its digest does not match the signed messageDigest',
    );
    expect(it.stdout).toContain(
      `    nota   CHAIN_REVOCATION_NOT_CHECKED: ${ISSUE_TEXT_IT.CHAIN_REVOCATION_NOT_CHECKED}`,
    );
    expect(it.stdout).not.toMatch(/^ {4}(error|warn|info) /m);
    const en = cli(['verify', '--lang', 'en', '--trust', 'root.pem', 'tampered.eml']);
    expect(en.stdout).toContain(
      '    error SIGNATURE_DIGEST_MISMATCH: the signed content was altered: its digest does not match the signed messageDigest\n',
    );
    expect(en.stdout).not.toContain(ISSUE_TEXT_IT.SIGNATURE_DIGEST_MISMATCH!);
    // A file that is not a message: the library's Italian sentence for INPUT_PDF.
    writeFileSync(join(dir, 'stampa.pdf'), '%PDF-1.7\n%%EOF\n');
    const pdf = cli(['verify', '--lang', 'it', 'stampa.pdf']);
    expect(pdf.stdout).toContain(`NON È UN MESSAGGIO stampa.pdf: ${ISSUE_TEXT_IT.INPUT_PDF}\n`);
  });
});

describe.skipIf(!HAVE_CORPUS)('pec-kit verify --trust with the real AgID CA1', () => {
  it('a corpus message chained to AgID CA1, the anchor passed with --trust, reads "a trusted PEC provider"', async () => {
    // A real provider message valid against the embedded anchors, and the one AgID CA1 certificate
    // its chain ends at, written to a file as a user would pass it.
    let found: { file: string; pem: string } | null = null;
    for (const e of EXPECTED.filter((x) => x.signatureIntact && x.chainValidAtSigningTime)) {
      const bytes = corpusBytes(e.file);
      const report = await verifyPec(bytes);
      if (!report.valid || !/AgID CA1/.test(report.chain.anchor ?? '')) continue;
      for (const pem of [AGID_CA1_PEM, AGID_CA1_2018_PEM, AGID_CA1_2018_07_PEM])
        if ((await verifyPec(bytes, { trust: [pem] })).valid) {
          found = { file: join(CORPUS_DIR, e.file), pem };
          break;
        }
      if (found) break;
    }
    expect(found).not.toBeNull();
    writeFileSync(join(dir, 'agid-ca1.pem'), found!.pem);
    const en = cli(['verify', '--trust', 'agid-ca1.pem', found!.file]);
    expect(en.status, en.stdout).toBe(0);
    expect(en.stdout).toMatch(/^VALID {3}.*; a trusted PEC provider$/m);
    expect(en.stdout).not.toContain('trusted by your configuration');
    const it = cli(['verify', '--lang', 'it', '--trust', 'agid-ca1.pem', found!.file]);
    expect(it.stdout).toMatch(/^VALIDO {5}.*; gestore PEC accreditato$/m);
    // The same message with a test CA added next to it: still the PEC anchor that vouches.
    const both = cli(['verify', '--trust', 'agid-ca1.pem', '--trust', 'root.pem', found!.file]);
    expect(both.stdout).toMatch(/; a trusted PEC provider$/m);
  });
});
