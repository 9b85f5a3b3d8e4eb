// RFC 5280 §4.2.1.10 name constraints, of every CA of the path, the trust anchor included: AgID CA1
// (the anchor) is exactly the certificate whose constraints list the PEC provider domains.
import { toHex } from '../bytes.js';
import type { Certificate } from '../x509/certificate.js';
import type { GeneralName } from '../x509/extensions.js';
import { type NameAttribute, rdnEqual } from '../x509/name.js';

const EMAIL_ADDRESS_ATTR = '1.2.840.113549.1.9.1';

/** The names of a certificate that name constraints apply to. */
interface SubjectNames {
  emails: string[];
  dnsNames: string[];
  uris: string[];
  ips: Uint8Array[];
  subject: Rdns;
  directoryNames: Rdns[];
  /** SAN alternatives no rule here can check (otherName, x400Address, ediPartyName, registeredID). */
  other: Set<GeneralName['type']>;
  /** emailAddress attributes of the subject that are no printable IA5String (as hex of their encoding). */
  unreadableEmails: string[];
}

type Rdns = readonly (readonly NameAttribute[])[];

function namesOf(cert: Certificate): SubjectNames {
  const out: SubjectNames = {
    emails: [],
    dnsNames: [],
    uris: [],
    ips: [],
    subject: cert.subject.rdns,
    directoryNames: [],
    other: new Set(),
    unreadableEmails: [],
  };
  for (const n of cert.subjectAltNames) {
    if (n.type === 'rfc822Name') out.emails.push(n.value);
    else if (n.type === 'dNSName') out.dnsNames.push(n.value);
    else if (n.type === 'uniformResourceIdentifier') out.uris.push(n.value);
    else if (n.type === 'iPAddress') out.ips.push(n.value);
    else if (n.type === 'directoryName') out.directoryNames.push(n.value.rdns);
    else out.other.add(n.type);
  }
  // RFC 5280: rfc822Name constraints also apply to emailAddress attributes of the subject DN.
  // The attribute is an IA5String (PKCS #9); one of another string type, or with bytes outside
  // printable ASCII, is no address a constraint can be checked on, so it cannot comply.
  for (const rdn of out.subject) {
    for (const a of rdn) {
      if (a.type !== EMAIL_ADDRESS_ATTR) continue;
      if (a.berHex.startsWith('16') && a.value !== null && /^[\x20-\x7e]*$/.test(a.value))
        out.emails.push(a.value);
      else out.unreadableEmails.push(a.berHex);
    }
  }
  return out;
}

// ASCII-only case folding (RFC 5280 §7.2, §7.5: host names compare case-insensitively in ASCII).
// String.prototype.toLowerCase folds Unicode too: the Kelvin sign K (U+212A) would become k, and
// a name outside an excluded subtree would match it.
const lower = (s: string): string =>
  s
    .trim()
    .replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32))
    .replace(/\.$/, '');

/**
 * RFC 5280 rfc822Name constraint: `user@host` is one mailbox, `host` every mailbox at exactly that
 * host, `.domain` every mailbox at a host below the domain. Compared case-insensitively.
 *
 * @example
 * ```ts
 * emailMatches('posta-certificata@pec.aruba.it', 'pec.aruba.it');   // true
 * emailMatches('posta-certificata@x.pec.aruba.it', 'pec.aruba.it'); // false
 * emailMatches('posta-certificata@x.pec.aruba.it', '.pec.aruba.it'); // true
 * ```
 */
export function emailMatches(email: string, constraint: string): boolean {
  const e = lower(email);
  const c = lower(constraint);
  if (c === '') return true;
  if (c.includes('@')) return e === c;
  const at = e.lastIndexOf('@');
  if (at < 0) return false;
  const host = e.slice(at + 1);
  return c.startsWith('.') ? host.endsWith(c) : host === c;
}

/**
 * RFC 5280 dNSName constraint: the name equals the constraint or is below it (labels added on the
 * left). A leading dot (`.example.it`) means strictly below, as OpenSSL reads it.
 *
 * @example
 * ```ts
 * dnsMatches('www.pec.example.it', 'pec.example.it'); // true
 * dnsMatches('evilpec.example.it', 'pec.example.it'); // false
 * ```
 */
export function dnsMatches(name: string, constraint: string): boolean {
  const n = lower(name);
  const c = lower(constraint);
  if (c === '') return true;
  if (c.startsWith('.')) return n.endsWith(c);
  return n === c || n.endsWith(`.${c}`);
}

/**
 * iPAddress constraint: address (4 or 16 bytes) inside network/mask (8 or 32 bytes).
 *
 * @example
 * ```ts
 * ipMatches(new Uint8Array([10, 1, 2, 3]), new Uint8Array([10, 0, 0, 0, 255, 0, 0, 0])); // true
 * ```
 */
export function ipMatches(ip: Uint8Array, constraint: Uint8Array): boolean {
  const n = ip.length;
  if (constraint.length !== n * 2) return false;
  for (let i = 0; i < n; i++) if (((ip[i]! ^ constraint[i]!) & constraint[n + i]!) !== 0) return false;
  return true;
}

