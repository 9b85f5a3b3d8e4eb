// PEC messages inside other messages: forwarded as message/rfc822, attached as a file (an .eml
// saved from a mail client and attached as application/octet-stream, a postacert.eml forwarded by
// hand), or carried as the original of an envelope. Each is found, parsed on its own, and told
// where it sits.
import type { Bytes } from '../bytes.js';
import { isPecError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { MimeEntity } from '../mime/read.js';
import { decodeTransfer } from '../mime/transfer.js';
import type { PecMessage } from './parse.js';

/**
 * Where a nested PEC message sits in the message that lists it in `nested`.
 *
 * @example
 * ```ts
 * for (const n of parsePec(bytes).nested) {
 *   const at: NestedLocation | null = n.location;
 *   console.log(n.kind, 'at part', at?.path, at?.filename ?? '', `(${at?.carrier})`);
 * }
 * ```
 */
export interface NestedLocation {
  /**
   * The MIME part number, as IMAP counts them (RFC 3501 §6.4.5: `2` is the second part, `2.1` the
   * first part inside it), in the outer message or, when `inOriginal`, in its original message.
   * A `/` steps into an attached .eml file (`3/2`: part 2 of the message in the file at part 3).
   * Empty when the original message itself is the PEC message.
   */
  path: string;
  /** The file name of the part (`postacert.eml`, `inoltro.eml`), or null. */
  filename: string | null;
  /** How it is carried: a message/rfc822 part, an attached .eml file, or as the original itself. */
  carrier: 'message/rfc822' | 'file' | 'original';
  /** True when the path counts inside the outer message's `original` (postacert.eml). */
  inOriginal: boolean;
}

/** A leaf part holding a whole message as a file: an `.eml` name, whatever its declared type. */
export function isAttachedMessageFile(part: MimeEntity): boolean {
  return (
    part.contentType.type !== 'multipart' &&
    part.message === undefined &&
    part.contentType.type !== 'text' &&
    !!part.filename &&
    /\.eml$/i.test(part.filename.trim())
  );
}

/** True when an entity carries PEC markers (a signature or the PEC headers). */
export function looksPec(e: MimeEntity): boolean {
  return (
    e.contentType.value === 'multipart/signed' || e.headers.has('x-trasporto') || e.headers.has('x-ricevuta')
  );
}

/** The decoded bytes of an attached message file, or null when its transfer encoding is broken. */
function fileBytes(part: MimeEntity, limits: Limits): Bytes | null {
  try {
    return decodeTransfer(part.body, part.transferEncoding, limits);
  } catch (e) {
    if (isPecError(e) && e.code !== 'LIMIT_EXCEEDED') return null;
    throw e;
  }
}

/**
 * Every PEC message nested in `root` (not counting root itself), shallowest first, each with its
 * location. `parseInner` parses one candidate at the next nesting level. A candidate that turns
 * out not to be PEC contributes what it found inside (parseInner has already searched it), with
 * the paths prefixed: descending again would re-read each subtree once per looks-PEC ancestor.
 */
export function findNestedPec(
  root: MimeEntity,
  limits: Limits,
  parseInner: (bytes: Bytes) => PecMessage,
  inOriginal = false,
): PecMessage[] {
  const out: PecMessage[] = [];
  const take = (bytes: Bytes, at: Omit<NestedLocation, 'inOriginal'>, join: '.' | '/'): void => {
    const nested = parseInner(bytes);
    if (nested.kind !== 'non-pec') {
      nested.location = { ...at, inOriginal };
      out.push(nested);
      return;
    }
    for (const n of nested.nested) {
      const inner = n.location;
      n.location = {
        path: inner && inner.path !== '' ? `${at.path}${join}${inner.path}` : at.path,
        filename: inner?.filename ?? at.filename,
        carrier: inner?.carrier ?? at.carrier,
        inOriginal,
      };
      out.push(n);
    }
  };
  const message = (m: MimeEntity, path: string, filename: string | null): void => {
    if (looksPec(m)) take(m.raw, { path, filename, carrier: 'message/rfc822' }, '.');
    else if (m.contentType.type === 'multipart') children(m, `${path}.`);
    else if (m.message) message(m.message, path, filename);
  };
  const part = (p: MimeEntity, path: string): void => {
    const filename = p.filename ?? null;
    if (p.message) message(p.message, path, filename);
    else if (looksPec(p)) take(p.raw, { path, filename, carrier: 'message/rfc822' }, '.');
    else if (p.contentType.type === 'multipart') children(p, `${path}.`);
    else if (isAttachedMessageFile(p)) {
      const bytes = fileBytes(p, limits);
      if (bytes) take(bytes, { path, filename, carrier: 'file' }, '/');
    }
  };
  const children = (e: MimeEntity, prefix: string): void => {
    e.parts.forEach((p, i) => {
      part(p, `${prefix}${i + 1}`);
    });
  };
  if (root.contentType.type === 'multipart') children(root, '');
  else if (root.message) message(root.message, '1', root.filename ?? null);
  else if (isAttachedMessageFile(root)) part(root, '1');
  return out;
}
