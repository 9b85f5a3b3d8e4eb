// Turns PATH arguments into files: regular files as given, folders walked recursively (hidden
// entries skipped, symbolic links followed, each real folder walked once so a link loop ends),
// glob patterns (*, ?, **) expanded for shells that did not do it, `-` for standard input, and the
// --include/--exclude filters.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';

/** A file to read, standard input, or a PATH that could not be used. */
export type Target = { file: string; stdin?: true } | { file: string; error: string };

/** The targets, and what the walk set aside (for a clear "nothing verified" message). */
export interface Expansion {
  targets: Target[];
  /** Files left out by --include/--exclude. */
  filtered: number;
  /** Links to a folder already walked (a loop or a second way in), not walked again. */
  loops: number;
}

interface Walk {
  out: Target[];
  /** Real paths of the folders walked: a link back to one of them is a loop. */
  seen: Set<string>;
  loops: number;
}

async function walkDir(dir: string, w: Walk): Promise<void> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    w.out.push({ file: dir, error: (e as Error).message });
    return;
  }
  if (w.seen.has(real)) {
    w.loops++;
    return;
  }
  w.seen.add(real);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    w.out.push({ file: dir, error: (e as Error).message });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walkDir(path, w);
    else if (entry.isFile()) w.out.push({ file: path });
    else if (entry.isSymbolicLink()) {
      // Follow the link: a stored receipt is often a link into an archive. A dangling link is a
      // read error of its own, not a silent skip.
      let info: import('node:fs').Stats;
      try {
        info = await stat(path);
      } catch (e) {
        w.out.push({ file: path, error: `broken symbolic link: ${(e as Error).message}` });
        continue;
      }
      if (info.isDirectory()) await walkDir(path, w);
      else if (info.isFile()) w.out.push({ file: path });
    }
  }
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const slashes = (p: string): string => {
  const s = p.split(sep).join('/');
  return s.startsWith('./') ? s.slice(2) : s;
};

/**
 * An --include/--exclude matcher: a pattern with a `/` matches the whole path as printed, one
 * without matches the file name (`*.md` leaves out README.md in any folder).
 */
export function pathMatcher(patterns: readonly string[]): (file: string) => boolean {
  const res = patterns.map((p) => ({ re: globToRegExp(slashes(p)), whole: p.includes('/') }));
  return (file) => {
    const path = slashes(file);
    return res.some(({ re, whole }) => re.test(whole ? path : basename(path)));
  };
}

/** Filters of {@link expandTargets}. */
export interface ExpandOptions {
  include?: readonly string[];
  exclude?: readonly string[];
}

/** Expands PATH arguments in order, without duplicates. */
export async function expandTargets(
  paths: readonly string[],
  options: ExpandOptions = {},
): Promise<Expansion> {
  const w: Walk = { out: [], seen: new Set(), loops: 0 };
  for (const p of paths) {
    if (p === '-') {
      w.out.push({ file: '-', stdin: true });
      continue;
    }
    if (/[*?]/.test(p)) {
      const firstMeta = p.search(/[*?]/);
      const baseEnd = p.lastIndexOf('/', firstMeta);
      const base = baseEnd === -1 ? '.' : p.slice(0, baseEnd) || '/';
      const all: Walk = { out: [], seen: new Set(), loops: 0 };
      await walkDir(base, all);
      w.loops += all.loops;
      const re = globToRegExp(slashes(p));
      const matched = all.out.filter((t) => !('error' in t) && re.test(slashes(t.file)));
      if (matched.length === 0) w.out.push({ file: p, error: 'no file matches this pattern' });
      w.out.push(...matched);
      continue;
    }
    let info: import('node:fs').Stats;
    try {
      info = await stat(p);
    } catch (e) {
      w.out.push({
        file: p,
        error:
          (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message,
      });
      continue;
    }
    if (info.isDirectory()) await walkDir(p, w);
    else w.out.push({ file: p });
  }
  const seen = new Set<string>();
  const unique = w.out.filter((t) => {
    if ('stdin' in t) return true;
    const key = resolve(t.file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const include = options.include?.length ? pathMatcher(options.include) : null;
  const exclude = options.exclude?.length ? pathMatcher(options.exclude) : null;
  // Filters apply to files found; a PATH that could not be used is always reported.
  const targets = unique.filter(
    (t) => 'error' in t || 'stdin' in t || ((!include || include(t.file)) && !exclude?.(t.file)),
  );
  return { targets, filtered: unique.length - targets.length, loops: w.loops };
}
