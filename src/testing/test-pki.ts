// A throwaway test PKI, made in memory (used by `pec-kit simulate`, `pec-kit demo`, the web page,
// and exported for apps that want correctly signed PEC fixtures):
// root → "PEC CA" (the stand-in for AgID CA1) → one provider certificate per mail domain, each
// following the PEC profile (spec §7.1: KU digitalSignature critical, EKU emailProtection, SAN
// posta-certificata@<domain>, policy 1.3.76.16.3.1.1). Never trust these outside tests.
// (scripts/make-test-pki.mjs makes the fixed fixture PKI the same way, with negative cases.)
import type { Bytes } from '../bytes.js';
import { importSigner, type Signer } from '../cms/signer.js';
import { resolveCrypto } from '../crypto.js';
import { readRoot, sequence } from '../der/read.js';
import {
  bitString,
  boolean,
  explicit,
  ia5String,
  implicit,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  printableString,
  seq,
  setOf,
  time,
  utf8String,
} from '../der/write.js';
import { checkOptions, optionKeys } from '../options.js';
import { pemArmor } from '../pem.js';

const TEST_PKI_KEYS = optionKeys<TestPkiOptions>({ at: true, now: true, crypto: true });

const OID = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  CN: '2.5.4.3',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  certificatePolicies: '2.5.29.32',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  pecCaPolicy: '1.3.76.16.3.1',
  pecLeafPolicy: '1.3.76.16.3.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
} as const;

const DAY = 86_400_000;

interface Entity {
  /** The encoded subject Name (the issuer Name of what this entity signs). */
  subject: Bytes;
  der: Bytes;
  keys: CryptoKeyPair;
  ski: Uint8Array;
}

/**
 * A provider identity issued by the test PKI.
 *
 * @example
 * ```ts
 * const pki = await createTestPki();
 * const p: TestProvider = await pki.provider('pec.example.it');
 * p.signer.email; // 'posta-certificata@pec.example.it'
 * const envelope = await buildEnvelope({ transaction, provider: p });
 * ```
 * @category Testing
 */
export interface TestProvider {
  domain: string;
  /** The gestore-emittente name written into daticert. */
  name: string;
  signer: Signer;
  certificatePem: string;
}

/**
 * An in-memory test PKI.
 *
 * @example
 * ```ts
 * const pki: TestPki = await createTestPki({ at: new Date('2025-03-14T10:30:00Z') });
 * const report = await verifyPec(bytes, { trust: [pki.rootPem] });
 * ```
 * @category Testing
 */
export interface TestPki {
  /** The root certificate (PEM): what a verifier must trust (ca.pem). */
  rootPem: string;
  /** The PEC CA certificate (PEM), embedded in every signature. */
  caPem: string;
  /** Issues (once per domain) a provider certificate for posta-certificata@<domain>. */
  provider(domain: string): Promise<TestProvider>;
}

function name(pairs: [keyof typeof OID, string][]): Bytes {
  // One attribute per RDN, as CAs write names.
  return seq(
    ...pairs.map(([type, value]) =>
      setOf(seq(oid(OID[type]), type === 'C' ? printableString(value) : utf8String(value))),
    ),
  );
}

/** An Extension: extnID, critical (only when true: DER omits the default), extnValue. */
function ext(extnID: string, critical: boolean, value: Uint8Array): Bytes {
  return seq(oid(extnID), ...(critical ? [boolean(true)] : []), octetString(value));
}

const policies = (id: string): Bytes => seq(seq(oid(id)));

/**
 * Options of {@link createTestPki}.
 *
 * @example
 * ```ts
 * const options: TestPkiOptions = { at: new Date('2019-01-01T00:00:00Z') }; // certificates covering an old date
 * const pki = await createTestPki(options);
 * ```
 * @category Testing
 */
export interface TestPkiOptions {
  /** The instant the certificates must cover (e.g. the transaction time). Default: `now`. */
  at?: Date;
  /** The current time (default: the clock); validity runs from a year before the earlier of `at` and `now`. */
  now?: Date;
  /** WebCrypto implementation (default `globalThis.crypto`). */
  crypto?: Crypto;
}

