import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// As in flavor-onnx: without the 'import' condition, so protobufjs 6 (inside onnx-proto) gets the
// CommonJS build of `long` it needs. TensorFlow.js training on the pure-JS backend is slow on CI's
// two cores, hence the longer timeout.
const conditions = ['source', 'node', 'default'];
export default defineConfig({
  ...shared,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: { ...shared.test, testTimeout: 60_000 },
});
