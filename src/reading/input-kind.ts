// What was passed when it is not a PEC message: people hand a verifier an empty file, a path
// instead of the bytes, a PDF print, an Outlook .msg, a daticert.xml or a postacert.eml they
// extracted. Each gets its own code and a sentence that says what to pass instead.
import { type Bytes, latin1 } from '../bytes.js';
import { type Issue, issue } from '../issues.js';
import type { PecMessage } from './parse.js';

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(b: Bytes, prefix: readonly number[], at = 0): boolean {
  if (b.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[at + i] !== prefix[i]) return false;
  return true;
}

/** The first `n` bytes as latin1 text (enough to recognise a format): one native decode, run per message. */
function head(b: Bytes, n: number): string {
  return latin1(b, 0, Math.min(n, b.length));
}

// A lone line that names a file: absolute or relative paths, Windows drives, UNC, file: URLs, or
// anything ending in a mail/document extension.
const PATH_LIKE =
  /^(?:\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/]|\\\\|file:)|\.(?:eml|msg|mbox|txt|pdf|xml|p7m|p7s)$/i;

/**
 * The bytes of a string argument that is a file path with characters beyond latin1 (`/home/用户/x.eml`):
 * UTF-8, so that it is reported as INPUT_FILE_PATH instead of refused as a bad argument. Null for
 * anything else (which toBytes reads as it always has).
 */
export function pathStringBytes(raw: unknown): Bytes | null {
  if (typeof raw !== 'string' || raw.length > 4096 || !/[^\x00-\xff]/.test(raw)) return null;
  const line = raw.trim();
  if (/[\r\n]/.test(line) || !PATH_LIKE.test(line)) return null;
  return new TextEncoder().encode(raw) as Bytes;
}

/**
 * Recognises inputs that are not e-mail at all, before any MIME reading: an empty input, a file
 * path given instead of the file's bytes, a PDF, an Outlook .msg (Compound File Binary) or a
 * daticert.xml on its own. Null when the input may be a message.
 */
export function recognizeInput(b: Bytes): Issue | null {
  let blank = true;
  for (const c of b)
    if (c > 0x20) {
      blank = false;
      break;
    }
  if (blank)
    return issue(
      'INPUT_EMPTY',
      `the input is empty (${b.length} bytes${b.length > 0 ? ', only blanks or NUL bytes' : ''}): read the .eml file again and pass its content`,
    );
  if (startsWith(b, CFB_MAGIC))
    return issue(
      'INPUT_OUTLOOK_MSG',
      'this is an Outlook .msg file, not an e-mail message: save the PEC from the webmail or the mail client as .eml (the original message, not a forward) and verify that',
    );
  const text = head(b, 1024).replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  if (text.trimStart().startsWith('%PDF-'))
    return issue(
      'INPUT_PDF',
      'this is a PDF document, not an e-mail message: a printout or an attachment proves nothing; verify the whole PEC message saved as .eml',
    );
  const trimmed = text.trim();
  if (b.length <= 4096 && !/[\r\n]/.test(trimmed) && PATH_LIKE.test(trimmed))
    return issue(
      'INPUT_FILE_PATH',
      `the input is the text "${new TextDecoder().decode(b).trim().slice(0, 120)}", which looks like a file path: read the file and pass its bytes (e.g. readFile), not its name`,
    );
  if (/^<\?xml[^>]*>\s*(?:<!--[\s\S]*?-->\s*)*<postacert\b|^<postacert\b/.test(trimmed))
    return issue(
      'INPUT_FRAGMENT',
      'this is a daticert.xml on its own: it proves nothing without the provider signature around it; verify the whole PEC message (.eml) it came from',
    );
  return null;
}

const ENVELOPE_HEADERS = ['from', 'to', 'date', 'subject', 'message-id'] as const;

/**
 * Recognises what ordinary mail (kind `non-pec`) really is when it is a piece of PEC: the original
 * message extracted from an envelope (postacert.eml: X-Riferimento-Message-ID, X-TipoRicevuta or
 * an `opec…` Message-ID, and no signature), or a fragment without the header fields of a message.
 * Null for ordinary mail.
 */
export function recognizeOrdinary(pec: PecMessage): Issue | null {
  if (pec.kind !== 'non-pec' || pec.nested.length > 0) return null;
  const h = pec.rawHeaders;
  if (!ENVELOPE_HEADERS.some((name) => h.has(name))) {
    return issue(
      'INPUT_FRAGMENT',
      'this is not a whole e-mail message (no From, To, Date, Subject or Message-ID header): it looks like a part cut out of one; verify the whole PEC message (.eml) as the provider delivered it',
    );
  }
  const id = pec.headers.messageId ?? '';
  if (
    pec.signature === null &&
    (h.has('x-riferimento-message-id') || h.has('x-tiporicevuta') || /^<?opec\d/i.test(id))
  ) {
    return issue(
      'INPUT_POSTACERT',
      'this looks like the original message extracted from a PEC envelope (postacert.eml): it carries no provider signature; verify the envelope or receipt (.eml) that contains it',
    );
  }
  return null;
}
