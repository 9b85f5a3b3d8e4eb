/**
 * Every failure pec-kit raises is a {@link PecError} with a stable `code`.
 *
 * Codes are part of the public contract: they never change meaning between
 * releases. The table below is the single list of codes; docs/issue-codes.md
 * is checked against it by a test.
 *
 * @example
 * ```ts
 * ERROR_CODES.LIMIT_EXCEEDED; // 'An input is larger, deeper or longer than the configured limit allows.'
 * const codes = Object.keys(ERROR_CODES) as PecErrorCode[];
 * ```
 * @category Errors and limits
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: 'A caller passed a value of the wrong type or shape.',
  LIMIT_EXCEEDED: 'An input is larger, deeper or longer than the configured limit allows.',
  MIME_MALFORMED: 'The MIME structure cannot be read (no header/body separator, bad multipart, truncated).',
  MIME_NOT_SIGNED: 'The message is not multipart/signed.',
  MIME_SIGNATURE_PART_MISSING: 'multipart/signed without a second (signature) part.',
  MIME_BAD_PROTOCOL: 'multipart/signed with a protocol other than (x-)pkcs7-signature.',
  MIME_HEADER_INJECTION: 'A header value to be written contains CR or LF or another forbidden character.',
  BASE64_INVALID: 'Base64 data contains characters outside the alphabet or has a bad length.',
  CMS_MALFORMED: 'The CMS/PKCS#7 structure is not valid DER/BER or is not SignedData.',
  CMS_UNSUPPORTED: 'The CMS uses an algorithm or form pec-kit does not support.',
  CERT_MALFORMED: 'A certificate, CRL or key cannot be decoded.',
  KEY_MISMATCH: 'The private key does not belong to the certificate.',
  XML_MALFORMED: 'daticert.xml is not well-formed XML.',
  XML_FORBIDDEN: 'daticert.xml declares a DOCTYPE, an entity or an external reference.',
  DATICERT_INVALID: 'daticert data does not follow the DTD (missing or unknown values).',
  BUILD_INVALID: 'Builder input fails a PEC formal check (sender, recipients, Bcc, addresses).',
  CRYPTO_UNAVAILABLE: 'No WebCrypto implementation is available.',
} as const;

/**
 * A stable error code; see {@link ERROR_CODES} for the meaning of each.
 *
 * @example
 * ```ts
 * const code: PecErrorCode = 'DATICERT_INVALID';
 * try {
 *   parseDaticert(xml);
 * } catch (e) {
 *   if (isPecError(e, code)) console.log(e.details);
 * }
 * ```
 * @category Errors and limits
 */
export type PecErrorCode = keyof typeof ERROR_CODES;

/**
 * The one error class pec-kit throws.
 *
 * @example
 * ```ts
 * import { parsePec, PecError } from 'pec-kit';
 * try {
 *   parsePec(bytes);
 * } catch (e) {
 *   if (e instanceof PecError && e.code === 'LIMIT_EXCEEDED') console.error('too big');
 * }
 * ```
 * @category Errors and limits
 */
export class PecError extends Error {
  /** Stable machine-readable code. */
  readonly code: PecErrorCode;
  /** Extra facts about the failure (offsets, limits, names); never secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: PecErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PecError';
    this.code = code;
    this.details = details;
  }
}

/**
 * A {@link PecError} with code `INVALID_ARGUMENT` that is also a `TypeError`, the JavaScript
 * convention for a caller passing a value of the wrong type (e.g. a negative limit).
 * `e instanceof PecError` holds for it as well.
 *
 * @example
 * ```ts
 * try {
 *   parsePec(42 as never);
 * } catch (e) {
 *   if (e instanceof PecTypeError) console.log(e.code); // 'INVALID_ARGUMENT'
 * }
 * ```
 * @category Errors and limits
 */
export class PecTypeError extends TypeError {
  readonly code = 'INVALID_ARGUMENT' as const;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'PecError';
    this.details = details;
  }
}

// Makes `x instanceof PecError` true for PecTypeError too, without touching any global.
Object.defineProperty(PecError, Symbol.hasInstance, {
  value(this: unknown, v: unknown): boolean {
    if (typeof v !== 'object' || v === null) return false;
    if (Function.prototype[Symbol.hasInstance].call(this as () => void, v)) return true;
    return this === PecError && Function.prototype[Symbol.hasInstance].call(PecTypeError, v);
  },
});

/** Shorthand used by argument validation: a coded TypeError. */
export function invalidArgument(message: string, details?: Record<string, unknown>): PecTypeError {
  return new PecTypeError(message, details);
}

/**
 * True when `e` is a {@link PecError}, optionally with the given code.
 *
 * @example
 * ```ts
 * try {
 *   parsePec(bytes, { limits: { maxMessageBytes: 1024 } });
 * } catch (e) {
 *   if (isPecError(e, 'LIMIT_EXCEEDED')) console.log('too large:', e.message);
 *   else throw e;
 * }
 * ```
 * @category Errors and limits
 */
export function isPecError(e: unknown, code?: PecErrorCode): e is PecError {
  return e instanceof PecError && (code === undefined || (e as PecError).code === code);
}
