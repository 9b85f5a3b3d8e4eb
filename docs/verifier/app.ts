// The pec-kit web verifier: drop or pick a .eml and see whether it is a genuine PEC message, what it
// certifies, its chain, the original message and its attachments. Everything runs in this page:
// the file is read with the File API, verified with WebCrypto, and nothing is sent anywhere (the
// page's CSP has connect-src 'none'). Built by `npm run build:web` into pec-kit.js.
import {
  attachmentContent,
  createTestPki,
  createVerifier,
  DEFAULT_LIMITS,
  DEFAULT_TRUST_ANCHOR_INFO,
  DEFAULT_TRUST_ANCHORS,
  KINDS,
  type PecKind,
  type PecMessage,
  parsePec,
  type VerificationReport,
  verifyPec,
} from 'pec-kit';
import { buildSampleTransaction } from './sample.js';

type Child = Node | string | null | undefined | false;

/** A DOM element; text always goes in as text nodes (message content is hostile input). */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector<T>(sel)!;

/** Extra CA certificates the user chose to trust, besides the embedded PEC anchors. */
const extraTrust: { name: string; pem: string | Uint8Array }[] = [];
/** Blob URLs of the current results, revoked when they are replaced. */
let blobUrls: string[] = [];

function blobLink(bytes: Uint8Array, filename: string, type: string, label = filename): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  blobUrls.push(url);
  return h('a', { href: url, download: filename, class: 'download' }, label);
}

function clearResults(): void {
  for (const u of blobUrls) URL.revokeObjectURL(u);
  blobUrls = [];
  $('#results').replaceChildren();
}

const KIND_SENTENCE: Record<PecKind, string> = {
  'posta-certificata': 'accepted the message and carried it, signed, to the recipients',
  errore: 'received a message that is not valid PEC and delivered it wrapped in an anomaly envelope',
  accettazione: 'accepted the message from the sender for delivery',
  'non-accettazione': 'refused the message at submission',
  'presa-in-carico': 'took charge of the message from the sender’s provider',
  'avvenuta-consegna': 'delivered the message into the recipient’s mailbox',
  'errore-consegna': 'could not deliver the message',
  'preavviso-errore-consegna': 'has not received a delivery receipt in time',
  'rilevazione-virus': 'found a virus in the message',
};

function kindLabel(kind: PecKind | 'non-pec'): string {
  if (kind === 'non-pec') return 'not a PEC message (non-pec)';
  return `${KINDS[kind].italian} — ${KINDS[kind].english} (${kind})`;
}

function row(label: string, ...value: Child[]): HTMLTableRowElement {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, ...value));
}

function certifiedSection(pec: PecMessage): HTMLElement | null {
  const d = pec.daticert;
  if (!d) return null;
  const who = d.gestoreEmittente;
  const what = pec.kind === 'non-pec' ? '' : KIND_SENTENCE[pec.kind];
  const recipients = d.destinatari.map((x) => `${x.address} (${x.tipo})`).join(', ');
  return h(
    'section',
    { class: 'certified' },
    h('h3', {}, 'Who certified what, and when'),
    h(
      'p',
      { class: 'sentence' },
      h('strong', {}, who),
      ` ${what}`,
      d.consegna ? ` (${d.consegna})` : '',
      ` on ${d.data.giorno} at ${d.data.ora} (${d.data.zona}) = ${d.dataUtc}.`,
    ),
    h(
      'table',
      { class: 'daticert' },
      h('caption', {}, 'daticert.xml (signed)'),
      h(
        'tbody',
        {},
        row('tipo / errore', `${d.tipo} / ${d.errore}`),
        row('mittente', d.mittente),
        row('destinatari', recipients),
        row('risposte', d.risposte),
        row('oggetto', d.oggetto),
        row('gestore-emittente', d.gestoreEmittente),
        row('data', `${d.data.giorno} ${d.data.ora} ${d.data.zona} (UTC ${d.dataUtc})`),
        row('identificativo', d.identificativo),
        d.msgid !== null && row('msgid', d.msgid),
        d.ricevutaTipo !== null && row('ricevuta', d.ricevutaTipo),
        d.consegna !== null && row('consegna', d.consegna),
        d.ricezione.length > 0 && row('ricezione', d.ricezione.join(', ')),
        d.erroreEsteso !== null && row('errore-esteso', d.erroreEsteso),
      ),
    ),
  );
}

