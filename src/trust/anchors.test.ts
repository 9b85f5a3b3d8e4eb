import { readFileSync } from 'node:fs';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { type Bytes, toHex } from '../bytes.js';
import { isPecError } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';
import type { GeneralName } from '../x509/extensions.js';
import type { Name } from '../x509/name.js';
import * as anchors from './anchors.js';
import { DEFAULT_TRUST_ANCHOR_INFO, DEFAULT_TRUST_ANCHORS, loadTrustAnchors } from './anchors.js';
import {
  EXT,
  findExtension,
  fingerprint,
  parseCertificate,
  parseCertificates,
  sanEmails,
  subjectToString,
  toDer,
} from './certificates.js';

const docs = readFileSync(new URL('../../docs/trust-anchors.md', import.meta.url), 'utf8');

// pkijs as an independent decoder of the same DER: what pec-kit reads must be what pkijs reads.
const GENERAL_NAME_TYPES = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
];
const pkijsAttributes = (n: pkijs.RelativeDistinguishedNames): [string, string | null][] =>
  n.typesAndValues.map((tv) => {
    const v: unknown = tv.value.valueBlock.value;
    return [tv.type, typeof v === 'string' ? v : null];
  });
const ourAttributes = (n: Name): [string, string | null][] => n.rdns.flat().map((a) => [a.type, a.value]);
const pkijsSubtrees = (subtrees: pkijs.GeneralSubtree[] | undefined): [string, unknown][] =>
  (subtrees ?? []).map(({ base }) => [
    GENERAL_NAME_TYPES[base.type] ?? String(base.type),
    base.type === 4
      ? pkijsAttributes(base.value)
      : base.type === 7
        ? toHex((base.value as asn1js.OctetString).valueBlock.valueHexView)
        : base.value,
  ]);
const ourSubtrees = (names: readonly GeneralName[]): [string, unknown][] =>
  names.map((n) => [
    n.type,
    n.type === 'directoryName' ? ourAttributes(n.value) : n.type === 'iPAddress' ? toHex(n.value) : n.value,
  ]);

function pkijsView(der: Bytes) {
  const c = pkijs.Certificate.fromBER(der);
  const parsed = (oid: string) => c.extensions?.find((e) => e.extnID === oid)?.parsedValue;
  const bc = parsed(EXT.basicConstraints) as pkijs.BasicConstraints | undefined;
  const nc = parsed(EXT.nameConstraints) as pkijs.NameConstraints | undefined;
  const san = parsed(EXT.subjectAltName) as pkijs.AltName | undefined;
  return {
    subject: pkijsAttributes(c.subject),
    issuer: pkijsAttributes(c.issuer),
    serial: toHex(c.serialNumber.valueBlock.valueHexView),
    notBefore: c.notBefore.value.toISOString(),
    notAfter: c.notAfter.value.toISOString(),
    sanEmails: (san?.altNames ?? []).filter((n) => n.type === 1).map((n) => n.value as string),
    basicConstraints: bc
      ? { cA: bc.cA, pathLen: typeof bc.pathLenConstraint === 'number' ? bc.pathLenConstraint : undefined }
      : null,
    nameConstraints: nc
      ? { permitted: pkijsSubtrees(nc.permittedSubtrees), excluded: pkijsSubtrees(nc.excludedSubtrees) }
      : null,
  };
}

function ourView(cert: Certificate): ReturnType<typeof pkijsView> {
  const bc = cert.basicConstraints;
  const nc = cert.nameConstraints;
  return {
    subject: ourAttributes(cert.subject),
    issuer: ourAttributes(cert.issuer),
    serial: toHex(cert.serialNumber),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    sanEmails: sanEmails(cert),
    basicConstraints: bc ? { cA: bc.cA, pathLen: bc.pathLen } : null,
    nameConstraints: nc ? { permitted: ourSubtrees(nc.permitted), excluded: ourSubtrees(nc.excluded) } : null,
  };
}

describe('embedded trust anchors', () => {
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
