// The original of a ricevuta breve (RFC 6109 §3.3.2.2, spec §6): every MIME part with a name or
// filename, and every message/rfc822 part as a whole, is replaced by a text/plain `<name>.hash`
// holding the SHA-1 of the part in 40 hex digits. Everything else is kept byte for byte.
import { type Bytes, concat } from '../bytes.js';
import type { Limits } from '../limits.js';
import { type MimeEntity, readMimeWith } from '../mime/read.js';
import { decodeTransfer } from '../mime/transfer.js';
import { writeEntity } from '../mime/write.js';
import { type BreveHash, sha1Hex } from '../reading/original.js';

/**
 * Which bytes of a part the breve SHA-1 covers. The RFC says "the entire content of the part" and
 * also that it "should be calculated on base64 encoded parts"; no real breve receipt was available
 * to settle it.
 * - `decoded` (default): the part's content after undoing its Content-Transfer-Encoding, i.e. the
 *   attachment file itself (for message/rfc822: the embedded message bytes). A sender can check it
 *   against the file it attached, whatever line length the transport used.
 * - `encoded`: the part's body exactly as it stands in postacert.eml (still base64/QP, CRLF line
 *   breaks, without the CRLF that belongs to the next boundary).
 *
 * @example
 * ```ts
 * const breveHashInput: BreveHashInput = 'encoded'; // hash the base64 text as sent, not the decoded bytes
 * const receipt = await buildReceipt({ kind: 'avvenuta-consegna', transaction, recipient: 'ufficio@pec.example.org', deliveryForm: 'breve', breveHashInput, provider: provider2 });
 * ```
 * @category Building
 */
export type BreveHashInput = 'decoded' | 'encoded';

/** A breve original and the hashes it carries. */
export interface BreveOriginal {
  bytes: Bytes;
  hashes: BreveHash[];
}

interface Replacement {
  start: number;
  end: number;
  bytes: Bytes;
}

/** The parts a breve receipt replaces: named parts and message/rfc822 parts, never the root. */
function replaced(root: MimeEntity): MimeEntity[] {
  const out: MimeEntity[] = [];
  const visit = (e: MimeEntity): void => {
    for (const p of e.parts) {
      if (
        p.filename !== undefined ||
        p.contentType.value === 'message/rfc822' ||
        p.contentType.value === 'message/global'
      )
        out.push(p);
      else visit(p);
    }
  };
  visit(root);
  return out;
}

/**
 * Makes the original of a breve receipt from postacert.eml. SHA-1 through WebCrypto.
 *
 * @example
 * ```ts
 * const { bytes, hashes } = await breveOriginal(new Uint8Array(tx.postacert), crypto, limits);
 * hashes[0]; // { filename: 'fattura.pdf', hashFilename: 'fattura.pdf.hash', sha1: '3f1c…' }
 * ```
 */
export async function breveOriginal(
  postacert: Bytes,
  crypto: Crypto,
  limits: Limits,
  input: BreveHashInput = 'decoded',
): Promise<BreveOriginal> {
  const root = readMimeWith(postacert, limits);
  const base = postacert.byteOffset;
  const replacements: Replacement[] = [];
  const hashes: BreveHash[] = [];
  for (const part of replaced(root)) {
    let content: Uint8Array;
    if (input === 'encoded') content = part.body;
    else {
      try {
        content = decodeTransfer(part.body, part.transferEncoding, limits);
      } catch (e) {
        if ((e as { code?: string }).code !== 'BASE64_INVALID') throw e;
        content = decodeTransfer(part.body, part.transferEncoding, limits, false);
      }
    }
    const sha1 = await sha1Hex(crypto, content);
    const filename = part.filename ?? 'messaggio.eml';
    const hashFilename = `${filename}.hash`;
    const disposition = part.disposition?.value === 'inline' ? 'inline' : 'attachment';
    const bytes = writeEntity({
      kind: 'text',
      text: sha1,
      charset: 'us-ascii',
      filename: hashFilename,
      disposition,
    });
    replacements.push({
      start: part.raw.byteOffset - base,
      end: part.raw.byteOffset - base + part.raw.length,
      bytes,
    });
    hashes.push({ filename, hashFilename, sha1 });
  }
  if (replacements.length === 0) return { bytes: postacert, hashes };
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const r of replacements) {
    chunks.push(postacert.subarray(at, r.start), r.bytes);
    at = r.end;
  }
  chunks.push(postacert.subarray(at));
  return { bytes: concat(chunks), hashes };
}
