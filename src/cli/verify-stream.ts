// The streaming side of `pec-kit verify`: PATH arguments turned into work items as they are read
// (files, mbox messages, Maildir files), and output written as each result arrives, waiting for a
// slow reader (a pipe) so that memory stays flat however many messages there are.
import { expandTargets } from './files.js';
import {
  type MailboxKind,
  type MboxVariant,
  mailboxKind,
  maildirMessages,
  mboxMessages,
  zipMessages,
} from './mailbox.js';
import type { WorkItem } from './verify-item.js';

/** Work items of the PATH arguments, and their count when known before reading (no mailbox). */
export interface Sources {
  items: AsyncIterable<WorkItem>;
  /** Number of items, or null when a mailbox is among the PATHs (its messages are counted as read). */
  total: number | null;
}

/** Options of {@link sourcesFor}. */
export interface SourceOptions {
  mboxVariant?: MboxVariant;
  maxMessageBytes?: number;
}

/**
 * Expands PATHs in order: an mbox file or a Maildir folder yields its messages (read as the run
 * goes), anything else what `expandTargets` finds (files, folders walked, globs).
 *
 * @example
 * ```ts
 * const { items, total } = await sourcesFor(['archive.mbox', 'inbox/'], {});
 * ```
 */
export async function sourcesFor(paths: readonly string[], options: SourceOptions = {}): Promise<Sources> {
  const groups: ({ kind: MailboxKind; path: string } | { kind: 'files'; items: WorkItem[] })[] = [];
  let total: number | null = 0;
  let files: string[] = [];
  const flush = async (): Promise<void> => {
    if (files.length === 0) return;
    const items: WorkItem[] = (await expandTargets(files)).map((t) =>
      'error' in t ? { name: t.file, error: t.error } : { name: t.file, path: t.file },
    );
    groups.push({ kind: 'files', items });
    if (total !== null) total += items.length;
    files = [];
  };
  for (const p of paths) {
    const kind = /[*?]/.test(p) ? null : await mailboxKind(p);
    if (kind === null) {
      files.push(p);
      continue;
    }
    await flush();
    groups.push({ kind, path: p });
    total = null;
  }
  await flush();
  async function* items(): AsyncGenerator<WorkItem> {
    for (const g of groups) {
      if (g.kind === 'files') yield* g.items;
      else if (g.kind === 'maildir') yield* maildirMessages(g.path);
      else {
        try {
          if (g.kind === 'zip') yield* zipMessages(g.path, { maxMessageBytes: options.maxMessageBytes });
          else
            yield* mboxMessages(g.path, {
              variant: options.mboxVariant,
              maxMessageBytes: options.maxMessageBytes,
            });
        } catch (e) {
          // A read failure mid-file: the messages before it were verified; the file is reported.
          yield { name: g.path, error: (e as Error).message };
        }
      }
    }
  }
  return { items: items(), total };
}

/**
 * Resolves when `stream` can take more output (a pipe's reader caught up); undefined when it can
 * already, so the common case costs no promise.
 *
 * @example
 * ```ts
 * io.out(line);
 * await drained(io.stdout);
 * ```
 */
export function drained(stream: NodeJS.WritableStream): Promise<void> | undefined {
  if (!(stream as { writableNeedDrain?: boolean }).writableNeedDrain) return undefined;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

/**
 * The `--json` array written element by element through `out` (one call per line, as `Io.out`
 * takes them): the lines joined are byte-identical to `JSON.stringify(all, null, 2)`, without
 * holding more than one element.
 *
 * @example
 * ```ts
 * const array = jsonArrayWriter(io.out);
 * for await (const r of reports) array.item(r);
 * array.end();
 * ```
 */
export function jsonArrayWriter(out: (line: string) => void): { item(value: unknown): void; end(): void } {
  let held: string | null = null; // the previous element, waiting for its comma
  let count = 0;
  return {
    item(value) {
      if (count++ === 0) out('[');
      if (held !== null) out(`${held},`);
      held = `  ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`;
    },
    end() {
      if (held === null) return out('[]');
      out(held);
      out(']');
    },
  };
}
