import { defineConfig } from 'vitest/config';

// Tests read each workspace package's TypeScript source (the "source" export condition),
// not its dist/, so the test loop needs no build of the packages under test.
// No 'import' condition: vitest hands the conditions to Node's own resolver, and with 'import' set,
// CommonJS packages that `require('long')` (protobufjs 6 inside onnx-proto, tfjs-core) get long 5's
// ESM build, which lacks `fromBits`/`fromString`, and fail to load.
const conditions = ['source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    environment: 'node',
    passWithNoTests: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
