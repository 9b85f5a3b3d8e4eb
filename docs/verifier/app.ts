// The pec-kit web verifier: drop or pick a .eml and see whether it is a genuine PEC message, what
// happened, who vouches for it, and its content: certified only when the message is valid, greyed
// and labelled "non certificato" otherwise. Italian first, English on request. Everything runs in
// this page: the file is read with the File API, verified with WebCrypto, and nothing is sent
// anywhere (the page's CSP has connect-src 'none'). Built by `npm run build:web` into pec-kit.js.
//
// What the page says about a report is the library's: authentic (`valid`), the outcome, who
// vouches (`chain.trustSource`), the headline, the "who certified what, and when" sentence, times,
// checks and issue texts (`summarize`), read through src/cli/assessment.ts, shared with the CLI.
import {
  attachmentContent,
  createVerifier,
  DEFAULT_LIMITS,
  DEFAULT_TRUST_ANCHOR_INFO,
  DEFAULT_TRUST_ANCHORS,
  displayText,
  formatInstant,
  type PecMessage,
  parsePec,
  type VerificationReport,
  verifyPec,
} from 'pec-kit';
import { createTestPki } from 'pec-kit/testing';
import {
  type Assessment,
  assess,
  classifyInput,
  type InputKind,
  inputText,
  kindName,
  type Lang,
  outcomeWords,
  TRUST_WORDS,
} from '../../src/cli/assessment.js';
import { buildSampleTransaction, type SampleTransaction } from './sample.js';

type Child = Node | string | null | undefined | false;

/**
 * A DOM element; text always goes in as text nodes (message content is hostile input), through
 * displayText: a direction override in a subject or a file name cannot reorder what follows it.
 */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'string' ? displayText(c) : c);
  }
  return el;
}

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector<T>(sel)!;

