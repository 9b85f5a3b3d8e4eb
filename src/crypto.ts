// The cryptography a call uses: the caller's WebCrypto, or the platform's. In Node, when the caller
// leaves `crypto` out, hashes and signature checks go to node:crypto on the calling thread: the same
// OpenSSL as Node's WebCrypto, without its job set-up, thread hand-off and copy of the input (a
// receipt's digest and RSA check cost ~50 µs of CPU there against ~230 µs through WebCrypto).
// Everything else (keys, signing, random) stays WebCrypto. Browsers never reach node:crypto: it is
// looked up at run time through process.getBuiltinModule, never imported.
import type * as NodeCryptoModule from 'node:crypto';
import { type Bytes, describe } from './bytes.js';
import { invalidArgument, PecError } from './errors.js';

type NodeCrypto = Pick<typeof NodeCryptoModule, 'createHash' | 'createPublicKey' | 'verify' | 'constants'>;

// The platform's WebCrypto as resolved for a caller who passed none: a view of globalThis.crypto of
// its own, so that node:crypto is used exactly when the caller left the choice to pec-kit (a caller
// who passes globalThis.crypto itself gets WebCrypto for everything).
let platform: { of: Crypto; crypto: Crypto } | undefined;

/**
 * The caller's WebCrypto, or the platform's (`globalThis.crypto`).
 *
 * @throws PecError `INVALID_ARGUMENT` for something that is not a WebCrypto, `CRYPTO_UNAVAILABLE`
 *   when the platform has none.
 */
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
  if (platform?.of !== g) {
    const view = Object.freeze({
      subtle: g.subtle,
      getRandomValues: g.getRandomValues.bind(g),
      randomUUID: () => g.randomUUID(),
    }) as unknown as Crypto;
    platform = { of: g, crypto: view };
  }
  return platform.crypto;
}

let nodeCrypto: NodeCrypto | null | undefined;

/**
 * node:crypto when `crypto` is the platform's WebCrypto as {@link resolveCrypto} gave it for a
 * caller who passed none, and pec-kit runs in Node (20.16 and later have process.getBuiltinModule);
 * null otherwise: a caller's own WebCrypto, a browser, another runtime.
 */
export function nativeCrypto(crypto: Crypto): NodeCrypto | null {
  if (crypto !== platform?.crypto) return null;
  if (nodeCrypto === undefined) {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    let m: NodeCrypto | undefined;
    try {
      m = p?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
    } catch {
      m = undefined;
    }
    nodeCrypto =
      m &&
      typeof m.createHash === 'function' &&
      typeof m.verify === 'function' &&
      typeof m.createPublicKey === 'function'
        ? m
        : null;
  }
  return nodeCrypto;
}

/** WebCrypto hash names → node:crypto's; a hash missing here always goes to WebCrypto. */
export const NODE_HASHES: Readonly<Record<string, string>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * The digest of `data` with the WebCrypto hash `hash` (`'SHA-256'` …): node:crypto on the calling
 * thread when {@link nativeCrypto} allows it (no copy of `data`), `crypto.subtle.digest` otherwise.
 */
export async function digestOf(crypto: Crypto, hash: string, data: Uint8Array): Promise<Uint8Array> {
  const native = NODE_HASHES[hash] ? nativeCrypto(crypto) : null;
  if (native) {
    const d = native.createHash(NODE_HASHES[hash]!).update(data).digest();
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  }
  return new Uint8Array(await crypto.subtle.digest(hash, data as Bytes));
}
