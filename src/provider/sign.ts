// The provider identity and the S/MIME wrapper every PEC message shares: the signed multipart/mixed
// (readable text, daticert.xml, postacert.eml), the detached CMS signature and the unsigned outer
// headers. `providerCompat` reproduces what Aruba, Sogei and Namirial send (spec §3.1).
import { ascii, type Bytes, concat, describe, indexOf, latin1 } from '../bytes.js';
import type { DigestName } from '../cms/oids.js';
import { signDetached } from '../cms/sign.js';
import type { Signer } from '../cms/signer.js';
import { invalidArgument, PecError } from '../errors.js';
import { assertNoControls } from '../mime/encode-header.js';
import {
  type HeaderList,
  type MimeNode,
  type RandomSource,
  writeEntity,
  writeHeaders,
  writeMultipartSigned,
} from '../mime/write.js';
import { assertDomain } from './ids.js';

/**
 * A PEC provider (gestore) as a builder needs it.
 *
 * @example
 * ```ts
 * const provider: PecProvider = {
 *   domain: 'pec.example.it',
 *   name: 'ESEMPIO PEC S.p.A.',
 *   signer: await importSigner({ certificate, privateKey, chain }),
 * };
 * ```
 * @category Building
 */
export interface PecProvider {
  /** The provider's mail domain: messages come from `posta-certificata@<domain>`. */
  domain: string;
  /** daticert `<gestore-emittente>`, e.g. `ESEMPIO PEC S.p.A.`. */
  name: string;
  /** The signing identity (see `importSigner`); its certificate e-mail must be `posta-certificata@<domain>`. */
  signer: Signer;
}

/**
 * Options every builder takes.
 *
 * @example
 * ```ts
 * const options: BuildOptions = { provider, at: new Date('2025-03-14T10:30:00Z'), providerCompat: true };
 * const envelope = await buildEnvelope({ transaction, ...options });
 * ```
 * @category Building
 */
export interface BuildOptions {
  /** The provider that emits the message. */
  provider: PecProvider;
  /** The event time: daticert `<data>`, the `Date:` header and the CMS signingTime (whole seconds). */
  at?: Date;
  /**
   * Mimic real providers: SHA-1 (unless `digest` says otherwise), `application/x-pkcs7-signature`,
   * `micalg="sha1"`, `Content-Transfer-Encoding: binary` and `MIME-Version` on the signed
   * multipart/mixed, text as multipart/alternative with HTML. Default false.
   */
  providerCompat?: boolean;
  /** Digest of the CMS signature. Default `sha256` (`sha1` with `providerCompat`). */
  digest?: DigestName;
  /** Add a passive HTML alternative to the readable text. Default: true with `providerCompat`, else false. */
  html?: boolean;
  /**
   * WebCrypto implementation. Default: the platform's (`globalThis.crypto`); in Node, digests and
   * signature checks then run in node:crypto on the calling thread (same results, a fifth of the
   * CPU). Pass one, even `globalThis.crypto`, to have it do everything.
   */
  crypto?: Crypto;
  /** Random source for boundaries and identifiers (default WebCrypto); fix it for reproducible output. */
  random?: RandomSource;
}

/** The provider's address, after checking the provider (before anything is signed). */
export function providerAddress(provider: PecProvider): string {
  if (typeof provider !== 'object' || provider === null)
    throw invalidArgument(`provider must be an object, got ${describe(provider)}`);
  assertDomain(provider.domain, 'provider.domain');
  if (typeof provider.name !== 'string')
    throw invalidArgument(`provider.name must be a string, got ${describe(provider.name)}`);
  assertNoControls(provider.name, 'provider.name');
  if (provider.name.trim() === '' || provider.name.trim() !== provider.name) {
    throw new PecError('BUILD_INVALID', 'provider.name (gestore-emittente) must be non-empty and trimmed');
  }
  const signer = provider.signer;
  if (
    typeof signer !== 'object' ||
    signer === null ||
    typeof signer.keyFor !== 'function' ||
    !signer.certificate
  ) {
    throw invalidArgument(`provider.signer must be a Signer from importSigner, got ${describe(signer)}`);
  }
  const address = `posta-certificata@${provider.domain}`;
  if (signer.email?.toLowerCase() !== address.toLowerCase()) {
    throw new PecError(
      'BUILD_INVALID',
      `the signer certificate is for ${signer.email ?? '(no e-mail)'}, but messages of ${provider.domain} come from ${address} (RFC 6109 §2.1)`,
      { expected: address, certificate: signer.email },
    );
  }
  return address;
}

