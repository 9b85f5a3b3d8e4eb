// The readable part of each PEC message (RFC 6109 §3.x templates: which data fields the text shows)
// and the default errore-esteso strings. The wording is informative, in Italian like real
// providers' (our own phrasing); readers must never parse it. Text is ISO-8859-1: characters
// outside Latin-1 are shown as '?'.
import type { DaticertErrore } from '../daticert/schema.js';
import type { DeliveryForm, PecKind } from '../kinds.js';
import type { SubmissionReason } from './checks.js';
import type { ItalianTime } from './time.js';
import type { TransactionRecipient } from './transaction.js';

/** The data a readable text shows. */
export interface TextData {
  kind: PecKind;
  errore: DaticertErrore;
  time: ItalianTime;
  subject: string | null;
  sender: string;
  recipients: readonly TransactionRecipient[];
  /** The recipient a delivery/non-delivery/virus notice is about. */
  consegna: string | null;
  /** The recipients a presa in carico covers. */
  ricezione: readonly string[];
  identificativo: string;
  erroreEsteso: string | null;
  deliveryForm: DeliveryForm | null;
  /** Formal-check failures of a non-accettazione. */
  reasons: readonly SubmissionReason[];
}

/** A readable text: the title (also the HTML title) and the lines. */
export interface ReadableText {
  title: string;
  lines: string[];
}

const q = (s: string | null): string => `"${s ?? ''}"`;
const tipo = (r: TransactionRecipient): string =>
  `${r.address} ("${r.tipo === 'certificato' ? 'posta certificata' : 'posta ordinaria'}")`;

type Template = (d: TextData) => ReadableText;

const when = (d: TextData): string => `Il giorno ${d.time.giorno} alle ore ${d.time.ora} (${d.time.zona})`;
const idLine = (d: TextData): string => `Identificativo messaggio: ${d.identificativo}`;
const DATICERT_NOTE = "L'allegato daticert.xml contiene informazioni di servizio sulla trasmissione.";

/** One template per kind: a Record over every kind, so a new kind cannot be forgotten. */
const TEMPLATES: Record<PecKind, Template> = {
  'posta-certificata': (d) => ({
    title: 'Messaggio di posta certificata',
    lines: [
      `${when(d)} il messaggio`,
      `${q(d.subject)} è stato inviato da ${q(d.sender)}`,
      'indirizzato a:',
      ...d.recipients.map((r) => r.address),
      'Il messaggio originale è incluso in allegato (postacert.eml).',
      DATICERT_NOTE,
      idLine(d),
    ],
  }),
  errore: (d) => ({
    title: 'Anomalia nel messaggio',
    lines: [
      `${when(d)} è stato ricevuto il messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      'indirizzato a:',
      ...d.recipients.map((r) => r.address),
      'Il messaggio non è un messaggio di posta certificata valido e i suoi dati non sono certificati:',
      d.erroreEsteso ?? 'messaggio non conforme',
      'Il messaggio originale è incluso in allegato (postacert.eml).',
    ],
  }),
  accettazione: (d) => ({
    title: 'Ricevuta di accettazione',
    lines: [
      `${when(d)} il messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      'ed indirizzato a:',
      ...d.recipients.map(tipo),
      'è stato accettato dal sistema ed inoltrato.',
      idLine(d),
      DATICERT_NOTE,
    ],
  }),
  'non-accettazione': (d) => ({
    title: d.errore === 'virus' ? 'Avviso di non accettazione per virus' : 'Avviso di non accettazione',
    lines: [
      `${when(d)} nel messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      'ed indirizzato a:',
      ...d.recipients.map(tipo),
      d.errore === 'virus'
        ? 'è stato rilevato un problema di sicurezza:'
        : 'è stato rilevato un errore formale:',
      ...(d.reasons.length > 0 ? d.reasons.map((r) => `- ${r.descrizione}`) : [d.erroreEsteso ?? '']),
      'Il messaggio non è stato accettato.',
      idLine(d),
      DATICERT_NOTE,
    ],
  }),
  'presa-in-carico': (d) => ({
    title: 'Ricevuta di presa in carico',
    lines: [
      `${when(d)} il messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      'è stato preso in carico dal sistema di destinazione per i destinatari:',
      ...d.ricezione,
      idLine(d),
      DATICERT_NOTE,
    ],
  }),
  'avvenuta-consegna': (d) => ({
    title: 'Ricevuta di avvenuta consegna',
    lines: [
      `${when(d)} il messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      `ed indirizzato a ${q(d.consegna)}`,
      'è stato consegnato nella casella di destinazione.',
      idLine(d),
      ...(d.deliveryForm === 'completa'
        ? ['Il messaggio originale è incluso in allegato (postacert.eml).']
        : []),
      ...(d.deliveryForm === 'breve'
        ? [
            'Il messaggio originale è incluso in allegato (postacert.eml); i suoi allegati sono sostituiti dai rispettivi hash SHA-1.',
          ]
        : []),
      DATICERT_NOTE,
    ],
  }),
  'errore-consegna': (d) => ({
    title: d.errore === 'virus' ? 'Avviso di mancata consegna per virus' : 'Avviso di mancata consegna',
    lines: [
      `${when(d)} nel messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      `e destinato all'utente ${q(d.consegna)}`,
      'è stato rilevato il seguente errore:',
      d.erroreEsteso ?? '',
      'Il messaggio è stato rifiutato dal sistema.',
      idLine(d),
      DATICERT_NOTE,
    ],
  }),
  'preavviso-errore-consegna': (d) => ({
    title: 'Avviso di mancata consegna per superamento dei tempi massimi',
    lines: [
      `${when(d)} il messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      ...(d.consegna ? [`e destinato all'utente ${q(d.consegna)}`] : []),
      'non risulta ancora consegnato:',
      d.erroreEsteso ?? '',
      idLine(d),
      DATICERT_NOTE,
    ],
  }),
  'rilevazione-virus': (d) => ({
    title: 'Avviso di rilevazione virus',
    lines: [
      `${when(d)} nel messaggio`,
      `${q(d.subject)} proveniente da ${q(d.sender)}`,
      `e destinato all'utente ${q(d.consegna)}`,
      'è stato rilevato un problema di sicurezza:',
      d.erroreEsteso ?? '',
      'Il messaggio non è stato consegnato.',
      idLine(d),
      DATICERT_NOTE,
    ],
  }),
};

