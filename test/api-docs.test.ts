// The API reference and the guides build and link: `npm run docs` (TypeDoc over both entry points,
// src/index.ts and src/testing/index.ts; typedoc.json) succeeds with no broken {@link}, and the
// guides' relative links resolve.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/browser.js';

/** Guides other work is still writing: a missing one is reported loudly, not failed. */
const PENDING = new Set(['docs/hostile-input.md', 'docs/performance.md']);

describe('documentation', () => {
  it('npm run docs (TypeDoc) generates the API reference with no broken link', () => {
    const out = mkdtempSync(join(tmpdir(), 'pec-kit-typedoc-'));
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      const log = `${r.stdout}${r.stderr}`;
      expect(r.status, log).toBe(0);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      // Two entry points, two modules: the main entry and pec-kit/testing (package.json "exports").
      const modules = readFileSync(join(out, 'modules.html'), 'utf8');
      expect(modules).toContain('pec-kit/testing');
      for (const name of ['parsePec', 'verifyPec', 'createVerifier', 'buildEnvelope'])
        expect(existsSync(join(out, 'functions', `pec-kit.${name}.html`)), name).toBe(true);
      expect(existsSync(join(out, 'functions', 'pec-kit_testing.createTestPki.html'))).toBe(true);
      expect(existsSync(join(out, 'functions', 'pec-kit.createTestPki.html'))).toBe(false);
      expect(log.split('\n').filter((l) => /Failed to resolve link|\[error\]/.test(l))).toEqual([]);
      // Grouped by what a user does (typedoc.json categoryOrder, @category tags), in that order.
      const sectionsOf = (page: string) => {
        const html = readFileSync(join(out, 'modules', page), 'utf8');
        const keys = [...new Set([...html.matchAll(/data-key="section-([^"]+)"/g)].map((m) => m[1]!))];
        const inSection = (name: string) => {
          const at = html.indexOf(`data-key="section-${name}"`);
          const next = html.indexOf('data-key="section-', at + 1);
          return html.slice(at, next === -1 ? undefined : next);
        };
        return { keys, inSection };
      };
      const main = sectionsOf('pec-kit.html');
      expect(main.keys).toEqual(['Reading', 'Verifying', 'Building', 'Errors and limits', 'Low-level']);
      expect(main.inSection('Reading')).toContain('parsePec');
      expect(main.inSection('Verifying')).toContain('verifyPec');
      expect(main.inSection('Building')).toContain('buildEnvelope');
      expect(main.inSection('Low-level')).toContain('MimeHeaders');
      const testing = sectionsOf('pec-kit_testing.html');
      expect(testing.keys).toEqual(['Testing']);
      expect(testing.inSection('Testing')).toContain('createTestPki');
      expect(testing.inSection('Testing')).toContain('TestProvider');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.each(['docs/index.md', 'docs/package.md', 'docs/bundle.md'])('%s: relative links resolve', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing: string[] = [];
    for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      const path = join(dirname(join(ROOT, doc)), target);
      const rel = path.slice(ROOT.length + 1);
      if (existsSync(path)) continue;
      if (PENDING.has(rel)) console.warn(`*** ${doc} links to ${rel}, which is not written yet ***`);
      else missing.push(rel);
    }
    expect(missing).toEqual([]);
  });
  it('README.md links work from the npm page: absolute links to files of this repository', () => {
    // npmjs.com resolves no relative link; each link to the repository must name a file that exists.
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const REPO = 'https://github.com/pec-kit/pec-kit/blob/main/';
    const relative: string[] = [];
    const missing: string[] = [];
    let repoLinks = 0;
    for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (target.startsWith(REPO)) {
        repoLinks++;
        if (!existsSync(join(ROOT, target.slice(REPO.length)))) missing.push(target);
      } else if (!/^[a-z]+:/.test(target)) relative.push(target);
    }
    expect(relative).toEqual([]);
    expect(missing).toEqual([]);
    expect(repoLinks).toBeGreaterThan(5);
  });
  it('no public export shadows a browser global (Headers, AlgorithmIdentifier, …)', () => {
    // Every name src/index.ts exports (the `as` name when renamed) against the names lib.dom declares.
    const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
    const names = new Set<string>();
    for (const m of index.matchAll(/export (?:type )?\{([^}]*)\}/g))
      for (const part of m[1]!.split(','))
        if (part.trim())
          names.add(
            part
              .trim()
              .replace(/^type /, '')
              .split(/\s+as\s+/)
              .pop()!
              .trim(),
          );
    expect(names.size).toBeGreaterThan(50);
    const dom = readFileSync(join(ROOT, 'node_modules/typescript/lib/lib.dom.d.ts'), 'utf8');
    const globals = new Set(
      [...dom.matchAll(/^(?:declare var|declare function|interface|type) ([A-Za-z_$][\w$]*)/gm)].map(
        (m) => m[1]!,
      ),
    );
    expect(globals.has('Headers')).toBe(true);
    expect([...names].filter((n) => globals.has(n))).toEqual([]);
    expect(names).toContain('MimeHeaders');
    expect(names).toContain('X509AlgorithmIdentifier');
  });
});
