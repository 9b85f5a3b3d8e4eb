// Browser conformance: the library bundled for the browser exactly as a user's bundler would
// (esbuild --platform=browser --format=esm of src/index.ts, postal-mime in its own lazy chunk),
// served from 127.0.0.1 and exercised in headless Chromium: parse, build and sign, verify, trust
// (test PKI and the embedded anchors on real corpus messages), breve hashes, correlation, tamper.
// The page runs test/browser/conformance.ts; each of its checks is one test here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS, type CheckResult, type PageFixtures } from './browser/checks.js';
import {
  type BrowserSession,
  bundle,
  foreignRequests,
  HAVE_CHROMIUM,
  openPage,
  ROOT,
  serve,
} from './helpers/browser.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { pkiFile } from './helpers/sample.js';

/** The smallest valid real message with CRLF endings and the smallest with LF endings. */
function corpusPicks(): PageFixtures['corpus'] {
  if (!HAVE_CORPUS) return [];
  const valid = EXPECTED.filter((e) => e.signatureIntact === true && e.chainValidAtSigningTime === true).sort(
    (a, b) => (a.bytes as number) - (b.bytes as number),
  );
  return ['CRLF', 'LF'].flatMap((eol) => {
    const e = valid.find((x) => x.eol === eol);
    return e
      ? [
          {
            file: e.file,
            base64: Buffer.from(corpusBytes(e.file)).toString('base64'),
            eol,
            kind: e.kind,
            signerEmail: e.signerEmail ?? '',
            signingTime: e.signingTime ?? '',
          },
        ]
      : [];
  });
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pec-kit browser conformance</title>
<script type="importmap">{ "imports": { "pec-kit": "./pec-kit.js" } }</script>
<script type="module" src="./conformance.js"></script>
</head><body><p>pec-kit browser conformance</p></body></html>`;

describe.skipIf(!HAVE_CHROMIUM)('browser: the library bundle in headless Chromium', () => {
  let dir = '';
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let session: BrowserSession | undefined;
  let results: CheckResult[] = [];
  let outputs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pec-kit-browser-'));
    // The library as users bundle it, then the conformance script with `pec-kit` left external
    // (resolved by the page's import map to that bundle, like an app importing the package).
    const lib = await bundle({ 'pec-kit': join(ROOT, 'src/index.ts') }, dir);
    await bundle({ conformance: join(ROOT, 'test/browser/conformance.ts') }, dir, { external: ['pec-kit'] });
    outputs = Object.keys(lib.outputs);
    const fixtures: PageFixtures = {
      pki: {
        root: pkiFile('root.cert.pem'),
        pecCa: pkiFile('pec-ca.cert.pem'),
        provider: { cert: pkiFile('provider.cert.pem'), key: pkiFile('provider.key.pem') },
        provider2: { cert: pkiFile('provider2.cert.pem'), key: pkiFile('provider2.key.pem') },
      },
      corpus: corpusPicks(),
    };
    writeFileSync(join(dir, 'fixtures.json'), JSON.stringify(fixtures));
    writeFileSync(join(dir, 'index.html'), PAGE);
    server = await serve(dir);
    session = await openPage(server.origin);
    await session.page.goto(`${server.origin}/`);
    await session.page.waitForFunction(() => window.__pecDone === true, null, { timeout: 120_000 });
    results = await session.page.evaluate(() => window.__pecResults);
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the bundle keeps postal-mime in a lazily loaded chunk', () => {
    expect(outputs.some((o) => /postal-mime-[A-Z0-9]+\.js$/.test(o))).toBe(true);
    // The page asked for that chunk only when the display parse ran.
    expect(session!.requests.some((u) => /postal-mime-[A-Z0-9]+\.js$/.test(u))).toBe(true);
  });

  for (const name of CHECKS) {
    it(name, (ctx) => {
      const r = results.find((x) => x.name === name);
      expect(r, 'the page reported this check').toBeDefined();
      if (r!.status === 'skip') {
        console.warn(`*** browser check SKIPPED (${r!.detail}): ${name} ***`);
        ctx.skip();
      }
      expect(r!.status, r!.detail).toBe('pass');
    });
  }

  it('every check ran once, and the corpus checks ran when the corpus is there', () => {
    expect(results.map((r) => r.name)).toEqual([...CHECKS]);
    if (HAVE_CORPUS) expect(results.filter((r) => r.status === 'skip')).toEqual([]);
  });

  it('no request left 127.0.0.1, and the page logged no error', () => {
    expect(session!.requests.length).toBeGreaterThan(0);
    expect(foreignRequests(session!.requests, server!.origin)).toEqual([]);
    expect(session!.blocked).toEqual([]);
    expect(session!.errors).toEqual([]);
  });
});
