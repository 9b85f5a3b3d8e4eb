// AlgorithmIdentifier and SubjectPublicKeyInfo (RFC 5280 §4.1.1.2, §4.1.2.7).
import { type Bytes, equalBytes } from '../bytes.js';
import { bitString, DerError, encoded, type Node, oid, sequence } from '../der/read.js';

/**
 * An algorithm and its parameters, as encoded.
 *
 * @example
 * ```ts
 * cert.signatureAlgorithm.oid; // '1.2.840.113549.1.1.11' (sha256WithRSAEncryption)
 * ```
 * @category Low-level
 */
export interface AlgorithmIdentifier {
  /** Dotted OID. */
  readonly oid: string;
  /** The encoded parameters (tag, length, content), or null when absent. */
  readonly parameters: Bytes | null;
}

/**
 * A public key as the certificate carries it.
 *
 * @example
 * ```ts
 * const key = cert.publicKey;
 * await crypto.subtle.importKey('spki', key.der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
 * ```
 * @category Low-level
 */
export interface PublicKeyInfo {
  /** The key algorithm (rsaEncryption, id-ecPublicKey with its curve, …). */
  readonly algorithm: AlgorithmIdentifier;
  /** The whole encoded SubjectPublicKeyInfo (what WebCrypto imports as `spki`). */
  readonly der: Bytes;
  /** The subjectPublicKey bits (for RSA, an encoded RSAPublicKey). */
  readonly key: Bytes;
}

/** @internal */
export function readAlgorithm(b: Uint8Array, node: Node | undefined, what: string): AlgorithmIdentifier {
  const [id, params, extra] = sequence(b, node, what);
  if (!id || extra) throw new DerError(`${what} is not an algorithm identifier`);
  return Object.freeze({ oid: oid(b, id), parameters: params ? encoded(b, params).slice() : null });
}

/**
 * @internal The issuer's signature of a certificate or CRL: its algorithm, which must repeat the
 * signed one byte for byte (RFC 5280 §4.1.1.2, §5.1.1.2: the outer copy is not signed), and its
 * value, a whole number of bytes.
 */
export function readIssuerSignature(
  b: Uint8Array,
  signedAlg: Node | undefined,
  outerAlg: Node | undefined,
  value: Node | undefined,
  what: string,
): { algorithm: AlgorithmIdentifier; value: Bytes } {
  readAlgorithm(b, signedAlg, `${what} signature`);
  const algorithm = readAlgorithm(b, outerAlg, 'signatureAlgorithm');
  if (!equalBytes(encoded(b, signedAlg!), encoded(b, outerAlg!)))
    throw new DerError(`signatureAlgorithm differs from the signature field of ${what}`);
  if (!value) throw new DerError('the signature is missing');
  const bits = bitString(b, value);
  if (bits.unused !== 0) throw new DerError('the signature has unused bits');
  return { algorithm, value: bits.bytes.slice() };
}

/** @internal */
export function readPublicKeyInfo(b: Uint8Array, node: Node | undefined): PublicKeyInfo {
  const [alg, key, extra] = sequence(b, node, 'subjectPublicKeyInfo');
  if (!key || extra) throw new DerError('subjectPublicKeyInfo is not an algorithm and a key');
  const bits = bitString(b, key);
  if (bits.unused !== 0) throw new DerError('subjectPublicKey has unused bits');
  return Object.freeze({
    algorithm: readAlgorithm(b, alg, 'subjectPublicKeyInfo algorithm'),
    der: encoded(b, node!).slice(),
    key: bits.bytes.slice(),
  });
}
