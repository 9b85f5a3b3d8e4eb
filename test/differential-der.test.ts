// The differential suite of the strict DER / X.509 / CMS readers (issue 11): malformed
// certificates, CRLs and CMS signatures derived at test time from valid test-PKI ones by DER
// surgery (test/helpers/der-tree.ts), each breaking one rule, run through pec-kit, OpenSSL and
// Python's `cryptography` (Debian's /usr/bin/python3, package python3-cryptography). pec-kit must
// refuse every malformed case (and so everything cryptography refuses), accept the valid
// controls, and every case where OpenSSL answers otherwise is listed, with the reason, in the
// table of docs/hostile-input.md ("Differential suite"). DIFF_TABLE=1 prints the current table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bytes } from '../src/bytes.js';
import { signDetached } from '../src/cms/sign.js';
import { verifyDetached } from '../src/cms/verify.js';
import { parseCertificate, parseCrl } from '../src/trust/certificates.js';
import {
  at,
  cloneTree,
  extension,
  extensionValue,
  find,
  oidHex,
  parseTree,
  prim,
  type Tree,
  writeTree,
} from './helpers/der-tree.js';
import { PKI_DIR, providerSigner } from './helpers/synthetic.js';

type Kind = 'certificate' | 'crl' | 'cms';
type Verdict = 'accept' | 'refuse';

interface Case {
  name: string;
  kind: Kind;
  /** The one rule the case breaks (empty for a valid control). */
  rule: string;
  der: Uint8Array;
  /** Valid controls: every reader must accept them. */
  valid?: boolean;
  /**
   * A valid control the installed cryptography refuses, and why pec-kit accepts it anyway (the
   * one exception to "pec-kit refuses what cryptography refuses"; documented in the table).
   */
  cryptographyRefusesValid?: string;
}

const pem = (f: string): Uint8Array => {
  const text = readFileSync(resolve(PKI_DIR, f), 'latin1');
  const b64 = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
};
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const utcTime = (s: string): Tree => ({ tag: 0x17, val: ascii(s) });
const genTime = (s: string): Tree => ({ tag: 0x18, val: ascii(s) });
const seqOf = (...kids: Tree[]): Tree => ({ tag: 0x30, kids });
const octetsOf = (t: Tree): Tree => ({ tag: 0x04, val: writeTree(t) });
const ext = (oidContent: number[], value: Tree, critical?: Tree): Tree =>
  seqOf(prim(0x06, ...oidContent), ...(critical ? [critical] : []), octetsOf(value));
const EOC = new Uint8Array([0, 0]);

const CONTENT = ascii('Content-Type: text/plain\r\n\r\ndifferential\r\n');

// --- the cases ------------------------------------------------------------------------------

