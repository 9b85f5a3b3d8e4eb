// Browser conformance page script: runs in headless Chromium against the library bundle users get
// (`pec-kit` is resolved by the page's import map to the esbuild browser bundle of src/index.ts).
// Results go to `window.__pecResults`; `window.__pecDone` flips when every check has run.
import * as pecKit from 'pec-kit';
import {
  buildDaticert,
  correlate,
  type DaticertInput,
  DEFAULT_TRUST_ANCHORS,
  formatReport,
  importSigner,
  parseDaticert,
  parsePec,
  signDetached,
  verifyBreveHashes,
  verifyDetached,
  verifyPec,
} from 'pec-kit';
import { buildSampleTransaction, type SampleTransaction } from '../../docs/verifier/sample.js';
import { tamper } from '../helpers/tamper.js';
import { CHECKS, type CheckName, type CheckResult, type PageFixtures } from './checks.js';

declare global {
  interface Window {
    __pecResults: CheckResult[];
    __pecDone: boolean;
  }
}

class Skip extends Error {}

function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return s;
};
const fromLatin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const fromBase64 = (s: string): Uint8Array => fromLatin1(atob(s));
const codes = (r: { issues: { code: string }[] }): string[] => r.issues.map((i) => i.code);
const errors = (r: { issues: { code: string; severity: string }[] }): string[] =>
  r.issues.filter((i) => i.severity === 'error').map((i) => i.code);

