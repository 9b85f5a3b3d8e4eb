// Certificate and CRL extensions (RFC 5280 §4.2, §5.2): the list as encoded, and decoders for the
// ones the PEC trust policy reads. Decoding is strict: a recognised extension that does not decode
// makes the whole certificate malformed, so nothing downstream sees half-read values.
import { type Bytes, latin1, toHex } from '../bytes.js';
import {
  bitString,
  bool,
  children,
  content,
  DerError,
  encoded,
  expect,
  type Node,
  oid,
  readRoot,
  sequence,
  smallInt,
  TAG,
} from '../der/read.js';
import { Name } from './name.js';

/**
 * One extension, as encoded.
 *
 * @example
 * ```ts
 * const ku: Extension | undefined = cert.extensions.find((e) => e.oid === '2.5.29.15');
 * ku?.critical; // true
 * ```
 * @category Low-level
 */
export interface Extension {
  /** Dotted OID (extnID). */
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue content: the encoded extension value. */
  readonly value: Bytes;
}

/**
 * A GeneralName (RFC 5280 §4.2.1.6), by its CHOICE alternative.
 *
 * @example
 * ```ts
 * const emails = cert.subjectAltNames.flatMap((n) => (n.type === 'rfc822Name' ? [n.value] : []));
 * ```
 * @category Low-level
 */
export type GeneralName =
  | { readonly type: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; readonly value: string }
  | { readonly type: 'iPAddress'; readonly value: Uint8Array }
  | { readonly type: 'directoryName'; readonly value: Name }
  | {
      readonly type: 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID';
      /** The alternative's whole encoding. */
      readonly value: Uint8Array;
    };

/**
 * The nameConstraints extension: permitted and excluded subtrees (their `base` names).
 *
 * @example
 * ```ts
 * ca.nameConstraints?.permitted.filter((n) => n.type === 'rfc822Name').map((n) => n.value);
 * ```
 * @category Low-level
 */
export interface NameConstraints {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
}

/**
 * The basicConstraints extension.
 *
 * @example
 * ```ts
 * ca.basicConstraints; // { cA: true, pathLen: 0 }
 * ```
 * @category Low-level
 */
export interface BasicConstraints {
  readonly cA: boolean;
  /** pathLenConstraint, absent when unlimited. */
  readonly pathLen?: number;
}

/** OIDs of the extensions pec-kit reads. */
export const EXT = Object.freeze({
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  crlDistributionPoints: '2.5.29.31',
});

/** @internal Reads `SEQUENCE OF Extension`; a repeated extension is an error (RFC 5280 §4.2). */
export function readExtensions(b: Uint8Array, node: Node | undefined, what: string): Extension[] {
  const out: Extension[] = [];
  const seen = new Set<string>();
  for (const e of sequence(b, node, what)) {
    const parts = sequence(b, e, `${what}: an extension`);
    const id = oid(b, expect(parts[0], TAG.OID, `${what}: extnID`));
    let i = 1;
    let critical = false;
    if (parts[i]?.tag === TAG.BOOLEAN) critical = bool(b, parts[i++]!);
    const value = expect(parts[i++], TAG.OCTET_STRING, `${what}: extnValue of ${id}`);
    if (parts.length !== i) throw new DerError(`${what}: extension ${id} has extra fields`);
    if (seen.has(id)) throw new DerError(`${what}: extension ${id} appears twice`);
    seen.add(id);
    out.push(Object.freeze({ oid: id, critical, value: content(b, value).slice() }));
  }
  return out;
}

/** @internal The GeneralName alternatives, by their context tag number. */
export const GENERAL_NAME_TYPES = [
  'otherName',
  'rfc822Name',
  'dNSName',
  'x400Address',
  'directoryName',
  'ediPartyName',
  'uniformResourceIdentifier',
  'iPAddress',
  'registeredID',
] as const;

/** @internal One GeneralName (context-tagged CHOICE). */
export function readGeneralName(b: Uint8Array, node: Node): GeneralName {
  if ((node.tag & 0xc0) !== 0x80 || node.number > 8)
    throw new DerError(`not a GeneralName at offset ${node.start}`);
  const type = GENERAL_NAME_TYPES[node.number]!;
  switch (type) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      if (node.constructed) throw new DerError(`${type} must be primitive`);
      return { type, value: latin1(b, node.valueStart, node.valueEnd) };
    case 'iPAddress':
      if (node.constructed) throw new DerError('iPAddress must be primitive');
      return { type, value: content(b, node).slice() };
    case 'directoryName': {
      const [name, extra] = children(b, node);
      if (!name || extra) throw new DerError('directoryName holds one Name');
      return { type, value: Name.read(b, name, 'directoryName') };
    }
    default:
      if (node.constructed) children(b, node);
      return { type, value: encoded(b, node).slice() };
  }
}

/** @internal `GeneralNames ::= SEQUENCE OF GeneralName`. */
export function readGeneralNames(b: Uint8Array, node: Node | undefined, what: string): GeneralName[] {
  return sequence(b, node, what).map((n) => readGeneralName(b, n));
}

/** The decoded values of the extensions the trust policy reads. */
export interface DecodedExtensions {
  keyUsage: number | null;
  extKeyUsage: string[] | null;
  basicConstraints: BasicConstraints | null;
  subjectKeyIdentifier: Uint8Array | null;
  authorityKeyIdentifier: Uint8Array | null;
  subjectAltNames: GeneralName[];
  nameConstraints: NameConstraints | null;
  policies: string[];
  crlDistributionPoints: string[][];
}