function certificateCases(): Case[] {
  const leaf = parseTree(pem('provider.cert.pem'));
  const ca = parseTree(pem('pec-ca.cert.pem'));
  const out: Case[] = [];
  const add = (name: string, rule: string, base: Tree, change: (t: Tree, tbs: Tree) => void): void => {
    const t = cloneTree(base);
    change(t, at(t, 0));
    out.push({ name, kind: 'certificate', rule, der: writeTree(t) });
  };
  const exts = (tbs: Tree): Tree => at(tbs, 7, 0);
  const editExt = (tbs: Tree, hex: string, edit: (v: Tree) => void): void => {
    const e = extensionValue(extension(tbs, hex));
    edit(e.value);
    e.store();
  };
  out.push({ name: 'cert-valid', kind: 'certificate', rule: '', der: writeTree(leaf), valid: true });
  out.push({ name: 'cert-valid-ca', kind: 'certificate', rule: '', der: writeTree(ca), valid: true });
  add('cert-oid-uuid-arc', '', leaf, (_t, tbs) => {
    // certificatePolicies with a 2.25.<UUID> policy: a 128-bit arc (valid).
    const uuid = [
      0x69, 0x82, 0xa4, 0xc5, 0xe6, 0x87, 0xa8, 0xc9, 0xea, 0x8b, 0xac, 0xcd, 0xee, 0x8f, 0xa0, 0xc1, 0xe2,
      0x03,
    ];
    editExt(tbs, '551d20', (v) => v.kids!.push(seqOf(prim(0x06, ...uuid))));
  });
  Object.assign(out[out.length - 1]!, {
    valid: true,
    cryptographyRefusesValid:
      'cryptography 38 reads OID arcs only up to 64 bits; X.660 sets no bound and 2.25 arcs are 128-bit UUIDs',
  });

  add('cert-indefinite-outer', 'indefinite length (certificate)', leaf, (t) => (t.indef = true));
  add('cert-indefinite-tbs', 'indefinite length (tbsCertificate)', leaf, (_t, tbs) => (tbs.indef = true));
  add(
    'cert-indefinite-validity',
    'indefinite length (validity)',
    leaf,
    (_t, tbs) => (at(tbs, 4).indef = true),
  );
  add(
    'cert-indefinite-extensions',
    'indefinite length (extensions)',
    leaf,
    (_t, tbs) => (exts(tbs).indef = true),
  );
  add('cert-long-length-outer', 'non-minimal length (extra 00 length octet)', leaf, (t) => (t.padLength = 1));
  add('cert-long-length-rdn', 'non-minimal length (short length in long form)', leaf, (_t, tbs) => {
    at(tbs, 3, 0).padLength = 1;
  });
  add('cert-serial-leading-00', 'non-minimal INTEGER (serial 00 10 01)', leaf, (_t, tbs) => {
    at(tbs, 1).val = new Uint8Array([0, ...at(tbs, 1).val!]);
  });
  add('cert-serial-leading-ff', 'non-minimal INTEGER (serial ff 80 01)', leaf, (_t, tbs) => {
    at(tbs, 1).val = new Uint8Array([0xff, 0x80, 0x01]);
  });
  add('cert-serial-empty', 'INTEGER with no content octets', leaf, (_t, tbs) => {
    at(tbs, 1).val = new Uint8Array(0);
  });
  add('cert-version-enumerated', 'INTEGER required (version as ENUMERATED)', leaf, (_t, tbs) => {
    at(tbs, 0, 0).tag = 0x0a;
  });
  add('cert-version-non-minimal', 'non-minimal INTEGER (version 00 02)', leaf, (_t, tbs) => {
    at(tbs, 0, 0).val = new Uint8Array([0, 2]);
  });
  add('cert-version-v1-explicit', 'encoded DEFAULT (version v1 written)', leaf, (_t, tbs) => {
    tbs.kids!.pop(); // a v1 certificate has no extensions
    at(tbs, 0, 0).val = new Uint8Array([0]);
  });
  add('cert-critical-01', 'BOOLEAN other than 00/FF (critical 01)', leaf, (_t, tbs) => {
    extension(tbs, '551d0f').kids![1]!.val = new Uint8Array([1]);
  });
  add('cert-critical-long', 'BOOLEAN of two octets', leaf, (_t, tbs) => {
    extension(tbs, '551d0f').kids![1]!.val = new Uint8Array([0xff, 0xff]);
  });
  add('cert-critical-false', 'encoded DEFAULT (critical FALSE written)', leaf, (_t, tbs) => {
    extension(tbs, '551d25').kids!.splice(1, 0, prim(0x01, 0));
  });
  add('cert-ca-false-explicit', 'encoded DEFAULT (basicConstraints cA FALSE written)', leaf, (_t, tbs) => {
    exts(tbs).kids!.push(ext([0x55, 0x1d, 0x13], seqOf(prim(0x01, 0))));
  });
  add('cert-ca-bool-01', 'BOOLEAN other than 00/FF (cA 01)', ca, (_t, tbs) => {
    editExt(tbs, '551d13', (v) => (v.kids![0]!.val = new Uint8Array([1])));
  });
  add('cert-pathlen-enumerated', 'INTEGER required (pathLenConstraint as ENUMERATED)', ca, (_t, tbs) => {
    editExt(tbs, '551d13', (v) => (v.kids![1]!.tag = 0x0a));
  });
  add('cert-pathlen-non-minimal', 'non-minimal INTEGER (pathLenConstraint 00 00)', ca, (_t, tbs) => {
    editExt(tbs, '551d13', (v) => (v.kids![1]!.val = new Uint8Array([0, 0])));
  });
  add(
    'cert-keyusage-trailing-zero',
    'named BIT STRING with trailing zero bits (keyUsage 00 80)',
    leaf,
    (_t, tbs) => {
      editExt(tbs, '551d0f', (v) => (v.val = new Uint8Array([0, 0x80])));
    },
  );
  add('cert-keyusage-padding', 'BIT STRING padding bits not zero (keyUsage 07 81)', leaf, (_t, tbs) => {
    editExt(tbs, '551d0f', (v) => (v.val = new Uint8Array([7, 0x81])));
  });
  add('cert-keyusage-empty', 'keyUsage with no bit (03 01 00)', leaf, (_t, tbs) => {
    editExt(tbs, '551d0f', (v) => (v.val = new Uint8Array([0])));
  });
  add('cert-signature-unused-bits', 'signature value not a whole number of octets', leaf, (t) => {
    const v = at(t, 2).val!;
    v[0] = 1;
    v[v.length - 1]! &= 0xfe;
  });
  add('cert-signature-padding', 'BIT STRING padding bits not zero (signature)', leaf, (t) => {
    const v = at(t, 2).val!;
    v[0] = 1;
    v[v.length - 1]! |= 1;
  });
  add('cert-spki-unused-bits', 'subjectPublicKey not a whole number of octets', leaf, (_t, tbs) => {
    const v = at(tbs, 6, 1).val!;
    v[0] = 1;
    v[v.length - 1]! &= 0xfe;
  });
  add('cert-rsa-modulus-non-minimal', 'non-minimal INTEGER (RSA modulus)', leaf, (_t, tbs) => {
    const holder = at(tbs, 6, 1);
    const key = parseTree(holder.val!.subarray(1));
    const n = at(key, 0);
    n.val = new Uint8Array([0, ...n.val!]);
    holder.val = new Uint8Array([0, ...writeTree(key)]);
  });
  add('cert-rsa-key-long-length', 'non-minimal length (RSAPublicKey exponent)', leaf, (_t, tbs) => {
    const holder = at(tbs, 6, 1);
    const key = parseTree(holder.val!.subarray(1));
    at(key, 1).padLength = 1;
    holder.val = new Uint8Array([0, ...writeTree(key)]);
  });
  add('cert-eoc-in-extensions', 'end-of-contents outside indefinite content', leaf, (_t, tbs) => {
    exts(tbs).kids!.push({ tag: 0, raw: EOC });
  });
  add('cert-eoc-in-tbs', 'end-of-contents outside indefinite content (tbs end)', leaf, (_t, tbs) => {
    tbs.kids!.push({ tag: 0, raw: EOC });
  });
  add('cert-null-with-content', 'NULL with content (algorithm parameters 05 01 00)', leaf, (t, tbs) => {
    // The same change inside and outside tbs: the two copies must stay equal.
    at(tbs, 2).kids![1] = prim(0x05, 0);
    at(t, 1).kids![1] = prim(0x05, 0);
  });
  add('cert-oid-non-minimal-arc', 'OID arc with a leading 80', leaf, (_t, tbs) => {
    at(tbs, 5, 0, 0, 0).val = new Uint8Array([0x55, 0x80, 0x04, 0x06]);
  });
  add('cert-utctime-no-seconds', 'RFC 5280 time: UTCTime without seconds', leaf, (_t, tbs) => {
    at(tbs, 4).kids![0] = utcTime('2401010000Z');
  });
  add('cert-utctime-offset', 'RFC 5280 time: UTCTime with an offset, not Z', leaf, (_t, tbs) => {
    at(tbs, 4).kids![0] = utcTime('240101000000+0100');
  });
  add('cert-generalized-before-2050', 'RFC 5280 time: GeneralizedTime before 2050', leaf, (_t, tbs) => {
    at(tbs, 4).kids![0] = genTime('20240101000000Z');
  });
  add(
    'cert-generalized-fraction',
    'RFC 5280 time: GeneralizedTime with fractional seconds',
    leaf,
    (_t, tbs) => {
      at(tbs, 4).kids![1] = genTime('20500101000000.5Z');
    },
  );
  add('cert-generalized-local', 'RFC 5280 time: GeneralizedTime without Z', leaf, (_t, tbs) => {
    at(tbs, 4).kids![1] = genTime('20500101000000');
  });
  add('cert-constructed-extnvalue', 'constructed OCTET STRING (BER) for extnValue', leaf, (_t, tbs) => {
    const e = extension(tbs, '551d25');
    const v = e.kids![e.kids!.length - 1]!;
    e.kids![e.kids!.length - 1] = { tag: 0x24, kids: [{ tag: 0x04, val: v.val }] };
  });
  add('cert-constructed-utf8', 'constructed UTF8String (BER) in the subject', leaf, (_t, tbs) => {
    const rdns = at(tbs, 5).kids!;
    const cn = at(rdns[rdns.length - 1]!, 0, 1);
    const val = cn.val!;
    Object.assign(cn, { tag: 0x2c, val: undefined, kids: [{ tag: 0x0c, val }] });
  });
  add('cert-primitive-set', 'SET in the primitive form', leaf, (_t, tbs) => {
    const rdn = at(tbs, 5, 0);
    Object.assign(rdn, { tag: 0x11, val: writeTree(at(rdn, 0)), kids: undefined });
  });
  add('cert-rfc822-nul', 'IA5 name outside printable ASCII (NUL in rfc822Name)', leaf, (_t, tbs) => {
    editExt(
      tbs,
      '551d11',
      (v) => (v.kids![0]!.val = ascii('posta-certificata@pec.example.it\0.evil.example')),
    );
  });
  add('cert-rfc822-del', 'IA5 name outside printable ASCII (DEL in rfc822Name)', leaf, (_t, tbs) => {
    editExt(tbs, '551d11', (v) => (v.kids![0]!.val = ascii('posta\x7fcertificata@pec.example.it')));
  });
  add('cert-rfc822-latin1', 'IA5 name outside ASCII (0xe9 in rfc822Name)', leaf, (_t, tbs) => {
    editExt(tbs, '551d11', (v) => (v.kids![0]!.val = Uint8Array.from([0x61, 0xe9, 0x40, 0x62])));
  });
  add(
    'cert-dns-constraint-nul',
    'IA5 name outside printable ASCII (NUL in a dNSName subtree)',
    ca,
    (_t, tbs) => {
      editExt(tbs, '551d1e', (v) => {
        const dns = find(v, (n) => n.tag === 0x82)!;
        dns.val = ascii('pec.example.it\0');
      });
    },
  );
  add('cert-subtree-minimum-0', 'encoded DEFAULT (GeneralSubtree minimum 0 written)', ca, (_t, tbs) => {
    editExt(tbs, '551d1e', (v) => at(v, 0, 0).kids!.push(prim(0x80, 0)));
  });
  add('cert-aki-order', 'fields out of order (authorityKeyIdentifier [2] before [0])', leaf, (_t, tbs) => {
    editExt(tbs, '551d23', (v) => v.kids!.unshift(prim(0x82, 1)));
  });
  add('cert-duplicate-extension', 'extension repeated', leaf, (_t, tbs) => {
    exts(tbs).kids!.push(cloneTree(extension(tbs, '551d25')));
  });
  add(
    'cert-signature-algorithm-mismatch',
    'outer signatureAlgorithm differs from the signed one',
    leaf,
    (t) => {
      at(t, 1, 0).val = new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05]);
    },
  );
  add('cert-trailing-byte', 'bytes after the certificate', leaf, (t) => {
    Object.assign(t, { raw: new Uint8Array([...writeTree({ ...t, raw: undefined }), 0]) });
  });
  add('cert-unknown-tbs-field', 'unknown field after extensions', leaf, (_t, tbs) => {
    tbs.kids!.push({ tag: 0xa4, kids: [] });
  });
  add('cert-extnvalue-trailing', 'bytes after the value inside extnValue', leaf, (_t, tbs) => {
    const e = extension(tbs, '551d25');
    const v = e.kids![e.kids!.length - 1]!;
    v.val = new Uint8Array([...v.val!, 0x05, 0x00]);
  });
  add(
    'cert-ski-long-length',
    'non-minimal length inside an extension value (subjectKeyIdentifier)',
    leaf,
    (_t, tbs) => {
      editExt(tbs, '551d0e', (v) => (v.padLength = 1));
    },
  );
  add(
    'cert-policy-oid-non-minimal',
    'OID arc with a leading 80 inside an extension value',
    leaf,
    (_t, tbs) => {
      editExt(tbs, '551d20', (v) => {
        const id = at(v, 0, 0);
        id.val = new Uint8Array([id.val![0]!, 0x80, ...id.val!.subarray(1)]);
      });
    },
  );
  add('cert-bmpstring-odd', 'BMPString of an odd number of octets', leaf, (_t, tbs) => {
    const rdns = at(tbs, 5).kids!;
    Object.assign(at(rdns[rdns.length - 1]!, 0, 1), { tag: 0x1e, val: new Uint8Array([0, 0x41, 0]) });
  });
  add('cert-universalstring-surrogate', 'UniversalString holding a surrogate', leaf, (_t, tbs) => {
    const rdns = at(tbs, 5).kids!;
    Object.assign(at(rdns[rdns.length - 1]!, 0, 1), { tag: 0x1c, val: new Uint8Array([0, 0, 0xd8, 0]) });
  });
  add('cert-utf8-invalid', 'UTF8String that is not UTF-8', leaf, (_t, tbs) => {
    const rdns = at(tbs, 5).kids!;
    at(rdns[rdns.length - 1]!, 0, 1).val = new Uint8Array([0x41, 0xff]);
  });
  // A PrintableString holding @ (outside its alphabet, and written by real CAs): every reader
  // takes it, so it is a valid control, not a malformed case.
  add('cert-printable-at', '', leaf, (_t, tbs) => {
    const rdns = at(tbs, 5).kids!;
    Object.assign(at(rdns[rdns.length - 1]!, 0, 1), { tag: 0x13, val: ascii('a@b') });
  });
  out[out.length - 1]!.valid = true;
  add('cert-ia5-8bit', 'IA5String holding an 8-bit byte (emailAddress)', leaf, (_t, tbs) => {
    at(tbs, 5).kids!.push({
      tag: 0x31,
      kids: [
        seqOf(
          prim(0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01),
          prim(0x16, 0x61, 0xe9, 0x40, 0x62),
        ),
      ],
    });
  });
  add('cert-truncated', 'a length past its container', leaf, (t) => {
    const full = writeTree(t);
    Object.assign(t, { raw: full.subarray(0, full.length - 1) });
  });
  return out;
}

