// What a person reads cannot be rewritten by a message: a subject, an address or a file name with a
// line break, terminal escapes or a direction override is shown with visible marks by summarize,
// formatReport and every text output of the CLI (verify, inspect, simulate, errors), in both
// languages and with colours on. Real signed messages (simulate's test PKI) carry the hostile
// subject through the provider's daticert; unsigned ones carry it in headers and file names.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUtf8 } from '../src/bytes.js';
import { simulate } from '../src/cli/simulation.js';
import { formatReport } from '../src/verify/format.js';
import { summarize } from '../src/verify/summary.js';
import { createVerifier, type VerificationReport } from '../src/verify/verify.js';
import { CLI, ensureDist } from './helpers/dist.js';

// A subject that tries to end our line, print a verdict of its own, erase and retitle the
// terminal, and reverse what follows it.
const FORGED = 'VALIDO: messaggio PEC autentico';
const HOSTILE = `Fattura\r\n${FORGED}\x1b[2K\x1b[1A\x1b]0;ok\x07\u202Efdp.exe\u2028\u0085fine`;
const q = (s: string): string =>
  Array.from(encodeUtf8(s), (b) =>
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
      ? String.fromCharCode(b)
      : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
const SUBJECT = `=?utf-8?q?${q(HOSTILE)}?=`;

// Anything a terminal or a page would obey, once our own colour codes are taken out.
const OURS = /\x1b\[\d+m/g;
const OBEYED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
function expectShownNotObeyed(text: string): void {
  const plain = text.replace(OURS, '');
  expect(plain).not.toMatch(OBEYED);
  for (const line of plain.split('\n')) expect(line.trimStart().startsWith(FORGED)).toBe(false);
}

const originalEml = (subject: string): Uint8Array =>
  encodeUtf8(
    [
      'From: =?utf-8?q?Mario=0AVALIDO?= <mario.rossi@pec.example.it>',
      'To: protocollo@postacert.example.org',
      `Subject: ${subject}`,
      'Date: Tue, 14 Jan 2025 10:15:00 +0100',
      'Message-ID: <hostile.1@client.example.it>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'In allegato.',
      '--b1',
      'Content-Type: application/pdf',
      `Content-Disposition: attachment; filename*=utf-8''${encodeURIComponent('fattura\n\u202Eexe.pdf')}`,
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      '--b1--',
      '',
    ].join('\r\n'),
  );

const unsignedPec = encodeUtf8(
  [
    'From: "=?utf-8?q?Posta_certificata=0D=0AVALIDO?=" <posta-certificata@pec.example.it>',
    'To: protocollo@postacert.example.org',
    `Subject: POSTA CERTIFICATA: ${SUBJECT}`,
    'X-Trasporto: posta-certificata',
    'X-Riferimento-Message-ID: <hostile.1@client.example.it>',
    'Message-ID: <opec.1@pec.example.it>',
    'Content-Type: text/plain',
    '',
    'corpo',
    '',
  ].join('\r\n'),
);

let sim: Awaited<ReturnType<typeof simulate>>;
let reports: VerificationReport[];
let dir = '';

beforeAll(async () => {
  ensureDist();
  sim = await simulate(originalEml(SUBJECT), { at: new Date('2025-01-14T09:15:00Z') });
  const verify = createVerifier({ trust: [sim.caPem] });
  reports = await Promise.all(sim.files.map((f) => verify(f.bytes)));
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-display-'));
  mkdirSync(join(dir, 'in'));
  for (const f of sim.files) writeFileSync(join(dir, 'in', f.name), f.bytes);
  writeFileSync(join(dir, 'ca.pem'), sim.caPem);
  // A file name is anyone's choice too (Linux allows every byte but / and NUL).
  writeFileSync(join(dir, 'in', `x\x1b[2K\r${FORGED}\n.eml`), unsignedPec);
}, 60_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C', ...extra };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'LC_ALL', 'LC_MESSAGES']) if (!(k in extra)) delete env[k];
  return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env });
}

