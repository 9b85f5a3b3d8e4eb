// "What is shown is what was signed" against line-break edits (issue 11, critical class): one LF
// of a signed CRLF removed leaves a bare CR. The MIME reader does not break a line at a bare CR,
// so the edit hides a header, a delimiter or the end of a header block; the verifier's CRLF
// fallback used to turn that CR back into CRLF, so the digest still matched and `valid: true`
// covered a structure nobody signed. Each case shows what the edit does to the reader (the attack)
// and that verification now refuses it; synthetic envelopes from createTestPki, a completa
// delivery receipt, and real Sogei (SHA-256) and Aruba (SHA-1) envelopes read from the corpus.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii, type Bytes, concat, indexOf, latin1, lfToCRLF, toCRLF } from '../src/bytes.js';
import { verifyDetached } from '../src/cms/verify.js';
import { resolveLimits } from '../src/limits.js';
import { buildEnvelope, buildReceipt } from '../src/provider/build.js';
import { checkSubmission } from '../src/provider/checks.js';
import { transactionFromEnvelope } from '../src/provider/transaction.js';
import { attachmentContent } from '../src/reading/original.js';
import { type PecMessage, parsePec } from '../src/reading/parse.js';
import { createTestPki } from '../src/testing/test-pki.js';
import { createVerifier } from '../src/verify/verify.js';
import { original, pki, providerA, providerB, transaction, WINTER } from './helpers/build.js';
import { corpusBytes, HAVE_CORPUS } from './helpers/corpus.js';
import { syntheticPec } from './helpers/synthetic.js';

const limits = resolveLimits();

/** The message with the LF that ends the first line containing `marker` (after `from`) removed. */
function dropLineLF(b: Uint8Array, marker: string, from = 0): Bytes {
  const at = indexOf(b, ascii(marker), from);
  if (at === -1) throw new Error(`marker not found: ${marker}`);
  const lf = b.indexOf(0x0a, at);
  expect(b[lf - 1]).toBe(0x0d); // a CRLF becomes a bare CR
  return concat([b.subarray(0, lf), b.subarray(lf + 1)]);
}

const names = (p: PecMessage): (string | null)[] => p.original?.attachments.map((a) => a.filename) ?? [];
const sizes = (p: PecMessage): number[] =>
  p.original?.attachments.map((a) => attachmentContent(a, limits).length) ?? [];

/** An original whose visible body is plain text, with a multipart message waiting below its headers. */
function hiddenOriginal(): string {
  return [
    'From: Mario Rossi <mario.rossi@pec.example.it>',
    'To: protocollo@postacert.example.org',
    'Subject: Offerta',
    'Date: Tue, 14 Jan 2025 10:15:00 +0100',
    'Message-ID: <hidden-1@client.example.it>',
    'X-TipoRicevuta: completa',
    'MIME-Version: 1.0',
    '',
    'Content-Type: multipart/mixed; boundary="H"',
    '',
    '--H',
    'Content-Type: text/plain',
    '',
    'Pagare sul conto IT00X0000000000000000000000.',
    '--H',
    'Content-Type: application/pdf; name="ordine.pdf"',
    'Content-Disposition: attachment; filename="ordine.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQK',
    '--H--',
    '',
  ].join('\n');
}

