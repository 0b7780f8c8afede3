/** The trace-store conformance suite through the REST trace client → real server → store-fs. */
import { afterAll } from 'vitest';
import { runTraceStoreConformance } from '@mlflow-ts/format/testing';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createRestStore } from './stores.js';

let shared: Promise<TestServer> | undefined;
const server = () => (shared ??= startTestServer({ store: 'fs', grpcPort: undefined }));
afterAll(async () => {
  await (await shared)?.close();
});

runTraceStoreConformance('REST trace client → server → store-fs', async () => {
  const baseUrl = (await server()).baseUrl;
  // The REST store's tracking client carries the trace client as its `traces` capability.
  const remote = createRestStore({ baseUrl });
  return { store: remote.tracking, cleanup: () => remote.close() };
});