function crlCases(): Case[] {
  const base = parseTree(pem('pec-ca.crl.pem'));
  const out: Case[] = [{ name: 'crl-valid', kind: 'crl', rule: '', der: writeTree(base), valid: true }];
  const add = (name: string, rule: string, change: (t: Tree, tbs: Tree) => void, valid = false): void => {
    const t = cloneTree(base);
    change(t, at(t, 0));
    out.push({ name, kind: 'crl', rule, der: writeTree(t), valid });
  };
  const crlExts = (tbs: Tree): Tree => at(tbs, 6, 0);
  const idp = (tbs: Tree, value: Tree): void => {
    crlExts(tbs).kids!.push(ext([0x55, 0x1d, 0x1c], value, prim(0x01, 0xff)));
  };
  const entry = (tbs: Tree): Tree => at(tbs, 5, 0);
  add('crl-valid-idp', '', (_t, tbs) => idp(tbs, seqOf(prim(0x81, 0xff))), true);
  add('crl-indefinite-outer', 'indefinite length (CRL)', (t) => (t.indef = true));
  add(
    'crl-indefinite-revoked',
    'indefinite length (revokedCertificates)',
    (_t, tbs) => (at(tbs, 5).indef = true),
  );
  add('crl-long-length', 'non-minimal length (an entry)', (_t, tbs) => (entry(tbs).padLength = 1));
  add(
    'crl-version-enumerated',
    'INTEGER required (version as ENUMERATED)',
    (_t, tbs) => (at(tbs, 0).tag = 0x0a),
  );
  add('crl-version-non-minimal', 'non-minimal INTEGER (version 00 01)', (_t, tbs) => {
    at(tbs, 0).val = new Uint8Array([0, 1]);
  });
  add('crl-thisupdate-generalized-2030', 'RFC 5280 time: GeneralizedTime before 2050', (_t, tbs) => {
    tbs.kids![3] = genTime('20300601000000Z');
  });
  add('crl-thisupdate-no-seconds', 'RFC 5280 time: UTCTime without seconds', (_t, tbs) => {
    tbs.kids![3] = utcTime('3006010000Z');
  });
  add('crl-revocation-offset', 'RFC 5280 time: UTCTime with an offset', (_t, tbs) => {
    entry(tbs).kids![1] = utcTime('250101000000+0100');
  });
  add('crl-revocation-fraction', 'RFC 5280 time: UTCTime with a fraction', (_t, tbs) => {
    entry(tbs).kids![1] = utcTime('250101000000.5Z');
  });
  add('crl-serial-non-minimal', 'non-minimal INTEGER (revoked serial)', (_t, tbs) => {
    const s = at(entry(tbs), 0);
    s.val = new Uint8Array([0, ...s.val!]);
  });
  add('crl-entry-critical-false', 'encoded DEFAULT (entry extension critical FALSE)', (_t, tbs) => {
    at(entry(tbs), 2, 0).kids!.splice(1, 0, prim(0x01, 0));
  });
  add('crl-reason-non-minimal', 'non-minimal ENUMERATED (reasonCode 00 01)', (_t, tbs) => {
    const holder = at(entry(tbs), 2, 0, 1);
    holder.val = new Uint8Array([0x0a, 0x02, 0x00, 0x01]);
  });
  add('crl-number-non-minimal', 'non-minimal INTEGER (cRLNumber)', (_t, tbs) => {
    const e = extensionValue(extension(tbs, '551d14'));
    e.value.val = new Uint8Array([0, ...e.value.val!]);
    e.store();
  });
  add('crl-critical-01', 'BOOLEAN other than 00/FF (critical 01)', (_t, tbs) => {
    extension(tbs, '551d14').kids!.splice(1, 0, prim(0x01, 0x01));
  });
  add('crl-idp-flag-01', 'IDP flag: BOOLEAN other than 00/FF', (_t, tbs) =>
    idp(tbs, seqOf(prim(0x81, 0x01))),
  );
  add('crl-idp-flag-false', 'IDP flag: encoded DEFAULT (FALSE written)', (_t, tbs) =>
    idp(tbs, seqOf(prim(0x82, 0x00))),
  );
  add('crl-idp-flag-long', 'IDP flag of two octets', (_t, tbs) => idp(tbs, seqOf(prim(0x81, 0xff, 0xff))));
  add('crl-idp-order', 'IDP fields out of order', (_t, tbs) =>
    idp(tbs, seqOf(prim(0x82, 0xff), prim(0x81, 0xff))),
  );
  add('crl-idp-constructed-flag', 'IDP flag in the constructed form', (_t, tbs) => {
    idp(tbs, seqOf({ tag: 0xa1, kids: [prim(0x01, 0xff)] }));
  });
  add('crl-eoc-in-revoked', 'end-of-contents outside indefinite content', (_t, tbs) => {
    at(tbs, 5).kids!.push({ tag: 0, raw: EOC });
  });
  add('crl-signature-padding', 'BIT STRING padding bits not zero (signature)', (t) => {
    const v = at(t, 2).val!;
    v[0] = 1;
    v[v.length - 1]! |= 1;
  });
  add(
    'crl-aki-long-length',
    'non-minimal length inside an extension value (authorityKeyIdentifier)',
    (_t, tbs) => {
      const e = extensionValue(extension(tbs, '551d23'));
      e.value.padLength = 1;
      e.store();
    },
  );
  add('crl-trailing-byte', 'bytes after the CRL', (t) => {
    Object.assign(t, { raw: new Uint8Array([...writeTree({ ...t, raw: undefined }), 0]) });
  });
  return out;
}

