// Mailbox reading (src/cli/mailbox.ts): mbox files cut at "From " lines with the escape of each
// variant undone (byte-exact round trips through an mboxrd writer, whatever the chunk size), the
// offsets and names of each message, the per-message limit, Maildir folders, and detection.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MailboxItem,
  mailboxKind,
  maildirMessages,
  mboxMessages,
  zipMessages,
} from '../src/cli/mailbox.js';
import { testTransaction } from './helpers/sample.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-mailbox-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array()).toString('latin1');

async function all(path: string, options: Parameters<typeof mboxMessages>[1] = {}): Promise<MailboxItem[]> {
  const out: MailboxItem[] = [];
  for await (const m of mboxMessages(path, options)) out.push(m);
  return out;
}

/**
 * An mboxrd writer, as the RFC 4155 family describes it: separator, escaped body ending with a line
 * break (one is added when missing, as writers do), blank line.
 */
function mboxrd(messages: Uint8Array[]): { file: Buffer; offsets: number[] } {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const [i, m] of messages.entries()) {
    const sep = Buffer.from(`From sender${i}@example.it Thu Jan 14 10:15:00 2025\n`);
    const escaped = text(m).replace(/^(>*From )/gm, '>$1');
    const body = Buffer.from(escaped.endsWith('\n') ? escaped : `${escaped}\n`, 'latin1');
    offsets.push(at);
    for (const p of [sep, body, Buffer.from('\n')]) {
      parts.push(p);
      at += p.length;
    }
  }
  return { file: Buffer.concat(parts), offsets };
}

describe('mboxMessages', () => {
  const m1 = 'Subject: one\n\nFrom here on, a line that needs escaping\n>From quoted once\nend\n';
  const m2 = 'Subject: two\r\n\r\n>>From twice\r\nFrom \r\n';
  const m3 = 'Subject: three\n\nno newline at the end';

  it('cuts at separators, undoes the mboxrd escape, names each message with its offset', async () => {
    const { file, offsets } = mboxrd([m1, m2, m3].map((s) => Buffer.from(s)));
    const path = join(dir, 'a.mbox');
    writeFileSync(path, file);
    const got = await all(path);
    expect(got.map((m) => m.name)).toEqual([`${path}#1`, `${path}#2`, `${path}#3`]);
    expect(got.map((m) => m.offset)).toEqual(offsets);
    expect(got.map((m) => text(m.bytes))).toEqual([m1, m2, `${m3}\n`]);
    for (const o of offsets) expect(file.subarray(o, o + 5).toString()).toBe('From ');
  });

  it('gives the same bytes whatever the chunk size (lines and separators cut across chunks)', async () => {
    const msgs = [m1, m2, `${m3}\n`, m1].map((s) => Buffer.from(s));
    const path = join(dir, 'chunks.mbox');
    writeFileSync(path, mboxrd(msgs).file);
    for (const chunkBytes of [1, 2, 3, 5, 6, 7, 11, 64])
      expect((await all(path, { chunkBytes })).map((m) => text(m.bytes))).toEqual(msgs.map((m) => text(m)));
  });

  it('mboxo unescapes only ">From " (one level); mboxrd every level', async () => {
    const path = join(dir, 'o.mbox');
    writeFileSync(path, 'From x\n>From a\n>>From b\n>>>From c\n> From d\n');
    expect(text((await all(path, { variant: 'mboxo' }))[0]!.bytes)).toBe(
      'From a\n>>From b\n>>>From c\n> From d\n',
    );
    expect(text((await all(path, { variant: 'mboxrd' }))[0]!.bytes)).toBe(
      'From a\n>From b\n>>From c\n> From d\n',
    );
  });

  it('round-trips real signed PEC messages byte for byte', async () => {
    const tx = await testTransaction();
    const msgs = [tx.envelope, tx.accettazione, tx.consegna];
    const path = join(dir, 'pec.mbox');
    writeFileSync(path, mboxrd(msgs).file);
    const got = await all(path, { chunkBytes: 4096 });
    expect(got).toHaveLength(3);
    for (const [i, m] of got.entries())
      expect(Buffer.from(m.bytes!).equals(Buffer.from(msgs[i]!))).toBe(true);
    // Each message owns its buffer (transferable to a worker without touching others' memory).
    for (const m of got) expect(m.bytes!.byteLength).toBe(m.bytes!.buffer.byteLength);
  });

  it('reports a message over the limit, without keeping it, and reads on', async () => {
    const big = `Subject: big\n\n${'x'.repeat(5000)}\n`;
    const long = `Subject: long line\n\n${'y'.repeat(20000)}`; // no line break at all
    const path = join(dir, 'limit.mbox');
    writeFileSync(path, mboxrd([m1, big, m3, long, m2].map((s) => Buffer.from(s))).file);
    const got = await all(path, { maxMessageBytes: 1000, chunkBytes: 512 });
    expect(got.map((m) => (m.error ? 'error' : text(m.bytes)))).toEqual([
      m1,
      'error',
      `${m3}\n`,
      'error',
      m2,
    ]);
    expect(got[1]!.error).toMatch(/larger than the limit \(1000 bytes\)/);
    expect(got[3]!.name).toBe(`${path}#4`);
  });

  it('ignores bytes before the first separator and yields nothing for an empty file', async () => {
    const path = join(dir, 'pre.mbox');
    writeFileSync(path, 'garbage\nFrom x\nSubject: a\n');
    expect((await all(path)).map((m) => text(m.bytes))).toEqual(['Subject: a\n']);
    writeFileSync(path, '');
    expect(await all(path)).toEqual([]);
  });
});

