// The built CLI (node dist/cli/bin.js) as a subprocess: help and version, exit codes, one process
// over a folder of 1,000 messages, globs, unreadable paths, the JSON shape, NO_COLOR and the
// progress bar on a pseudo-terminal. No timing assertions.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/browser.js';
import { CLI, ensureDist } from './helpers/dist.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const COMMANDS = ['verify', 'inspect', 'simulate', 'demo'];
const HAVE_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!HAVE_SCRIPT)
  console.warn('\n*** pec-kit: `script` (util-linux) not found: CLI pseudo-terminal tests are SKIPPED ***\n');

let dir = '';
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('NO_COLOR' in extra)) delete e.NO_COLOR;
  return e;
};
function cli(args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: env(extra),
    maxBuffer: 256 * 1024 * 1024,
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
  valid: boolean;
  kind: string | null;
  signature?: { present: boolean; intact: boolean | null; signer: { email: string | null } | null };
  chain?: { trusted: boolean | null; anchor: string | null; path: string[] };
  checks?: Record<string, string>;
  error?: string;
  issues: { code: string; severity: string; message: string }[];
};

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
    expect(bad.stderr).toContain('Usage: pec-kit verify');
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
    expect(r.stdout.trim().split('\n').pop()).toBe('1 valid, 0 invalid, 0 unreadable');
  });

  it('without the test CA the message is not trusted: exit 1', () => {
    const r = cli(['verify', 'envelope.eml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('CHAIN_UNTRUSTED');
    expect(r.stdout.trim().split('\n').pop()).toBe('0 valid, 1 invalid, 0 unreadable');
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
      expect(Object.keys(x).sort()).toEqual(
        [
          'certified',
          'chain',
          'checks',
          'file',
          'issues',
          'kind',
          'nested',
          'outcome',
          'signature',
          'valid',
        ].sort(),
      );
      expect(x).toMatchObject({
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
    expect(lines.pop()).toBe('1000 valid, 1 invalid, 0 unreadable');
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
    expect(reports[1]).toEqual({
      file: 'missing.eml',
      valid: false,
      kind: null,
      error: 'no such file or folder',
      issues: [{ code: 'READ_ERROR', severity: 'error', message: 'no such file or folder' }],
    });
    const text = cli(['verify', '--trust', 'root.pem', 'envelope.eml', 'missing.eml']);
    expect(text.status).toBe(2);
    expect(text.stdout).toContain('UNREADABLE missing.eml: no such file or folder');
    expect(text.stdout.trim().split('\n').pop()).toBe('1 valid, 0 invalid, 1 unreadable');
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
    expect(r.screen).toContain('\x1b[1m1000 valid, 1 invalid, 0 unreadable\x1b[22m');
  });

  it('honours NO_COLOR (no-color.org): no colour, same text', () => {
    const r = tty(['verify', '--trust', 'root.pem', 'envelope.eml', 'tampered.eml'], { NO_COLOR: '1' });
    expect(r.status).toBe(1);
    expect(r.screen).not.toMatch(ANSI_COLOUR);
    expect(r.screen).toContain('VALID   envelope.eml');
    expect(r.screen).toContain('INVALID tampered.eml');
    expect(r.screen).toContain('1 valid, 1 invalid, 0 unreadable');
  });

  it('--json on a terminal prints JSON only: no colour, no progress bar', () => {
    const r = tty(['verify', '--json', '--trust', 'root.pem', 'many/batch-0']);
    expect(r.status).toBe(0);
    expect(r.screen).not.toContain('\x1b[');
    expect((JSON.parse(r.screen) as FileReport[]).length).toBe(250);
  });
});
