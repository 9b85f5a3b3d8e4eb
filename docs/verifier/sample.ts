// The sample PEC transaction of the web verifier's "build a sample transaction" button, also used by
// the tests (browser conformance, web verifier, CLI) to make corpus-like signed messages with a test
// PKI: the original message as a client submits it, then, with the public builders, the transport
// envelope, the acceptance receipt and a breve delivery receipt. It runs unchanged in Node and in
// the page against the public bundle.
import {
  buildEnvelope,
  buildReceipt,
  checkSubmission,
  type PecProvider,
  transactionFromEnvelope,
} from 'pec-kit';

/** Options of {@link buildSampleTransaction}. */
export interface SampleOptions {
  /** The sender's provider (envelope and acceptance). */
  sender: PecProvider;
  /** The recipient's provider (delivery receipt). Default: the sender's. */
  recipient?: PecProvider;
  /** Acceptance instant; the receipt follows 7 s later. Default now (whole seconds). */
  at?: Date;
  /** The identificativo the sender's provider assigns. Default: a new one. */
  identificativo?: string;
  crypto?: Crypto;
}

/** The messages of one sample transaction. */
export interface SampleTransaction {
  /** What the sender's client submitted (keep it to check breve hashes). */
  original: Uint8Array;
  /** The busta di trasporto, as the recipient receives it. */
  envelope: Uint8Array;
  /** The ricevuta di accettazione. */
  accettazione: Uint8Array;
  /** A breve ricevuta di avvenuta consegna (attachments replaced by `.hash` files). */
  consegna: Uint8Array;
  identificativo: string;
  /** The e-mail addresses of the two users. */
  from: string;
  to: string;
}

const CRLF = '\r\n';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const base64 = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/.{1,76}/g, `$&${CRLF}`);
};

/** Header lines + blank line + body, CRLF. */
const entity = (headers: readonly string[], body: string): string =>
  `${headers.join(CRLF)}${CRLF}${CRLF}${body}`;

function multipart(boundary: string, parts: readonly string[]): string {
  return `${parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('')}--${boundary}--${CRLF}`;
}

/** A small fake PDF: enough bytes for an attachment to download and hash. */
function fakePdf(): Uint8Array {
  return utf8(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
      '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% pec-kit sample invoice\n%%EOF\n',
  );
}

/**
 * Builds a sample PEC transaction: mario.rossi@<sender domain> sends an invoice with a PDF
 * attachment to ufficio.protocollo@<recipient domain>, asking for a breve receipt.
 */
export async function buildSampleTransaction(options: SampleOptions): Promise<SampleTransaction> {
  const { sender } = options;
  const recipient = options.recipient ?? sender;
  const at = new Date(Math.floor((options.at ?? new Date()).getTime() / 1000) * 1000);
  const from = `mario.rossi@${sender.domain}`;
  const to = `ufficio.protocollo@${recipient.domain}`;
  const crypto = options.crypto ? { crypto: options.crypto } : {};
  const original = utf8(
    entity(
      [
        `From: Mario Rossi <${from}>`,
        `To: Ufficio Protocollo <${to}>`,
        'Subject: Fattura n. 42/2025',
        `Date: ${at.toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <sample-${at.getTime().toString(36)}@client.example.it>`,
        'X-TipoRicevuta: breve',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="orig-mixed"',
      ],
      multipart('orig-mixed', [
        entity(
          ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'],
          `Gentile ufficio,${CRLF}in allegato la fattura n. 42/2025.${CRLF}Cordiali saluti,${CRLF}Mario Rossi${CRLF}`,
        ),
        entity(
          [
            'Content-Type: application/pdf; name="fattura-42.pdf"',
            'Content-Disposition: attachment; filename="fattura-42.pdf"',
            'Content-Transfer-Encoding: base64',
          ],
          base64(fakePdf()),
        ),
      ]),
    ),
  );
  // The sender's provider (access point): formal checks, envelope, acceptance.
  const { transaction } = checkSubmission(original, {
    domain: sender.domain,
    at,
    strict: true,
    ...(options.identificativo ? { identificativo: options.identificativo } : {}),
  });
  const envelope = await buildEnvelope({ transaction, provider: sender, ...crypto });
  const accettazione = await buildReceipt({ kind: 'accettazione', transaction, provider: sender, ...crypto });
  // The recipient's provider reads the transaction back from the envelope it received.
  const consegna = await buildReceipt({
    kind: 'avvenuta-consegna',
    transaction: transactionFromEnvelope(envelope.bytes),
    recipient: to,
    provider: recipient,
    at: new Date(at.getTime() + 7000),
    ...crypto,
  });
  return {
    original,
    envelope: envelope.bytes,
    accettazione: accettazione.bytes,
    consegna: consegna.bytes,
    identificativo: transaction.identificativo,
    from,
    to,
  };
}
