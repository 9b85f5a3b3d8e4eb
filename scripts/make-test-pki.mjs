#!/usr/bin/env node
// Generates the test PKI under fixtures/pki/: two roots, the "PEC CA" intermediate (the test stand-in for
// AgID CA1), provider leaf certificates that follow the PEC profile (spec §7.1) and one negative leaf per
// check the chain policy makes, plus CRLs. Every date is fixed, so the fixtures mean the same thing on
// every run; only the RSA keys (and so signatures and fingerprints) change.
//
//   node scripts/make-test-pki.mjs [outDir]        (default: fixtures/pki)
//
// This development script builds the certificates with pkijs (a devDependency; the library itself
// has its own DER writer, docs/stack.md). pkijs keeps a process-wide engine; the script never relies
// on it and passes an explicit engine to every pkijs call.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const crypto = globalThis.crypto;
const engine = new pkijs.CryptoEngine({ name: 'make-test-pki', crypto });

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'fixtures', 'pki'));

// ---------------------------------------------------------------------------------------------
// Fixed dates (UTC). Validity windows and revocation instants are the meaning of the fixtures.
const D = (s) => new Date(`${s}T00:00:00Z`);
const CA_FROM = D('2020-01-01');
const CA_TO = D('2045-01-01');
const LEAF_FROM = D('2024-01-01');
const LEAF_TO = D('2040-01-01');
const EXPIRED_FROM = D('2020-06-01');
const EXPIRED_TO = D('2021-06-01');
const REVOKED_EARLY = D('2025-01-01');
const REVOKED_LATE = D('2030-01-01');

// OIDs
const OID = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  certificatePolicies: '2.5.29.32',
  nameConstraints: '2.5.29.30',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  pecCaPolicy: '1.3.76.16.3.1',
  pecLeafPolicy: '1.3.76.16.3.1.1',
};

// Key usage bits as the first byte of the BIT STRING (bit 0 = 0x80).
const KU = { digitalSignature: 0x80, keyEncipherment: 0x20, keyCertSign: 0x04, cRLSign: 0x02 };

// ---------------------------------------------------------------------------------------------
// Small builders

async function rsaKey(bits = 2048) {
  return crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  );
}

/**
 * A Name from [type, value] pairs, most significant first (C first), as real certificates encode it.
 * Built as DER by hand: pkijs' RelativeDistinguishedNames.toSchema() would put every attribute into one
 * multi-valued RDN (`C=IT+O=...+CN=...`), which is not what any CA issues.
 */
function name(pairs) {
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

/** RFC 4514 string (least significant first) for the manifest. Values here need no escaping. */
function dn(pairs) {
  return [...pairs]
    .reverse()
    .map(([t, v]) => `${t}=${v}`)
    .join(',');
}

function ext(extnID, critical, parsed) {
  const value = parsed instanceof asn1js.BaseBlock ? parsed : parsed.toSchema();
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false), parsedValue: parsed });
}

function keyUsage(byte) {
  // DER: unused bits = trailing zero bits of the last byte.
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]).buffer, unusedBits: unused });
}

function policies(...oids) {
  return new pkijs.CertificatePolicies({
    certificatePolicies: oids.map((policyIdentifier) => new pkijs.PolicyInformation({ policyIdentifier })),
  });
}

const subtree = (type, value) => new pkijs.GeneralSubtree({ base: new pkijs.GeneralName({ type, value }) });

async function ski(publicKeyInfo) {
  const h = await crypto.subtle.digest('SHA-1', publicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
  return new Uint8Array(h);
}

/**
 * Builds and signs one certificate.
 * `issuer` is null for a self-signed root; otherwise the issuing entity { cert, keys }.
 */
async function makeCert({ serial, subject, issuer, keys, notBefore, notAfter, extensions }) {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: serial });
  cert.subject = name(subject);
  cert.issuer = issuer ? issuer.cert.subject : cert.subject;
  cert.notBefore = new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: notBefore });
  cert.notAfter = new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: notAfter });
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  const subjectKeyId = await ski(cert.subjectPublicKeyInfo);
  const authorityKeyId = issuer ? issuer.ski : subjectKeyId;
  cert.extensions = [
    ...extensions,
    ext(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: subjectKeyId.buffer })),
    ext(
      OID.authorityKeyIdentifier,
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: authorityKeyId.buffer }),
      }),
    ),
  ];
  await cert.sign(issuer ? issuer.keys.privateKey : keys.privateKey, 'SHA-256', engine);
  return { cert, keys, ski: subjectKeyId };
}

