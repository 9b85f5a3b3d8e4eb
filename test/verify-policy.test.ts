// verifyPec on independently built negative cases: each class of defect in the signer's chain, the
// headers or the packaging gives the right verdict and code. Messages are built with the test PKI
// (fixtures/pki), signed by each special-purpose leaf.
import { describe, expect, it } from 'vitest';
import { importSigner } from '../src/cms/signer.js';
import { buildReceipt } from '../src/provider/build.js';
import { formatReport } from '../src/verify/format.js';
import { type VerificationReport, verifyPec } from '../src/verify/verify.js';
import { pki, ROOT, transaction } from './helpers/build.js';

const CRL_2030 = pki('pec-ca.crl.pem');

async function acceptanceSignedBy(
  stem: string,
  at: Date,
  opts: { chain?: string[]; domain?: string } = {},
): Promise<Uint8Array> {
  const signer = await importSigner({
    certificate: pki(`${stem}.cert.pem`),
    privateKey: pki(`${stem}.key.pem`),
    chain: opts.chain ?? [pki('pec-ca.cert.pem')],
  });
  const domain = opts.domain ?? signer.email!.split('@')[1]!;
  const built = await buildReceipt({
    kind: 'accettazione',
    transaction: transaction({ at, check: { domain } }),
    provider: { domain, name: 'Example PEC S.p.A.', signer },
    at,
  });
  return built.bytes;
}

const codes = (r: VerificationReport) => r.issues.map((i) => i.code);
const errors = (r: VerificationReport) => r.issues.filter((i) => i.severity === 'error').map((i) => i.code);
const Y2025 = new Date('2025-03-10T10:00:00Z');
/** A verification instant after every signing time used here (no SIGNING_TIME_IN_FUTURE). */
const LATER = new Date('2032-01-01T00:00:00Z');

describe('verifyPec: chain policy on built messages (test PKI, trust = test root)', () => {
  const trust = [ROOT];

  it('a good provider certificate: valid, signing time used, valid now', async () => {
    const r = await verifyPec(await acceptanceSignedBy('provider', Y2025), {
      trust,
      now: new Date('2026-11-23T00:00:00Z'),
    });
    expect(r.valid).toBe(true);
    expect(r.chain).toMatchObject({ trusted: true, atSource: 'signing-time', validNow: true });
    expect(r.chain.at).toBe(Y2025.toISOString());
    expect(r.chain.path).toHaveLength(3);
    expect(errors(r)).toEqual([]);
  });

  it('expired at signing time: CHAIN_EXPIRED', async () => {
    const r = await verifyPec(await acceptanceSignedBy('expired', Y2025), { trust });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain('CHAIN_EXPIRED');
  });

  it('signed while valid, expired since: valid at signing time, not now, and the report says both', async () => {
    const bytes = await acceptanceSignedBy('expired', new Date('2021-01-15T10:00:00Z'));
    const atSigning = await verifyPec(bytes, { trust });
    expect(atSigning.valid).toBe(true);
    expect(atSigning.chain.validNow).toBe(false);
    const atNow = await verifyPec(bytes, { trust, at: 'now' });
    expect(atNow.valid).toBe(false);
    expect(atNow.chain.atSource).toBe('now');
    expect(errors(atNow)).toContain('CHAIN_EXPIRED');
    const given = await verifyPec(bytes, { trust, at: new Date('2021-05-01T00:00:00Z') });
    expect(given.valid).toBe(true);
    expect(given.chain.atSource).toBe('given');
  });

  it.each([
    ['wrong-eku', 'CHAIN_BAD_EKU'],
    ['no-digital-signature', 'CHAIN_BAD_KEY_USAGE'],
    ['out-of-constraints', 'CHAIN_NAME_CONSTRAINTS'],
    ['excluded', 'CHAIN_NAME_CONSTRAINTS'],
  ])('%s: %s', async (stem, code) => {
    const r = await verifyPec(await acceptanceSignedBy(stem, Y2025), { trust });
    expect(r.signature.intact).toBe(true);
    expect(r.chain.trusted).toBe(false);
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain(code);
  });

  it('path length violated (PEC CA pathlen 0 → sub-CA → leaf): CHAIN_PATH_LENGTH', async () => {
    const bytes = await acceptanceSignedBy('pathlen-violation', Y2025, {
      chain: [pki('sub-ca.cert.pem'), pki('pec-ca.cert.pem')],
    });
    const r = await verifyPec(bytes, { trust });
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain('CHAIN_PATH_LENGTH');
  });

  it('a CA the caller does not trust, even though the message carries it: CHAIN_UNTRUSTED', async () => {
    const bytes = await acceptanceSignedBy('untrusted', Y2025, { chain: [pki('other-root.cert.pem')] });
    const r = await verifyPec(bytes, { trust });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain('CHAIN_UNTRUSTED');
  });

  it('the embedded PEC anchors do not trust the test PKI', async () => {
    const r = await verifyPec(await acceptanceSignedBy('provider', Y2025));
    expect(r.chain.trusted).toBe(false);
    expect(errors(r)).toContain('CHAIN_UNTRUSTED');
  });

  it('revoked before signing: CHAIN_REVOKED', async () => {
    const r = await verifyPec(await acceptanceSignedBy('revoked-early', new Date('2027-01-01T00:00:00Z')), {
      trust,
      crls: [CRL_2030],
    });
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain('CHAIN_REVOKED');
  });

  it('revoked after signing: still valid, CHAIN_REVOKED_LATER warns', async () => {
    const r = await verifyPec(await acceptanceSignedBy('revoked-late', new Date('2027-01-01T00:00:00Z')), {
      trust,
      crls: [CRL_2030],
      now: LATER,
    });
    expect(r.valid).toBe(true);
    expect(codes(r)).toContain('CHAIN_REVOKED_LATER');
    const after = await verifyPec(
      await acceptanceSignedBy('revoked-late', new Date('2031-01-01T00:00:00Z')),
      { trust, crls: [CRL_2030], now: LATER },
    );
    expect(after.valid).toBe(false);
    expect(errors(after)).toContain('CHAIN_REVOKED');
  });

  it('without CRLs revocation is not checked, and the report says so', async () => {
    const r = await verifyPec(await acceptanceSignedBy('revoked-early', new Date('2027-01-01T00:00:00Z')), {
      trust,
      now: LATER,
    });
    expect(r.valid).toBe(true);
    expect(codes(r)).toContain('CHAIN_REVOCATION_NOT_CHECKED');
  });

  it.each([
    ['weak-key', 'CHAIN_WEAK_KEY', { minRsaBits: 1024 }],
    ['no-policy', 'CHAIN_POLICY_MISSING', {}],
  ])('%s: valid with warning %s', async (stem, code, extra) => {
    const r = await verifyPec(await acceptanceSignedBy(stem, Y2025), { trust, ...extra });
    expect(r.valid).toBe(true);
    expect(r.issues.find((i) => i.code === code)?.severity).toBe('warning');
  });

  it('weak-key (RSA-1024, valid 2024–2040) is not valid by default: CHAIN_KEY_TOO_WEAK', async () => {
    const r = await verifyPec(await acceptanceSignedBy('weak-key', Y2025), { trust });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(errors(r)).toEqual(['CHAIN_KEY_TOO_WEAK']);
  });
});

