// The S/MIME multipart/signed envelope (RFC 8551 §3.5.3, RFC 1847): outer headers, preamble, the
// signed entity exactly as hashed, and the detached signature as smime.p7s.
import type { Bytes } from '../bytes.js';
import { ascii, describe, indexOf } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import type { HeaderList } from './encode-header.js';
import { writeMessage } from './write-entity.js';
import type { RandomSource } from './write-random.js';

/**
 * Input of {@link writeMultipartSigned}.
 *
 * @example
 * ```ts
 * const input: MultipartSignedInput = {
 *   signedEntity, signature: der, protocol: 'application/x-pkcs7-signature', micalg: 'sha1', outerHeaders,
 * };
 * ```
 */
export interface MultipartSignedInput {
  /** The signed first part, exactly the bytes that were hashed (from {@link writeEntity}). */
  signedEntity: Uint8Array;
  /** The detached CMS SignedData, DER. */
  signature: Uint8Array;
  /** `application/pkcs7-signature` (RFC 8551) or the older `application/x-pkcs7-signature` providers use. */
  protocol: 'application/pkcs7-signature' | 'application/x-pkcs7-signature';
  /** Digest name for the `micalg` parameter, e.g. `sha-256` or `sha1`. */
  micalg: string;
  /** RFC 5322 headers of the message, outside the signature (From, To, Subject, Date, X-…). */
  outerHeaders: HeaderList;
  /** A fixed boundary (tests, fixtures); default random. */
  boundary?: string | undefined;
  /** Random source for the boundary. */
  randomBytes?: RandomSource | undefined;
}

/**
 * Writes an S/MIME `multipart/signed` message (RFC 8551 §3.5.3): the outer headers, MIME-Version,
 * `Content-Type: multipart/signed; protocol=…; micalg=…; boundary=…`, the preamble
 * `This is an S/MIME signed message`, the signed entity byte for byte, and the signature part
 * (`smime.p7s`, base64 at 76 columns).
 *
 * @example
 * ```ts
 * const signedEntity = writeEntity(body);
 * const der = await signDetached(signedEntity, signer); // CMS over exactly these bytes
 * const eml = writeMultipartSigned({
 *   signedEntity, signature: der, protocol: 'application/pkcs7-signature', micalg: 'sha-256',
 *   outerHeaders: [['From', formatAddress('posta-certificata@pec.example.it')]],
 * });
 * ```
 */
export function writeMultipartSigned(input: MultipartSignedInput): Bytes {
  if (typeof input !== 'object' || input === null)
    throw invalidArgument(`input must be an object, got ${describe(input)}`);
  const { signedEntity, signature, protocol, micalg } = input;
  if (protocol !== 'application/pkcs7-signature' && protocol !== 'application/x-pkcs7-signature') {
    throw invalidArgument(
      `protocol must be application/pkcs7-signature or application/x-pkcs7-signature, got ${describe(protocol)}`,
    );
  }
  if (typeof micalg !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(micalg)) {
    throw invalidArgument(`invalid micalg ${JSON.stringify(micalg)}`);
  }
  if (!(signature instanceof Uint8Array) || signature.length === 0)
    throw invalidArgument('signature must be non-empty DER bytes');
  if (!(signedEntity instanceof Uint8Array))
    throw invalidArgument(`signedEntity must be a Uint8Array, got ${describe(signedEntity)}`);
  const s = signedEntity;
  const hasBlankLine = (s[0] === 0x0d && s[1] === 0x0a) || indexOf(s, ascii('\r\n\r\n')) >= 0;
  if (!hasBlankLine) throw invalidArgument('signedEntity has no header/body separator (empty line)');
  return writeMessage(
    input.outerHeaders,
    {
      kind: 'multipart',
      subtype: 'signed',
      params: { protocol, micalg },
      preamble: 'This is an S/MIME signed message',
      boundary: input.boundary,
      parts: [
        { kind: 'raw', bytes: signedEntity },
        {
          kind: 'binary',
          contentType: protocol,
          body: signature,
          filename: 'smime.p7s',
          disposition: 'attachment',
        },
      ],
    },
    { randomBytes: input.randomBytes },
  );
}
