// Shared fixtures of the builder tests: the test PKI providers (fixtures/pki) and sample originals.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importSigner, type Signer } from '../../src/cms/signer.js';
import { type BuiltPec, buildAnomaly, buildEnvelope, buildReceipt } from '../../src/provider/build.js';
import { checkSubmission, type SubmissionOptions } from '../../src/provider/checks.js';
import type { PecProvider } from '../../src/provider/sign.js';
import type { PecTransaction } from '../../src/provider/transaction.js';

export const PKI_DIR = resolve(import.meta.dirname, '../../fixtures/pki');
export const pki = (file: string): string => readFileSync(join(PKI_DIR, file), 'utf8');
/** root + PEC CA, the -CAfile of the OpenSSL checks. */
export const CA_BUNDLE = `${pki('root.cert.pem')}${pki('pec-ca.cert.pem')}`;
export const ROOT = pki('root.cert.pem');

const signers = new Map<string, Promise<Signer>>();

/** A Signer for one of the fixture leaves (provider, provider2, …), imported once. */
export function fixtureSigner(stem: string): Promise<Signer> {
  let s = signers.get(stem);
  if (!s) {
    s = importSigner({
      certificate: pki(`${stem}.cert.pem`),
      privateKey: pki(`${stem}.key.pem`),
      chain: pki('pec-ca.cert.pem'),
    });
    signers.set(stem, s);
  }
  return s;
}

/** Provider A (sender side): posta-certificata@pec.example.it. */
export async function providerA(): Promise<PecProvider> {
  return { domain: 'pec.example.it', name: 'Example PEC S.p.A.', signer: await fixtureSigner('provider') };
}

/** Provider B (recipient side): posta-certificata@postacert.example.org. */
export async function providerB(): Promise<PecProvider> {
  return {
    domain: 'postacert.example.org',
    name: 'Postacert Example S.r.l.',
    signer: await fixtureSigner('provider2'),
  };
}

