/** The logged-model conformance suite through the REST and gRPC clients → real server → store-fs. */
import { afterAll } from 'vitest';
import { runLoggedModelStoreConformance } from '@mlflow-ts/format/testing';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createGrpcStore, createRestStore } from './stores.js';

let shared: Promise<TestServer> | undefined;
const server = () => (shared ??= startTestServer({ store: 'fs' }));
afterAll(async () => {
  await (await shared)?.close();
});

runLoggedModelStoreConformance('REST client → server → store-fs', async () => {
  const remote = createRestStore({ baseUrl: (await server()).baseUrl });
  return { store: remote.tracking, cleanup: () => remote.close() };
});

runLoggedModelStoreConformance('gRPC client → server → store-fs', async () => {
  const remote = createGrpcStore({ address: (await server()).grpcAddress });
  return { store: remote.tracking, cleanup: () => remote.close() };
});