/** The page's own words; the verdict vocabulary lives in assessment.ts. */
const UI = {
  it: {
    title: 'Verifica PEC',
    intro:
      'È una vera PEC? Trascina qui il file .eml della tua casella PEC: la firma del gestore, la catena dei certificati fino alle radici PEC (AgID CA1, DigitPA CA1) e i dati certificati (daticert.xml) vengono controllati in questa pagina. Non viene inviato nulla: la pagina non fa alcuna richiesta di rete.',
    drop: 'Trascina qui i file .eml',
    pick: 'oppure fai clic per sceglierli',
    sample: 'Crea una transazione di prova',
    sampleHint:
      'Genera in questa pagina una CA di prova e le chiavi di due gestori, costruisce una busta di trasporto, una ricevuta di accettazione e una ricevuta di consegna breve, e le verifica.',
    anchors: 'Radici di fiducia',
    trustAdd: 'Considera attendibile anche un certificato di CA (PEM o DER, per esempio una CA di prova):',
    embedded: 'inclusa',
    until: 'fino al',
    addedByYou: 'aggiunta da te, solo in questa pagina',
    footer:
      'pec-kit: funziona interamente nel browser (WebCrypto). La firma è controllata all’ora della firma, come richiede la prova PEC.',
    docs: 'Documentazione',
    switchTo: 'English',
    verifying: 'verifica in corso…',
    checked: (n: number) => `${n} file controllati in questa pagina; non è stato inviato nulla.`,
    notUsable: (name: string, why: string) => `${name} non è un certificato di CA utilizzabile: ${why}`,
    trustUpdated: 'Radici di fiducia aggiornate: trascina di nuovo il messaggio per ricontrollarlo.',
    generating: 'Genero in questa pagina una CA di prova e le chiavi di due gestori…',
    building: 'Costruisco e firmo la busta e le ricevute…',
    sampleDone: 'Transazione di prova creata e verificata in questa pagina.',
    sampleFailed: (why: string) => `Impossibile creare la transazione di prova: ${why}`,
    sampleTitle: 'Transazione di prova',
    sampleText:
      'Creata in questa pagina con una CA di prova appena generata (non è attendibile altrove). I messaggi qui sotto sono verificati solo rispetto a quella CA. File: ',
    authentic: 'AUTENTICO',
    notValid: 'NON VALIDO',
    notPec: 'NON È PEC',
    notMessage: 'NON È UN MESSAGGIO',
    unreadable: 'ILLEGGIBILE',
    qAuthentic: 'È autentico?',
    qWhat: 'Cosa è successo?',
    qTrust: 'Chi lo garantisce?',
    yes: 'Sì',
    no: 'No',
    notCertifiedOutcome: 'lo dice il file, ma non è certificato',
    noOutcome: 'nessun esito: non è un messaggio PEC',
    certifiedTitle: 'Cosa certifica il gestore',
    uncertifiedTitle: 'Contenuto del file',
    uncertifiedBadge: 'non certificato',
    uncertifiedText:
      'Questi dati sono ciò che il file dichiara: non sono certificati e potrebbero essere stati alterati. Non usarli come prova.',
    daticertCaption: 'Dati certificati (daticert.xml, firmato dal gestore)',
    daticertUncertified: 'daticert.xml: NON certificato',
    originalTitle: 'Messaggio originale (postacert.eml)',
    attachments: (n: number) => `Allegati (${n})`,
    bytes: 'byte',
    damaged: 'codifica danneggiata',
    downloadOriginal: 'scarica postacert.eml',
    downloadThis: 'scarica questo messaggio',
    download: (name: string) => `scarica ${name}`,
    guardWarning:
      'Attenzione: questo file viene da un messaggio non valido. Non è certificato e potrebbe essere stato alterato.',
    downloadAnyway: 'Scarica comunque',
    cancel: 'Annulla',
    technical: 'Dettagli tecnici',
    checksTitle: 'Controlli',
    issuesTitle: 'Segnalazioni',
    signatureChain: 'Firma e catena',
    rowSignature: 'firma',
    sigNone: 'assente',
    sigIntact: 'integra',
    sigBroken: 'ALTERATA (non corrisponde ai dati firmati)',
    sigNotChecked: 'non controllata',
    rowSigner: 'firmatario',
    rowSignedAt: 'firmato il',
    rowClaimedSigner: 'certificato della firma (non verificato)',
    rowClaimedSignedAt: 'ora di firma dichiarata (non verificata)',
    rowDigest: 'impronta',
    canonical: ' (dopo normalizzazione CRLF)',
    rowChain: 'catena',
    chainTrusted: 'attendibile',
    chainUntrusted: 'NON attendibile',
    chainNotJudged: 'non valutata',
    judgedAt: 'valutata al',
    notValidNow: '; non valida oggi (normale per certificati di gestori scaduti)',
    anchor: '(radice)',
    rows: {
      tipo: 'tipo / errore',
      mittente: 'mittente',
      destinatari: 'destinatari',
      risposte: 'risposte a',
      oggetto: 'oggetto',
      gestore: 'gestore',
      data: 'data e ora',
      identificativo: 'identificativo',
      msgid: 'Message-ID originale',
      ricevuta: 'tipo di ricevuta',
      consegna: 'consegna a',
      ricezione: 'ricezione',
      erroreEsteso: 'dettaglio errore',
      subject: 'oggetto',
      from: 'da',
      to: 'a',
      date: 'data',
      messageId: 'Message-ID',
      clientId: 'Message-ID del client',
    },
  },
  en: {
    title: 'PEC verifier',
    intro:
      'Is this a genuine Italian certified e-mail (PEC)? Drop a .eml from your PEC mailbox: the provider’s signature, the certificate chain to the PEC trust anchors (AgID CA1, DigitPA CA1) and the certified data (daticert.xml) are checked in this page. Nothing is uploaded: the page makes no network request at all.',
    drop: 'Drop .eml files here',
    pick: 'or click to pick them',
    sample: 'Build a sample transaction',
    sampleHint:
      'Generates a test CA and two provider keys in this page, builds an envelope, an acceptance and a breve delivery receipt, and verifies them.',
    anchors: 'Trust anchors',
    trustAdd: 'Trust an extra CA certificate (PEM or DER, e.g. a test CA):',
    embedded: 'embedded',
    until: 'until',
    addedByYou: 'added by you, this page only',
    footer:
      'pec-kit: runs entirely in your browser (WebCrypto). The signature is checked at the signing time, as PEC evidence requires.',
    docs: 'Documentation',
    switchTo: 'Italiano',
    verifying: 'verifying…',
    checked: (n: number) => `${n} file(s) checked in this page; nothing was uploaded.`,
    notUsable: (name: string, why: string) => `${name} is not a usable CA certificate: ${why}`,
    trustUpdated: 'Trust list updated: drop the message again to re-check it.',
    generating: 'Generating a test CA and two provider keys in this page…',
    building: 'Building and signing the envelope and the receipts…',
    sampleDone: 'Sample transaction built and verified in this page.',
    sampleFailed: (why: string) => `Could not build the sample: ${why}`,
    sampleTitle: 'Sample transaction',
    sampleText:
      'Built in this page with a freshly generated test CA (never trusted anywhere else). The messages below are verified against that CA only. Files: ',
    authentic: 'AUTHENTIC',
    notValid: 'NOT VALID',
    notPec: 'NOT PEC',
    notMessage: 'NOT A MESSAGE',
    unreadable: 'UNREADABLE',
    qAuthentic: 'Is it authentic?',
    qWhat: 'What happened?',
    qTrust: 'Who vouches for it?',
    yes: 'Yes',
    no: 'No',
    notCertifiedOutcome: 'the file says so, but it is not certified',
    noOutcome: 'no outcome: not a PEC message',
    certifiedTitle: 'What the provider certifies',
    uncertifiedTitle: 'What the file contains',
    uncertifiedBadge: 'not certified',
    uncertifiedText:
      'This is what the file claims: it is not certified and may have been altered. Do not use it as evidence.',
    daticertCaption: 'Certified data (daticert.xml, signed by the provider)',
    daticertUncertified: 'daticert.xml: NOT certified',
    originalTitle: 'Original message (postacert.eml)',
    attachments: (n: number) => `Attachments (${n})`,
    bytes: 'bytes',
    damaged: 'damaged encoding',
    downloadOriginal: 'download postacert.eml',
    downloadThis: 'download this message',
    download: (name: string) => `download ${name}`,
    guardWarning:
      'Warning: this file comes from a message that is not valid. It is not certified and may have been altered.',
    downloadAnyway: 'Download anyway',
    cancel: 'Cancel',
    technical: 'Technical details',
    checksTitle: 'Checks',
    issuesTitle: 'Findings',
    signatureChain: 'Signature and chain',
    rowSignature: 'signature',
    sigNone: 'none',
    sigIntact: 'intact',
    sigBroken: 'ALTERED (does not match the signed data)',
    sigNotChecked: 'not checked',
    rowSigner: 'signer',
    rowSignedAt: 'signed at',
    rowClaimedSigner: 'certificate of the signature (not verified)',
    rowClaimedSignedAt: 'signing time it claims (not verified)',
    rowDigest: 'digest',
    canonical: ' (after CRLF canonicalisation)',
    rowChain: 'chain',
    chainTrusted: 'trusted',
    chainUntrusted: 'NOT trusted',
    chainNotJudged: 'not judged',
    judgedAt: 'judged at',
    notValidNow: '; not valid today (expired provider certificates are normal)',
    anchor: '(anchor)',
    rows: {
      tipo: 'type / error',
      mittente: 'sender',
      destinatari: 'recipients',
      risposte: 'reply to',
      oggetto: 'subject',
      gestore: 'provider',
      data: 'date and time',
      identificativo: 'identifier',
      msgid: 'original Message-ID',
      ricevuta: 'receipt form',
      consegna: 'delivered to',
      ricezione: 'taken for',
      erroreEsteso: 'error detail',
      subject: 'subject',
      from: 'from',
      to: 'to',
      date: 'date',
      messageId: 'Message-ID',
      clientId: 'client Message-ID',
    },
  },
} as const;

