// OpenSSL interoperability of the CMS/MIME foundation (stack-notes §1), in both directions, under
// both WebCrypto engines (native `globalThis.crypto` and @peculiar/webcrypto):
//   1. pec-kit → OpenSSL: writeEntity + signDetached + writeMultipartSigned, checked with
//      `openssl cms -verify` and `openssl smime -verify`; one changed byte makes OpenSSL refuse.
//   2. OpenSSL → pec-kit: `cms -sign` / `smime -sign` in every line-ending mode, SHA-1, SHA-512+PSS,
//      read with splitSigned and checked with verifyDetached.
//   3. Chain interop: the test PKI in fixtures/pki seen by `openssl cms -verify` (purpose, name
//      constraints, path length, validity, offline CRLs).
//
// OpenSSL harness rules (stack-notes pitfall 8): never verify with `-binary` (OpenSSL 3.0 then keeps
// the delimiter's CR as content), signature base64 must stay in short lines, and `openssl cms` has
// no -CRLfile (CRLs are appended to the -CAfile bundle). `-attime` pins the validation date, so
// the verdicts do not depend on today's date.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestName } from '../src/cms/oids.js';
import { signDetached } from '../src/cms/sign.js';
import { importSigner, type Signer } from '../src/cms/signer.js';
import { verifyDetached } from '../src/cms/verify.js';
import { resolveLimits } from '../src/limits.js';
import { signatureDer, splitSigned } from '../src/mime/signed.js';
import { writeEntity, writeMultipartSigned } from '../src/mime/write.js';
import { seeded } from './helpers/random.js';

type Bytes = Uint8Array<ArrayBuffer>;
type Protocol = 'application/pkcs7-signature' | 'application/x-pkcs7-signature';

const OPENSSL = process.env.OPENSSL ?? 'openssl';
const PKI = resolve(import.meta.dirname, '../fixtures/pki');
const pkiPath = (file: string): string => join(PKI, file);
const pem = (file: string): string => readFileSync(pkiPath(file), 'utf8');
/** One PEM certificate, decoded with pkijs directly (independent of pec-kit's own decoder). */
const certificate = (file: string): pkijs.Certificate =>
  pkijs.Certificate.fromBER(Buffer.from(pem(file).replace(/-----[^-]+-----|\s/g, ''), 'base64'));

const probe = spawnSync(OPENSSL, ['version'], { encoding: 'utf8' });
const HAVE_OPENSSL = probe.status === 0;
if (!HAVE_OPENSSL) {
  // Loud on purpose: a silently skipped interop suite looks green.
  console.warn(
    `\n*** pec-kit: "${OPENSSL} version" failed: OpenSSL interop tests are SKIPPED (set OPENSSL) ***\n`,
  );
}

const SIGNING_TIME = new Date('2025-03-01T10:00:00Z');
const epoch = (iso: string): string => String(Math.floor(Date.parse(iso) / 1000));
const AT_2025 = epoch('2025-03-01T12:00:00Z');

const enc = new TextEncoder();
const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);
const fromLatin1 = (s: string): Bytes => Uint8Array.from(s, (c) => c.charCodeAt(0)) as Bytes;
/** CRLF → LF, byte for byte otherwise (how many archives store mail). */
const lfOnly = (b: Uint8Array): Bytes => fromLatin1(latin1(b).replace(/\r\n/g, '\n'));

/** The byte at `offset` replaced by a printable ASCII letter that differs from it (never CR/LF). */
function tamper(b: Uint8Array, offset: number): Bytes {
  const out = b.slice() as Bytes;
  out[offset] = out[offset] === 0x41 ? 0x42 : 0x41;
  return out;
}

// ---------------------------------------------------------------------------------------------
// A realistic PEC signed entity: multipart/mixed with a QP text/plain (inside multipart/alternative
// with an HTML twin), a base64 daticert.xml and a message/rfc822 postacert.eml (8bit or 7bit).

