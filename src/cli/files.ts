// Turns PATH arguments into files: regular files as given, folders walked recursively (hidden
// entries skipped), and glob patterns (*, ?, **) expanded for shells that did not do it.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/** A file to read, or a PATH that could not be used. */
export type Target = { file: string } | { file: string; error: string };

async function walkDir(dir: string, out: Target[]): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    out.push({ file: dir, error: (e as Error).message });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walkDir(path, out);
    else if (entry.isFile()) out.push({ file: path });
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

/** Expands PATH arguments in order, without duplicates. */
export async function expandTargets(paths: readonly string[]): Promise<Target[]> {
  const out: Target[] = [];
  for (const p of paths) {
    if (/[*?]/.test(p)) {
      const firstMeta = p.search(/[*?]/);
      const baseEnd = p.lastIndexOf('/', firstMeta);
      const base = baseEnd === -1 ? '.' : p.slice(0, baseEnd) || '/';
      const all: Target[] = [];
      await walkDir(base, all);
      const re = globToRegExp(p.startsWith('./') ? p.slice(2) : p);
      const matched = all.filter(
        (t) => !('error' in t) && re.test((base === '.' ? t.file : t.file).split(sep).join('/')),
      );
      if (matched.length === 0) out.push({ file: p, error: 'no file matches this pattern' });
      out.push(...matched);
      continue;
    }
    let info: import('node:fs').Stats;
    try {
      info = await stat(p);
    } catch (e) {
      out.push({
        file: p,
        error:
          (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message,
      });
      continue;
    }
    if (info.isDirectory()) await walkDir(p, out);
    else out.push({ file: p });
  }
  const seen = new Set<string>();
  return out.filter((t) => {
    const key = resolve(t.file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
