// Bad builder input gives a coded PecError (or a TypeError for wrong types) before anything is
// signed: the signer's key is never asked for.
import { describe, expect, it, vi } from 'vitest';
import { importSigner, type Signer } from '../src/cms/signer.js';
import { isPecError } from '../src/errors.js';
import { buildAnomaly, buildEnvelope, buildReceipt, type ReceiptInput } from '../src/provider/build.js';
import { checkSubmission } from '../src/provider/checks.js';
import type { PecProvider } from '../src/provider/sign.js';
import type { PecTransaction } from '../src/provider/transaction.js';
import { fixtureSigner, original, pki, transaction, WINTER } from './helpers/build.js';

async function spied(): Promise<{ provider: PecProvider; keyFor: ReturnType<typeof vi.fn> }> {
  const signer = await fixtureSigner('provider');
  const keyFor = vi.fn(signer.keyFor);
  const spy: Signer = { ...signer, keyFor };
  return { provider: { domain: 'pec.example.it', name: 'Example PEC S.p.A.', signer: spy }, keyFor };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isPecError(e)) return `${e instanceof TypeError ? 'TypeError ' : ''}${(e as { code: string }).code}`;
    return `other: ${(e as Error).message}`;
  }
  return 'no error';
}

const TO = 'protocollo@postacert.example.org';

type Case = [string, (tx: PecTransaction, provider: PecProvider) => Promise<unknown>, string];