const DATICERT = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE postacert SYSTEM "daticert.dtd">
<postacert tipo="posta-certificata" errore="nessuno">
  <intestazione>
    <mittente>mario.rossi@pec.example.it</mittente>
    <destinatari tipo="certificato">anna.bianchi@pec.example.it</destinatari>
    <risposte>mario.rossi@pec.example.it</risposte>
    <oggetto>Fattura n. 42 è pronta</oggetto>
  </intestazione>
  <dati>
    <gestore-emittente>Gestore di prova S.p.A.</gestore-emittente>
    <data zona="+0100">
      <giorno>01/03/2025</giorno>
      <ora>11:00:00</ora>
    </data>
    <identificativo>opec21013.20250301110000.12345.67.1.89@pec.example.it</identificativo>
    <msgid>&lt;fattura-42@example.it&gt;</msgid>
  </dati>
</postacert>
`;

const ORIGINAL_8BIT = enc.encode(
  [
    'Return-Path: <mario.rossi@pec.example.it>',
    'From: Mario Rossi <mario.rossi@pec.example.it>',
    'To: anna.bianchi@pec.example.it',
    'Subject: =?UTF-8?Q?Fattura_n=2E_42_=C3=A8_pronta?=',
    'Date: Sat, 1 Mar 2025 11:00:00 +0100',
    'Message-ID: <fattura-42@example.it>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Gentile Anna,',
    'la fattura n. 42 è pronta: l’importo è di 1.234,56 €.',
    'Cordiali saluti',
    '',
  ].join('\n'),
);

const ORIGINAL_7BIT = enc.encode(
  [
    'From: mario.rossi@pec.example.it',
    'To: anna.bianchi@pec.example.it',
    'Subject: Sollecito',
    'Date: Sat, 1 Mar 2025 11:00:00 +0100',
    'Message-ID: <sollecito-7@example.it>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Si sollecita il pagamento.',
    '',
  ].join('\n'),
);

const TEXT = [
  'Messaggio di posta certificata',
  '',
  'Il giorno 01/03/2025 alle ore 11:00:00 (+0100) il messaggio "Fattura n. 42 è pronta" è stato inviato da "mario.rossi@pec.example.it"',
  'indirizzato a:',
  'anna.bianchi@pec.example.it',
  'Il messaggio originale è incluso in allegato. Identificativo messaggio: opec21013.20250301110000.12345.67.1.89@pec.example.it',
  'a=b (an equals sign QP must escape)',
  '',
].join('\n');

function pecEntity(original: Uint8Array): Bytes {
  return writeEntity({
    kind: 'multipart',
    subtype: 'mixed',
    parts: [
      {
        kind: 'multipart',
        subtype: 'alternative',
        parts: [
          { kind: 'text', text: TEXT, charset: 'iso-8859-1', disposition: 'inline' },
          {
            kind: 'text',
            subtype: 'html',
            text: `<html><body><p>${TEXT.replace(/\n/g, '<br>\n')}</p></body></html>\n`,
            charset: 'iso-8859-1',
            disposition: 'inline',
          },
        ],
      },
      {
        kind: 'binary',
        contentType: 'application/xml',
        body: enc.encode(DATICERT),
        filename: 'daticert.xml',
        disposition: 'inline',
      },
      { kind: 'message', message: original, filename: 'postacert.eml', disposition: 'inline' },
    ],
  });
}

const ENTITY_8BIT = pecEntity(ORIGINAL_8BIT);
const ENTITY_7BIT = pecEntity(ORIGINAL_7BIT);

/** Offset of `needle` (latin1) in the entity, after `after`. */
function at(entity: Uint8Array, needle: string, after = 0): number {
  const i = latin1(entity).indexOf(needle, after);
  if (i < 0) throw new Error(`"${needle}" not in the entity`);
  return i;
}

/** Named offsets inside ENTITY_8BIT, plus 8 seeded random ones. */
function tamperPositions(entity: Uint8Array): [string, number][] {
  const s = latin1(entity);
  const daticertBody = s.indexOf('\r\n\r\n', at(entity, 'daticert.xml')) + 4;
  const rnd = seeded(0x9ec5);
  return [
    ['the first byte', 0],
    ['inside the Content-Type header', at(entity, 'multipart/mixed') + 10],
    ['inside the boundary parameter', at(entity, 'boundary=') + 12],
    ['inside the QP text', at(entity, 'Messaggio di posta') + 4],
    ['a QP escape (=E8)', at(entity, '=E8') + 1],
    ['inside the daticert base64', daticertBody + 40],
    ['a CR of a line break', at(entity, '\r\n', daticertBody)],
    ['an LF of a line break', at(entity, '\r\n', daticertBody) + 1],
    ['inside the postacert.eml headers', at(entity, 'Subject: =?UTF-8?') + 3],
    ['an 8-bit byte of postacert.eml', s.indexOf('\u00c3')],
    ['the last byte', entity.length - 1],
    ...Array.from({ length: 8 }, (_, i): [string, number] => {
      const off = Math.floor(rnd() * entity.length);
      return [`seeded position #${i + 1} (${off})`, off];
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// OpenSSL process helpers: stdin/stdout only, no shell, LC_ALL=C for stable messages.