describe('maildirMessages and mailboxKind', () => {
  it('reads cur/ then new/ in name order, skipping tmp/ and hidden files', async () => {
    const md = join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(md, sub), { recursive: true });
    writeFileSync(join(md, 'cur', '1700000002.M2P1.host:2,S'), 'b');
    writeFileSync(join(md, 'cur', '1700000001.M1P1.host:2,S'), 'a');
    writeFileSync(join(md, 'cur', '.hidden'), 'h');
    writeFileSync(join(md, 'new', '1700000003.M3P1.host'), 'c');
    writeFileSync(join(md, 'tmp', '1700000004.M4P1.host'), 'in delivery');
    const names: string[] = [];
    for await (const m of maildirMessages(md)) names.push(m.name);
    expect(names).toEqual([
      join(md, 'cur', '1700000001.M1P1.host:2,S'),
      join(md, 'cur', '1700000002.M2P1.host:2,S'),
      join(md, 'new', '1700000003.M3P1.host'),
    ]);
    expect(await mailboxKind(md)).toBe('maildir');
  });

  it('tells mbox files and Maildir folders from messages and plain folders', async () => {
    const mbox = join(dir, 'k.mbox');
    writeFileSync(mbox, 'From x\nSubject: a\n');
    const eml = join(dir, 'k.eml');
    writeFileSync(eml, 'From: a@example.it\r\nSubject: a\r\n\r\n');
    const plain = join(dir, 'plain');
    mkdirSync(join(plain, 'cur'), { recursive: true });
    expect(await mailboxKind(mbox)).toBe('mbox');
    expect(await mailboxKind(eml)).toBeNull();
    expect(await mailboxKind(plain)).toBeNull(); // cur/ without new/
    expect(await mailboxKind(join(dir, 'missing'))).toBeNull();
  });
});

describe('zipMessages', () => {
  const enc = (t: string) => new Uint8Array(Buffer.from(t));
  async function entries(path: string, options: Parameters<typeof zipMessages>[1] = {}) {
    const out: MailboxItem[] = [];
    for await (const m of zipMessages(path, options)) out.push(m);
    return out;
  }

  it('reads stored and deflated entries in archive order, skipping folders and hidden files', async () => {
    const tx = await testTransaction();
    const path = join(dir, 'export.zip');
    writeFileSync(
      path,
      zipSync({
        'inbox/1.eml': [tx.envelope, { level: 6 }],
        'inbox/2.eml': [tx.accettazione, { level: 0 }],
        'inbox/.DS_Store': enc('x'),
        'sent/': new Uint8Array(0),
        'sent/3.eml': tx.consegna,
      }),
    );
    const got = await entries(path, { chunkBytes: 1000 });
    expect(got.map((m) => m.name)).toEqual([
      `${path}#inbox/1.eml`,
      `${path}#inbox/2.eml`,
      `${path}#sent/3.eml`,
    ]);
    expect(Buffer.from(got[0]!.bytes!).equals(Buffer.from(tx.envelope))).toBe(true);
    expect(Buffer.from(got[1]!.bytes!).equals(Buffer.from(tx.accettazione))).toBe(true);
    expect(Buffer.from(got[2]!.bytes!).equals(Buffer.from(tx.consegna))).toBe(true);
    expect(await mailboxKind(path)).toBe('zip');
  });

  it('reads an archive written as a stream (sizes in data descriptors)', async () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((err, data) => {
      if (err) throw err;
      chunks.push(data);
    });
    for (const [name, text] of [
      ['a.eml', 'Subject: a\r\n\r\nbody a\r\n'],
      ['b.eml', 'Subject: b\r\n\r\nbody b\r\n'],
    ] as const) {
      const f = new ZipDeflate(name);
      zip.add(f);
      f.push(enc(text), true);
    }
    zip.end();
    const path = join(dir, 'streamed.zip');
    writeFileSync(path, Buffer.concat(chunks));
    expect((await entries(path, { chunkBytes: 7 })).map((m) => text(m.bytes))).toEqual([
      'Subject: a\r\n\r\nbody a\r\n',
      'Subject: b\r\n\r\nbody b\r\n',
    ]);
  });

  it('reports an entry over the limit and a damaged archive, without throwing', async () => {
    const path = join(dir, 'limit.zip');
    writeFileSync(path, zipSync({ 'big.eml': enc('x'.repeat(5000)), 'small.eml': enc('Subject: s\n\n') }));
    const got = await entries(path, { maxMessageBytes: 1000 });
    expect(got.map((m) => [m.name.split('#')[1], m.error ?? text(m.bytes)])).toEqual([
      ['big.eml', 'the message is larger than the limit (1000 bytes); skipped'],
      ['small.eml', 'Subject: s\n\n'],
    ]);
    const damaged = join(dir, 'damaged.zip');
    const good = zipSync({ 'a.eml': [enc('Subject: a\n\n'.repeat(200)), { level: 6 }] });
    writeFileSync(damaged, Buffer.concat([good.subarray(0, 60), Buffer.alloc(40, 0xff)]));
    const bad = await entries(damaged);
    expect(bad.some((m) => m.error !== undefined)).toBe(true);
  });
});
