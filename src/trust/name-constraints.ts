// RFC 5280 §4.2.1.10 name constraints, applied by pec-kit itself. pkijs applies the constraints of the
// intermediates but never those of the trust anchor, and AgID CA1 (the anchor) is exactly the
// certificate whose constraints list the PEC provider domains.
import * as pkijs from 'pkijs';
import { toHex } from '../bytes.js';
import { EXT, findExtension, type NameAttribute, nameRdns, subjectAltNames } from './certificates.js';

const EMAIL_ADDRESS_ATTR = '1.2.840.113549.1.9.1';

/** The names of a certificate that name constraints apply to. */
interface SubjectNames {
  emails: string[];
  dnsNames: string[];
  ips: Uint8Array[];
  subject: NameAttribute[][];
  directoryNames: NameAttribute[][][];
}

function namesOf(cert: pkijs.Certificate): SubjectNames {
  const out: SubjectNames = {
    emails: [],
    dnsNames: [],
    ips: [],
    subject: nameRdns(cert.subject),
    directoryNames: [],
  };
  for (const n of subjectAltNames(cert)) {
    if (n.type === 1 && typeof n.value === 'string') out.emails.push(n.value);
    else if (n.type === 2 && typeof n.value === 'string') out.dnsNames.push(n.value);
    else if (n.type === 7 && n.value?.valueBlock?.valueHexView instanceof Uint8Array)
      out.ips.push(n.value.valueBlock.valueHexView);
    else if (n.type === 4 && n.value instanceof pkijs.RelativeDistinguishedNames)
      out.directoryNames.push(nameRdns(n.value));
  }
  // RFC 5280: rfc822Name constraints also apply to emailAddress attributes of the subject DN.
  for (const rdn of out.subject) {
    for (const a of rdn) if (a.type === EMAIL_ADDRESS_ATTR && a.value !== null) out.emails.push(a.value);
  }
  return out;
}

const lower = (s: string): string => s.trim().toLowerCase().replace(/\.$/, '');

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

// RFC 4518-ish comparison: case-insensitive, insignificant spaces removed. Enough for real names.
const prep = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function attributeEqual(a: NameAttribute, b: NameAttribute): boolean {
  if (a.type !== b.type) return false;
  if (a.value !== null && b.value !== null) return prep(a.value) === prep(b.value);
  return a.berHex === b.berHex;
}

function rdnEqual(a: NameAttribute[], b: NameAttribute[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => attributeEqual(x, y)));
}

/**
 * directoryName constraint: the constraint's RDNs are the leading RDNs of the name.
 *
 * @example
 * ```ts
 * directoryNameMatches(nameRdns(leaf.subject), nameRdns(issuer.subject)); // C=IT,O=Aruba… ⊂ C=IT,O=Aruba…,CN=…
 * ```
 */
export function directoryNameMatches(name: NameAttribute[][], constraint: NameAttribute[][]): boolean {
  if (constraint.length > name.length) return false;
  return constraint.every((rdn, i) => rdnEqual(name[i]!, rdn));
}

function rdnsToString(rdns: NameAttribute[][]): string {
  return rdns.map((rdn) => rdn.map((a) => `${a.type}=${a.value ?? `#${a.berHex}`}`).join('+')).join(',');
}

interface Subtrees {
  email: string[];
  dns: string[];
  ip: Uint8Array[];
  dir: NameAttribute[][][];
}

function group(subtrees: pkijs.GeneralSubtree[] | undefined): Subtrees {
  const g: Subtrees = { email: [], dns: [], ip: [], dir: [] };
  for (const s of subtrees ?? []) {
    const b = s.base;
    if (b.type === 1 && typeof b.value === 'string') g.email.push(b.value);
    else if (b.type === 2 && typeof b.value === 'string') g.dns.push(b.value);
    else if (b.type === 7 && b.value?.valueBlock?.valueHexView instanceof Uint8Array)
      g.ip.push(b.value.valueBlock.valueHexView);
    else if (b.type === 4 && b.value instanceof pkijs.RelativeDistinguishedNames)
      g.dir.push(nameRdns(b.value));
    // URI, otherName, x400 and EDI constraints are left to pkijs (intermediates) — PEC CAs use none.
  }
  return g;
}

// The grouped subtrees of each parsed NameConstraints (a CA's 60-odd subtrees are read once).
const groupedMemo = new WeakMap<pkijs.NameConstraints, { permitted: Subtrees; excluded: Subtrees }>();

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
export function nameConstraintViolations(cert: pkijs.Certificate, ca: pkijs.Certificate): string[] {
  const nc = findExtension(ca, EXT.nameConstraints)?.parsedValue;
  if (!(nc instanceof pkijs.NameConstraints)) return [];
  let grouped = groupedMemo.get(nc);
  if (!grouped) {
    grouped = { permitted: group(nc.permittedSubtrees), excluded: group(nc.excludedSubtrees) };
    groupedMemo.set(nc, grouped);
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
  check('DNS name', names.dnsNames, String, permitted.dns, excluded.dns, dnsMatches);
  check('IP address', names.ips, ipString, permitted.ip, excluded.ip, ipMatches);
  // An empty subject DN (a SAN-only certificate) is not a directory name to constrain.
  const dirNames = names.subject.length > 0 ? [names.subject, ...names.directoryNames] : names.directoryNames;
  check('directory name', dirNames, rdnsToString, permitted.dir, excluded.dir, directoryNameMatches);
  return out;
}
