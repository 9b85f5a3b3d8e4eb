// Path building: the candidate issuers of each certificate (name, key identifier, signature
// checked with WebCrypto), the search for every path from the signer to an anchor, the work bounds
// (issuer candidates, signature checks, unsafe keys, search steps) and the caches that let a batch
// of messages from the same providers skip work (signature verdicts, input fingerprints, verdicts).
// Kept apart from the policy (policy.ts) and CRLs (revocation.ts): this part decides which paths
// exist, those decide what each path is worth.
import { toHex } from '../bytes.js';
import { setRecent } from '../lru.js';
import type { Certificate } from '../x509/certificate.js';
import type { Crl } from '../x509/crl.js';
import { rsaKeyProblem, verifySignature } from '../x509/signature.js';
import { fingerprint } from './certificates.js';
import { type ChainIssue, chainIssue } from './issues.js';
import { type Evaluation, evaluate, type Policy } from './policy.js';
import { type CrlFacts, crlFacts, KU_CRL_SIGN } from './revocation.js';

const keyIdHex = (id: Uint8Array | null): string | null => (id ? toHex(id) : null);

/** A certificate of the input, with the facts the search compares. */
export interface Node {
  readonly cert: Certificate;
  readonly fp: string;
  readonly anchor: boolean;
  readonly subject: string;
  readonly ski: string | null;
}

/** What the cache keeps: the verdict without the certificate objects, the check instant or the e-mail check. */
export interface Core {
  readonly found: boolean;
  readonly anchor: string | null;
  readonly path: readonly string[];
  readonly issues: readonly ChainIssue[];
  readonly windows: readonly (readonly [number, number])[];
  readonly revocations: readonly number[];
}

// Issuer-signature verdicts, shared by every validation (nested messages of one verifyPec call,
// every call of a createVerifier batch): keyed by the fingerprints of the signed object and of the
// issuer, bounded. A verdict on content is the same whatever the context.
const SIG_MEMO_MAX = 4096;
const sigMemo = new Map<string, Promise<boolean>>();

/**
 * Per-call state: the candidate issuers as nodes, the CRLs, the policy, memoised issuer lists and
 * CRL checks, and the work budget with the bounds that were hit.
 */
export class Context {
  private readonly crlMemo = new Map<string, Promise<string | null>>();
  readonly issuerMemo = new Map<Node, Promise<Node[]>>();
  /** Distinct (signed, issuer) pairs asked for, memoised or not: the work budget. */
  private readonly asked = new Set<string>();
  /** The bounds that were hit, as issues (each message once). */
  readonly limitIssues = new Map<string, ChainIssue>();
  /** Candidate issuers whose keys were refused before any check. */
  private readonly refusedKeys = new Map<string, string | null>();

  constructor(
    readonly crypto: Crypto,
    readonly cryptoId: number,
    readonly at: number,
    readonly candidates: readonly Node[],
    readonly crls: readonly CrlFacts[],
    readonly policy: Policy,
  ) {}

  /** Records a bound that was hit: the chain is not trusted, whatever path is found. */
  limit(code: 'CHAIN_WORK_LIMIT' | 'CHAIN_KEY_UNSAFE', message: string): void {
    if (!this.limitIssues.has(message)) this.limitIssues.set(message, chainIssue(code, message));
  }

  /** Why `issuer`'s key is not used to check anything, or null (memoised per call). */
  private keyProblem(issuer: Node): string | null {
    let problem = this.refusedKeys.get(issuer.fp);
    if (problem === undefined) {
      const alg = issuer.cert.publicKey.algorithm.oid;
      problem =
        alg === '1.2.840.113549.1.1.1' || alg === '1.2.840.113549.1.1.10'
          ? rsaKeyProblem(issuer.cert.publicKey, this.policy.maxRsaModulusBits)
          : null;
      this.refusedKeys.set(issuer.fp, problem);
      if (problem)
        this.limit('CHAIN_KEY_UNSAFE', `${issuer.subject}: ${problem}; its signatures were not checked`);
    }
    return problem;
  }

