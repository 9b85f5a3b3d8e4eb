// The provider's identity: does the certificate that signed a PEC message belong to the provider
// the signed daticert names? A receipt re-signed by another trusted provider (with From swapped to
// match) verifies and chains, and only this comparison tells it from the first provider's.
import type { PecKind } from '../kinds.js';
import { setRecent } from '../lru.js';
import { certificateEmails } from '../trust/certificates.js';
import type { Certificate } from '../x509/certificate.js';

// Kinds whose identificativo the signing provider made itself: the sender's provider writes the
// envelope and the (non-)acceptance receipt for a message it just numbered. Receipts of the
// recipient's provider (presa in carico, consegna, errore di consegna…) carry the sender
// provider's identificativo, so its domain says nothing about their signer.
const OWN_IDENTIFICATIVO: ReadonlySet<PecKind> = new Set([
  'posta-certificata',
  'accettazione',
  'non-accettazione',
]);

// Second-level labels under which a provider's own domain is one level deeper (x.gov.it).
const GENERIC_SECOND_LEVEL = new Set(['gov', 'com', 'co', 'org', 'net', 'edu', 'ac']);

// The registrable parts of recent domains: each receipt's identificativo repeats its provider's.
const SITES_MAX = 256;
const siteMemo = new Map<string, string>();

/** The registrable part of a domain ("pec.aruba.it" → "aruba.it"; "pec.x.gov.it" → "x.gov.it"). */
export function siteOf(domain: string): string {
  let site = siteMemo.get(domain);
  if (site === undefined) {
    site = registrablePart(domain);
    setRecent(siteMemo, domain, site, SITES_MAX);
  }
  return site;
}