const CASES: Case[] = [
  [
    'missing sender',
    (tx, provider) => buildEnvelope({ transaction: { ...tx, sender: '' }, provider }),
    'BUILD_INVALID',
  ],
  [
    'invalid sender',
    (tx, provider) =>
      buildReceipt({ kind: 'accettazione', transaction: { ...tx, sender: 'mario rossi' }, provider }),
    'BUILD_INVALID',
  ],
  [
    'invalid recipient in the transaction',
    (tx, provider) =>
      buildEnvelope({
        transaction: { ...tx, recipients: [{ address: 'a@@b', tipo: 'certificato', field: 'to' }] },
        provider,
      }),
    'BUILD_INVALID',
  ],
  [
    'no recipients',
    (tx, provider) => buildEnvelope({ transaction: { ...tx, recipients: [] }, provider }),
    'BUILD_INVALID',
  ],
  [
    'receipt recipient not an address',
    (tx, provider) =>
      buildReceipt({ kind: 'avvenuta-consegna', transaction: tx, recipient: 'not-an-address', provider }),
    'BUILD_INVALID',
  ],
  [
    'receipt recipient not in the transaction',
    (tx, provider) =>
      buildReceipt({
        kind: 'avvenuta-consegna',
        transaction: tx,
        recipient: 'someone@else.example',
        provider,
      }),
    'BUILD_INVALID',
  ],
  [
    'CR/LF in the subject',
    (tx, provider) =>
      buildEnvelope({ transaction: { ...tx, subject: 'Ciao\r\nBcc: spia@example.com' }, provider }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in the msgid',
    (tx, provider) =>
      buildReceipt({ kind: 'accettazione', transaction: { ...tx, msgid: '<a@b>\r\nX-Evil: 1' }, provider }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in the identificativo',
    (tx, provider) => buildEnvelope({ transaction: { ...tx, identificativo: 'a@b\nX: y' }, provider }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in the sender',
    (tx, provider) => buildEnvelope({ transaction: { ...tx, sender: 'a@b.it\r\nBcc: c@d.it' }, provider }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in the provider name',
    (tx, provider) =>
      buildReceipt({
        kind: 'accettazione',
        transaction: tx,
        provider: { ...provider, name: 'GESTORE\r\nX-Evil: 1' },
      }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in errore-esteso',
    (tx, provider) =>
      buildReceipt({
        kind: 'errore-consegna',
        transaction: tx,
        recipient: TO,
        erroreEsteso: '5.1.1\nX',
        provider,
      }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in the addressee',
    (tx, provider) =>
      buildReceipt({ kind: 'presa-in-carico', transaction: tx, to: 'a@b.it\r\nBcc: c@d.it', provider }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'CR/LF in the receipt Message-ID',
    (tx, provider) =>
      buildReceipt({ kind: 'accettazione', transaction: tx, messageId: '<a@b\r\nX: y>', provider }),
    'MIME_HEADER_INJECTION',
  ],
  [
    'a Bcc in the original',
    async (_tx, provider) => {
      const bcc = checkSubmission(
        original({ headers: ['From: mario.rossi@pec.example.it', `To: ${TO}`, 'Bcc: spia@pec.example.it'] }),
        { domain: 'pec.example.it', at: WINTER },
      );
      return buildEnvelope({ transaction: bcc.transaction, provider });
    },
    'BUILD_INVALID',
  ],
  [
    'signer e-mail is not posta-certificata@domain',
    (tx, provider) =>
      buildEnvelope({ transaction: tx, provider: { ...provider, domain: 'postacert.example.org' } }),
    'BUILD_INVALID',
  ],
  [
    'invalid provider domain',
    (tx, provider) => buildEnvelope({ transaction: tx, provider: { ...provider, domain: 'pec example it' } }),
    'BUILD_INVALID',
  ],
  [
    'empty provider name',
    (tx, provider) => buildEnvelope({ transaction: tx, provider: { ...provider, name: ' ' } }),
    'BUILD_INVALID',
  ],
  [
    'errore that does not fit the kind',
    (tx, provider) => buildReceipt({ kind: 'accettazione', errore: 'no-dest', transaction: tx, provider }),
    'BUILD_INVALID',
  ],
  [
    'consegna on an accettazione',
    (tx, provider) => buildReceipt({ kind: 'accettazione', recipient: TO, transaction: tx, provider }),
    'BUILD_INVALID',
  ],
  [
    'avvenuta-consegna without recipient',
    (tx, provider) => buildReceipt({ kind: 'avvenuta-consegna', transaction: tx, provider }),
    'BUILD_INVALID',
  ],
  [
    'ricezione on an errore-consegna',
    (tx, provider) =>
      buildReceipt({ kind: 'errore-consegna', recipient: TO, ricezione: [TO], transaction: tx, provider }),
    'BUILD_INVALID',
  ],
  [
    'timeout on an errore-consegna',
    (tx, provider) =>
      buildReceipt({ kind: 'errore-consegna', recipient: TO, timeout: '12h', transaction: tx, provider }),
    'BUILD_INVALID',
  ],
  [
    'deliveryForm on an errore-consegna',
    (tx, provider) =>
      buildReceipt({
        kind: 'errore-consegna',
        recipient: TO,
        deliveryForm: 'breve',
        transaction: tx,
        provider,
      }),
    'BUILD_INVALID',
  ],
  [
    'errore-esteso on an accettazione',
    (tx, provider) => buildReceipt({ kind: 'accettazione', erroreEsteso: 'x', transaction: tx, provider }),
    'BUILD_INVALID',
  ],
  [
    'untrimmed errore-esteso (not representable in daticert)',
    (tx, provider) =>
      buildReceipt({
        kind: 'errore-consegna',
        recipient: TO,
        erroreEsteso: ' 5.1.1 ',
        transaction: tx,
        provider,
      }),
    'DATICERT_INVALID',
  ],
  [
    'anomaly without any sender',
    (_tx, provider) => buildAnomaly({ received: 'Subject: x\r\n\r\nbody', provider }),
    'BUILD_INVALID',
  ],
  // Wrong types: coded TypeErrors.
  ['input not an object', () => buildReceipt(null as never), 'TypeError INVALID_ARGUMENT'],
  [
    'unknown kind',
    (tx, provider) => buildReceipt({ kind: 'consegna' as never, transaction: tx, provider }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'envelope kind through buildReceipt',
    (tx, provider) => buildReceipt({ kind: 'posta-certificata' as never, transaction: tx, provider }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'transaction not an object',
    (_tx, provider) => buildEnvelope({ transaction: 'tx' as never, provider }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'recipients not an array',
    (tx, provider) => buildEnvelope({ transaction: { ...tx, recipients: 'a@b' as never }, provider }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'postacert not bytes',
    (tx, provider) => buildEnvelope({ transaction: { ...tx, postacert: 'x' as never }, provider }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'invalid at',
    (tx, provider) => buildEnvelope({ transaction: tx, provider, at: new Date('x') }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'unknown digest',
    (tx, provider) => buildEnvelope({ transaction: tx, provider, digest: 'md5' as never }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'html not a boolean',
    (tx, provider) => buildEnvelope({ transaction: tx, provider, html: 'yes' as never }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'unknown errore',
    (tx, provider) =>
      buildReceipt({
        kind: 'errore-consegna',
        errore: 'boom' as never,
        recipient: TO,
        transaction: tx,
        provider,
      }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'provider without a signer',
    (tx, provider) => buildEnvelope({ transaction: tx, provider: { ...provider, signer: {} as never } }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'unknown breveHashInput',
    (tx, provider) =>
      buildReceipt({
        kind: 'avvenuta-consegna',
        recipient: TO,
        transaction: { ...tx, requestedForm: 'breve' },
        breveHashInput: 'raw' as never,
        provider,
      }),
    'TypeError INVALID_ARGUMENT',
  ],
  [
    'messageId without brackets',
    (tx, provider) => buildReceipt({ kind: 'accettazione', messageId: 'a@b', transaction: tx, provider }),
    'TypeError INVALID_ARGUMENT',
  ],
];

describe('bad builder input: coded errors before anything is signed', () => {
  it.each(CASES)('%s', async (_name, run, expected) => {
    const { provider, keyFor } = await spied();
    expect(await codeOf(run(transaction(), provider))).toBe(expected);
    expect(keyFor).not.toHaveBeenCalled();
  });

  it('the same input, corrected, signs (the spy is live)', async () => {
    const { provider, keyFor } = await spied();
    await buildReceipt({ kind: 'accettazione', transaction: transaction(), provider } satisfies ReceiptInput);
    expect(keyFor).toHaveBeenCalled();
  });

  it('a key that does not match the certificate is refused by importSigner (KEY_MISMATCH)', async () => {
    const p = importSigner({ certificate: pki('provider.cert.pem'), privateKey: pki('provider2.key.pem') });
    expect(await codeOf(p)).toBe('KEY_MISMATCH');
  });
});