function signatureSection(r: VerificationReport): HTMLElement {
  const s = r.signature;
  const c = r.chain;
  return h(
    'section',
    { class: 'signature' },
    h('h3', {}, 'Signature and chain'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        row(
          'signature',
          !s.present ? 'none' : s.intact === true ? 'intact' : s.intact === false ? 'BROKEN' : 'not checked',
        ),
        s.signer && row('signer', s.signer.email ?? '(no e-mail)', h('br'), h('small', {}, s.signer.subject)),
        s.signingTime && row('signed at', s.signingTime),
        s.digestAlgorithm && row('digest', s.digestAlgorithm, s.canonicalized ? ' (CRLF-canonicalised)' : ''),
        row(
          'chain',
          c.trusted === true ? 'trusted' : c.trusted === false ? 'NOT trusted' : 'not judged',
          c.at ? ` at ${c.at} (${c.atSource})` : '',
          c.validNow === false ? '; not valid today (expired provider certificates are normal)' : '',
        ),
      ),
    ),
    c.path.length > 0 &&
      h(
        'ol',
        { class: 'chain' },
        ...c.path.map((subject, i) => h('li', {}, subject, i === c.path.length - 1 ? ' (anchor)' : '')),
      ),
  );
}

function checksList(r: VerificationReport): HTMLElement {
  return h(
    'ul',
    { class: 'checks' },
    ...Object.entries(r.checks).map(([name, outcome]) =>
      h('li', { class: `check ${outcome}`, 'data-check': name }, `${name}: ${outcome}`),
    ),
  );
}

function issuesList(r: VerificationReport): HTMLElement | null {
  const shown = r.issues.filter((i) => i.severity !== 'info' || !r.valid);
  if (shown.length === 0) return null;
  return h(
    'ul',
    { class: 'issues' },
    ...shown.map((i) =>
      h(
        'li',
        { class: i.severity, 'data-code': i.code },
        h('span', { class: 'sev' }, i.severity),
        ' ',
        h('code', {}, i.code),
        ` ${i.message}`,
      ),
    ),
  );
}

async function originalSection(pec: PecMessage): Promise<HTMLElement | null> {
  const o = pec.original;
  if (!o) return null;
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
      link = blobLink(attachmentContent(a, DEFAULT_LIMITS), name, a.contentType, name);
    } catch {
      link = h('span', {}, name);
    }
    return h('li', {}, link, ` ${a.contentType}, ${a.size} bytes${a.damaged ? ' (damaged encoding)' : ''}`);
  });
  return h(
    'section',
    { class: 'original' },
    h('h3', {}, 'Original message (postacert.eml)'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        row('subject', o.subject ?? ''),
        row('from', o.from ?? ''),
        row('to', [...o.to, ...o.cc].join(', ')),
        o.date && row('date', o.date),
        o.messageId && row('message-id', o.messageId),
        o.xRiferimentoMessageId && row('client message-id', o.xRiferimentoMessageId),
      ),
    ),
    text !== null && h('pre', { class: 'body' }, text.length > 4000 ? `${text.slice(0, 4000)}…` : text),
    h('p', {}, blobLink(o.raw, 'postacert.eml', 'message/rfc822', 'download postacert.eml')),
    attachments.length > 0 && h('h4', {}, `Attachments (${attachments.length})`),
    attachments.length > 0 && h('ul', { class: 'attachments' }, ...attachments),
  );
}

function trustList(): (string | Uint8Array)[] {
  return [...DEFAULT_TRUST_ANCHORS, ...extraTrust.map((t) => t.pem)];
}