async function cmsCases(): Promise<Case[]> {
  const signer = await providerSigner();
  const der = await signDetached(CONTENT, signer, {
    digest: 'sha256',
    signingTime: new Date('2025-03-14T10:30:05Z'),
  });
  const base = parseTree(der);
  const out: Case[] = [{ name: 'cms-valid', kind: 'cms', rule: '', der, valid: true }];
  const add = (
    name: string,
    rule: string,
    change: (t: Tree, sd: Tree, info: Tree) => void,
    valid = false,
  ): void => {
    const t = cloneTree(base);
    const sd = at(t, 1, 0);
    change(t, sd, at(sd, sd.kids!.length - 1, 0));
    out.push({ name, kind: 'cms', rule, der: writeTree(t), valid });
  };
  const certs = (sd: Tree): Tree => find(sd, (n) => n.tag === 0xa0)!;
  add(
    'cms-valid-ber',
    '',
    (t, sd) => {
      // The outer layers in BER, as OpenSSL's streaming signer writes them.
      t.indef = true;
      at(t, 1).indef = true;
      sd.indef = true;
      at(sd, 2).indef = true;
    },
    true,
  );
  add('cms-contentinfo-extra', 'ContentInfo with a third element', (t) => t.kids!.push(prim(0x05)));
  add('cms-content-two-values', 'ContentInfo [0] holding two values', (t) => at(t, 1).kids!.push(prim(0x05)));
  add('cms-contenttype-data', 'ContentInfo contentType not signedData', (t) => {
    at(t, 0).val = new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
  });
  add('cms-signeddata-extra', 'SignedData field after signerInfos', (_t, sd) => sd.kids!.push(prim(0x05)));
  add('cms-crls-before-certificates', 'SignedData fields out of order ([1] before [0])', (_t, sd) => {
    sd.kids!.splice(3, 0, { tag: 0xa1, kids: [] });
    const [crls, certsNode] = [sd.kids![3]!, sd.kids![4]!];
    sd.kids![3] = crls;
    sd.kids![4] = certsNode;
  });
  add(
    'cms-version-enumerated',
    'INTEGER required (SignedData version as ENUMERATED)',
    (_t, sd) => (at(sd, 0).tag = 0x0a),
  );
  add(
    'cms-version-0',
    'SignedData version 0 (no such version)',
    (_t, sd) => (at(sd, 0).val = new Uint8Array([0])),
  );
  add(
    'cms-digestalgorithms-sequence',
    'digestAlgorithms a SEQUENCE, not a SET',
    (_t, sd) => (at(sd, 1).tag = 0x30),
  );
  add('cms-encap-extra', 'encapContentInfo with a third element', (_t, sd) =>
    at(sd, 2).kids!.push(prim(0x05)),
  );
  add('cms-encap-econtent-tag', 'eContent not [0] EXPLICIT', (_t, sd) => at(sd, 2).kids!.push(prim(0x04, 1)));
  add('cms-signerinfo-version-3', 'SignerInfo version 3 with issuerAndSerialNumber', (_t, _sd, info) => {
    at(info, 0).val = new Uint8Array([3]);
  });
  add(
    'cms-signerinfo-version-enumerated',
    'INTEGER required (SignerInfo version as ENUMERATED)',
    (_t, _sd, info) => {
      at(info, 0).tag = 0x0a;
    },
  );
  add('cms-signerinfo-extra', 'SignerInfo field after the signature', (_t, _sd, info) =>
    info.kids!.push(prim(0x05)),
  );
  add('cms-certificatechoices-octets', 'CertificateChoices: an OCTET STRING', (_t, sd) => {
    certs(sd).kids!.push(prim(0x04, 1, 2, 3));
  });
  add('cms-certificate-long-length', 'non-minimal length inside a certificate of the bag', (_t, sd) => {
    at(certs(sd), 0, 0, 3).padLength = 1;
  });
  add('cms-certificate-critical-false', 'encoded DEFAULT inside a certificate of the bag', (_t, sd) => {
    extension(at(certs(sd), 0), '551d25').kids!.splice(1, 0, prim(0x01, 0));
  });
  add('cms-pss-null-parameters', 'RSASSA-PSS with NULL parameters', (_t, _sd, info) => {
    info.kids![4] = seqOf(prim(0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a), prim(0x05));
  });
  add('cms-pss-absent-parameters', 'RSASSA-PSS without parameters', (_t, _sd, info) => {
    info.kids![4] = seqOf(prim(0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a));
  });
  add('cms-digest-signature-mismatch', 'digest SHA-256 with sha1WithRSAEncryption', (_t, _sd, info) => {
    info.kids![4] = seqOf(prim(0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05), prim(0x05));
  });
  add('cms-eoc-in-signerinfos', 'end-of-contents outside indefinite content', (_t, sd) => {
    at(sd, sd.kids!.length - 1).kids!.push({ tag: 0, raw: EOC });
  });
  add('cms-message-digest-two-values', 'messageDigest with two values', (_t, _sd, info) => {
    const md = find(
      at(info, 3),
      (n) => n.tag === 0x30 && n.kids?.[0] !== undefined && oidHex(n.kids[0]) === '2a864886f70d010904',
    )!;
    md.kids![1]!.kids!.push(cloneTree(md.kids![1]!.kids![0]!));
  });
  return out;
}

