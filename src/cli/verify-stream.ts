// The streaming side of `pec-kit verify`: PATH arguments turned into work items as they are read
// (files, mbox messages, Maildir files), and output written as each result arrives, waiting for a
// slow reader (a pipe) so that memory stays flat however many messages there are.
import { type ExpandOptions, expandTargets, type Target } from './files.js';
import { readAllStdin } from './io.js';
import {
  type MailboxKind,
  type MboxVariant,
  mailboxKind,
  maildirMessages,
  mboxMessages,
  zipMessages,
} from './mailbox.js';
import type { WorkItem } from './verify-item.js';

/** Work items of the PATH arguments, and what the expansion found. */
export interface Sources {
  items: AsyncIterable<WorkItem>;
  /** Number of items, or null when a mailbox is among the PATHs (its messages are counted as read). */
  total: number | null;
  /** Files left out by --include/--exclude. */
  filtered: number;
  /** Links to a folder already walked, not walked again. */
  loops: number;
}

/** Options of {@link sourcesFor}. */
export interface SourceOptions extends ExpandOptions {
  mboxVariant?: MboxVariant;
  maxMessageBytes?: number;
  /** Reads standard input, for a `-` PATH (read when its turn comes). */
  readStdin?: () => Promise<Uint8Array>;
}

/**
 * Expands PATHs in order: an mbox file, a Maildir folder or a .zip export yields its messages
 * (read as the run goes; --include/--exclude do not apply inside a mailbox), anything else what
 * `expandTargets` finds (files, folders walked, globs, `-`).
 *
 * @example
 * ```ts
 * const { items, total } = await sourcesFor(['archive.mbox', 'inbox/'], {});
 * ```
 */
export async function sourcesFor(paths: readonly string[], options: SourceOptions = {}): Promise<Sources> {
  const groups: ({ kind: MailboxKind; path: string } | { kind: 'files'; targets: Target[] })[] = [];
  let total: number | null = 0;
  let filtered = 0;
  let loops = 0;
  let files: string[] = [];
  const flush = async (): Promise<void> => {
    if (files.length === 0) return;
    const found = await expandTargets(files, { include: options.include, exclude: options.exclude });
    groups.push({ kind: 'files', targets: found.targets });
    if (total !== null) total += found.targets.length;
    filtered += found.filtered;
    loops += found.loops;
    files = [];
  };
  for (const p of paths) {
    const kind = p === '-' || /[*?]/.test(p) ? null : await mailboxKind(p);
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
      if (g.kind === 'files') {
        for (const t of g.targets) {
          if ('error' in t) yield { name: t.file, error: t.error };
          else if (t.stdin) {
            try {
              yield { name: t.file, bytes: await (options.readStdin ?? readAllStdin)() };
            } catch (e) {
              yield { name: t.file, error: (e as Error).message };
            }
          } else yield { name: t.file, path: t.file };
        }
      } else if (g.kind === 'maildir') yield* maildirMessages(g.path);
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
  return { items: items(), total, filtered, loops };
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
