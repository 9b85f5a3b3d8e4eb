// DER surgery for tests: a value read into a mutable tree, changed in one place, written back,
// optionally with a BER form (indefinite or padded lengths) at chosen nodes. Used to derive
// malformed certificates, CRLs and CMS from valid ones, one broken rule each.
import { concat } from '../../src/bytes.js';
import { children, readRoot } from '../../src/der/read.js';

/** One TLV: constructed (kids) or primitive (val); `indef` / `padLength` choose a BER length form. */
export interface Tree {
  tag: number;
  kids?: Tree[];
  val?: Uint8Array;
  /** Write this value with an indefinite length (constructed only). */
  indef?: boolean;
  /** Extra leading zero length octets (long form even for a short length). */
  padLength?: number;
  /** Raw bytes written instead of the value (e.g. `00 00` where it does not belong). */
  raw?: Uint8Array;
}

/** Reads `der` (one value, definite lengths) into a tree. */
export function parseTree(der: Uint8Array): Tree {
  const read = (n: ReturnType<typeof readRoot>): Tree => {
    if (n.number >= 31) throw new Error('high tag numbers are not handled by this helper');
    if (n.constructed) return { tag: n.tag, kids: children(der, n).map(read) };
    return { tag: n.tag, val: der.slice(n.valueStart, n.valueEnd) };
  };
  return read(readRoot(der));
}

function lengthOctets(length: number, pad: number): number[] {
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (pad === 0 && length < 0x80) return [length];
  for (let i = 0; i < pad; i++) bytes.unshift(0);
  if (bytes.length === 0) bytes.push(0);
  return [0x80 | bytes.length, ...bytes];
}

/** Writes the tree back (DER unless a node asks for a BER form). */
export function writeTree(t: Tree): Uint8Array {
  if (t.raw) return t.raw;
  const body = t.kids ? concat(t.kids.map(writeTree)) : (t.val ?? new Uint8Array(0));
  if (t.indef) return concat([new Uint8Array([t.tag, 0x80]), body, new Uint8Array([0, 0])]);
  return concat([new Uint8Array([t.tag, ...lengthOctets(body.length, t.padLength ?? 0)]), body]);
}

/** A deep copy. */
export function cloneTree(t: Tree): Tree {
  return {
    ...t,
    kids: t.kids?.map(cloneTree),
    val: t.val?.slice(),
    raw: t.raw?.slice(),
  };
}

/** The node at `path` (child indexes from the root). */
export function at(t: Tree, ...path: number[]): Tree {
  let n = t;
  for (const i of path) {
    const next = n.kids?.[i];
    if (!next) throw new Error(`no child ${i} on the path ${path.join('.')}`);
    n = next;
  }
  return n;
}

/** The first node (depth first) for which `pick` is true. */
export function find(t: Tree, pick: (n: Tree) => boolean): Tree | undefined {
  if (pick(t)) return t;
  for (const k of t.kids ?? []) {
    const f = find(k, pick);
    if (f) return f;
  }
  return undefined;
}

/** A primitive node. */
export const prim = (tag: number, ...bytes: number[]): Tree => ({ tag, val: new Uint8Array(bytes) });

/** The tree of an OID's content bytes, for matching: e.g. hasOid(n, '551d13'). */
export const oidHex = (n: Tree): string =>
  n.tag === 0x06 && n.val ? Buffer.from(n.val).toString('hex') : '';

/** An Extension node whose extnID content is `hex` (e.g. '551d13' for basicConstraints). */
export function extension(root: Tree, hex: string): Tree {
  const e = find(root, (n) => n.tag === 0x30 && n.kids?.[0] !== undefined && oidHex(n.kids[0]) === hex);
  if (!e) throw new Error(`no extension ${hex}`);
  return e;
}

/** The extnValue of `ext` parsed as a tree, and a function writing a changed tree back into it. */
export function extensionValue(ext: Tree): { value: Tree; store: () => void } {
  const holder = ext.kids![ext.kids!.length - 1]!;
  const value = parseTree(holder.val!);
  return {
    value,
    store: () => {
      holder.val = writeTree(value);
    },
  };
}
