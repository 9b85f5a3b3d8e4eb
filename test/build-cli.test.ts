// `pec-kit simulate` and `pec-kit demo`, run in-process through run() with a captured Io.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ORIGINAL } from '../src/cli/demo-sample.js';
import type { Io } from '../src/cli/io.js';
import { run } from '../src/cli/main.js';
import type { TransactionRecord } from '../src/cli/simulation.js';
import { parsePec } from '../src/reading/parse.js';
import { verifyPec } from '../src/verify/verify.js';
import { original, PKI_DIR } from './helpers/build.js';

const SAMPLE = resolve(import.meta.dirname, '../fixtures/samples/demo-original.eml');
const tmp = mkdtempSync(join(tmpdir(), 'pec-kit-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function captured(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const stream = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    stdout: stream,
    stderr: stream,
  };
}

async function cli(...args: string[]) {
  const io = captured();
  const code = await run(args, io);
  return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
}

async function verifyAll(dir: string, record: TransactionRecord): Promise<void> {
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  for (const e of record.events) {
    const bytes = new Uint8Array(readFileSync(join(dir, e.file)));
    const report = await verifyPec(bytes, { trust: [ca] });
    expect({
      file: e.file,
      valid: report.valid,
      errors: report.issues.filter((i) => i.severity === 'error'),
    }).toEqual({ file: e.file, valid: true, errors: [] });
    const pec = parsePec(bytes);
    expect(pec.kind).toBe(e.kind);
    expect(pec.headers.messageId).toBe(e.messageId);
  }
}

const record = (dir: string): TransactionRecord =>
  JSON.parse(readFileSync(join(dir, 'transaction.json'), 'utf8'));

