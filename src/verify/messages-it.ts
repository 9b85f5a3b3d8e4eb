// Italian texts of every issue and error code, keyed by code: a separate table, so a new code in
// any of the issue tables gets its Italian row here (a test checks that none is missing).
import { ERROR_CODES } from '../errors.js';
import type { IssueCode } from '../issues.js';
import { ISSUE_CODES } from './codes.js';

/**
 * What each issue code means, in Italian: the counterpart of the English descriptions in
 * {@link ISSUE_CODES} (and of {@link ERROR_CODES} for the errors a report carries when reading
 * stops). {@link formatReport} and {@link summarize} use it for `'it'`.
 *
 * @example
 * ```ts
 * ISSUE_TEXT_IT.SIGNATURE_DIGEST_MISMATCH; // 'Il contenuto firmato è stato alterato dopo la firma: …'
 * ```
 */
export const ISSUE_TEXT_IT: Readonly<Partial<Record<IssueCode | keyof typeof ERROR_CODES, string>>> = {
  // Message-level (src/issues.ts)
  MIME_DEFECT:
    'La struttura MIME è danneggiata (troncata, delimitatori mancanti); è stato conservato quanto leggibile.',
  MIME_EXTRA_PARTS:
    'Il multipart/signed ha più di due parti: qualcosa è stato aggiunto accanto al contenuto firmato.',
  PEC_NOT_SIGNED: 'Il messaggio si presenta come PEC ma non è firmato (non è multipart/signed).',
  SIGNATURE_PART_MISSING: 'Il multipart/signed non ha la parte di firma (rimossa o troncata).',
  SIGNATURE_UNREADABLE:
    'La parte di firma non è base64 valido o non è una CMS SignedData (segnaposto o danneggiata).',
  SIGNATURE_PROTOCOL: 'multipart/signed con un protocollo diverso da application/(x-)pkcs7-signature.',
  DATICERT_MISSING: 'Manca il daticert.xml nel contenuto firmato, ma questo tipo di messaggio lo richiede.',
  DATICERT_UNREADABLE:
    'Il daticert.xml è presente ma illeggibile (malformato, DTD o entità vietate, valori non validi).',
  DATICERT_UNEXPECTED: 'Un daticert.xml in un tipo di messaggio che non deve averlo (busta di anomalia).',
  DATICERT_OUTSIDE_SIGNATURE: 'Un daticert.xml fuori dal contenuto firmato: è stato ignorato.',
  KIND_HEADER_MISMATCH:
    'Le intestazioni X-Trasporto / X-Ricevuta (non firmate) non concordano con il tipo nel daticert.',
  KIND_HEADER_MISSING: 'Mancano sia X-Trasporto sia X-Ricevuta; il tipo è preso dal daticert.',
  MESSAGE_ID_MISMATCH: "Il Message-ID della busta (non firmato) è diverso dall'identificativo del daticert.",
  RIFERIMENTO_MISMATCH: 'X-Riferimento-Message-ID (non firmato) è diverso dal msgid del daticert.',
  SUBJECT_PREFIX_MISMATCH: "Il prefisso dell'oggetto (non firmato) non corrisponde al tipo di messaggio.",
  SUBJECT_MISMATCH: "L'oggetto dopo il prefisso è diverso dall'oggetto nel daticert.",
  SENDER_MISMATCH: 'Il mittente "Per conto di" (non firmato) è diverso dal mittente del daticert.',
  POSTACERT_MISSING: 'Manca il messaggio originale (postacert.eml) dove tipo e formato lo richiedono.',
  POSTACERT_UNEXPECTED: "C'è un postacert.eml in un tipo di messaggio che non deve contenere l'originale.",
  POSTACERT_ID_MISMATCH: "Il Message-ID del postacert.eml è diverso dall'identificativo.",
  ORIGINAL_SENDER_MISMATCH:
    'Il From del postacert.eml non è solo il mittente del daticert, quello certificato.',
  DELIVERY_FORM_MISMATCH:
    'Il tipo di ricevuta indicato nel daticert è diverso da ciò che la ricevuta contiene davvero.',
  NESTED_PEC: "Dentro questo messaggio c'è un altro messaggio PEC (PEC inoltrata o busta incapsulata).",
  WRAPPED_PEC:
    "È posta ordinaria che contiene un messaggio PEC (inoltro, lista di distribuzione): l'involucro non è PEC.",
  NOT_PEC: 'Posta ordinaria: nessuna intestazione PEC, nessun daticert, nessuna firma del gestore.',
  INPUT_EMPTY: 'Il file è vuoto (o contiene solo spazi): rileggere il file .eml e passarne il contenuto.',
  INPUT_FILE_PATH:
    'È stato passato il percorso di un file, non il messaggio: leggere il file e passarne i byte, non il nome.',
  INPUT_PDF:
    'È un documento PDF, non un messaggio di posta: una stampa o un allegato non provano nulla; verificare il messaggio PEC completo salvato come .eml.',
  INPUT_OUTLOOK_MSG:
    'È un file .msg di Outlook: salvare il messaggio PEC come .eml dalla webmail o dal programma di posta e verificare quello.',
  INPUT_FRAGMENT:
    'È solo un pezzo di un messaggio PEC (un daticert.xml da solo, o una parte senza le intestazioni del messaggio): verificare il file .eml completo.',
  INPUT_POSTACERT:
    'È il messaggio originale estratto da una busta PEC (postacert.eml), che non ha la firma del gestore: verificare la busta o la ricevuta che lo contiene.',

  PEC_NESTING_LIMIT:
    "Messaggi dall'aspetto PEC annidati oltre la profondità esaminata (4 livelli): quanto sta sotto non è stato letto; un involucro non firmato sopra di esso non è mostrato come PEC (avviso dentro un messaggio firmato).",
  FROM_MISSING:
    'Messaggio PEC senza campo From, o con un From privo di indirizzo: il mittente non può essere confrontato con il firmatario.',
  FROM_DUPLICATE:
    'Più campi From: pec-kit confronta il primo con il firmatario, altri programmi di posta ne mostrano un altro.',
  FROM_MULTIPLE_MAILBOXES:
    'Il campo From indica più caselle: i programmi di posta non concordano su chi abbia inviato il messaggio.',
  FROM_ENCODED_ADDRESS:
    "L'indirizzo From è una encoded-word RFC 2047 (ammessa solo nei nomi): decodificata, dà un indirizzo che altri programmi non vedono.",
  FROM_NAME_ADDRESS:
    'Il nome visualizzato nel From contiene a sua volta un <indirizzo>: altri programmi di posta mostrano o usano quello.',
  CONTENT_TYPE_DUPLICATE:
    'Più campi Content-Type al livello principale: i programmi non concordano su cosa sia il messaggio (firmato o no, quale struttura).',
  CONTENT_TYPE_PARAM_DUPLICATE:
    'Il Content-Type principale indica due volte il boundary o il protocol: i programmi dividono il messaggio in modo diverso.',
  SIGNATURE_PART_TYPE:
    'La parte di firma del multipart/signed non è application/pkcs7-signature né application/x-pkcs7-signature (OpenSSL la rifiuta).',
  DATICERT_DUPLICATE:
    'Più parti daticert.xml nel contenuto PEC: quale contenga i dati certificati dipende dal programma che legge.',
  POSTACERT_DUPLICATE:
    'Più parti message/rfc822 accanto al daticert.xml: quale sia il messaggio originale certificato dipende dal programma che legge.',
  SIGNED_BARE_CR:
    'La parte firmata contiene un CR non seguito da LF. pec-kit, come la verifica della firma, non lo considera un a capo; altri programmi di posta sì, e mostrano un’altra struttura.',
  // daticert reader (src/daticert/warnings.ts)
  DATICERT_LEADING_WHITESPACE:
    'Spazi prima della dichiarazione XML (XML non ben formato): sono stati rimossi.',
  DATICERT_MISSING_ELEMENT:
    'Manca un elemento richiesto dal DTD che non identifica nulla (risposte, gestore-emittente): il campo è null.',
  DATICERT_MSGID_UNESCAPED:
    '<msgid> conteneva "<", ">" o "&" non codificati (XML non corretto): sono stati codificati e il valore recuperato.',
  DATICERT_CONTROL_CHARS:
    'Sono stati rimossi caratteri non ammessi in XML 1.0 (controlli C0, U+FFFE, U+FFFF).',
  DATICERT_UNKNOWN_ELEMENT:
    'È stato ignorato un elemento che la DTD non definisce (o in una posizione che non ammette).',
  DATICERT_UNKNOWN_ATTRIBUTE: 'È stato ignorato un attributo che la DTD non definisce.',
  DATICERT_DUPLICATE_ELEMENT: 'Un elemento non ripetibile compare più volte; è stato usato il primo.',
  DATICERT_ELEMENT_ORDER:
    "Gli elementi non sono nell'ordine prescritto dalla DTD; sono stati letti comunque.",
  DATICERT_STRAY_TEXT: 'È stato ignorato del testo fuori da ogni elemento di valore.',
  DATICERT_ENCODING_UNKNOWN:
    'La dichiarazione XML indica una codifica non supportata; i byte sono stati letti come UTF-8.',
  DATICERT_ENCODING_INVALID:
    'I byte non sono UTF-8 valido come dichiarato (o predefinito); sono stati letti come windows-1252.',
  DATICERT_ENCODING_MISMATCH:
    'Un byte-order mark contraddice la codifica della dichiarazione XML; ha prevalso il BOM.',

  // Signature and signer (src/verify/issues.ts)
  SIGNATURE_DIGEST_MISMATCH:
    'Il contenuto firmato è stato alterato dopo la firma: la sua impronta non corrisponde a quella firmata.',
  SIGNATURE_INVALID: 'Il valore della firma non si verifica con la chiave del certificato del firmatario.',
  SIGNATURE_CONTENT_TYPE: "L'attributo firmato contentType manca o non è id-data.",
  SIGNATURE_NO_MESSAGE_DIGEST: 'Agli attributi firmati manca messageDigest.',
  SIGNER_CERT_MISSING: 'La firma CMS non contiene il certificato del firmatario.',
  SIGNATURE_UNSUPPORTED_ALGORITHM: 'La firma usa un algoritmo che pec-kit non sa verificare.',
  SIGNATURE_SHA1: 'Impronta SHA-1: quella che i gestori PEC usano ancora; accettata, ma debole.',
  SIGNATURE_CANONICALIZED:
    'Solo la forma CRLF della parte firmata si verifica (file salvato con fine riga LF).',
  SIGNATURE_MULTIPLE_SIGNERS: 'La CMS ha più firmatari; è stato verificato solo il primo.',
  SIGNER_FROM_MISMATCH: "L'indirizzo From non è l'indirizzo e-mail del certificato del firmatario.",
  SIGNING_TIME_MISSING: "Manca l'attributo signingTime; la catena è stata valutata all'istante attuale.",
  SIGNING_TIME_DATICERT_MISMATCH: "L'ora del daticert e l'ora della firma distano più di 15 minuti.",
  INTERNAL_ERROR:
    'Errore imprevisto dentro pec-kit durante il controllo (un difetto: va segnalato); il messaggio non è valido.',
  NESTED_VERDICT: "L'esito della verifica di un messaggio PEC contenuto in questo.",

  SIGNATURE_EXTRA_SIGNER_INVALID:
    'Un SignerInfo dopo il primo non è verificato sulla parte firmata (o manca il suo certificato).',
  SIGNATURE_EXTRA_SIGNER_UNTRUSTED:
    'Un SignerInfo dopo il primo è verificato, ma il suo certificato non risale a un’autorità PEC attendibile.',
  SIGNATURE_ALGORITHM_MISMATCH:
    'L’algoritmo di digest del SignerInfo e l’hash del suo algoritmo di firma differiscono (es. SHA-256 con sha1WithRSA).',
  SIGNING_TIME_IN_FUTURE:
    "Il signingTime è successivo all'istante di verifica più la tolleranza (maxClockSkew, 5 minuti): nessun gestore firma nel futuro, e una catena giudicata a una data futura non prova nulla.",
  DATICERT_DATE_IN_FUTURE:
    "La data del daticert è successiva all'istante di verifica più la tolleranza (maxClockSkew, 5 minuti): il gestore certifica un evento non ancora avvenuto.",
  PROVIDER_DOMAIN_MISMATCH:
    "L'identificativo della busta o della ricevuta di (non) accettazione, assegnato dal gestore che firma, è sotto un dominio diverso da quello dell'indirizzo del certificato di firma: il messaggio è firmato da un gestore diverso da quello che lo ha prodotto.",
  PROVIDER_NAME_MISMATCH:
    'Il gestore-emittente del daticert non ha alcuna parola identificativa in comune con il certificato di firma (O, OU, CN e dominio e-mail; forme societarie e parole come PEC ignorate): la ricevuta nomina un gestore diverso da quello che l’ha firmata.',
  // Chain (src/trust/issues.ts)
  CHAIN_REVOKED_COMPROMISE:
    "Una CRL fornita revoca un certificato del percorso per compromissione della chiave (keyCompromise, cACompromise, aACompromise, o non specificato con un invalidityDate precedente) dopo l'istante di verifica. Quell'istante è il signingTime, scritto da chi possiede la chiave: non prova nulla. Non valido, salvo un istante attendibile fornito dal chiamante (verifyPec `at`).",
  CHAIN_KEY_TOO_WEAK:
    'Un certificato del percorso ha una chiave RSA più corta del minimo (minRsaBits, predefinito 2048; mai sotto 1024). Chiavi da almeno 1024 bit in certificati scaduti prima di legacyKeysUntil (2018-01-01) danno solo un avviso, CHAIN_WEAK_KEY.',
  CHAIN_KEY_UNSAFE:
    'Un certificato del percorso, o un possibile emittente, ha una chiave RSA con cui pec-kit non verifica firme: esponente pubblico pari, minore di 3 o maggiore di 2^32+1, o modulo oltre limits.maxRsaModulusBits (8192). Chiavi simili servono solo a rallentare la verifica.',
  CHAIN_WORK_LIMIT:
    'La validazione della catena ha raggiunto un limite di lavoro: troppi possibili emittenti con lo stesso nome (limits.maxIssuerCandidates), troppe verifiche di firma (limits.maxSignatureChecks) o una ricerca del percorso troppo lunga. Una vera catena PEC non lo fa mai; la catena non è attendibile.',
  CHAIN_UNTRUSTED:
    'Nessun percorso di certificazione porta dal firmatario a una delle radici attendibili configurate. I certificati contenuti nel messaggio sono usati solo come intermedi, mai come attendibili di per sé.',
  CHAIN_TOO_LONG: 'Gli unici percorsi verso una radice attendibile sono più lunghi di limits.maxChainLength.',
  CHAIN_EXPIRED: "Un certificato del percorso era scaduto all'istante di verifica.",
  CHAIN_NOT_YET_VALID: "Un certificato del percorso non era ancora valido all'istante di verifica.",
  CHAIN_ANCHOR_NOT_VALID_AT: "L'istante di verifica è fuori dal periodo di validità della radice.",
  CHAIN_REVOKED:
    "Una CRL fornita revoca un certificato del percorso prima dell'istante di verifica o in quel momento.",
  CHAIN_REVOKED_LATER:
    "Una CRL fornita revoca un certificato del percorso, ma solo dopo l'istante di verifica: la firma è anteriore alla revoca.",
  CHAIN_REVOCATION_UNKNOWN:
    "Sono state fornite CRL, ma nessuna è utilizzabile per un certificato del percorso all'istante di verifica.",
  CHAIN_REVOCATION_NOT_CHECKED: 'Nessuna CRL fornita: la revoca non è stata controllata.',
  CHAIN_CRL_INVALID:
    'Una CRL di un emittente del percorso è stata ignorata: firma non valida, emittente non autorizzato o estensione critica non gestita.',
  CHAIN_BAD_KEY_USAGE:
    'Il certificato del firmatario non consente digitalSignature, o un certificato di CA non consente keyCertSign.',
  CHAIN_BAD_EKU: 'Un certificato del percorso ha un uso esteso della chiave che non include emailProtection.',
  CHAIN_NOT_CA:
    'Un certificato emittente del percorso non è un certificato di CA (basicConstraints cA non vero).',
  CHAIN_PATH_LENGTH:
    'Un certificato di CA del percorso ha sotto di sé più CA di quante ne ammetta il suo pathLenConstraint.',
  CHAIN_NAME_CONSTRAINTS:
    'Un nome di un certificato (e-mail, DNS, IP o DN) è fuori dai sottoalberi permessi, o dentro quelli esclusi, di una CA del percorso (radice inclusa).',
  CHAIN_UNKNOWN_CRITICAL_EXTENSION:
    "Un certificato del percorso ha un'estensione critica che pec-kit non gestisce.",
  CHAIN_WEAK_KEY: 'Un certificato del percorso ha una chiave RSA più corta di 2048 bit.',
  CHAIN_WEAK_SIGNATURE:
    'Un certificato del percorso è firmato con SHA-1 (ancora presente in vecchie catene PEC).',
  CHAIN_POLICY_MISSING: 'Il certificato del firmatario non riporta la policy PEC 1.3.76.16.3.1.1.',
  CHAIN_LEAF_PROFILE:
    'Il certificato del firmatario si discosta dal profilo PEC (keyUsage assente o non critico, basicConstraints presente).',
  CHAIN_SIGNER_PINNED: 'Il certificato del firmatario è esso stesso una delle radici attendibili.',
  SIGNER_EMAIL_MISMATCH:
    "Nessuno degli indirizzi e-mail del certificato del firmatario è l'indirizzo atteso (quello del From).",

  // Errors a report carries when reading stops (src/errors.ts)
  INVALID_ARGUMENT: 'È stato passato un valore di tipo o forma errati.',
  LIMIT_EXCEEDED: 'Un dato è più grande, profondo o lungo di quanto consentito dal limite configurato.',
  MIME_MALFORMED:
    'La struttura MIME non è leggibile (manca il separatore intestazioni/corpo, multipart errato, troncato).',
  MIME_NOT_SIGNED: 'Il messaggio non è multipart/signed.',
  MIME_SIGNATURE_PART_MISSING: 'multipart/signed senza la seconda parte (la firma).',
  MIME_BAD_PROTOCOL: 'multipart/signed con un protocollo diverso da (x-)pkcs7-signature.',
  MIME_HEADER_INJECTION:
    'Il valore di un’intestazione da scrivere contiene CR, LF o un altro carattere vietato.',
  BASE64_INVALID: 'I dati base64 contengono caratteri fuori dall’alfabeto o hanno una lunghezza errata.',
  CMS_MALFORMED: 'La struttura CMS/PKCS#7 non è DER/BER valido o non è una SignedData.',
  CMS_UNSUPPORTED: 'La CMS usa un algoritmo o una forma che pec-kit non gestisce.',
  CERT_MALFORMED: 'Un certificato, una CRL o una chiave non sono decodificabili.',
  KEY_MISMATCH: 'La chiave privata non appartiene al certificato.',
  XML_MALFORMED: 'Il daticert.xml non è XML ben formato.',
  XML_FORBIDDEN: 'Il daticert.xml dichiara un DOCTYPE, un’entità o un riferimento esterno.',
  DATICERT_INVALID: 'I dati del daticert non rispettano la DTD (valori mancanti o sconosciuti).',
  BUILD_INVALID: 'I dati per costruire il messaggio non superano un controllo formale PEC.',
  CRYPTO_UNAVAILABLE: 'Non è disponibile alcuna implementazione WebCrypto.',
};

/**
 * The meaning of an issue code in a language: Italian from {@link ISSUE_TEXT_IT}, English from
 * the issue tables ({@link ISSUE_CODES}); null for a code neither knows (e.g. a code added by a
 * newer pec-kit, or one the caller made up).
 *
 * @example
 * ```ts
 * issueText('CHAIN_EXPIRED', 'it'); // "Un certificato del percorso era scaduto all'istante di verifica."
 * ```
 */
export function issueText(code: string, language: 'it' | 'en'): string | null {
  if (language === 'it') return (ISSUE_TEXT_IT as Record<string, string | undefined>)[code] ?? null;
  return ISSUE_CODES[code]?.description ?? (ERROR_CODES as Record<string, string | undefined>)[code] ?? null;
}
