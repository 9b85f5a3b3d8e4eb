// The npm package as users get it: `npm pack`, installed from the tarball into an empty folder,
// imported from ESM and from CommonJS (require(esm), Node ≥ 20.19), both entries (`pec-kit` and
// the test entry `pec-kit/testing`), its types compiled by a TypeScript consumer, the `pec-kit` bin run through npx, and the package bundled for the browser
// with esbuild. publint and @arethetypeswrong/cli must be clean. The suite builds dist first
// (`npm test` runs `npm run build`); this file builds it only when dist/ is missing.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/browser.js';
import { ensureDist } from './helpers/dist.js';
import { TEST_ROOT_PEM, testTransaction } from './helpers/sample.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], cwd: string, input?: string): SpawnSyncReturns<string> {
  // NO_COLOR and a plain env keep the output parseable; npm's own update notice stays off.
  return spawnSync(cmd, args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    timeout: 240_000,
  });
}

function ok(r: SpawnSyncReturns<string>): string {
  expect(r.error, String(r.error)).toBeUndefined();
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('npm package', () => {
  let dir = '';
  let app = '';
  let tarball = '';
  let files: string[] = [];
  let installLog = '';

  beforeAll(() => {
    ensureDist();
    dir = mkdtempSync(join(tmpdir(), 'pec-kit-pack-'));
    // --ignore-scripts: `prepare` would rebuild dist/ in place while other test files use it.
    const packed = JSON.parse(
      ok(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, packed[0]!.filename);
    files = packed[0]!.files.map((f) => f.path);
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // Dependencies come from the local npm cache when they are there, else from the registry.
    // Warnings on: what a consumer's install prints is checked below.
    const install = run(
      npm,
      ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn'],
      app,
    );
    ok(install);
    installLog = `${install.stdout}${install.stderr}`;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs without asking the consumer to approve a script (no prepare/install script)', () => {
    // npm ≥ 11 lists packages with install-time scripts (prepare counts) in an install-scripts warning.
    expect(installLog).not.toMatch(/install-scripts|prepare/);
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules', pkg.name, 'package.json'), 'utf8'),
    ) as {
      scripts: Record<string, string>;
    };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(manifest.scripts[hook]).toBeUndefined();
    // The build runs before a pack or publish, and for a git install (npm installs devDependencies first).
    expect(manifest.scripts.prepack).toBe('npm run build');
  });

  it('names its repository, home page and issue tracker (the npm page links them)', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', pkg.name, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      repository: { type: 'git', url: 'git+https://github.com/pec-kit/pec-kit.git' },
      homepage: 'https://github.com/pec-kit/pec-kit#readme',
      bugs: { url: 'https://github.com/pec-kit/pec-kit/issues' },
    });
  });

  it('ships dist/ and the README, and no tests, fixtures or sources of other tools', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/cli/bin.js');
    expect(files).toContain('dist/testing/index.js');
    expect(files).toContain('dist/testing/index.d.ts');
    expect(files.filter((f) => /\.test\.|^test\/|^fixtures\/|^bench\/|^scripts\/|^docs\//.test(f))).toEqual(
      [],
    );
  });

  it('ships the sources its source maps and declaration maps point to', () => {
    const shipped = new Set(files);
    const missing = new Set<string>();
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(app, 'node_modules', pkg.name, map), 'utf8')) as {
        sources: string[];
      };
      for (const s of sources) {
        const path = join(map, '..', s);
        if (!shipped.has(path)) missing.add(path);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('declares every runtime import of dist/ as a dependency', () => {
    // Every bare import in the shipped JavaScript resolves to a dependency (or a node: built-in in the CLI).
    const bare = new Set<string>();
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      const text = readFileSync(join(app, 'node_modules', pkg.name, f), 'utf8');
      const specs = [
        ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm),
        ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1]!);
      for (const spec of specs) {
        if (spec.startsWith('.')) continue;
        if (spec.startsWith('node:')) {
          expect(f, `${spec} outside the CLI`).toMatch(/^dist\/cli\//);
          continue;
        }
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...bare].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  it('imports from ESM and verifies a message', async () => {
    const tx = await testTransaction();
    writeFileSync(join(app, 'envelope.eml'), tx.envelope);
    writeFileSync(join(app, 'root.pem'), TEST_ROOT_PEM);
    const script = `
      import { readFileSync } from 'node:fs';
      import { parsePec, verifyPec, KINDS, PecError } from 'pec-kit';
      const bytes = new Uint8Array(readFileSync('envelope.eml'));
      const report = await verifyPec(bytes, { trust: [readFileSync('root.pem', 'utf8')] });
      console.log(JSON.stringify({ kind: parsePec(bytes).kind, valid: report.valid,
        kinds: Object.keys(KINDS).length, error: typeof PecError }));`;
    const out = JSON.parse(ok(run(process.execPath, ['--input-type=module', '-e', script], app)));
    expect(out).toEqual({ kind: 'posta-certificata', valid: true, kinds: 9, error: 'function' });
  });

  it('imports pec-kit/testing from ESM: createTestPki signs what the main entry verifies', async () => {
    const tx = await testTransaction();
    writeFileSync(join(app, 'original.eml'), tx.original);
    const script = `
      import { readFileSync } from 'node:fs';
      import * as main from 'pec-kit';
      import { createTestPki } from 'pec-kit/testing';
      const original = new Uint8Array(readFileSync('original.eml'));
      const pki = await createTestPki();
      const provider = await pki.provider('pec.example.it');
      const { transaction } = main.checkSubmission(original, { domain: 'pec.example.it' });
      const { bytes } = await main.buildEnvelope({ transaction, provider });
      const report = await main.verifyPec(bytes, { trust: [pki.rootPem] });
      console.log(JSON.stringify({ valid: report.valid, inMain: 'createTestPki' in main }));`;
    const out = JSON.parse(ok(run(process.execPath, ['--input-type=module', '-e', script], app)));
    expect(out).toEqual({ valid: true, inMain: false });
  });

  it('requires from CommonJS (require(esm))', () => {
    const script = `const p = require('pec-kit');
      console.log(JSON.stringify({ parsePec: typeof p.parsePec, verifyPec: typeof p.verifyPec,
        anchors: p.DEFAULT_TRUST_ANCHORS.length, pkg: require('pec-kit/package.json').name,
        testing: typeof require('pec-kit/testing').createTestPki, inMain: typeof p.createTestPki }));`;
    const out = JSON.parse(ok(run(process.execPath, ['-e', script], app)));
    expect(out).toEqual({
      parsePec: 'function',
      verifyPec: 'function',
      anchors: 4,
      pkg: 'pec-kit',
      testing: 'function',
      inMain: 'undefined',
    });
  });

  it('compiles a TypeScript consumer against the shipped types (NodeNext, strict, no skipLibCheck)', () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import { parsePec, verifyPec, type PecMessage, type VerificationReport } from 'pec-kit';
import { createTestPki, type TestPki, type TestProvider } from 'pec-kit/testing';
const bytes = new Uint8Array(0);
const pki: Promise<TestPki> = createTestPki({ at: new Date() });
export const provider: Promise<TestProvider> = pki.then((p) => p.provider('pec.example.it'));
const report: Promise<VerificationReport> = verifyPec(bytes, { at: 'signing-time' });
const pec: PecMessage = parsePec(bytes);
export const form = pec.kind === 'avvenuta-consegna' ? pec.deliveryForm : null;
void report;
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          // WebCrypto types (Crypto, CryptoKey) come from the DOM lib: see docs/package.md.
          lib: ['es2022', 'dom'],
          types: [],
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.ts'],
      }),
    );
    ok(run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], app));
  });

  it('compiles a CommonJS TypeScript consumer with module nodenext (not node16), as docs/package.md says', () => {
    writeFileSync(
      join(app, 'consumer-cjs.cts'),
      `import { verifyPec, type VerificationReport } from 'pec-kit';
export const report: Promise<VerificationReport> = verifyPec(new Uint8Array(0));
`,
    );
    const tsc = (module: string, resolution: string) =>
      run(
        process.execPath,
        [
          join(ROOT, 'node_modules/typescript/bin/tsc'),
          '--strict',
          '--module',
          module,
          '--moduleResolution',
          resolution,
          '--target',
          'es2022',
          '--lib',
          'es2022,dom',
          '--noEmit',
          '--ignoreConfig', // the tsconfig.json of the test above is for the ESM consumer
          'consumer-cjs.cts',
        ],
        app,
      );
    // nodenext (TypeScript ≥ 5.8) knows that Node ≥ 20.19 can require() an ES module.
    ok(tsc('nodenext', 'nodenext'));
    // node16 does not: TS1479, the error docs/package.md tells CommonJS users how to avoid.
    const old = tsc('node16', 'node16');
    expect(old.status).not.toBe(0);
    expect(old.stdout).toContain('TS1479');
  });

  it('runs the bin: npx pec-kit --help and --version', () => {
    const help = ok(run(npx, ['--no-install', 'pec-kit', '--help'], app));
    expect(help).toContain('Usage: pec-kit <command>');
    expect(help).toContain('verify');
    expect(ok(run(npx, ['--no-install', 'pec-kit', '--version'], app)).trim()).toBe(pkg.version);
    const verify = run(
      npx,
      ['--no-install', 'pec-kit', 'verify', '--json', '--trust', 'root.pem', 'envelope.eml'],
      app,
    );
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)[0]).toMatchObject({ file: 'envelope.eml', valid: true });
  });

  it('bundles for the browser with esbuild (no Node built-ins, postal-mime lazy)', async () => {
    writeFileSync(join(app, 'entry.mjs'), `export { parsePec, verifyPec } from 'pec-kit';\n`);
    const result = await esbuild.build({
      entryPoints: [join(app, 'entry.mjs')],
      absWorkingDir: app,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      outdir: join(app, 'out'),
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((i) => i.startsWith('node:'))).toBe(false);
    expect(inputs.some((i) => i.includes(`node_modules/${pkg.name}/dist/`))).toBe(true);
    const chunks = result.outputFiles.map((f) => f.path);
    expect(chunks.some((p) => /postal-mime-[A-Z0-9]+\.js$/.test(p))).toBe(true);
  });

  it('publint is clean', () => {
    const out = ok(run(bin('publint'), ['run', tarball, '--strict'], ROOT));
    expect(out).toContain('All good!');
  });

  it('@arethetypeswrong/cli is clean for an ESM-only package', () => {
    // esm-only: CommonJS consumers get the package through require(esm) (Node ≥ 20.19), which
    // attw cannot model; every ESM and bundler resolution must be clean.
    const r = run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], ROOT);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const { problems, analysis } = JSON.parse(r.stdout) as {
      problems: Record<string, { kind: string; entrypoint: string; resolutionKind?: string }[]>;
      analysis: { entrypoints: Record<string, unknown> };
    };
    // Both entries of "exports" are analysed.
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(['.', './package.json', './testing']);
    const ignored = new Set(['node10', 'node16-cjs']);
    const real = Object.values(problems)
      .flat()
      .filter((p) => !ignored.has(p.resolutionKind ?? ''));
    expect(real).toEqual([]);
    // The ignored findings are the expected ones: require() of an ESM-only package, and node10
    // (which ignores "exports") not seeing the subpath pec-kit/testing (docs/package.md).
    expect(Object.keys(problems).filter((k) => k !== 'CJSResolvesToESM' && k !== 'NoResolution')).toEqual([]);
    expect(problems.NoResolution ?? []).toEqual([
      { kind: 'NoResolution', entrypoint: './testing', resolutionKind: 'node10' },
    ]);
  });
});