describe('pec-kit simulate', () => {
  it('is registered, with help and examples', async () => {
    const main = await cli('--help');
    expect(main.out).toMatch(/simulate\s+play both providers/);
    expect(main.out).toMatch(/demo\s+simulate a bundled sample/);
    expect(main.out).toMatch(/verify\s+/);
    const help = await cli('simulate', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    expect(help.out).toContain('--fail ADDR=REASON');
  });

  it('with the fixture PKI (--cert/--key/--ca): envelope, acceptance, per-recipient outcome, ca.pem, transaction.json', async () => {
    const dir = join(tmp, 'given');
    const r = await cli(
      'simulate',
      SAMPLE,
      '--out',
      dir,
      '--cert',
      join(PKI_DIR, 'provider.cert.pem'),
      '--key',
      join(PKI_DIR, 'provider.key.pem'),
      '--ca',
      join(PKI_DIR, 'pec-ca.cert.pem'),
      '--at',
      '2025-07-14T08:15:00Z',
      '--fail',
      'tributi@pec.example.org=no-dest',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rec = record(dir);
    expect(rec).toMatchObject({
      msgid: '<20250114101500.4f2a9c@client.example.it>',
      accepted: true,
      acceptedAt: '2025-07-14T08:15:00.000Z',
      sender: 'mario.rossi@pec.example.it',
      subject: 'Trasmissione fattura n. 12/2025 – così come concordato',
      requestedForm: 'breve',
      providers: [{ domain: 'pec.example.it', role: 'both', address: 'posta-certificata@pec.example.it' }],
    });
    expect(rec.identificativo).toMatch(/^opec\d{3}\.20250714101500\./);
    expect(rec.events.map((e) => [e.kind, e.recipient, e.deliveryForm, e.errore])).toEqual([
      ['posta-certificata', null, null, 'nessuno'],
      ['accettazione', null, null, 'nessuno'],
      ['presa-in-carico', null, null, 'nessuno'],
      ['avvenuta-consegna', 'protocollo@pec.example.org', 'breve', 'nessuno'],
      ['errore-consegna', 'tributi@pec.example.org', null, 'no-dest'],
      ['avvenuta-consegna', 'archivio@pec.example.it', 'sintetica', 'nessuno'],
    ]);
    expect(readdirSync(dir).sort()).toEqual(
      [...rec.events.map((e) => e.file), 'ca.pem', 'transaction.json'].sort(),
    );
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(
      readFileSync(join(PKI_DIR, 'pec-ca.cert.pem'), 'utf8'),
    );
    expect(r.out).toContain('01-posta-certificata.eml');
    await verifyAll(dir, rec);
  });

  it('with a generated test PKI, provider-compat, virus, timeout and no-dominio', async () => {
    const dir = join(tmp, 'generated');
    const r = await cli(
      'simulate',
      SAMPLE,
      '--out',
      dir,
      '--provider-compat',
      '--at',
      '2025-01-14T09:15:00Z',
      '--fail',
      'protocollo@pec.example.org=virus',
      '--fail',
      'TRIBUTI@pec.example.org=timeout',
      '--fail',
      'archivio@pec.example.it=no-dominio',
    );
    expect(r.code).toBe(0);
    const rec = record(dir);
    expect(rec.providers.map((p) => [p.domain, p.role])).toEqual([
      ['pec.example.it', 'sender'],
      ['pec.example.org', 'recipient'],
    ]);
    expect(rec.events.map((e) => [e.kind, e.emitter, e.recipient, e.errore, e.at])).toEqual([
      ['posta-certificata', 'pec.example.it', null, 'nessuno', '2025-01-14T09:15:00.000Z'],
      ['accettazione', 'pec.example.it', null, 'nessuno', '2025-01-14T09:15:00.000Z'],
      ['presa-in-carico', 'pec.example.org', null, 'nessuno', '2025-01-14T09:15:01.000Z'],
      [
        'rilevazione-virus',
        'pec.example.org',
        'protocollo@pec.example.org',
        'virus',
        '2025-01-14T09:15:02.000Z',
      ],
      [
        'errore-consegna',
        'pec.example.it',
        'archivio@pec.example.it',
        'no-dominio',
        '2025-01-14T09:15:02.000Z',
      ],
      [
        'errore-consegna',
        'pec.example.it',
        'protocollo@pec.example.org',
        'virus',
        '2025-01-14T09:15:03.000Z',
      ],
      [
        'preavviso-errore-consegna',
        'pec.example.it',
        'tributi@pec.example.org',
        'altro',
        '2025-01-14T21:15:00.000Z',
      ],
      [
        'preavviso-errore-consegna',
        'pec.example.it',
        'tributi@pec.example.org',
        'altro',
        '2025-01-15T09:15:00.000Z',
      ],
    ]);
    expect(rec.events[6]!.erroreEsteso).toMatch(/^4\.4\.1 - /);
    expect(rec.events[7]!.erroreEsteso).toMatch(/^5\.4\.1 - .* ventiquattro ore$/);
    expect(rec.events[3]!.to).toEqual(['posta-certificata@pec.example.it']);
    const env = readFileSync(join(dir, rec.events[0]!.file), 'latin1');
    expect(env).toContain('micalg=sha1');
    expect(env).toContain('application/x-pkcs7-signature');
    await verifyAll(dir, rec);
  });

  it('a refused submission gives a non-accettazione (exit 0)', async () => {
    const input = join(tmp, 'bcc.eml');
    writeFileSync(
      input,
      original({
        headers: ['From: mario.rossi@pec.example.it', 'To: a@pec.example.org', 'Bcc: b@pec.example.org'],
      }),
    );
    const dir = join(tmp, 'refused');
    const r = await cli('simulate', input, '--out', dir, '--sha1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('not accepted');
    expect(r.out).toContain('BCC_PRESENT');
    const rec = record(dir);
    expect(rec.accepted).toBe(false);
    expect(rec.reasons.map((x) => x.code)).toEqual(['BCC_PRESENT']);
    expect(rec.events.map((e) => e.kind)).toEqual(['non-accettazione']);
    expect(readFileSync(join(dir, rec.events[0]!.file), 'latin1')).toContain('micalg=sha-1');
    await verifyAll(dir, rec);
  });

  it('--mail-from and --rcpt drive the formal checks; --pec-domain marks external recipients', async () => {
    const dir = join(tmp, 'smtp');
    const r = await cli(
      'simulate',
      SAMPLE,
      '--out',
      dir,
      '--mail-from',
      'other@pec.example.it',
      '--rcpt',
      'protocollo@pec.example.org',
      '--rcpt',
      'hidden@pec.example.org',
    );
    expect(r.code).toBe(0);
    expect(record(dir).reasons.map((x) => x.code)).toEqual(['FROM_NOT_SENDER', 'RECIPIENT_NOT_IN_HEADERS']);
    const ext = join(tmp, 'external');
    expect((await cli('simulate', SAMPLE, '--out', ext, '--pec-domain', 'pec.example.it')).code).toBe(0);
    const rec = record(ext);
    expect(rec.external).toEqual(['protocollo@pec.example.org', 'tributi@pec.example.org']);
    expect(rec.events.map((e) => e.kind)).toEqual([
      'posta-certificata',
      'accettazione',
      'presa-in-carico',
      'avvenuta-consegna',
    ]);
  });

  it.each([
    [['simulate', SAMPLE], '--out'],
    [['simulate', '--out', 'x'], 'exactly one'],
    [['simulate', SAMPLE, '--out', 'x', '--fail', 'nobody'], '--fail expects'],
    [['simulate', SAMPLE, '--out', 'x', '--fail', 'a@b.it=lost'], '--fail expects'],
    [['simulate', SAMPLE, '--out', 'x', '--fail', 'stranger@pec.example.org=no-dest'], 'not a recipient'],
    [['simulate', SAMPLE, '--out', 'x', '--cert', 'c.pem'], 'go together'],
    [['simulate', SAMPLE, '--out', 'x', '--at', 'yesterday'], '--at expects'],
    [['simulate', '/nonexistent/mail.eml', '--out', 'x'], 'cannot read'],
    [
      ['simulate', SAMPLE, '--out', 'x', '--bogus'],
      'unknown option --bogus; "pec-kit simulate --help" lists the options',
    ],
  ])('usage error %j → exit 2', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(existsSync('x')).toBe(false);
  });

  it('a message it cannot simulate is a clean error (exit 2), not a stack trace', async () => {
    const input = join(tmp, 'nofrom.eml');
    writeFileSync(input, 'Subject: nobody\n\nbody\n');
    const r = await cli('simulate', input, '--out', join(tmp, 'nofrom'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--mail-from');
  });
});

describe('pec-kit demo', () => {
  it('the bundled sample equals fixtures/samples/demo-original.eml', () => {
    expect(DEMO_ORIGINAL).toBe(readFileSync(SAMPLE, 'utf8'));
  });

  it('simulates the sample, verifies every message, prints a table and exits 0', async () => {
    const dir = join(tmp, 'demo');
    const r = await cli('demo', '--out', dir, '--at', '2025-07-14T08:15:00Z');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\d\d-.*\.eml\s/.test(l));
    expect(rows).toHaveLength(7);
    for (const row of rows) expect(row).toMatch(/\.eml\s+[a-z-]+\s+valid/);
    expect(r.out).toContain('all 7 messages verify');
    expect(r.out).toMatch(/avvenuta-consegna\s+valid\s+breve protocollo@pec\.example\.org/);
    expect(r.out).toMatch(/errore-consegna\s+valid\s+no-dest tributi@pec\.example\.org/);
    expect(readFileSync(join(dir, 'original.eml'), 'utf8')).toBe(DEMO_ORIGINAL);
    await verifyAll(dir, record(dir));
  });

  it('has help with examples and refuses stray arguments', async () => {
    const help = await cli('demo', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('npx pec-kit demo');
    expect((await cli('demo', 'extra')).code).toBe(2);
  });
});