/** One dropped or built file and what the page learned about it. */
interface Entry {
  name: string;
  bytes: Uint8Array;
  input: InputKind;
  report?: VerificationReport;
  pec?: PecMessage;
  error?: string;
}

let lang: Lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'it';
const t = () => UI[lang];
/** Extra CA certificates the user chose to trust, besides the embedded PEC anchors. */
const extraTrust: { name: string; pem: string | Uint8Array }[] = [];
/** The current results, re-rendered when the language changes. */
let entries: Entry[] = [];
let sample: { rootPem: string; tx: SampleTransaction } | null = null;
let status: (() => string) | null = null;
/** Blob URLs of the current results, revoked when they are replaced. */
let blobUrls: string[] = [];

function blobLink(bytes: Uint8Array, filename: string, type: string, label = filename): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  blobUrls.push(url);
  // The saved file's name is the sender's too: a direction override there would make
  // `fattura<U+202E>fdp.exe` read as `fatturaexe.pdf` in the save dialog and the file manager.
  return h('a', { href: url, download: displayText(filename), class: 'download' }, label);
}

/**
 * A download of a part of a message: direct when the content is certified; otherwise a button that
 * first says the file is not certified and asks again.
 */
function partLink(
  bytes: Uint8Array,
  filename: string,
  type: string,
  label: string,
  certified: boolean,
): HTMLElement {
  if (certified) return blobLink(bytes, filename, type, label);
  const wrap = h('span', { class: 'guarded', 'data-file': filename });
  const ask = h('button', { type: 'button', class: 'download guarded-ask' }, label);
  ask.addEventListener('click', () => {
    const cancel = h('button', { type: 'button', class: 'cancel' }, t().cancel);
    const box = h(
      'span',
      { class: 'guard-confirm', role: 'alert' },
      h('span', { class: 'guard-text' }, t().guardWarning, ' '),
      blobLink(bytes, filename, type, t().downloadAnyway),
      ' ',
      cancel,
    );
    cancel.addEventListener('click', () => wrap.replaceChildren(ask));
    wrap.replaceChildren(box);
  });
  wrap.append(ask);
  return wrap;
}

