// The PEC message catalogue (RFC 6109 §3, spec §4) as one table: parsing, building and verifying
// all read it, so a kind's subject prefix or headers are written down exactly once.

/**
 * The nine PEC kinds, by their wire tokens.
 *
 * @example
 * ```ts
 * PEC_KINDS.length; // 9
 * PEC_KINDS.includes('avvenuta-consegna'); // true
 * ```
 * @category Reading
 */
export const PEC_KINDS = [
  'posta-certificata',
  'errore',
  'accettazione',
  'non-accettazione',
  'presa-in-carico',
  'avvenuta-consegna',
  'errore-consegna',
  'preavviso-errore-consegna',
  'rilevazione-virus',
] as const;

/**
 * A PEC kind (wire token). `errore` is the anomaly envelope (busta di anomalia).
 *
 * @example
 * ```ts
 * const kind = parsePec(bytes).kind;
 * if (kind !== 'non-pec') {
 *   const k: PecKind = kind;
 *   console.log(KINDS[k].italian); // e.g. 'Ricevuta di accettazione'
 * }
 * ```
 * @category Reading
 */
export type PecKind = (typeof PEC_KINDS)[number];

/**
 * Whether a part must, may or must not be present.
 *
 * @example
 * ```ts
 * const p: Presence = KINDS['accettazione'].postacert; // 'forbidden'
 * ```
 * @category Reading
 */
export type Presence = 'required' | 'optional' | 'forbidden';

/**
 * Everything that differs between kinds.
 *
 * @example
 * ```ts
 * const spec: KindSpec = KINDS['non-accettazione'];
 * spec.subjectPrefix; // 'AVVISO DI NON ACCETTAZIONE'
 * spec.header; // { name: 'X-Ricevuta', value: 'non-accettazione' }
 * ```
 * @category Reading
 */
export interface KindSpec {
  /** Italian name, as providers and the law call it. */
  readonly italian: string;
  /** English name. */
  readonly english: string;
  /** Envelope (X-Trasporto) or receipt/notice (X-Ricevuta). */
  readonly family: 'envelope' | 'receipt';
  /** The header that carries the kind, and its value. */
  readonly header: { readonly name: 'X-Trasporto' | 'X-Ricevuta'; readonly value: string };
  /** Subject prefix (followed by ": " and the original subject). */
  readonly subjectPrefix: string;
  /** Subject prefix of the virus variant (errore="virus"), which also carries X-VerificaSicurezza: errore. */
  readonly virusSubjectPrefix?: string;
  /** Who the message goes to. */
  readonly to: 'recipients' | 'sender' | 'service-mailbox';
  /** From: `"Per conto di: sender" <posta-certificata@…>` (envelopes) or the bare provider address. */
  readonly from: 'per-conto-di' | 'provider';
  /** daticert.xml presence. */
  readonly daticert: Presence;
  /** postacert.eml presence (for avvenuta-consegna it depends on the form: see `postacertFor`). */
  readonly postacert: Presence;
  /** Extra header every message of this kind carries (besides X-Riferimento-Message-ID). */
  readonly extraHeader?: 'X-Mittente';
  /** daticert elements this kind fills in. */
  readonly fields: {
    readonly consegna: Presence;
    readonly ricezione: Presence;
    readonly ricevuta: Presence;
    readonly erroreEsteso: Presence;
  };
  /** The `errore` values that fit this kind; the first is what a builder writes by default. */
  readonly errori: readonly string[];
  /**
   * The Message-ID a message of this kind carries: the identificativo (transport envelope), the
   * received message's own (anomaly envelope) or a new one (every receipt and notice).
   */
  readonly messageId: 'identificativo' | 'copied' | 'new';
  /** Header fields copied unchanged from the original or received message (RFC 6109 §2.1.1.2, §3.1.5, §3.2.2). */
  readonly copyHeaders: readonly string[];
}

const COPIED = ['Return-Path', 'Received', 'To', 'Cc', 'Reply-To'] as const;

const NONE = {
  consegna: 'forbidden',
  ricezione: 'forbidden',
  ricevuta: 'forbidden',
  erroreEsteso: 'forbidden',
} as const;

