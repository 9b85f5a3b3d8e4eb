// Shared pieces of the benchmarks: the test PKI, messages of a given size, timing helpers.
// Everything runs against the built library (dist/), as an application would use it.
import { randomFillSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PKI = join(ROOT, 'fixtures/pki');
export const pem = (file) => readFileSync(join(PKI, file), 'utf8');
export const CORPUS = process.env.PEC_CORPUS ?? join(ROOT, '../shared/corpus');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'EXPECTED.json'));

/** The instant every built message carries (the test leaves are valid 2024–2040). */
export const AT = new Date('2025-01-14T09:15:00Z');

export const pk = await import(pathToFileURL(join(ROOT, 'dist/index.js')).href);

/** Imports a module of the built library, e.g. `dist/cms/view.js`. */
export const dist = (path) => import(pathToFileURL(join(ROOT, path)).href);

/** Provider A (pec.example.it) and B (postacert.example.org) of the test PKI. */
export async function providers() {
  const signer = (stem) =>
    pk.importSigner({
      certificate: pem(`${stem}.cert.pem`),
      privateKey: pem(`${stem}.key.pem`),
      chain: pem('pec-ca.cert.pem'),
    });
  return {
    a: { domain: 'pec.example.it', name: 'Example PEC S.p.A.', signer: await signer('provider') },
    b: {
      domain: 'postacert.example.org',
      name: 'Postacert Example S.r.l.',
      signer: await signer('provider2'),
    },
  };
}

const ascii = (s) => new Uint8Array(Buffer.from(s, 'latin1'));

/** Base64 in 76-column CRLF lines, as mail clients write attachments. */
function base64Lines(data) {
  const b64 = Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64');
  const lines = Math.ceil(b64.length / 76);
  const out = new Uint8Array(b64.length + lines * 2);
  const src = ascii(b64);
  for (let i = 0, o = 0; i < src.length; i += 76) {
    const line = src.subarray(i, i + 76);
    out.set(line, o);
    o += line.length;
    out[o++] = 0x0d;
    out[o++] = 0x0a;
  }
  return out;
}

/** An original message (CRLF) from a client: a short text and one attachment of `attachment` bytes. */
export function original(attachment, subject = 'Fattura 12/2025') {
  const head = [
    'From: Mario Rossi <mario.rossi@pec.example.it>',
    'To: Ufficio Protocollo <protocollo@postacert.example.org>',
    `Subject: ${subject}`,
    'Date: Tue, 14 Jan 2025 10:15:00 +0100',
    'Message-ID: <20250114101500.4f2a9c@client.example.it>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="=_b_1"',
    '',
    '--=_b_1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    'In allegato la fattura, come concordato.',
    '--=_b_1',
    'Content-Type: application/pdf; name="fattura.pdf"',
    'Content-Disposition: attachment; filename="fattura.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  const data = new Uint8Array(attachment);
  randomFillSync(data);
  return Buffer.concat([ascii(head), base64Lines(data), ascii('--=_b_1--\r\n')]);
}

/** The transaction of an original, as the access point opens it (size limits raised for 50 MB). */
export function transaction(eml) {
  return pk.checkSubmission(new Uint8Array(eml), {
    domain: 'pec.example.it',
    at: AT,
    pecDomains: ['pec.example.it', 'postacert.example.org'],
    strict: true,
    maxTransactionBytes: 1 << 30,
    limits: { maxMessageBytes: 1 << 30 },
  }).transaction;
}

/** A transport envelope of about `size` bytes (within 0.1 %) from `provider`, and its transaction. */
export async function envelopeOfSize(size, provider) {
  const build = async (attachment) => {
    const tx = transaction(original(attachment));
    return { tx, env: await pk.buildEnvelope({ transaction: tx, provider, at: AT }) };
  };
  // Base64 at 76 columns: 78 bytes of text per 57 bytes of data.
  const guess = Math.max(0, Math.round(((size - 9000) * 57) / 78));
  const first = await build(guess);
  return build(Math.max(0, guess + Math.round(((size - first.env.bytes.length) * 57) / 78)));
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median wall time in ms of `runs` calls of `fn` (awaited), after `warmup` calls; GC between runs. */
export async function timeIt(fn, runs, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { median: median(times), min: Math.min(...times), runs };
}

export const fmtMs = (ms) =>
  ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
export const fmtBytes = (n) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} KB` : `${n} B`;
export const fmtX = (x) => (x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(1)}×`);
