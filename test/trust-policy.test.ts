// Trust policy where the signer controls the clock (issue 15), on messages built with the test PKI:
// key-compromise revocations, times in the future, weak keys, and the provider's identity.
import { describe, expect, it } from 'vitest';
import { importSigner, type Signer } from '../src/cms/signer.js';
import type { PecKind } from '../src/kinds.js';
import { buildReceipt } from '../src/provider/build.js';
import { parseCertificate } from '../src/trust/certificates.js';
import { nameWords, providerIdentity, siteOf } from '../src/verify/provider-identity.js';
import { type VerificationReport, type VerifyOptions, verifyPec } from '../src/verify/verify.js';
import { fixtureSigner, pki, ROOT, transaction } from './helpers/build.js';
import { fixturePecCa, makeCertificate, makeName, rsaKey } from './helpers/made-pki.js';

const trust = [ROOT];
const CRL_2030 = pki('pec-ca.crl.pem');
const errors = (r: VerificationReport): string[] =>
  r.issues.filter((i) => i.severity === 'error').map((i) => i.code);
const codes = (r: VerificationReport): string[] => r.issues.map((i) => i.code);

async function receipt(
  signer: Signer,
  at: Date,
  opts: { kind?: PecKind; domain?: string; name?: string; idDomain?: string } = {},
): Promise<Uint8Array> {
  const domain = opts.domain ?? signer.email!.split('@')[1]!;
  const kind = opts.kind ?? 'accettazione';
  const tx = transaction({ at, check: { domain: opts.idDomain ?? domain } });
  const built = await buildReceipt({
    kind: kind as 'accettazione',
    transaction: tx,
    provider: { domain, name: opts.name ?? 'Example PEC S.p.A.', signer },
    at,
    ...(kind === 'avvenuta-consegna' ? { recipient: 'protocollo@postacert.example.org' } : {}),
  } as Parameters<typeof buildReceipt>[0]);
  return built.bytes;
}

const signerFor = (stem: string): Promise<Signer> =>
  importSigner({
    certificate: pki(`${stem}.cert.pem`),
    privateKey: pki(`${stem}.key.pem`),
    chain: [pki('pec-ca.cert.pem')],
  });

describe('key compromise: the signingTime does not save a compromised key', () => {
  // revoked-early: revoked by the PEC CA on 2025-01-01 for keyCompromise.
  const SIGNED = new Date('2024-06-01T10:00:00Z');
  const NOW = new Date('2026-01-01T00:00:00Z');

  it('signed (it says) before the revocation: not valid, CHAIN_REVOKED_COMPROMISE', async () => {
    const bytes = await receipt(await signerFor('revoked-early'), SIGNED);
    const r = await verifyPec(bytes, { trust, crls: [CRL_2030], now: NOW });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(errors(r)).toEqual(['CHAIN_REVOKED_COMPROMISE']);
  });

  it('with a trusted time from the caller (at: Date) before the revocation: valid, CHAIN_REVOKED_LATER', async () => {
    const bytes = await receipt(await signerFor('revoked-early'), SIGNED);
    const r = await verifyPec(bytes, { trust, crls: [CRL_2030], now: NOW, at: SIGNED });
    expect(r.valid).toBe(true);
    expect(r.chain.atSource).toBe('given');
    expect(codes(r)).toContain('CHAIN_REVOKED_LATER');
  });

  it('a revocation for another reason (superseded) after signing stays a warning', async () => {
    const bytes = await receipt(await signerFor('revoked-late'), new Date('2027-01-01T00:00:00Z'));
    const r = await verifyPec(bytes, { trust, crls: [CRL_2030], now: new Date('2031-01-01T00:00:00Z') });
    expect(r.valid).toBe(true);
    expect(codes(r)).toContain('CHAIN_REVOKED_LATER');
  });
});