describe('verifyPec: headers, line endings and wrapping on built messages', () => {
  const trust = [ROOT];
  const text = (b: Uint8Array) => new TextDecoder('latin1').decode(b);
  const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

  it('unsigned X-Ricevuta changed: signature intact, the signed kind stands, KIND_HEADER_MISMATCH', async () => {
    const b = text(await acceptanceSignedBy('provider', Y2025)).replace(
      'X-Ricevuta: accettazione',
      'X-Ricevuta: avvenuta-consegna',
    );
    const r = await verifyPec(bytes(b), { trust });
    expect(r.signature.intact).toBe(true);
    expect(r.kind).toBe('accettazione');
    expect(r.valid).toBe(true);
    expect(r.issues.find((i) => i.code === 'KIND_HEADER_MISMATCH')?.severity).toBe('warning');
    expect(r.checks.headers).toBe('warn');
  });

  it('From replaced: SIGNER_FROM_MISMATCH is an error', async () => {
    const b = text(await acceptanceSignedBy('provider', Y2025)).replace(
      /^From: .*$/m,
      'From: posta-certificata@evil.example.com\r',
    );
    const r = await verifyPec(bytes(b), { trust });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain('SIGNER_FROM_MISMATCH');
  });

  it('stored with LF line endings: valid on the CRLF-canonical bytes', async () => {
    const lf = text(await acceptanceSignedBy('provider', Y2025)).replace(/\r\n/g, '\n');
    const r = await verifyPec(bytes(lf), { trust });
    expect(r.valid).toBe(true);
    expect(r.signature.canonicalized).toBe(true);
    expect(codes(r)).toContain('SIGNATURE_CANONICALIZED');
  });

  it('a PEC message forwarded inside ordinary mail: the wrapper is not PEC, the nested verdict is reported', async () => {
    const inner = text(await acceptanceSignedBy('provider', Y2025));
    const wrapper = [
      'From: someone@example.com',
      'To: list@example.com',
      'Subject: Fwd: ACCETTAZIONE',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="wrap"',
      '',
      '--wrap',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--wrap',
      'Content-Type: message/rfc822',
      '',
      inner,
      '--wrap--',
      '',
    ].join('\r\n');
    const r = await verifyPec(bytes(wrapper), { trust });
    expect(r.kind).toBe('non-pec');
    expect(r.valid).toBe(false);
    expect(errors(r)).toContain('WRAPPED_PEC');
    expect(r.nested).toHaveLength(1);
    expect(r.nested[0]).toMatchObject({ valid: true, kind: 'accettazione' });
  });

  it('formatReport explains the verdict in Italian and English', async () => {
    const good = await verifyPec(await acceptanceSignedBy('provider', Y2025), { trust });
    expect(formatReport(good, 'it')).toMatch(/^VALIDO/);
    expect(formatReport(good, 'en')).toMatch(/^VALID/);
    const bad = await verifyPec(await acceptanceSignedBy('wrong-eku', Y2025), { trust });
    const it = formatReport(bad, 'it');
    expect(it).toMatch(/^NON VALIDO/);
    expect(it).toContain('CHAIN_BAD_EKU');
    expect(formatReport(bad, 'en')).toContain('[error] CHAIN_BAD_EKU');
  });
});

describe('verifyPec never throws on a message', () => {
  it('an unexpected failure inside a check becomes an INTERNAL_ERROR issue, not an exception', async () => {
    const bytes = await acceptanceSignedBy('provider', Y2025);
    const broken = {
      getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
      subtle: new Proxy(globalThis.crypto.subtle, {
        get(target, key) {
          if (key === 'digest') return () => Promise.reject(new Error('engine failure'));
          const v = Reflect.get(target, key);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }),
    } as unknown as Crypto;
    const r = await verifyPec(bytes, { trust: [ROOT], crypto: broken });
    expect(r.valid).toBe(false);
    expect(r.issues.find((i) => i.code === 'INTERNAL_ERROR')?.message).toContain('engine failure');
  });
});
