// `pec-kit verify --jsonl --resume FILE`: continue a run that was interrupted, from its last line.
// The output keeps the input order and folders are walked in name order, so the lines of an earlier
// run with the same PATHs are the beginning of this run's output. They are read back in step with
// this run's messages (one line held at a time, so a million-line FILE costs no memory), each must
// name the message in its place, and the messages they name are skipped; their statuses still count
// in the summary and the exit code, as if the run had never stopped.
import { fstatSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from './io.js';
import type { FileReport, FileStatus, WorkItem } from './verify-item.js';

// A pec-kit line is a few KB; a "line" beyond this is not one, and is not held in memory.
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const STATUSES: readonly FileStatus[] = ['valid', 'invalid', 'not-a-message', 'unreadable'];
// How every line of `--jsonl` starts (`file` is the first key of a FileReport).
const LINE_START = '{"file":';

/** What resuming found, told to the caller once the earlier lines are all read. */
export interface ResumeSummary {
  /** Messages of the earlier run, skipped now. */
  skipped: number;
  /** FILE did not exist: nothing was skipped. */
  missing: boolean;
  /** Bytes of a last line cut by the interruption (no line break), 0 when FILE ended cleanly. */
  tornBytes: number;
  /** The cut line was removed from FILE (standard output appends to FILE, see {@link stdoutIsFile}). */
  tornRemoved: boolean;
}

/** What {@link resumeItems} calls: each skipped message's earlier report, then the summary. */
export interface ResumeHooks {
  skipped(report: FileReport): void;
  caughtUp(summary: ResumeSummary): void;
}

/** True when the file descriptor `fd` (standard output) is the file at `path`. */
export function stdoutIsFile(fd: number | undefined, path: string): boolean {
  if (fd === undefined) return false;
  try {
    const out = fstatSync(fd);
    const file = statSync(path);
    return out.isFile() && out.dev === file.dev && out.ino === file.ino;
  } catch {
    return false;
  }
}

/**
 * The complete lines of `path` (each ended by LF), read in chunks, and where the last one ends; a
 * missing file has none. A final piece without LF is not yielded: it is the cut line.
 */
async function* linesOf(path: string, end: { complete: number; size: number; missing: boolean }) {
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      end.missing = true;
      return;
    }
    throw new UsageError(`--resume cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const chunk = Buffer.allocUnsafe(1 << 16);
    let pending: Buffer[] = []; // pieces of the line being read
    let pendingBytes = 0;
    let position = 0;
    let number = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      let from = 0;
      for (let lf = chunk.indexOf(0x0a, from); lf !== -1 && lf < bytesRead; lf = chunk.indexOf(0x0a, from)) {
        pending.push(chunk.subarray(from, lf));
        const line = Buffer.concat(pending).toString('utf8');
        pending = [];
        pendingBytes = 0;
        from = lf + 1;
        end.complete = position - bytesRead + from;
        yield { line, number: ++number };
      }
      if (from < bytesRead) {
        pendingBytes += bytesRead - from;
        if (pendingBytes > MAX_LINE_BYTES)
          throw new UsageError(
            `--resume: line ${number + 1} of ${path} is longer than 64 MiB: not the output of pec-kit verify --jsonl`,
          );
        pending.push(Buffer.from(chunk.subarray(from, bytesRead)));
      }
    }
    end.size = position;
    // The cut line, if any, must be the start of one of ours: anything else is not our file to touch.
    if (pendingBytes > 0) {
      const head = Buffer.concat(pending).subarray(0, LINE_START.length).toString('latin1');
      if (!LINE_START.startsWith(head))
        throw new UsageError(
          `--resume: the last line of ${path} is not the start of a pec-kit verify --jsonl result`,
        );
    }
  } finally {
    await handle.close();
  }
}

/** Line `number` of FILE as a report, or a usage error saying why it is not one. */
function reportOf(line: string, number: number, path: string): FileReport {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  const r = value as Partial<FileReport> | undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.file !== 'string' ||
    !(r.offset === null || typeof r.offset === 'number') ||
    !STATUSES.includes(r.status as FileStatus) ||
    !Array.isArray(r.issues)
  )
    throw new UsageError(`--resume: line ${number} of ${path} is not a pec-kit verify --jsonl result`);
  return r as FileReport;
}

const place = (file: string, offset: number | null | undefined): string =>
  offset === null || offset === undefined ? file : `${file} (offset ${offset})`;

/**
 * The messages of `items` after those the lines of `path` already report. Throws a UsageError when
 * a line does not name the message in its place (other PATHs, another folder, files added or
 * removed since), when FILE has more lines than the run has messages, or when a line is not a
 * result: then nothing is verified, as nothing is yielded before the earlier lines are all read.
 * A last line cut by the interruption is removed from FILE when standard output appends to FILE
 * (`removeTorn`), so that the run continues it cleanly; otherwise it is left, and its message is
 * verified again.
 *
 * @example
 * ```ts
 * const rest = resumeItems(items, 'out.jsonl', stdoutIsFile(1, 'out.jsonl'), {
 *   skipped: (r) => counts[r.status]++,
 *   caughtUp: (s) => console.error(`${s.skipped} already verified`),
 * });
 * ```
 */
export async function* resumeItems(
  items: AsyncIterable<WorkItem>,
  path: string,
  removeTorn: boolean,
  hooks: ResumeHooks,
): AsyncGenerator<WorkItem> {
  const end = { complete: 0, size: 0, missing: false };
  const lines = linesOf(path, end);
  const source = items[Symbol.asyncIterator]();
  let skipped = 0;
  try {
    for await (const { line, number } of lines) {
      const earlier = reportOf(line, number, path);
      const next = await source.next();
      if (next.done)
        throw new UsageError(
          `--resume: ${path} has more results than this run has messages (line ${number}: ${place(earlier.file, earlier.offset)}); run it with the PATHs of the earlier run, from the same folder`,
        );
      const item = next.value;
      if (item.name !== earlier.file || (item.offset ?? null) !== earlier.offset)
        throw new UsageError(
          `--resume: line ${number} of ${path} is ${place(earlier.file, earlier.offset)}, but message ${number} of this run is ${place(item.name, item.offset)}: the PATHs or the files under them changed since the earlier run; run it with the same PATHs from the same folder, or without --resume`,
        );
      skipped++;
      hooks.skipped(earlier);
    }
    const tornBytes = end.size - end.complete;
    const tornRemoved = tornBytes > 0 && removeTorn;
    if (tornRemoved) truncateSync(path, end.complete);
    hooks.caughtUp({ skipped, missing: end.missing, tornBytes, tornRemoved });
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  } finally {
    await source.return?.();
  }
}
