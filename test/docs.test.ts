// Documentation that is generated from code must match the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderIssueCodes } from '../scripts/issue-codes.js';

describe('docs', () => {
  it('docs/issue-codes.md is up to date (npm run docs:codes)', () => {
    expect(readFileSync(new URL('../docs/issue-codes.md', import.meta.url), 'utf8')).toBe(renderIssueCodes());
  });
});
