import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests and shared samples (docs/verifier/sample.ts) import the public API as users do. The
  // subpath first: an alias also matches its subpaths, so 'pec-kit' would take 'pec-kit/testing'.
  resolve: {
    alias: {
      'pec-kit/testing': fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      'pec-kit': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  },
});
