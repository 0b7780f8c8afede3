import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Same as the shared config, minus the 'import' condition: vitest hands the conditions to Node's
// resolver, and with 'import' set protobufjs 6 (inside onnx-proto, used by the test models)
// `require('long')` gets the ESM build of long 5, which lacks `fromBits`.
const conditions = ['source', 'node', 'default'];
export default defineConfig({
  ...shared,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
});
