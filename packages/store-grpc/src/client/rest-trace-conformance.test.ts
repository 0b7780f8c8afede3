/** The trace-store conformance suite through the REST trace client → real server → store-fs. */
import { afterAll } from 'vitest';
import { runTraceStoreConformance } from '@mlflow-ts/format/testing';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createRestTraceStore } from './rest-trace-store.js';
import { createHttpClient } from './rest-transport.js';
import { createRestStore } from './stores.js';

let shared: Promise<TestServer> | undefined;
const server = () => (shared ??= startTestServer({ store: 'fs', grpcPort: undefined }));
afterAll(async () => {
  await (await shared)?.close();
});

runTraceStoreConformance('REST trace client → server → store-fs', async () => {
  const baseUrl = (await server()).baseUrl;
  const remote = createRestStore({ baseUrl });
  const store = Object.assign(Object.create(remote.tracking) as typeof remote.tracking, { traces: createRestTraceStore(createHttpClient({ baseUrl })) });
  return { store, cleanup: () => remote.close() };
});
