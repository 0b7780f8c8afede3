import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Without the 'import' condition: with it, Node hands tfjs-core and protobufjs the ESM build of
// `long`, which lacks what their CommonJS code calls (Long.fromString, fromBits). Training on the
// pure-JS backend on CI's two cores needs the longer timeout.
const conditions = ['source', 'node', 'default'];
export default defineConfig({
  ...shared,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: { ...shared.test, testTimeout: 180_000 },
});
