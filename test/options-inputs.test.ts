// Strict options (a typo is refused with a hint, never silently ignored), `at` as ISO-8601, named
// bad inputs, Issue.code as a union, Italian texts for every code, and Italian-time formatting.
import { describe, expect, it } from 'vitest';
import { signDetached } from '../src/cms/sign.js';
import { importSigner } from '../src/cms/signer.js';
import { verifyDetached } from '../src/cms/verify.js';
import { buildDaticert } from '../src/daticert/build.js';
import { parseDaticert } from '../src/daticert/parse.js';
import { ERROR_CODES, isPecError } from '../src/errors.js';
import type { IssueCode } from '../src/issues.js';
import { resolveLimits } from '../src/limits.js';
import { buildEnvelope, buildReceipt } from '../src/provider/build.js';
import { checkSubmission } from '../src/provider/checks.js';
import { makeIdentificativo } from '../src/provider/ids.js';
import { transactionFromEnvelope } from '../src/provider/transaction.js';
import { attachmentContent } from '../src/reading/original.js';
import { parsePec } from '../src/reading/parse.js';
import { createTestPki } from '../src/testing/test-pki.js';
import { verifyBreveHashes } from '../src/verify/breve.js';
import { ISSUE_CODES } from '../src/verify/codes.js';
import { correlate } from '../src/verify/correlate.js';
import { formatReport } from '../src/verify/format.js';
import { ISSUE_TEXT_IT, issueText } from '../src/verify/messages-it.js';
import { formatInstant, summarize } from '../src/verify/summary.js';
import { createVerifier, verifyPec } from '../src/verify/verify.js';
import { original, providerA, transaction } from './helpers/build.js';
import { TEST_ROOT_PEM, tamper, testTransaction } from './helpers/sample.js';

