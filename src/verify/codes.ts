// Every issue code a report can carry, in one table: message-level (parsing), daticert reader,
// signature and signer, and chain policy. docs/issue-codes.md is generated from it.
import { DATICERT_WARNINGS } from '../daticert/warnings.js';
import { MESSAGE_ISSUES, type Severity } from '../issues.js';
import { CHAIN_ISSUE_SEVERITY, CHAIN_ISSUES } from '../trust/issues.js';
import { VERIFY_ISSUES } from './issues.js';

/**
 * One row of the issue-code table.
 *
 * @example
 * ```ts
 * const info: IssueCodeInfo | undefined = ISSUE_CODES.SIGNATURE_SHA1;
 * ```
 * @category Verifying
 */
export interface IssueCodeInfo {
  severity: Severity;
  description: string;
  /** Where the code comes from. */
  source: 'message' | 'daticert' | 'signature' | 'chain';
}

function rows(
  table: Record<string, readonly [Severity, string]>,
  source: IssueCodeInfo['source'],
): [string, IssueCodeInfo][] {
  return Object.entries(table).map(([code, [severity, description]]) => [
    code,
    { severity, description, source },
  ]);
}

/**
 * Every issue code with its severity, meaning and source.
 *
 * @example
 * ```ts
 * ISSUE_CODES.SIGNATURE_DIGEST_MISMATCH?.severity; // 'error'
 * ```
 * @category Verifying
 */
export const ISSUE_CODES: Readonly<Record<string, IssueCodeInfo>> = Object.freeze(
  Object.fromEntries([
    ...rows(MESSAGE_ISSUES, 'message'),
    ...Object.entries(DATICERT_WARNINGS).map(([code, description]): [string, IssueCodeInfo] => [
      code,
      { severity: 'warning', description: String(description), source: 'daticert' },
    ]),
    ...rows(VERIFY_ISSUES, 'signature'),
    ...Object.entries(CHAIN_ISSUES).map(([code, description]): [string, IssueCodeInfo] => [
      code,
      {
        severity: CHAIN_ISSUE_SEVERITY[code as keyof typeof CHAIN_ISSUE_SEVERITY],
        description: String(description),
        source: 'chain',
      },
    ]),
  ]),
);
