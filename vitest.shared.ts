import { defineConfig } from 'vitest/config';

// Tests read each workspace package's TypeScript source (the "source" export condition),
// not its dist/, so the test loop needs no build of the packages under test.
export default defineConfig({
  resolve: { conditions: ['source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'node', 'default'], externalConditions: ['source'] } },
  test: {
    environment: 'node',
    passWithNoTests: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
