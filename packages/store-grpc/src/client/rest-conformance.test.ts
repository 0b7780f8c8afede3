/** The tracking-store conformance suite through REST client → real server → store-fs in a temp dir. */
import { runTrackingStoreConformance } from '@mlflow-ts/format/testing';
import { startTestServer } from '../../test/helpers.js';
import { createRestStore } from './stores.js';

runTrackingStoreConformance('REST client → server → store-fs', async () => {
  const server = await startTestServer({ store: 'fs', grpcPort: undefined });
  const remote = createRestStore({ baseUrl: server.baseUrl });
  return {
    store: remote.tracking,
    cleanup: async () => {
      await remote.close();
      await server.close();
    },
  };
});
