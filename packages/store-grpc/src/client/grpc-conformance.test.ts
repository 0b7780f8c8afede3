/**
 * The conformance suites through gRPC client → real server → store: tracking on store-fs in a temp
 * dir, registry on the memory registry store, artifacts over the Upload/Download streams, traces over
 * the Traces service and OTLP's TraceService/Export.
 */
import { afterAll } from 'vitest';
import {
  runArtifactRepositoryConformance,
  runRegistryStoreConformance,
  runTraceStoreConformance,
  runTrackingStoreConformance,
} from '@mlflow-ts/format/testing';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createGrpcStore } from './stores.js';

let shared: Promise<TestServer> | undefined;
const server = () => (shared ??= startTestServer({ store: 'fs' }));
afterAll(async () => {
  await (await shared)?.close();
});

runTrackingStoreConformance('gRPC client → server → store-fs', async () => {
  const remote = createGrpcStore({ address: (await server()).grpcAddress });
  return { store: remote.tracking, cleanup: () => remote.close() };
});

runRegistryStoreConformance('gRPC client → server → memory registry', async () => {
  const remote = createGrpcStore({ address: (await server()).grpcAddress });
  return { store: remote.registry, cleanup: () => remote.close() };
});

runArtifactRepositoryConformance('gRPC client → Artifacts service → artifact destination', async () => {
  const remote = createGrpcStore({ address: (await server()).grpcAddress });
  const repo = remote.artifacts(`mlflow-artifacts:/conformance/${globalThis.crypto.randomUUID()}`);
  return { repo, cleanup: () => remote.close() };
});

runTraceStoreConformance('gRPC trace client → Traces + OTLP TraceService → store-fs', async () => {
  const remote = createGrpcStore({ address: (await server()).grpcAddress });
  return { store: remote.tracking, cleanup: () => remote.close() };
});
