// What we build looks like what real providers send (DESIGN principle 7): for each kind present
// in the real-provider corpus, a message built with `providerCompat: true` has the same top-level
// PEC header set, the same MIME tree (content types, part names, transfer encodings,
// dispositions), the same multipart/signed parameters and the same daticert shape as the real one.
import { describe, expect, it } from 'vitest';
import type { Daticert } from '../src/daticert/schema.js';
import { type MimeEntity, readMime } from '../src/mime/read.js';
import { type BuiltPec, buildEnvelope, buildReceipt } from '../src/provider/build.js';
import { checkSubmission } from '../src/provider/checks.js';
import { parsePec } from '../src/reading/parse.js';
import { original, providerA, providerB, WINTER } from './helpers/build.js';
import { corpusBytes, EXPECTED, HAVE_CORPUS } from './helpers/corpus.js';

/** The top-level fields PEC defines or relies on (trace fields added in transit are left out). */
const PEC_FIELDS = [
  'from',
  'to',
  'cc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'x-trasporto',
  'x-ricevuta',
  'x-riferimento-message-id',
  'x-tiporicevuta',
  'x-verificasicurezza',
  'x-mittente',
];

interface Shape {
  type: string;
  name: string | null;
  cte: string | null;
  disposition: string | null;
  mimeVersion: boolean;
  parts?: Shape[];
}

/** The MIME tree, down to (not into) message/rfc822. */
function shape(e: MimeEntity, top = true): Shape {
  const s: Shape = {
    type: e.contentType.value,
    name: e.filename ?? null,
    cte: e.headers.get('content-transfer-encoding')?.trim().toLowerCase() ?? null,
    disposition: e.disposition?.value ?? null,
    mimeVersion: !top && e.headers.has('mime-version'),
  };
  if (e.parts.length > 0) s.parts = e.parts.map((p) => shape(p, false));
  return s;
}

function fieldSet(bytes: Uint8Array): string[] {
  const names = new Set(readMime(bytes as never).headers.fields.map((f) => f.name.toLowerCase()));
  return PEC_FIELDS.filter((f) => names.has(f));
}

/** Which daticert fields are present (non-null / non-empty) — the shape, not the values. */
function daticertShape(d: Daticert | null): Record<string, unknown> {
  if (!d) return {};
  return {
    tipo: d.tipo,
    errore: d.errore,
    destinatariTipi: [...new Set(d.destinatari.map((x) => x.tipo))],
    oggetto: d.oggetto !== null,
    msgid: d.msgid !== null,
    ricevutaTipo: d.ricevutaTipo,
    consegna: d.consegna !== null,
    ricezione: d.ricezione.length > 0,
    erroreEsteso: d.erroreEsteso !== null,
    zonaShape: /^[+-]\d{4}$/.test(d.data.zona),
  };
}

function compare(real: Uint8Array, built: BuiltPec): void {
  const r = readMime(real as never);
  const b = readMime(built.bytes);
  expect(fieldSet(built.bytes)).toEqual(fieldSet(real));
  expect(shape(b)).toEqual(shape(r));
  expect(b.contentType.params.get('protocol')).toBe(r.contentType.params.get('protocol'));
  expect(b.contentType.params.get('micalg')).toBe(r.contentType.params.get('micalg'));
  const realPec = parsePec(real);
  const builtPec = parsePec(built.bytes);
  expect(builtPec.kind).toBe(realPec.kind);
  expect(daticertShape(builtPec.daticert)).toEqual(daticertShape(realPec.daticert));
  // Same From form: bare provider address, or "Per conto di: …" for envelopes.
  expect(builtPec.headers.fromName?.replace(/\S+@\S+/, 'x')).toBe(
    realPec.headers.fromName?.replace(/\S+@\S+/, 'x'),
  );
  expect(builtPec.headers.from?.startsWith('posta-certificata@')).toBe(
    realPec.headers.from?.startsWith('posta-certificata@'),
  );
}

const SAMPLES = {
  'posta-certificata': '3dinformatica__docway-msa/segnatura_solo_testo.eml',
  accettazione: 'seedoo__seedoo-core/accettazione.eml',
  'avvenuta-consegna completa': 'OCA__l10n-italy/CONSEGNA_ IT03339130126_00009.xml.txt',
  'errore-consegna': 'seedoo__seedoo-core/mancata_consegna.eml',
} as const;

describe.skipIf(!HAVE_CORPUS)('built messages have the structure of real provider messages', () => {
  const to = 'protocollo@postacert.example.org';
  // Like the real samples: one To recipient, no Cc, no X-TipoRicevuta.
  const tx = () =>
    checkSubmission(
      original({ headers: ['From: Mario Rossi <mario.rossi@pec.example.it>', `To: Ufficio <${to}>`] }),
      {
        domain: 'pec.example.it',
        at: WINTER,
        strict: true,
      },
    ).transaction;

  it('the samples are what EXPECTED.json says they are, with intact signatures', () => {
    for (const [kind, file] of Object.entries(SAMPLES)) {
      const e = EXPECTED.find((x) => x.file === file);
      expect(e?.kind).toBe(kind.split(' ')[0]);
      expect(e?.signatureIntact).toBe(true);
    }
  });

  it('posta-certificata (Aruba envelope)', async () => {
    const real = corpusBytes(SAMPLES['posta-certificata']);
    compare(
      real,
      await buildEnvelope({ transaction: tx(), provider: await providerA(), providerCompat: true }),
    );
  });

  it('accettazione (Aruba 2021)', async () => {
    const real = corpusBytes(SAMPLES.accettazione);
    compare(
      real,
      await buildReceipt({
        kind: 'accettazione',
        transaction: tx(),
        provider: await providerA(),
        providerCompat: true,
      }),
    );
  });

  it('avvenuta-consegna completa (Aruba 2018)', async () => {
    const real = corpusBytes(SAMPLES['avvenuta-consegna completa']);
    const built = await buildReceipt({
      kind: 'avvenuta-consegna',
      transaction: tx(),
      recipient: to,
      provider: await providerB(),
      providerCompat: true,
    });
    expect(built.deliveryForm).toBe('completa');
    compare(real, built);
  });

  it('errore-consegna (Aruba 2021)', async () => {
    const real = corpusBytes(SAMPLES['errore-consegna']);
    const errore = parsePec(real).daticert!.errore;
    const built = await buildReceipt({
      kind: 'errore-consegna',
      errore,
      transaction: tx(),
      recipient: to,
      provider: await providerB(),
      providerCompat: true,
    });
    compare(real, built);
    // NOTA 12 shape of errore-esteso: "<d.d.d> - <GESTORE> - <text>".
    expect(parsePec(real).daticert!.erroreEsteso).toMatch(/^\d\.\d\.\d - .+ - .+$/);
    expect(built.daticert!.erroreEsteso).toMatch(/^\d\.\d\.\d - .+ - .+$/);
  });
});
