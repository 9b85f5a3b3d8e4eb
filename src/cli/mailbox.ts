// Mailboxes as archives hold them: mbox files and Maildir folders, read message by message.
//
// mbox: one file, each message opened by a "From " separator line at the start of a line (RFC 4155).
// Writers escape body lines that would look like one: mboxo turns "From " into ">From ", mboxrd
// also adds a ">" to lines already starting with ">…>From ". Reading undoes the escape of the
// variant, which matters here: the signature covers the bytes before escaping. The file is read as
// a stream, line by line; only the current message is held, and one larger than the limit is
// skipped to the next separator (reported, never buffered).
//
// Maildir: a folder with cur/ and new/ (and tmp/, which holds deliveries in progress and is not
// read), one message per file.
//
// .zip: a mailbox export (webmail and archive tools write one .eml per entry). Read as a stream
// with fflate (pure JavaScript, no native code: docs/stack.md), entry by entry; an entry larger
// than the limit is reported and its data dropped as it streams.
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import type { WorkItem } from './verify-item.js';

/** How an mbox file escapes body lines starting with "From ". */
export type MboxVariant = 'mboxrd' | 'mboxo';

/** What a PATH holds when it is a mailbox. */
export type MailboxKind = 'mbox' | 'maildir' | 'zip';

/** A message of a mailbox: bytes and the offset of its "From " line (mbox), or a file (Maildir). */
export type MailboxItem = WorkItem;

const FROM = Buffer.from('From ');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // "PK\3\4": a local file header

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Tells whether `path` is a mailbox: a folder holding cur/ and new/ (Maildir), a file whose
 * first line is an mbox "From " separator, or a .zip archive (by its first bytes). Anything else (a plain .eml starts with a header
 * field, "From:" included) is not one.
 *
 * @example
 * ```ts
 * if ((await mailboxKind('archive.mbox')) === 'mbox') for await (const m of mboxMessages('archive.mbox')) …
 * ```
 */
export async function mailboxKind(path: string): Promise<MailboxKind | null> {
  let info: import('node:fs').Stats;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (info.isDirectory())
    return (await isDir(join(path, 'cur'))) && (await isDir(join(path, 'new'))) ? 'maildir' : null;
  if (!info.isFile() || info.size < FROM.length) return null;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(FROM.length);
    await handle.read(head, 0, FROM.length, 0);
    if (head.equals(FROM)) return 'mbox';
    return head.subarray(0, ZIP.length).equals(ZIP) ? 'zip' : null;
  } finally {
    await handle.close();
  }
}

/** Options of {@link mboxMessages}. */
export interface MboxOptions {
  /** How body lines were escaped. Default mboxrd. */
  variant?: MboxVariant;
  /** Largest message kept; a larger one is reported as an error item. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Stream chunk size (tests use small ones to cut lines and separators across chunks). */
  chunkBytes?: number;
}

// ">From ", ">>From "…: how many ">" open the line, or -1 when it is not an escaped From line.
function quotedFrom(line: Buffer): number {
  let n = 0;
  while (n < line.length && line[n] === 0x3e) n++;
  if (n === 0 || line.length < n + FROM.length) return -1;
  for (let i = 0; i < FROM.length; i++) if (line[n + i] !== FROM[i]) return -1;
  return n;
}

const isFromLine = (line: Buffer): boolean =>
  line.length >= FROM.length && line.subarray(0, FROM.length).equals(FROM);

const isBlank = (line: Buffer): boolean =>
  (line.length === 1 && line[0] === 0x0a) || (line.length === 2 && line[0] === 0x0d && line[1] === 0x0a);

/**
 * The messages of an mbox file, in order, read as a stream. Each is named `FILE#N` (N from 1) with
 * the byte offset of its separator line; the separator is dropped, the escape of `variant` undone
 * and the blank line before the next separator removed.
 *
 * @example
 * ```ts
 * for await (const m of mboxMessages('archive.mbox')) console.log(m.name, m.offset, m.bytes?.length);
 * ```
 */
