// The WebCrypto implementation a call uses: the caller's, or the platform's.
import { describe } from './bytes.js';
import { invalidArgument, PecError } from './errors.js';

/** The caller's WebCrypto, or `globalThis.crypto`. */
export function resolveCrypto(crypto?: unknown): Crypto {
  if (crypto !== undefined && crypto !== null) {
    const c = crypto as Crypto;
    if (typeof c !== 'object' || typeof c.subtle !== 'object' || typeof c.getRandomValues !== 'function') {
      throw invalidArgument(
        `crypto must be a WebCrypto implementation (with subtle and getRandomValues), got ${describe(crypto)}`,
      );
    }
    return c;
  }
  const g = (globalThis as { crypto?: Crypto }).crypto;
  if (!g?.subtle)
    throw new PecError(
      'CRYPTO_UNAVAILABLE',
      'no WebCrypto: globalThis.crypto.subtle is missing; pass options.crypto',
    );
  return g;
}