function registrablePart(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const keep = labels.length >= 3 && GENERIC_SECOND_LEVEL.has(labels[labels.length - 2]!) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

// Words that do not identify a provider: legal forms, PEC vocabulary, connectives. What is left of
// "ARUBA PEC S.p.A." is "aruba"; of "POSTECOM S.P.A. - GRUPPO POSTE ITALIANE", "postecom poste
// italiane".
const GENERIC_WORDS = new Set([
  'spa',
  'srl',
  'srls',
  'sapa',
  'sas',
  'snc',
  'scarl',
  'scpa',
  'societa',
  'per',
  'azioni',
  'responsabilita',
  'limitata',
  'gruppo',
  'group',
  'pec',
  'posta',
  'certificata',
  'elettronica',
  'gestore',
  'provider',
  'servizi',
  'service',
  'services',
  'di',
  'del',
  'della',
  'e',
  'the',
  'and',
  'it',
  'inc',
  'ltd',
]);

/** Identifying words of a name: lower-case ASCII letters and digits, legal forms and PEC words dropped. */
export function nameWords(name: string): string[] {
  const folded = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // "S.p.A." and "S.P.A." are one word, not three letters.
    .replace(/\./g, '');
  return folded.split(/[^a-z0-9]+/).filter((w) => w.length >= 3 && !GENERIC_WORDS.has(w));
}

// A Certificate never changes and decoded ones are shared per DER: its words (Unicode folding and
// regular expressions over its names) are worked out once per object. Weak: they go with it.
const wordsOf = new WeakMap<Certificate, readonly string[]>();

/** The words a certificate gives about its holder: O, OU and CN values, and its e-mail domains. */
function certificateWords(cert: Certificate): readonly string[] {
  let words = wordsOf.get(cert);
  if (!words) {
    words = wordsFrom(cert, certificateEmails(cert));
    wordsOf.set(cert, words);
  }
  return words;
}

function wordsFrom(cert: Certificate, emails: readonly string[]): string[] {
  const words: string[] = [];
  for (const rdn of cert.subject.rdns) {
    for (const a of rdn) {
      // O, OU, CN
      if ((a.type === '2.5.4.10' || a.type === '2.5.4.11' || a.type === '2.5.4.3') && a.value)
        words.push(...nameWords(a.value));
    }
  }
  for (const e of emails) {
    const domain = e.slice(e.lastIndexOf('@') + 1);
    const labels = domain.toLowerCase().split('.');
    words.push(...labels.slice(0, -1).flatMap((l) => nameWords(l.replace(/-/g, ' '))));
  }
  return words;
}

// The words of a daticert's gestore-emittente: every receipt of a provider repeats the same name,
// so its words (Unicode folding, regular expressions) are worked out once per distinct string.
// Bounded: the oldest name goes first.
const GESTORE_WORDS_MAX = 256;
const gestoreWords = new Map<string, readonly string[]>();

function wordsOfName(name: string): readonly string[] {
  let words = gestoreWords.get(name);
  if (!words) {
    words = nameWords(name);
    setRecent(gestoreWords, name, words, GESTORE_WORDS_MAX);
  }
  return words;
}

/** The signer certificate's e-mail domains and their registrable parts, worked out once per object. */
interface Domains {
  readonly domains: readonly string[];
  readonly sites: readonly string[];
}
const domainsOf = new WeakMap<Certificate, Domains>();

function certificateDomains(cert: Certificate): Domains {
  let known = domainsOf.get(cert);
  if (!known) {
    const domains = certificateEmails(cert)
      .map((e) => e.slice(e.lastIndexOf('@') + 1).toLowerCase())
      .filter((d) => d);
    known = { domains, sites: domains.map(siteOf) };
    domainsOf.set(cert, known);
  }
  return known;
}

/** Two words name the same provider: equal, or one (4 letters or more) inside the other (postecert, poste). */
const wordsMatch = (a: string, b: string): boolean =>
  a === b || (a.length >= 4 && b.includes(a)) || (b.length >= 4 && a.includes(b));

/**
 * One disagreement between the signer certificate and the provider the daticert names.
 *
 * @internal
 */
export interface IdentityFinding {
  code: 'PROVIDER_DOMAIN_MISMATCH' | 'PROVIDER_NAME_MISMATCH';
  message: string;
}

/**
 * Compares the signer certificate with the daticert's `gestore-emittente` and, for the kinds whose
 * identificativo the signing provider made itself, the identificativo's domain. The name rule is
 * deliberately lenient (one identifying word in common, ignoring legal forms and PEC words, or a
 * word contained in another: "Sogei SpA" ~ "O=Sogei S.p.A."; "ARUBA PEC S.p.A." ~ "O=Aruba PEC
 * S.p.A."); a name with no identifying word is not judged.
 *
 * @internal
 * @example
 * ```ts
 * providerIdentity(cert, 'accettazione', 'ARUBA PEC S.p.A.', 'opec288.2018…@pec.aruba.it'); // []
 * ```
 */
export function providerIdentity(
  cert: Certificate,
  kind: PecKind,
  gestoreEmittente: string | null | undefined,
  identificativo: string | undefined,
): IdentityFinding[] {
  const out: IdentityFinding[] = [];
  const { domains, sites } = certificateDomains(cert);
  if (OWN_IDENTIFICATIVO.has(kind) && identificativo && domains.length > 0) {
    const at = identificativo.lastIndexOf('@');
    const idDomain =
      at === -1
        ? ''
        : identificativo
            .slice(at + 1)
            .trim()
            .toLowerCase();
    if (idDomain && !sites.includes(siteOf(idDomain))) {
      out.push({
        code: 'PROVIDER_DOMAIN_MISMATCH',
        message: `the identificativo ${identificativo} was assigned under ${idDomain}, but the ${kind} is signed by the certificate of ${domains.join(', ')}`,
      });
    }
  }
  if (gestoreEmittente) {
    const named = wordsOfName(gestoreEmittente);
    const have = certificateWords(cert);
    if (named.length > 0 && !named.some((w) => have.some((h) => wordsMatch(w, h)))) {
      out.push({
        code: 'PROVIDER_NAME_MISMATCH',
        message: `the daticert names the provider "${gestoreEmittente}", but the signer certificate is ${cert.subject.toString()}${domains.length ? ` (${domains.join(', ')})` : ''}`,
      });
    }
  }
  return out;
}