// --- the three readers ----------------------------------------------------------------------

function pecKit(c: Case): Promise<Verdict> | Verdict {
  try {
    if (c.kind === 'certificate') parseCertificate(c.der);
    else if (c.kind === 'crl') parseCrl(c.der);
    else
      return verifyDetached(CONTENT, c.der as Bytes).then(
        (r) => (r.intact ? 'accept' : 'refuse'),
        () => 'refuse',
      );
    return 'accept';
  } catch {
    return 'refuse';
  }
}

let dir = '';
function openssl(c: Case): Verdict {
  const file = join(dir, `${c.name}.der`);
  writeFileSync(file, c.der);
  const args =
    c.kind === 'certificate'
      ? ['x509', '-inform', 'DER', '-in', file, '-noout', '-text']
      : c.kind === 'crl'
        ? ['crl', '-inform', 'DER', '-in', file, '-noout', '-text']
        : [
            'cms',
            '-verify',
            '-noverify',
            '-binary',
            '-inform',
            'DER',
            '-in',
            file,
            '-content',
            join(dir, 'content'),
            '-out',
            '/dev/null',
          ];
  const r = spawnSync('openssl', args, { encoding: 'latin1' });
  return r.status === 0 ? 'accept' : 'refuse';
}

const PYTHON = '/usr/bin/python3';
const hasCryptography = spawnSync(PYTHON, ['-c', 'import cryptography'], { encoding: 'utf8' }).status === 0;
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const skipReason = !hasCryptography
  ? `${PYTHON} lacks the cryptography package (apt-get install python3-cryptography)`
  : !hasOpenssl
    ? 'openssl is not installed'
    : '';

