import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ourView, pkijsView } from '../../test/helpers/pkijs-oracle.js';
import { isPecError } from '../errors.js';
import * as anchors from './anchors.js';
import { DEFAULT_TRUST_ANCHOR_INFO, DEFAULT_TRUST_ANCHORS, loadTrustAnchors } from './anchors.js';
import {
  EXT,
  findExtension,
  fingerprint,
  parseCertificate,
  parseCertificates,
  subjectToString,
  toDer,
} from './certificates.js';

const docs = readFileSync(new URL('../../docs/trust-anchors.md', import.meta.url), 'utf8');

describe('embedded trust anchors', () => {
  it('are exported as ordinary PEM text: 64-column base64 between the BEGIN and END lines', () => {
    const shape =
      /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{64}\n)*[A-Za-z0-9+/]{1,63}={0,2}\n-----END CERTIFICATE-----\n$|^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{64}\n)+-----END CERTIFICATE-----\n$/;
    for (const name of [
      'AGID_CA1_PEM',
      'AGID_CA1_2018_PEM',
      'AGID_CA1_2018_07_PEM',
      'DIGITPA_CA1_PEM',
    ] as const)
      expect(anchors[name], name).toMatch(shape);
  });

  it('are the PEMs listed, each described correctly', async () => {
    expect(DEFAULT_TRUST_ANCHORS).toHaveLength(DEFAULT_TRUST_ANCHOR_INFO.length);
    for (const [i, info] of DEFAULT_TRUST_ANCHOR_INFO.entries()) {
      const pem = (anchors as unknown as Record<string, string>)[info.name];
      expect(pem).toBe(DEFAULT_TRUST_ANCHORS[i]);
      const cert = parseCertificate(pem!);
      expect(subjectToString(cert)).toBe(info.subject);
      expect(cert.notBefore.toISOString()).toBe(info.notBefore);
      expect(cert.notAfter.toISOString()).toBe(info.notAfter);
      expect(await fingerprint(cert)).toBe(info.sha256);
      expect(await fingerprint(cert, 'SHA-1')).toBe(info.sha1);
      // docs/trust-anchors.md must list the constant and both fingerprints.
      expect(docs).toContain(`\`${info.name}\``);
      expect(docs).toContain(info.sha256);
      expect(docs).toContain(info.sha1);
    }
  });

  it('are PEC CAs that are not self-signed: the path ends at them, not at a root', () => {
    for (const cert of loadTrustAnchors()) {
      expect(cert.subject.equals(cert.issuer)).toBe(false);
      expect(findExtension(cert, EXT.basicConstraints)?.critical).toBe(true);
      expect(cert.basicConstraints).toEqual({ cA: true, pathLen: 0 });
    }
  });

  it('decode as pkijs decodes them (names, serial, validity, SAN, basic and name constraints)', () => {
    let constrained = 0;
    for (const cert of loadTrustAnchors()) {
      const view = ourView(cert);
      expect(view).toEqual(pkijsView(toDer(cert)));
      if (view.nameConstraints) constrained++;
    }
    expect(constrained).toBeGreaterThanOrEqual(3); // the AgID CA1 issuances list the provider domains
  });

  it('are parsed once and shared', () => {
    const a = loadTrustAnchors();
    const b = loadTrustAnchors(DEFAULT_TRUST_ANCHORS);
    expect(a).toHaveLength(4);
    for (const [i, c] of a.entries()) expect(c).toBe(b[i]);
  });

  it('can be extended with PEM, DER or parsed certificates', () => {
    const extra = readFileSync(new URL('../../fixtures/pki/pec-ca.cert.pem', import.meta.url), 'latin1');
    const parsed = parseCertificate(extra);
    const list = loadTrustAnchors([...DEFAULT_TRUST_ANCHORS, extra, toDer(parsed), parsed]);
    expect(list).toHaveLength(7);
    expect(list[6]).toBe(parsed);
    // A bundle string yields every certificate in it.
    expect(loadTrustAnchors([DEFAULT_TRUST_ANCHORS.join('\n')])).toHaveLength(4);
    expect(parseCertificates(DEFAULT_TRUST_ANCHORS.join(''))).toHaveLength(4);
  });

  it('refuses what is not a certificate', () => {
    expect(() => loadTrustAnchors(['not a certificate'])).toThrow(
      expect.objectContaining({ code: 'CERT_MALFORMED' }),
    );
    expect(() => loadTrustAnchors([42 as unknown as string])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => loadTrustAnchors('x' as unknown as string[])).toThrow(
      expect.toSatisfy((e: unknown) => isPecError(e, 'INVALID_ARGUMENT')),
    );
  });
});
