// AlgorithmIdentifier and SubjectPublicKeyInfo (RFC 5280 §4.1.1.2, §4.1.2.7).
import { type Bytes, equalBytes } from '../bytes.js';
import {
  bitString,
  checkDer,
  DerError,
  encoded,
  type Node,
  oid,
  readRoot,
  sequence,
  TAG,
} from '../der/read.js';

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
  const algorithm = readAlgorithm(b, alg, 'subjectPublicKeyInfo algorithm');
  if (algorithm.oid === RSA_ENCRYPTION || algorithm.oid === RSA_PSS) readRsaPublicKey(bits.bytes);
  return Object.freeze({
    algorithm,
    der: encoded(b, node!).slice(),
    key: bits.bytes.slice(),
  });
}

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';

/**
 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1), in DER,
 * both positive: the key bits are part of the certificate's one encoding too.
 */
function readRsaPublicKey(key: Uint8Array): void {
  const root = readRoot(key);
  checkDer(key, root);
  const [n, e, extra] = sequence(key, root, 'RSAPublicKey');
  if (!n || !e || extra || n.tag !== TAG.INTEGER || e.tag !== TAG.INTEGER)
    throw new DerError('RSAPublicKey is not a modulus and an exponent');
  for (const v of [n, e])
    if (key[v.valueStart]! & 0x80) throw new DerError('a negative RSA modulus or exponent');
}
