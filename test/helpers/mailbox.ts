// Hand-assembled ordinary mail for the mailbox tests: bounces and the like, CRLF throughout.
import { encodeBase64Lines } from '../../src/mime/base64.js';
import { enc, latin1 } from './synthetic.js';

export const b64 = (b: Uint8Array): string => latin1(encodeBase64Lines(b));
export const crlf = (lines: string[]): Uint8Array => enc(lines.join('\r\n'));

/** An RFC 3464 bounce of a PEC envelope sent to an ordinary address. */
export function bounce(opts: {
  messageId: string;
  recipient: string;
  reportType?: boolean;
  xRiferimento?: string;
}): Uint8Array {
  return crlf([
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.com>',
    'To: mario.rossi@pec.example.it',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Tue, 14 Jan 2025 10:17:00 +0100',
    'Message-ID: <bounce-1@mx.example.com>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report;${opts.reportType === false ? '' : ' report-type=delivery-status;'} boundary="rep"`,
    '',
    '--rep',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    "I'm sorry to have to inform you that your message could not be delivered.",
    '--rep',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    'Arrival-Date: Tue, 14 Jan 2025 10:16:58 +0100',
    '',
    `Final-Recipient: rfc822; ${opts.recipient}`,
    `Original-Recipient: rfc822;${opts.recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Remote-MTA: dns; mx2.example.com',
    'Diagnostic-Code: smtp; 550 5.1.1 <nessuno@example.com>: Recipient address',
    '    rejected: User unknown',
    '',
    '--rep',
    'Content-Type: text/rfc822-headers',
    '',
    'From: "Per conto di: mario.rossi@pec.example.it" <posta-certificata@pec.example.it>',
    `To: ${opts.recipient}`,
    'Subject: =?utf-8?q?POSTA_CERTIFICATA=3A_Fattura_perch=C3=A9?=',
    `Message-ID: ${opts.messageId}`,
    `X-Riferimento-Message-ID: ${opts.xRiferimento ?? '<client-1@mail.example.it>'}`,
    'X-Trasporto: posta-certificata',
    '',
    '--rep--',
    '',
  ]);
}