interface Run {
  status: number | null;
  stdout: Bytes;
  stderr: string;
}

function openssl(args: readonly string[], input?: Uint8Array): Run {
  const r = spawnSync(OPENSSL, args, {
    input,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: new Uint8Array(r.stdout) as Bytes, stderr: r.stderr.toString('utf8') };
}

interface VerifyOptions {
  cafile: string;
  attime?: string;
  /** Extra options: -purpose, -crl_check, -auth_level, … */
  extra?: readonly string[];
}

/** `openssl cms|smime -verify` WITHOUT -binary, message on stdin; `content` = extracted content (stdout). */
function opensslVerify(
  command: 'cms' | 'smime',
  eml: Uint8Array,
  options: VerifyOptions,
): { ok: boolean; content: Bytes; stderr: string } {
  const r = openssl(
    [
      command,
      '-verify',
      '-CAfile',
      options.cafile,
      '-attime',
      options.attime ?? AT_2025,
      ...(options.extra ?? []),
    ],
    eml,
  );
  return { ok: r.status === 0, content: r.stdout, stderr: r.stderr };
}

/** `openssl cms|smime -sign` with the provider identity, content on stdin. */
function opensslSign(args: readonly string[], input: Uint8Array, keyopts: readonly string[] = []): Bytes {
  const [command, ...rest] = args;
  const r = openssl(
    [
      command!,
      '-sign',
      ...rest,
      '-signer',
      pkiPath('provider.cert.pem'),
      '-inkey',
      pkiPath('provider.key.pem'),
      // -keyopt applies to the signer given just before it.
      ...keyopts.flatMap((k) => ['-keyopt', k]),
      '-certfile',
      pkiPath('pec-ca.cert.pem'),
    ],
    input,
  );
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function splitAndDer(eml: Uint8Array) {
  const parts = splitSigned(eml as Bytes, resolveLimits());
  return { parts, der: signatureDer(parts) };
}

// ---------------------------------------------------------------------------------------------

const ENGINES: { name: string; crypto: Crypto }[] = [
  { name: 'native WebCrypto', crypto: globalThis.crypto },
  { name: '@peculiar/webcrypto', crypto: new PeculiarCrypto() },
];

let dir = '';
/** root + PEC CA: the trust bundle of the positive tests. */
let CA = '';
/** root + PEC CA + the mid-2030 PEC CA CRL (revokes revoked-early and revoked-late) + the root CRL. */
let CA_CRL_2030 = '';
/** root + PEC CA + the 2026 PEC CA CRL (revokes revoked-early only) + the root CRL. */
let CA_CRL_2026 = '';
/** Whether `openssl smime` (the legacy PKCS#7 code) verifies an RSA-PSS signature OpenSSL made itself. */
let SMIME_VERIFIES_PSS = true;

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  dir = mkdtempSync(join(tmpdir(), 'pec-kit-openssl-'));
  const bundle = (name: string, files: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, files.map(pem).join(''));
    return path;
  };
  CA = bundle('ca.pem', ['root.cert.pem', 'pec-ca.cert.pem']);
  CA_CRL_2030 = bundle('ca-crl-2030.pem', [
    'root.cert.pem',
    'pec-ca.cert.pem',
    'pec-ca.crl.pem',
    'root.crl.pem',
  ]);
  CA_CRL_2026 = bundle('ca-crl-2026.pem', [
    'root.cert.pem',
    'pec-ca.cert.pem',
    'pec-ca-2026.crl.pem',
    'root.crl.pem',
  ]);
  // Control: OpenSSL 3.0's PKCS#7 code (`smime -verify`) refuses RSA-PSS even when OpenSSL itself
  // signed with `cms -sign -keyopt rsa_padding_mode:pss` ("RSA_padding_check_PKCS1_type_1: invalid
  // padding"). pec-kit's PSS signatures are then held to the same standard as OpenSSL's own.
  const own = opensslSign(['cms', '-binary'], ENTITY_8BIT, ['rsa_padding_mode:pss']);
  expect(opensslVerify('cms', own, { cafile: CA }).ok).toBe(true);
  SMIME_VERIFIES_PSS = opensslVerify('smime', own, { cafile: CA }).ok;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the signed entities under test', () => {
  it('are canonical, realistic PEC bodies', () => {
    for (const [entity, cte] of [
      [ENTITY_8BIT, '8bit'],
      [ENTITY_7BIT, '7bit'],
    ] as const) {
      const s = latin1(entity);
      expect(s).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
      for (const line of s.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
      expect(s).toMatch(/^Content-Type: multipart\/mixed;/);
      expect(s).toContain('Content-Type: multipart/alternative;');
      expect(s).toContain('Content-Transfer-Encoding: quoted-printable');
      expect(s).toContain('=E8'); // è in ISO-8859-1, QP-escaped
      expect(s).toMatch(/Content-Type: application\/xml;[^\r]*\r\nContent-Transfer-Encoding: base64/);
      expect(s).toMatch(
        new RegExp(`Content-Type: message/rfc822[^\\r]*\\r\\nContent-Transfer-Encoding: ${cte}\\r\\n`),
      );
    }
    expect(latin1(ENTITY_8BIT)).toContain('\u00c3\u00a8'); // è in UTF-8, verbatim in the 8bit postacert.eml
  });
});