describe('one LF removed inside the signed part', async () => {
  const testPki = await createTestPki({ at: WINTER, now: WINTER });
  const senderSide = await testPki.provider('pec.example.it');
  const recipientSide = await testPki.provider('postacert.example.org');
  const verify = createVerifier({ trust: [testPki.rootPem], now: WINTER });
  const submit = (eml: string) =>
    checkSubmission(eml, {
      domain: 'pec.example.it',
      at: WINTER,
      pecDomains: ['pec.example.it', 'postacert.example.org'],
    }).transaction;
  const envelope = (
    await buildEnvelope({ transaction: submit(original()), provider: senderSide, at: WINTER })
  ).bytes;
  const hiddenEnvelope = (
    await buildEnvelope({ transaction: submit(hiddenOriginal()), provider: senderSide, at: WINTER })
  ).bytes;
  const completa = (
    await buildReceipt({
      kind: 'avvenuta-consegna',
      transaction: transactionFromEnvelope(hiddenEnvelope),
      recipient: 'protocollo@postacert.example.org',
      provider: recipientSide,
      at: WINTER,
    })
  ).bytes;

  it('the genuine messages verify', async () => {
    for (const b of [envelope, hiddenEnvelope, completa]) {
      const r = await verify(b);
      expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(r.valid).toBe(true);
      expect(r.signature.canonicalized).toBe(false);
    }
  });

  async function refused(tampered: Uint8Array): Promise<void> {
    const r = await verify(tampered);
    expect(r.signature.intact).toBe(false);
    expect(r.valid).toBe(false);
    expect(r.issues.map((i) => i.code)).toContain('SIGNATURE_DIGEST_MISMATCH');
    // parsePec alone still reads the edited bytes, and says a bare CR is there.
    expect(parsePec(tampered).issues.map((i) => i.code)).toContain('SIGNED_BARE_CR');
  }

  it('end of the attachment part headers: the attachment comes back empty', async () => {
    const t = dropLineLF(
      envelope,
      'Content-Transfer-Encoding: base64',
      indexOf(envelope, ascii('fattura 12')),
    );
    expect(sizes(parsePec(envelope))[0]).toBeGreaterThan(100);
    expect(sizes(parsePec(t))[0]).toBe(0);
    await refused(t);
  });

  it('a header of the attachment part: its disposition disappears', async () => {
    const t = dropLineLF(envelope, 'Content-Type: application/pdf');
    expect(parsePec(envelope).original?.attachments[0]?.disposition).toBe('attachment');
    expect(parsePec(t).original?.attachments[0]?.disposition ?? null).toBeNull();
    await refused(t);
  });

  it('the line before a delimiter: the invoice part disappears', async () => {
    const t = dropLineLF(envelope, 'In allegato la fattura');
    const before = names(parsePec(envelope));
    // The text line ends with CRLF, then the empty line, then the delimiter of the invoice part:
    // drop the LF of the empty line (the CR of that line stays bare, the delimiter is not at a line start).
    const at = indexOf(envelope, ascii('In allegato la fattura'));
    const delim = indexOf(envelope, ascii('\r\n--'), at) + 1;
    const hidden = concat([envelope.subarray(0, delim), envelope.subarray(delim + 1)]);
    expect(before).toContain('fattura 12.pdf');
    expect(names(parsePec(hidden))).not.toContain('fattura 12.pdf');
    await refused(hidden);
    await refused(t);
  });

  it('inside postacert.eml: a hidden second original shown as the certified one', async () => {
    for (const b of [hiddenEnvelope, completa]) {
      const genuine = parsePec(b);
      expect(genuine.original?.entity.contentType.value).toBe('text/plain');
      const t = dropLineLF(b, 'MIME-Version: 1.0', indexOf(b, ascii('Subject: Offerta')));
      const shown = parsePec(t);
      expect(shown.kind).toBe(genuine.kind);
      expect(shown.original?.entity.contentType.value).toBe('multipart/mixed');
      expect(names(shown)).toEqual(['ordine.pdf']);
      await refused(t);
    }
  });

  it('LF-stored copies (every CRLF made LF) still verify, canonicalised, with the same fields', async () => {
    for (const b of [envelope, completa]) {
      const lf = ascii(latin1(b).replace(/\r\n/g, '\n'));
      const r = await verify(lf);
      expect(r.valid).toBe(true);
      expect(r.signature.canonicalized).toBe(true);
      const [a, c] = [parsePec(b), parsePec(lf)];
      expect(c.kind).toBe(a.kind);
      expect(c.daticert).toEqual(a.daticert);
      expect(names(c)).toEqual(names(a));
      expect(c.issues.map((i) => i.code)).not.toContain('SIGNED_BARE_CR');
    }
  });
});