function row(label: string, ...value: Child[]): HTMLTableRowElement {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, ...value));
}

// A message body keeps its lines and their indentation: each line is shown, never obeyed, with
// its leading blanks as they are (the box of the page holds them; a pre shows them as written).
function bodyText(text: string): Text {
  const lines = text.split(/\r?\n/).map((l) => {
    const lead = l.length - l.replace(/^[ \t]+/, '').length;
    return l.slice(0, lead).replace(/\t/g, '    ') + displayText(l.slice(lead));
  });
  return document.createTextNode(lines.join('\n'));
}

/** One date format, the library's: Italian local time with its offset, and UTC. */
function whenText(iso: string): string {
  try {
    return formatInstant(iso, lang).text;
  } catch {
    return iso; // outside the years formatInstant knows: the instant as given
  }
}

function when(iso: string): HTMLElement {
  return h('span', { class: 'when', title: iso }, whenText(iso));
}

function daticertSection(pec: PecMessage, a: Assessment): HTMLElement | null {
  const certified = a.contentCertified;
  const d = pec.daticert;
  if (!d) return null;
  const u = t();
  const recipients = d.destinatari.map((x) => `${x.address} (${x.tipo})`).join(', ');
  const table = h(
    'table',
    { class: 'daticert' },
    h('caption', {}, certified ? u.daticertCaption : u.daticertUncertified),
    h(
      'tbody',
      {},
      row(u.rows.tipo, `${d.tipo} / ${d.errore}`),
      row(u.rows.mittente, d.mittente),
      row(u.rows.destinatari, recipients),
      row(u.rows.risposte, d.risposte),
      d.oggetto !== null && row(u.rows.oggetto, d.oggetto),
      row(u.rows.gestore, d.gestoreEmittente),
      row(u.rows.data, d.dataUtc ? when(d.dataUtc) : `${d.data.giorno} ${d.data.ora} ${d.data.zona}`),
      row(u.rows.identificativo, d.identificativo),
      d.msgid !== null && row(u.rows.msgid, d.msgid),
      d.ricevutaTipo !== null && row(u.rows.ricevuta, d.ricevutaTipo),
      d.consegna !== null && row(u.rows.consegna, d.consegna),
      d.ricezione.length > 0 && row(u.rows.ricezione, d.ricezione.join(', ')),
      d.erroreEsteso !== null && row(u.rows.erroreEsteso, d.erroreEsteso),
    ),
  );
  if (!certified)
    return h(
      'section',
      { class: 'uncertified daticert-section' },
      h('h3', {}, u.uncertifiedTitle, ' ', h('span', { class: 'badge' }, u.uncertifiedBadge)),
      h('p', { class: 'uncertified-note' }, u.uncertifiedText),
      table,
    );
  // The sentence is the library's, said only of certified data (summarize gives none otherwise).
  return h(
    'section',
    { class: 'certified daticert-section' },
    h('h3', {}, u.certifiedTitle),
    a.summary.certified !== null && h('p', { class: 'sentence' }, a.summary.certified),
    table,
  );
}