  /** The issuer's signature on a certificate or CRL verifies with `issuer`'s key (memoised, budgeted). */
  private signedBy(signed: Certificate | Crl, signedFp: string, issuer: Node): Promise<boolean> {
    const pair = `${signedFp}>${issuer.fp}`;
    if (!this.asked.has(pair)) {
      if (this.asked.size >= this.policy.maxSignatureChecks) {
        this.limit(
          'CHAIN_WORK_LIMIT',
          `validating the chain needs more than ${this.policy.maxSignatureChecks} issuer-signature checks (limits.maxSignatureChecks)`,
        );
        return Promise.resolve(false);
      }
      this.asked.add(pair);
    }
    if (this.keyProblem(issuer)) return Promise.resolve(false);
    const key = `${this.cryptoId}|${pair}`;
    let p = sigMemo.get(key);
    if (p)
      sigMemo.delete(key); // LRU: move to the end
    else {
      // An algorithm WebCrypto cannot check is no evidence of issuance: false, not an error.
      p = verifySignature(
        this.crypto,
        issuer.cert.publicKey,
        signed.signatureAlgorithm,
        signed.signatureValue,
        signed.tbs,
      ).catch(() => false);
    }
    setRecent(sigMemo, key, p, SIG_MEMO_MAX);
    return p;
  }

  /** Signature of `cert` verifies with `issuer`'s key. */
  verifies(cert: Node, issuer: Node): Promise<boolean> {
    return this.signedBy(cert.cert, cert.fp, issuer);
  }

  /** Null when `crl` is usable with `issuer`, else the reason it is not. */
  crlProblem(crl: CrlFacts, issuer: Node): Promise<string | null> {
    const key = `${crl.fp}>${issuer.fp}`;
    let p = this.crlMemo.get(key);
    if (!p) {
      p = (async () => {
        if (crl.unsupported) return crl.unsupported;
        const ku = issuer.cert.keyUsage;
        if (ku !== null && (ku & KU_CRL_SIGN) === 0)
          return `its issuer ${issuer.subject} may not sign CRLs (no cRLSign)`;
        const ok = await this.signedBy(crl.crl, crl.fp, issuer);
        return ok ? null : `its signature does not verify with ${issuer.subject}`;
      })();
      this.crlMemo.set(key, p);
    }
    return p;
  }

  /**
   * Possible issuers of `node`: name match, key-identifier match when both are present, signature.
   * More name matches than `maxIssuerCandidates` is a hostile bag (31 CAs of one name): none is tried.
   */
  issuers(node: Node): Promise<Node[]> {
    let p = this.issuerMemo.get(node);
    if (!p) {
      p = (async () => {
        const aki = keyIdHex(node.cert.authorityKeyIdentifier);
        const named = this.candidates.filter(
          (c) =>
            c.fp !== node.fp &&
            c.cert.subject.equals(node.cert.issuer) &&
            !(aki !== null && c.ski !== null && aki !== c.ski),
        );
        if (named.length > this.policy.maxIssuerCandidates) {
          this.limit(
            'CHAIN_WORK_LIMIT',
            `${named.length} certificates could be the issuer of ${node.subject} (limits.maxIssuerCandidates is ${this.policy.maxIssuerCandidates}); none was tried`,
          );
          return [];
        }
        const out: Node[] = [];
        for (const c of named) if (await this.verifies(node, c)) out.push(c);
        return out;
      })();
      this.issuerMemo.set(node, p);
    }
    return p;
  }
}

// ---------------------------------------------------------------------------------------------
// Memoised facts per decoded object (immutable once parsed)

