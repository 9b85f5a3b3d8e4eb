// The entity tree the MIME writer takes: a few plain objects, discriminated by `kind`.
import type { HeaderList } from './encode-header.js';
import type { ParamInput } from './encode-params.js';
import type { RandomSource } from './write-random.js';

/**
 * Content-Disposition of a leaf part.
 *
 * @example
 * ```ts
 * const d: Disposition = 'inline'; // how providers send daticert.xml and postacert.eml
 * ```
 */
export type Disposition = 'inline' | 'attachment';

/**
 * Fields shared by leaf parts.
 *
 * @example
 * ```ts
 * const common: LeafCommon = { filename: 'daticert.xml', disposition: 'inline', headers: [['Content-ID', '<d@x>']] };
 * ```
 */
export interface LeafCommon {
  /** Content-Disposition type. Defaults to `attachment` when `filename` is set, else none is written. */
  disposition?: Disposition | undefined;
  /** File name: written as Content-Disposition `filename` (RFC 2231) and Content-Type `name` (legacy). */
  filename?: string | undefined;
  /** Extra fields written after the Content-* fields the writer makes (e.g. Content-ID, MIME-Version). */
  headers?: HeaderList | undefined;
}

/**
 * A text part: the writer encodes it in `charset`, makes line breaks CRLF and applies QP or base64.
 *
 * @example
 * ```ts
 * const body: TextNode = { kind: 'text', text: 'Ricevuta di accettazione\n', charset: 'iso-8859-1', disposition: 'inline' };
 * ```
 */
export interface TextNode extends LeafCommon {
  kind: 'text';
  /** The text; or bytes already in `charset` (line breaks are still made CRLF). */
  text: string | Uint8Array;
  /** Subtype of `text/`: `plain` (default), `html`, … */
  subtype?: string | undefined;
  /** Default `utf-8`. A string with characters the charset lacks is refused. */
  charset?: 'utf-8' | 'iso-8859-1' | 'us-ascii' | undefined;
  /** Default `quoted-printable`. */
  encoding?: 'quoted-printable' | 'base64' | undefined;
  /** More Content-Type parameters after `charset` (e.g. `{ format: 'flowed' }`). */
  params?: ParamInput | undefined;
}

/**
 * A binary part (daticert.xml, smime.p7s, attachments): base64 at 76 columns.
 *
 * @example
 * ```ts
 * const xml: BinaryNode = { kind: 'binary', contentType: 'application/xml', body: bytes, filename: 'daticert.xml', disposition: 'inline' };
 * ```
 */
export interface BinaryNode extends LeafCommon {
  kind: 'binary';
  /** `type/subtype`, e.g. `application/xml`. */
  contentType: string;
  body: Uint8Array;
  /** Content-Type parameters (e.g. `{ charset: 'utf-8' }`). */
  params?: ParamInput | undefined;
}

/**
 * A `message/rfc822` part (postacert.eml), embedded verbatim after LF→CRLF. RFC 2046 §5.2.1
 * forbids base64/QP here, so the writer labels it `7bit` or `8bit` from its bytes.
 *
 * @example
 * ```ts
 * const original: MessageNode = { kind: 'message', message: emlBytes, filename: 'postacert.eml', disposition: 'inline' };
 * ```
 */
export interface MessageNode extends LeafCommon {
  kind: 'message';
  message: Uint8Array;
  /**
   * Allow a message with NUL bytes or lines over 998 bytes, labelled `binary` (only safe over
   * BINARYMIME transports). Default false: such a message is refused.
   */
  allowBinary?: boolean | undefined;
}

/**
 * A multipart entity; the writer picks a collision-free boundary unless one is given.
 *
 * @example
 * ```ts
 * const alt: MultipartNode = { kind: 'multipart', subtype: 'alternative', parts: [plainNode, htmlNode] };
 * ```
 */
export interface MultipartNode {
  kind: 'multipart';
  /** `mixed`, `alternative`, `related`, `signed`, … */
  subtype: string;
  parts: readonly MimeNode[];
  /** Content-Type parameters written before `boundary` (e.g. `{ type: 'text/html' }`). */
  params?: ParamInput | undefined;
  /** ASCII text before the first part (ignored by MIME readers). */
  preamble?: string | undefined;
  /** ASCII text after the close delimiter. */
  epilogue?: string | undefined;
  /** A fixed boundary (tests, fixtures). It is checked against the content, never changed. */
  boundary?: string | undefined;
  /** Extra fields written after Content-Type (and Content-Transfer-Encoding when 8bit). */
  headers?: HeaderList | undefined;
}

/**
 * An already written entity (header block, empty line, body), embedded byte for byte.
 *
 * @example
 * ```ts
 * const signedPart: RawNode = { kind: 'raw', bytes: writeEntity(mixed) };
 * ```
 */
export interface RawNode {
  kind: 'raw';
  /** Canonical bytes: CRLF line breaks only (anything else is refused, never rewritten). */
  bytes: Uint8Array;
}

/**
 * A MIME entity to write.
 *
 * @example
 * ```ts
 * const node: MimeNode = { kind: 'multipart', subtype: 'mixed', parts: [textNode, daticertNode, postacertNode] };
 * ```
 */
export type MimeNode = TextNode | BinaryNode | MessageNode | MultipartNode | RawNode;

/**
 * Options of the writers.
 *
 * @example
 * ```ts
 * writeEntity(node, { randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)) });
 * ```
 */
export interface WriteOptions {
  /** Random source for boundaries; default `globalThis.crypto.getRandomValues`. */
  randomBytes?: RandomSource | undefined;
}