async function originalSection(pec: PecMessage, certified: boolean): Promise<HTMLElement | null> {
  const o = pec.original;
  if (!o) return null;
  const u = t();
  let text: string | null = null;
  try {
    const email = await o.parse();
    text = email.text ?? (email.html ? email.html.replace(/<[^>]*>/g, ' ') : null);
  } catch {
    text = null;
  }
  const attachments = o.attachments.map((a, i) => {
    const name = a.filename ?? `attachment-${i + 1}`;
    let link: Child;
    try {
      link = partLink(attachmentContent(a, DEFAULT_LIMITS), name, a.contentType, name, certified);
    } catch {
      link = h('span', {}, name);
    }
    return h('li', {}, link, ` ${a.contentType}, ${a.size} ${u.bytes}${a.damaged ? ` (${u.damaged})` : ''}`);
  });
  return h(
    'section',
    { class: `original ${certified ? 'certified' : 'uncertified'}` },
    h(
      'h3',
      {},
      u.originalTitle,
      !certified && ' ',
      !certified && h('span', { class: 'badge' }, u.uncertifiedBadge),
    ),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        row(u.rows.subject, o.subject ?? ''),
        row(u.rows.from, o.from ?? ''),
        row(u.rows.to, [...o.to, ...o.cc].join(', ')),
        o.date && row(u.rows.date, when(o.date)),
        o.messageId && row(u.rows.messageId, o.messageId),
        o.xRiferimentoMessageId && row(u.rows.clientId, o.xRiferimentoMessageId),
      ),
    ),
    text !== null &&
      h('pre', { class: 'body' }, bodyText(text.length > 4000 ? `${text.slice(0, 4000)}…` : text)),
    h('p', {}, partLink(o.raw, 'postacert.eml', 'message/rfc822', u.downloadOriginal, certified)),
    attachments.length > 0 && h('h4', {}, u.attachments(attachments.length)),
    attachments.length > 0 && h('ul', { class: 'attachments' }, ...attachments),
  );
}

