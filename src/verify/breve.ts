// Breve receipts (RFC 6109 §3.3.2.2): each named part of the original is replaced by `<name>.hash`
// holding a SHA-1 in hex. The rule is ambiguous about the hashed bytes (decoded content, or the
// transfer-encoded text as sent), so every reading is tried and the one that matched is reported.
import { type BytesInput, describe, toBytes, toCRLF } from '../bytes.js';
import { resolveCrypto } from '../crypto.js';
import { invalidArgument } from '../errors.js';
import { type Limits, resolveLimits } from '../limits.js';
import type { MimeEntity } from '../mime/read.js';
import { readMimeWith, walk } from '../mime/read.js';
import { decodeTransfer } from '../mime/transfer.js';
import { checkOptions, optionKeys } from '../options.js';
import { sha1Hex } from '../reading/original.js';
import { type PecMessage, parsePec } from '../reading/parse.js';

const BREVE_KEYS = optionKeys<BreveOptions>({ crypto: true, limits: true });

/**
 * Which bytes a matching hash was computed over.
 *
 * @example
 * ```ts
 * const r = await verifyBreveHashes(receiptBytes, sentMessageBytes);
 * const readings: (HashReading | null)[] = r.entries.map((e) => e.reading); // e.g. ['decoded']
 * ```
 * @category Verifying
 */
export type HashReading =
  | 'decoded'
  | 'encoded'
  | 'encoded-crlf'
  | 'encoded-lf'
  | 'encoded-no-final-eol'
  | 'entity';

/**
 * The verdict on one attachment.
 *
 * @example
 * ```ts
 * const { entries } = await verifyBreveHashes(receiptBytes, sentMessageBytes);
 * const differing: BreveEntry[] = entries.filter((e) => e.status === 'differ');
 * ```
 * @category Verifying
 */
export interface BreveEntry {
  /** The attachment's file name. */
  filename: string;
  /** match: a reading of the original's part gives the receipt's hash; differ: none does;
   * missing: the original has no part of that name; not-in-receipt: the original has a named part
   * the receipt does not hash; unreadable: the `.hash` file does not hold a SHA-1 in hex. */
  status: 'match' | 'differ' | 'missing' | 'not-in-receipt' | 'unreadable';
  /** Which bytes matched (for `match`). */
  reading: HashReading | null;
  /** The hash the receipt carries. */
  expected: string | null;
  /** The SHA-1 of the decoded content of the original's part. */
  actual: string | null;
}

/**
 * The result of {@link verifyBreveHashes}.
 *
 * @example
 * ```ts
 * const report: BreveReport = await verifyBreveHashes(receiptBytes, sentMessageBytes);
 * if (!report.ok) console.log(report.entries.filter((e) => e.status !== 'match'));
 * ```
 * @category Verifying
 */
export interface BreveReport {
  /** True when every hash of the receipt matches and no named part of the original is left out. */
  ok: boolean;
  entries: BreveEntry[];
}

/**
 * Options of {@link verifyBreveHashes}.
 *
 * @example
 * ```ts
 * const options: BreveOptions = { limits: { maxMessageBytes: 100 * 1024 * 1024 } };
 * ```
 * @category Verifying
 */
export interface BreveOptions {
  crypto?: Crypto;
  limits?: Partial<Limits>;
}

function namedParts(root: MimeEntity): Map<string, MimeEntity> {
  const out = new Map<string, MimeEntity>();
  for (const part of walk(root, false)) {
    if (part === root || part.contentType.type === 'multipart' || !part.filename) continue;
    if (!out.has(part.filename)) out.set(part.filename, part);
  }
  return out;
}

function stripFinalEol(b: Uint8Array): Uint8Array {
  let end = b.length;
  if (b[end - 1] === 0x0a) end--;
  if (b[end - 1] === 0x0d) end--;
  return b.subarray(0, end);
}

