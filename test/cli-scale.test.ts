// The archive-scale modes of `pec-kit verify`, run as the built CLI (node dist/cli/bin.js): --jobs
// (worker threads, output in input order, identical to one thread), --jsonl (one object per line,
// the same objects as --json), mbox files and Maildir folders as PATHs (each message named by its
// place), and the usage errors of the new flags. No timing assertions.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, checkSubmission } from '../src/index.js';
import { original, providerA, WINTER } from './helpers/build.js';
import { CLI, ensureDist } from './helpers/dist.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

let dir = '';
function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
}
type Line = { file: string; offset?: number; valid: boolean; kind: string | null; error?: string };
const jsonl = (r: SpawnSyncReturns<string>): Line[] =>
  r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

/** An mboxrd file: separator, body with "From " lines escaped, a line break at the end, blank line. */
function mboxrd(messages: Uint8Array[]): Buffer {
  return Buffer.concat(
    messages.flatMap((m, i) => {
      const body = Buffer.from(m)
        .toString('latin1')
        .replace(/^(>*From )/gm, '>$1');
      return [
        Buffer.from(`From provider${i}@pec.example.it Fri Mar 14 10:30:00 2025\n`),
        Buffer.from(body.endsWith('\n') ? body : `${body}\n`, 'latin1'),
        Buffer.from('\n'),
      ];
    }),
  );
}