function technicalSection(r: VerificationReport, a: Assessment): HTMLElement {
  const u = t();
  const s = r.signature;
  const c = r.chain;
  const shown = a.summary.issues;
  return h(
    'details',
    { class: 'technical' },
    h('summary', {}, u.technical),
    h('h4', {}, u.checksTitle),
    h(
      'ul',
      { class: 'checks' },
      ...a.summary.checks.map((k) =>
        h(
          'li',
          { class: `check ${k.outcome}`, 'data-check': k.name, 'data-outcome': k.outcome },
          `${k.label}: ${k.outcomeText}`,
        ),
      ),
    ),
    shown.length > 0 && h('h4', {}, u.issuesTitle),
    shown.length > 0 &&
      h(
        'ul',
        { class: 'issues' },
        ...shown.map((i) =>
          h(
            'li',
            { class: i.severity, 'data-code': i.code },
            h('span', { class: 'sev' }, i.severityText),
            ' ',
            h('code', {}, i.code),
            ` ${i.text}`,
            i.detail !== i.text && h('small', { class: 'detail' }, ` (${i.detail})`),
          ),
        ),
      ),
    h('h4', {}, u.signatureChain),
    h(
      'table',
      { class: 'signature' },
      h(
        'tbody',
        {},
        row(
          u.rowSignature,
          !s.present
            ? u.sigNone
            : s.intact === true
              ? u.sigIntact
              : s.intact === false
                ? u.sigBroken
                : u.sigNotChecked,
        ),
        // Who signed and when are facts only of an authentic message; otherwise claims.
        s.signer &&
          row(
            a.authentic ? u.rowSigner : u.rowClaimedSigner,
            s.signer.email ?? '—',
            h('br'),
            h('small', {}, s.signer.subject),
          ),
        s.signingTime && row(a.authentic ? u.rowSignedAt : u.rowClaimedSignedAt, when(s.signingTime)),
        s.digestAlgorithm && row(u.rowDigest, s.digestAlgorithm, s.canonicalized ? u.canonical : ''),
        row(
          u.rowChain,
          c.trusted === true ? u.chainTrusted : c.trusted === false ? u.chainUntrusted : u.chainNotJudged,
          a.trust ? ` (${TRUST_WORDS[lang][a.trust]})` : '',
          c.at ? ` ${u.judgedAt} ${whenText(c.at)}` : '',
          c.validNow === false ? u.notValidNow : '',
        ),
      ),
    ),
    c.path.length > 0 &&
      h(
        'ol',
        { class: 'chain' },
        ...c.path.map((subject, i) => h('li', {}, subject, i === c.path.length - 1 ? ` ${u.anchor}` : '')),
      ),
  );
}

