// The bounded caches of pec-kit (decoded certificates and CMS certificate fields, OIDs, chain
// verdicts, provider names…) are Maps used as LRU lists: a Map iterates in insertion order, so the
// first key is the least recently set.

/**
 * Sets `key` to `value` as the most recent entry of `map`, then drops the least recent entries
 * beyond `max`. A cache hit that should count as recent is set again with this.
 *
 * @example
 * ```ts
 * const memo = new Map<string, number>();
 * setRecent(memo, 'a', 1, 256);
 * ```
 * @internal
 */
export function setRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key); // an existing key moves to the recent end
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}
