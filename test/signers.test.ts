// Issue 11 (and 15): every SignerInfo is judged, inconsistent digest/signature pairs are refused,
// RSASSA-PSS needs its parameters, eContentType is id-data also without signed attributes. Each
// CMS below is built by DER surgery on a real test-PKI signature and, where it matters, signed
// again so that the old reader accepted it as intact.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bytes } from '../src/bytes.js';
import { signDetached } from '../src/cms/sign.js';
import { verifyDetached } from '../src/cms/verify.js';
import { verifyPec } from '../src/verify/verify.js';
import { at, cloneTree, find, parseTree, prim, type Tree, writeTree } from './helpers/der-tree.js';
import {
  assemble,
  b64,
  forgerSigner,
  outerFields,
  PKI_DIR,
  providerSigner,
  SIGNED_AT,
  signaturePart,
  syntheticPec,
  TEST_TRUST,
} from './helpers/synthetic.js';

const subtle = globalThis.crypto.subtle;
const CONTENT = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nsigners\r\n');
const SHA1_RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
const RSA_PSS = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const seqOf = (...kids: Tree[]): Tree => ({ tag: 0x30, kids });

function providerKey(params: RsaHashedImportParams): Promise<CryptoKey> {
  const pem = readFileSync(resolve(PKI_DIR, 'provider.key.pem'), 'latin1');
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return subtle.importKey('pkcs8', der, params, false, ['sign']);
}

/** The parts of a one-signer CMS tree: SignedData and its (first) SignerInfo. */
function parts(t: Tree): { sd: Tree; info: Tree } {
  const sd = at(t, 1, 0);
  return { sd, info: at(sd, sd.kids!.length - 1, 0) };
}

/** The DER of the signed attributes as signed (re-tagged SET OF). */
const signedAttrs = (info: Tree): Uint8Array => writeTree({ ...at(info, 3), tag: 0x31 });

async function baseCms(digest: 'sha1' | 'sha256' = 'sha256'): Promise<Tree> {
  return parseTree(await signDetached(CONTENT, await providerSigner(), { digest, signingTime: SIGNED_AT }));
}

describe('digest and signature algorithms', () => {
  it('refuses a SHA-256 digest signed with sha1WithRSAEncryption (it verified before)', async () => {
    const t = await baseCms('sha256');
    const { info } = parts(t);
    const key = await providerKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' });
    info.kids![4] = seqOf(prim(0x06, ...SHA1_RSA), prim(0x05));
    at(info, 5).val = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', key, signedAttrs(info) as Bytes));
    const r = await verifyDetached(CONTENT, writeTree(t) as Bytes);
    expect(r.failure).toBe('SIGNATURE_ALGORITHM_MISMATCH');
    expect(r.intact).toBe(false);
  });

  it('accepts the consistent pair: SHA-1 digest with sha1WithRSAEncryption', async () => {
    const t = await baseCms('sha1');
    const { info } = parts(t);
    const key = await providerKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' });
    info.kids![4] = seqOf(prim(0x06, ...SHA1_RSA), prim(0x05));
    at(info, 5).val = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', key, signedAttrs(info) as Bytes));
    const r = await verifyDetached(CONTENT, writeTree(t) as Bytes);
    expect(r.intact).toBe(true);
    expect(r.digestAlgorithm).toBe('sha1');
  });

  // RSASSA-PSS with the default parameters (SHA-1, MGF1-SHA-1, salt 20), written three ways.
  async function pss(params: Tree | null): Promise<Bytes> {
    const t = await baseCms('sha1');
    const { info } = parts(t);
    const key = await providerKey({ name: 'RSA-PSS', hash: 'SHA-1' });
    info.kids![4] = seqOf(prim(0x06, ...RSA_PSS), ...(params ? [params] : []));
    const sig = await subtle.sign({ name: 'RSA-PSS', saltLength: 20 }, key, signedAttrs(info) as Bytes);
    at(info, 5).val = new Uint8Array(sig);
    return writeTree(t) as Bytes;
  }

  it('reads RSASSA-PSS-params given as an empty SEQUENCE (all defaults)', async () => {
    expect((await verifyDetached(CONTENT, await pss(seqOf()))).intact).toBe(true);
  });

  it('refuses RSASSA-PSS with NULL parameters (once read as the defaults)', async () => {
    const r = await verifyDetached(CONTENT, await pss(prim(0x05)));
    expect(r.intact).toBe(false);
    expect(r.failure).toBe('SIGNATURE_UNSUPPORTED_ALGORITHM');
  });

  it('refuses RSASSA-PSS without parameters in a signature (RFC 4055 §3.1)', async () => {
    const r = await verifyDetached(CONTENT, await pss(null));
    expect(r.failure).toBe('SIGNATURE_UNSUPPORTED_ALGORITHM');
  });
});

