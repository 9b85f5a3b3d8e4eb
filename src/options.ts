// Strict option objects: a misspelled key (`trustAnchors` for `trust`) must not silently leave the
// default in force, so every public option object is checked against the keys it knows.
import { describe } from './bytes.js';
import { invalidArgument } from './errors.js';

/** Edit distance, capped: only near misses matter for a suggestion. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The known key an unknown one was probably meant to be: same letters in another case, two edits
 * away, or one containing the other (`trustAnchors` → `trust`, `crl` → `crls`).
 */
export function nearestKey(key: string, known: readonly string[]): string | null {
  const k = key.toLowerCase();
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    let score = distance(k, c);
    if (score > 2 && c.length >= 3 && (k.startsWith(c) || k.endsWith(c) || c.startsWith(k))) score = 2.5;
    if (score <= 2.5 && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Refuses anything but a plain object whose keys are all in `known`: a coded TypeError
 * (INVALID_ARGUMENT) naming the unknown key and, for a near miss, the key it was probably meant to be.
 * `undefined` and `null` stand for "no options".
 *
 * @internal
 * @example
 * ```ts
 * checkOptions({ trustAnchors: [] }, 'verifyPec options', ['trust', 'crls']);
 * // TypeError INVALID_ARGUMENT: verifyPec options: unknown option "trustAnchors" (did you mean "trust"?)
 * ```
 */
export function checkOptions(given: unknown, what: string, known: readonly string[]): void {
  if (given === undefined || given === null) return;
  if (typeof given !== 'object' || Array.isArray(given))
    throw invalidArgument(`${what} must be an object, got ${describe(given)}`);
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const hint = nearestKey(key, known);
    throw invalidArgument(
      `${what}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; known options: ${known.join(', ')}`,
      { option: key, suggestion: hint, known: [...known] },
    );
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads a check instant as the API and the CLI accept it: `'signing-time'`, `'now'`, a valid `Date`,
 * or an ISO-8601 string (`2024-05-01`, `2024-05-01T10:00:00Z`, `2024-05-01T12:00:00+02:00`).
 *
 * @internal
 * @example
 * ```ts
 * parseInstant('2024-05-01T10:00:00Z', 'at'); // Date
 * parseInstant('now', 'at'); // 'now'
 * ```
 */
export function parseInstant(value: unknown, name: string): 'signing-time' | 'now' | Date {
  if (value === undefined || value === 'signing-time') return 'signing-time';
  if (value === 'now') return 'now';
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string' && ISO_INSTANT.test(value.trim())) {
    const d = new Date(value.trim());
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw invalidArgument(
    `${name} must be 'signing-time', 'now', a valid Date or an ISO-8601 instant, got ${
      typeof value === 'string' ? JSON.stringify(value) : describe(value)
    }`,
  );
}

/**
 * The key list of an option type, checked by the compiler both ways: a key the type lacks, or a key
 * of the type left out, is a type error, so the runtime check cannot drift from the interface.
 *
 * @internal
 * @example
 * ```ts
 * const KEYS = optionKeys<{ limits?: object }>({ limits: true });
 * ```
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}