function caExtensions({ pathLen, nameConstraints, policy }) {
  const bc = pathLen === undefined ? { cA: true } : { cA: true, pathLenConstraint: pathLen }; // pitfall 7
  const list = [
    ext(OID.basicConstraints, true, new pkijs.BasicConstraints(bc)),
    ext(OID.keyUsage, true, keyUsage(KU.keyCertSign | KU.cRLSign)),
  ];
  if (policy) list.push(ext(OID.certificatePolicies, false, policies(policy)));
  if (nameConstraints) list.push(ext(OID.nameConstraints, true, nameConstraints));
  return list;
}

/** The PEC provider profile (spec §7.1), with knobs to break one rule at a time. */
function leafExtensions({
  email,
  ku = KU.digitalSignature,
  eku = [OID.emailProtection],
  policy = OID.pecLeafPolicy,
}) {
  const list = [
    ext(OID.keyUsage, true, keyUsage(ku)),
    ext(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: eku })),
    ext(
      OID.subjectAltName,
      false,
      new pkijs.AltName({ altNames: [new pkijs.GeneralName({ type: 1, value: email })] }),
    ),
  ];
  if (policy) list.push(ext(OID.certificatePolicies, false, policies(policy)));
  return list;
}

async function makeCrl({ issuer, thisUpdate, nextUpdate, number, revoked }) {
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: issuer.cert.subject,
    thisUpdate: new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: thisUpdate }),
    nextUpdate: new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: nextUpdate }),
    crlExtensions: new pkijs.Extensions({
      extensions: [
        ext(
          OID.authorityKeyIdentifier,
          false,
          new pkijs.AuthorityKeyIdentifier({
            keyIdentifier: new asn1js.OctetString({ valueHex: issuer.ski.buffer }),
          }),
        ),
        ext(OID.cRLNumber, false, new asn1js.Integer({ value: number })),
      ],
    }),
  });
  // An empty revokedCertificates must be absent, not an empty SEQUENCE (RFC 5280 §5.1.2.6).
  if (revoked.length > 0) {
    crl.revokedCertificates = revoked.map(
      ({ serial, date, reason }) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ value: serial }),
          revocationDate: new pkijs.Time({ type: pkijs.TimeType.UTCTime, value: date }),
          crlEntryExtensions: new pkijs.Extensions({
            extensions: [ext(OID.reasonCode, false, new asn1js.Enumerated({ value: reason }))],
          }),
        }),
    );
  }
  await crl.sign(issuer.keys.privateKey, 'SHA-256', engine);
  return crl;
}

