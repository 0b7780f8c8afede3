import { defineConfig } from 'vitest/config';

// Tests read each workspace package's TypeScript source (the "@mlflow-ts/source" export condition,
// namespaced so that no third-party package's "source" entry is picked up),
// not its dist/, so the test loop needs no build of the packages under test.
// No 'import' condition: vitest hands the conditions to Node's own resolver, and with 'import' set,
// CommonJS packages that `require('long')` (protobufjs 6 inside onnx-proto, tfjs-core) get long 5's
// ESM build, which lacks `fromBits`/`fromString`, and fail to load.
const conditions = ['@mlflow-ts/source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@mlflow-ts/source'] } },
  test: {
    environment: 'node',
    passWithNoTests: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