describe.skipIf(!HAVE_OPENSSL).each(ENGINES)('OpenSSL interop, $name', ({ crypto }) => {
  let provider: Signer;
  let providerPss: Signer;

  beforeAll(async () => {
    const common = {
      certificate: pem('provider.cert.pem'),
      privateKey: pem('provider.key.pem'),
      chain: pem('pec-ca.cert.pem'),
      crypto,
    };
    provider = await importSigner(common);
    providerPss = await importSigner({ ...common, rsaPadding: 'pss' });
  });

  async function pecKitMessage(opts: {
    entity: Bytes;
    digest: DigestName;
    padding: 'pkcs1' | 'pss';
    protocol: Protocol;
  }): Promise<Bytes> {
    const signer = opts.padding === 'pss' ? providerPss : provider;
    const der = await signDetached(opts.entity, signer, {
      digest: opts.digest,
      signingTime: SIGNING_TIME,
      crypto,
    });
    return writeMultipartSigned({
      signedEntity: opts.entity,
      signature: der,
      protocol: opts.protocol,
      micalg: opts.digest === 'sha1' ? 'sha1' : `sha-${opts.digest.slice(3)}`,
      outerHeaders: [
        ['Return-Path', '<posta-certificata@pec.example.it>'],
        ['From', '"Per conto di: mario.rossi@pec.example.it" <posta-certificata@pec.example.it>'],
        ['To', 'anna.bianchi@pec.example.it'],
        ['Subject', 'POSTA CERTIFICATA: Fattura n. 42'],
        ['Date', 'Sat, 1 Mar 2025 11:00:00 +0100'],
        ['Message-ID', '<opec21013.20250301110000.12345.67.1.89@pec.example.it>'],
        ['X-Trasporto', 'posta-certificata'],
        ['X-Riferimento-Message-ID', '<fattura-42@example.it>'],
      ],
    });
  }

  describe('pec-kit → OpenSSL', () => {
    const variants = (['sha256', 'sha1'] as const).flatMap((digest) =>
      (['pkcs1', 'pss'] as const).flatMap((padding) =>
        (['application/pkcs7-signature', 'application/x-pkcs7-signature'] as const).map((protocol) => ({
          digest,
          padding,
          protocol,
          entity: protocol === 'application/pkcs7-signature' ? ENTITY_8BIT : ENTITY_7BIT,
        })),
      ),
    );

    it.each(variants)(
      '$digest, RSA $padding, $protocol: cms and smime -verify accept it and extract the exact entity',
      async (v) => {
        const eml = await pecKitMessage(v);
        // The envelope is what OpenSSL's S/MIME reader can take: signature base64 in 76 columns.
        const { parts, der } = splitAndDer(eml);
        expect(parts.protocol).toBe(v.protocol);
        expect(parts.signed).toEqual(v.entity);
        for (const line of latin1(parts.signatureBody).split('\r\n'))
          expect(line.length).toBeLessThanOrEqual(76);

        const cms = opensslVerify('cms', eml, { cafile: CA, extra: ['-purpose', 'any'] });
        expect(cms.stderr).toContain('Verification successful');
        expect(cms.ok).toBe(true);
        expect(cms.content).toEqual(v.entity);

        const smime = opensslVerify('smime', eml, { cafile: CA, extra: ['-purpose', 'any'] });
        if (v.padding === 'pss' && !SMIME_VERIFIES_PSS) {
          // OpenSSL's own PSS signature fails the same way (see the control in beforeAll).
          expect(smime.ok).toBe(false);
        } else {
          expect(smime.stderr).toContain('Verification successful');
          expect(smime.ok).toBe(true);
          expect(smime.content).toEqual(v.entity);
        }

        // And pec-kit agrees with itself on the envelope it wrote.
        const r = await verifyDetached(parts.signed, der, { crypto });
        expect(r).toMatchObject({
          intact: true,
          canonicalized: false,
          failure: null,
          digestAlgorithm: v.digest,
        });
        expect(r.signingTime).toEqual(SIGNING_TIME);
      },
    );

    const baseline = {
      entity: ENTITY_8BIT,
      digest: 'sha256',
      padding: 'pkcs1',
      protocol: 'application/pkcs7-signature',
    } as const;
    let eml: Bytes;
    let signedOffset = 0;
    beforeAll(async () => {
      eml = await pecKitMessage(baseline);
      signedOffset = splitAndDer(eml).parts.signedOffset;
      expect(eml.subarray(signedOffset, signedOffset + ENTITY_8BIT.length)).toEqual(ENTITY_8BIT);
    });

    it.each(tamperPositions(ENTITY_8BIT))(
      'one byte changed at %s: OpenSSL (cms and smime) and pec-kit refuse it',
      async (_name, offset) => {
        const bad = tamper(eml, signedOffset + offset);
        for (const command of ['cms', 'smime'] as const) {
          const r = opensslVerify(command, bad, { cafile: CA, extra: ['-purpose', 'any'] });
          expect(r.ok, `${command}: ${r.stderr}`).toBe(false);
          expect(r.stderr).toContain('Verification failure');
        }
        const { parts, der } = splitAndDer(bad);
        expect(parts.signed.length).toBe(ENTITY_8BIT.length);
        const v = await verifyDetached(parts.signed, der, { crypto });
        expect(v).toMatchObject({ intact: false, failure: 'SIGNATURE_DIGEST_MISMATCH' });
      },
    );

    it.each(variants)(
      '$digest, RSA $padding, $protocol: a changed byte in the middle is refused by cms -verify',
      async (v) => {
        const good = await pecKitMessage(v);
        const { parts } = splitAndDer(good);
        const bad = tamper(good, parts.signedOffset + Math.floor(v.entity.length / 2));
        const r = opensslVerify('cms', bad, { cafile: CA, extra: ['-purpose', 'any'] });
        expect(r.ok).toBe(false);
        expect(r.stderr).toContain('Verification failure');
      },
    );
  });

  describe('OpenSSL → pec-kit', () => {
    const PROVIDER = certificate('provider.cert.pem');
    const cases = [
      {
        name: 'cms -sign (text mode, LF input)',
        args: ['cms'],
        lf: true,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-256',
        digest: 'sha256',
      },
      {
        name: 'cms -sign -crlfeol',
        args: ['cms', '-crlfeol'],
        lf: true,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-256',
        digest: 'sha256',
      },
      {
        name: 'cms -sign -binary (CRLF input)',
        args: ['cms', '-binary'],
        lf: false,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-256',
        digest: 'sha256',
      },
      {
        name: 'cms -sign -binary -crlfeol',
        args: ['cms', '-binary', '-crlfeol'],
        lf: false,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-256',
        digest: 'sha256',
      },
      {
        name: 'smime -sign',
        args: ['smime'],
        lf: true,
        protocol: 'application/x-pkcs7-signature',
        micalg: 'sha-256',
        digest: 'sha256',
      },
      {
        name: 'smime -sign -binary -crlfeol',
        args: ['smime', '-binary', '-crlfeol'],
        lf: false,
        protocol: 'application/x-pkcs7-signature',
        micalg: 'sha-256',
        digest: 'sha256',
      },
      {
        name: 'cms -sign -md sha1',
        args: ['cms', '-md', 'sha1'],
        lf: true,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha1',
        digest: 'sha1',
      },
      {
        name: 'cms -sign -md sha512 -keyopt rsa_padding_mode:pss',
        args: ['cms', '-md', 'sha512'],
        keyopts: ['rsa_padding_mode:pss'],
        lf: true,
        protocol: 'application/pkcs7-signature',
        micalg: 'sha-512',
        digest: 'sha512',
      },
    ] as const;

    // OpenSSL's output does not depend on the engine under test; sign once per case and file.
    const signed = new Map<string, Bytes>();
    const opensslSigned = (c: (typeof cases)[number]): Bytes => {
      let out = signed.get(c.name);
      if (!out) {
        out = opensslSign(c.args, c.lf ? lfOnly(ENTITY_8BIT) : ENTITY_8BIT, 'keyopts' in c ? c.keyopts : []);
        signed.set(c.name, out);
      }
      return out;
    };

    it.each(cases)('$name: intact on the exact bytes (canonicalized = false)', async (c) => {
      const eml = opensslSigned(c);
      const { parts, der } = splitAndDer(eml);
      expect(parts.protocol).toBe(c.protocol);
      expect(parts.micalg?.replace(/"/g, '')).toBe(c.micalg);
      // Whatever the input line endings, OpenSSL signs (and writes) the CRLF-canonical entity.
      expect(parts.signed).toEqual(ENTITY_8BIT);
      const r = await verifyDetached(parts.signed, der, { crypto });
      expect(r).toMatchObject({
        intact: true,
        canonicalized: false,
        failure: null,
        digestAlgorithm: c.digest,
      });
      expect(r.signatureAlgorithmOid).toBe('keyopts' in c ? '1.2.840.113549.1.1.10' : '1.2.840.113549.1.1.1');
      expect(r.signingTime).toBeInstanceOf(Date);
      expect(r.signedAttributes).toContain('1.2.840.113549.1.9.15'); // OpenSSL adds SMIMECapabilities
      // The signer certificate, as pec-kit decoded it, against pkijs's independent reading.
      expect(r.signerCertificate?.serialNumber).toEqual(
        new Uint8Array(PROVIDER.serialNumber.valueBlock.valueHexView),
      );
      expect(r.signerCertificate?.issuer.der).toEqual(
        new Uint8Array(PROVIDER.issuer.toSchema().toBER(false)),
      );
      expect(r.signerCertificate?.der).toEqual(new Uint8Array(PROVIDER.toSchema(true).toBER(false)));
      expect(r.certificates).toHaveLength(2);
    });

    it.each(cases)(
      '$name: stored with LF line endings, intact only after CRLF canonicalization',
      async (c) => {
        const eml = lfOnly(opensslSigned(c));
        const { parts, der } = splitAndDer(eml);
        expect(parts.signed).toEqual(lfOnly(ENTITY_8BIT));
        const r = await verifyDetached(parts.signed, der, { crypto });
        expect(r).toMatchObject({ intact: true, canonicalized: true, failure: null });
        // OpenSSL (text mode) canonicalizes too and accepts the LF copy.
        const o = opensslVerify('cms', eml, { cafile: CA, extra: ['-purpose', 'any'] });
        expect(o.ok, o.stderr).toBe(true);
      },
    );

    it.each(cases)('$name: one changed byte → SIGNATURE_DIGEST_MISMATCH', async (c) => {
      const eml = opensslSigned(c);
      const { parts } = splitAndDer(eml);
      const n = parts.signed.length;
      for (const offset of [0, 17, Math.floor(n / 3), Math.floor(n / 2), n - 3, n - 1]) {
        const { parts: p, der } = splitAndDer(tamper(eml, parts.signedOffset + offset));
        const r = await verifyDetached(p.signed, der, { crypto });
        expect(r, `offset ${offset}`).toMatchObject({ intact: false, failure: 'SIGNATURE_DIGEST_MISMATCH' });
      }
    });
  });

  describe('chain interop: openssl cms -verify over the test PKI', () => {
    const ENTITY = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      parts: [
        { kind: 'text', text: 'Ricevuta di accettazione\n', disposition: 'inline' },
        {
          kind: 'binary',
          contentType: 'application/xml',
          body: enc.encode(DATICERT),
          filename: 'daticert.xml',
        },
      ],
    });
    const messages = new Map<string, Promise<Bytes>>();
    /** A pec-kit message signed by `leaf` (its key from fixtures/pki), its CA chain embedded. */
    const signedBy = (leaf: string): Promise<Bytes> => {
      let m = messages.get(leaf);
      if (!m) {
        const chain =
          leaf === 'untrusted'
            ? []
            : leaf === 'pathlen-violation'
              ? [pem('sub-ca.cert.pem'), pem('pec-ca.cert.pem')]
              : [pem('pec-ca.cert.pem')];
        m = importSigner({
          certificate: pem(`${leaf}.cert.pem`),
          privateKey: pem(`${leaf}.key.pem`),
          chain,
          crypto,
        }).then(async (signer) =>
          writeMultipartSigned({
            signedEntity: ENTITY,
            signature: await signDetached(ENTITY, signer, { signingTime: SIGNING_TIME, crypto }),
            protocol: 'application/pkcs7-signature',
            micalg: 'sha-256',
            outerHeaders: [['Subject', `chain test: ${leaf}`]],
          }),
        );
        messages.set(leaf, m);
      }
      return m;
    };

    // Default purpose (S/MIME signing) unless `-purpose` is given. `expect` is OK or OpenSSL's verify error.
    const cases: {
      leaf: string;
      when: string;
      cafile: () => string;
      extra?: string[];
      expect: 'OK' | RegExp;
    }[] = [
      { leaf: 'provider', when: '2025', cafile: () => CA, expect: 'OK' },
      { leaf: 'provider2', when: '2025', cafile: () => CA, expect: 'OK' },
      { leaf: 'no-policy', when: '2025', cafile: () => CA, expect: 'OK' },
      { leaf: 'weak-key', when: '2025', cafile: () => CA, expect: 'OK' },
      {
        leaf: 'weak-key',
        when: '2025',
        cafile: () => CA,
        extra: ['-auth_level', '2'],
        expect: /EE certificate key too weak/,
      },
      { leaf: 'provider', when: '2021-01-01', cafile: () => CA, expect: /certificate is not yet valid/ },
      { leaf: 'expired', when: '2021-01-01', cafile: () => CA, expect: 'OK' },
      { leaf: 'expired', when: '2025', cafile: () => CA, expect: /certificate has expired/ },
      { leaf: 'wrong-eku', when: '2025', cafile: () => CA, expect: /unsuitable certificate purpose/ },
      { leaf: 'wrong-eku', when: '2025', cafile: () => CA, extra: ['-purpose', 'any'], expect: 'OK' },
      {
        leaf: 'no-digital-signature',
        when: '2025',
        cafile: () => CA,
        expect: /unsuitable certificate purpose/,
      },
      { leaf: 'out-of-constraints', when: '2025', cafile: () => CA, expect: /permitted subtree violation/ },
      { leaf: 'excluded', when: '2025', cafile: () => CA, expect: /excluded subtree violation/ },
      { leaf: 'untrusted', when: '2025', cafile: () => CA, expect: /unable to get local issuer certificate/ },
      {
        leaf: 'pathlen-violation',
        when: '2025',
        cafile: () => CA,
        expect: /path length constraint exceeded/,
      },
      // Offline CRLs, appended to the CAfile (openssl cms has no -CRLfile). OpenSSL refuses a CRL
      // issued after -attime, hence the 2026 CRL for checks in 2027.
      {
        leaf: 'provider',
        when: '2027',
        cafile: () => CA,
        extra: ['-crl_check'],
        expect: /unable to get certificate CRL/,
      },
      { leaf: 'provider', when: '2031', cafile: () => CA_CRL_2030, extra: ['-crl_check'], expect: 'OK' },
      { leaf: 'provider', when: '2031', cafile: () => CA_CRL_2030, extra: ['-crl_check_all'], expect: 'OK' },
      {
        leaf: 'revoked-early',
        when: '2031',
        cafile: () => CA_CRL_2030,
        extra: ['-crl_check'],
        expect: /certificate revoked/,
      },
      {
        leaf: 'revoked-late',
        when: '2031',
        cafile: () => CA_CRL_2030,
        extra: ['-crl_check'],
        expect: /certificate revoked/,
      },
      {
        leaf: 'revoked-early',
        when: '2027',
        cafile: () => CA_CRL_2026,
        extra: ['-crl_check_all'],
        expect: /certificate revoked/,
      },
      {
        leaf: 'revoked-late',
        when: '2027',
        cafile: () => CA_CRL_2026,
        extra: ['-crl_check_all'],
        expect: 'OK',
      },
    ];

    it.each(cases.map((c) => ({ ...c, flags: (c.extra ?? []).join(' ') || '(defaults)' })))(
      '$leaf at $when, $flags → $expect',
      async (c) => {
        const eml = await signedBy(c.leaf);
        const attime = epoch(c.when.length === 4 ? `${c.when}-03-01T12:00:00Z` : `${c.when}T12:00:00Z`);
        const r = opensslVerify('cms', eml, { cafile: c.cafile(), attime, extra: c.extra ?? [] });
        if (c.expect === 'OK') {
          expect(r.stderr).toContain('Verification successful');
          expect(r.ok).toBe(true);
          expect(r.content).toEqual(ENTITY);
        } else {
          expect(r.ok).toBe(false);
          expect(r.stderr).toMatch(c.expect);
        }
      },
    );

    it('provider: smime -verify accepts it too, with the default purpose and -crl_check_all', async () => {
      const eml = await signedBy('provider');
      const r = opensslVerify('smime', eml, {
        cafile: CA_CRL_2030,
        attime: epoch('2031-03-01T12:00:00Z'),
        extra: ['-crl_check_all'],
      });
      expect(r.stderr).toContain('Verification successful');
      expect(r.content).toEqual(ENTITY);
    });
  });

  describe('OpenSSL harness rules (stack-notes pitfall 8)', () => {
    const baseline = {
      entity: ENTITY_8BIT,
      digest: 'sha256',
      padding: 'pkcs1',
      protocol: 'application/pkcs7-signature',
    } as const;

    it("a one-line signature over ~1 KB is refused by OpenSSL's S/MIME reader; the writer wraps at 76 columns", async () => {
      const eml = await pecKitMessage(baseline);
      expect(opensslVerify('cms', eml, { cafile: CA }).ok).toBe(true);
      const { parts } = splitAndDer(eml);
      const body = latin1(parts.signatureBody);
      const oneLine = body.replace(/\r\n/g, '');
      expect(oneLine.length).toBeGreaterThan(1100);
      const joined = fromLatin1(latin1(eml).replace(body, `${oneLine}\r\n`));
      // pec-kit reads any line length; OpenSSL does not.
      const mine = splitAndDer(joined);
      expect((await verifyDetached(mine.parts.signed, mine.der, { crypto })).intact).toBe(true);
      const r = opensslVerify('cms', joined, { cafile: CA });
      expect(r.ok).toBe(false);
    });

    it("cms -verify -binary is never used: on correct CRLF multipart/signed it keeps the delimiter's CR", async () => {
      const eml = await pecKitMessage(baseline);
      const text = opensslVerify('cms', eml, { cafile: CA });
      expect(text.ok).toBe(true);
      expect(text.content).toEqual(ENTITY_8BIT);
      const binary = opensslVerify('cms', eml, { cafile: CA, extra: ['-binary'] });
      // OpenSSL 3.0: verification failure, extracted content = the entity + "\r". Should a later
      // OpenSSL fix this, the harness rule is merely unnecessary, not wrong.
      if (!binary.ok) expect(binary.content).toEqual(fromLatin1(`${latin1(ENTITY_8BIT)}\r`));
    });
  });
});

describe.skipIf(!HAVE_OPENSSL)('OpenSSL harness', () => {
  it('runs OpenSSL 3.x (the version the stack-notes pitfalls were checked with)', () => {
    expect(probe.stdout).toMatch(/^OpenSSL 3\./);
  });
});