export async function* mboxMessages(path: string, options: MboxOptions = {}): AsyncGenerator<MailboxItem> {
  const variant = options.variant ?? 'mboxrd';
  const max = options.maxMessageBytes ?? 64 * 1024 * 1024;
  let lines: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let index = 0;
  let start = -1; // offset of the current message's separator; -1 before the first one
  const finish = (): MailboxItem | null => {
    if (start === -1) return null;
    const name = `${path}#${index}`;
    if (tooLarge)
      return { name, offset: start, error: `the message is larger than the limit (${max} bytes); skipped` };
    if (lines.length > 0 && isBlank(lines[lines.length - 1]!)) size -= lines.pop()!.length;
    // One buffer of its own (not Node's shared pool): it can be transferred to a worker.
    const bytes = new Uint8Array(size);
    let o = 0;
    for (const l of lines) {
      bytes.set(l, o);
      o += l.length;
    }
    return { name, offset: start, bytes };
  };
  // `length` is the line's true length: beyond the limit only its head is kept in `line`.
  const take = (line: Buffer, at: number, length: number): MailboxItem | null => {
    if (isFromLine(line)) {
      const done = finish();
      lines = [];
      size = 0;
      tooLarge = false;
      index++;
      start = at;
      return done;
    }
    if (start === -1 || tooLarge) return null; // bytes before the first separator: not a message
    const q = quotedFrom(line);
    const escaped = q > 0 && (variant === 'mboxrd' || q === 1);
    const kept = escaped ? line.subarray(1) : line;
    size += escaped ? length - 1 : length;
    if (size > max) {
      tooLarge = true;
      lines = [];
      return null;
    }
    lines.push(kept);
    return null;
  };

  let partial: Buffer[] = [];
  let partialKept = 0;
  let partialLength = 0;
  let lineStart = 0; // file offset of the line being assembled
  let offset = 0; // file offset of the current chunk
  for await (const chunk of createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 16 })) {
    const c = chunk as Buffer;
    let i = 0;
    while (i < c.length) {
      const nl = c.indexOf(0x0a, i);
      const piece = c.subarray(i, nl === -1 ? c.length : nl + 1);
      partialLength += piece.length;
      // A line longer than the limit makes its message too large: past the limit only its head is
      // kept (enough to tell a separator), so a gigabyte without a line break costs nothing.
      if (partialKept <= max) {
        partial.push(piece);
        partialKept += piece.length;
      }
      if (nl === -1) break;
      const line = partial.length === 1 ? partial[0]! : Buffer.concat(partial);
      const done = take(line, lineStart, partialLength);
      partial = [];
      partialKept = 0;
      partialLength = 0;
      if (done) yield done;
      i = nl + 1;
      lineStart = offset + i;
    }
    offset += c.length;
  }
  if (partial.length > 0) {
    const done = take(Buffer.concat(partial), lineStart, partialLength);
    if (done) yield done;
  }
  const last = finish();
  if (last) yield last;
}

/**
 * The messages of a Maildir folder: cur/ then new/, each in name order (tmp/ holds deliveries in
 * progress and is skipped, as are hidden files). Each item names its file.
 *
 * @example
 * ```ts
 * for await (const m of maildirMessages('Maildir')) console.log(m.name); // Maildir/cur/1700000000.M1P2.host:2,S
 * ```
 */
export async function* maildirMessages(dir: string): AsyncGenerator<MailboxItem> {
  for (const sub of ['cur', 'new']) {
    const folder = join(dir, sub);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (e) {
      yield { name: folder, error: (e as Error).message };
      continue;
    }
    const names = entries
      .filter((e) => e.isFile() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const path = join(folder, name);
      yield { name: path, path };
    }
  }
}

/** Options of {@link zipMessages}. */
export interface ZipOptions {
  /** Largest entry kept; a larger one is reported as an error item. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Stream chunk size. */
  chunkBytes?: number;
}

/**
 * The entries of a .zip archive, in archive order, read as a stream: each file entry (folders and
 * hidden names skipped) is an item named `ARCHIVE#ENTRY-PATH` with its bytes. Stored and deflated
 * entries are read; another method, or an entry over the limit, is an error item.
 *
 * @example
 * ```ts
 * for await (const m of zipMessages('export.zip')) console.log(m.name); // export.zip#inbox/1.eml
 * ```
 */
export async function* zipMessages(path: string, options: ZipOptions = {}): AsyncGenerator<MailboxItem> {
  const max = options.maxMessageBytes ?? 64 * 1024 * 1024;
  const ready: MailboxItem[] = [];
  let failure: Error | null = null;
  const unzip = new Unzip((file) => {
    const name = `${path}#${file.name}`;
    const base = file.name.split('/').pop() ?? '';
    if (file.name.endsWith('/') || base.startsWith('.') || base === '') return;
    if (file.compression !== 0 && file.compression !== 8) {
      ready.push({ name, error: `zip compression method ${file.compression} is not supported` });
      return;
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    let tooLarge = false;
    file.ondata = (err, data, final) => {
      if (err) {
        ready.push({ name, error: `unreadable zip entry: ${err.message}` });
        return;
      }
      size += data.length;
      if (size > max) tooLarge = true;
      if (!tooLarge && data.length > 0) parts.push(data.slice()); // the decoder reuses its buffer
      if (!final) return;
      if (tooLarge) {
        ready.push({ name, error: `the message is larger than the limit (${max} bytes); skipped` });
        return;
      }
      const bytes = new Uint8Array(size);
      let o = 0;
      for (const part of parts) {
        bytes.set(part, o);
        o += part.length;
      }
      ready.push({ name, bytes });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 16 })) {
    try {
      unzip.push(new Uint8Array(chunk as Buffer));
    } catch (e) {
      failure = e as Error;
      break;
    }
    // Entries finished by this chunk go out before the next chunk is read: only they are held.
    while (ready.length > 0) yield ready.shift()!;
  }
  if (!failure) {
    try {
      unzip.push(new Uint8Array(0), true);
    } catch (e) {
      failure = e as Error;
    }
  }
  while (ready.length > 0) yield ready.shift()!;
  if (failure) yield { name: path, error: `unreadable zip archive: ${failure.message}` };
}