function cryptography(cases: Case[]): Record<string, string> {
  const input = JSON.stringify(
    cases.map((c) => ({ name: c.name, kind: c.kind, hex: Buffer.from(c.der).toString('hex') })),
  );
  const r = spawnSync(PYTHON, [resolve(import.meta.dirname, 'helpers/cryptography-oracle.py')], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the cryptography oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

interface Row {
  c: Case;
  pecKit: Verdict;
  openssl: Verdict;
  cryptography: Verdict;
  detail: string;
}

/** The documented differences: the "Differential suite" table of docs/hostile-input.md. */
function documentedRows(): Map<string, string[]> {
  const doc = readFileSync(resolve(import.meta.dirname, '../docs/hostile-input.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Differential suite'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z0-9-]+)` \| (.*) \|$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.split(' | '));
  }
  return rows;
}

describe.skipIf(skipReason !== '')(
  `differential DER suite: pec-kit, OpenSSL, cryptography${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let rows: Row[] = [];
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pec-kit-diff-'));
      writeFileSync(join(dir, 'content'), CONTENT);
      const cases = [...certificateCases(), ...crlCases(), ...(await cmsCases())];
      const py = cryptography(cases);
      rows = [];
      for (const c of cases) {
        const detail = py[c.name] ?? 'missing';
        rows.push({
          c,
          pecKit: await pecKit(c),
          openssl: openssl(c),
          cryptography: detail === 'accept' ? 'accept' : 'refuse',
          detail,
        });
      }
      if (process.env.DIFF_TABLE) {
        const table = rows
          .filter((r) => r.openssl !== r.pecKit || r.c.cryptographyRefusesValid)
          .map(
            (r) => `| \`${r.c.name}\` | ${r.c.rule} | ${r.pecKit} | ${r.openssl} | ${r.cryptography} | … |`,
          );
        console.log(table.join('\n'));
        console.log(rows.map((r) => `${r.c.name} ${r.pecKit} ${r.openssl} ${r.detail}`).join('\n'));
      }
    }, 120_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('has at least 60 malformed cases, each breaking one named rule', () => {
      const malformed = rows.filter((r) => !r.c.valid);
      expect(malformed.length).toBeGreaterThanOrEqual(60);
      for (const r of malformed) expect(r.c.rule).not.toBe('');
      expect(new Set(rows.map((r) => r.c.name)).size).toBe(rows.length);
    });

    it('every reader accepts the valid controls', () => {
      const wrong = rows
        .filter(
          (r) =>
            r.c.valid &&
            (r.pecKit !== 'accept' ||
              r.openssl !== 'accept' ||
              (r.cryptography !== 'accept') !== (r.c.cryptographyRefusesValid !== undefined)),
        )
        .map((r) => `${r.c.name}: pec-kit ${r.pecKit}, openssl ${r.openssl}, cryptography ${r.detail}`);
      expect(wrong).toEqual([]);
    });

    it('pec-kit refuses every malformed case (so everything cryptography refuses)', () => {
      const accepted = rows.filter((r) => !r.c.valid && r.pecKit !== 'refuse').map((r) => r.c.name);
      expect(accepted).toEqual([]);
      const missed = rows
        .filter((r) => r.cryptography === 'refuse' && r.pecKit !== 'refuse' && !r.c.cryptographyRefusesValid)
        .map((r) => r.c.name);
      expect(missed).toEqual([]);
    });

    it('every difference with OpenSSL is in the docs/hostile-input.md table, with the outcomes as measured', () => {
      const documented = documentedRows();
      const problems: string[] = [];
      for (const r of rows) {
        const doc = documented.get(r.c.name);
        if (r.openssl === r.pecKit && !r.c.cryptographyRefusesValid) continue;
        if (!doc) {
          problems.push(`${r.c.name}: pec-kit ${r.pecKit}, openssl ${r.openssl}: not documented`);
          continue;
        }
        const [, pk, os, cr, why] = doc;
        if (pk !== r.pecKit || os !== r.openssl || cr !== r.cryptography || !why || why === '…')
          problems.push(
            `${r.c.name}: documented ${doc.join(' | ')}, measured ${r.pecKit} | ${r.openssl} | ${r.cryptography}`,
          );
      }
      for (const name of documented.keys())
        if (!rows.some((r) => r.c.name === name && (r.openssl !== r.pecKit || r.c.cryptographyRefusesValid)))
          problems.push(`${name}: documented as a difference, but none was measured`);
      expect(problems).toEqual([]);
    });
  },
);
