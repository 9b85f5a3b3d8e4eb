// Verifying one item of `pec-kit verify`: in a worker thread (src/cli/verify-worker.ts) or, for one
// job, on the main thread. Kept apart from pool.ts so that the main thread of a worker run never
// loads the verifier (~100 ms of module loading it would pay for nothing).
import { readFileSync } from 'node:fs';
import { createVerifier, type VerificationReport } from '../verify/verify.js';

/** One message to verify: a file to read, bytes already read (a mailbox message), or a PATH error. */
export interface WorkItem {
  /** How the result names it: a path, `archive.mbox#42`, `Maildir/cur/…`. */
  name: string;
  /** For a message cut from an mbox file: the byte offset of its "From " line. */
  offset?: number;
  path?: string;
  bytes?: Uint8Array;
  error?: string;
}

/** The JSON object printed for one message. */
export type FileReport =
  | ({ file: string; offset?: number } & VerificationReport)
  | {
      file: string;
      offset?: number;
      valid: false;
      kind: null;
      error: string;
      issues: { code: string; severity: 'error'; message: string }[];
    };

/** What a worker needs to prepare its verifier: plain bytes and strings, cheap to send. */
export interface VerifySetup {
  trust?: Uint8Array[];
  crls?: Uint8Array[];
  /** 'signing-time', 'now' or an ISO-8601 instant. */
  at?: string;
}

/** A verifier for `setup`; throws a coded TypeError for bad trust or CRL material. */
export function makeVerifier(setup: VerifySetup): (raw: Uint8Array) => Promise<VerificationReport> {
  const at =
    setup.at === undefined || setup.at === 'now' || setup.at === 'signing-time'
      ? setup.at
      : new Date(setup.at);
  return createVerifier({ trust: setup.trust, crls: setup.crls, at });
}

const placeOf = (item: WorkItem): { file: string; offset?: number } =>
  item.offset === undefined ? { file: item.name } : { file: item.name, offset: item.offset };

function unreadable(item: WorkItem, message: string): FileReport {
  return {
    ...placeOf(item),
    valid: false,
    kind: null,
    error: message,
    issues: [{ code: 'READ_ERROR', severity: 'error', message }],
  };
}

/** Verifies one item: reads it when it is a path; a read failure is a READ_ERROR report. */
export async function verifyItem(
  verify: (raw: Uint8Array) => Promise<VerificationReport>,
  item: WorkItem,
): Promise<FileReport> {
  if (item.error !== undefined) return unreadable(item, item.error);
  let bytes: Uint8Array;
  try {
    // Sync on purpose: fs/promises readFile costs ~0.15 ms of CPU per file (four thread-pool round
    // trips); the run is CPU-bound, so overlapping reads gains nothing.
    bytes = item.bytes ?? new Uint8Array(readFileSync(item.path ?? item.name));
  } catch (e) {
    return unreadable(item, (e as Error).message);
  }
  try {
    return { ...placeOf(item), ...(await verify(bytes)) };
  } catch (e) {
    return unreadable(item, (e as Error).message);
  }
}
