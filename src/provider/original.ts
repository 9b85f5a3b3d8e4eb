// The original message as the access point sees it: its header fields, the decoded subject, the
// headers an envelope copies, and postacert.eml (the original with its Message-ID replaced by the
// identificativo and X-Riferimento-Message-ID added, every other byte kept; spec §9).
import { ascii, type Bytes, concat, latin1, toCRLF } from '../bytes.js';
import type { Limits } from '../limits.js';
import { parseAddressList } from '../mime/address.js';
import { type Headers, parseHeaderBlock, splitHeaderBody } from '../mime/headers.js';
import { encodeUnstructured, formatAddressList, type HeaderList } from '../mime/write.js';

/** An original message, CRLF, with its header block read. */
export interface ReadOriginal {
  /** The message with every line break made CRLF (what gets embedded and signed). */
  bytes: Bytes;
  headers: Headers;
  /** Offset of the end of the header block (before the empty line). */
  headerEnd: number;
  /** False when there is no empty line after the headers. */
  complete: boolean;
}

/** Reads the header block of an original message (LF line breaks are made CRLF first). */
export function readOriginal(input: Uint8Array, limits: Limits): ReadOriginal {
  const bytes = toCRLF(input);
  const split = splitHeaderBody(bytes);
  const headers = parseHeaderBlock(bytes, 0, split.headerEnd, limits);
  return { bytes, headers, headerEnd: split.headerEnd, complete: split.complete };
}

// XML 1.0 characters only (daticert carries the subject), no C0 controls but TAB.
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The subject as daticert `<oggetto>` and the PEC Subject carry it: RFC 2047 decoded, characters
 * XML cannot hold replaced by U+FFFD, trimmed. Null when the original has no Subject.
 */
export function originalSubject(headers: Headers): string | null {
  const s = headers.get('subject');
  if (s === undefined) return null;
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(NOT_XML, '\ufffd')
    .trim();
}

/** The first header field `name` of the original, unfolded raw value trimmed; null when absent. */
export function rawField(headers: Headers, name: string): string | null {
  const v = headers.getRaw(name);
  return v === undefined ? null : v.trim();
}

const ADDRESS_FIELDS = new Set(['to', 'cc', 'reply-to', 'from', 'sender']);

/**
 * Header fields copied unchanged from the original (RFC 6109 §2.1.1.2, §3.1.5, §3.2.2), in their
 * original order and spelling. A value is copied as written; only a value with raw 8-bit bytes
 * (not allowed in headers, sent anyway) is re-encoded: addresses with RFC 2047 display names,
 * other text as RFC 2047 words.
 */
export function copiedFields(headers: Headers, names: readonly string[]): HeaderList {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: [string, string][] = [];
  for (const f of headers.fields) {
    const key = f.name.toLowerCase();
    if (!wanted.has(key)) continue;
    const raw = f.raw.trim();
    if (raw === '' && key !== 'return-path') continue;
    if (/^[\t\x20-\x7e]*$/.test(raw)) {
      out.push([f.name, raw]);
    } else if (ADDRESS_FIELDS.has(key)) {
      const list = parseAddressList(f.value);
      if (list.length > 0)
        out.push([f.name, formatAddressList(list.map((m) => ({ name: m.name, address: m.address })))]);
    } else {
      out.push([f.name, encodeUnstructured(f.value.replace(/[\r\n]+/g, ' '))]);
    }
  }
  return out;
}

/** Start offsets of the header fields of `bytes[0, end)` (a field starts at a line not starting with WSP). */
function fieldStarts(bytes: Uint8Array, end: number): number[] {
  const starts: number[] = [];
  let i = 0;
  while (i < end) {
    if (bytes[i] !== 0x20 && bytes[i] !== 0x09) starts.push(i);
    const lf = bytes.indexOf(0x0a, i);
    if (lf === -1 || lf >= end) break;
    i = lf + 1;
  }
  return starts;
}

/**
 * postacert.eml: the original with the first `Message-ID` field replaced by
 * `Message-ID: <identificativo>` followed by `X-Riferimento-Message-ID: <msgid>` (only when the
 * original had a Message-ID). Without a Message-ID, `Message-ID: <identificativo>` is added at the
 * end of the header block. Every other byte is kept (line breaks are CRLF).
 */
export function postacertFrom(original: ReadOriginal, identificativo: string): Bytes {
  const { bytes, headerEnd } = original;
  const starts = fieldStarts(bytes, headerEnd);
  const nameAt = (s: number): string => {
    const colon = bytes.indexOf(0x3a, s);
    return colon === -1 ? '' : latin1(bytes, s, colon).trim().toLowerCase();
  };
  const idx = starts.findIndex((s) => nameAt(s) === 'message-id');
  const msgid = rawField(original.headers, 'message-id');
  if (idx === -1 || msgid === null) {
    const sep = headerEnd > 0 && bytes[headerEnd - 1] !== 0x0a ? '\r\n' : '';
    return concat([
      bytes.subarray(0, headerEnd),
      ascii(`${sep}Message-ID: <${identificativo}>\r\n`),
      bytes.subarray(headerEnd),
    ]);
  }
  const start = starts[idx]!;
  const end = starts[idx + 1] ?? headerEnd;
  const replacement = ascii(`Message-ID: <${identificativo}>\r\nX-Riferimento-Message-ID: ${msgid}\r\n`);
  return concat([bytes.subarray(0, start), replacement, bytes.subarray(end)]);
}