describe('eContentType without signed attributes', () => {
  /** A CMS without signed attributes (the signature over the content itself), eContentType `oid`. */
  async function noAttrs(eContentType: number[] | null): Promise<Bytes> {
    const t = await baseCms('sha256');
    const { sd, info } = parts(t);
    info.kids!.splice(3, 1);
    const key = await providerKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
    at(info, 4).val = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', key, CONTENT as Bytes));
    if (eContentType) at(sd, 2, 0).val = new Uint8Array(eContentType);
    return writeTree(t) as Bytes;
  }

  it('verifies with id-data', async () => {
    expect((await verifyDetached(CONTENT, await noAttrs(null))).intact).toBe(true);
  });

  it('refuses another eContentType (id-ct-TSTInfo) even though nothing else names it', async () => {
    const tstInfo = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04];
    const r = await verifyDetached(CONTENT, await noAttrs(tstInfo));
    expect(r.intact).toBe(false);
    expect(r.failure).toBe('SIGNATURE_CONTENT_TYPE');
  });
});

describe('several SignerInfos', () => {
  /** The synthetic receipt with a second SignerInfo (and its certificate) from `extra`. */
  async function twoSigners(
    extra: Awaited<ReturnType<typeof providerSigner>>,
    change: (info: Tree) => void = () => {},
    digest: 'sha1' | 'sha256' = 'sha256',
  ): Promise<Uint8Array> {
    const s = await syntheticPec();
    const t = parseTree(s.der);
    const second = parseTree(
      await signDetached(s.signed, extra, { digest, signingTime: new Date(SIGNED_AT.getTime() + 1000) }),
    );
    const { sd } = parts(t);
    const { sd: sd2, info: info2 } = parts(second);
    const info = cloneTree(info2);
    change(info);
    find(sd, (n) => n.tag === 0xa0)!.kids!.push(cloneTree(at(find(sd2, (n) => n.tag === 0xa0)!, 0)));
    at(sd, sd.kids!.length - 1).kids!.push(info);
    const der = writeTree(t);
    return assemble({
      fields: outerFields(s),
      boundary: s.outerBoundary,
      parts: [s.signed, signaturePart(b64(der))],
    });
  }
  const codes = (r: Awaited<ReturnType<typeof verifyPec>>): string[] => r.issues.map((i) => i.code);

  it('the one-signer receipt is valid (the control)', async () => {
    const r = await verifyPec((await syntheticPec()).bytes, { trust: TEST_TRUST() });
    expect(r.valid).toBe(true);
  });

  it('reports a second SignerInfo from an untrusted certificate, and the message is not valid', async () => {
    const r = await verifyPec(await twoSigners(await forgerSigner()), { trust: TEST_TRUST() });
    expect(codes(r)).toContain('SIGNATURE_EXTRA_SIGNER_UNTRUSTED');
    expect(codes(r)).not.toContain('SIGNATURE_MULTIPLE_SIGNERS');
    expect(r.valid).toBe(false);
  });

  it('reports a broken second SignerInfo, and the message is not valid', async () => {
    const bytes = await twoSigners(await providerSigner(), (info) => {
      const sig = at(info, 5).val!;
      sig[10]! ^= 1;
    });
    const r = await verifyPec(bytes, { trust: TEST_TRUST() });
    expect(codes(r)).toContain('SIGNATURE_EXTRA_SIGNER_INVALID');
    expect(r.valid).toBe(false);
  });

  it('reports a second SignerInfo that does not even decode, instead of rejecting', async () => {
    const bytes = await twoSigners(await providerSigner(), (info) => {
      at(info, 0).val = new Uint8Array([3]); // version 3 with issuerAndSerialNumber
    });
    const r = await verifyPec(bytes, { trust: TEST_TRUST() });
    expect(codes(r)).toContain('SIGNATURE_EXTRA_SIGNER_INVALID');
    expect(r.valid).toBe(false);
  });

  it('accepts a second genuine, trusted SignerInfo with a warning that both were checked', async () => {
    const r = await verifyPec(await twoSigners(await providerSigner()), { trust: TEST_TRUST() });
    const multiple = r.issues.find((i) => i.code === 'SIGNATURE_MULTIPLE_SIGNERS');
    expect(multiple?.severity).toBe('warning');
    expect(multiple?.message).toMatch(/every one verifies/);
    expect(r.valid).toBe(true);
  });

  it('reports SHA-1 when only the second SignerInfo uses it (the weakest algorithm counts)', async () => {
    const r = await verifyPec(await twoSigners(await providerSigner(), () => {}, 'sha1'), {
      trust: TEST_TRUST(),
    });
    expect(codes(r)).toContain('SIGNATURE_SHA1');
  });

  it('stops at maxSigners SignerInfos (LIMIT_EXCEEDED)', async () => {
    const r = await verifyPec(await twoSigners(await providerSigner()), {
      trust: TEST_TRUST(),
      limits: { maxSigners: 1 },
    });
    expect(codes(r)).toContain('LIMIT_EXCEEDED');
    expect(r.valid).toBe(false);
  });
});
