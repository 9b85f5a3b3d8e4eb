// Distinguished names (RFC 5280 §4.1.2.4): kept as their exact encoding plus the decoded RDNs,
// rendered as RFC 4514 strings and compared the way path building needs.
import { type Bytes, equalBytes, toHex } from '../bytes.js';
import { children, DerError, encoded, type Node, oid, sequence, string, TAG } from '../der/read.js';

/**
 * One attribute of a distinguished name, decoded.
 *
 * @example
 * ```ts
 * const cn: NameAttribute | undefined = cert.subject.rdns.flat().find((a) => a.type === '2.5.4.3');
 * ```
 * @category Low-level
 */
export interface NameAttribute {
  /** Attribute type OID, e.g. `2.5.4.3`. */
  readonly type: string;
  /** The string value, or `null` when the value is not a string type. */
  readonly value: string | null;
  /** Lower-case hex of the value's full encoding (tag, length, content). */
  readonly berHex: string;
}

// RFC 4514 §3 descriptors, plus the LDAP names of a few attributes seen in Italian certificates.
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '2.5.4.5': 'serialNumber',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
};

// RFC 4514 §2.4 escaping (the same choices as Python's cryptography, which produced the corpus truth).
function escapeValue(v: string): string {
  let s = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (s.startsWith('#') || s.startsWith(' ')) s = `\\${s}`;
  if (s.endsWith(' ') && !s.endsWith('\\ ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

// RFC 4518-ish comparison: case-insensitive, insignificant spaces removed. Enough for real names.
const prep = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function attributeEqual(a: NameAttribute, b: NameAttribute): boolean {
  if (a.type !== b.type) return false;
  if (a.value !== null && b.value !== null) return prep(a.value) === prep(b.value);
  return a.berHex === b.berHex;
}

/** Two RDNs hold the same attributes (in any order, as a SET): matched one to one. */
export function rdnEqual(a: readonly NameAttribute[], b: readonly NameAttribute[]): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((x) => {
    const j = b.findIndex((y, k) => !used[k] && attributeEqual(x, y));
    if (j === -1) return false;
    used[j] = true;
    return true;
  });
}

/**
 * A distinguished name: its exact DER and its RDNs, most significant first (as encoded), each RDN
 * a set of attributes.
 *
 * @example
 * ```ts
 * cert.issuer.toString(); // "CN=AgID CA1,OU=...,O=Agenzia per l'Italia Digitale,L=Roma,C=IT"
 * cert.issuer.equals(ca.subject); // true when ca issued cert
 * ```
 * @category Low-level
 */
export class Name {
  /** The encoded Name (a SEQUENCE of RDNs), exactly as in the certificate or CRL. */
  readonly der: Bytes;
  /** The RDNs, most significant first. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  #text: string | undefined;

  /** @internal Use the `subject`/`issuer` of a parsed certificate or CRL. */
  constructor(der: Bytes, rdns: readonly (readonly NameAttribute[])[]) {
    this.der = der;
    this.rdns = rdns;
  }

  /** @internal Decodes the Name at `node` of `b`. */
  static read(b: Uint8Array, node: Node | undefined, what: string): Name {
    const rdns = sequence(b, node, what).map((set) => {
      const atvs = sequence(b, set, `${what}: a relative distinguished name`, TAG.SET);
      if (atvs.length === 0) throw new DerError(`${what}: an empty relative distinguished name`);
      return atvs.map((atv) => {
        const [type, value, extra] = sequence(b, atv, `${what}: an attribute`);
        if (!type || !value || extra) throw new DerError(`${what}: an attribute is not a type and a value`);
        if (value.constructed) children(b, value); // validates the nested encoding
        return Object.freeze({
          type: oid(b, type),
          value: string(b, value),
          berHex: toHex(encoded(b, value)),
        });
      });
    });
    return new Name(encoded(b, node!).slice(), Object.freeze(rdns.map((r) => Object.freeze(r))));
  }

  /**
   * The RFC 4514 string: least significant RDN first, `,` between RDNs, `+` inside a multi-valued
   * RDN. Standard attributes use their short names (`CN`, `OU`, `O`, `L`, `ST`, `C`, …); unknown
   * ones the dotted OID and `#` + hex of the value's encoding.
   */
  toString(): string {
    if (this.#text === undefined) {
      this.#text = [...this.rdns]
        .reverse()
        .map((rdn) =>
          rdn
            .map((a) => {
              const short = SHORT_NAMES[a.type];
              if (short !== undefined && a.value !== null) return `${short}=${escapeValue(a.value)}`;
              return `${short ?? a.type}=#${a.berHex}`;
            })
            .join('+'),
        )
        .join(',');
    }
    return this.#text;
  }

  /** Same name: identical encoding, or the same RDNs compared case- and space-insensitively. */
  equals(other: Name): boolean {
    if (equalBytes(this.der, other.der)) return true;
    return this.rdns.length === other.rdns.length && this.rdns.every((r, i) => rdnEqual(r, other.rdns[i]!));
  }
}
