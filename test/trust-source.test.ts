// trustSourceOf answers by the anchor certificates themselves: the same object, or the same DER
// decoded apart, is a PEC anchor; anything else under the same name is the caller's.
import { describe, expect, it } from 'vitest';
import { loadTrustAnchors } from '../src/trust/anchors.js';
import { trustSourceOf } from '../src/verify/certified.js';
import { Certificate } from '../src/x509/certificate.js';

describe('trustSourceOf', () => {
  const pec = loadTrustAnchors();
  const first = pec[0]!;
  const subject = first.subject.toString();

  it('says pec-anchor for the prepared anchor objects and for a copy decoded apart', () => {
    expect(trustSourceOf(subject, pec, pec)).toBe('pec-anchor');
    const apart = new Certificate(first.der.slice());
    expect(apart).not.toBe(first);
    expect(trustSourceOf(subject, [apart, ...pec.slice(1)], pec)).toBe('pec-anchor');
  });

  it('says caller when the named anchor is not one of the PEC anchors', () => {
    expect(trustSourceOf(subject, pec, pec.slice(1))).toBe('caller');
    expect(trustSourceOf('CN=Someone Else', pec, pec)).toBe('caller');
    expect(trustSourceOf(null, pec, pec)).toBeNull();
  });
});
