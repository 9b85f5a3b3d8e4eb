// A provider's signing identity: certificate, private key and the chain to embed.
import { type Bytes, describe, encodeUtf8 } from '../bytes.js';
import { resolveCrypto } from '../crypto.js';
import { oid, readRoot, TAG } from '../der/read.js';
import { invalidArgument, PecError } from '../errors.js';
import { pemDer } from '../pem.js';
import { certificateEmails, parseCertificates } from '../trust/certificates.js';
import type { Certificate } from '../x509/certificate.js';
import { CURVES, signingAlgorithm } from '../x509/signature.js';
import { DIGEST_BY_NAME, type DigestName, OID } from './oids.js';

/**
 * Certificate or key material: PEM text, PEM bytes or DER bytes.
 *
 * @example
 * ```ts
 * const cert: KeyMaterial = '-----BEGIN CERTIFICATE-----\n…';
 * ```
 * @category Building
 */
export type KeyMaterial = string | Uint8Array | ArrayBuffer;

/**
 * A ready-to-use signing identity (see {@link importSigner}).
 *
 * @example
 * ```ts
 * const s: Signer = await importSigner({ certificate, privateKey, chain });
 * s.email; // 'posta-certificata@pec.example.it' (the From of what it signs)
 * s.scheme; // 'RSASSA-PKCS1-v1_5'
 * ```
 * @category Building
 */
export interface Signer {
  /** The signer certificate. */
  readonly certificate: Certificate;
  /** Intermediate certificates to embed after the signer certificate. */
  readonly chain: readonly Certificate[];
  /** The subjectAltName e-mail of the certificate (the From address of what it signs), if any. */
  readonly email: string | null;
  /** The signature scheme the key uses. */
  readonly scheme: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA';
  /** Returns the private key for the given digest (RSA keys bind their hash at import). */
  keyFor(digest: DigestName): Promise<CryptoKey>;
}

/**
 * Input of {@link importSigner}.
 *
 * @example
 * ```ts
 * const input: SignerInput = { certificate: certPem, privateKey: keyPem, chain: caPem, rsaPadding: 'pkcs1' };
 * const signer = await importSigner(input);
 * ```
 * @category Building
 */
export interface SignerInput {
  /** The signer certificate (PEM or DER). */
  certificate: KeyMaterial;
  /** The private key: PKCS#8 PEM/DER, or a WebCrypto CryptoKey. */
  privateKey: KeyMaterial | CryptoKey;
  /** Intermediate CA certificates to embed (PEM with one or more blocks, or DER), signer's issuer first. */
  chain?: KeyMaterial | readonly KeyMaterial[];
  /** For RSA keys: PKCS#1 v1.5 (default, what providers use) or PSS. */
  rsaPadding?: 'pkcs1' | 'pss';
  /** WebCrypto implementation (default `globalThis.crypto`). */
  crypto?: Crypto;
}

function schemeOf(cert: Certificate, padding: 'pkcs1' | 'pss'): Signer['scheme'] {
  const alg = cert.publicKey.algorithm.oid;
  if (alg === OID.rsaPss) return 'RSA-PSS';
  if (alg === OID.rsaEncryption) return padding === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
  if (alg === OID.ecPublicKey) return 'ECDSA';
  throw new PecError('CMS_UNSUPPORTED', `unsupported public key algorithm ${alg} in the signer certificate`);
}

function importParams(
  cert: Certificate,
  scheme: Signer['scheme'],
  digest: DigestName,
): RsaHashedImportParams | EcKeyImportParams {
  if (scheme === 'ECDSA') {
    const params = cert.publicKey.algorithm.parameters;
    let curve: string | undefined;
    try {
      curve = params?.[0] === TAG.OID ? CURVES[oid(params, readRoot(params))]?.name : undefined;
    } catch {
      curve = undefined;
    }
    if (!curve)
      throw new PecError(
        'CMS_UNSUPPORTED',
        'unsupported or missing elliptic curve in the signer certificate',
      );
    return { name: 'ECDSA', namedCurve: curve };
  }
  return { name: scheme, hash: DIGEST_BY_NAME[digest].webcrypto };
}

// The WebCrypto parameters signDetached signs with (one table: x509/signature.ts).
const signParams = (scheme: Signer['scheme'], digest: DigestName) =>
  signingAlgorithm(scheme, DIGEST_BY_NAME[digest].webcrypto).params;

/**
 * Imports a signing identity and checks that the key belongs to the certificate (by signing and
 * verifying a probe) so that nothing is ever signed with a mismatched pair.
 *
 * @example
 * ```ts
 * const signer = await importSigner({ certificate: certPem, privateKey: keyPem, chain: caPem });
 * ```
 * @category Building
 */
