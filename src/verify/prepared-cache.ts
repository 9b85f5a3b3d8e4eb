// The plain call's memory: `verifyPec(bytes)` and `verifyPec(bytes, sameOptions)` reuse the options
// they prepared (decoded anchors and CRLs, resolved limits and crypto) instead of preparing them per
// message, so the README's loop runs as fast as `createVerifier`.
//
// Why a snapshot and not just identity: an options object may be changed between calls
// (`options.at = 'now'`). Each entry remembers the option values it was prepared from (references,
// list items, limit values, Date instants) and is reused only while they are the same, so a change
// takes effect on the next call; a new object with the same values (`verifyPec(b, { trust })`
// rebuilt per call) finds its entry in a short most-recently-used list. Bytes changed in place inside a DER trust item are not seen: the
// same Uint8Array is taken to hold the same certificate, as `createVerifier` does.
//
// Why `now` is not cached: without `options.now` the clock is read on every call (the prepared
// value is copied with a fresh `now`), so a long-lived process does not judge 'now' at the instant
// of its first message.
import type { VerifyOptions } from './verify.js';

/** What the cache needs of a prepared verifier: the clock it judges 'now' with. */
interface HasNow {
  now: Date;
}

/** The option values an entry was prepared from, compared on every reuse. */
type Snapshot = readonly unknown[];

interface Entry<P> {
  snapshot: Snapshot;
  prepared: P;
}

/** Most distinct option sets kept (a process uses a handful; the bound keeps a misuse flat). */
export const PREPARED_CACHE_MAX = 32;

let byIdentity = new WeakMap<object, Entry<unknown>>();
// Least recently used first: for options rebuilt per call (`verifyPec(b, { trust })`).
const recent: Entry<unknown>[] = [];

// Items, not the array: a list rebuilt per call with the same items is the same option.
function listItems(list: unknown): unknown[] {
  return Array.isArray(list) ? ['list', list.length, ...list] : [list];
}

function limitValues(limits: unknown): unknown[] {
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) return [limits];
  const keys = Object.keys(limits).sort();
  return [keys.length, ...keys.flatMap((k) => [k, (limits as Record<string, unknown>)[k]])];
}

const instant = (d: unknown): unknown => (d instanceof Date ? `date:${d.getTime()}` : d);

// One reader per option: the mapped type makes the compiler refuse a VerifyOptions key that is
// not part of the snapshot (an option left out would let two different policies share an entry).
const SNAPSHOT: { [K in keyof Required<VerifyOptions>]: (v: VerifyOptions[K]) => unknown[] } = {
  trust: listItems,
  crls: listItems,
  at: (v) => [instant(v)],
  now: (v) => [instant(v)],
  crypto: (v) => [v],
  limits: limitValues,
  minRsaBits: (v) => [v],
  legacyKeysUntil: (v) => [instant(v)],
  maxClockSkew: (v) => [v],
};
const SNAPSHOT_KEYS = Object.keys(SNAPSHOT) as (keyof VerifyOptions)[];

// Built on every call: a plain loop, and an absent option (every reader gives [undefined] for it)
// without calling its reader, so `verifyPec(bytes)` does not allocate a list per option.
function snapshotOf(o: VerifyOptions): Snapshot {
  const out: unknown[] = [];
  for (const k of SNAPSHOT_KEYS) {
    out.push('|');
    const v = o[k];
    if (v === undefined) out.push(undefined);
    else for (const x of (SNAPSHOT[k] as (v: unknown) => unknown[])(v)) out.push(x);
  }
  return out;
}

function same(a: Snapshot, b: Snapshot): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function remember<P>(entry: Entry<P>): void {
  if (recent[recent.length - 1] === entry) return; // already the most recent: the loop's case
  const at = recent.indexOf(entry as Entry<unknown>);
  if (at !== -1) recent.splice(at, 1);
  recent.push(entry as Entry<unknown>);
  if (recent.length > PREPARED_CACHE_MAX) recent.shift();
}

/**
 * The prepared form of `options`, from the cache when the same option values were prepared before,
 * else from `prepare` (which throws for bad options; nothing is cached then). A result for options
 * without `now` carries the current time.
 *
 * @example
 * ```ts
 * // verifyPec does: verifyPrepared(raw, preparedFor(options, prepare))
 * const prepared = preparedFor({ at: 'now' }, (o) => ({ now: o.now ?? new Date(), at: o.at }));
 * ```
 */
export function preparedFor<P extends HasNow>(options: VerifyOptions, prepare: (o: VerifyOptions) => P): P {
  // Not an object: let prepare throw its coded error.
  if (typeof options !== 'object' || options === null) return prepare(options);
  const snapshot = snapshotOf(options);
  let entry = byIdentity.get(options) as Entry<P> | undefined;
  if (!entry || !same(entry.snapshot, snapshot)) {
    entry = (recent as Entry<P>[]).find((e) => same(e.snapshot, snapshot));
    if (!entry) entry = { snapshot, prepared: prepare(options) };
    byIdentity.set(options, entry);
  }
  remember(entry);
  return options.now === undefined ? { ...entry.prepared, now: new Date() } : entry.prepared;
}

/**
 * Forgets every prepared option set (tests; a process that wants the memory back).
 *
 * @example
 * ```ts
 * clearPreparedCache();
 * ```
 */
export function clearPreparedCache(): void {
  recent.length = 0;
  byIdentity = new WeakMap();
}

/**
 * How many option sets are kept (at most {@link PREPARED_CACHE_MAX}).
 *
 * @example
 * ```ts
 * preparedCacheSize(); // 1 after any number of verifyPec(bytes) calls
 * ```
 */
export function preparedCacheSize(): number {
  return recent.length;
}
