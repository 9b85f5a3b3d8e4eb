// PEM armour (RFC 7468): the one place that turns text blocks into DER and back.
import { ascii, type Bytes, latin1, toBytes } from './bytes.js';
import { PecError } from './errors.js';
import { decodeBase64, encodeBase64 } from './mime/base64.js';

/** One `-----BEGIN X-----` block. */
export interface PemBlock {
  label: string;
  der: Bytes;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** All PEM blocks in a text; an empty list when there are none. Bad base64 → BASE64_INVALID. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  BLOCK.lastIndex = 0;
  for (let m = BLOCK.exec(text); m; m = BLOCK.exec(text)) {
    out.push({ label: m[1]!, der: decodeBase64(ascii(m[2]!.replace(/^[A-Za-z-]+:.*$/gm, ''))) });
  }
  return out;
}

/**
 * DER blocks from PEM text, PEM bytes or raw DER bytes, keeping only the given labels.
 * Raw DER (first byte 0x30, a SEQUENCE) is returned as one block.
 */
export function derBlocks(
  input: string | Uint8Array | ArrayBuffer,
  labels: readonly string[],
  what: string,
): Bytes[] {
  const bytes = typeof input === 'string' ? null : toBytes(input, what);
  if (bytes && bytes[0] === 0x30) return [bytes];
  const text = typeof input === 'string' ? input : latin1(bytes!);
  const blocks = pemBlocks(text).filter((b) => labels.includes(b.label));
  if (blocks.length === 0)
    throw new PecError('CERT_MALFORMED', `${what}: no ${labels.join(' or ')} PEM block and not DER`);
  return blocks.map((b) => b.der);
}

/** Wraps DER in PEM armour with 64-column lines. */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = encodeBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
