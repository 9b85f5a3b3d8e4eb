// Every built message verifies with OpenSSL, the reference S/MIME implementation, and every
// daticert.xml is valid against the DTD of RFC 6109 §4.4 (xmllint).
//
// `openssl cms -verify` and `openssl smime -verify` run WITHOUT -binary: OpenSSL's text mode
// canonicalises to CRLF, which our output already is, while -binary makes OpenSSL 3.0 keep the CR
// of the delimiter line as content (stack-notes pitfall 8). No -purpose is needed: the fixture
// provider certificates carry KU digitalSignature and EKU emailProtection, which is what the
// default smimesign purpose asks for (`-purpose any` would only hide a profile error).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody, readMime, walk } from '../src/mime/read.js';
import type { BuiltPec } from '../src/provider/build.js';
import { parsePec } from '../src/reading/parse.js';
import { buildCatalogue, CA_BUNDLE } from './helpers/build.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
if (!hasOpenssl || !hasXmllint) {
  console.warn(
    `\n*** builder interop checks SKIPPED in part: ${hasOpenssl ? '' : 'openssl '}${hasXmllint ? '' : 'xmllint '}not found ***\n`,
  );
}
const DTD = resolve(import.meta.dirname, '../fixtures/daticert.dtd');

let dir = '';
let caFile = '';
const catalogues: Record<string, { label: string; built: BuiltPec }[]> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-build-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, CA_BUNDLE);
  catalogues.default = await buildCatalogue();
  catalogues.sha1 = await buildCatalogue({ digest: 'sha1' });
  catalogues.providerCompat = await buildCatalogue({ providerCompat: true });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function daticertOf(bytes: Uint8Array): Uint8Array | null {
  const signed = parsePec(bytes).signature!.signed;
  for (const part of walk(readMime(signed), false))
    if (part.filename === 'daticert.xml') return decodeBody(part);
  return null;
}

const LABELS = [
  'posta-certificata',
  'accettazione',
  'non-accettazione',
  'non-accettazione-virus',
  'presa-in-carico',
  'avvenuta-consegna-completa',
  'avvenuta-consegna-breve',
  'avvenuta-consegna-sintetica',
  'errore-consegna-no-dest',
  'errore-consegna-no-dominio',
  'errore-consegna-altro',
  'errore-consegna-virus',
  'preavviso-12h',
  'preavviso-24h',
  'rilevazione-virus',
  'errore',
];

for (const mode of ['default', 'sha1', 'providerCompat'] as const) {
  describe(`${mode}: every kind verifies with OpenSSL and its daticert with the DTD`, () => {
    it('the catalogue covers every kind and form', () => {
      expect(catalogues[mode]!.map((c) => c.label)).toEqual(LABELS);
    });
    for (const label of LABELS) {
      const file = () => {
        const entry = catalogues[mode]!.find((c) => c.label === label)!;
        const path = join(dir, `${mode}-${label}.eml`);
        writeFileSync(path, entry.built.bytes);
        return { path, built: entry.built };
      };
      it.skipIf(!hasOpenssl)(`${label}: openssl cms -verify and smime -verify`, () => {
        const { path } = file();
        for (const cmd of ['cms', 'smime']) {
          const r = spawnSync('openssl', [
            cmd,
            '-verify',
            '-in',
            path,
            '-CAfile',
            caFile,
            '-out',
            join(dir, `${mode}-${label}.${cmd}.out`),
          ]);
          expect(`${r.status} ${r.stderr}`).toMatch(/^0 .*Verification successful/s);
        }
        // The check is live: one changed byte inside the signed part fails.
        const tampered = Uint8Array.from(file().built.bytes);
        const at = new TextDecoder('latin1').decode(tampered).indexOf('Il giorno');
        tampered[at] = 0x69;
        const bad = join(dir, `${mode}-${label}.tampered.eml`);
        writeFileSync(bad, tampered);
        const r = spawnSync('openssl', [
          'cms',
          '-verify',
          '-in',
          bad,
          '-CAfile',
          caFile,
          '-out',
          join(dir, 'x.out'),
        ]);
        expect(r.status).not.toBe(0);
      });
      it.skipIf(!hasXmllint)(`${label}: daticert.xml is valid against the DTD`, () => {
        const { built } = file();
        const xml = daticertOf(built.bytes);
        if (label === 'errore') {
          expect(xml).toBeNull();
          return;
        }
        expect(xml).not.toBeNull();
        const r = spawnSync('xmllint', ['--noout', '--dtdvalid', DTD, '-'], { input: xml! });
        expect(`${r.status} ${r.stderr}`).toBe('0 ');
      });
    }
  });
}
