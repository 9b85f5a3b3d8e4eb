import { readFileSync } from 'node:fs';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { AGID_CA1_2018_PEM } from './anchors.js';
import { EXT, findExtension, type NameAttribute, parseCertificate } from './certificates.js';
import {
  directoryNameMatches,
  dnsMatches,
  emailMatches,
  ipMatches,
  nameConstraintViolations,
} from './name-constraints.js';

const PKI = new URL('../../fixtures/pki/', import.meta.url);
const cert = (stem: string): pkijs.Certificate =>
  parseCertificate(readFileSync(new URL(`${stem}.cert.pem`, PKI)));
const attr = (type: string, value: string): NameAttribute => ({ type, value, berHex: '' });

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
  it('reads the name constraints of the real AgID CA1', () => {
    const nc = findExtension(parseCertificate(AGID_CA1_2018_PEM), EXT.nameConstraints)?.parsedValue;
    expect(nc).toBeInstanceOf(pkijs.NameConstraints);
    const emails = (nc as pkijs.NameConstraints).permittedSubtrees
      ?.filter((s) => s.base.type === 1)
      .map((s) => s.base.value);
    expect(emails).toContain('pec.aruba.it');
    expect(emails).toContain('pcert.sogei.it');
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
    const leaf = cert('provider');
    const san = new pkijs.AltName({
      altNames: [
        new pkijs.GeneralName({ type: 1, value: 'x@pec.example.it' }),
        new pkijs.GeneralName({ type: 2, value: 'mx.evil.example' }),
      ],
    });
    const copy = new pkijs.Certificate({ schema: leaf.toSchema() });
    copy.extensions = [
      ...(copy.extensions ?? []).filter((e) => e.extnID !== EXT.subjectAltName),
      new pkijs.Extension({
        extnID: EXT.subjectAltName,
        critical: false,
        extnValue: san.toSchema().toBER(false),
        parsedValue: san,
      }),
    ];
    expect(nameConstraintViolations(copy, cert('pec-ca'))).toEqual([
      'DNS name mx.evil.example is outside the permitted subtrees',
    ]);
  });
});