/** A clause as a sentence: capital first letter, closing full stop. */
function sentence(clause: string): string {
  const s = clause.charAt(0).toUpperCase() + clause.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function simpleCard(e: Entry, cls: string, verdict: string, headline: string): HTMLElement {
  return h(
    'section',
    { class: `report ${cls}`, 'data-file': e.name, 'data-valid': 'false', 'data-input': e.input },
    h('header', {}, h('h2', {}, e.name), h('p', { class: 'verdict invalid' }, verdict)),
    h('p', { class: 'headline' }, headline),
  );
}

async function card(e: Entry): Promise<HTMLElement> {
  const u = t();
  if (e.error !== undefined) return simpleCard(e, 'unreadable', u.unreadable, e.error);
  if (e.input !== 'email' || !e.report || !e.pec)
    return simpleCard(e, 'not-message', u.notMessage, inputText(e.input, lang));
  const r = e.report;
  const pec = e.pec;
  const a = assess(r, lang);
  const verdict = a.authentic ? u.authentic : r.kind === 'non-pec' ? u.notPec : u.notValid;
  // Certified outcome when authentic; what the file claims, labelled not certified, otherwise.
  const shownOutcome = a.outcome ?? a.claimedOutcome;
  const outcome = shownOutcome
    ? h(
        'span',
        { class: a.outcomeIsFailure ? 'outcome failure' : 'outcome' },
        outcomeWords(shownOutcome, lang),
        !a.contentCertified && h('em', { class: 'not-certified' }, ` (${u.notCertifiedOutcome})`),
      )
    : h('span', { class: 'outcome none' }, u.noOutcome);
  const section = h(
    'section',
    {
      class: `report ${a.authentic ? 'valid' : 'invalid'}`,
      'data-file': e.name,
      'data-valid': String(r.valid),
      'data-kind': r.kind,
      'data-outcome': a.outcome ?? 'none',
      'data-trust': a.trust ?? 'none',
      'data-certified': String(a.contentCertified),
      'data-input': e.input,
    },
    h(
      'header',
      {},
      h('h2', {}, e.name),
      h('p', { class: `verdict ${a.authentic ? 'valid' : 'invalid'}` }, verdict),
      // The verdict is the badge above; the library's headline after it says what it means.
      h('p', { class: 'headline' }, sentence(a.summary.reason)),
      h('p', { class: 'kind' }, kindName(r.kind, lang)),
    ),
    h(
      'table',
      { class: 'answers' },
      h(
        'tbody',
        {},
        h(
          'tr',
          { class: 'q-authentic' },
          h('th', { scope: 'row' }, u.qAuthentic),
          h('td', {}, h('strong', {}, a.authentic ? u.yes : u.no)),
        ),
        h('tr', { class: 'q-outcome' }, h('th', { scope: 'row' }, u.qWhat), h('td', {}, outcome)),
        // Nobody vouches for altered content: the row is there only for an authentic message.
        a.authentic &&
          a.trust &&
          h(
            'tr',
            { class: 'q-trust' },
            h('th', { scope: 'row' }, u.qTrust),
            h('td', {}, r.signature.signer?.email ?? '?', ` — ${TRUST_WORDS[lang][a.trust]}`),
          ),
      ),
    ),
    daticertSection(pec, a),
    await originalSection(pec, a.originalCertified),
    technicalSection(r, a),
    h(
      'p',
      { class: 'raw' },
      blobLink(e.bytes, e.name.endsWith('.eml') ? e.name : `${e.name}.eml`, 'message/rfc822', u.downloadThis),
    ),
  );
  return section;
}

function sampleSection(s: { rootPem: string; tx: SampleTransaction }): HTMLElement {
  const enc = new TextEncoder();
  const u = t();
  return h(
    'section',
    { class: 'sample-info' },
    h('h2', {}, u.sampleTitle),
    h(
      'p',
      {},
      u.sampleText,
      blobLink(enc.encode(s.rootPem), 'sample-ca.pem', 'application/x-pem-file'),
      ', ',
      blobLink(s.tx.original, 'original.eml', 'message/rfc822'),
      ', ',
      blobLink(s.tx.envelope, 'busta-di-trasporto.eml', 'message/rfc822'),
      ', ',
      blobLink(s.tx.accettazione, 'accettazione.eml', 'message/rfc822'),
      ', ',
      blobLink(s.tx.consegna, 'consegna-breve.eml', 'message/rfc822'),
      '.',
    ),
  );
}

let renderRun = 0;
/** Renders every entry in the current language (cards are rebuilt: they hold no other state). */
async function render(): Promise<void> {
  const run = ++renderRun;
  const old = blobUrls;
  blobUrls = [];
  const nodes: HTMLElement[] = [];
  if (sample) nodes.push(sampleSection(sample));
  for (const e of entries) nodes.push(await card(e));
  if (run !== renderRun) return;
  $('#results').replaceChildren(...nodes);
  for (const u of old) URL.revokeObjectURL(u);
  $('#status').textContent = status ? displayText(status()) : '';
}

/**
 * Reads one file: what it is, and for e-mail the verdict against the embedded PEC anchors plus the
 * CAs the user added. Who vouches is the library's `chain.trustSource` (by certificate bytes): an
 * embedded anchor reads "gestore PEC accreditato", an added CA "per la tua configurazione".
 */
async function examine(name: string, bytes: Uint8Array, trust?: (string | Uint8Array)[]): Promise<Entry> {
  const input = classifyInput(bytes);
  if (input !== 'email') return { name, bytes, input };
  try {
    const pec = parsePec(bytes);
    const anchors =
      trust ??
      (extraTrust.length > 0 ? [...DEFAULT_TRUST_ANCHORS, ...extraTrust.map((x) => x.pem)] : undefined);
    return { name, bytes, input, pec, report: await verifyPec(bytes, anchors ? { trust: anchors } : {}) };
  } catch (e) {
    return { name, bytes, input, error: (e as Error).message };
  }
}

async function showFiles(files: FileList | File[]): Promise<void> {
  const list = Array.from(files);
  sample = null;
  entries = [];
  status = () => t().verifying;
  $('#results').replaceChildren(h('section', { class: 'report pending' }, h('p', {}, t().verifying)));
  for (const f of list) entries.push(await examine(f.name, new Uint8Array(await f.arrayBuffer())));
  status = () => t().checked(list.length);
  await render();
}

function setStatus(text: () => string): void {
  status = text;
  $('#status').textContent = displayText(text());
}

function renderTrust(): void {
  const u = t();
  const items = [
    ...DEFAULT_TRUST_ANCHOR_INFO.map((a) =>
      h(
        'li',
        {},
        a.subject.split(',')[0] ?? a.subject,
        h('small', {}, ` ${u.until} ${formatInstant(a.notAfter, lang).rome.slice(0, 10)} (${u.embedded})`),
      ),
    ),
    ...extraTrust.map((x) => h('li', { class: 'extra' }, x.name, h('small', {}, ` (${u.addedByYou})`))),
  ];
  $('#anchors').replaceChildren(...items);
}

/** The static text of index.html, by data-i18n key. */
function applyLanguage(): void {
  const u = t() as unknown as Record<string, unknown>;
  document.documentElement.lang = lang;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-i18n]'))) {
    const v = u[el.dataset.i18n!];
    if (typeof v === 'string') el.textContent = v;
  }
  document.title = `${t().title} — pec-kit`;
  renderTrust();
}

