// PEM armour (RFC 7468): the one place that turns text blocks into DER.
import { type Bytes, latin1, toBytes } from './bytes.js';
import { PecError } from './errors.js';
import { decodeBase64, encodeBase64 } from './mime/base64.js';

function malformed(what: string, detail: string, cause?: unknown): PecError {
  return new PecError('CERT_MALFORMED', `${what}: ${detail}`, undefined, { cause });
}

/**
 * Splits input into DER blobs: every PEM block with an accepted label, or the input itself when it is DER. */
export function pemDer(input: unknown, labels: ReadonlySet<string>, what: string): Bytes[] {
  const bytes = toBytes(input, what);
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d || bytes[i] === 0x0a)
  )
    i++;
  if (bytes[i] === 0x30) return [bytes.subarray(i) as Bytes];
  const text = latin1(bytes);
  if (!text.includes('-----BEGIN ')) throw malformed(what, 'neither DER (SEQUENCE) nor PEM text');
  const out: Bytes[] = [];
  // A plain scan rather than one regular expression: linear even on hostile text.
  for (let at = text.indexOf('-----BEGIN '); at !== -1; at = text.indexOf('-----BEGIN ', at)) {
    const labelEnd = text.indexOf('-----', at + 11);
    if (labelEnd === -1) break;
    const label = text.slice(at + 11, labelEnd);
    const end = text.indexOf(`-----END ${label}-----`, labelEnd + 5);
    if (end === -1) throw malformed(what, `PEM block "${label.slice(0, 40)}" has no END line`);
    const body = text.slice(labelEnd + 5, end);
    at = end + label.length + 14;
    if (!labels.has(label)) continue;
    // PEM may carry RFC 1421 headers ("Proc-Type: ...") before a blank line; certificates never do.
    if (body.includes(':'))
      throw malformed(what, `PEM block "${label}" has headers (encrypted or not a plain ${what})`);
    try {
      out.push(decodeBase64(toBytes(body)));
    } catch (e) {
      throw malformed(what, `PEM block "${label}" is not valid base64`, e);
    }
  }
  if (out.length === 0) throw malformed(what, `no PEM block labelled ${[...labels].join(' or ')}`);
  return out;
}

/** Wraps DER in PEM armour: 64-column lines, LF line ends. */
export function pemArmor(label: string, der: Uint8Array): string {
  const b64 = encodeBase64(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
