import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The shared config minus the 'import' condition, as in packages/flavor-onnx/vitest.config.ts: with
// it, protobufjs 6 (inside onnx-proto) and tfjs-core `require('long')` get long 5's ESM build and fail.
const conditions = ['source', 'node', 'default'];
export default defineConfig({
  ...shared,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
});