/** Verifies one message and renders its card. */
async function show(
  name: string,
  bytes: Uint8Array,
  trust: (string | Uint8Array)[] = trustList(),
): Promise<void> {
  const card = h(
    'section',
    { class: 'report pending', 'data-file': name },
    h('h2', {}, name),
    h('p', {}, 'verifying…'),
  );
  $('#results').append(card);
  let report: VerificationReport;
  let pec: PecMessage;
  try {
    report = await verifyPec(bytes, { trust });
    pec = parsePec(bytes);
  } catch (e) {
    card.className = 'report unreadable';
    card.setAttribute('data-valid', 'false');
    card.replaceChildren(
      h('h2', {}, name),
      h('p', { class: 'verdict invalid' }, 'UNREADABLE'),
      h('p', {}, (e as Error).message),
    );
    return;
  }
  const errors = report.issues.filter((i) => i.severity === 'error');
  card.className = `report ${report.valid ? 'valid' : 'invalid'}`;
  card.setAttribute('data-valid', String(report.valid));
  card.setAttribute('data-kind', report.kind);
  const parts: Child[] = [
    h(
      'header',
      {},
      h('h2', {}, name),
      h(
        'p',
        { class: `verdict ${report.valid ? 'valid' : 'invalid'}` },
        report.valid ? 'VALID' : 'NOT VALID',
        h(
          'span',
          { class: 'why' },
          report.valid
            ? ' — genuine PEC message, signed by a trusted PEC provider'
            : ` — ${errors.map((i) => i.code).join(', ') || 'see the issues below'}`,
        ),
      ),
      h('p', { class: 'kind' }, kindLabel(report.kind)),
    ),
    checksList(report),
    issuesList(report),
    certifiedSection(pec),
    signatureSection(report),
    await originalSection(pec),
    h(
      'p',
      { class: 'raw' },
      blobLink(
        pec.raw,
        name.endsWith('.eml') ? name : `${name}.eml`,
        'message/rfc822',
        'download this message',
      ),
    ),
  ];
  card.replaceChildren(
    ...parts.filter((p): p is Node | string => p !== null && p !== undefined && p !== false),
  );
}

async function showFiles(files: FileList | File[]): Promise<void> {
  clearResults();
  for (const f of Array.from(files)) await show(f.name, new Uint8Array(await f.arrayBuffer()));
  setStatus(`${Array.from(files).length} file(s) checked in this page; nothing was uploaded.`);
}

function setStatus(text: string): void {
  $('#status').textContent = text;
}

function renderTrust(): void {
  const items = [
    ...DEFAULT_TRUST_ANCHOR_INFO.map((a) =>
      h(
        'li',
        {},
        a.subject.split(',')[0] ?? a.subject,
        h('small', {}, ` until ${a.notAfter.slice(0, 10)} (embedded)`),
      ),
    ),
    ...extraTrust.map((t) =>
      h('li', { class: 'extra' }, t.name, h('small', {}, ' (added by you, this page only)')),
    ),
  ];
  $('#anchors').replaceChildren(...items);
}

async function buildSample(): Promise<void> {
  const button = $<HTMLButtonElement>('#sample');
  button.disabled = true;
  clearResults();
  setStatus('Generating a test CA and two provider keys in this page…');
  try {
    const pki = await createTestPki();
    const [sender, recipient] = await Promise.all([
      pki.provider('pec.esempio.example'),
      pki.provider('postacert.esempio.example'),
    ]);
    setStatus('Building and signing the envelope and the receipts…');
    const tx = await buildSampleTransaction({ sender, recipient });
    const enc = new TextEncoder();
    $('#results').append(
      h(
        'section',
        { class: 'sample-info' },
        h('h2', {}, 'Sample transaction'),
        h(
          'p',
          {},
          'Built in this page with a freshly generated test CA (never trusted anywhere else). ',
          'The messages below are verified against that CA only. Downloads: ',
          blobLink(enc.encode(pki.rootPem), 'sample-ca.pem', 'application/x-pem-file'),
          ', ',
          blobLink(tx.original, 'original.eml', 'message/rfc822'),
          ', ',
          blobLink(tx.envelope, 'busta-di-trasporto.eml', 'message/rfc822'),
          ', ',
          blobLink(tx.accettazione, 'accettazione.eml', 'message/rfc822'),
          ', ',
          blobLink(tx.consegna, 'consegna-breve.eml', 'message/rfc822'),
          '.',
        ),
      ),
    );
    const trust = [pki.rootPem];
    await show('busta-di-trasporto.eml', tx.envelope, trust);
    await show('accettazione.eml', tx.accettazione, trust);
    await show('consegna-breve.eml', tx.consegna, trust);
    setStatus('Sample transaction built and verified in this page.');
  } catch (e) {
    setStatus(`Could not build the sample: ${(e as Error).message}`);
  } finally {
    button.disabled = false;
  }
}

function init(): void {
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
        setStatus(`${f.name} is not a usable CA certificate: ${(e as Error).message}`);
        trustInput.value = '';
        return;
      }
    }
    trustInput.value = '';
    renderTrust();
    setStatus('Trust list updated: drop the message again to re-check it.');
  });
  $('#sample').addEventListener('click', () => void buildSample());
  renderTrust();
  document.body.setAttribute('data-ready', 'true');
}

init();
