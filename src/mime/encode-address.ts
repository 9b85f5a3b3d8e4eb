// Mailboxes for From/To/Cc/Reply-To (RFC 5322 §3.4): display names as atoms, quoted-strings or
// RFC 2047 words, and a rough addr-spec check. A display name with specials is always quoted:
// "Per conto di: a@b" unquoted would read as a group named "Per conto di".
import { describe } from '../bytes.js';
import { invalidArgument } from '../errors.js';
import { assertNoControls } from './encode-header.js';
import { encodePhrase, type HeaderTextOptions } from './encode-words.js';

/**
 * A mailbox: an addr-spec with an optional display name (any Unicode text).
 *
 * @example
 * ```ts
 * const from: Address = { name: 'Per conto di: mario@example.it', address: 'posta-certificata@pec.example.it' };
 * ```
 */
export interface Address {
  /** Display name, e.g. `Per conto di: mario.rossi@example.it`. Empty or absent: no display name. */
  name?: string | undefined;
  /** The addr-spec, `local@domain`, ASCII only (use punycode for IDN domains). */
  address: string;
}

// RFC 5322 atext, and a phrase made of atoms separated by single spaces.
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+( [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
// Rough addr-spec: dot-atom-ish local part and domain, or a domain literal without spaces.
const ADDR_SPEC =
  /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+|\[[\x21-\x5a\x5e-\x7e]+\])$/;

/**
 * Checks an addr-spec roughly: `local@domain`, ASCII, no spaces, quotes, angle brackets, commas or
 * other specials. CR/LF/NUL give `MIME_HEADER_INJECTION`, anything else wrong `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * assertAddrSpec('posta-certificata@pec.aruba.it'); // ok
 * assertAddrSpec('a@b>, evil@x'); // throws INVALID_ARGUMENT
 * ```
 */
export function assertAddrSpec(address: unknown): asserts address is string {
  if (typeof address !== 'string')
    throw invalidArgument(`address must be a string, got ${describe(address)}`);
  assertNoControls(address, 'address');
  if (address.length > 254 || !ADDR_SPEC.test(address)) {
    throw invalidArgument(
      `invalid e-mail address ${JSON.stringify(address)} (expected local@domain, ASCII, no specials)`,
      {
        address,
      },
    );
  }
}

/** Quotes `s` as an RFC 5322 quoted-string, escaping `"` and `\`. */
function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Writes a display name as an RFC 5322 phrase: as is when it is plain atoms, as a quoted-string
 * when it has specials (`:`, `@`, `,`, `.`, quotes…), as RFC 2047 words when it is not ASCII or
 * could be mistaken for an encoded-word.
 *
 * @example
 * ```ts
 * formatPhrase('Mario Rossi'); // 'Mario Rossi'
 * formatPhrase('Per conto di: a@b.it'); // '"Per conto di: a@b.it"'
 * ```
 */
export function formatPhrase(name: string, options: HeaderTextOptions = {}): string {
  if (typeof name !== 'string') throw invalidArgument(`display name must be a string, got ${describe(name)}`);
  assertNoControls(name, 'display name');
  if (/[^\x00-\x7e]/.test(name) || name.includes('=?')) return encodePhrase(name, options);
  return ATOM_PHRASE.test(name) ? name : quote(name);
}

/**
 * Writes one mailbox: `addr@dom`, or `Name <addr@dom>` with the name as {@link formatPhrase}
 * writes it. A string argument is a bare address.
 *
 * @example
 * ```ts
 * formatAddress({ name: 'Per conto di: mario@example.it', address: 'posta-certificata@pec.example.it' });
 * // '"Per conto di: mario@example.it" <posta-certificata@pec.example.it>'
 * ```
 */
export function formatAddress(addr: Address | string, options: HeaderTextOptions = {}): string {
  if (typeof addr === 'string') {
    assertAddrSpec(addr);
    return addr;
  }
  if (typeof addr !== 'object' || addr === null) {
    throw invalidArgument(`address must be a string or {name?, address}, got ${describe(addr)}`);
  }
  assertAddrSpec(addr.address);
  if (addr.name === undefined || addr.name === '') return addr.address;
  return `${formatPhrase(addr.name, options)} <${addr.address}>`;
}

/**
 * Writes a comma-separated address list for To/Cc/Reply-To. `formatHeader` folds it after commas.
 *
 * @example
 * ```ts
 * formatAddressList(['a@example.it', { name: 'Bianchi, Anna', address: 'b@example.it' }]);
 * // 'a@example.it, "Bianchi, Anna" <b@example.it>'
 * ```
 */
export function formatAddressList(
  list: ReadonlyArray<Address | string>,
  options: HeaderTextOptions = {},
): string {
  if (!Array.isArray(list)) throw invalidArgument(`address list must be an array, got ${describe(list)}`);
  if (list.length === 0) throw invalidArgument('address list is empty');
  // Only the first mailbox shares the line with the field name; the others can fold before them.
  return list.map((a, i) => formatAddress(a, i === 0 ? options : { offset: 0 })).join(', ');
}
