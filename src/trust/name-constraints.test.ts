import { readFileSync } from 'node:fs';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { encoded, readRoot, sequence } from '../der/read.js';
import { boolean, explicit, ia5String, implicit, octetString, oid, seq, utf8String } from '../der/write.js';
import type { Certificate } from '../x509/certificate.js';
import type { NameAttribute } from '../x509/name.js';
import { AGID_CA1_2018_PEM } from './anchors.js';
import { EXT, findExtension, parseCertificate, toDer } from './certificates.js';
import {
  directoryNameMatches,
  dnsMatches,
  emailMatches,
  ipMatches,
  nameConstraintViolations,
  uriMatches,
} from './name-constraints.js';

const PKI = new URL('../../fixtures/pki/', import.meta.url);
const cert = (stem: string): Certificate => parseCertificate(readFileSync(new URL(`${stem}.cert.pem`, PKI)));
const attr = (type: string, value: string): NameAttribute => ({ type, value, berHex: '' });

// GeneralName alternatives, as encoded ([n] IMPLICIT).
const rfc822 = (s: string): Uint8Array => implicit(1, ia5String(s));
const dns = (s: string): Uint8Array => implicit(2, ia5String(s));
const uri = (s: string): Uint8Array => implicit(6, ia5String(s));
// otherName ::= [0] { type-id OID, value [0] EXPLICIT ANY } (here a UPN).
const otherName = (s: string): Uint8Array =>
  explicit(0, oid('1.3.6.1.4.1.311.20.2.3'), explicit(0, utf8String(s)));
/** NameConstraints with the given permitted and excluded bases (GeneralSubtrees are [0] and [1]). */
const nameConstraints = (permitted: Uint8Array[], excluded: Uint8Array[] = []): Uint8Array =>
  seq(
    ...(permitted.length > 0 ? [explicit(0, ...permitted.map((b) => seq(b)))] : []),
    ...(excluded.length > 0 ? [explicit(1, ...excluded.map((b) => seq(b)))] : []),
  );

/**
 * A copy of `base` whose extensions `replace` are swapped for new values (or added), re-encoded with the
 * DER writer. The issuer's signature no longer matches: name constraints never look at it.
 */