/** Latin-1 only (the readable text is ISO-8859-1): anything else becomes '?'. */
function latin1Safe(s: string): string {
  return s.replace(/[^\t\n\x20-\x7e\xa0-\xff]/gu, '?');
}

/** The readable text of a message, Latin-1 safe. */
export function readableText(d: TextData): ReadableText {
  const t = TEMPLATES[d.kind](d);
  return { title: latin1Safe(t.title), lines: t.lines.map(latin1Safe) };
}

/** The text/plain body: title, an empty line, the lines. */
export function plainBody(t: ReadableText): string {
  return `${t.title}\n\n${t.lines.join('\n')}\n`;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The passive HTML alternative: the same information, no scripts, styles, links or images. */
export function htmlBody(t: ReadableText): string {
  const title = escapeHtml(t.title);
  const lines = t.lines.map((l) => `${escapeHtml(l)}<br>`);
  return `<html>\n<head><title>${title}</title></head>\n<body>\n<h3>${title}</h3>\n<hr><br>\n${lines.join('\n')}\n</body>\n</html>\n`;
}

/**
 * The default `errore-esteso` of a notice, shaped `<code> - <GESTORE> - <descrizione>` as NOTA 12
 * asks. Only `5.1.1 … indirizzo non valido` (no-dest) and the `5.4.1` 24 h text are attested;
 * the other codes are this library's choice.
 */
export function defaultErroreEsteso(
  kind: PecKind,
  errore: DaticertErrore,
  gestore: string,
  extra: { timeout?: '12h' | '24h' | undefined; reasons?: readonly SubmissionReason[] | undefined },
): string | null {
  const e = (code: string, text: string): string => `${code} - ${gestore} - ${text}`;
  switch (kind) {
    case 'non-accettazione':
      if (errore === 'virus') return e('5.7.1', 'virus rilevato nel messaggio');
      return e(
        '5.7.0',
        `errore formale: ${extra.reasons?.length ? extra.reasons.map((r) => r.descrizione).join('; ') : 'messaggio non conforme'}`,
      );
    case 'errore-consegna':
      if (errore === 'no-dest') return e('5.1.1', 'indirizzo non valido');
      if (errore === 'no-dominio') return e('5.1.2', 'dominio non valido');
      if (errore === 'virus') return e('5.7.1', 'virus rilevato');
      return e('5.0.0', 'errore nella consegna');
    case 'preavviso-errore-consegna':
      return extra.timeout === '24h'
        ? e('5.4.1', 'messaggio non consegnato entro le prime ventiquattro ore')
        : e('4.4.1', 'messaggio non ancora consegnato entro le prime dodici ore');
    case 'rilevazione-virus':
      return e('5.7.1', 'virus rilevato');
    case 'errore':
      return 'messaggio non firmato o non riconosciuto come posta certificata';
    default:
      return null;
  }
}