export async function importSigner(input: SignerInput): Promise<Signer> {
  if (typeof input !== 'object' || input === null)
    throw invalidArgument(`importSigner expects an object, got ${describe(input)}`);
  const crypto = resolveCrypto(input.crypto);
  const certificate = certificateFrom(input.certificate, 'signer certificate');
  const chainInput =
    input.chain === undefined ? [] : Array.isArray(input.chain) ? input.chain : [input.chain as KeyMaterial];
  const chain = chainInput.flatMap((c) => certificatesFrom(c, 'chain certificate'));
  const padding = input.rsaPadding ?? 'pkcs1';
  if (padding !== 'pkcs1' && padding !== 'pss') {
    throw invalidArgument(`rsaPadding must be "pkcs1" or "pss", got ${JSON.stringify(padding)}`);
  }
  const scheme = schemeOf(certificate, padding);
  const given = input.privateKey;
  let pkcs8: Bytes | null = null;
  let fixedKey: CryptoKey | null = null;
  if (
    typeof given === 'object' &&
    given !== null &&
    'type' in given &&
    'algorithm' in given &&
    !(given instanceof Uint8Array)
  ) {
    fixedKey = given as CryptoKey;
    if (fixedKey.type !== 'private') throw invalidArgument('privateKey must be a private CryptoKey');
    if (fixedKey.extractable) pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', fixedKey));
  } else {
    pkcs8 = pemDer(given as KeyMaterial, new Set(['PRIVATE KEY']), 'private key')[0]!;
  }
  const keys = new Map<DigestName, CryptoKey>();
  const keyFor = async (digest: DigestName): Promise<CryptoKey> => {
    const cached = keys.get(digest);
    if (cached) return cached;
    let key: CryptoKey;
    if (pkcs8) {
      try {
        key = await crypto.subtle.importKey(
          'pkcs8',
          pkcs8,
          importParams(certificate, scheme, digest),
          false,
          ['sign'],
        );
      } catch (e) {
        throw new PecError(
          'KEY_MISMATCH',
          `the private key cannot be imported for ${scheme}: ${(e as Error).message}`,
          undefined,
          { cause: e },
        );
      }
    } else {
      key = fixedKey!;
      const hash = (key.algorithm as RsaHashedKeyAlgorithm).hash?.name;
      if (hash && scheme !== 'ECDSA' && hash !== DIGEST_BY_NAME[digest].webcrypto) {
        throw invalidArgument(`the non-extractable key is bound to ${hash}; it cannot sign with ${digest}`);
      }
    }
    keys.set(digest, key);
    return key;
  };
  // Probe: sign and verify with the certificate's public key.
  const probeDigest: DigestName = fixedKey && !pkcs8 ? digestOfKey(fixedKey) : 'sha256';
  const key = await keyFor(probeDigest);
  const probe = encodeUtf8('pec-kit key probe');
  let matches = false;
  try {
    const sig = await crypto.subtle.sign(signParams(scheme, probeDigest), key, probe);
    const pub = await crypto.subtle.importKey(
      'spki',
      certificate.publicKey.der as Bytes,
      importParams(certificate, scheme, probeDigest),
      false,
      ['verify'],
    );
    matches = await crypto.subtle.verify(signParams(scheme, probeDigest), pub, sig, probe);
  } catch {
    matches = false;
  }
  if (!matches)
    throw new PecError('KEY_MISMATCH', 'the private key does not belong to the signer certificate');
  return {
    certificate,
    chain,
    email: certificateEmails(certificate)[0]?.toLowerCase() ?? null,
    scheme,
    keyFor,
  };
}

function digestOfKey(key: CryptoKey): DigestName {
  const hash = (key.algorithm as RsaHashedKeyAlgorithm).hash?.name ?? 'SHA-256';
  const found = (Object.keys(DIGEST_BY_NAME) as DigestName[]).find(
    (d) => DIGEST_BY_NAME[d].webcrypto === hash,
  );
  return found ?? 'sha256';
}

function certificatesFrom(input: KeyMaterial, what: string): Certificate[] {
  if (typeof input !== 'string' && !(input instanceof Uint8Array) && !(input instanceof ArrayBuffer)) {
    throw invalidArgument(`${what} must be PEM text or DER bytes, got ${describe(input)}`);
  }
  return parseCertificates(input);
}

function certificateFrom(input: KeyMaterial, what: string): Certificate {
  const all = certificatesFrom(input, what);
  if (all.length !== 1)
    throw new PecError('CERT_MALFORMED', `${what}: expected one certificate, found ${all.length}`);
  return all[0]!;
}