describe('summarize and formatReport show a message, never obey it', () => {
  it('the signed daticert really carries the hostile subject (the case is real)', () => {
    expect(reports.every((r) => r.valid)).toBe(true);
    const delivered = reports.find((r) => r.kind === 'avvenuta-consegna')!;
    expect(delivered.certified?.subject).toContain('\u202E');
  });

  for (const language of ['it', 'en'] as const) {
    it(`every sentence of summarize(report, '${language}') is safe, and still shows the content`, () => {
      for (const r of reports) {
        const s = summarize(r, language);
        for (const text of [s.headline, s.reason, s.authentic, s.outcomeText, s.certified, s.claimed]) {
          if (text !== null) expectShownNotObeyed(text);
        }
        for (const i of s.issues) expectShownNotObeyed(`${i.text} ${i.detail}`);
      }
      const delivered = summarize(reports.find((r) => r.kind === 'avvenuta-consegna')!, language);
      expect(delivered.certified).toContain('<U+202E>fdp.exe');
    });

    it(`formatReport(report, '${language}') has only its own lines`, () => {
      for (const r of reports) {
        const text = formatReport(r, language);
        expectShownNotObeyed(text);
        // As many lines as for the same report with a harmless subject: nothing added a line.
        const tame = formatReport(
          { ...r, certified: r.certified && { ...r.certified, subject: 'Fattura' } } as VerificationReport,
          language,
        );
        expect(text.split('\n').length).toBe(tame.split('\n').length);
      }
    });
  }
});

describe('the CLI shows a message, never obeys it', () => {
  for (const lang of ['it', 'en']) {
    it(`verify --lang ${lang} with colours: one status line per file, no forged line`, () => {
      const r = cli(['verify', '--lang', lang, '--trust', 'ca.pem', 'in'], { FORCE_COLOR: '1' });
      expect(r.status).toBe(1); // the unsigned one is invalid
      expectShownNotObeyed(r.stdout);
      expectShownNotObeyed(r.stderr);
      const status = r.stdout
        .replace(OURS, '')
        .split('\n')
        .filter((l) => /^(VALID|INVALID|VALIDO|NON VALIDO)\b/.test(l));
      expect(status).toHaveLength(sim.files.length + 1);
      expect(r.stdout).toContain(`x\u241b[2K\u240d${FORGED}\u240a.eml`);
    });

    it(`inspect --lang ${lang}: every field shown with marks, each file said to be unverified`, () => {
      const r = cli(['inspect', '--lang', lang, 'in'], { FORCE_COLOR: '1' });
      expect(r.status).toBe(0);
      expectShownNotObeyed(r.stdout);
      expectShownNotObeyed(r.stderr);
      expect(r.stdout).toContain('<U+202E>fdp.exe');
      expect(r.stdout).toContain('<U+202E>exe.pdf'); // the attachment's name
      const warning = lang === 'it' ? 'NON VERIFICATO' : 'NOT VERIFIED';
      expect(r.stdout.split(warning).length - 1).toBe(sim.files.length + 1);
    });
  }

  it('a hostile path in an error and a hostile --out folder are shown with marks', () => {
    const missing = cli(['verify', `nope\x1b[2K\n${FORGED}`]);
    expect(missing.status).toBe(2);
    expectShownNotObeyed(missing.stdout);
    expectShownNotObeyed(missing.stderr);
    expect(`${missing.stdout}${missing.stderr}`).toContain(`nope\u241b[2K\u240a${FORGED}`);
    writeFileSync(join(dir, 'original.eml'), originalEml(SUBJECT));
    const out = `out\x1b]0;x\x07`;
    const s = cli(['simulate', 'original.eml', '--out', out, '--at', '2025-01-14T09:15:00Z'], {
      FORCE_COLOR: '1',
    });
    expect(s.status).toBe(0);
    expectShownNotObeyed(s.stdout);
    expect(s.stdout).toContain('out\u241b]0;x\u2407');
    // A failure whose message quotes the path (mkdir under a file): one line for the message.
    const under = cli(['simulate', 'original.eml', '--out', `original.eml/x\n${FORGED}`]);
    expect(under.status).toBe(2);
    expectShownNotObeyed(under.stderr);
    expect(under.stderr).toContain(`original.eml/x\u240a${FORGED}`);
    for (const line of under.stderr.trim().split('\n').slice(1)) expect(line).toMatch(/^ {4}at /);
  });

  it('JSON output keeps the values exactly as read (machines get the bytes, people the marks)', () => {
    const r = cli(['inspect', '--json', join('in', sim.files[0]!.name)]);
    const [first] = JSON.parse(r.stdout) as { original: { subject: string } }[];
    expect(first!.original.subject).toBe(HOSTILE);
  });
});