async function buildSample(): Promise<void> {
  const button = $<HTMLButtonElement>('#sample');
  button.disabled = true;
  sample = null;
  entries = [];
  $('#results').replaceChildren();
  setStatus(() => t().generating);
  try {
    const pki = await createTestPki();
    const [sender, recipient] = await Promise.all([
      pki.provider('pec.esempio.example'),
      pki.provider('postacert.esempio.example'),
    ]);
    setStatus(() => t().building);
    const tx = await buildSampleTransaction({ sender, recipient });
    const trust = [pki.rootPem];
    sample = { rootPem: pki.rootPem, tx };
    entries = [
      await examine('busta-di-trasporto.eml', tx.envelope, trust),
      await examine('accettazione.eml', tx.accettazione, trust),
      await examine('consegna-breve.eml', tx.consegna, trust),
    ];
    status = () => t().sampleDone;
    await render();
  } catch (e) {
    setStatus(() => t().sampleFailed((e as Error).message));
  } finally {
    button.disabled = false;
  }
}

function init(): void {
  // The page says it did not start until this script runs (index.html's #no-script).
  document.getElementById('no-script')?.remove();
  const input = $<HTMLInputElement>('#eml-input');
  input.addEventListener('change', () => {
    if (input.files && input.files.length > 0) void showFiles(input.files);
  });
  const drop = $('#drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files.length) void showFiles(e.dataTransfer.files);
  });
  const trustInput = $<HTMLInputElement>('#trust-input');
  trustInput.addEventListener('change', async () => {
    for (const f of Array.from(trustInput.files ?? [])) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const text = new TextDecoder('latin1').decode(bytes);
      const pem = text.includes('-----BEGIN') ? text : bytes;
      try {
        createVerifier({ trust: [pem] }); // decodes the certificates now: a bad file is refused here
        extraTrust.push({ name: f.name, pem });
      } catch (e) {
        const why = (e as Error).message;
        setStatus(() => t().notUsable(f.name, why));
        trustInput.value = '';
        return;
      }
    }
    trustInput.value = '';
    renderTrust();
    setStatus(() => t().trustUpdated);
  });
  $('#sample').addEventListener('click', () => void buildSample());
  $('#lang').addEventListener('click', () => {
    lang = lang === 'it' ? 'en' : 'it';
    applyLanguage();
    void render().then(() => document.body.setAttribute('data-lang', lang));
  });
  applyLanguage();
  document.body.setAttribute('data-lang', lang);
  document.body.setAttribute('data-ready', 'true');
}

init();
