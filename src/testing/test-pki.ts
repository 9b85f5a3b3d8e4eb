// A throwaway test PKI, made in memory (used by `pec-kit simulate`, `pec-kit demo`, the web page,
// and exported for apps that want correctly signed PEC fixtures):
// root → "PEC CA" (the stand-in for AgID CA1) → one provider certificate per mail domain, each
// following the PEC profile (spec §7.1: KU digitalSignature critical, EKU emailProtection, SAN
// posta-certificata@<domain>, policy 1.3.76.16.3.1.1). Never trust these outside tests.
// (scripts/make-test-pki.mjs makes the fixed fixture PKI the same way, with negative cases.)
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { importSigner, type Signer } from '../cms/signer.js';
import { resolveCrypto } from '../crypto.js';
import { pemArmor } from '../pem.js';
import { toPem } from '../trust/certificates.js';

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
} as const;

const DAY = 86_400_000;

interface Entity {
  cert: pkijs.Certificate;
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
 */
export interface TestPki {
  /** The root certificate (PEM): what a verifier must trust (ca.pem). */
  rootPem: string;
  /** The PEC CA certificate (PEM), embedded in every signature. */
  caPem: string;
  /** Issues (once per domain) a provider certificate for posta-certificata@<domain>. */
  provider(domain: string): Promise<TestProvider>;
}

function name(pairs: [keyof typeof OID, string][]): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN, as CAs write names (pkijs would make one multi-valued RDN).
  const rdns = pairs.map(
    ([type, value]) =>
      new asn1js.Set({
        value: [
          new pkijs.AttributeTypeAndValue({
            type: OID[type],
            value: type === 'C' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value }),
          }).toSchema(),
        ],
      }),
  );
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}

function ext(
  extnID: string,
  critical: boolean,
  parsed: { toSchema(): asn1js.AsnType } | asn1js.BaseBlock,
): pkijs.Extension {
  const value = parsed instanceof asn1js.BaseBlock ? parsed : parsed.toSchema();
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false), parsedValue: parsed });
}

function keyUsage(byte: number): asn1js.BitString {
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]).buffer, unusedBits: unused });
}

function policies(oid: string): pkijs.CertificatePolicies {
  return new pkijs.CertificatePolicies({
    certificatePolicies: [new pkijs.PolicyInformation({ policyIdentifier: oid })],
  });
}

/**
 * Options of {@link createTestPki}.
 *
 * @example
 * ```ts
 * const options: TestPkiOptions = { at: new Date('2019-01-01T00:00:00Z') }; // certificates covering an old date
 * const pki = await createTestPki(options);
 * ```
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
 * @example
 * ```ts
 * const pki = await createTestPki();
 * const provider = await pki.provider('pec.example.it');
 * const report = await verifyPec(bytes, { trust: [pki.rootPem] });
 * ```
 */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const crypto = resolveCrypto(options.crypto);
  const engine = new pkijs.CryptoEngine({ name: 'pec-kit-test-pki', crypto });
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
    subject: [keyof typeof OID, string][],
    issuer: Entity | null,
    extensions: pkijs.Extension[],
  ): Promise<Entity> => {
    const keys = await rsa();
    const cert = new pkijs.Certificate();
    cert.version = 2;
    cert.serialNumber = new asn1js.Integer({ value: serial++ });
    cert.subject = name(subject);
    cert.issuer = issuer ? issuer.cert.subject : cert.subject;
    cert.notBefore = new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: notBefore });
    cert.notAfter = new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: notAfter });
    await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
    const ski = new Uint8Array(
      await crypto.subtle.digest(
        'SHA-1',
        cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>,
      ),
    );
    cert.extensions = [
      ...extensions,
      ext(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ski.buffer })),
      ext(
        OID.authorityKeyIdentifier,
        false,
        new pkijs.AuthorityKeyIdentifier({
          keyIdentifier: new asn1js.OctetString({ valueHex: (issuer?.ski ?? ski).slice().buffer }),
        }),
      ),
    ];
    await cert.sign(issuer ? issuer.keys.privateKey : keys.privateKey, 'SHA-256', engine);
    return { cert, keys, ski };
  };
  const caExtensions = (pathLen: number, policy?: string) => [
    ext(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: true, pathLenConstraint: pathLen })),
    ext(OID.keyUsage, true, keyUsage(0x06)),
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
  const pem = (c: pkijs.Certificate) => toPem(c);
  const caPem = pem(ca.cert);
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
        ext(OID.keyUsage, true, keyUsage(0x80)),
        ext(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.emailProtection] })),
        ext(
          OID.subjectAltName,
          false,
          new pkijs.AltName({
            altNames: [new pkijs.GeneralName({ type: 1, value: `posta-certificata@${domain}` })],
          }),
        ),
        ext(OID.certificatePolicies, false, policies(OID.pecLeafPolicy)),
      ],
    );
    const certificatePem = pem(leaf.cert);
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
    rootPem: pem(root.cert),
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