/** What goes into one message. */
export interface Assembly {
  outerHeaders: HeaderList;
  text: { plain: string; html: string };
  daticert: Bytes | null;
  postacert: Bytes | null;
  /** Let postacert.eml have lines over 998 bytes or NUL (anomaly envelopes wrap whatever arrived). */
  allowBinary?: boolean;
}

interface Resolved {
  digest: DigestName;
  protocol: 'application/pkcs7-signature' | 'application/x-pkcs7-signature';
  micalg: string;
  compat: boolean;
  html: boolean;
}

/** Digest, protocol and micalg from the options (checked before signing). */
export function resolveSigning(options: BuildOptions): Resolved {
  const compat = options.providerCompat === true;
  const digest = options.digest ?? (compat ? 'sha1' : 'sha256');
  const names: Record<DigestName, string> = {
    sha1: 'sha-1',
    sha256: 'sha-256',
    sha384: 'sha-384',
    sha512: 'sha-512',
  };
  if (!(digest in names))
    throw invalidArgument(`digest must be sha1, sha256, sha384 or sha512, got ${describe(digest)}`);
  if (options.html !== undefined && typeof options.html !== 'boolean')
    throw invalidArgument('html must be a boolean');
  return {
    digest,
    protocol: compat ? 'application/x-pkcs7-signature' : 'application/pkcs7-signature',
    // Providers write "sha1"; RFC 5751 names it "sha-1".
    micalg: compat && digest === 'sha1' ? 'sha1' : names[digest],
    compat,
    html: options.html ?? compat,
  };
}

/**
 * Adds `Content-Transfer-Encoding: binary` and `MIME-Version: 1.0` to a written multipart entity,
 * as providers do (the content is 7-bit all the same). An existing CTE field is replaced.
 */
function providerFields(entity: Bytes, mimeVersion: boolean): Bytes {
  const end = indexOf(entity, ascii('\r\n\r\n')) + 2;
  const head = latin1(entity, 0, end).replace(/^Content-Transfer-Encoding:[^\r\n]*\r\n/im, '');
  const extra = `Content-Transfer-Encoding: binary\r\n${mimeVersion ? 'MIME-Version: 1.0\r\n' : ''}`;
  return concat([ascii(head + extra), entity.subarray(end)]);
}

/** Writes the signed multipart/mixed entity (the exact bytes the signature covers). */
export function writeSignedEntity(a: Assembly, r: Resolved, random: RandomSource | undefined): Bytes {
  const plain: MimeNode = { kind: 'text', text: a.text.plain, charset: 'iso-8859-1', disposition: 'inline' };
  let text: MimeNode = plain;
  if (r.html) {
    const alternative: MimeNode = {
      kind: 'multipart',
      subtype: 'alternative',
      parts: [
        plain,
        { kind: 'text', subtype: 'html', text: a.text.html, charset: 'iso-8859-1', disposition: 'inline' },
      ],
    };
    text = r.compat
      ? { kind: 'raw', bytes: providerFields(writeEntity(alternative, { randomBytes: random }), false) }
      : alternative;
  }
  const parts: MimeNode[] = [text];
  if (a.daticert)
    parts.push({
      kind: 'binary',
      contentType: 'application/xml',
      body: a.daticert,
      filename: 'daticert.xml',
      disposition: 'inline',
    });
  if (a.postacert)
    parts.push({
      kind: 'message',
      message: a.postacert,
      filename: 'postacert.eml',
      disposition: 'inline',
      allowBinary: a.allowBinary === true,
    });
  const mixed = writeEntity({ kind: 'multipart', subtype: 'mixed', parts }, { randomBytes: random });
  return r.compat ? providerFields(mixed, true) : mixed;
}

/**
 * Signs and writes one PEC message. Everything that can be wrong with the input is checked by the
 * caller and by the dry run of the outer headers here, before the key is touched.
 */
export async function signAndWrite(a: Assembly, options: BuildOptions, at: Date): Promise<Bytes> {
  const r = resolveSigning(options);
  writeHeaders(a.outerHeaders); // dry run: injection and encoding errors surface before signing
  const signedEntity = writeSignedEntity(a, r, options.random);
  const signature = await signDetached(signedEntity, options.provider.signer, {
    digest: r.digest,
    signingTime: at,
    ...(options.crypto ? { crypto: options.crypto } : {}),
  });
  return writeMultipartSigned({
    signedEntity,
    signature,
    protocol: r.protocol,
    micalg: r.micalg,
    outerHeaders: a.outerHeaders,
    randomBytes: options.random,
  });
}
