// PEC identifiers: the identificativo (the PEC msgid of one transaction) and the Message-IDs of
// receipts, shaped like the ones real providers write (spec §9):
//   identificativo  opec288.20181113163926.01838.310.1.63@pec.aruba.it
//   receipt         opec296.20211214143608.25737.507.2.522.74@pec.aruba.it (one component more)
import { describe, toHex } from '../bytes.js';
import { invalidArgument, PecError } from '../errors.js';
import { assertNoControls } from '../mime/encode-header.js';
import { defaultRandom, type RandomSource } from '../mime/write.js';
import { checkOptions, optionKeys } from '../options.js';
import { italianTime } from './time.js';

const ID_KEYS = optionKeys<IdOptions>({ domain: true, at: true, random: true });

// dot-atom-text "@" dot-atom-text (RFC 5322 §3.6.4 msg-id without the brackets).
const ATEXT = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const DOT_ATOM = `${ATEXT}(?:\\.${ATEXT})*`;
const ID = new RegExp(`^${DOT_ATOM}@(?:${DOT_ATOM}|\\[[\\x21-\\x5a\\x5e-\\x7e]*\\])$`);
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * Checks an identificativo (or a Message-ID without its angle brackets): `id-left@id-right` as
 * RFC 5322 allows, so that `<id>` is a valid Message-ID. CR/LF give `MIME_HEADER_INJECTION`.
 *
 * @example
 * ```ts
 * assertIdentificativo('opec288.20181113163926.01838.310.1.63@pec.example.it'); // ok
 * assertIdentificativo('<x@y>'); // throws INVALID_ARGUMENT (no brackets here)
 * ```
 */
export function assertIdentificativo(id: unknown, what = 'identificativo'): asserts id is string {
  if (typeof id !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(id)}`);
  assertNoControls(id, what);
  if (id.length > 250 || !ID.test(id)) {
    throw new PecError(
      'BUILD_INVALID',
      `${what} ${JSON.stringify(id)} is not a valid id-left@id-right (no angle brackets, no spaces)`,
      {
        [what]: id,
      },
    );
  }
}

/** Checks a mail domain (letters, digits, hyphens, dots). */
export function assertDomain(domain: unknown, what = 'domain'): asserts domain is string {
  if (typeof domain !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(domain)}`);
  assertNoControls(domain, what);
  if (domain.length > 253 || !DOMAIN.test(domain)) {
    throw new PecError('BUILD_INVALID', `${what} ${JSON.stringify(domain)} is not a valid mail domain`, {
      [what]: domain,
    });
  }
}

/** `length` random bytes from `random` (checked), or from WebCrypto. */
export function randomBytes(random: RandomSource | undefined, length: number): Uint8Array {
  if (random === undefined) return defaultRandom(length);
  if (typeof random !== 'function')
    throw invalidArgument(`random must be a function, got ${describe(random)}`);
  const b = random(length);
  if (!(b instanceof Uint8Array) || b.length < length)
    throw invalidArgument(`random(${length}) must return ${length} bytes, got ${describe(b)}`);
  return b;
}

function randomInt(random: RandomSource | undefined, below: number): number {
  const b = randomBytes(random, 4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % below;
}

/**
 * Options of {@link makeIdentificativo} and {@link makeReceiptMessageId}.
 *
 * @example
 * ```ts
 * const options: IdOptions = { domain: 'pec.example.it', at: new Date('2025-03-14T10:30:00Z') };
 * makeIdentificativo(options); // 'opec….20250314113000.….@pec.example.it'
 * ```
 * @category Building
 */
export interface IdOptions {
  /** The provider mail domain after the `@`. */
  domain: string;
  /** The event time (its Italian local time is written in the id). Default now. */
  at?: Date;
  /** Random source; default WebCrypto. Fix it for reproducible fixtures. */
  random?: RandomSource;
}

function components(options: IdOptions, extra: number): string {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument(`options must be an object, got ${describe(options)}`);
  assertDomain(options.domain);
  const { compact } = italianTime(options.at ?? new Date());
  const r = (below: number, from = 0): number => from + randomInt(options.random, below - from);
  const tail = [r(1000, 1), r(3, 1), ...Array.from({ length: extra }, () => r(1000, 1)), r(100, 1)];
  return `opec${r(1000, 100)}.${compact}.${String(r(100000, 1000)).padStart(5, '0')}.${tail.join('.')}@${options.domain}`;
}

/**
 * A new identificativo in the shape real providers use:
 * `opec<nnn>.<yyyymmddhhmmss>.<pid>.<n>.<n>.<n>@<domain>` (Italian local time of `at`).
 *
 * @example
 * ```ts
 * makeIdentificativo({ domain: 'pec.example.it', at: new Date('2021-12-14T13:36:08Z') });
 * // 'opec296.20211214143608.11149.382.1.69@pec.example.it' (random numbers vary)
 * ```
 * @category Building
 */
export function makeIdentificativo(options: IdOptions): string {
  checkOptions(options, 'makeIdentificativo options', ID_KEYS);
  return components(options, 0);
}

/**
 * A new Message-ID for a receipt, with angle brackets, shaped like the identificativo with one
 * component more: `<opec<nnn>.<yyyymmddhhmmss>.<pid>.<n>.<n>.<n>.<n>@<domain>>`.
 *
 * @example
 * ```ts
 * makeReceiptMessageId({ domain: 'pec.example.it' }); // '<opec296.20211214143608.25737.507.2.522.74@pec.example.it>'
 * ```
 * @category Building
 */
export function makeReceiptMessageId(options: IdOptions): string {
  checkOptions(options, 'makeReceiptMessageId options', ID_KEYS);
  return `<${components(options, 1)}>`;
}

/** A Message-ID for a message that had none (anomaly envelopes): `<hex@domain>`. */
export function makeFallbackMessageId(domain: string, random?: RandomSource): string {
  assertDomain(domain);
  return `<${toHex(randomBytes(random, 16))}.pec-kit@${domain}>`;
}

/** `<id>` → `id` (tolerant of surrounding whitespace); null when absent. */
export function unbracket(id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  return id.trim().replace(/^<|>$/g, '');
}
