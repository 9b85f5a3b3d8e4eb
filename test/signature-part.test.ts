// The signature part's own Content-Type (issue 11): the second part of a multipart/signed must be
// application/pkcs7-signature or application/x-pkcs7-signature (RFC 1847 §2.1, RFC 8551 §3.5.3).
// It was never checked: a text/plain signature part was accepted, while OpenSSL refuses it.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePec } from '../src/reading/parse.js';
import { createVerifier } from '../src/verify/verify.js';
import {
  assemble,
  b64,
  outerFields,
  type Synthetic,
  signaturePart,
  syntheticPec,
  TEST_TRUST,
} from './helpers/synthetic.js';

const verify = createVerifier({ trust: TEST_TRUST() });
const OPENSSL = process.env.OPENSSL ?? 'openssl';
const HAVE_OPENSSL = spawnSync(OPENSSL, ['version']).status === 0;

let receipt: Synthetic;
beforeAll(async () => {
  receipt = await syntheticPec({ kind: 'accettazione' });
});

function withSignatureType(type: string | null): Uint8Array {
  const part =
    type === null
      ? `Content-Transfer-Encoding: base64\r\n\r\n${b64(receipt.der)}`
      : signaturePart(b64(receipt.der), 'base64', type);
  return assemble({
    fields: outerFields(receipt),
    boundary: 'sig-type-boundary',
    parts: [receipt.signed, part],
  });
}

/** `openssl smime -verify -noverify` (no chain check): does OpenSSL accept the framing? */
function opensslAccepts(bytes: Uint8Array): boolean {
  return (
    spawnSync(OPENSSL, ['smime', '-verify', '-noverify', '-out', '/dev/null'], { input: bytes }).status === 0
  );
}

describe('the signature part Content-Type', () => {
  for (const type of [
    'application/pkcs7-signature',
    'application/x-pkcs7-signature',
    'Application/X-PKCS7-Signature',
  ]) {
    it(`${type}: accepted, valid`, async () => {
      const bytes = withSignatureType(type);
      expect(parsePec(bytes).issues.map((i) => i.code)).not.toContain('SIGNATURE_PART_TYPE');
      expect((await verify(bytes)).valid).toBe(true);
      if (HAVE_OPENSSL) expect(opensslAccepts(bytes)).toBe(true);
    });
  }

  for (const type of ['text/plain', 'application/octet-stream', 'application/pkcs7-mime', null]) {
    it(`${type ?? 'no Content-Type (text/plain by default)'}: SIGNATURE_PART_TYPE (error), not valid`, async () => {
      const bytes = withSignatureType(type);
      const pec = parsePec(bytes);
      expect(pec.issues.find((i) => i.code === 'SIGNATURE_PART_TYPE')?.severity).toBe('error');
      const report = await verify(bytes);
      expect(report.signature.intact).toBe(true); // the CMS itself is fine: only the framing is wrong
      expect(report.valid).toBe(false);
      if (HAVE_OPENSSL) expect(opensslAccepts(bytes)).toBe(false);
    });
  }
});
