// The web verifier (docs/verifier) in headless Chromium: built with scripts/build-web.mjs, served
// from 127.0.0.1, fed a corpus-like signed message made with the test PKI (its root trusted through
// the page's "trust an extra CA" input) and a tampered copy; then the sample-transaction button.
// Every request must stay on 127.0.0.1 (the page's CSP also says connect-src 'none').
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  foreignRequests,
  HAVE_CHROMIUM,
  openPage,
  ROOT,
  serve,
} from './helpers/browser.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

const PAGE_DIR = join(ROOT, 'docs/verifier');
const SCREENSHOT = join(PAGE_DIR, 'screenshot.png');

describe.skipIf(!HAVE_CHROMIUM)('web verifier page', () => {
  let dir = '';
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let session: BrowserSession | undefined;
  let envelope: Uint8Array;
  let identificativo = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pec-kit-web-'));
    const bundle = join(dir, 'pec-kit.js');
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), bundle], {
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    const tx = await testTransaction();
    envelope = tx.envelope;
    identificativo = tx.identificativo;
    // The page as committed, with the bundle just built (docs/verifier/pec-kit.js is not committed).
    server = await serve(PAGE_DIR, { '/pec-kit.js': readFileSync(bundle) });
    session = await openPage(server.origin);
    await session.page.goto(`${server.origin}/`);
    await session.page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cards = () => session!.page.locator('#results section.report');
  const settled = async (n: number) => {
    await session!.page.waitForFunction(
      (count) =>
        document.querySelectorAll('#results section.report').length === count &&
        document.querySelectorAll('#results section.report.pending').length === 0,
      n,
    );
  };

  it('has a CSP that forbids connections, and lists the embedded anchors', async () => {
    const csp = await session!.page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'none'");
    const anchors = await session!.page.locator('#anchors li').allTextContents();
    expect(anchors.join('\n')).toMatch(/AgID CA1/);
    expect(anchors.join('\n')).toMatch(/DigitPA CA1/);
  });

  it('without the test CA, the test-PKI message is not trusted', async () => {
    await session!.page.setInputFiles('#eml-input', {
      name: 'busta.eml',
      mimeType: 'message/rfc822',
      buffer: Buffer.from(envelope),
    });
    await settled(1);
    const card = cards().first();
    expect(await card.getAttribute('data-valid')).toBe('false');
    expect(await card.locator('.issues li[data-code="CHAIN_UNTRUSTED"]').count()).toBe(1);
    expect(await card.locator('.verdict').textContent()).toContain('NOT VALID');
  });

  it('trusts a CA given in the page, then shows a valid message and a tampered one', async () => {
    const page = session!.page;
    await page.click('details.trust summary');
    await page.setInputFiles('#trust-input', {
      name: 'test-root.pem',
      mimeType: 'application/x-pem-file',
      buffer: Buffer.from(TEST_ROOT_PEM),
    });
    await page.waitForSelector('#anchors li.extra');
    expect(await page.locator('#anchors li.extra').textContent()).toContain('test-root.pem');
    await page.setInputFiles('#eml-input', [
      {
        name: 'POSTA CERTIFICATA Fattura n. 42.eml',
        mimeType: 'message/rfc822',
        buffer: Buffer.from(envelope),
      },
      { name: 'tampered.eml', mimeType: 'message/rfc822', buffer: Buffer.from(tamper(envelope)) },
    ]);
    await settled(2);
    const [valid, tampered] = [cards().nth(0), cards().nth(1)];

    // The verdict, the kind, who certified what and when.
    expect(await valid.getAttribute('data-valid')).toBe('true');
    expect(await valid.getAttribute('data-kind')).toBe('posta-certificata');
    expect(await valid.locator('.verdict').textContent()).toMatch(/^VALID/);
    expect(await valid.locator('.kind').textContent()).toContain('Busta di trasporto');
    const sentence = await valid.locator('.certified .sentence').textContent();
    expect(sentence).toContain('Example PEC S.p.A.');
    expect(sentence).toContain('14/03/2025');
    const daticert = await valid.locator('table.daticert').textContent();
    for (const text of [
      identificativo,
      'mario.rossi@pec.example.it',
      'ufficio.protocollo@postacert.example.org',
      'breve',
    ])
      expect(daticert).toContain(text);
    // The chain, leaf to anchor.
    const chain = await valid.locator('ol.chain li').allTextContents();
    expect(chain).toHaveLength(3);
    expect(chain[0]).toContain('Posta Certificata Example PEC');
    expect(chain[2]).toContain('pec-kit Test Root');
    expect(chain[2]).toContain('(anchor)');
    // The original message and its attachment, downloadable from a blob URL with the right bytes.
    expect(await valid.locator('.original pre.body').textContent()).toContain('in allegato la fattura');
    const link = valid.locator('.attachments a[download="fattura-42.pdf"]');
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    // (The page itself cannot fetch it back: connect-src 'none' covers blob: too. Download it.)
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('fattura-42.pdf');
    expect(readFileSync(await download.path()).toString('latin1')).toMatch(/^%PDF-1\.4\n[\s\S]*%%EOF\n$/);
    expect(await valid.locator('a[download="postacert.eml"]').count()).toBe(1);

    // The tampered copy: not valid, and why.
    expect(await tampered.getAttribute('data-valid')).toBe('false');
    expect(await tampered.locator('.verdict').textContent()).toContain('NOT VALID');
    expect(await tampered.locator('.issues li[data-code="SIGNATURE_DIGEST_MISMATCH"]').count()).toBe(1);
    expect(await tampered.locator('li[data-check="signature"]').textContent()).toContain('fail');

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('builds and verifies a sample transaction with a key generated in the page', async () => {
    await session!.page.click('#sample');
    await settled(3);
    const kinds = await cards().evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-valid')]),
    );
    expect(kinds).toEqual([
      ['posta-certificata', 'true'],
      ['accettazione', 'true'],
      ['avvenuta-consegna', 'true'],
    ]);
    expect(await session!.page.locator('.sample-info a[download="sample-ca.pem"]').count()).toBe(1);
    expect(await session!.page.locator('#status').textContent()).toContain('verified in this page');
  });

  it('made no request outside 127.0.0.1 and logged no error', () => {
    expect(foreignRequests(session!.requests, server!.origin)).toEqual([]);
    expect(session!.blocked).toEqual([]);
    // Only the page itself and its three files: no fetch, no beacon, no font, nothing else.
    const paths = session!.requests.filter((u) => !u.startsWith('blob:')).map((u) => new URL(u).pathname);
    expect(new Set(paths)).toEqual(new Set(['/', '/style.css', '/pec-kit.js']));
    expect(session!.errors).toEqual([]);
  });
});
