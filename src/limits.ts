// Input limits: every parser and verifier bounds what hostile input can make it do.
import { describe } from './bytes.js';
import { invalidArgument, PecError } from './errors.js';

/**
 * Size and shape limits applied to untrusted input. All are byte or item counts.
 *
 * @example
 * ```ts
 * const limits: Partial<Limits> = { maxMessageBytes: 10 * 1024 * 1024, maxParts: 200 };
 * const pec = parsePec(bytes, { limits });
 * ```
 * @category Errors and limits
 */
export interface Limits {
  /** Largest whole message accepted, in bytes. Default 64 MiB (PEC allows 30 MB per message plus encoding). */
  maxMessageBytes: number;
  /** Deepest nesting of multiparts and message/rfc822 parts. Default 24. */
  maxMimeDepth: number;
  /** Most MIME parts in one message, all levels together. Default 2,000. */
  maxParts: number;
  /** Largest header block of one entity, in bytes. Default 256 KiB. */
  maxHeaderBytes: number;
  /** Longest single line, in bytes (RFC 5322 says 998; real mail is sloppier). Default 1 MiB. */
  maxLineBytes: number;
  /** Largest base64 text decoded for one part, in bytes. Default 96 MiB. */
  maxBase64Bytes: number;
  /** Largest daticert.xml, in bytes. Default 1 MiB. */
  maxDaticertBytes: number;
  /** Most certificates in one CMS signature. Default 32. */
  maxCertificates: number;
  /** Longest certificate chain built. Default 8. */
  maxChainLength: number;
}

/**
 * The defaults: generous for real PEC (30 MB limit), small enough to stop abuse.
 *
 * @example
 * ```ts
 * DEFAULT_LIMITS.maxMessageBytes; // 67108864 (64 MiB)
 * const att = parsePec(bytes).original?.attachments[0];
 * if (att) attachmentContent(att, DEFAULT_LIMITS);
 * ```
 * @category Errors and limits
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMessageBytes: 64 * 1024 * 1024,
  maxMimeDepth: 24,
  maxParts: 2000,
  maxHeaderBytes: 256 * 1024,
  maxLineBytes: 1024 * 1024,
  maxBase64Bytes: 96 * 1024 * 1024,
  maxDaticertBytes: 1024 * 1024,
  maxCertificates: 32,
  maxChainLength: 8,
});

/**
 * Merges caller limits over the defaults, refusing anything that is not a non-negative safe integer.
 * Unknown keys are refused too: a typo must not silently leave a limit at its default.
 */
export function resolveLimits(given?: unknown): Limits {
  // Resolved limits are passed down from call to call (a message resolves them in several
  // places): recognised and returned as they are, instead of validated again.
  if (resolved.has(given as object)) return given as Limits;
  if (given === undefined || given === null) return RESOLVED_DEFAULTS;
  const out = validate(given);
  Object.freeze(out);
  resolved.add(out);
  return out;
}

const resolved = new WeakSet<object>();
const RESOLVED_DEFAULTS: Limits = Object.freeze({ ...DEFAULT_LIMITS });
resolved.add(RESOLVED_DEFAULTS);

function validate(given: unknown): Limits {
  if (given === undefined || given === null) return { ...DEFAULT_LIMITS };
  if (typeof given !== 'object' || Array.isArray(given))
    throw invalidArgument(`limits must be an object, got ${describe(given)}`);
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(given as Record<string, unknown>)) {
    if (!(k in DEFAULT_LIMITS)) throw invalidArgument(`unknown limit "${k}"`, { limit: k });
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw invalidArgument(
        `limit ${k} must be a non-negative integer, got ${typeof v === 'number' ? v : describe(v)}`,
        { limit: k },
      );
    }
    out[k as keyof Limits] = v;
  }
  return out;
}

/** Throws LIMIT_EXCEEDED when `value` is above `limits[name]`. */
export function enforce(limits: Limits, name: keyof Limits, value: number, what: string): void {
  if (value > limits[name]) {
    throw new PecError('LIMIT_EXCEEDED', `${what} (${value}) exceeds ${name} (${limits[name]})`, {
      limit: name,
      value,
      max: limits[name],
    });
  }
}
