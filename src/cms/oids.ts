// Object identifiers used by PEC signatures, as data.

/** Digest algorithms pec-kit accepts in a CMS SignerInfo, by OID. */
export const DIGESTS: Readonly<Record<string, { name: DigestName; webcrypto: string }>> = {
  '1.3.14.3.2.26': { name: 'sha1', webcrypto: 'SHA-1' },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', webcrypto: 'SHA-256' },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', webcrypto: 'SHA-384' },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', webcrypto: 'SHA-512' },
};

/**
 * The digest names used in reports and options.
 *
 * @example
 * ```ts
 * const digest: DigestName = 'sha1'; // what real providers still sign with
 * const der = await signDetached(content, signer, { digest });
 * ```
 * @category Low-level
 */
export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Digest name → OID and WebCrypto name. */
export const DIGEST_BY_NAME: Readonly<
  Record<DigestName, { oid: string; webcrypto: string; micalg: string }>
> = {
  sha1: { oid: '1.3.14.3.2.26', webcrypto: 'SHA-1', micalg: 'sha1' },
  sha256: { oid: '2.16.840.1.101.3.4.2.1', webcrypto: 'SHA-256', micalg: 'sha-256' },
  sha384: { oid: '2.16.840.1.101.3.4.2.2', webcrypto: 'SHA-384', micalg: 'sha-384' },
  sha512: { oid: '2.16.840.1.101.3.4.2.3', webcrypto: 'SHA-512', micalg: 'sha-512' },
};

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
} as const;
