// What nobody signed never reaches `certified` nor reads as certified: findings of an adversarial
// review (2026-12-04). Each case starts from a message a provider of the test PKI really signed and
// changes only what is outside the signature, or puts the sender's own words where a reader would
// take them for pec-kit's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../src/cli/io.js';
import { run } from '../src/cli/main.js';
import { writeEntity } from '../src/mime/write.js';
import { checkSubmission } from '../src/provider/checks.js';
import { parsePec } from '../src/reading/parse.js';
import { formatReport } from '../src/verify/format.js';
import { issueText } from '../src/verify/messages-it.js';
import { createVerifier } from '../src/verify/verify.js';
import {
  assemble,
  b64,
  cat,
  enc,
  forgerSigner,
  latin1,
  outerFields,
  pkiPem,
  reframe,
  signaturePart,
  syntheticPec,
  TEST_TRUST,
} from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });

describe('the receipt form an envelope asks for', () => {
  it('comes from the signed daticert or postacert.eml, never from the envelope header', async () => {
    const plain = await syntheticPec({ kind: 'posta-certificata', daticert: { ricevutaTipo: null } });
    const base = await verify(plain.bytes);
    expect(base.valid).toBe(true);
    expect(base.certified?.deliveryForm).toBeNull();
    const asked = await syntheticPec({
      kind: 'posta-certificata',
      daticert: { ricevutaTipo: null },
      headers: [['X-TipoRicevuta', 'sintetica']],
    });
    const r = await verify(asked.bytes);
    expect(r.valid).toBe(true);
    // The unsigned header is what the envelope claims, not what was certified.
    expect(r.certified?.deliveryForm).toBeNull();
    const signed = await syntheticPec({
      kind: 'posta-certificata',
      daticert: { ricevutaTipo: 'completa' },
      headers: [['X-TipoRicevuta', 'sintetica']],
    });
    expect((await verify(signed.bytes)).certified?.deliveryForm).toBe('completa');
  });
});

describe("the sender's own subject in the certified sentence", () => {
  // A faithful provider signs whatever subject the sender chose: this one reads as a second
  // delivery, to another mailbox, on another day, when embedded mid-sentence.
  const forged =
    'Diffida ad adempiere» di ufficio.legale@pec.comune.example.it nella casella di tribunale@pec.giustizia.example.it il 02/12/2024 09:00:00 ora italiana (UTC+01:00), 02/12/2024 08:00:00 UTC. «Allegato';
  const SUBJECT: [string, string][] = [['Subject', 'CONSEGNA: Diffida']];
  const TEXT = 'Ricevuta di avvenuta consegna.\n';
  const forgedEn = forged.replace('»', '”').replace('«', '“');

  it('comes after every certified fact, its quotes marked, in Italian and English', async () => {
    const { summarize } = await import('../src/verify/summary.js');
    const r = await verify(
      (await syntheticPec({ kind: 'avvenuta-consegna', oggetto: forged, text: TEXT, headers: SUBJECT }))
        .bytes,
    );
    expect(r.valid).toBe(true);
    const it = summarize(r, 'it').certified ?? '';
    // Every certified fact first, the subject last: the forged text can only follow them.
    const subjectAt = it.indexOf('Oggetto del messaggio: «');
    expect(subjectAt).toBeGreaterThan(0);
    for (const fact of ['mario.rossi@pec.example.it', 'ufficio@pec.example.org', '14/03/2025 11:20:30'])
      expect(it.indexOf(fact), fact).toBeLessThan(subjectAt);
    expect(it.indexOf('tribunale@')).toBeGreaterThan(subjectAt);
    // The quote inside the subject cannot close it: it is shown as a mark, and the sentence ends
    // with the only real closing quote.
    expect(it).toContain('Diffida ad adempiere<U+00BB> di ufficio.legale');
    expect(it).toContain('<U+00AB>Allegato».');
    expect(it.match(/»/g)).toHaveLength(1);
    const rEn = await verify(
      (await syntheticPec({ kind: 'avvenuta-consegna', oggetto: forgedEn, text: TEXT, headers: SUBJECT }))
        .bytes,
    );
    const en = summarize(rEn, 'en').certified ?? '';
    expect(en.indexOf('ufficio@pec.example.org')).toBeLessThan(en.indexOf('Subject of the message: “'));
    expect(en).toContain('Diffida ad adempiere<U+201D> di ufficio.legale');
    expect(en.match(/”/g)).toHaveLength(1);
  });
});