let tx: Awaited<ReturnType<typeof testTransaction>>;
beforeAll(async () => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-cli-scale-'));
  tx = await testTransaction();
  writeFileSync(join(dir, 'root.pem'), TEST_ROOT_PEM);
  // 150 files (over the one-thread threshold), every 10th one tampered, one not a message.
  mkdirSync(join(dir, 'many'));
  writeFileSync(join(dir, 'envelope.eml'), tx.envelope);
  writeFileSync(join(dir, 'tampered.eml'), tamper(tx.envelope));
  for (let i = 0; i < 150; i++)
    copyFileSync(
      join(dir, i % 10 === 3 ? 'tampered.eml' : 'envelope.eml'),
      join(dir, 'many', `m${String(i).padStart(3, '0')}.eml`),
    );
  writeFileSync(join(dir, 'many', 'm149.eml'), 'not a message at all');
  writeFileSync(
    join(dir, 'archive.mbox'),
    mboxrd([tx.envelope, tx.accettazione, tamper(tx.envelope), tx.consegna]),
  );
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'Maildir', sub), { recursive: true });
  writeFileSync(join(dir, 'Maildir', 'cur', '1741948200.M1P1.host:2,S'), tx.accettazione);
  writeFileSync(join(dir, 'Maildir', 'new', '1741948201.M2P1.host'), tx.consegna);
  writeFileSync(join(dir, 'Maildir', 'tmp', '1741948202.M3P1.host'), 'being delivered');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pec-kit verify --jobs', () => {
  it('gives the same --json output, in input order, on 1, 2 and 3 threads', () => {
    const runs = [1, 2, 3].map((j) =>
      cli(['verify', '--json', '--jobs', String(j), '--trust', 'root.pem', 'many']),
    );
    for (const r of runs) expect(r.status).toBe(1);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
    const reports = JSON.parse(runs[0]!.stdout) as Line[];
    expect(reports.map((x) => x.file)).toEqual(
      Array.from({ length: 150 }, (_, i) => join('many', `m${String(i).padStart(3, '0')}.eml`)),
    );
    expect(reports.filter((x) => x.valid)).toHaveLength(135 - 1);
    expect(reports[3]!.valid).toBe(false);
    expect(reports[149]).toMatchObject({ status: 'not-a-message', input: 'not-email', offset: null });
    expect(reports.every((x) => 'offset' in x && x.offset === null)).toBe(true);
  });

  it('the default (all cores) and one thread print the same text report', () => {
    const a = cli(['verify', '--trust', 'root.pem', 'many']);
    const b = cli(['verify', '-j', '1', '--trust', 'root.pem', 'many']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('134 valid, 15 invalid, 1 not a message, 0 unreadable');
  });

  it('refuses a bad --jobs and bad --trust material with exit 2, on threads too', () => {
    for (const bad of ['0', 'two', '1.5', '-1']) {
      const r = cli(['verify', '--jobs', bad, 'envelope.eml']);
      expect(r.status).toBe(2);
      // '-1' looks like an option to the argument parser, which refuses it first.
      expect(r.stderr).toMatch(bad === '-1' ? /--jobs/ : /--jobs expects a whole number/);
    }
    writeFileSync(join(dir, 'bad.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    for (const j of ['1', '2']) {
      const r = cli(['verify', '--jobs', j, '--trust', 'bad.pem', 'many']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('bad --trust/--crl material');
    }
  });
});

describe('pec-kit verify --jsonl', () => {
  it('prints one object per line: the elements of --json, in the same order', () => {
    const lines = cli(['verify', '--jsonl', '--trust', 'root.pem', 'envelope.eml', 'missing.eml', 'many']);
    expect(lines.status).toBe(2); // missing.eml is unreadable
    const array = cli(['verify', '--json', '--trust', 'root.pem', 'envelope.eml', 'missing.eml', 'many']);
    expect(jsonl(lines)).toEqual(JSON.parse(array.stdout));
    expect(lines.stdout.split('\n')).toHaveLength(152 + 1); // one line each, a final line break
    expect(jsonl(lines)[1]).toMatchObject({ file: 'missing.eml', valid: false, kind: null });
  });

  it('reads standard input in its place among the PATHs, on threads too', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'verify', '--jsonl', '-j', '2', '--trust', 'root.pem', 'envelope.eml', '-'],
      {
        cwd: dir,
        encoding: 'utf8',
        input: Buffer.from(tx.accettazione),
      },
    );
    expect(r.status).toBe(0);
    expect(jsonl(r).map((x) => [x.file, x.kind])).toEqual([
      ['envelope.eml', 'posta-certificata'],
      ['-', 'accettazione'],
    ]);
  });

  it('--json and --jsonl together are a usage error', () => {
    const r = cli(['verify', '--json', '--jsonl', 'envelope.eml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('exclude each other');
  });

  it('an empty --json array is still an array', () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const r = cli(['verify', '--json', 'empty']);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe('pec-kit verify --jsonl --resume', () => {
  // The run as a shell's `>> FILE` starts it: standard output appends to FILE.
  function appendingTo(file: string, args: string[]): SpawnSyncReturns<string> {
    const fd = openSync(join(dir, file), 'a');
    try {
      return spawnSync(process.execPath, [CLI, ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', fd, 'pipe'],
      });
    } finally {
      closeSync(fd);
    }
  }
  /** `verify --jsonl --resume FILE ARGS... >> FILE`. */
  const resumeInto = (file: string, args: string[]): SpawnSyncReturns<string> =>
    appendingTo(file, ['verify', '--jsonl', '--resume', file, ...args]);
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  /** The first `n` lines of `text`, then `cut` bytes of the next one (a run killed mid-write). */
  const interrupted = (text: string, n: number, cut = 0): string => {
    const lines = text.split('\n');
    return `${lines.slice(0, n).join('\n')}\n${lines[n]!.slice(0, cut)}`;
  };
  let full = '';
  beforeAll(() => {
    const r = cli(['verify', '--jsonl', '--trust', 'root.pem', 'many']);
    expect(r.status).toBe(1);
    full = r.stdout;
  });

  it('continues an interrupted run after its last line: FILE ends as the uninterrupted output, on 1 and 2 threads', () => {
    for (const j of ['1', '2']) {
      writeFileSync(join(dir, 'out.jsonl'), interrupted(full, 40, 700));
      const r = resumeInto('out.jsonl', ['-j', j, '--trust', 'root.pem', 'many']);
      expect(r.status).toBe(1);
      expect(read('out.jsonl')).toBe(full);
      expect(r.stderr).toContain('40 message(s) already in out.jsonl skipped');
      expect(r.stderr).toContain('cut by the interruption (700 bytes), was removed');
      // Run again when complete: nothing to do, the same verdict.
      const again = resumeInto('out.jsonl', ['--trust', 'root.pem', 'many']);
      expect(again.status).toBe(1);
      expect(read('out.jsonl')).toBe(full);
      expect(again.stderr).toContain('150 message(s) already in out.jsonl skipped');
    }
  });

  it('counts the skipped results in the exit code, as the uninterrupted run would', () => {
    const whole = cli(['verify', '--jsonl', '--trust', 'root.pem', 'tampered.eml', 'envelope.eml']);
    expect(whole.status).toBe(1);
    writeFileSync(join(dir, 'first.jsonl'), interrupted(whole.stdout, 1));
    const r = resumeInto('first.jsonl', ['--trust', 'root.pem', 'tampered.eml', 'envelope.eml']);
    expect(r.status).toBe(1); // tampered.eml, verified before the interruption, is still invalid
    expect(read('first.jsonl')).toBe(whole.stdout);
  });

  it('leaves FILE as it is when the output goes elsewhere, and verifies the cut line again', () => {
    const text = interrupted(full, 10, 50);
    writeFileSync(join(dir, 'kept.jsonl'), text);
    const r = cli([
      'verify',
      '--jsonl',
      '--resume',
      'kept.jsonl',
      '--lang',
      'it',
      '--trust',
      'root.pem',
      'many',
    ]);
    expect(r.status).toBe(1);
    expect(read('kept.jsonl')).toBe(text);
    expect(full.split('\n').slice(0, 10).join('\n') + '\n' + r.stdout).toBe(full);
    expect(r.stderr).toContain('10 messaggi già presenti in kept.jsonl saltati');
    expect(r.stderr).toContain('resta com');
  });

  it('resumes an mbox file message by message, by name and offset', () => {
    const whole = cli(['verify', '--jsonl', '--trust', 'root.pem', 'archive.mbox']);
    writeFileSync(join(dir, 'mbox.jsonl'), interrupted(whole.stdout, 2, 9));
    const r = resumeInto('mbox.jsonl', ['--trust', 'root.pem', 'archive.mbox']);
    expect(r.status).toBe(1);
    expect(read('mbox.jsonl')).toBe(whole.stdout);
    // Another offset in place of the second message's: not this mailbox.
    const moved = whole.stdout.replace(
      /("file":"archive\.mbox#2","offset":)(\d+)/,
      (_, k, n) => `${k}${Number(n) + 1}`,
    );
    writeFileSync(join(dir, 'moved.jsonl'), interrupted(moved, 2));
    const bad = cli(['verify', '--jsonl', '--resume', 'moved.jsonl', '--trust', 'root.pem', 'archive.mbox']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /line 2 of moved\.jsonl is archive\.mbox#2 \(offset \d+\), but message 2 of this run is archive\.mbox#2 \(offset \d+\)/,
    );
  });

  it('refuses, verifying nothing, when FILE is not the beginning of this run', () => {
    writeFileSync(join(dir, 'other.jsonl'), interrupted(full, 3));
    const moved = cli(['verify', '--jsonl', '--resume', 'other.jsonl', 'envelope.eml', 'many']);
    expect(moved.status).toBe(2);
    expect(moved.stdout).toBe('');
    expect(moved.stderr).toContain(
      `line 1 of other.jsonl is ${join('many', 'm000.eml')}, but message 1 of this run is envelope.eml`,
    );
    const fewer = cli(['verify', '--jsonl', '--resume', 'other.jsonl', join('many', 'm000.eml')]);
    expect(fewer.status).toBe(2);
    expect(fewer.stdout).toBe('');
    expect(fewer.stderr).toContain('other.jsonl has more results than this run has messages (line 2');
  });

  it('refuses a FILE that is not --jsonl output, and touches nothing', () => {
    const lines = full.split('\n');
    for (const [text, msg] of [
      [`${lines[0]}\nhello\n`, 'line 2 of bad.jsonl is not a pec-kit verify --jsonl result'],
      [`${lines[0]}\n{"file":1}\n`, 'line 2 of bad.jsonl is not a pec-kit verify --jsonl result'],
      [`${lines[0]}\n[\n`, 'line 2 of bad.jsonl is not a pec-kit verify --jsonl result'],
      [
        `${lines[0]}\nnot ours`,
        'the last line of bad.jsonl is not the start of a pec-kit verify --jsonl result',
      ],
    ] as const) {
      writeFileSync(join(dir, 'bad.jsonl'), text);
      const r = resumeInto('bad.jsonl', ['many']);
      expect(r.status, text).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(read('bad.jsonl')).toBe(text);
    }
  });

  it('a FILE that does not exist or is empty: every message is verified, and said so', () => {
    const missing = cli(['verify', '--jsonl', '--resume', 'none.jsonl', '--trust', 'root.pem', 'many']);
    expect(missing.stdout).toBe(full);
    expect(missing.stderr).toContain('none.jsonl does not exist; every message is verified');
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const empty = resumeInto('empty.jsonl', ['--trust', 'root.pem', 'many']);
    expect(read('empty.jsonl')).toBe(full);
    expect(empty.stderr).toContain('empty.jsonl is empty, nothing to skip (a > redirection empties it first');
  });

  it('is a usage error without --jsonl or without a FILE', () => {
    for (const args of [
      ['--resume', 'out.jsonl'],
      ['--json', '--resume', 'out.jsonl'],
      ['--jsonl', '--resume', ''],
    ]) {
      const r = cli(['verify', ...args, 'envelope.eml']);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--resume (continues a --jsonl run: add --jsonl|expects the FILE)/);
    }
  });
});

describe('pec-kit verify on mailboxes', () => {
  it('verifies each message of an mbox file, named FILE#N with the offset of its From line', () => {
    for (const j of ['1', '2']) {
      const r = cli(['verify', '--jsonl', '-j', j, '--trust', 'root.pem', 'archive.mbox']);
      expect(r.status).toBe(1);
      const got = jsonl(r);
      expect(got.map((x) => [x.file, x.valid, x.kind])).toEqual([
        ['archive.mbox#1', true, 'posta-certificata'],
        ['archive.mbox#2', true, 'accettazione'],
        ['archive.mbox#3', false, 'posta-certificata'],
        ['archive.mbox#4', true, 'avvenuta-consegna'],
      ]);
      const file = mboxrd([tx.envelope, tx.accettazione, tamper(tx.envelope), tx.consegna]);
      for (const x of got) expect(file.subarray(x.offset!, x.offset! + 5).toString()).toBe('From ');
      expect(got[0]!.offset).toBe(0);
    }
  });

  it('a message signed over lines starting with "From " and ">>From " verifies with its variant undone', async () => {
    const eml = original().replace(
      'testo inoltrato',
      'testo inoltrato\n>>From a quoted line\nFrom the office',
    );
    const check = checkSubmission(eml, {
      domain: 'pec.example.it',
      at: WINTER,
      pecDomains: ['pec.example.it', 'postacert.example.org'],
    });
    const env = (
      await buildEnvelope({ transaction: check.transaction, provider: await providerA(), at: WINTER })
    ).bytes;
    const text = Buffer.from(env).toString('latin1');
    expect(text).toMatch(/\n>>From a quoted line\r?\n/);
    expect(text).toMatch(/\nFrom the office\r?\n/);
    const sep = 'From provider@pec.example.it Tue Jan 14 10:15:00 2025\n';
    // mboxrd escapes both lines; mboxo only the bare "From " one (">>From " stays as it is, so a
    // reader must know the variant: mboxrd would take one ">" off it).
    writeFileSync(join(dir, 'rd.mbox'), `${sep}${text.replace(/^(>*From )/gm, '>$1')}\n`, 'latin1');
    writeFileSync(join(dir, 'o.mbox'), `${sep}${text.replace(/^From /gm, '>From ')}\n`, 'latin1');
    const valid = (...args: string[]) =>
      jsonl(cli(['verify', '--jsonl', '--trust', 'root.pem', ...args])).map((x) => x.valid);
    expect(valid('rd.mbox')).toEqual([true]);
    expect(valid('--mbox-format', 'mboxo', 'o.mbox')).toEqual([true]);
    expect(valid('o.mbox')).toEqual([false]); // read as mboxrd, ">>From a quoted line" loses a ">"
    expect(cli(['verify', '--mbox-format', 'mbox', 'o.mbox']).status).toBe(2);
  });

  it('verifies cur/ and new/ of a Maildir folder (tmp/ is skipped), each named by its file', () => {
    const r = cli(['verify', '--jsonl', '--trust', 'root.pem', 'Maildir']);
    expect(r.status).toBe(0);
    expect(jsonl(r).map((x) => [x.file, x.kind])).toEqual([
      [join('Maildir', 'cur', '1741948200.M1P1.host:2,S'), 'accettazione'],
      [join('Maildir', 'new', '1741948201.M2P1.host'), 'avvenuta-consegna'],
    ]);
  });

  it('verifies each entry of a .zip export, named ARCHIVE#ENTRY, on 1 and 2 threads', () => {
    writeFileSync(
      join(dir, 'export.zip'),
      zipSync({
        'inbox/busta.eml': tx.envelope,
        'inbox/manomessa.eml': tamper(tx.envelope),
        'ricevute/': {},
      }),
    );
    for (const j of ['1', '2']) {
      const r = cli(['verify', '--jsonl', '-j', j, '--trust', 'root.pem', 'export.zip']);
      expect(r.status).toBe(1);
      expect(jsonl(r).map((x) => [x.file, x.valid])).toEqual([
        ['export.zip#inbox/busta.eml', true],
        ['export.zip#inbox/manomessa.eml', false],
      ]);
    }
  });

  it('mixes mailboxes and files in argument order, in the text report too', () => {
    const r = cli(['verify', '--trust', 'root.pem', 'Maildir', 'envelope.eml', 'archive.mbox']);
    expect(r.status).toBe(1);
    const names = [...r.stdout.matchAll(/^(?:VALID|INVALID)\s+(\S+)/gm)].map((m) => m[1]);
    expect(names).toEqual([
      join('Maildir', 'cur', '1741948200.M1P1.host:2,S'),
      join('Maildir', 'new', '1741948201.M2P1.host'),
      'envelope.eml',
      'archive.mbox#1',
      'archive.mbox#2',
      'archive.mbox#3',
      'archive.mbox#4',
    ]);
    expect(r.stdout).toContain('6 valid, 1 invalid, 0 not a message, 0 unreadable');
  });
});

describe('pec-kit verify: the key and clock policy flags', () => {
  type Report = Line & { issues: { code: string }[] };
  const one = (args: string[]): Report => JSON.parse(cli(['verify', '--json', ...args]).stdout)[0];

  it('--min-rsa-bits raises the smallest key accepted in the chain, on threads too', () => {
    expect(one(['--trust', 'root.pem', 'envelope.eml']).valid).toBe(true);
    const strict = one(['--min-rsa-bits', '4096', '--trust', 'root.pem', 'envelope.eml']);
    expect(strict.valid).toBe(false);
    expect(strict.issues.map((i) => i.code)).toContain('CHAIN_KEY_TOO_WEAK');
    const many = cli([
      'verify',
      '--jsonl',
      '-j',
      '2',
      '--min-rsa-bits',
      '3072',
      '--trust',
      'root.pem',
      'many',
    ]);
    expect(jsonl(many).filter((l) => l.valid)).toHaveLength(0);
  });

  it('--max-clock-skew widens how far ahead of the clock a signing time may be', async () => {
    // Signed an hour from now: beyond the default 5 minutes, within --max-clock-skew 7200.
    const ahead = await testTransaction(new Date(Date.now() + 3600_000));
    writeFileSync(join(dir, 'ahead.eml'), ahead.envelope);
    const codes = (args: string[]) =>
      one([...args, '--trust', 'root.pem', 'ahead.eml']).issues.map((i) => i.code);
    expect(codes([])).toContain('SIGNING_TIME_IN_FUTURE');
    expect(codes(['--max-clock-skew', '7200'])).not.toContain('SIGNING_TIME_IN_FUTURE');
    expect(codes(['--max-clock-skew', '7200', '-j', '2'])).not.toContain('SIGNING_TIME_IN_FUTURE');
  });

  it('--legacy-keys-until none is accepted (no legacy window) and leaves a 2048-bit chain valid', () => {
    expect(one(['--legacy-keys-until', 'none', '--trust', 'root.pem', 'envelope.eml']).valid).toBe(true);
    expect(one(['--legacy-keys-until', '2010-01-01', '--trust', 'root.pem', 'envelope.eml']).valid).toBe(
      true,
    );
  });

  it('refuses bad values with exit 2 and one line', () => {
    for (const [flag, bad, msg] of [
      ['--min-rsa-bits', '512', /--min-rsa-bits expects a number of bits from 1024/],
      ['--min-rsa-bits', 'big', /--min-rsa-bits expects/],
      ['--legacy-keys-until', 'soon', /--legacy-keys-until expects an ISO-8601 date or none/],
      ['--max-clock-skew', '-5', /--max-clock-skew/],
      ['--max-clock-skew', '1.5', /--max-clock-skew expects a whole number of seconds/],
    ] as const) {
      const r = cli(['verify', flag, bad, 'envelope.eml']);
      expect(r.status, `${flag} ${bad}`).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