/** Runs `f` and returns the coded error it throws (sync or async). */
async function refusal(
  f: () => unknown,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

describe('strict option objects', () => {
  it('verifyPec refuses a misspelled trustAnchors with a hint, instead of verifying against the defaults', async () => {
    const tx = await testTransaction();
    const e = await refusal(() => verifyPec(tx.consegna, { trustAnchors: [TEST_ROOT_PEM] } as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('unknown option "trustAnchors" (did you mean "trust"?)');
    expect(e.details).toMatchObject({ option: 'trustAnchors', suggestion: 'trust' });
    expect(() => createVerifier({ crl: [] } as never)).toThrow(/did you mean "crls"\?/);
    expect(() => createVerifier({ banana: 1 } as never)).toThrow(
      /unknown option "banana"; known options: trust,/,
    );
  });

  it('every other option object refuses unknown keys', async () => {
    const tx = await testTransaction();
    const provider = await providerA();
    const cases: [string, () => unknown, string][] = [
      ['parsePec', () => parsePec(tx.consegna, { limit: {} } as never), 'limits'],
      ['limits', () => parsePec(tx.consegna, { limits: { maxMesageBytes: 1 } as never }), 'maxMessageBytes'],
      ['createTestPki', () => createTestPki({ noww: new Date() } as never), 'now'],
      ['correlate', () => correlate('<a@b>', [], { limts: {} } as never), 'limits'],
      [
        'verifyBreveHashes',
        () => verifyBreveHashes(tx.consegna, tx.original, { crypt: 1 } as never),
        'crypto',
      ],
      ['parseDaticert', () => parseDaticert('<postacert/>', { limit: {} } as never), 'limits'],
      [
        'transactionFromEnvelope',
        () => transactionFromEnvelope(tx.envelope, { limit: {} } as never),
        'limits',
      ],
      ['makeIdentificativo', () => makeIdentificativo({ domain: 'x.it', At: new Date() } as never), 'at'],
      [
        'checkSubmission',
        () => checkSubmission(original(), { domain: 'pec.example.it', strictt: true } as never),
        'strict',
      ],
      [
        'buildReceipt',
        () =>
          buildReceipt({
            kind: 'errore-consegna',
            transaction: transaction(),
            provider,
            erorre: 'no-dest',
          } as never),
        'errore',
      ],
      [
        'buildEnvelope',
        () => buildEnvelope({ transaction: transaction(), provider, providercompat: true } as never),
        'providerCompat',
      ],
      ['importSigner', () => importSigner({ certificate: '', privateKey: '', chains: [] } as never), 'chain'],
      [
        'signDetached',
        () => signDetached(new Uint8Array(1), provider.signer, { digets: 'sha256' } as never),
        'digest',
      ],
      [
        'verifyDetached',
        () => verifyDetached(new Uint8Array(1), new Uint8Array(1), { limit: {} } as never),
        'limits',
      ],
      [
        'formatReport',
        async () => formatReport(await verifyPec(tx.consegna), 'it', { detail: false } as never),
        'details',
      ],
    ];
    for (const [what, f, hint] of cases) {
      const e = await refusal(f);
      expect(e.code, what).toBe('INVALID_ARGUMENT');
      expect(e.message, what).toContain(`(did you mean "${hint}"?)`);
    }
  });

  it('`at` accepts an ISO-8601 string as the CLI does, and refuses anything else', async () => {
    const tx = await testTransaction();
    const r = await verifyPec(tx.consegna, { trust: [TEST_ROOT_PEM], at: '2025-03-20T12:00:00+01:00' });
    expect(r.chain).toMatchObject({ atSource: 'given', at: '2025-03-20T11:00:00.000Z', trusted: true });
    const day = await verifyPec(tx.consegna, { trust: [TEST_ROOT_PEM], at: '2025-03-20' });
    expect(day.chain.at).toBe('2025-03-20T00:00:00.000Z');
    for (const bad of ['yesterday', '20/03/2025', '2025-13-45T00:00:00Z', 42]) {
      const e = await refusal(() => verifyPec(tx.consegna, { at: bad as never }));
      expect(e.code, String(bad)).toBe('INVALID_ARGUMENT');
    }
  });

  it('attachmentContent is safe without limits: the defaults bound it', async () => {
    const tx = await testTransaction();
    const a = parsePec(tx.envelope).original!.attachments[0]!;
    expect(attachmentContent(a)).toEqual(attachmentContent(a, resolveLimits()));
    expect(() => attachmentContent(a, { maxBase64Bytes: 10 })).toThrow(/maxBase64Bytes/);
    expect(() => attachmentContent(null as never)).toThrow(TypeError);
  });

  it('Issue.code is the union of the known codes', () => {
    const known: IssueCode = 'SIGNATURE_DIGEST_MISMATCH';
    // @ts-expect-error: not a code of any table
    const unknown: IssueCode = 'NOT_A_CODE';
    expect([known, unknown]).toHaveLength(2);
  });
});

describe('named bad inputs: their own code and a sentence saying what to do', () => {
  const OUTLOOK = new Uint8Array(4096);
  OUTLOOK.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

  it('each kind of wrong input is named, by parsePec and by verifyPec (which never throws)', async () => {
    const tx = await testTransaction();
    const pec = parsePec(tx.consegna);
    const daticertXml = buildDaticert(pec.daticert!);
    const postacert = parsePec(tx.envelope).original!.raw;
    const cases: [string, string | Uint8Array, IssueCode, RegExp][] = [
      ['empty', new Uint8Array(0), 'INPUT_EMPTY', /read the \.eml file again/],
      ['blanks', '\r\n  \r\n', 'INPUT_EMPTY', /only blanks/],
      ['POSIX path', '/home/mario/PEC/CONSEGNA.eml', 'INPUT_FILE_PATH', /read the file and pass its bytes/],
      [
        'path beyond latin1',
        '/home/用户/PEC/ricevuta.eml',
        'INPUT_FILE_PATH',
        /"\/home\/用户\/PEC\/ricevuta\.eml", which looks like a file path/,
      ],
      ['Windows path', 'C:\\Users\\mario\\Downloads\\postacert.eml', 'INPUT_FILE_PATH', /file path/],
      ['PDF', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'INPUT_PDF', /saved as \.eml/],
      ['Outlook .msg', OUTLOOK, 'INPUT_OUTLOOK_MSG', /save the PEC .* as \.eml/],
      ['daticert.xml alone', daticertXml, 'INPUT_FRAGMENT', /daticert\.xml on its own/],
      [
        'a body without headers',
        'Gentile cliente,\nin allegato la fattura.\n\nSaluti\n',
        'INPUT_FRAGMENT',
        /not a whole e-mail/,
      ],
      ['extracted postacert.eml', postacert, 'INPUT_POSTACERT', /verify the envelope or receipt/],
    ];
    for (const [what, input, code, sentence] of cases) {
      const p = parsePec(input);
      expect(p.kind, what).toBe('non-pec');
      const found = p.issues.find((i) => i.code === code);
      expect(found?.message, what).toMatch(sentence);
      expect(
        p.issues.map((i) => i.code),
        what,
      ).not.toContain('NOT_PEC');
      const r = await verifyPec(input);
      expect(r.valid, what).toBe(false);
      expect(
        r.issues.map((i) => i.code),
        what,
      ).toContain(code);
      // The Italian headline names the input too.
      expect(summarize(r, 'it').headline, what).toBe(`NON VALIDO: ${ISSUE_TEXT_IT[code]}`);
    }
  });

  it('ordinary mail and real PEC are not mistaken for bad inputs', async () => {
    const mail = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: ciao\r\n\r\nciao\r\n';
    expect(parsePec(mail).issues.map((i) => i.code)).toEqual(['NOT_PEC']);
    const tx = await testTransaction();
    for (const m of [tx.envelope, tx.accettazione, tx.consegna, tamper(tx.consegna)])
      expect(parsePec(m).issues.filter((i) => i.code.startsWith('INPUT_'))).toEqual([]);
    // A multi-line text that mentions a path is not a path.
    expect(parsePec('see /tmp/x.eml\nand more\n').issues.map((i) => i.code)).not.toContain('INPUT_FILE_PATH');
  });
});

describe('Italian', () => {
  it('every issue code and error code has an Italian text', () => {
    const missing = [...Object.keys(ISSUE_CODES), ...Object.keys(ERROR_CODES)].filter(
      (c) => !(ISSUE_TEXT_IT as Record<string, string>)[c],
    );
    expect(missing).toEqual([]);
    // and no Italian row for a code that does not exist (a typo would never be shown)
    const all = new Set([...Object.keys(ISSUE_CODES), ...Object.keys(ERROR_CODES)]);
    expect(Object.keys(ISSUE_TEXT_IT).filter((c) => !all.has(c))).toEqual([]);
    expect(issueText('CHAIN_EXPIRED', 'en')).toBe(ISSUE_CODES.CHAIN_EXPIRED!.description);
    expect(issueText('NOPE', 'it')).toBeNull();
  });

  it("formatReport 'it' is Italian: each finding by its Italian meaning; details: false drops the English detail", async () => {
    const tx = await testTransaction();
    const r = await verifyPec(tamper(tx.consegna), { trust: [TEST_ROOT_PEM] });
    const text = formatReport(r, 'it', { details: false });
    expect(text.split('\n')[0]).toBe(
      'NON VALIDO: la firma non corrisponde al contenuto: il messaggio è stato alterato dopo la firma. Nulla di ciò che mostra è certificato',
    );
    for (const i of r.issues) {
      expect(text).toContain(`${i.code}: ${ISSUE_TEXT_IT[i.code]}`);
      expect(text).not.toContain(i.message);
    }
    expect(text).toContain('Controlli: firma: NON superato; catena: superato; firmatario: non verificato');
    expect(text).not.toMatch(/\b(the|is|was|signature|trusted|valid)\b/i);
    const withDetails = formatReport(r, 'it');
    for (const i of r.issues) expect(withDetails).toContain(`dettaglio tecnico: ${i.message}`);
  });

  it('the certified sentence says who, what and when, in Italian time and UTC', async () => {
    const tx = await testTransaction();
    const s = summarize(await verifyPec(tx.consegna, { trust: [TEST_ROOT_PEM] }), 'it');
    expect(s.certified).toBe(
      'Postacert Example S.r.l. ha consegnato il messaggio di mario.rossi@pec.example.it nella casella di ufficio.protocollo@postacert.example.org il 14/03/2025 11:30:07 ora italiana (UTC+01:00), 14/03/2025 10:30:07 UTC. Oggetto del messaggio: «Fattura n. 42/2025».',
    );
    expect(s.outcomeText).toBe('Cosa è successo? consegnato.');
  });

  it('formatInstant agrees with the Europe/Rome zone data, across the summer-time switches', () => {
    const rome = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Rome',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const instants = [
      '2025-03-30T00:59:59Z',
      '2025-03-30T01:00:00Z',
      '2025-10-26T00:59:59Z',
      '2025-10-26T01:00:00Z',
      '2018-11-13T15:39:27Z',
      '2024-02-29T23:30:00Z',
    ];
    for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000 * 7 + 3_600_000 * 5)
      instants.push(new Date(t).toISOString());
    for (const iso of instants) {
      const expected = rome.format(new Date(iso)).replace(',', '');
      expect(formatInstant(iso, 'it').rome, iso).toBe(expected);
    }
    expect(formatInstant('2025-07-01T10:00:00Z', 'en').text).toBe(
      '01/07/2025 12:00:00 Italian time (UTC+02:00), 01/07/2025 10:00:00 UTC',
    );
  });
});

describe('createVerifier keeps a coded error for bad option values', () => {
  it('a misspelled limit inside verifyPec options', async () => {
    const e = await refusal(() => createVerifier({ limits: { maxpart: 3 } as never }));
    expect(isPecError(e, 'INVALID_ARGUMENT')).toBe(true);
    expect(e.message).toContain('did you mean "maxParts"?');
  });
});
