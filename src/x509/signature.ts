// Signature algorithms as data: which WebCrypto call checks (or makes) a signature written with a
// given AlgorithmIdentifier, for certificates, CRLs and CMS SignerInfos alike.
import type { Bytes } from '../bytes.js';
import { DIGESTS, OID } from '../cms/oids.js';
import { NODE_HASHES, nativeCrypto } from '../crypto.js';
import { content, DerError, type Node, oid, readRoot, sequence, smallInteger, TAG } from '../der/read.js';
import { bitString, explicit, integer, nullValue, oid as oidDer, seq } from '../der/write.js';
import { PecError } from '../errors.js';
import type { AlgorithmIdentifier, PublicKeyInfo } from './algorithm.js';

// Hashes by OID and back, from the one digest table (cms/oids.ts).
const hashOfOid = (id: string): string | undefined => DIGESTS[id]?.webcrypto;
const oidOfHash = (hash: string): string | undefined =>
  Object.keys(DIGESTS).find((id) => DIGESTS[id]!.webcrypto === hash);

/** Signature algorithm OID → scheme and hash (null: the hash comes from elsewhere, e.g. the CMS digest). */
const SIGNATURE_ALGORITHMS: Readonly<
  Record<string, { scheme: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA'; hash: string | null }>
> = {
  [OID.rsaEncryption]: { scheme: 'RSASSA-PKCS1-v1_5', hash: null },
  '1.2.840.113549.1.1.5': { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  '1.2.840.113549.1.1.11': { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { scheme: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  [OID.rsaPss]: { scheme: 'RSA-PSS', hash: null },
  [OID.ecPublicKey]: { scheme: 'ECDSA', hash: null },
  '1.2.840.10045.4.1': { scheme: 'ECDSA', hash: 'SHA-1' },
  '1.2.840.10045.4.3.2': { scheme: 'ECDSA', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { scheme: 'ECDSA', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { scheme: 'ECDSA', hash: 'SHA-512' },
};

/** Named curves: OID → WebCrypto name and the byte length of r and s. */
export const CURVES: Readonly<Record<string, { name: string; size: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

const unsupported = (what: string): PecError => new PecError('CMS_UNSUPPORTED', what);

/** The largest RSA modulus pec-kit ever hands to WebCrypto, in bits. */
export const MAX_RSA_MODULUS_BITS = 16384;
/** The largest RSA public exponent pec-kit ever hands to WebCrypto: 2^32 + 1. */
export const MAX_RSA_EXPONENT = 2 ** 32 + 1;

/**
 * Why an RSA public key is not worth a WebCrypto call, or null. Verification costs grow with the
 * exponent's length and the square of the modulus: a 3072-bit exponent makes one check take
 * milliseconds, and a hostile chain asks for hundreds of checks. Real keys use 65537 (a few old
 * ones 3); RFC 8017 §3.1 and FIPS 186-4 bound e below 2^256, pec-kit below 2^32 + 1.
 */
export function rsaKeyProblem(key: PublicKeyInfo, maxModulusBits = MAX_RSA_MODULUS_BITS): string | null {
  const der = key.key;
  let n: Uint8Array;
  let e: Uint8Array;
  try {
    const [modulus, exponent, extra] = sequence(der, readRoot(der), 'RSAPublicKey');
    if (!modulus || !exponent || extra || modulus.tag !== TAG.INTEGER || exponent.tag !== TAG.INTEGER)
      return 'the RSA public key is not a modulus and an exponent';
    n = content(der, modulus);
    e = content(der, exponent);
  } catch {
    return 'the RSA public key cannot be decoded';
  }
  const significant = (v: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    return v.subarray(i);
  };
  const m = significant(n);
  const bits = m.length === 0 ? 0 : (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
  if (bits > Math.min(maxModulusBits, MAX_RSA_MODULUS_BITS))
    return `its RSA modulus has ${bits} bits (more than ${Math.min(maxModulusBits, MAX_RSA_MODULUS_BITS)})`;
  const x = significant(e);
  let value = 0;
  if (x.length > 5) value = Number.POSITIVE_INFINITY;
  else for (const b of x) value = value * 256 + b;
  if (value > MAX_RSA_EXPONENT || value < 3 || value % 2 === 0) {
    const bitsOfE = x.length === 0 ? 0 : (x.length - 1) * 8 + (32 - Math.clz32(x[0]!));
    return `its RSA public exponent (${bitsOfE} bits) is not an odd number from 3 to 2^32+1`;
  }
  return null;
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1): hash and salt length; MGF1 must use the same hash. Anything
 * malformed or outside what WebCrypto checks is CMS_UNSUPPORTED (never a plain error).
 */
function pssParams(params: Uint8Array | null): { hash: string; saltLength: number } {
  try {
    return readPssParams(params);
  } catch (e) {
    if (e instanceof PecError) throw e;
    throw unsupported(`malformed RSASSA-PSS parameters: ${(e as Error).message}`);
  }
}

function readPssParams(params: Uint8Array | null): { hash: string; saltLength: number } {
  let hash = 'SHA-1';
  let mgfHash = 'SHA-1';
  let saltLength = 20;
  // RFC 4055 §3.1: the parameters are RSASSA-PSS-params, present in a signature's identifier (a
  // key's may leave them out, and then this is not called). NULL is no RSASSA-PSS-params.
  if (!params) throw unsupported('RSA-PSS signature without parameters');
  if (params[0] === TAG.NULL) throw unsupported('RSA-PSS with NULL parameters');
  const read = (n: Node | undefined): string => {
    const [id] = sequence(params, n, 'a hash algorithm');
    if (!id) throw new DerError('a hash algorithm without an OID');
    const h = hashOfOid(oid(params, id));
    if (!h) throw unsupported('RSA-PSS with an unsupported hash');
    return h;
  };
  let last = 0;
  for (const f of sequence(params, readRoot(params), 'RSASSA-PSS-params')) {
    // [0] hashAlgorithm, [1] maskGenAlgorithm, [2] saltLength, [3] trailerField: in order, once each.
    if (f.tag <= last) throw new DerError('RSASSA-PSS-params fields out of order or repeated');
    last = f.tag;
    const [inner, extra] = sequence(params, f, 'a RSASSA-PSS field', f.tag);
    if (!inner || extra) throw new DerError('a RSASSA-PSS field holds one value');
    if (f.tag === 0xa0) hash = read(inner);
    else if (f.tag === 0xa1) {
      const [mgf, mgfParams] = sequence(params, inner, 'maskGenAlgorithm');
      if (!mgf || oid(params, mgf) !== '1.2.840.113549.1.1.8' || !mgfParams)
        throw unsupported('RSA-PSS without MGF1');
      mgfHash = read(mgfParams);
    } else if (f.tag === 0xa2) saltLength = smallInteger(params, inner);
    else if (f.tag === 0xa3) {
      if (smallInteger(params, inner) !== 1) throw unsupported('RSA-PSS trailer field');
    } else throw new DerError('RSASSA-PSS-params has an unknown field');
  }
  // A salt longer than any RSA key allows cannot verify; refused before WebCrypto sees it.
  if (saltLength > 1024) throw unsupported(`RSA-PSS salt length ${saltLength}`);
  if (mgfHash !== hash) throw unsupported('RSA-PSS with an MGF1 hash different from the message hash');
  return { hash, saltLength };
}

/** An id-RSASSA-PSS key as rsaEncryption: the same key bits, in the form every WebCrypto imports. */
function rsaSpki(key: PublicKeyInfo): Bytes {
  if (key.algorithm.oid !== OID.rsaPss) return key.der as Bytes;
  return seq(seq(oidDer(OID.rsaEncryption), nullValue()), bitString(key.key));
}

/** ECDSA-Sig-Value (DER SEQUENCE of r, s) → WebCrypto's fixed-size r‖s. */
function ecdsaRaw(sig: Uint8Array, size: number): Bytes {
  const [r, s, extra] = sequence(sig, readRoot(sig), 'ECDSA signature');
  if (!r || !s || extra || r.tag !== TAG.INTEGER || s.tag !== TAG.INTEGER)
    throw new DerError('bad ECDSA signature');
  const out = new Uint8Array(size * 2);
  for (const [i, n] of [r, s].entries()) {
    let v = content(sig, n);
    // DER INTEGERs: not empty, not negative, no redundant leading zero (one signature, one encoding).
    if (v.length === 0 || v[0]! & 0x80 || (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)))
      throw new DerError('ECDSA signature integer is not minimal and positive');
    if (v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new DerError('ECDSA signature value too large');
    out.set(v, (i + 1) * size - v.length);
  }
  return out;
}

/** WebCrypto's raw r‖s → ECDSA-Sig-Value DER. */
export function ecdsaDer(raw: Uint8Array): Bytes {
  const h = raw.length / 2;
  return seq(integer(raw.subarray(0, h)), integer(raw.subarray(h)));
}

interface Plan {
  importParams: RsaHashedImportParams | EcKeyImportParams;
  verifyParams: AlgorithmIdentifier_ | RsaPssParams | EcdsaParams;
  spki: Bytes;
  signature: (sig: Uint8Array) => Bytes;
}
type AlgorithmIdentifier_ = { name: string };

/**
 * The hash a signature algorithm names itself (sha256WithRSAEncryption: SHA-256; RSASSA-PSS: its
 * parameters' hash), or null when it names only the key type (rsaEncryption, id-ecPublicKey) and
 * takes the hash from elsewhere (a CMS SignerInfo's digestAlgorithm).
 *
 * @throws PecError `CMS_UNSUPPORTED` for an unknown algorithm or unreadable PSS parameters.
 */
export function signatureHash(algorithm: AlgorithmIdentifier): string | null {
  const alg = SIGNATURE_ALGORITHMS[algorithm.oid];
  if (!alg) throw unsupported(`unsupported signature algorithm ${algorithm.oid}`);
  if (alg.scheme === 'RSA-PSS') return pssParams(algorithm.parameters).hash;
  return alg.hash;
}

function plan(key: PublicKeyInfo, algorithm: AlgorithmIdentifier, hashHint?: string): Plan {
  const alg = SIGNATURE_ALGORITHMS[algorithm.oid];
  if (!alg) throw unsupported(`unsupported signature algorithm ${algorithm.oid}`);
  // A CMS digest of one hash signed with another (SHA-256 digest, sha1WithRSA): refused, never
  // checked with whichever of the two hashes happens to be read (RFC 5652 §5.4, RFC 5754 §3).
  const own = signatureHash(algorithm);
  if (hashHint && own && own !== hashHint)
    throw unsupported(`the signature algorithm hashes with ${own}, the digest algorithm with ${hashHint}`);
  if (alg.scheme === 'ECDSA') {
    if (key.algorithm.oid !== OID.ecPublicKey) throw unsupported('an ECDSA signature with a non-EC key');
    const params = key.algorithm.parameters;
    const curve = params && params[0] === TAG.OID ? CURVES[oid(params, readRoot(params))] : undefined;
    const hash = alg.hash ?? hashHint;
    if (!curve || !hash) throw unsupported('unsupported elliptic curve or hash');
    return {
      importParams: { name: 'ECDSA', namedCurve: curve.name },
      verifyParams: { name: 'ECDSA', hash },
      spki: key.der as Bytes,
      signature: (sig) => ecdsaRaw(sig, curve.size),
    };
  }
  if (key.algorithm.oid !== OID.rsaEncryption && key.algorithm.oid !== OID.rsaPss)
    throw unsupported('an RSA signature with a non-RSA key');
  const problem = rsaKeyProblem(key);
  if (problem) throw unsupported(`an RSA key refused before any check: ${problem}`);
  if (alg.scheme === 'RSA-PSS') {
    const { hash, saltLength } = pssParams(algorithm.parameters);
    // RFC 4055 §1.2: a key restricted to PSS parameters signs only with that hash and at least
    // that salt length.
    if (key.algorithm.oid === OID.rsaPss && key.algorithm.parameters) {
      const limit = pssParams(key.algorithm.parameters);
      if (limit.hash !== hash || saltLength < limit.saltLength)
        throw unsupported('an RSA-PSS signature outside the parameters of its RSA-PSS key');
    }
    return {
      importParams: { name: 'RSA-PSS', hash },
      verifyParams: { name: 'RSA-PSS', saltLength },
      spki: rsaSpki(key),
      signature: (sig) => sig as Bytes,
    };
  }
  // RFC 4055 §1.2: an id-RSASSA-PSS key must not be used for PKCS#1 v1.5 signatures.
  if (key.algorithm.oid === OID.rsaPss) throw unsupported('a PKCS#1 v1.5 signature with an RSA-PSS key');
  const hash = alg.hash ?? hashHint;
  if (!hash) throw unsupported('rsaEncryption signature without a digest algorithm');
  return {
    importParams: { name: 'RSASSA-PKCS1-v1_5', hash },
    verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
    spki: rsaSpki(key),
    signature: (sig) => sig as Bytes,
  };
}

// Imported keys, per Crypto object and public key: a batch of receipts from one provider imports
// its key once. Decoded certificates are cached (trust/certificates.ts), so the same key is the
// same PublicKeyInfo object; a WeakMap lets keys go with their certificates.
const keyCache = new WeakMap<Crypto, WeakMap<PublicKeyInfo, Map<string, Promise<CryptoKey>>>>();

function importKey(crypto: Crypto, key: PublicKeyInfo, p: Plan): Promise<CryptoKey> {
  let byKey = keyCache.get(crypto);
  if (!byKey) {
    byKey = new WeakMap();
    keyCache.set(crypto, byKey);
  }
  let imported = byKey.get(key);
  if (!imported) {
    imported = new Map();
    byKey.set(key, imported);
  }
  const params = p.importParams as { name: string; hash?: string; namedCurve?: string };
  const id = `${params.name}/${params.hash ?? ''}/${params.namedCurve ?? ''}`;
  let k = imported.get(id);
  if (!k) {
    k = crypto.subtle.importKey('spki', p.spki, p.importParams, false, ['verify']);
    imported.set(id, k);
    k.catch(() => imported.delete(id));
  }
  return k;
}

/** The hash a plan checks with: ECDSA names it when verifying, RSA when importing the key. */
const planHash = (p: Plan): string | undefined =>
  (p.verifyParams.name === 'ECDSA'
    ? (p.verifyParams as EcdsaParams)
    : (p.importParams as RsaHashedImportParams)
  ).hash as string | undefined;

type NodeKey = ReturnType<NonNullable<ReturnType<typeof nativeCrypto>>['createPublicKey']>;
// node:crypto's key objects, per public key and the SPKI form the plan reads it in (an
// id-RSASSA-PSS key is read as rsaEncryption, like for WebCrypto). A key node:crypto refuses is
// remembered as its error, so that it is refused again without a second decoding.
// (Keyed by the form, not the bytes: an id-RSASSA-PSS key's rsaEncryption SPKI is built anew per check.)
const nodeKeys = new WeakMap<PublicKeyInfo, Map<'as-is' | 'rsaEncryption', NodeKey | Error>>();

function nodeKey(
  native: NonNullable<ReturnType<typeof nativeCrypto>>,
  key: PublicKeyInfo,
  spki: Bytes,
): NodeKey {
  let byForm = nodeKeys.get(key);
  if (!byForm) {
    byForm = new Map();
    nodeKeys.set(key, byForm);
  }
  const form = spki === key.der ? 'as-is' : 'rsaEncryption';
  let k = byForm.get(form);
  if (!k) {
    try {
      // node:crypto reads any ArrayBufferView, though its types name Buffer only.
      k = native.createPublicKey({ key: spki as unknown as Buffer, format: 'der', type: 'spki' });
    } catch (e) {
      k = e instanceof Error ? e : new Error(String(e));
    }
    byForm.set(form, k);
  }
  if (k instanceof Error) throw k;
  return k;
}

/**
 * The same check as WebCrypto's, through node:crypto on the calling thread: `hash` (node:crypto's
 * name of the plan's hash), the plan's padding and salt length, ECDSA in WebCrypto's r‖s form. As
 * with WebCrypto, a signature that is not even of the key's size is false, not an error.
 */
function verifyNative(
  native: NonNullable<ReturnType<typeof nativeCrypto>>,
  key: PublicKeyInfo,
  p: Plan,
  hash: string,
  sig: Bytes,
  data: Uint8Array,
): boolean {
  const k = nodeKey(native, key, p.spki);
  const c = native.constants;
  const name = p.verifyParams.name;
  const options =
    name === 'ECDSA'
      ? { key: k, dsaEncoding: 'ieee-p1363' as const }
      : name === 'RSA-PSS'
        ? {
            key: k,
            padding: c.RSA_PKCS1_PSS_PADDING,
            saltLength: (p.verifyParams as RsaPssParams).saltLength,
          }
        : { key: k, padding: c.RSA_PKCS1_PADDING };
  try {
    return native.verify(hash, data, options, sig);
  } catch {
    return false;
  }
}

/**
 * Checks `signature` over `data` with `key`, for the signature algorithm `algorithm`. `hashHint`
 * is the digest to use when the algorithm names only the key type (a CMS SignerInfo written with
 * rsaEncryption takes the hash of its digestAlgorithm). In Node without a caller's `crypto`, the
 * check runs in node:crypto (see crypto.ts), otherwise in `crypto.subtle`.
 *
 * @throws PecError `CMS_UNSUPPORTED` for an algorithm, curve or parameter set WebCrypto cannot check.
 */
export async function verifySignature(
  crypto: Crypto,
  key: PublicKeyInfo,
  algorithm: AlgorithmIdentifier,
  signature: Uint8Array,
  data: Uint8Array,
  hashHint?: string,
): Promise<boolean> {
  let p: Plan;
  try {
    p = plan(key, algorithm, hashHint);
  } catch (e) {
    if (e instanceof DerError) throw unsupported(`unreadable algorithm parameters: ${e.message}`);
    throw e;
  }
  let sig: Bytes;
  try {
    sig = p.signature(signature);
  } catch {
    return false; // an ECDSA value that is not even a SEQUENCE of two integers
  }
  const native = nativeCrypto(crypto);
  const hash = native ? NODE_HASHES[planHash(p) ?? ''] : undefined;
  if (native && hash) return verifyNative(native, key, p, hash, sig, data);
  return crypto.subtle.verify(p.verifyParams, await importKey(crypto, key, p), sig, data as Bytes);
}

/** What a signer writes: the WebCrypto parameters and the AlgorithmIdentifier (DER). */
export function signingAlgorithm(
  scheme: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA',
  hash: string,
): { params: AlgorithmIdentifier_ | RsaPssParams | EcdsaParams; der: Bytes } {
  const hashOid = oidOfHash(hash);
  if (!hashOid) throw unsupported(`unsupported hash ${hash}`);
  if (scheme === 'RSA-PSS') {
    const saltLength = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash]!;
    const hashAlg = seq(oidDer(hashOid), nullValue());
    const der = seq(
      oidDer(OID.rsaPss),
      seq(
        explicit(0, hashAlg),
        explicit(1, seq(oidDer('1.2.840.113549.1.1.8'), hashAlg)),
        explicit(2, integer(saltLength)),
      ),
    );
    return { params: { name: 'RSA-PSS', saltLength }, der };
  }
  if (scheme === 'ECDSA') {
    const id = Object.entries(SIGNATURE_ALGORITHMS).find(
      ([, v]) => v.scheme === 'ECDSA' && v.hash === hash,
    )![0];
    return { params: { name: 'ECDSA', hash }, der: seq(oidDer(id)) };
  }
  // sha*WithRSAEncryption (RFC 5754 §3.2 allows it or rsaEncryption; OpenSSL reads both).
  const id = Object.entries(SIGNATURE_ALGORITHMS).find(
    ([, v]) => v.scheme === 'RSASSA-PKCS1-v1_5' && v.hash === hash,
  )![0];
  return { params: { name: 'RSASSA-PKCS1-v1_5' }, der: seq(oidDer(id), nullValue()) };
}

/** The DigestAlgorithmIdentifier for `hash` (parameters absent, as OpenSSL writes SHA-1/SHA-2). */
export function digestAlgorithm(hash: string): Bytes {
  const hashOid = oidOfHash(hash);
  if (!hashOid) throw unsupported(`unsupported hash ${hash}`);
  return seq(oidDer(hashOid));
}