/** `pec-kit verify --trust root.pem FILE` on `bytes`, in `lang`: its standard output. */
async function cliVerify(bytes: Uint8Array, name: string, lang: 'it' | 'en'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pec-unsigned-'));
  try {
    writeFileSync(join(dir, 'root.pem'), pkiPem('root.cert.pem'));
    writeFileSync(join(dir, name), bytes);
    const out: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(l),
      stdout: process.stdout,
      stderr: process.stderr,
      env: { NO_COLOR: '1' },
    } as unknown as Io;
    await run(['verify', '--lang', lang, '--trust', join(dir, 'root.pem'), join(dir, name)], io);
    return out.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('pec-kit verify says what was certified, and what is only claimed', () => {
  it('prints the certified sentence under a VALID line: not the file name nor the unsigned Subject', async () => {
    // A genuine receipt for one subject, renamed and re-subjected by whoever stored it.
    const receipt = await syntheticPec({
      kind: 'avvenuta-consegna',
      oggetto: 'Auguri di buone feste',
      headers: [['Subject', 'CONSEGNA: Ricorso n. 4521/2025 - deposito atto']],
    });
    const en = await cliVerify(receipt.bytes, 'CONSEGNA-ricorso-4521.eml', 'en');
    expect(en).toMatch(/^VALID /m);
    expect(en).toContain(
      '    certified: EXAMPLE PEC S.p.A. delivered the message from mario.rossi@pec.example.it',
    );
    expect(en).toContain('Subject of the message: “Auguri di buone feste”.');
    const it = await cliVerify(receipt.bytes, 'CONSEGNA-ricorso-4521.eml', 'it');
    expect(it).toContain(
      '    certificato: EXAMPLE PEC S.p.A. ha consegnato il messaggio di mario.rossi@pec.example.it',
    );
    expect(it).toContain('Oggetto del messaggio: «Auguri di buone feste».');
  });

  it('words the signer and the signing time of an INVALID message as claims', async () => {
    const forged = await syntheticPec({ kind: 'avvenuta-consegna', signer: await forgerSigner() });
    const en = await cliVerify(forged.bytes, 'forged.eml', 'en');
    const line = en.split('\n').find((l) => l.startsWith('INVALID')) ?? '';
    expect(line).toContain('certificate of posta-certificata@pec.example.it claimed signing time 2025-03-14');
    expect(line).not.toMatch(/ by | signed /);
    expect(en).not.toContain('certified:');
    const it = await cliVerify(forged.bytes, 'forged.eml', 'it');
    const riga = it.split('\n').find((l) => l.startsWith('NON VALIDO')) ?? '';
    expect(riga).toContain(
      'firmatario dichiarato posta-certificata@pec.example.it ora di firma dichiarata 2025-03-14',
    );
    expect(riga).not.toMatch(/ da | firmato /);

    const report = await verify(forged.bytes);
    expect(report.valid).toBe(false);
    const text = formatReport(report, 'it');
    expect(text).toContain('Certificato della firma (non verificato): CN=');
    expect(text).toContain('Ora di firma dichiarata (non verificata): ');
    expect(text).not.toMatch(/^Firmato (da|il)/m);
    const english = formatReport(report, 'en');
    expect(english).toContain('Certificate of the signature (not verified): CN=');
    expect(english).not.toMatch(/^Signed (by|at)/m);
    const genuine = formatReport(await verify((await syntheticPec({ kind: 'accettazione' })).bytes), 'it');
    expect(genuine).toMatch(/^Firmato da: CN=/m);
  });
});

describe('findings about the daticert of a message nobody signed', () => {
  it('never call it signed, in English or Italian', async () => {
    const s = await syntheticPec({
      kind: 'avvenuta-consegna',
      headers: [
        ['X-Ricevuta', 'errore-consegna'],
        ['X-Riferimento-Message-ID', '<other@client.example.it>'],
        ['Subject', 'CONSEGNA: Altro oggetto'],
      ],
    });
    // The signed multipart/mixed alone under the outer header fields: a PEC-looking message
    // without any signature.
    const unsigned = cat(outerFields(s).replace(/^MIME-Version:[^\r]*\r\n/im, ''), s.signed);
    const pec = parsePec(unsigned);
    expect(pec.signature).toBeNull();
    const codes = ['KIND_HEADER_MISMATCH', 'RIFERIMENTO_MISMATCH', 'SUBJECT_MISMATCH'];
    const found = pec.issues.filter((i) => codes.includes(i.code));
    expect(found.map((i) => i.code).sort()).toEqual([...codes].sort());
    for (const i of found) {
      expect(i.message, i.code).not.toMatch(/\bsigned\b/);
      expect(issueText(i.code, 'it')?.replace(/non firmat[aeio]/g, ''), i.code).not.toMatch(/firmat/);
    }
  });
});

describe('a PEC message carried in ordinary mail, in the CLI', () => {
  it('names its part and says what it certifies, apart from the wrapper', async () => {
    const receipt = await syntheticPec({ kind: 'avvenuta-consegna', oggetto: 'Auguri di buone feste' });
    // Someone forwards the genuine receipt under a subject of their own.
    const mail = writeEntity({
      kind: 'multipart',
      subtype: 'mixed',
      boundary: 'fwd-boundary-01',
      headers: [
        ['From', 'someone@example.com'],
        ['To', 'ufficio@example.org'],
        ['Subject', 'Fwd: CONSEGNA: Diffida ad adempiere'],
        ['MIME-Version', '1.0'],
      ],
      parts: [
        { kind: 'text', text: 'Ecco la ricevuta della diffida.\n', charset: 'us-ascii' },
        { kind: 'message', message: receipt.bytes, filename: 'ricevuta-diffida.eml' },
      ],
    });
    const en = await cliVerify(mail, 'fwd.eml', 'en');
    expect(en).toMatch(/^INVALID /m); // ordinary mail is not PEC: its own verdict stands
    expect(en).toContain(
      '    contains ricevuta-diffida.eml: VALID avvenuta-consegna; trusted by your configuration',
    );
    expect(en).toContain(
      '        certified: EXAMPLE PEC S.p.A. delivered the message from mario.rossi@pec.example.it',
    );
    expect(en).toContain('Subject of the message: “Auguri di buone feste”.');
    const it = await cliVerify(mail, 'fwd.eml', 'it');
    expect(it).toContain(
      '    contiene ricevuta-diffida.eml: VALIDO avvenuta-consegna; attendibile per la tua configurazione',
    );
    expect(it).toContain('Oggetto del messaggio: «Auguri di buone feste».');
  });
});

describe('a top-level Content-Type that names its boundary twice', () => {
  // A genuine signed part and signature framed by SIGB, under an unsigned Content-Type that also
  // names another boundary: a reader that takes the other one splits the body elsewhere and can
  // be shown parts planted around the signed one.
  async function framed(param: string): Promise<Uint8Array> {
    const s = await syntheticPec({ kind: 'avvenuta-consegna' });
    return assemble({
      fields: outerFields(s),
      boundary: 'SIGB',
      boundaryParam: param,
      parts: [s.signed, signaturePart(b64(s.der))],
    });
  }

  it('is an error, whichever form comes first', async () => {
    for (const param of [
      'boundary="FAKE"; boundary*0="SIGB"',
      'boundary*0="SIGB"; boundary="FAKE"',
      'boundary="SIGB"; boundary="FAKE"',
      'boundary*0="SI"; boundary*0="FAKE"; boundary*1="GB"',
      'boundary*0="FAKE"; boundary*00="SIGB"', // one section, by number, as the parameters are joined
    ]) {
      const r = await verify(await framed(param));
      expect(
        r.issues.map((i) => i.code),
        param,
      ).toContain('CONTENT_TYPE_PARAM_DUPLICATE');
      expect(r.valid, param).toBe(false);
    }
  });

  it('is not reported for one boundary, plain or in RFC 2231 sections', async () => {
    for (const param of ['boundary="SIGB"', 'boundary*0="SI"; boundary*1="GB"']) {
      const r = await verify(await framed(param));
      expect(
        r.issues.map((i) => i.code),
        param,
      ).not.toContain('CONTENT_TYPE_PARAM_DUPLICATE');
      expect(r.valid, param).toBe(true);
    }
  });
});

describe('a line that starts like the signed boundary but is not a delimiter', () => {
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  // The genuine message with `extra` put into its preamble (or after its close delimiter).
  async function withLines(extra: string, where: 'preamble' | 'epilogue'): Promise<Uint8Array> {
    const s = await syntheticPec({ kind: 'avvenuta-consegna' });
    const text = latin1(reframe(s, 'SIGB'));
    const out =
      where === 'preamble'
        ? text.replace('This is an S/MIME signed message\r\n', `This is an S/MIME signed message\r\n${extra}`)
        : `${text}${extra}`;
    expect(out).not.toBe(text);
    return enc(out);
  }
  const fake = 'Content-Type: text/plain\r\n\r\nAVVISO DI MANCATA CONSEGNA\r\n';

  it('is reported in the preamble, where OpenSSL cuts the body and refuses the message', async () => {
    for (const line of ['--SIGB-x', '--SIGB junk', '--SIGBB']) {
      const bytes = await withLines(`${line}\r\n${fake}`, 'preamble');
      const r = await verify(bytes);
      const defect = r.issues.find((i) => i.code === 'MIME_DEFECT');
      expect(defect?.message, line).toContain('starts like the delimiter "--SIGB"');
      // The signed part is the same: the signature still holds, as for mail readers.
      expect(r.signature.intact, line).toBe(true);
      if (hasOpenssl) {
        const dir = mkdtempSync(join(tmpdir(), 'pec-near-'));
        try {
          writeFileSync(join(dir, 'm.eml'), bytes);
          const o = spawnSync(
            'openssl',
            ['smime', '-verify', '-noverify', '-in', join(dir, 'm.eml'), '-out', '/dev/null'],
            {
              encoding: 'utf8',
            },
          );
          expect(o.status, line).not.toBe(0);
          expect(o.stderr, line).toContain('no multipart body failure');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  });

  it('is not reported after the close delimiter, where OpenSSL stops reading', async () => {
    const r = await verify(await withLines(`--SIGB-x\r\n${fake}`, 'epilogue'));
    expect(r.issues.map((i) => i.code)).not.toContain('MIME_DEFECT');
    const plain = await verify((await syntheticPec({ kind: 'avvenuta-consegna' })).bytes);
    expect(plain.issues.map((i) => i.code)).not.toContain('MIME_DEFECT');
  });
});

describe("the original's From against the certified sender", () => {
  it('is reported when postacert.eml names another sender than the daticert mittente', async () => {
    const other = await syntheticPec({
      kind: 'avvenuta-consegna',
      daticert: { mittente: 'giudice@pec.tribunale.example.it' },
    });
    const r = await verify(other.bytes);
    const found = r.issues.find((i) => i.code === 'ORIGINAL_SENDER_MISMATCH');
    expect(found?.severity).toBe('warning');
    expect(found?.message).toContain('From: mario.rossi@pec.example.it');
    expect(found?.message).toContain('the daticert mittente is giudice@pec.tribunale.example.it');
    // The certified sender is the mittente, whatever the original's From says.
    expect(r.certified?.sender).toBe('giudice@pec.tribunale.example.it');
    const same = await verify((await syntheticPec({ kind: 'avvenuta-consegna' })).bytes);
    expect(same.issues.map((i) => i.code)).not.toContain('ORIGINAL_SENDER_MISMATCH');
  });

  it('is reported when its display name reads as another address, which clients show', async () => {
    const named = await syntheticPec({
      kind: 'avvenuta-consegna',
      originalFrom: '"giudice@pec.tribunale.example.it" <mario.rossi@pec.example.it>',
    });
    const r = await verify(named.bytes);
    expect(r.valid).toBe(true);
    expect(r.issues.map((i) => i.code)).toContain('ORIGINAL_SENDER_MISMATCH');
    const plainName = await syntheticPec({
      kind: 'avvenuta-consegna',
      originalFrom: '"Mario Rossi" <mario.rossi@pec.example.it>',
    });
    expect((await verify(plainName.bytes)).issues.map((i) => i.code)).not.toContain(
      'ORIGINAL_SENDER_MISMATCH',
    );
  });

  it('reads the display name as the address it shows, whatever its quotes, punctuation or encoding', async () => {
    const { nameAddress } = await import('../src/mime/address.js');
    const address = 'mario.rossi@pec.example.it';
    for (const same of [
      `"'${address}'" <${address}>`,
      `"Mario Rossi (${address})" <${address}>`,
      `"Mario Rossi [${address}]." <${address}>`,
      `"Rossi, Mario" <${address}>`,
      `Mario <${address}>`,
      `${address}`,
    ])
      expect(nameAddress(same) ?? address, same).toBe(address);
    for (const other of [
      `"giudice@tribunale.it" <${address}>`,
      `giudice@tribunale.it <${address}>`,
      `=?utf-8?Q?giudice=40tribunale.it?= <${address}>`,
      `=?utf-8?B?${Buffer.from('giudice@tribunale.it').toString('base64')}?= <${address}>`,
    ])
      expect(nameAddress(other), other).toBe('giudice@tribunale.it');
    // A long name without any address is read once, not once per position.
    expect(nameAddress(`"${'a'.repeat(250_000)}" <${address}>`)).toBeNull();
  });

  it('is refused at submission by the provider side (checkSubmission)', () => {
    const eml = (from: string) =>
      `${[`From: ${from}`, 'To: ufficio@pec.example.org', 'Subject: Diffida', 'Date: Tue, 14 Jan 2025 10:15:00 +0100', 'Message-ID: <c1@client.example.it>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=us-ascii', '', 'Testo.', ''].join('\r\n')}`;
    for (const bad of [
      '"giudice@pec.tribunale.example.it" <mario.rossi@pec.example.it>',
      '=?utf-8?Q?giudice=40tribunale.it?= <mario.rossi@pec.example.it>',
    ]) {
      const refused = checkSubmission(eml(bad), { domain: 'pec.example.it' });
      expect(refused.accepted, bad).toBe(false);
      expect(
        refused.reasons.map((x) => x.code),
        bad,
      ).toContain('FROM_INVALID');
    }
    for (const ok of [
      '"Mario Rossi" <mario.rossi@pec.example.it>',
      '"mario.rossi@pec.example.it" <mario.rossi@pec.example.it>',
      `"'mario.rossi@pec.example.it'" <mario.rossi@pec.example.it>`,
    ])
      expect(checkSubmission(eml(ok), { domain: 'pec.example.it' }).accepted, ok).toBe(true);
  });
});