/** Builds an original message (LF line breaks, as files on disk usually have them). */
export function original(
  opts: { headers?: string[]; tipo?: string | null; messageId?: string | null; subject?: string | null } = {},
): string {
  const h = opts.headers ?? [
    'From: Mario Rossi <mario.rossi@pec.example.it>',
    'To: Ufficio Protocollo <protocollo@postacert.example.org>, tributi@postacert.example.org',
    'Cc: archivio@pec.example.it',
  ];
  const lines = [
    'Received: from client.example.it (client.example.it [192.0.2.10])',
    '\tby smtps.pec.example.it with ESMTPSA id 4Xyz; Tue, 14 Jan 2025 10:15:00 +0100',
    ...h,
    ...(opts.subject === null
      ? []
      : [`Subject: ${opts.subject ?? '=?UTF-8?Q?Fattura_n._12/2025_=E2=80=93_cos=C3=AC?='}`]),
    'Date: Tue, 14 Jan 2025 10:15:00 +0100',
    ...(opts.messageId === null
      ? []
      : [`Message-ID: ${opts.messageId ?? '<20250114101500.4f2a9c@client.example.it>'}`]),
    ...(opts.tipo ? [`X-TipoRicevuta: ${opts.tipo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="=_b_1"',
    '',
    '--=_b_1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'In allegato la fattura, cos=C3=AC come concordato.',
    '',
    '--=_b_1',
    'Content-Type: application/pdf; name="fattura 12.pdf"',
    'Content-Disposition: attachment; filename="fattura 12.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQKMSAwIG9iaiA8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4gZW5kb2Jq',
    'CjIgMCBvYmogPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFtdIC9Db3VudCAwID4+IGVuZG9iagp0cmFp',
    'bGVyIDw8IC9Sb290IDEgMCBSID4+CiUlRU9GCg==',
    '--=_b_1',
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="inoltrato.eml"',
    '',
    'From: a@example.com',
    'To: b@example.com',
    'Subject: inoltrato',
    '',
    'testo inoltrato',
    '--=_b_1--',
    '',
  ];
  return lines.join('\n');
}

/** Instants on either side of the DST switch, for readable tests. */
export const WINTER = new Date('2025-01-14T09:15:00Z');
export const SUMMER = new Date('2025-07-14T08:15:00Z');

/** A transaction accepted at `at` by provider A. */
export function transaction(
  opts: {
    tipo?: string | null;
    at?: Date;
    messageId?: string | null;
    check?: Partial<SubmissionOptions>;
  } = {},
): PecTransaction {
  const check = checkSubmission(original({ tipo: opts.tipo ?? null, messageId: opts.messageId }), {
    domain: 'pec.example.it',
    at: opts.at ?? WINTER,
    pecDomains: ['pec.example.it', 'postacert.example.org'],
    strict: true,
    ...opts.check,
  });
  return check.transaction;
}

/** One of every kind and form, built from one transaction (for the OpenSSL and DTD checks). */
export async function buildCatalogue(
  options: { providerCompat?: boolean; digest?: 'sha1' | 'sha256' } = {},
): Promise<{ label: string; built: BuiltPec }[]> {
  const a = await providerA();
  const b = await providerB();
  const tx = transaction({ tipo: 'breve' });
  const plain = transaction();
  const to = 'protocollo@postacert.example.org';
  const cc = 'archivio@pec.example.it';
  const refused = checkSubmission(
    original({ headers: ['From: mario.rossi@pec.example.it', `To: ${to}`, 'Bcc: x@pec.example.it'] }),
    { domain: 'pec.example.it', at: WINTER },
  );
  const o = { ...options };
  const list: [string, Promise<BuiltPec>][] = [
    ['posta-certificata', buildEnvelope({ transaction: tx, provider: a, ...o })],
    ['accettazione', buildReceipt({ kind: 'accettazione', transaction: tx, provider: a, ...o })],
    [
      'non-accettazione',
      buildReceipt({
        kind: 'non-accettazione',
        transaction: refused.transaction,
        reasons: refused.reasons,
        provider: a,
        ...o,
      }),
    ],
    [
      'non-accettazione-virus',
      buildReceipt({ kind: 'non-accettazione', errore: 'virus', transaction: plain, provider: a, ...o }),
    ],
    [
      'presa-in-carico',
      buildReceipt({ kind: 'presa-in-carico', transaction: tx, provider: b, at: SUMMER, ...o }),
    ],
    [
      'avvenuta-consegna-completa',
      buildReceipt({ kind: 'avvenuta-consegna', transaction: plain, recipient: to, provider: b, ...o }),
    ],
    [
      'avvenuta-consegna-breve',
      buildReceipt({ kind: 'avvenuta-consegna', transaction: tx, recipient: to, provider: b, ...o }),
    ],
    [
      'avvenuta-consegna-sintetica',
      buildReceipt({ kind: 'avvenuta-consegna', transaction: tx, recipient: cc, provider: a, ...o }),
    ],
    [
      'errore-consegna-no-dest',
      buildReceipt({ kind: 'errore-consegna', transaction: tx, recipient: to, provider: b, ...o }),
    ],
    [
      'errore-consegna-no-dominio',
      buildReceipt({
        kind: 'errore-consegna',
        errore: 'no-dominio',
        transaction: tx,
        recipient: to,
        provider: a,
        ...o,
      }),
    ],
    [
      'errore-consegna-altro',
      buildReceipt({
        kind: 'errore-consegna',
        errore: 'altro',
        transaction: tx,
        recipient: to,
        provider: b,
        ...o,
      }),
    ],
    [
      'errore-consegna-virus',
      buildReceipt({
        kind: 'errore-consegna',
        errore: 'virus',
        transaction: tx,
        recipient: to,
        provider: a,
        ...o,
      }),
    ],
    [
      'preavviso-12h',
      buildReceipt({
        kind: 'preavviso-errore-consegna',
        timeout: '12h',
        transaction: tx,
        recipient: to,
        provider: a,
        at: new Date(tx.at.getTime() + 12 * 3_600_000),
        ...o,
      }),
    ],
    [
      'preavviso-24h',
      buildReceipt({
        kind: 'preavviso-errore-consegna',
        timeout: '24h',
        transaction: tx,
        recipient: to,
        provider: a,
        at: new Date(tx.at.getTime() + 24 * 3_600_000),
        ...o,
      }),
    ],
    [
      'rilevazione-virus',
      buildReceipt({ kind: 'rilevazione-virus', transaction: tx, recipient: to, provider: b, ...o }),
    ],
    ['errore', buildAnomaly({ received: original(), provider: b, ...o })],
  ];
  return Promise.all(list.map(async ([label, p]) => ({ label, built: await p })));
}