describe.runIf(HAVE_CORPUS)('one LF removed in real provider envelopes', () => {
  const verify = createVerifier();
  const cases = [
    // Sogei SdI, SHA-256, CRLF; an invoice envelope with a 7bit and a quoted-printable XML.
    {
      file: '3dinformatica__docway-msa/fattura_passiva_privati_1.eml',
      attachment: 'IT01641790702_fLrNw.xml',
      part: 'Content-Type: application/octet-stream; name=IT01641790702_fLrNw.xml',
    },
    // Aruba, SHA-1, CRLF; a PDF and a Segnatura.xml, both base64.
    {
      file: '3dinformatica__docway-msa/segnatura_allegati_non_validi.eml',
      attachment: 'testo_di_prova2.pdf',
      part: 'Content-Type: application/pdf;',
    },
  ];
  const without = (b: Uint8Array, at: number): Bytes => {
    expect([b[at - 1], b[at]]).toEqual([0x0d, 0x0a]);
    return concat([b.subarray(0, at), b.subarray(at + 1)]);
  };
  for (const { file, attachment, part } of cases) {
    it(`${file}: genuine valid, every one-LF edit refused`, async () => {
      const b = corpusBytes(file);
      const genuine = await verify(b);
      expect(genuine.valid).toBe(true);
      const pec = parsePec(b);
      expect(names(pec)).toContain(attachment);
      const header = indexOf(b, ascii(part));
      expect(header).toBeGreaterThan(0);
      const edits = {
        // the end of the attachment part's header block: the attachment comes back empty
        headerEnd: without(b, indexOf(b, ascii('\r\n\r\n'), header) + 3),
        // the attachment part's Content-Type line
        header: without(b, b.indexOf(0x0a, header)),
        // the line before the delimiter that opens the attachment part: the part merges into the one before
        delimiter: without(b, b.lastIndexOf(0x0a, header - 2)),
        // a header of postacert.eml
        postacert: dropLineLF(b, 'Subject:', indexOf(b, ascii('postacert.eml'))),
      };
      const shown = Object.values(edits).map((t) => [names(parsePec(t)), sizes(parsePec(t))]);
      // At least the delimiter and header-end edits change what the reader shows: the attack.
      expect(
        shown.filter(([n, s]) => JSON.stringify([n, s]) !== JSON.stringify([names(pec), sizes(pec)])).length,
      ).toBeGreaterThanOrEqual(2);
      for (const [edit, t] of Object.entries(edits)) {
        const r = await verify(t);
        expect({ edit, valid: r.valid, intact: r.signature.intact }).toEqual({
          edit,
          valid: false,
          intact: false,
        });
        expect(r.issues.map((i) => i.code)).toContain('SIGNATURE_DIGEST_MISMATCH');
      }
    });
  }
});

// --- the property: either verification fails, or what parsePec shows is what was hashed --------

const SEED = Number(process.env.FC_SEED ?? 20261123);

type Edit = { op: 'drop-lf' | 'drop-cr' | 'add-cr' | 'crlf-to-lf'; pick: number };
const editArb: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('drop-lf' as const, 'drop-cr' as const, 'add-cr' as const, 'crlf-to-lf' as const),
  pick: fc.nat(),
});

/** Applies one line-break edit at the `pick`-th candidate place (wrapping around). */
function applyEdit(b: Uint8Array, e: Edit): Uint8Array {
  const at: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (
      e.op === 'drop-lf'
        ? b[i] === 0x0a
        : e.op === 'drop-cr'
          ? b[i] === 0x0d
          : e.op === 'add-cr'
            ? true
            : b[i] === 0x0d && b[i + 1] === 0x0a
    )
      at.push(i);
  }
  if (at.length === 0) return b;
  const i = at[e.pick % at.length]!;
  if (e.op === 'add-cr') return concat([b.subarray(0, i), Uint8Array.of(0x0d), b.subarray(i)]);
  return concat([b.subarray(0, i), b.subarray(i + 1)]); // crlf-to-lf drops the CR of the pair
}