const fpMemo = new WeakMap<object, Promise<string>>();
function fpOf(obj: Certificate | Crl, crypto: Crypto): Promise<string> {
  let p = fpMemo.get(obj);
  if (!p) {
    p = fingerprint(obj, 'SHA-256', crypto);
    fpMemo.set(obj, p);
    p.catch(() => fpMemo.delete(obj));
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Path search

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;
const countOf = (e: Evaluation, s: 'error' | 'warning'): number =>
  e.issues.filter((i) => i.severity === s).length;

const MAX_PATHS = 16;
const MAX_STEPS = 512;

async function computeCore(
  ctx: Context,
  signer: Node,
  maxChainLength: number,
  anchorCount: number,
): Promise<Core> {
  const paths: Node[][] = [];
  let tooLong = false;
  let steps = 0;
  let longest: Node[] = [signer];
  const walk = async (path: Node[]): Promise<void> => {
    if (paths.length >= MAX_PATHS) return;
    if (++steps > MAX_STEPS) {
      ctx.limit(
        'CHAIN_WORK_LIMIT',
        `the path search from ${signer.subject} took more than ${MAX_STEPS} steps`,
      );
      return;
    }
    if (path.length > longest.length) longest = path;
    const end = path[path.length - 1]!;
    if (end.anchor) {
      paths.push(path);
      return;
    }
    if (path.length >= maxChainLength) {
      tooLong = true;
      return;
    }
    for (const next of await ctx.issuers(end)) if (!path.includes(next)) await walk([...path, next]);
  };
  await walk([signer]);

  if (paths.length === 0) {
    const issue = tooLong
      ? chainIssue(
          'CHAIN_TOO_LONG',
          `every path from ${signer.subject} to a trust anchor is longer than ${maxChainLength} certificates`,
        )
      : chainIssue(
          'CHAIN_UNTRUSTED',
          anchorCount === 0
            ? 'no trust anchors were given'
            : `no path from ${signer.subject} to any of the ${anchorCount} trust anchor(s); last issuer not found: ${longest[longest.length - 1]!.cert.issuer}`,
        );
    return {
      found: false,
      anchor: null,
      path: longest.map((n) => n.subject),
      issues: [...ctx.limitIssues.values(), issue],
      windows: [],
      revocations: [],
    };
  }

  // Policy on every candidate path; keep the one with the fewest errors, then warnings, then certificates.
  const evaluations: Evaluation[] = [];
  for (const p of paths) evaluations.push(await evaluate(ctx, p));
  evaluations.sort(
    (a, b) =>
      countOf(a, 'error') - countOf(b, 'error') ||
      countOf(a, 'warning') - countOf(b, 'warning') ||
      a.nodes.length - b.nodes.length,
  );
  const best = evaluations[0]!;
  const issues = [...ctx.limitIssues.values(), ...best.issues];
  issues.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return {
    found: true,
    anchor: best.nodes[best.nodes.length - 1]!.subject,
    path: best.nodes.map((n) => n.subject),
    issues,
    windows: best.windows,
    revocations: best.revocations,
  };
}

/** What one validation asks for: the inputs as given, the check instant and the policy. */
export interface PathQuery {
  readonly crypto: Crypto;
  readonly cryptoId: number;
  readonly at: number;
  readonly policy: Policy;
  readonly maxChainLength: number;
  readonly signer: Certificate;
  readonly certificates: readonly Certificate[];
  readonly anchors: readonly Certificate[];
}

/**
 * The path verdict for one set of inputs: the nodes (anchors first, each list in fingerprint
 * order), the per-call context, and the search.
 */
export function buildCore(query: PathQuery, inputs: Inputs): Promise<Core> {
  const { crypto, cryptoId, at, policy, maxChainLength, signer, certificates, anchors } = query;
  const { signerFp, certFps, anchorFps, crlList } = inputs;
  const nodes = new Map<string, Node>();
  const node = (cert: Certificate, fp: string, anchor: boolean): Node => {
    const known = nodes.get(fp);
    if (known) return known;
    const n: Node = {
      cert,
      fp,
      anchor,
      subject: cert.subject.toString(),
      ski: keyIdHex(cert.subjectKeyIdentifier),
    };
    nodes.set(fp, n);
    return n;
  };
  // Anchors first, each list in fingerprint order: deterministic paths whatever the input order.
  const byFp = <T>(items: readonly T[], fps: string[]): [T, string][] =>
    items.map((c, i) => [c, fps[i]!] as [T, string]).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  for (const [c, fp] of byFp(anchors, anchorFps)) node(c, fp, true);
  for (const [c, fp] of byFp(certificates, certFps)) node(c, fp, false);
  const signerNode = node(signer, signerFp, false);
  const candidates = [...nodes.values()].filter((n) => n !== signerNode || n.anchor);
  const ctx = new Context(crypto, cryptoId, at, candidates, crlList, policy);
  return computeCore(ctx, signerNode, maxChainLength, new Set(anchorFps).size);
}

// ---------------------------------------------------------------------------------------------
// Cache: bounded, keyed by content. The key holds the position of `at` among every validity and
// revocation instant of the inputs, which is exactly what the outcome depends on (a day key would
// be wrong for a certificate that expires at 15:05 on that day).

const CACHE_MAX = 256;
const cache = new Map<string, Promise<Core>>();
const cryptoIds = new WeakMap<Crypto, number>();
let nextCryptoId = 1;
const stats = { hits: 0, misses: 0 };

/** A small number per crypto implementation (resolveCrypto's platform view is one): verdicts of one are not another's. */
export function cryptoIdOf(crypto: Crypto): number {
  let id = cryptoIds.get(crypto);
  if (id === undefined) {
    id = nextCryptoId++;
    cryptoIds.set(crypto, id);
  }
  return id;
}

/** The cached verdict for `key`, computed by `compute` on a miss (LRU, at most CACHE_MAX). */
export function cachedCore(key: string, compute: () => Promise<Core>): Promise<Core> {
  let corePromise = cache.get(key);
  if (corePromise) {
    stats.hits++;
    cache.delete(key); // LRU: move to the end
  } else {
    stats.misses++;
    corePromise = compute();
    corePromise.catch(() => cache.delete(key));
  }
  setRecent(cache, key, corePromise, CACHE_MAX);
  return corePromise;
}

/**
 * Empties the chain-validation cache (e.g. after changing trust configuration in a long-lived process,
 * though the cache is keyed by content and never returns a stale verdict).
 *
 * @example
 * ```ts
 * clearChainCache();
 * ```
 */
export function clearChainCache(): void {
  cache.clear();
  sigMemo.clear();
  inputsMemo.clear();
  contentIds.clear();
  stats.hits = 0;
  stats.misses = 0;
}

/**
 * Size and hit counts of the chain-validation cache (at most 256 entries).
 *
 * @example
 * ```ts
 * const { size, hits, misses } = chainCacheStats();
 * ```
 */
export function chainCacheStats(): { size: number; hits: number; misses: number } {
  return { size: cache.size, hits: stats.hits, misses: stats.misses };
}

export function timeBucket(
  at: number,
  certLists: readonly (readonly Certificate[])[],
  crls: readonly CrlFacts[],
): string {
  let below = 0;
  let equal = false;
  const see = (t: number): void => {
    if (t < at) below++;
    else if (t === at) equal = true;
  };
  // Lists, not one joined list: the signer, its certificates and the anchors, without a copy.
  for (const certs of certLists)
    for (const c of certs) {
      see(c.notBefore.getTime());
      see(c.notAfter.getTime());
    }
  for (const c of crls) {
    see(c.thisUpdate);
    if (c.nextUpdate !== null) see(c.nextUpdate);
    for (const list of c.entries.values()) for (const e of list) see(e.date);
  }
  return `${below}${equal ? '=' : ''}`;
}

// The content part of the cache key (fingerprints of every input, sorted and de-duplicated: the
// verdict must not depend on input order or duplicates), memoised by the identity of the input
// objects. Decoded certificates are themselves cached, so a batch of receipts from one provider
// passes the same objects each time and skips the fingerprint lookups and sorting.
export interface Inputs {
  readonly signerFp: string;
  readonly certFps: string[];
  readonly anchorFps: string[];
  readonly crlList: CrlFacts[];
  readonly contentKey: string;
  /**
   * A small number standing for `contentKey` (hundreds of characters of fingerprints), so that the
   * verdict cache hashes a short key per call. The same content gets the same number while it is
   * remembered; numbers are never reused, so a forgotten content only costs a cache miss.
   */
  readonly contentId: number;
}
/** Most contents given a number (@internal; exported for the test of the bound). */
export const CONTENT_IDS_MAX = 1024;
const contentIds = new Map<string, number>();
let nextContentId = 1;
/** How many contents have a number now (at most {@link CONTENT_IDS_MAX}). @internal */
export function contentIdCount(): number {
  return contentIds.size;
}

function contentIdOf(contentKey: string): number {
  let id = contentIds.get(contentKey);
  if (id === undefined) {
    id = nextContentId++;
    setRecent(contentIds, contentKey, id, CONTENT_IDS_MAX);
  }
  return id;
}
const INPUTS_MAX = 256;
const inputsMemo = new Map<string, Promise<Inputs>>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

export function inputsOf(
  cryptoId: number,
  crypto: Crypto,
  maxChainLength: number,
  signer: Certificate,
  certificates: readonly Certificate[],
  anchors: readonly Certificate[],
  crls: readonly Crl[],
): Promise<Inputs> {
  const ids = (list: readonly object[]): string => {
    let out = '';
    for (const o of list) out += `${objectId(o)},`;
    return out;
  };
  const idKey = `${cryptoId}|${maxChainLength}|${objectId(signer)}|${ids(certificates)}|${ids(anchors)}|${ids(crls)}`;
  let p = inputsMemo.get(idKey);
  if (p) {
    inputsMemo.delete(idKey); // LRU: move to the end
  } else {
    p = (async () => {
      const [signerFp, certFps, anchorFps, crlFps] = await Promise.all([
        fpOf(signer, crypto),
        Promise.all(certificates.map((c) => fpOf(c, crypto))),
        Promise.all(anchors.map((c) => fpOf(c, crypto))),
        Promise.all(crls.map((c) => fpOf(c, crypto))),
      ]);
      const crlList: CrlFacts[] = crls.map((c, i) => ({ ...crlFacts(c), fp: crlFps[i]! }));
      const uniq = (fps: string[]): string => [...new Set(fps)].sort().join(',');
      const contentKey = [
        cryptoId,
        maxChainLength,
        signerFp,
        uniq(certFps),
        uniq(anchorFps),
        uniq(crlFps),
      ].join('|');
      return { signerFp, certFps, anchorFps, crlList, contentKey, contentId: contentIdOf(contentKey) };
    })();
    p.catch(() => inputsMemo.delete(idKey));
  }
  setRecent(inputsMemo, idKey, p, INPUTS_MAX);
  return p;
}