/**
 * Makes a TEST-ONLY root, a PEC CA (the stand-in for AgID CA1) and, on demand, provider
 * certificates following the PEC profile, valid from a year before `at` (or `now`, whichever is
 * earlier) to five years after the later of the two. Trust `rootPem` to verify what its providers sign.
 *
 * Exported by the test entry `pec-kit/testing`, not by the main entry.
 *
 * @example
 * ```ts
 * import { verifyPec } from 'pec-kit';
 * import { createTestPki } from 'pec-kit/testing';
 * const pki = await createTestPki();
 * const provider = await pki.provider('pec.example.it');
 * const report = await verifyPec(bytes, { trust: [pki.rootPem] });
 * ```
 * @category Testing
 */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  checkOptions(options, 'createTestPki options', TEST_PKI_KEYS);
  const crypto = resolveCrypto(options.crypto);
  const now = (options.now ?? new Date()).getTime();
  const at = options.at ?? new Date(now);
  const notBefore = new Date(Math.min(at.getTime(), now) - 365 * DAY);
  const notAfter = new Date(Math.max(at.getTime(), now) + 5 * 365 * DAY);
  let serial = 1;
  const rsa = () =>
    crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    ) as Promise<CryptoKeyPair>;

  const make = async (
    subjectPairs: [keyof typeof OID, string][],
    issuer: Entity | null,
    extensions: Bytes[],
  ): Promise<Entity> => {
    const keys = await rsa();
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
    const [, keyBits] = sequence(spki, readRoot(spki), 'spki');
    const ski = new Uint8Array(
      await crypto.subtle.digest('SHA-1', spki.subarray(keyBits!.valueStart + 1, keyBits!.valueEnd)),
    );
    const subject = name(subjectPairs);
    const algorithm = seq(oid(OID.sha256WithRSAEncryption), nullValue());
    const tbs = seq(
      explicit(0, integer(2)), // v3
      integer(serial++),
      algorithm,
      issuer ? issuer.subject : subject,
      seq(time(notBefore), time(notAfter)),
      subject,
      spki,
      explicit(
        3,
        seq(
          ...extensions,
          ext(OID.subjectKeyIdentifier, false, octetString(ski)),
          ext(OID.authorityKeyIdentifier, false, seq(implicit(0, octetString(issuer?.ski ?? ski)))),
        ),
      ),
    );
    const signature = await crypto.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      issuer ? issuer.keys.privateKey : keys.privateKey,
      tbs,
    );
    return { subject, der: seq(tbs, algorithm, bitString(new Uint8Array(signature))), keys, ski };
  };
  const caExtensions = (pathLen: number, policy?: string) => [
    ext(OID.basicConstraints, true, seq(boolean(true), integer(pathLen))),
    ext(OID.keyUsage, true, namedBits(0x06)),
    ...(policy ? [ext(OID.certificatePolicies, false, policies(policy))] : []),
  ];
  const root = await make(
    [
      ['C', 'IT'],
      ['O', 'pec-kit simulate'],
      ['CN', 'pec-kit Simulated Root (TEST ONLY)'],
    ],
    null,
    caExtensions(1),
  );
  const ca = await make(
    [
      ['C', 'IT'],
      ['O', 'pec-kit simulate'],
      ['CN', 'pec-kit Simulated PEC CA (TEST ONLY)'],
    ],
    root,
    caExtensions(0, OID.pecCaPolicy),
  );
  const pem = (e: Entity) => pemArmor('CERTIFICATE', e.der);
  const caPem = pem(ca);
  const issued = new Map<string, Promise<TestProvider>>();
  const issue = async (domain: string): Promise<TestProvider> => {
    const providerName = `Gestore simulato ${domain}`;
    const leaf = await make(
      [
        ['C', 'IT'],
        ['O', providerName],
        ['CN', `Posta Certificata ${domain}`],
      ],
      ca,
      [
        ext(OID.keyUsage, true, namedBits(0x80)),
        ext(OID.extKeyUsage, false, seq(oid(OID.emailProtection))),
        // GeneralNames with one rfc822Name ([1] IMPLICIT IA5String).
        ext(OID.subjectAltName, false, seq(implicit(1, ia5String(`posta-certificata@${domain}`)))),
        ext(OID.certificatePolicies, false, policies(OID.pecLeafPolicy)),
      ],
    );
    const certificatePem = pem(leaf);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', leaf.keys.privateKey));
    const signer = await importSigner({
      certificate: certificatePem,
      privateKey: pemArmor('PRIVATE KEY', pkcs8),
      chain: caPem,
      crypto,
    });
    return { domain, name: providerName, signer, certificatePem };
  };
  return {
    rootPem: pem(root),
    caPem,
    provider(domain: string) {
      const key = domain.toLowerCase();
      let p = issued.get(key);
      if (!p) {
        p = issue(key);
        issued.set(key, p);
      }
      return p;
    },
  };
}