/**
 * The catalogue.
 *
 * @example
 * ```ts
 * KINDS['avvenuta-consegna'].italian; // 'Ricevuta di avvenuta consegna'
 * KINDS['posta-certificata'].english; // 'Transport envelope'
 * ```
 * @category Reading
 */
export const KINDS: Readonly<Record<PecKind, KindSpec>> = {
  'posta-certificata': {
    italian: 'Busta di trasporto',
    english: 'Transport envelope',
    family: 'envelope',
    header: { name: 'X-Trasporto', value: 'posta-certificata' },
    subjectPrefix: 'POSTA CERTIFICATA',
    to: 'recipients',
    from: 'per-conto-di',
    daticert: 'required',
    postacert: 'required',
    fields: { ...NONE, ricevuta: 'optional' },
    errori: ['nessuno'],
    messageId: 'identificativo',
    copyHeaders: COPIED,
  },
  errore: {
    italian: 'Busta di anomalia',
    english: 'Anomaly envelope',
    family: 'envelope',
    header: { name: 'X-Trasporto', value: 'errore' },
    subjectPrefix: 'ANOMALIA MESSAGGIO',
    to: 'recipients',
    from: 'per-conto-di',
    daticert: 'forbidden',
    postacert: 'required',
    fields: NONE,
    errori: [],
    messageId: 'copied',
    copyHeaders: COPIED,
  },
  accettazione: {
    italian: 'Ricevuta di accettazione',
    english: 'Acceptance receipt',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'accettazione' },
    subjectPrefix: 'ACCETTAZIONE',
    to: 'sender',
    from: 'provider',
    daticert: 'required',
    postacert: 'forbidden',
    fields: { ...NONE, ricevuta: 'optional' },
    errori: ['nessuno'],
    messageId: 'new',
    copyHeaders: [],
  },
  'non-accettazione': {
    italian: 'Avviso di non accettazione',
    english: 'Non-acceptance notice',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'non-accettazione' },
    subjectPrefix: 'AVVISO DI NON ACCETTAZIONE',
    virusSubjectPrefix: 'AVVISO DI NON ACCETTAZIONE PER VIRUS',
    to: 'sender',
    from: 'provider',
    daticert: 'required',
    postacert: 'forbidden',
    fields: { ...NONE, erroreEsteso: 'optional' },
    errori: ['altro', 'virus', 'no-dest', 'no-dominio'],
    messageId: 'new',
    copyHeaders: [],
  },
  'presa-in-carico': {
    italian: 'Ricevuta di presa in carico',
    english: 'Take-charge receipt',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'presa-in-carico' },
    subjectPrefix: 'PRESA IN CARICO',
    to: 'service-mailbox',
    from: 'provider',
    daticert: 'required',
    postacert: 'forbidden',
    fields: { ...NONE, ricezione: 'required' },
    errori: ['nessuno'],
    messageId: 'new',
    copyHeaders: [],
  },
  'avvenuta-consegna': {
    italian: 'Ricevuta di avvenuta consegna',
    english: 'Delivery receipt',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'avvenuta-consegna' },
    subjectPrefix: 'CONSEGNA',
    to: 'sender',
    from: 'provider',
    daticert: 'required',
    postacert: 'optional',
    fields: { ...NONE, consegna: 'required', ricevuta: 'optional' },
    errori: ['nessuno'],
    messageId: 'new',
    copyHeaders: [],
  },
  'errore-consegna': {
    italian: 'Avviso di mancata consegna',
    english: 'Non-delivery notice',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'errore-consegna' },
    subjectPrefix: 'AVVISO DI MANCATA CONSEGNA',
    virusSubjectPrefix: 'AVVISO DI MANCATA CONSEGNA PER VIRUS',
    to: 'sender',
    from: 'provider',
    daticert: 'required',
    postacert: 'forbidden',
    fields: { ...NONE, consegna: 'required', erroreEsteso: 'optional' },
    errori: ['no-dest', 'no-dominio', 'virus', 'altro'],
    messageId: 'new',
    copyHeaders: [],
  },
  'preavviso-errore-consegna': {
    italian: 'Avviso di mancata consegna per superamento dei tempi massimi',
    english: 'Delivery timeout notice (12 h / 24 h)',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'preavviso-errore-consegna' },
    subjectPrefix: 'AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO',
    to: 'sender',
    from: 'provider',
    daticert: 'required',
    postacert: 'forbidden',
    fields: { ...NONE, consegna: 'optional', erroreEsteso: 'optional' },
    errori: ['altro', 'nessuno'],
    messageId: 'new',
    copyHeaders: [],
  },
  'rilevazione-virus': {
    italian: 'Avviso di rilevazione virus',
    english: 'Virus detection notice',
    family: 'receipt',
    header: { name: 'X-Ricevuta', value: 'rilevazione-virus' },
    subjectPrefix: 'PROBLEMA DI SICUREZZA',
    to: 'service-mailbox',
    from: 'provider',
    daticert: 'required',
    postacert: 'forbidden',
    extraHeader: 'X-Mittente',
    fields: { ...NONE, consegna: 'required', erroreEsteso: 'optional' },
    errori: ['virus', 'altro'],
    messageId: 'new',
    copyHeaders: [],
  },
};