async function main(): Promise<void> {
  const results: CheckResult[] = [];
  window.__pecResults = results;
  const fx = (await (await fetch('./fixtures.json')).json()) as PageFixtures;
  const trust = { trust: [fx.pki.root] };
  const at = new Date('2025-03-14T10:30:00Z');
  let tx: SampleTransaction | undefined;
  const sample = (): SampleTransaction => {
    if (!tx) throw new Error('no sample transaction (the build check failed)');
    return tx;
  };

  const run: Record<CheckName, () => Promise<string>> = {
    'bundle loads without Node built-ins (the whole public API is there)': async () => {
      const exported = Object.keys(pecKit).sort();
      for (const name of ['parsePec', 'verifyPec', 'createVerifier', 'formatReport', 'KINDS', 'ISSUE_CODES'])
        assert(exported.includes(name), `missing export ${name}`);
      assert(typeof (globalThis as { process?: unknown }).process === 'undefined', 'process is defined');
      assert(typeof (globalThis as { Buffer?: unknown }).Buffer === 'undefined', 'Buffer is defined');
      return `${exported.length} exports`;
    },
    'sign: importSigner + signDetached, then verifyDetached says intact': async () => {
      const signer = await importSigner({
        certificate: fx.pki.provider.cert,
        privateKey: fx.pki.provider.key,
        chain: fx.pki.pecCa,
      });
      const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nciao dal browser\r\n');
      const der = await signDetached(content, signer, { signingTime: at });
      const r = await verifyDetached(content, der);
      assert(r.intact, `not intact: ${r.message}`);
      assert(
        r.signingTime?.toISOString() === at.toISOString(),
        `signingTime ${r.signingTime?.toISOString()}`,
      );
      const bad = await verifyDetached(fromLatin1(latin1(content).replace('ciao', 'Ciao')), der);
      assert(!bad.intact, 'a changed content still verifies');
      return `digest ${r.digestAlgorithm}, signer email ${signer.email}`;
    },
    'build: a sample transaction (envelope, acceptance, breve delivery) signed in the page': async () => {
      const [signer, signer2] = await Promise.all([
        importSigner({
          certificate: fx.pki.provider.cert,
          privateKey: fx.pki.provider.key,
          chain: fx.pki.pecCa,
        }),
        importSigner({
          certificate: fx.pki.provider2.cert,
          privateKey: fx.pki.provider2.key,
          chain: fx.pki.pecCa,
        }),
      ]);
      tx = await buildSampleTransaction({
        sender: { domain: 'pec.example.it', name: 'Example PEC S.p.A.', signer },
        recipient: { domain: 'postacert.example.org', name: 'Postacert Example S.r.l.', signer: signer2 },
        at,
      });
      return `envelope ${tx.envelope.length} B, accettazione ${tx.accettazione.length} B, consegna ${tx.consegna.length} B`;
    },
    'daticert: buildDaticert / parseDaticert round trip': async () => {
      const input: DaticertInput = {
        tipo: 'avvenuta-consegna',
        errore: 'nessuno',
        mittente: 'mario.rossi@pec.example.it',
        destinatari: [{ address: 'ufficio@postacert.example.org', tipo: 'certificato' }],
        risposte: 'mario.rossi@pec.example.it',
        oggetto: 'Città & <caratteri> speciali',
        gestoreEmittente: 'Example PEC S.p.A.',
        data: { giorno: '14/03/2025', ora: '11:30:07', zona: '+0100' },
        identificativo: 'opec1.20250314113007.1.1.1@pec.example.it',
        msgid: '<m1@client.example.it>',
        ricevutaTipo: 'completa',
        consegna: 'ufficio@postacert.example.org',
        ricezione: [],
        erroreEsteso: null,
      };
      const { daticert, warnings } = parseDaticert(buildDaticert(input));
      assert(daticert.oggetto === input.oggetto, `oggetto ${daticert.oggetto}`);
      assert(daticert.dataUtc === '2025-03-14T10:30:07Z', `dataUtc ${daticert.dataUtc}`);
      assert(warnings.length === 0, `warnings ${JSON.stringify(warnings)}`);
      return daticert.dataUtc;
    },
    'parse: raw 8-bit header bytes are read one byte per char (0x80–0x9f included)': async () => {
      // An unsigned header written in raw UTF-8 ("È" is C3 88) and one with a lone 0x80 byte,
      // put before the envelope's own headers. A windows-1252 decoder (what browsers give for
      // TextDecoder('latin1')) would turn 0x88 into "ˆ" and 0x80 into "€".
      const head = Uint8Array.from([
        ...new TextEncoder().encode('Subject: '),
        0xc3,
        0x88,
        ...new TextEncoder().encode(' urgente\r\nX-Raw: a'),
        0x80,
        ...new TextEncoder().encode('b\r\n'),
      ]);
      const bytes = new Uint8Array(head.length + sample().envelope.length);
      bytes.set(head);
      bytes.set(sample().envelope, head.length);
      const pec = parsePec(bytes);
      assert(pec.headers.subject === 'È urgente', `subject ${JSON.stringify(pec.headers.subject)}`);
      const raw = pec.rawHeaders.getRaw('X-Raw') ?? '';
      assert(raw === 'a\u0080b', `raw ${JSON.stringify(raw)} (${[...raw].map((c) => c.charCodeAt(0))})`);
      return pec.headers.subject;
    },
    'parse: envelope kind, signed daticert fields, original message and attachment': async () => {
      const pec = parsePec(sample().envelope);
      assert(pec.kind === 'posta-certificata', `kind ${pec.kind}`);
      const d = pec.daticert;
      assert(d?.mittente === 'mario.rossi@pec.example.it', `mittente ${d?.mittente}`);
      assert(d?.identificativo === sample().identificativo, `identificativo ${d?.identificativo}`);
      assert(d?.ricevutaTipo === 'breve', `ricevutaTipo ${d?.ricevutaTipo}`);
      assert(pec.original?.subject === 'Fattura n. 42/2025', `subject ${pec.original?.subject}`);
      const names = pec.original?.attachments.map((a) => a.filename) ?? [];
      assert(names.join() === 'fattura-42.pdf', `attachments ${names.join()}`);
      return `${pec.kind}, ${names.join()}`;
    },
    'parse: the lazy display parse (postal-mime chunk) of the original message': async () => {
      const email = await parsePec(sample().envelope).original?.parse();
      assert(email?.text?.includes('in allegato la fattura'), `text ${email?.text}`);
      const pdf = email?.attachments.find((a) => a.filename === 'fattura-42.pdf');
      assert(pdf, 'no fattura-42.pdf attachment');
      const content = typeof pdf.content === 'string' ? pdf.content : new TextDecoder().decode(pdf.content);
      assert(content.startsWith('%PDF-1.4'), 'attachment content');
      return `text ${email?.text?.length} chars, ${email?.attachments.length} attachment(s)`;
    },
    'verify: the envelope is valid with the test PKI root as the only anchor': async () => {
      const r = await verifyPec(sample().envelope, trust);
      assert(r.valid, `invalid: ${errors(r)}`);
      assert(r.chain.trusted === true, 'chain not trusted');
      assert(r.chain.path.length === 3, `path ${r.chain.path.join(' > ')}`);
      assert(r.signature.signer?.email === 'posta-certificata@pec.example.it', 'signer email');
      assert(r.signature.signingTime === at.toISOString(), `signingTime ${r.signature.signingTime}`);
      return r.chain.path.join(' > ');
    },
    'verify: acceptance and breve delivery receipts are valid': async () => {
      const acc = await verifyPec(sample().accettazione, trust);
      const con = await verifyPec(sample().consegna, trust);
      assert(acc.valid && acc.kind === 'accettazione', `accettazione ${acc.kind} ${errors(acc)}`);
      assert(con.valid && con.kind === 'avvenuta-consegna', `consegna ${con.kind} ${errors(con)}`);
      assert(con.signature.signer?.email === 'posta-certificata@postacert.example.org', 'consegna signer');
      return `${acc.kind}, ${con.kind}`;
    },
    'trust: the test-PKI message is untrusted under the embedded PEC anchors': async () => {
      assert(DEFAULT_TRUST_ANCHORS.length >= 2, 'no embedded anchors');
      const r = await verifyPec(sample().envelope);
      assert(!r.valid, 'valid under the embedded anchors');
      assert(r.signature.intact === true, 'signature not intact');
      assert(r.chain.trusted === false, `trusted ${r.chain.trusted}`);
      assert(codes(r).includes('CHAIN_UNTRUSTED'), `codes ${codes(r)}`);
      return codes(r).join(', ');
    },
    'trust: a real corpus message is valid under the embedded anchors (signing time)': async () => {
      const m = fx.corpus.find((c) => c.eol === 'CRLF');
      if (!m) throw new Skip('no corpus');
      const r = await verifyPec(fromBase64(m.base64));
      assert(r.valid, `invalid: ${errors(r)}`);
      assert(r.kind === m.kind, `kind ${r.kind}`);
      assert(r.signature.signer?.email === m.signerEmail, `signer ${r.signature.signer?.email}`);
      assert(r.chain.atSource === 'signing-time', `atSource ${r.chain.atSource}`);
      assert(/CN=(AgID|DigitPA) CA1/.test(r.chain.anchor ?? ''), `anchor ${r.chain.anchor}`);
      return `${m.file}: ${r.kind} by ${r.signature.signer?.email}, anchor ${r.chain.anchor}`;
    },
    'trust: a real corpus message stored with LF endings verifies (CRLF canonicalised)': async () => {
      const m = fx.corpus.find((c) => c.eol === 'LF');
      if (!m) throw new Skip('no corpus');
      const r = await verifyPec(fromBase64(m.base64));
      assert(r.valid, `invalid: ${errors(r)}`);
      assert(r.signature.canonicalized, 'not canonicalised');
      return `${m.file}: ${r.kind}`;
    },
    'breve: every .hash of the receipt matches the original': async () => {
      const r = await verifyBreveHashes(sample().consegna, sample().original);
      assert(r.ok, JSON.stringify(r.entries));
      assert(r.entries.length === 1 && r.entries[0]?.status === 'match', JSON.stringify(r.entries));
      return r.entries.map((e) => `${e.filename}: ${e.status} (${e.reading})`).join('; ');
    },
    'breve: a changed attachment is reported as differing': async () => {
      // The fake PDF's base64 in the original: change one character of it.
      const text = latin1(sample().original);
      const at64 = text.indexOf('JVBERi0xLjQ');
      assert(at64 > 0, 'attachment base64 not found');
      const changed = fromLatin1(
        `${text.slice(0, at64 + 20)}${text[at64 + 20] === 'A' ? 'B' : 'A'}${text.slice(at64 + 21)}`,
      );
      const r = await verifyBreveHashes(sample().consegna, changed);
      assert(!r.ok && r.entries[0]?.status === 'differ', JSON.stringify(r.entries));
      return 'differ';
    },
    'correlate: the receipts answer the sent message': async () => {
      // Only verified receipts count: each goes in with its report.
      const received = [sample().accettazione, sample().consegna];
      const verified = await Promise.all(
        received.map(async (m) => ({ message: m, report: await verifyPec(m, trust) })),
      );
      const c = correlate(sample().original, verified);
      assert(c.acceptance === 'accepted', `acceptance ${c.acceptance}`);
      assert(c.identificativo === sample().identificativo, `identificativo ${c.identificativo}`);
      const r = c.recipients.find((x) => x.address === sample().to);
      assert(r?.status === 'delivered', `recipient ${JSON.stringify(c.recipients)}`);
      assert(r.delivered?.form === 'breve', `form ${r.delivered?.form}`);
      return `${r.address}: ${r.status} (${r.delivered?.form})`;
    },
    'tamper: one changed byte in the signed daticert makes the message invalid': async () => {
      const r = await verifyPec(tamper(sample().envelope), trust);
      assert(!r.valid, 'still valid');
      assert(r.signature.intact === false, `intact ${r.signature.intact}`);
      assert(codes(r).includes('SIGNATURE_DIGEST_MISMATCH'), `codes ${codes(r)}`);
      return errors(r).join(', ');
    },
    'tamper: a forged unsigned header is reported, the signature stays intact': async () => {
      const forged = fromLatin1(
        latin1(sample().accettazione).replace('X-Ricevuta: accettazione', 'X-Ricevuta: non-accettazione'),
      );
      const r = await verifyPec(forged, trust);
      assert(r.signature.intact === true, 'signature broken by an outer header');
      assert(r.kind === 'accettazione', `kind from the unsigned header: ${r.kind}`);
      assert(codes(r).includes('KIND_HEADER_MISMATCH'), `codes ${codes(r)}`);
      return codes(r).join(', ');
    },
    'formatReport: Italian report of a valid message': async () => {
      const text = formatReport(await verifyPec(sample().consegna, trust), 'it');
      assert(/valid|valido/i.test(text), text);
      return text.split('\n')[0] ?? '';
    },
  };

  for (const name of CHECKS) {
    try {
      results.push({ name, status: 'pass', detail: await run[name]() });
    } catch (e) {
      results.push(
        e instanceof Skip
          ? { name, status: 'skip', detail: e.message }
          : {
              name,
              status: 'fail',
              detail: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
            },
      );
    }
  }
  window.__pecDone = true;
}

main().catch((e: unknown) => {
  window.__pecResults ??= [];
  window.__pecResults.push({
    name: CHECKS[0],
    status: 'fail',
    detail: `page crashed: ${e instanceof Error ? e.stack : String(e)}`,
  });
  window.__pecDone = true;
});