function withExtensions(base: Certificate, replace: Record<string, Uint8Array>): Certificate {
  const b = toDer(base);
  const [tbs, algorithm, signature] = sequence(b, readRoot(b), 'certificate');
  const fields = sequence(b, tbs, 'tbsCertificate').filter((n) => n.tag !== 0xa3);
  const ext = (id: string, critical: boolean, value: Uint8Array): Uint8Array =>
    seq(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const extensions = [
    ...base.extensions.filter((e) => !(e.oid in replace)).map((e) => ext(e.oid, e.critical, e.value)),
    ...Object.entries(replace).map(([id, value]) => ext(id, id === EXT.nameConstraints, value)),
  ];
  const copy = seq(
    seq(...fields.map((n) => encoded(b, n)), explicit(3, seq(...extensions))),
    encoded(b, algorithm!),
    encoded(b, signature!),
  );
  return parseCertificate(copy);
}

describe('matchers', () => {
  it.each([
    ['posta-certificata@pec.aruba.it', 'pec.aruba.it', true],
    ['Posta-Certificata@PEC.Aruba.IT', 'pec.aruba.it', true],
    ['posta-certificata@x.pec.aruba.it', 'pec.aruba.it', false],
    ['posta-certificata@x.pec.aruba.it', '.pec.aruba.it', true],
    ['posta-certificata@pec.aruba.it', '.pec.aruba.it', false],
    ['posta-certificata@evilpec.aruba.it', '.pec.aruba.it', false],
    ['a@pec.aruba.it', 'a@pec.aruba.it', true],
    ['b@pec.aruba.it', 'a@pec.aruba.it', false],
    ['no-at-sign', 'pec.aruba.it', false],
    ['x@anything.example', '', true],
  ])('e-mail %s vs %s → %s', (email, constraint, expected) => {
    expect(emailMatches(email, constraint)).toBe(expected);
  });

  it.each([
    ['pec.example.it', 'pec.example.it', true],
    ['www.pec.example.it', 'pec.example.it', true],
    ['evilpec.example.it', 'pec.example.it', false],
    ['pec.example.it', '.pec.example.it', false],
    ['a.pec.example.it.', '.pec.example.it', true],
    ['PEC.EXAMPLE.IT', 'pec.example.it', true],
  ])('DNS %s vs %s → %s', (name, constraint, expected) => {
    expect(dnsMatches(name, constraint)).toBe(expected);
  });

  it.each([
    ['https://www.pec.example.it/crl', '.pec.example.it', true],
    ['https://pec.example.it/crl', '.pec.example.it', false],
    ['https://pec.example.it/crl', 'pec.example.it', true],
    ['https://www.pec.example.it/crl', 'pec.example.it', false],
    ['ldap://user@PEC.Example.IT:389/cn=x', 'pec.example.it', true],
    ['https://evilpec.example.it/', '.pec.example.it', false],
    ['mailto:x@pec.example.it', 'pec.example.it', false], // no authority: no host to match
    ['https://any.example/', '', true], // an empty constraint covers every URI, as for e-mail and DNS
  ])('URI %s vs %s → %s', (name, constraint, expected) => {
    expect(uriMatches(name, constraint)).toBe(expected);
  });

  it('matches IP addresses against network/mask', () => {
    const net = new Uint8Array([10, 0, 0, 0, 255, 0, 0, 0]);
    expect(ipMatches(new Uint8Array([10, 9, 8, 7]), net)).toBe(true);
    expect(ipMatches(new Uint8Array([11, 9, 8, 7]), net)).toBe(false);
    expect(ipMatches(new Uint8Array(16), net)).toBe(false);
    expect(ipMatches(new Uint8Array([1, 2, 3, 4]), new Uint8Array(8))).toBe(true); // 0.0.0.0/0: everything
  });

  it('matches directory names by leading RDNs, case- and space-insensitively', () => {
    const name = [
      [attr('2.5.4.6', 'IT')],
      [attr('2.5.4.10', 'Aruba PEC  S.p.A.')],
      [attr('2.5.4.3', 'Posta Certificata')],
    ];
    expect(
      directoryNameMatches(name, [[attr('2.5.4.6', 'it')], [attr('2.5.4.10', 'aruba pec s.p.a.')]]),
    ).toBe(true);
    expect(directoryNameMatches(name, [[attr('2.5.4.6', 'IT')], [attr('2.5.4.10', 'Sogei S.p.A.')]])).toBe(
      false,
    );
    expect(directoryNameMatches(name, [[attr('2.5.4.10', 'Aruba PEC S.p.A.')]])).toBe(false);
    expect(directoryNameMatches(name.slice(0, 1), name)).toBe(false);
  });
});

describe('nameConstraintViolations', () => {
  it('reads the name constraints of the real AgID CA1, as pkijs does', () => {
    const agid = parseCertificate(AGID_CA1_2018_PEM);
    expect(findExtension(agid, EXT.nameConstraints)).toBeDefined();
    const nc = agid.nameConstraints;
    expect(nc).not.toBeNull();
    const emails = nc!.permitted.flatMap((n) => (n.type === 'rfc822Name' ? [n.value] : []));
    expect(emails).toContain('pec.aruba.it');
    expect(emails).toContain('pcert.sogei.it');
    // pkijs, decoding the same DER on its own, finds the same e-mail subtrees, permitted and excluded.
    const theirs = pkijs.Certificate.fromBER(toDer(agid)).extensions?.find(
      (e) => e.extnID === EXT.nameConstraints,
    )?.parsedValue;
    expect(theirs).toBeInstanceOf(pkijs.NameConstraints);
    const pkijsEmails = (subtrees: pkijs.GeneralSubtree[] | undefined): string[] =>
      (subtrees ?? []).filter((s) => s.base.type === 1).map((s) => s.base.value as string);
    expect(emails).toEqual(pkijsEmails((theirs as pkijs.NameConstraints).permittedSubtrees));
    expect(nc!.excluded.flatMap((n) => (n.type === 'rfc822Name' ? [n.value] : []))).toEqual(
      pkijsEmails((theirs as pkijs.NameConstraints).excludedSubtrees),
    );
    expect(nc!.permitted).toHaveLength((theirs as pkijs.NameConstraints).permittedSubtrees?.length ?? 0);
    expect(nc!.excluded).toHaveLength((theirs as pkijs.NameConstraints).excludedSubtrees?.length ?? 0);
  });

  it('finds the test provider outside the AgID CA1 constraints (e-mail and organisation)', () => {
    const v = nameConstraintViolations(cert('provider'), parseCertificate(AGID_CA1_2018_PEM));
    expect(v).toHaveLength(2);
    expect(v[0]).toMatch(/^e-mail posta-certificata@pec\.example\.it is outside the permitted subtrees$/);
    expect(v[1]).toMatch(/^directory name .* is outside the permitted subtrees$/);
  });

  it('passes the good leaves and flags the bad ones under the test PEC CA', () => {
    const ca = cert('pec-ca');
    expect(nameConstraintViolations(cert('provider'), ca)).toEqual([]);
    expect(nameConstraintViolations(cert('provider2'), ca)).toEqual([]);
    expect(nameConstraintViolations(cert('out-of-constraints'), ca)).toEqual([
      'e-mail posta-certificata@evil.example.com is outside the permitted subtrees',
    ]);
    expect(nameConstraintViolations(cert('excluded'), ca)).toEqual([
      'e-mail posta-certificata@blocked.pec.example.it is inside an excluded subtree',
    ]);
    expect(nameConstraintViolations(cert('provider'), cert('root'))).toEqual([]); // no constraints at all
  });

  it('applies DNS constraints to SAN dNSNames', () => {
    const copy = withExtensions(cert('provider'), {
      [EXT.subjectAltName]: seq(rfc822('x@pec.example.it'), dns('mx.evil.example')),
    });
    expect(copy.subjectAltNames.map((n) => n.type)).toEqual(['rfc822Name', 'dNSName']);
    expect(nameConstraintViolations(copy, cert('pec-ca'))).toEqual([
      'DNS name mx.evil.example is outside the permitted subtrees',
    ]);
    const blocked = withExtensions(cert('provider'), {
      [EXT.subjectAltName]: seq(dns('mx.blocked.pec.example.it')),
    });
    expect(nameConstraintViolations(blocked, cert('pec-ca'))).toEqual([
      'DNS name mx.blocked.pec.example.it is inside an excluded subtree',
    ]);
  });

  it('applies URI constraints to SAN URIs, by host', () => {
    const ca = withExtensions(cert('pec-ca'), {
      [EXT.nameConstraints]: nameConstraints(
        [rfc822('pec.example.it'), uri('.pec.example.it')],
        [uri('blocked.example.it')],
      ),
    });
    const leaf = withExtensions(cert('provider'), {
      [EXT.subjectAltName]: seq(
        rfc822('posta-certificata@pec.example.it'),
        uri('https://www.pec.example.it/crl'),
        uri('https://evil.example/x'),
        uri('urn:isbn:0451450523'),
      ),
    });
    expect(nameConstraintViolations(leaf, ca)).toEqual([
      'URI https://evil.example/x is outside the permitted subtrees',
      'URI urn:isbn:0451450523 is outside the permitted subtrees',
    ]);
    // Excluded only: binds whatever the permitted lists say.
    const excludeOnly = withExtensions(cert('pec-ca'), {
      [EXT.nameConstraints]: nameConstraints([], [uri('blocked.example.it')]),
    });
    const blocked = withExtensions(cert('provider'), {
      [EXT.subjectAltName]: seq(uri('http://BLOCKED.example.it/'), uri('http://ok.example.it/')),
    });
    expect(nameConstraintViolations(blocked, excludeOnly)).toEqual([
      'URI http://BLOCKED.example.it/ is inside an excluded subtree',
    ]);
  });

  it('refuses a name form it has no rule for when the CA constrains that form', () => {
    const leaf = withExtensions(cert('provider'), {
      [EXT.subjectAltName]: seq(rfc822('posta-certificata@pec.example.it'), otherName('x@pec.example.it')),
    });
    expect(leaf.subjectAltNames.map((n) => n.type)).toEqual(['rfc822Name', 'otherName']);
    // Not constrained by the CA: nothing to check.
    expect(nameConstraintViolations(leaf, cert('pec-ca'))).toEqual([]);
    for (const nc of [
      nameConstraints([rfc822('pec.example.it'), otherName('y@pec.example.it')]),
      nameConstraints([], [otherName('z@pec.example.it')]),
    ]) {
      const ca = withExtensions(cert('pec-ca'), { [EXT.nameConstraints]: nc });
      expect(nameConstraintViolations(leaf, ca)).toEqual([
        'the otherName name cannot be checked against the otherName constraints',
      ]);
    }
  });
});
