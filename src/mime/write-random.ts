// Random identifiers: multipart boundaries and Message-IDs. The random source is injectable so
// tests (and reproducible fixtures) can fix it; the default is WebCrypto's getRandomValues.
import type { Bytes } from '../bytes.js';
import { describe, toHex } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';
import { assertNoControls } from './encode-header.js';

/**
 * Returns `length` random bytes. Must be cryptographically strong outside tests.
 *
 * @example
 * ```ts
 * const fixed: RandomSource = (n) => new Uint8Array(n).fill(7); // reproducible fixtures only
 * randomBoundary(fixed);
 * ```
 * @category Building
 */
export type RandomSource = (length: number) => Uint8Array;

/**
 * The default {@link RandomSource}: `globalThis.crypto.getRandomValues`.
 * Throws `CRYPTO_UNAVAILABLE` when there is no WebCrypto.
 *
 * @example
 * ```ts
 * defaultRandom(16).length; // 16
 * ```
 */
export function defaultRandom(length: number): Bytes {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new PecError(
      'CRYPTO_UNAVAILABLE',
      'no WebCrypto: globalThis.crypto.getRandomValues is missing; pass a random source',
    );
  }
  return c.getRandomValues(new Uint8Array(length));
}

/** Calls `random` and checks what it returns. */
function randomBytesFrom(random: RandomSource | undefined, length: number): Uint8Array {
  if (random === undefined) return defaultRandom(length);
  if (typeof random !== 'function')
    throw invalidArgument(`randomBytes must be a function, got ${describe(random)}`);
  const b = random(length);
  if (!(b instanceof Uint8Array) || b.length < length) {
    throw invalidArgument(
      `randomBytes(${length}) must return a Uint8Array of ${length} bytes, got ${describe(b)}`,
    );
  }
  return b.subarray(0, length);
}

/**
 * A multipart boundary: `----=_PecKit_` and 40 random hex digits (53 characters, RFC 2046 allows 70).
 * The `=_` cannot occur in quoted-printable or base64 text, so it never collides with encoded parts.
 *
 * @example
 * ```ts
 * randomBoundary(); // '----=_PecKit_3f9c…' (40 hex digits)
 * ```
 */
export function randomBoundary(random?: RandomSource): string {
  return `----=_PecKit_${toHex(randomBytesFrom(random, 20))}`;
}

/**
 * A new Message-ID with angle brackets, `<32 hex digits@domain>`, from 128 random bits.
 *
 * @example
 * ```ts
 * makeMessageId('pec.example.it'); // '<8c1e…@pec.example.it>'
 * ```
 */
export function makeMessageId(domain: string, random?: RandomSource): string {
  if (typeof domain !== 'string') throw invalidArgument(`domain must be a string, got ${describe(domain)}`);
  assertNoControls(domain, 'Message-ID domain');
  if (
    !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(domain)
  ) {
    throw invalidArgument(`invalid Message-ID domain ${JSON.stringify(domain)}`, { domain });
  }
  return `<${toHex(randomBytesFrom(random, 16))}@${domain}>`;
}