/**
 * The three forms of a delivery receipt.
 *
 * @example
 * ```ts
 * DELIVERY_FORMS; // ['completa', 'breve', 'sintetica']
 * ```
 * @category Reading
 */
export const DELIVERY_FORMS = ['completa', 'breve', 'sintetica'] as const;

/**
 * A delivery receipt form.
 *
 * @example
 * ```ts
 * const pec = parsePec(bytes);
 * const form: DeliveryForm | null = pec.kind === 'avvenuta-consegna' ? pec.deliveryForm : null;
 * ```
 * @category Reading
 */
export type DeliveryForm = (typeof DELIVERY_FORMS)[number];

/** Whether postacert.eml belongs in a message of this kind and delivery form. */
export function postacertFor(kind: PecKind, form: DeliveryForm | null): Presence {
  if (kind === 'avvenuta-consegna') return form === 'sintetica' ? 'forbidden' : 'required';
  return KINDS[kind].postacert;
}

/** The subject prefix a message of this kind and error carries. */
export function subjectPrefixFor(kind: PecKind, errore?: string | null): string {
  const spec = KINDS[kind];
  return errore === 'virus' && spec.virusSubjectPrefix ? spec.virusSubjectPrefix : spec.subjectPrefix;
}

/** True when `value` is one of the nine kind tokens. */
export function isPecKind(value: unknown): value is PecKind {
  return typeof value === 'string' && (PEC_KINDS as readonly string[]).includes(value);
}

/** The kind a set of X-Trasporto / X-Ricevuta header values names, if any. */
export function kindFromHeaders(
  xTrasporto: string | undefined,
  xRicevuta: string | undefined,
): PecKind | null {
  const t = xTrasporto?.trim().toLowerCase();
  if (t === 'posta-certificata' || t === 'errore') return t;
  const r = xRicevuta?.trim().toLowerCase();
  return r && isPecKind(r) && KINDS[r].family === 'receipt' ? r : null;
}

// Every subject prefix of the table, longest first (a virus prefix extends a plain one).
const SUBJECT_PREFIXES: readonly string[] = PEC_KINDS.flatMap((k) => [
  KINDS[k].subjectPrefix,
  KINDS[k].virusSubjectPrefix ?? '',
])
  .filter(Boolean)
  .sort((a, b) => b.length - a.length);

/**
 * Splits a subject into the longest known PEC prefix and the rest. Runs of spaces are normalised
 * (the RFC prints "SUP.  TEMPO" with two) and case is ignored.
 */
export function splitSubjectPrefix(subject: string): { prefix: string | null; rest: string } {
  const normal = subject.replace(/\s+/g, ' ').trimStart();
  const upper = normal.toUpperCase();
  for (const p of SUBJECT_PREFIXES) {
    if (upper.startsWith(p) && upper.charCodeAt(p.length) === 0x3a /* : */)
      return { prefix: p, rest: normal.slice(p.length + 1).trimStart() };
  }
  return { prefix: null, rest: subject };
}
