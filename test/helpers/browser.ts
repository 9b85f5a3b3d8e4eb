// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no
// browser download, ever), a tiny static server on 127.0.0.1 with a random port, and a record of
// every request the page makes (anything not on that origin is refused and reported).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
let present = false;
try {
  present = statSync(CHROMIUM).isFile();
} catch {
  present = false;
}
export const HAVE_CHROMIUM = present;
if (!HAVE_CHROMIUM) {
  // Loud on purpose: a silently skipped browser suite looks green. .ci/run installs chromium.
  console.warn(
    `\n*** pec-kit: ${CHROMIUM} not found: browser tests are SKIPPED (apt-get install chromium) ***\n`,
  );
}

export const ROOT = resolve(import.meta.dirname, '../..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.pem': 'application/x-pem-file',
  '.eml': 'message/rfc822',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves files from `dir` on 127.0.0.1 (random port); `extra` maps URL paths to bytes. */
export async function serve(
  dir: string,
  extra: Record<string, Uint8Array | string> = {},
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = path.endsWith('/') ? `${path}index.html` : path;
    const headers = (type: string) => ({ 'content-type': type, 'cache-control': 'no-store' });
    const given = extra[rel];
    if (given !== undefined) {
      res.writeHead(200, headers(TYPES[extname(rel)] ?? 'application/octet-stream'));
      res.end(given);
      return;
    }
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, headers(TYPES[extname(file)] ?? 'application/octet-stream'));
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Bundles `entryPoints` for the browser (ESM, code splitting, minified) into `outdir`. */
export async function bundle(
  entryPoints: Record<string, string>,
  outdir: string,
  options: esbuild.BuildOptions = {},
): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    ...options,
  });
  return result.metafile!;
}

/** A Chromium page that records every request and lets only `origin` through. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, in order. */
  requests: string[];
  /** Requests refused because they were not for `origin`. */
  blocked: string[];
  /** Page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(origin: string): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'pec-kit-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => {
    requests.push(r.url());
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === origin || url.startsWith(`${origin}/`) || url.startsWith('blob:') || url.startsWith('data:'))
      return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (e) => {
    errors.push(`pageerror: ${e.message}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    requests,
    blocked,
    errors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Requests that left `origin` (blob: and data: URLs stay in the page). */
export function foreignRequests(requests: readonly string[], origin: string): string[] {
  return requests.filter(
    (u) => !(u === origin || u.startsWith(`${origin}/`) || u.startsWith('blob:') || u.startsWith('data:')),
  );
}
