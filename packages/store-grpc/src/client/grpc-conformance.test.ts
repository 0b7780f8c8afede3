/** The tracking-store conformance suite through gRPC client → real server → store-fs in a temp dir. */
import { runTrackingStoreConformance } from '@mlflow-ts/format/testing';
import { startTestServer } from '../../test/helpers.js';
import { createGrpcStore } from './stores.js';

runTrackingStoreConformance('gRPC client → server → store-fs', async () => {
  const server = await startTestServer({ store: 'fs' });
  const remote = createGrpcStore({ address: server.grpcAddress });
  return {
    store: remote.tracking,
    cleanup: async () => {
      await remote.close();
      await server.close();
    },
  };
});
