// Verifying one item of `pec-kit verify`: in a worker thread (src/cli/verify-worker.ts) or on the
// main thread, which verifies its share beside the workers. Kept apart from pool.ts so that the
// worker bundle carries the verifier without the pool.
import { readFileSync } from 'node:fs';
import type { Issue, Severity } from '../issues.js';
import {
  createVerifier,
  emptyReport,
  type VerificationReport,
  type VerifyOptions,
} from '../verify/verify.js';
import { classifyInput, type InputKind, inputText } from './assessment.js';

/** One message to verify: a file to read, bytes already read (a mailbox message, stdin), or a PATH error. */
export interface WorkItem {
  /** How the result names it: a path, `-`, `archive.mbox#42`, `Maildir/cur/…`. */
  name: string;
  /** For a message cut from an mbox file: the byte offset of its "From " line. */
  offset?: number;
  path?: string;
  bytes?: Uint8Array;
  error?: string;
}

/** How one file ended up. */
export type FileStatus = 'valid' | 'invalid' | 'not-a-message' | 'unreadable';

/**
 * The JSON object printed for one file: the same keys for every status (a file that could not be
 * read or is not a message has empty signature and chain blocks and `kind: null`).
 */
export type FileReport = {
  file: string;
  /** Byte offset of the message's "From " line when it comes from an mbox file; null otherwise. */
  offset: number | null;
  status: FileStatus;
  /** What the file is, from its first bytes; null when it could not be read. */
  input: InputKind | null;
  /** Why the file could not be read; null otherwise. */
  error: string | null;
  /** The library's findings, plus the CLI's own READ_ERROR and NOT_A_MESSAGE (docs/issue-codes.md). */
  issues: (Issue | CliIssue)[];
} & Omit<VerificationReport, 'kind' | 'issues'> & { kind: VerificationReport['kind'] | null };

/** A finding about a file rather than a message: it could not be read, or it is not e-mail. */
export interface CliIssue {
  code: 'READ_ERROR' | 'NOT_A_MESSAGE';
  severity: Severity;
  message: string;
}

/** What a worker needs to prepare its verifier: plain bytes and strings, cheap to send. */
export interface VerifySetup {
  trust?: Uint8Array[];
  crls?: Uint8Array[];
  /** 'signing-time', 'now' or an ISO-8601 instant. */
  at?: string;
  /** {@link VerifyOptions.minRsaBits}. */
  minRsaBits?: number | undefined;
  /** An ISO-8601 instant, or null for none ({@link VerifyOptions.legacyKeysUntil}). */
  legacyKeysUntil?: string | null | undefined;
  /** Milliseconds ({@link VerifyOptions.maxClockSkew}). */
  maxClockSkew?: number | undefined;
}

/** A verifier for `setup`; throws a coded TypeError for bad trust or CRL material. */
export function makeVerifier(setup: VerifySetup): (raw: Uint8Array) => Promise<VerificationReport> {
  const at =
    setup.at === undefined || setup.at === 'now' || setup.at === 'signing-time'
      ? setup.at
      : new Date(setup.at);
  const options: VerifyOptions = { trust: setup.trust, crls: setup.crls, at };
  if (setup.minRsaBits !== undefined) options.minRsaBits = setup.minRsaBits;
  if (setup.legacyKeysUntil !== undefined)
    options.legacyKeysUntil = setup.legacyKeysUntil === null ? null : new Date(setup.legacyKeysUntil);
  if (setup.maxClockSkew !== undefined) options.maxClockSkew = setup.maxClockSkew;
  return createVerifier(options);
}

const placeOf = (item: WorkItem): { file: string; offset: number | null } => ({
  file: item.name,
  offset: item.offset ?? null,
});

function unreadable(item: WorkItem, error: string): FileReport {
  return {
    ...placeOf(item),
    status: 'unreadable',
    input: null,
    error,
    ...emptyReport('non-pec'),
    kind: null,
    issues: [{ code: 'READ_ERROR', severity: 'error', message: error }],
  };
}

function notAMessage(item: WorkItem, input: InputKind): FileReport {
  return {
    ...placeOf(item),
    status: 'not-a-message',
    input,
    error: null,
    ...emptyReport('non-pec'),
    kind: null,
    issues: [{ code: 'NOT_A_MESSAGE', severity: 'warning', message: inputText(input, 'en') }],
  };
}

/**
 * Verifies one item: reads it when it is a path, tells a file that is not e-mail from a message,
 * and verifies a message. A read failure is a READ_ERROR report, never a throw.
 */
export async function verifyItem(
  verify: (raw: Uint8Array) => Promise<VerificationReport>,
  item: WorkItem,
): Promise<FileReport> {
  if (item.error !== undefined) return unreadable(item, item.error);
  let bytes: Uint8Array;
  try {
    // Sync on purpose: fs/promises readFile costs ~0.15 ms of CPU per file (four thread-pool round
    // trips); the run is CPU-bound, so overlapping reads gains nothing.
    // A plain Uint8Array view of the Buffer readFileSync returns (its own memory, not the shared
    // pool's): no copy of the file.
    if (item.bytes) bytes = item.bytes;
    else {
      const b = readFileSync(item.path ?? item.name);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
  } catch (e) {
    return unreadable(item, (e as Error).message);
  }
  const input = classifyInput(bytes);
  if (input !== 'email') return notAMessage(item, input);
  try {
    const r = await verify(bytes);
    return { ...placeOf(item), status: r.valid ? 'valid' : 'invalid', input, error: null, ...r };
  } catch (e) {
    return unreadable(item, (e as Error).message);
  }
}
