// WebCrypto and the pkijs engine. pkijs keeps a process-wide engine; we never rely on it and pass
// an explicit engine to every pkijs call, so two callers with different Crypto objects never clash.
import * as pkijs from 'pkijs';
import { describe } from './bytes.js';
import { invalidArgument, PecError } from './errors.js';

const engines = new WeakMap<Crypto, pkijs.CryptoEngine>();

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

/** The pkijs engine bound to `crypto` (one per Crypto object, cached). */
export function engineFor(crypto: Crypto): pkijs.CryptoEngine {
  let e = engines.get(crypto);
  if (!e) {
    e = new pkijs.CryptoEngine({ name: 'pec-kit', crypto });
    engines.set(crypto, e);
  }
  return e;
}