function pem(label, der) {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

async function sha256Hex(der) {
  return Buffer.from(await crypto.subtle.digest('SHA-256', der)).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// The hierarchy

const ROOT_DN = [
  ['C', 'IT'],
  ['O', 'pec-kit'],
  ['CN', 'pec-kit Test Root'],
];
const OTHER_ROOT_DN = [
  ['C', 'IT'],
  ['O', 'pec-kit'],
  ['CN', 'Other Root'],
];
const PEC_CA_DN = [
  ['C', 'IT'],
  ['O', 'pec-kit'],
  ['CN', 'pec-kit Test PEC CA'],
];
const SUB_CA_DN = [
  ['C', 'IT'],
  ['O', 'pec-kit'],
  ['CN', 'pec-kit Test Sub CA'],
];
const PROVIDER_DN = [
  ['C', 'IT'],
  ['ST', 'Roma'],
  ['L', 'Roma'],
  ['O', 'Example PEC S.p.A.'],
  ['CN', 'Posta Certificata Example PEC'],
];
const PROVIDER2_DN = [
  ['C', 'IT'],
  ['ST', 'Milano'],
  ['L', 'Milano'],
  ['O', 'Postacert Example S.r.l.'],
  ['CN', 'Posta Certificata Postacert Example'],
];
const leafDn = (what) => [...PROVIDER_DN.slice(0, -1), ['CN', `Posta Certificata Example PEC (${what})`]];

const GOOD_EMAIL = 'posta-certificata@pec.example.it';

const nameConstraints = new pkijs.NameConstraints({
  permittedSubtrees: [
    subtree(1, 'pec.example.it'), // exactly this mail domain
    subtree(1, '.pec.example.it'), // and any subdomain of it
    subtree(1, 'postacert.example.org'),
    subtree(2, 'pec.example.it'),
    subtree(2, 'postacert.example.org'),
  ],
  excludedSubtrees: [subtree(1, 'blocked.pec.example.it'), subtree(2, 'blocked.pec.example.it')],
});

/**
 * Each entry: file stem, what it is for, and how each verifier must judge it. `expect.issue` is the
 * pec-kit issue code; `expect.openssl` the OpenSSL verify error text (null = OpenSSL accepts it).
 */
async function build() {
  const entities = [];
  const add = (stem, entity, info) => {
    entities.push({ stem, entity, info });
    return entity;
  };

  const rootE = add(
    'root',
    await makeCert({
      serial: 0x01,
      subject: ROOT_DN,
      issuer: null,
      keys: await rsaKey(),
      notBefore: CA_FROM,
      notAfter: CA_TO,
      extensions: caExtensions({ pathLen: 1 }),
    }),
    {
      role: 'root',
      dn: ROOT_DN,
      purpose: 'Test root CA (pathlen 1). The trust anchor of the positive tests.',
    },
  );
  const otherRootE = add(
    'other-root',
    await makeCert({
      serial: 0x01,
      subject: OTHER_ROOT_DN,
      issuer: null,
      keys: await rsaKey(),
      notBefore: CA_FROM,
      notAfter: CA_TO,
      extensions: caExtensions({}),
    }),
    { role: 'root', dn: OTHER_ROOT_DN, purpose: 'A second root that is never in the trust list.' },
  );
  const pecCaE = add(
    'pec-ca',
    await makeCert({
      serial: 0x02,
      subject: PEC_CA_DN,
      issuer: rootE,
      keys: await rsaKey(),
      notBefore: CA_FROM,
      notAfter: CA_TO,
      extensions: caExtensions({ pathLen: 0, nameConstraints, policy: OID.pecCaPolicy }),
    }),
    {
      role: 'intermediate',
      dn: PEC_CA_DN,
      purpose:
        'PEC CA (stand-in for AgID CA1): pathlen 0, keyCertSign+cRLSign, policy 1.3.76.16.3.1, name constraints ' +
        'permitting e-mail pec.example.it, .pec.example.it, postacert.example.org (DNS pec.example.it, ' +
        'postacert.example.org) and excluding blocked.pec.example.it. Also usable as a non-self-signed anchor.',
      nameConstraints: {
        permitted: [
          'email:pec.example.it',
          'email:.pec.example.it',
          'email:postacert.example.org',
          'DNS:pec.example.it',
          'DNS:postacert.example.org',
        ],
        excluded: ['email:blocked.pec.example.it', 'DNS:blocked.pec.example.it'],
      },
    },
  );
  const subCaE = add(
    'sub-ca',
    await makeCert({
      serial: 0x03,
      subject: SUB_CA_DN,
      issuer: pecCaE,
      keys: await rsaKey(),
      notBefore: CA_FROM,
      notAfter: CA_TO,
      extensions: caExtensions({ policy: OID.pecCaPolicy }),
    }),
    {
      role: 'intermediate',
      dn: SUB_CA_DN,
      purpose: 'Sub-CA issued by the PEC CA although the PEC CA has pathlen 0 (and the root pathlen 1).',
    },
  );

  const leaf = async (
    stem,
    {
      serial,
      dnPairs = PROVIDER_DN,
      issuer = pecCaE,
      bits = 2048,
      from = LEAF_FROM,
      to = LEAF_TO,
      email = GOOD_EMAIL,
      ...profile
    },
    info,
  ) =>
    add(
      stem,
      await makeCert({
        serial,
        subject: dnPairs,
        issuer,
        keys: await rsaKey(bits),
        notBefore: from,
        notAfter: to,
        extensions: leafExtensions({ email, ...profile }),
      }),
      { role: 'leaf', dn: dnPairs, email, ...info },
    );

  await leaf(
    'provider',
    { serial: 0x1001 },
    {
      purpose: 'Valid provider signing certificate (PEC profile, spec §7.1).',
      expect: { trusted: true, issue: null, openssl: null },
    },
  );
  await leaf(
    'provider2',
    { serial: 0x1002, dnPairs: PROVIDER2_DN, email: 'posta-certificata@postacert.example.org' },
    {
      purpose: 'Second valid provider, other permitted mail domain.',
      expect: { trusted: true, issue: null, openssl: null },
    },
  );
  await leaf(
    'expired',
    { serial: 0x1003, dnPairs: leafDn('expired'), from: EXPIRED_FROM, to: EXPIRED_TO },
    {
      purpose:
        'Valid only from 2020-06-01 to 2021-06-01: trusted at a signing time inside that window, not later.',
      expect: {
        trusted: false,
        issue: 'CHAIN_EXPIRED',
        openssl: 'certificate has expired',
        trustedAt: D('2021-01-01').toISOString(),
      },
    },
  );
  await leaf(
    'wrong-eku',
    { serial: 0x1004, dnPairs: leafDn('wrong EKU'), eku: [OID.serverAuth] },
    {
      purpose: 'EKU serverAuth only (no emailProtection).',
      expect: { trusted: false, issue: 'CHAIN_BAD_EKU', openssl: 'unsuitable certificate purpose' },
    },
  );
  await leaf(
    'no-digital-signature',
    { serial: 0x1005, dnPairs: leafDn('no digitalSignature'), ku: KU.keyEncipherment },
    {
      purpose: 'Key usage keyEncipherment only: no digitalSignature.',
      expect: { trusted: false, issue: 'CHAIN_BAD_KEY_USAGE', openssl: 'unsuitable certificate purpose' },
    },
  );
  await leaf(
    'out-of-constraints',
    { serial: 0x1006, dnPairs: leafDn('out of constraints'), email: 'posta-certificata@evil.example.com' },
    {
      purpose: "SAN e-mail outside the PEC CA's permitted subtrees.",
      expect: { trusted: false, issue: 'CHAIN_NAME_CONSTRAINTS', openssl: 'permitted subtree violation' },
    },
  );
  await leaf(
    'excluded',
    { serial: 0x1007, dnPairs: leafDn('excluded'), email: 'posta-certificata@blocked.pec.example.it' },
    {
      purpose: 'SAN e-mail inside a permitted subtree (.pec.example.it) but also inside an excluded one.',
      expect: { trusted: false, issue: 'CHAIN_NAME_CONSTRAINTS', openssl: 'excluded subtree violation' },
    },
  );
  await leaf(
    'untrusted',
    { serial: 0x1008, dnPairs: leafDn('untrusted'), issuer: otherRootE },
    {
      purpose: 'Issued directly by "Other Root", which is not trusted.',
      expect: { trusted: false, issue: 'CHAIN_UNTRUSTED', openssl: 'unable to get local issuer certificate' },
    },
  );
  await leaf(
    'revoked-early',
    { serial: 0x1009, dnPairs: leafDn('revoked early') },
    {
      purpose: 'Revoked by the PEC CA on 2025-01-01 (keyCompromise).',
      revocationDate: REVOKED_EARLY.toISOString(),
      expect: {
        trusted: false,
        issue: 'CHAIN_REVOKED',
        openssl: 'certificate revoked',
        untrustedFrom: REVOKED_EARLY.toISOString(),
      },
    },
  );
  await leaf(
    'revoked-late',
    { serial: 0x100a, dnPairs: leafDn('revoked late') },
    {
      purpose: 'Revoked by the PEC CA on 2030-01-01 (superseded): trusted at 2027, not at 2031.',
      revocationDate: REVOKED_LATE.toISOString(),
      expect: {
        trusted: false,
        issue: 'CHAIN_REVOKED',
        openssl: 'certificate revoked',
        untrustedFrom: REVOKED_LATE.toISOString(),
      },
    },
  );
  await leaf(
    'weak-key',
    { serial: 0x100b, dnPairs: leafDn('weak key'), bits: 1024 },
    {
      purpose:
        'RSA-1024 key: still trusted, with a CHAIN_WEAK_KEY warning (OpenSSL -auth_level 2 rejects it).',
      expect: {
        trusted: true,
        issue: 'CHAIN_WEAK_KEY',
        openssl: null,
        opensslAuthLevel2: 'EE certificate key too weak',
      },
    },
  );
  await leaf(
    'no-policy',
    { serial: 0x100c, dnPairs: leafDn('no policy'), policy: null },
    {
      purpose: 'No certificatePolicies: trusted, with a CHAIN_POLICY_MISSING warning.',
      expect: { trusted: true, issue: 'CHAIN_POLICY_MISSING', openssl: null },
    },
  );
  await leaf(
    'pathlen-violation',
    { serial: 0x100d, dnPairs: leafDn('pathlen violation'), issuer: subCaE },
    {
      purpose:
        'Issued by the sub-CA: the path root → PEC CA (pathlen 0) → sub-CA → leaf exceeds the path length.',
      expect: { trusted: false, issue: 'CHAIN_PATH_LENGTH', openssl: 'path length constraint exceeded' },
    },
  );

  const crls = [
    {
      stem: 'pec-ca',
      crl: await makeCrl({
        issuer: pecCaE,
        thisUpdate: D('2030-06-01'),
        nextUpdate: CA_TO,
        number: 2,
        revoked: [
          { serial: 0x1009, date: REVOKED_EARLY, reason: 1 /* keyCompromise */ },
          { serial: 0x100a, date: REVOKED_LATE, reason: 4 /* superseded */ },
        ],
      }),
      info: {
        issuer: dn(PEC_CA_DN),
        thisUpdate: D('2030-06-01').toISOString(),
        purpose:
          'PEC CA CRL as published in mid-2030: revokes revoked-early (2025-01-01) and revoked-late (2030-01-01).',
      },
    },
    {
      stem: 'pec-ca-2026',
      crl: await makeCrl({
        issuer: pecCaE,
        thisUpdate: D('2026-01-01'),
        nextUpdate: CA_TO,
        number: 1,
        revoked: [{ serial: 0x1009, date: REVOKED_EARLY, reason: 1 }],
      }),
      info: {
        issuer: dn(PEC_CA_DN),
        thisUpdate: D('2026-01-01').toISOString(),
        purpose:
          'PEC CA CRL as published in 2026: revokes revoked-early only (for OpenSSL checks at 2027, which refuse a CRL issued later).',
      },
    },
    {
      stem: 'root',
      crl: await makeCrl({ issuer: rootE, thisUpdate: CA_FROM, nextUpdate: CA_TO, number: 1, revoked: [] }),
      info: {
        issuer: dn(ROOT_DN),
        thisUpdate: CA_FROM.toISOString(),
        purpose: 'Root CRL, empty (for -crl_check_all).',
      },
    },
  ];

  return { entities, crls };
}

// ---------------------------------------------------------------------------------------------

const { entities, crls } = await build();

mkdirSync(outDir, { recursive: true });
// Only files this script writes: a wrong outDir must not lose anything else.
for (const f of readdirSync(outDir))
  if (/\.(cert|key|crl)\.pem$|^manifest\.json$/.test(f)) rmSync(join(outDir, f));

const manifest = {
  description:
    'pec-kit test PKI, generated by scripts/make-test-pki.mjs. Dates are fixed; keys, signatures and fingerprints change on every run. Test-only private keys: never trust these certificates anywhere else.',
  generator: 'scripts/make-test-pki.mjs',
  dates: {
    ca: { notBefore: CA_FROM.toISOString(), notAfter: CA_TO.toISOString() },
    leaf: { notBefore: LEAF_FROM.toISOString(), notAfter: LEAF_TO.toISOString() },
    expiredLeaf: { notBefore: EXPIRED_FROM.toISOString(), notAfter: EXPIRED_TO.toISOString() },
    revokedEarly: REVOKED_EARLY.toISOString(),
    revokedLate: REVOKED_LATE.toISOString(),
  },
  certificates: {},
  crls: {},
};

const hex = (b) => Buffer.from(b).toString('hex');
// Issuer DNs in the manifest come from the entity whose subject the issuer field matches.
const dnOf = new Map(
  entities.map(({ entity, info }) => [hex(entity.cert.subject.toSchema().toBER(false)), dn(info.dn)]),
);
for (const { stem, entity, info } of entities) {
  const der = entity.cert.toSchema(true).toBER(false);
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', entity.keys.privateKey);
  const certFile = `${stem}.cert.pem`;
  const keyFile = `${stem}.key.pem`;
  writeFileSync(join(outDir, certFile), pem('CERTIFICATE', der));
  writeFileSync(join(outDir, keyFile), pem('PRIVATE KEY', pkcs8));
  const { dn: dnPairs, ...rest } = info;
  manifest.certificates[stem] = {
    cert: certFile,
    key: keyFile,
    subject: dn(dnPairs),
    issuer: dnOf.get(hex(entity.cert.issuer.toSchema().toBER(false))),
    serial: entity.cert.serialNumber.valueBlock.valueDec.toString(16),
    notBefore: entity.cert.notBefore.value.toISOString(),
    notAfter: entity.cert.notAfter.value.toISOString(),
    keyBits: entity.keys.publicKey.algorithm.modulusLength,
    sha256: await sha256Hex(der),
    ...rest,
  };
}
for (const { stem, crl, info } of crls) {
  const file = `${stem}.crl.pem`;
  writeFileSync(join(outDir, file), pem('X509 CRL', crl.toSchema(true).toBER(false)));
  manifest.crls[stem] = {
    file,
    ...info,
    nextUpdate: crl.nextUpdate?.value.toISOString(),
    revoked: (crl.revokedCertificates ?? []).map((r) => ({
      serial: r.userCertificate.valueBlock.valueDec.toString(16),
      revocationDate: r.revocationDate.value.toISOString(),
    })),
  };
}
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${entities.length} certificates, ${crls.length} CRLs and manifest.json to ${outDir}`);
