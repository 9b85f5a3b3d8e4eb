// src/lru.ts: the Map-as-LRU step every bounded cache uses.
import { describe, expect, it } from 'vitest';
import { setRecent } from './lru.js';

describe('setRecent', () => {
  it('keeps the most recent max entries, a re-set key counting as recent', () => {
    const m = new Map<string, number>();
    for (const k of ['a', 'b', 'c']) setRecent(m, k, k.charCodeAt(0), 3);
    setRecent(m, 'a', 0, 3); // a is now the most recent
    setRecent(m, 'd', 4, 3); // b, the least recent, goes
    expect([...m]).toEqual([
      ['c', 99],
      ['a', 0],
      ['d', 4],
    ]);
  });

  it('never holds more than max, and a re-set key does not evict another', () => {
    const m = new Map<number, number>();
    for (let i = 0; i < 100; i++) setRecent(m, i % 7, i, 5);
    expect(m.size).toBe(5);
    setRecent(m, [...m.keys()][0]!, -1, 5);
    expect(m.size).toBe(5);
  });
});