const normalise = (s: string | null | undefined): string | null =>
  s == null ? null : s.replace(/\r\n/g, '\n');

/** Every field a caller reads, with the LF/CRLF of non-base64 content made one (the reader's view of a line break). */
function view(p: PecMessage): unknown {
  const o = p.original;
  return {
    kind: p.kind,
    daticert: p.daticert,
    text: normalise(p.text),
    deliveryForm: 'deliveryForm' in p ? p.deliveryForm : null,
    hashes: 'hashes' in p ? p.hashes : null,
    nested: p.nested.map((n) => n.kind),
    issues: p.issues.map((i) => i.code).sort(),
    original: o && {
      subject: o.subject,
      from: o.from,
      to: o.to,
      messageId: o.messageId,
      type: o.entity.contentType.value,
      attachments: o.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        disposition: a.disposition,
        content: normalise(latin1(attachmentContent(a, limits))),
      })),
    },
  };
}

describe('line-break edits (property)', async () => {
  fc.configureGlobal({ seed: SEED, numRuns: 150, endOnFailure: true });
  const verify = createVerifier({ trust: [pki('root.cert.pem')], now: WINTER });
  const messages: Uint8Array[] = [
    (await buildEnvelope({ transaction: transaction({ tipo: 'completa' }), provider: await providerA() }))
      .bytes,
    (await syntheticPec({ kind: 'accettazione' })).bytes,
    (await syntheticPec({ kind: 'avvenuta-consegna' })).bytes,
  ];
  messages.push(
    (
      await buildReceipt({
        kind: 'avvenuta-consegna',
        transaction: transactionFromEnvelope(messages[0]!),
        recipient: 'protocollo@postacert.example.org',
        provider: await providerB(),
      })
    ).bytes,
  );
  // An LF-stored copy, as archives keep them.
  messages.push(ascii(latin1(messages[0]!).replace(/\r\n/g, '\n')));
  if (HAVE_CORPUS)
    for (const f of ['seedoo__seedoo-core/accettazione.eml', 'OCA__l10n-italy/message2'])
      messages.push(corpusBytes(f));

  it('either the signature fails or every field equals the one read from the hashed bytes', async () => {
    let intactAfterEdit = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: messages.length - 1 }),
        fc.array(editArb, { minLength: 1, maxLength: 3 }),
        async (which, edits) => {
          const edited = edits.reduce(applyEdit, messages[which]!);
          const report = await verify(edited);
          if (report.signature.intact !== true) return;
          intactAfterEdit++;
          const shown = parsePec(edited);
          const signed = shown.signature!.signed;
          // The bytes whose digest matched, found by the CMS itself (whatever form the verifier
          // tried): the exact bytes, their LF→CRLF form, or every bare CR and LF made CRLF.
          let hashed: Uint8Array | undefined;
          for (const candidate of [signed, lfToCRLF(signed), toCRLF(signed)]) {
            const r = await verifyDetached(candidate, shown.signature!.der!);
            if (r.intact && !r.canonicalized) {
              hashed = candidate;
              break;
            }
          }
          expect(hashed).toBeDefined();
          const offset = signed.byteOffset - edited.byteOffset;
          const rebuilt = concat([
            edited.subarray(0, offset),
            hashed as Uint8Array,
            edited.subarray(offset + signed.length),
          ]);
          expect(view(shown)).toEqual(view(parsePec(rebuilt)));
        },
      ),
    );
    // Not vacuous: CRLF→LF and CR-before-LF edits keep the signature (the canonical form matches).
    expect(intactAfterEdit).toBeGreaterThan(10);
  });
});