describe('times in the future', () => {
  const NOW = new Date('2025-03-10T10:00:00Z');

  it('a signingTime and daticert date in 2039: not valid, both reported', async () => {
    const bytes = await receipt(await fixtureSigner('provider'), new Date('2039-06-01T10:00:00Z'));
    const r = await verifyPec(bytes, { trust, now: NOW });
    expect(r.signature.intact).toBe(true);
    expect(r.chain.trusted).toBe(true); // the certificate is valid in 2039: only the clock check stops it
    expect(r.valid).toBe(false);
    expect(errors(r).sort()).toEqual(['DATICERT_DATE_IN_FUTURE', 'SIGNING_TIME_IN_FUTURE']);
  });

  it('within the clock skew (4 minutes ahead): valid; maxClockSkew 0 refuses it', async () => {
    const bytes = await receipt(await fixtureSigner('provider'), new Date(NOW.getTime() + 4 * 60_000));
    expect((await verifyPec(bytes, { trust, now: NOW })).valid).toBe(true);
    const strict = await verifyPec(bytes, { trust, now: NOW, maxClockSkew: 0 });
    expect(errors(strict).sort()).toEqual(['DATICERT_DATE_IN_FUTURE', 'SIGNING_TIME_IN_FUTURE']);
  });

  it.each([-1, 1.5, Number.NaN, '300000'])('refuses maxClockSkew %s', async (skew) => {
    await expect(
      verifyPec(new Uint8Array(0), { maxClockSkew: skew as number } as VerifyOptions),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('weak keys', () => {
  const AT = new Date('2025-03-10T10:00:00Z');
  const ca = fixturePecCa();
  const leafSigner = async (bits: number): Promise<Signer> => {
    const key = rsaKey(bits);
    const cert = makeCertificate({
      serial: 0x7000 + bits,
      subject: makeName([
        ['C', 'IT'],
        ['O', 'Example PEC S.p.A.'],
        ['CN', `Posta Certificata Example PEC (RSA-${bits})`],
      ]),
      issuer: ca.subject,
      aki: ca.ski,
      spki: key.spki,
      signWith: ca.key,
    });
    return importSigner({ certificate: cert.pem, privateKey: key.keyPem, chain: [ca.pem] });
  };

  it('a 512-bit RSA signer: not valid, and no option makes it valid', async () => {
    const bytes = await receipt(await leafSigner(512), AT);
    const r = await verifyPec(bytes, { trust, now: AT });
    expect(r.signature.intact).toBe(true);
    expect(r.valid).toBe(false);
    expect(errors(r)).toEqual(['CHAIN_KEY_TOO_WEAK']);
    const lowered = await verifyPec(bytes, { trust, now: AT, minRsaBits: 1024 });
    expect(errors(lowered)).toEqual(['CHAIN_KEY_TOO_WEAK']);
    await expect(verifyPec(bytes, { trust, minRsaBits: 512 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('a 1024-bit signer valid after 2018: not valid by default, valid with a warning at minRsaBits 1024', async () => {
    const bytes = await receipt(await leafSigner(1024), AT);
    expect(errors(await verifyPec(bytes, { trust, now: AT }))).toEqual(['CHAIN_KEY_TOO_WEAK']);
    const old = await verifyPec(bytes, { trust, now: AT, minRsaBits: 1024 });
    expect(old.valid).toBe(true);
    expect(codes(old)).toContain('CHAIN_WEAK_KEY');
  });

  it('minRsaBits 3072 refuses the 2048-bit provider', async () => {
    const bytes = await receipt(await fixtureSigner('provider'), AT);
    const r = await verifyPec(bytes, { trust, now: AT, minRsaBits: 3072 });
    expect(r.valid).toBe(false);
    expect(new Set(errors(r))).toEqual(new Set(['CHAIN_KEY_TOO_WEAK'])); // leaf, CA and root: all RSA-2048
  });
});

describe("the provider's identity", () => {
  const AT = new Date('2025-03-10T10:00:00Z');

  it("a receipt of provider B re-signed by provider A, From swapped to A's: not valid", async () => {
    // The daticert still names B and B's identificativo; only the signature (and From) are A's.
    const bytes = await receipt(await fixtureSigner('provider'), AT, {
      domain: 'pec.example.it',
      name: 'Postacert S.r.l.',
      idDomain: 'postacert.example.org',
    });
    const r = await verifyPec(bytes, { trust, now: AT });
    expect(r.signature.intact).toBe(true);
    expect(r.chain.trusted).toBe(true);
    expect(codes(r)).not.toContain('SIGNER_FROM_MISMATCH');
    expect(r.valid).toBe(false);
    expect(errors(r).sort()).toEqual(['PROVIDER_DOMAIN_MISMATCH', 'PROVIDER_NAME_MISMATCH']);
    expect(r.checks.signer).toBe('fail');
  });

  it('the same receipt with its own name and identificativo: valid', async () => {
    const bytes = await receipt(await fixtureSigner('provider2'), AT, { name: 'Postacert Example S.r.l.' });
    const r = await verifyPec(bytes, { trust, now: AT });
    expect(r.valid).toBe(true);
  });

  it('a delivery receipt of the recipient provider carries the sender provider identificativo: only the name counts', async () => {
    const provider2 = await fixtureSigner('provider2');
    const own = await receipt(provider2, AT, {
      kind: 'avvenuta-consegna',
      name: 'Postacert Example S.r.l.',
      idDomain: 'pec.example.it',
    });
    expect((await verifyPec(own, { trust, now: AT })).valid).toBe(true);
    const forged = await receipt(provider2, AT, {
      kind: 'avvenuta-consegna',
      name: 'ARUBA PEC S.p.A.',
      idDomain: 'pec.example.it',
    });
    const r = await verifyPec(forged, { trust, now: AT });
    expect(r.valid).toBe(false);
    expect(errors(r)).toEqual(['PROVIDER_NAME_MISMATCH']);
  });

  it('the rule on the names and domains seen in real PEC mail', () => {
    expect(nameWords('ARUBA PEC S.p.A.')).toEqual(['aruba']);
    expect(nameWords('Sogei SpA')).toEqual(['sogei']);
    expect(nameWords('POSTECOM S.P.A. - GRUPPO POSTE ITALIANE')).toEqual(['postecom', 'poste', 'italiane']);
    expect(nameWords('Namirial S.p.A.')).toEqual(['namirial']);
    expect(nameWords('S.p.A.')).toEqual([]);
    expect(siteOf('pec.aruba.it')).toBe('aruba.it');
    expect(siteOf('pcert.sogei.it')).toBe('sogei.it');
    expect(siteOf('pec.comune.gov.it')).toBe('comune.gov.it');
    // The fixture provider (O=Example PEC S.p.A., posta-certificata@pec.example.it).
    const cert = parseCertificate(pki('provider.cert.pem'));
    const id = 'opec288.20250310.1@pec.example.it';
    expect(providerIdentity(cert, 'accettazione', 'EXAMPLE PEC S.p.A.', id)).toEqual([]);
    expect(providerIdentity(cert, 'accettazione', 'Example S.r.l.', `x@smtp.pec.example.it`)).toEqual([]);
    expect(providerIdentity(cert, 'accettazione', 'PEC S.p.A.', id)).toEqual([]); // nothing to judge
    expect(providerIdentity(cert, 'avvenuta-consegna', 'Example PEC', 'x@postacert.example.org')).toEqual([]);
    expect(
      providerIdentity(cert, 'accettazione', 'Example PEC', 'x@postacert.example.org').map((f) => f.code),
    ).toEqual(['PROVIDER_DOMAIN_MISMATCH']);
  });
});