/**
 * RFC 5280 uniformResourceIdentifier constraint: on the URI's host; `.domain` means any host
 * below the domain, `host` exactly that host.
 *
 * @example
 * ```ts
 * uriMatches('https://www.pec.example.it/crl', '.pec.example.it'); // true
 * uriMatches('https://pec.example.it/crl', 'pec.example.it');      // true
 * ```
 */
export function uriMatches(uri: string, constraint: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  if (!m) return false; // no authority: no host to match, so outside any URI subtree
  const host = lower(m[1]!);
  const c = lower(constraint);
  if (c === '') return true; // an empty constraint covers every name of its type, as for e-mail and DNS
  return c.startsWith('.') ? host.endsWith(c) : host === c;
}

/**
 * directoryName constraint: the constraint's RDNs are the leading RDNs of the name.
 *
 * @example
 * ```ts
 * directoryNameMatches(leaf.subject.rdns, issuer.subject.rdns); // C=IT,O=Aruba… ⊂ C=IT,O=Aruba…,CN=…
 * ```
 */
export function directoryNameMatches(name: Rdns, constraint: Rdns): boolean {
  if (constraint.length > name.length) return false;
  return constraint.every((rdn, i) => rdnEqual(name[i]!, rdn));
}

function rdnsToString(rdns: Rdns): string {
  return rdns.map((rdn) => rdn.map((a) => `${a.type}=${a.value ?? `#${a.berHex}`}`).join('+')).join(',');
}

interface Subtrees {
  email: string[];
  dns: string[];
  uri: string[];
  ip: Uint8Array[];
  dir: Rdns[];
  /** Alternatives with no matching rule here: any name of such a type cannot be shown to comply. */
  other: Set<GeneralName['type']>;
}

function group(subtrees: readonly GeneralName[]): Subtrees {
  const g: Subtrees = { email: [], dns: [], uri: [], ip: [], dir: [], other: new Set() };
  for (const b of subtrees) {
    if (b.type === 'rfc822Name') g.email.push(b.value);
    else if (b.type === 'dNSName') g.dns.push(b.value);
    else if (b.type === 'uniformResourceIdentifier') g.uri.push(b.value);
    else if (b.type === 'iPAddress') g.ip.push(b.value);
    else if (b.type === 'directoryName') g.dir.push(b.value.rdns);
    else g.other.add(b.type);
  }
  return g;
}

// The grouped subtrees of each CA certificate (AgID CA1's 60-odd subtrees are grouped once).
const groupedMemo = new WeakMap<Certificate, { permitted: Subtrees; excluded: Subtrees }>();

const ipString = (b: Uint8Array): string => (b.length === 4 ? [...b].join('.') : toHex(b));

/**
 * The name-constraint violations of `cert` under the constraints of the CA certificate `ca`, as
 * messages (empty when it complies). Permitted subtrees of a name type bind only when the CA lists at
 * least one subtree of that type; excluded subtrees always bind.
 *
 * @example
 * ```ts
 * nameConstraintViolations(leaf, issuer); // [] or ['e-mail x@evil.example is outside the permitted subtrees']
 * ```
 */
export function nameConstraintViolations(cert: Certificate, ca: Certificate): string[] {
  const nc = ca.nameConstraints;
  if (!nc) return [];
  let grouped = groupedMemo.get(ca);
  if (!grouped) {
    grouped = { permitted: group(nc.permitted), excluded: group(nc.excluded) };
    groupedMemo.set(ca, grouped);
  }
  const { permitted, excluded } = grouped;
  const names = namesOf(cert);
  const out: string[] = [];
  const check = <T, C>(
    kind: string,
    values: T[],
    show: (v: T) => string,
    allow: C[],
    deny: C[],
    match: (v: T, c: C) => boolean,
  ): void => {
    for (const v of values) {
      if (allow.length > 0 && !allow.some((c) => match(v, c)))
        out.push(`${kind} ${show(v)} is outside the permitted subtrees`);
      else if (deny.some((c) => match(v, c))) out.push(`${kind} ${show(v)} is inside an excluded subtree`);
    }
  };
  check('e-mail', names.emails, String, permitted.email, excluded.email, emailMatches);
  if (permitted.email.length > 0 || excluded.email.length > 0)
    for (const hex of names.unreadableEmails)
      out.push(`the emailAddress attribute #${hex} is not a printable IA5String and cannot be checked`);
  check('DNS name', names.dnsNames, String, permitted.dns, excluded.dns, dnsMatches);
  check('URI', names.uris, String, permitted.uri, excluded.uri, uriMatches);
  check('IP address', names.ips, ipString, permitted.ip, excluded.ip, ipMatches);
  // Name forms without a matching rule: constrained by this CA means they cannot be shown to comply.
  for (const type of names.other) {
    if (permitted.other.has(type) || excluded.other.has(type))
      out.push(`the ${type} name cannot be checked against the ${type} constraints`);
  }
  // An empty subject DN (a SAN-only certificate) is not a directory name to constrain.
  const dirNames = names.subject.length > 0 ? [names.subject, ...names.directoryNames] : names.directoryNames;
  check('directory name', dirNames, rdnsToString, permitted.dir, excluded.dir, directoryNameMatches);
  return out;
}
