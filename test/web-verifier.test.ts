// The web verifier (docs/verifier) in headless Chromium: built with scripts/build-web.mjs, served
// from 127.0.0.1, fed corpus-like signed messages made with test PKIs (their roots trusted through
// the page's "trust an extra CA" input): a valid envelope and receipt, a copy with one byte changed,
// a genuine non-delivery notice, files that are not messages; then the English switch, a real
// provider message (label "gestore PEC accreditato"), the sample button, and the page without its
// script. Every request must stay on 127.0.0.1 (the page's CSP also says connect-src 'none').
// Screenshots (Italian) are written into docs/verifier/ for the guides.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleTransaction } from '../docs/verifier/sample.js';
import { buildReceipt, transactionFromEnvelope, verifyPec } from '../src/index.js';
import { createTestPki } from '../src/testing/index.js';
import { ISSUE_TEXT_IT } from '../src/verify/messages-it.js';
import {
  type BrowserSession,
  foreignRequests,
  HAVE_CHROMIUM,
  openPage,
  ROOT,
  serve,
} from './helpers/browser.js';
import { CORPUS_DIR, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';
import { SAMPLE_AT, TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

const PAGE_DIR = join(ROOT, 'docs/verifier');

/**
 * One byte changed in the signed original's text ("fattura n. 42" becomes "n. 43"): everything still
 * parses, daticert included, so the page has altered content to show, and must not show it as certified.
 */
function alterInvoiceNumber(message: Uint8Array): Uint8Array {
  const text = Buffer.from(message).toString('latin1');
  const at = text.indexOf('in allegato la fattura n. 42');
  if (at < 0) throw new Error('no invoice text to alter');
  const out = message.slice();
  out[at + 'in allegato la fattura n. 4'.length] = 0x33; // '2' -> '3'
  return out;
}
const shot = (name: string) => join(PAGE_DIR, name);

describe.skipIf(!HAVE_CHROMIUM)('web verifier page', () => {
  let dir = '';
  let bundleBytes: Uint8Array;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let session: BrowserSession | undefined;
  let envelope: Uint8Array;
  let consegna: Uint8Array;
  let nonDelivery: Uint8Array;
  let otherRootPem = '';
  let identificativo = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pec-kit-web-'));
    const bundle = join(dir, 'pec-kit.js');
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), bundle], {
      encoding: 'utf8',
    });
    expect(build.status, build.stderr).toBe(0);
    bundleBytes = readFileSync(bundle);
    const tx = await testTransaction();
    envelope = tx.envelope;
    consegna = tx.consegna;
    identificativo = tx.identificativo;
    // A genuine non-delivery notice from a second, freshly generated test PKI.
    const pki = await createTestPki({ at: SAMPLE_AT });
    otherRootPem = pki.rootPem;
    const [sender, recipient] = await Promise.all([
      pki.provider('pec.mittente.example'),
      pki.provider('pec.destinatario.example'),
    ]);
    const other = await buildSampleTransaction({
      sender,
      recipient,
      at: SAMPLE_AT,
      identificativo: 'opec210312.20250314113000.05151.51.1.9@pec.mittente.example',
    });
    nonDelivery = (
      await buildReceipt({
        kind: 'errore-consegna',
        transaction: transactionFromEnvelope(other.envelope),
        recipient: other.to,
        provider: recipient,
        at: new Date(SAMPLE_AT.getTime() + 9000),
      })
    ).bytes;
    expect((await verifyPec(nonDelivery, { trust: [otherRootPem] })).valid).toBe(true);
    // The page as committed, with the bundle just built (docs/verifier/pec-kit.js is not committed).
    server = await serve(PAGE_DIR, { '/pec-kit.js': bundleBytes });
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
  const drop = async (files: { name: string; bytes: Uint8Array | string; type?: string }[]) => {
    await session!.page.setInputFiles(
      '#eml-input',
      files.map((f) => ({
        name: f.name,
        mimeType: f.type ?? 'message/rfc822',
        buffer: Buffer.from(f.bytes),
      })),
    );
    await settled(files.length);
  };

  it('is in Italian, has a CSP that forbids connections, lists the embedded anchors, hides the no-script notice', async () => {
    const page = session!.page;
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    expect(await page.locator('h1').textContent()).toBe('Verifica PEC');
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'none'");
    const anchors = await page.locator('#anchors li').allTextContents();
    expect(anchors.join('\n')).toMatch(/AgID CA1/);
    expect(anchors.join('\n')).toMatch(/DigitPA CA1/);
    expect(await page.locator('#no-script').count()).toBe(0);
  });

  it('without the test CA, the test-PKI message is not valid and its content is marked not certified', async () => {
    await drop([{ name: 'busta.eml', bytes: envelope }]);
    const card = cards().first();
    expect(await card.getAttribute('data-valid')).toBe('false');
    expect(await card.getAttribute('data-certified')).toBe('false');
    expect(await card.locator('.verdict').textContent()).toBe('NON VALIDO');
    expect(await card.locator('.headline').textContent()).toContain(
      'non risale a un gestore PEC accreditato',
    );
    expect(await card.locator('.q-authentic td').textContent()).toBe('No');
    expect(await card.locator('.uncertified .badge').first().textContent()).toBe('non certificato');
    // No "who certified what" sentence for data nobody certified.
    expect(await card.locator('.sentence').count()).toBe(0);
    expect(await card.locator('.issues li[data-code="CHAIN_UNTRUSTED"]').count()).toBe(1);
  });

  it('trusts the CAs given in the page, then shows valid messages, a tampered one and a genuine non-delivery', async () => {
    const page = session!.page;
    await page.click('details.trust summary');
    await page.setInputFiles('#trust-input', [
      { name: 'test-root.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(TEST_ROOT_PEM) },
      { name: 'altra-ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(otherRootPem) },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('#anchors li.extra').length === 2);
    expect(await page.locator('#anchors li.extra').first().textContent()).toContain('test-root.pem');
    await drop([
      { name: 'POSTA CERTIFICATA Fattura n. 42.eml', bytes: envelope },
      { name: 'CONSEGNA Fattura n. 42.eml', bytes: consegna },
      { name: 'manomesso.eml', bytes: alterInvoiceNumber(envelope) },
      { name: 'AVVISO DI MANCATA CONSEGNA.eml', bytes: nonDelivery },
    ]);
    const [valid, receipt, tampered, failed] = [
      cards().nth(0),
      cards().nth(1),
      cards().nth(2),
      cards().nth(3),
    ];

    // Valid, by a test CA: authentic "per la tua configurazione", never "gestore PEC accreditato".
    for (const card of [valid, receipt, failed]) {
      expect(await card.getAttribute('data-valid')).toBe('true');
      expect(await card.getAttribute('data-trust')).toBe('your-configuration');
      expect(await card.locator('.verdict').textContent()).toBe('AUTENTICO');
      expect(await card.locator('.q-authentic td').textContent()).toBe('Sì');
      expect(await card.locator('.q-trust td').textContent()).toContain(
        'attendibile per la tua configurazione',
      );
      expect(await card.locator('.headline').textContent()).toBe(
        'Firma integra di un certificato che hai scelto come attendibile, non di un gestore PEC accreditato.',
      );
      // "gestore PEC accreditato" only in that denial, never as a claim.
      expect(await card.textContent()).not.toMatch(/(?<!non di un )gestore PEC accreditato/);
      expect(await card.locator('.uncertified').count()).toBe(0);
    }
    expect(await valid.getAttribute('data-kind')).toBe('posta-certificata');
    expect(await valid.locator('.kind').textContent()).toBe('Busta di trasporto');
    // Who certified what, and when: Italian, Europe/Rome local time (10:30 UTC = 11:30 in March).
    const sentence = await valid.locator('.certified .sentence').textContent();
    expect(sentence).toBe(
      'Example PEC S.p.A. ha accettato il messaggio di mario.rossi@pec.example.it e lo ha trasmesso, firmato, a ufficio.protocollo@postacert.example.org il 14/03/2025 11:30:00 ora italiana (UTC+01:00), 14/03/2025 10:30:00 UTC. Oggetto del messaggio: «Fattura n. 42/2025».',
    );
    const daticert = await valid.locator('table.daticert').textContent();
    for (const text of [
      identificativo,
      'mario.rossi@pec.example.it',
      'ufficio.protocollo@postacert.example.org',
      'breve',
      '14/03/2025 11:30:00 ora italiana (UTC+01:00), 14/03/2025 10:30:00 UTC',
    ])
      expect(daticert).toContain(text);
    expect(await receipt.getAttribute('data-outcome')).toBe('delivered');
    expect(await receipt.locator('.q-outcome td').textContent()).toBe('consegnato');
    expect(await receipt.locator('.certified .sentence').textContent()).toBe(
      'Postacert Example S.r.l. ha consegnato il messaggio di mario.rossi@pec.example.it nella casella di ufficio.protocollo@postacert.example.org il 14/03/2025 11:30:07 ora italiana (UTC+01:00), 14/03/2025 10:30:07 UTC. Oggetto del messaggio: «Fattura n. 42/2025».',
    );
    // Jargon (checks, codes, chain) only behind "Dettagli tecnici".
    expect(await valid.locator('details.technical > summary').textContent()).toBe('Dettagli tecnici');
    expect(await valid.locator('details.technical').getAttribute('open')).toBeNull();
    expect(await valid.locator('details.technical .checks').isVisible()).toBe(false);
    const chain = await valid.locator('ol.chain li').allTextContents();
    expect(chain).toHaveLength(3);
    expect(chain[0]).toContain('Posta Certificata Example PEC');
    expect(chain[2]).toContain('pec-kit Test Root');
    expect(chain[2]).toContain('(radice)');
    // The original message and its attachment, downloadable at once (certified) with the right bytes.
    expect(await valid.locator('.original pre.body').textContent()).toContain('in allegato la fattura');
    const link = valid.locator('.attachments a[download="fattura-42.pdf"]');
    expect(await link.getAttribute('href')).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('fattura-42.pdf');
    expect(readFileSync(await download.path()).toString('latin1')).toMatch(/^%PDF-1\.4\n[\s\S]*%%EOF\n$/);

    // The genuine non-delivery: authentic AND a failure, both said.
    expect(await failed.getAttribute('data-kind')).toBe('errore-consegna');
    expect(await failed.getAttribute('data-outcome')).toBe('not-delivered');
    expect(await failed.locator('.q-outcome .outcome.failure').textContent()).toBe('NON consegnato');
    expect(await failed.locator('.certified .sentence').textContent()).toContain(
      'NON ha potuto consegnare il messaggio',
    );

    // The tampered copy: plain words, content greyed and labelled, no certified sentence, no "ok" on content.
    expect(await tampered.getAttribute('data-valid')).toBe('false');
    expect(await tampered.getAttribute('data-certified')).toBe('false');
    expect(await tampered.locator('.verdict').textContent()).toBe('NON VALIDO');
    expect(await tampered.locator('.headline').textContent()).toBe(
      'La firma non corrisponde al contenuto: il messaggio è stato alterato dopo la firma. Nulla di ciò che mostra è certificato.',
    );
    expect(await tampered.locator('.q-outcome td').textContent()).toBe(
      'messaggio in transito (busta di trasporto) (lo dice il file, ma non è certificato)',
    );
    expect(await tampered.locator('.sentence').count()).toBe(0);
    expect(await tampered.locator('.q-trust').count()).toBe(0);
    expect(await tampered.locator('section.daticert-section.uncertified .badge').textContent()).toBe(
      'non certificato',
    );
    expect(await tampered.locator('section.original.uncertified .badge').textContent()).toBe(
      'non certificato',
    );
    expect(await tampered.locator('table.daticert caption').textContent()).toBe(
      'daticert.xml: NON certificato',
    );
    const color = await tampered
      .locator('section.daticert-section.uncertified td')
      .first()
      .evaluate((el) => getComputedStyle(el).color);
    expect(color).toBe('rgb(122, 128, 138)'); // greyed
    const outcomes = await tampered
      .locator('li[data-check]')
      .evaluateAll((els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-outcome')])),
      );
    expect(outcomes.signature).toBe('fail');
    for (const name of ['daticert', 'headers', 'postacert', 'signer'])
      expect(outcomes[name]).not.toBe('pass');
    expect(await tampered.locator('.issues li[data-code="SIGNATURE_DIGEST_MISMATCH"]').count()).toBe(1);
    // Check labels and finding texts are the library's Italian (summarize), the detail beside them.
    expect(await tampered.locator('li[data-check="signature"]').textContent()).toBe('firma: NON superato');
    const digest = await tampered.locator('.issues li[data-code="SIGNATURE_DIGEST_MISMATCH"]').textContent();
    expect(digest).toBe(
      `errore SIGNATURE_DIGEST_MISMATCH ${ISSUE_TEXT_IT.SIGNATURE_DIGEST_MISMATCH} (the signed content was altered: its digest does not match the signed messageDigest)`,
    );
    const body = (await tampered.locator('.original pre.body').textContent()) ?? '';
    expect(body).toContain('fattura n. 43');
    // The body keeps its lines: marked characters, never its own line breaks as marks.
    expect(body).toContain('\n');
    expect(body).not.toMatch(/[\u240a\u240d]/);
    // Downloads of its parts warn first: no direct link, a confirm step, then the bytes.
    expect(await tampered.locator('.attachments a[download]').count()).toBe(0);
    expect(await tampered.locator('a[download="postacert.eml"]').count()).toBe(0);
    await tampered.locator('.attachments .guarded-ask').click();
    const confirm = tampered.locator('.attachments .guard-confirm');
    expect(await confirm.textContent()).toContain('Non è certificato e potrebbe essere stato alterato');
    await tampered.locator('details.technical > summary').click();
    await valid.locator('details.technical > summary').click();
    // Signer and signing time are facts of the authentic message only; on the tampered copy, claims.
    const rowNames = (card: typeof valid) => card.locator('table.signature th').allTextContents();
    expect(await rowNames(valid)).toEqual(expect.arrayContaining(['firmatario', 'firmato il']));
    const claimed = await rowNames(tampered);
    expect(claimed).toEqual(
      expect.arrayContaining([
        'certificato della firma (non verificato)',
        'ora di firma dichiarata (non verificata)',
      ]),
    );
    expect(claimed).not.toContain('firmatario');
    await page.screenshot({ path: shot('screenshot.png'), fullPage: true });
    await tampered.screenshot({ path: shot('screenshot-manomesso.png') });
    await failed.screenshot({ path: shot('screenshot-mancata-consegna.png') });
    const [later] = await Promise.all([
      page.waitForEvent('download'),
      confirm.locator('a[download="fattura-42.pdf"]').click(),
    ]);
    expect(later.suggestedFilename()).toBe('fattura-42.pdf');
    // Cancel puts the guarded button back.
    await tampered.locator('.original > p .guarded-ask').click();
    await tampered.locator('.original > p .guard-confirm button.cancel').click();
    expect(await tampered.locator('.original > p .guarded-ask').count()).toBe(1);
  });

  it('says what a file is when it is not a message: PDF, Outlook .msg, README, ordinary e-mail, empty', async () => {
    await drop([
      { name: 'ricevuta.pdf', bytes: '%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', type: 'application/pdf' },
      {
        name: 'messaggio.msg',
        bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
        type: 'application/vnd.ms-outlook',
      },
      { name: 'README.md', bytes: '# Ricevute\n\nCartella delle ricevute PEC.\n', type: 'text/markdown' },
      {
        name: 'ordinaria.eml',
        bytes: 'From: a@example.it\r\nTo: b@example.it\r\nSubject: ciao\r\n\r\nSolo una e-mail.\r\n',
      },
      { name: 'vuoto.eml', bytes: '' },
    ]);
    const [pdf, msg, readme, plain, empty] = [0, 1, 2, 3, 4].map((i) => cards().nth(i)) as [
      Locator,
      Locator,
      Locator,
      Locator,
      Locator,
    ];
    for (const [card, input] of [
      [pdf, 'pdf'],
      [msg, 'outlook-msg'],
      [readme, 'not-email'],
      [empty, 'empty'],
    ] as const) {
      expect(await card.getAttribute('data-input')).toBe(input);
      expect(await card.getAttribute('data-valid')).toBe('false');
      expect(await card.locator('.verdict').textContent()).toBe('NON È UN MESSAGGIO');
    }
    // The library's sentences for the inputs it names (INPUT_PDF, INPUT_OUTLOOK_MSG, INPUT_EMPTY).
    expect(await pdf.locator('.headline').textContent()).toBe(ISSUE_TEXT_IT.INPUT_PDF);
    expect(await msg.locator('.headline').textContent()).toBe(ISSUE_TEXT_IT.INPUT_OUTLOOK_MSG);
    expect(await readme.locator('.headline').textContent()).toContain('non è un messaggio e-mail');
    expect(await empty.locator('.headline').textContent()).toBe(ISSUE_TEXT_IT.INPUT_EMPTY);
    expect(await plain.getAttribute('data-kind')).toBe('non-pec');
    expect(await plain.locator('.verdict').textContent()).toBe('NON È PEC');
    expect(await plain.locator('.headline').textContent()).toBe('Non è un messaggio PEC (posta ordinaria).');
    await session!.page.screenshot({ path: shot('screenshot-non-pec.png'), fullPage: true });
  });

  it('shows a direction override or a line break in a name or a subject as a mark, never obeys it', async () => {
    // "fattura<RLO>lmx.pdf" would read "fatturafdp.xml" reversed; the subject tries a line of its own.
    const subject = '=?utf-8?q?Fattura=0AVALIDO=E2=80=AE_fdp.exe?=';
    await drop([
      {
        name: 'fattura\u202Elmx.eml',
        bytes: `From: posta-certificata@pec.example.it\r\nTo: b@example.it\r\nSubject: POSTA CERTIFICATA: ${subject}\r\nX-Trasporto: posta-certificata\r\n\r\ncorpo\r\n`,
      },
    ]);
    const card = cards().first();
    expect(await card.getAttribute('data-valid')).toBe('false');
    expect(await card.locator('h2').textContent()).toBe('fattura<U+202E>lmx.eml');
    const text = (await card.textContent()) ?? '';
    expect(text).not.toMatch(/[\u0000-\u001f\u2028-\u202e\u2066-\u2069]/);
    // The name a download is saved under is marked too (a save dialog would reverse it).
    expect(await card.locator('.raw a').getAttribute('download')).toBe('fattura<U+202E>lmx.eml');
  });

  it('switches to English and back', async () => {
    const page = session!.page;
    await drop([
      { name: 'tampered.eml', bytes: tamper(envelope) },
      { name: 'receipt.eml', bytes: consegna },
    ]);
    await page.click('#lang');
    await page.waitForSelector('body[data-lang="en"]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('PEC verifier');
    expect(await cards().nth(0).locator('.verdict').textContent()).toBe('NOT VALID');
    expect(await cards().nth(0).locator('.uncertified .badge').first().textContent()).toBe('not certified');
    expect(await cards().nth(1).locator('.verdict').textContent()).toBe('AUTHENTIC');
    expect(await cards().nth(1).locator('.q-trust td').textContent()).toContain(
      'trusted by your configuration',
    );
    expect(await cards().nth(1).locator('.sentence').textContent()).toContain(
      'on 14/03/2025 11:30:07 Italian time (UTC+01:00), 14/03/2025 10:30:07 UTC.',
    );
    await page.click('#lang');
    await page.waitForSelector('body[data-lang="it"]');
    expect(await cards().nth(1).locator('.verdict').textContent()).toBe('AUTENTICO');
  });

  it.skipIf(!HAVE_CORPUS)(
    'a real provider message chaining to AgID reads "gestore PEC accreditato"',
    async () => {
      let real: Uint8Array | null = null;
      for (const e of EXPECTED.filter((x) => x.signatureIntact && x.chainValidAtSigningTime)) {
        const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR, e.file)));
        if ((await verifyPec(bytes)).valid) {
          real = bytes;
          break;
        }
      }
      expect(real).not.toBeNull();
      await drop([{ name: 'reale.eml', bytes: real! }]);
      const card = cards().first();
      expect(await card.getAttribute('data-trust')).toBe('pec-provider');
      expect(await card.locator('.q-trust td').textContent()).toContain('gestore PEC accreditato');
      expect(await card.locator('.headline').textContent()).toBe(
        'Messaggio PEC autentico, firmato da un gestore PEC accreditato.',
      );
      // (No screenshot: corpus messages carry real names and addresses.)
    },
  );

  it('builds and verifies a sample transaction with a key generated in the page', async () => {
    await session!.page.click('#sample');
    await settled(3);
    const kinds = await cards().evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute('data-kind'),
        e.getAttribute('data-valid'),
        e.getAttribute('data-trust'),
      ]),
    );
    expect(kinds).toEqual([
      ['posta-certificata', 'true', 'your-configuration'],
      ['accettazione', 'true', 'your-configuration'],
      ['avvenuta-consegna', 'true', 'your-configuration'],
    ]);
    expect(await session!.page.locator('.sample-info a[download="sample-ca.pem"]').count()).toBe(1);
    expect(await session!.page.locator('#status').textContent()).toContain('verificata in questa pagina');
  });

  it('made no request outside 127.0.0.1 and logged no error', () => {
    expect(foreignRequests(session!.requests, server!.origin)).toEqual([]);
    expect(session!.blocked).toEqual([]);
    // Only the page itself and its three files: no fetch, no beacon, no font, nothing else.
    const paths = session!.requests.filter((u) => !u.startsWith('blob:')).map((u) => new URL(u).pathname);
    expect(new Set(paths)).toEqual(new Set(['/', '/style.css', '/pec-kit.js']));
    expect(session!.errors).toEqual([]);
  });

  it('opened without its built script, says so instead of doing nothing', async () => {
    const bare = await serve(PAGE_DIR, { '/pec-kit.js': '' });
    const other = await openPage(bare.origin);
    try {
      await other.page.goto(`${bare.origin}/`);
      await other.page.waitForLoadState('load');
      const notice = other.page.locator('#no-script');
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.textContent()).toContain('Il verificatore non è partito');
      expect(await notice.textContent()).toContain('npm run build:web');
      expect(await other.page.getAttribute('body', 'data-ready')).toBeNull();
    } finally {
      await other.close();
      await bare.close();
    }
  });
});
