/**
 * The conformance suites through REST client → real server → store: tracking on store-fs in a temp
 * dir, registry on the memory registry store, artifacts on the server's artifact destination.
 */
import { afterAll } from 'vitest';
import {
  runArtifactRepositoryConformance,
  runRegistryStoreConformance,
  runTrackingStoreConformance,
} from '@mlflow-ts/format/testing';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createRestStore } from './stores.js';

let shared: Promise<TestServer> | undefined;
const server = () => (shared ??= startTestServer({ store: 'fs', grpcPort: undefined }));
afterAll(async () => {
  await (await shared)?.close();
});

runTrackingStoreConformance('REST client → server → store-fs', async () => {
  const remote = createRestStore({ baseUrl: (await server()).baseUrl });
  return { store: remote.tracking, cleanup: () => remote.close() };
});

runRegistryStoreConformance('REST client → server → memory registry', async () => {
  const remote = createRestStore({ baseUrl: (await server()).baseUrl });
  return { store: remote.registry, cleanup: () => remote.close() };
});

runArtifactRepositoryConformance('REST client → proxied artifacts → artifact destination', async () => {
  const remote = createRestStore({ baseUrl: (await server()).baseUrl });
  const repo = remote.artifacts(`mlflow-artifacts:/conformance/${globalThis.crypto.randomUUID()}`);
  return { repo, cleanup: () => remote.close() };
});