/**
 * @internal The names of a `[0] DistributionPointName` (fullName GeneralNames, or the
 * nameRelativeToCRLIssuer), each as hex of its encoding: comparable between a certificate's
 * cRLDistributionPoints and a CRL's issuingDistributionPoint.
 */
export function distributionPointNames(b: Uint8Array, wrapper: Node): string[] {
  const [choice, extra] = children(b, wrapper);
  if (!choice || extra) throw new DerError('a DistributionPointName holds one name');
  if (choice.tag === 0xa0) return children(b, choice).map((n) => toHex(encoded(b, n)));
  return [toHex(encoded(b, choice))];
}

function subtrees(b: Uint8Array, node: Node): GeneralName[] {
  // GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }.
  // RFC 5280 §4.2.1.10: minimum MUST be zero and maximum MUST be absent; a subtree that says
  // otherwise would mean something pec-kit does not check, so it is refused.
  const list = children(b, node).map((s) => {
    const [base, ...rest] = sequence(b, s, 'a GeneralSubtree');
    if (!base) throw new DerError('a GeneralSubtree has no base');
    for (const r of rest) {
      const zero = r.tag === 0x80 && r.valueEnd - r.valueStart === 1 && b[r.valueStart] === 0;
      if (!zero) throw new DerError('a GeneralSubtree with a minimum or maximum is not supported');
    }
    return readGeneralName(b, base);
  });
  if (list.length === 0) throw new DerError('an empty list of name-constraint subtrees');
  return list;
}

type Decoder = (b: Uint8Array, root: Node, into: DecodedExtensions) => void;

// The decoders, by extension OID: each reads the extnValue's single root value.
const DECODERS: Readonly<Record<string, Decoder>> = {
  [EXT.keyUsage]: (b, root, into) => {
    const bits = bitString(b, root);
    // Only the named bits count: padding bits of a one-byte string (set in BER, never in DER)
    // must not grant a usage.
    const mask = bits.bytes.length === 1 ? (0xff << bits.unused) & 0xff : 0xff;
    into.keyUsage = (bits.bytes[0] ?? 0) & mask;
  },
  [EXT.extKeyUsage]: (b, root, into) => {
    into.extKeyUsage = sequence(b, root, 'extKeyUsage').map((n) => oid(b, n));
  },
  [EXT.basicConstraints]: (b, root, into) => {
    const parts = sequence(b, root, 'basicConstraints');
    let i = 0;
    let cA = false;
    if (parts[i]?.tag === TAG.BOOLEAN) cA = bool(b, parts[i++]!);
    const pathLen = parts[i] ? smallInt(b, parts[i++]!) : undefined;
    if (parts.length !== i) throw new DerError('basicConstraints has extra fields');
    into.basicConstraints = pathLen === undefined ? { cA } : { cA, pathLen };
  },
  [EXT.subjectKeyIdentifier]: (b, root, into) => {
    into.subjectKeyIdentifier = content(b, expect(root, TAG.OCTET_STRING, 'subjectKeyIdentifier')).slice();
  },
  [EXT.authorityKeyIdentifier]: (b, root, into) => {
    const keyId = sequence(b, root, 'authorityKeyIdentifier').find((n) => n.tag === 0x80);
    into.authorityKeyIdentifier = keyId ? content(b, keyId).slice() : null;
  },
  [EXT.subjectAltName]: (b, root, into) => {
    into.subjectAltNames = readGeneralNames(b, root, 'subjectAltName');
  },
  [EXT.nameConstraints]: (b, root, into) => {
    const nc = { permitted: [] as GeneralName[], excluded: [] as GeneralName[] };
    const parts = sequence(b, root, 'nameConstraints');
    let i = 0;
    // permittedSubtrees [0] then excludedSubtrees [1], each at most once, at least one present.
    if (parts[i]?.tag === 0xa0) nc.permitted = subtrees(b, parts[i++]!);
    if (parts[i]?.tag === 0xa1) nc.excluded = subtrees(b, parts[i++]!);
    if (i !== parts.length || i === 0) throw new DerError('nameConstraints is not [0] and/or [1], once each');
    into.nameConstraints = nc;
  },
  [EXT.crlDistributionPoints]: (b, root, into) => {
    // DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, ... }:
    // the encoded DistributionPointName of each, for matching a CRL's issuingDistributionPoint.
    into.crlDistributionPoints = sequence(b, root, 'cRLDistributionPoints').flatMap((dp) => {
      const name = sequence(b, dp, 'a DistributionPoint').find((n) => n.tag === 0xa0);
      return name ? [distributionPointNames(b, name)] : [];
    });
  },
  [EXT.certificatePolicies]: (b, root, into) => {
    into.policies = sequence(b, root, 'certificatePolicies').map((p) => {
      const [id] = sequence(b, p, 'a PolicyInformation');
      return oid(b, expect(id, TAG.OID, 'policyIdentifier'));
    });
  },
};

/** @internal Decodes the recognised extensions; throws DerError when one does not decode. */
export function decodeExtensions(extensions: readonly Extension[]): DecodedExtensions {
  const out: DecodedExtensions = {
    keyUsage: null,
    extKeyUsage: null,
    basicConstraints: null,
    subjectKeyIdentifier: null,
    authorityKeyIdentifier: null,
    subjectAltNames: [],
    nameConstraints: null,
    policies: [],
    crlDistributionPoints: [],
  };
  for (const e of extensions) {
    const decode = DECODERS[e.oid];
    if (!decode) continue;
    try {
      decode(e.value, readRoot(e.value), out);
    } catch (err) {
      throw new DerError(`extension ${e.oid} cannot be decoded: ${(err as Error).message}`);
    }
  }
  return out;
}