function toLF(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  let o = 0;
  for (let i = 0; i < b.length; i++) if (!(b[i] === 0x0d && b[i + 1] === 0x0a)) out[o++] = b[i]!;
  return out.subarray(0, o);
}

/** Every candidate byte string for a part, most likely first. */
function readings(part: MimeEntity, limits: Limits): [HashReading, Uint8Array][] {
  const out: [HashReading, Uint8Array][] = [];
  try {
    out.push(['decoded', decodeTransfer(part.body, part.transferEncoding, limits)]);
  } catch {
    // A broken encoding leaves only the encoded readings.
  }
  const body = part.body;
  out.push(
    ['encoded', body],
    ['encoded-crlf', toCRLF(body)],
    ['encoded-lf', toLF(body)],
    ['encoded-no-final-eol', stripFinalEol(body)],
  );
  // A message/rfc822 attachment is hashed "as a whole": also try the entity with its headers.
  if (part.contentType.value === 'message/rfc822') out.push(['entity', part.raw]);
  return out;
}

/**
 * Recomputes the `.hash` entries of a breve delivery receipt from the sender's original message
 * (as the sender's client submitted it, which the sender must keep) and reports each attachment
 * as matching, differing or missing, with the reading of the hash input that matched.
 *
 * @example
 * ```ts
 * const report = await verifyBreveHashes(receiptBytes, sentMessageBytes);
 * for (const e of report.entries) console.log(e.filename, e.status, e.reading);
 * ```
 * @category Verifying
 */
export async function verifyBreveHashes(
  receipt: BytesInput | PecMessage,
  original: BytesInput,
  options: BreveOptions = {},
): Promise<BreveReport> {
  checkOptions(options, 'verifyBreveHashes options', BREVE_KEYS);
  const limits = resolveLimits(options.limits);
  const crypto = resolveCrypto(options.crypto);
  const pec =
    typeof receipt === 'object' && receipt !== null && 'kind' in receipt
      ? receipt
      : parsePec(receipt as BytesInput, { limits });
  if (pec.kind !== 'avvenuta-consegna')
    throw invalidArgument(`verifyBreveHashes expects an avvenuta-consegna receipt, got ${pec.kind}`);
  if (!pec.original)
    throw invalidArgument('the receipt carries no postacert.eml (a sintetica receipt has no hashes)');
  if (original === null || original === undefined)
    throw invalidArgument(`original must be the sent message bytes, got ${describe(original)}`);
  const parts = namedParts(readMimeWith(toBytes(original, 'original'), limits));
  const entries: BreveEntry[] = [];
  const seen = new Set<string>();
  for (const h of pec.hashes) {
    seen.add(h.filename);
    const part = parts.get(h.filename);
    if (!h.sha1) {
      entries.push({
        filename: h.filename,
        status: 'unreadable',
        reading: null,
        expected: null,
        actual: null,
      });
      continue;
    }
    if (!part) {
      entries.push({
        filename: h.filename,
        status: 'missing',
        reading: null,
        expected: h.sha1,
        actual: null,
      });
      continue;
    }
    let reading: HashReading | null = null;
    let actual: string | null = null;
    for (const [name, bytes] of readings(part, limits)) {
      const digest = await sha1Hex(crypto, bytes);
      if (name === 'decoded') actual = digest;
      if (digest === h.sha1) {
        reading = name;
        break;
      }
    }
    entries.push({
      filename: h.filename,
      status: reading ? 'match' : 'differ',
      reading,
      expected: h.sha1,
      actual,
    });
  }
  for (const [name, part] of parts) {
    if (seen.has(name) || name.toLowerCase().endsWith('.hash')) continue;
    let actual: string | null = null;
    try {
      actual = await sha1Hex(crypto, decodeTransfer(part.body, part.transferEncoding, limits));
    } catch {
      actual = null;
    }
    entries.push({ filename: name, status: 'not-in-receipt', reading: null, expected: null, actual });
  }
  return { ok: entries.every((e) => e.status === 'match'), entries };
}
