// Generates docs/issue-codes.md from the code tables (ERROR_CODES and ISSUE_CODES), so the
// documented codes are always the ones the library uses. `npm run docs:codes` writes it;
// test/docs.test.ts fails when the committed file is stale.
import { ERROR_CODES } from '../src/errors.js';
import { ISSUE_CODES } from '../src/verify/codes.js';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');

export function renderIssueCodes(): string {
  const lines = [
    '# Error and issue codes',
    '',
    'Generated from the code tables by `npm run docs:codes`; do not edit by hand.',
    '',
    '## Errors (`PecError.code`)',
    '',
    'Thrown for bad input to parsers and builders, exceeded limits and bad options. `INVALID_ARGUMENT` errors are also `TypeError`s.',
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${escapeCell(meaning)} |`),
    '',
    '## Issues (`report.issues[].code`)',
    '',
    'Findings of `parsePec` (in `pec.issues`) and `verifyPec` (in `report.issues`). A message is valid only when its signature is intact, its chain trusted and no issue has severity `error`.',
  ];
  const sources = [
    ['message', 'Message structure and header/daticert agreement (parsePec)'],
    ['daticert', 'daticert.xml reader recoveries'],
    ['signature', 'Signature and signer (verifyPec)'],
    ['chain', 'Certificate chain policy (verifyPec)'],
  ] as const;
  for (const [source, title] of sources) {
    lines.push('', `### ${title}`, '', '| code | severity | meaning |', '| --- | --- | --- |');
    for (const [code, info] of Object.entries(ISSUE_CODES)) {
      if (info.source === source)
        lines.push(`| \`${code}\` | ${info.severity} | ${escapeCell(info.description)} |`);
    }
  }
  lines.push(
    '',
    'Besides these, `verifyPec` reports an error code of the table above (for example `LIMIT_EXCEEDED`) as an issue when the message itself could not be read, and the CLI reports `READ_ERROR` (error) for a file it could not read and `NOT_A_MESSAGE` (warning) for a file that is not e-mail at all (PDF, Outlook `.msg`, PEM, JSON, empty…).',
    '',
  );
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('issue-codes.ts')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../docs/issue-codes.md', import.meta.url), renderIssueCodes());
}
