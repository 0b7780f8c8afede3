/**
 * The tracking and registry conformance suites through the REST and gRPC clients → a real server
 * (`createStoreServer`, 127.0.0.1, port 0) → store-sql, on SQLite and on PostgreSQL: what `mlflow-ts server
 * --backend-store-uri sqlite:///… | postgresql://…` serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { runRegistryStoreConformance, runTrackingStoreConformance } from '@mlflow-ts/format/testing';
import { createGrpcStore, createRestStore } from '@mlflow-ts/store-grpc';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import { createSqlStore, openSqlRegistryStore } from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';

interface SqlServer {
  baseUrl: string;
  grpcAddress: string;
  close(): Promise<void>;
}

async function startSqlServer(dialect: 'sqlite' | 'postgresql'): Promise<SqlServer> {
  const dir = mkdtempSync(join(tmpdir(), 'store-sql-server-'));
  const database = dialect === 'postgresql' ? await createTestDatabase('mlflow_ts_server') : undefined;
  const uri = database?.uri ?? `sqlite:///${join(dir, 'mlflow.db')}`;
  const tracking: TrackingStore = await createSqlStore({ uri, defaultArtifactRoot: 'mlflow-artifacts:/' });
  const registry: ModelRegistryStore = await openSqlRegistryStore(uri);
  const server = createStoreServer({
    tracking,
    registry,
    artifacts: { root: join(dir, 'mlartifacts') },
    port: 0,
    grpcPort: 0,
  });
  const { httpPort, grpcPort } = await server.listen();
  return {
    baseUrl: `http://127.0.0.1:${httpPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    async close() {
      await server.close();
      await tracking.close?.();
      await registry.close?.();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const servers = new Map<string, Promise<SqlServer>>();
const server = (dialect: 'sqlite' | 'postgresql') => {
  let s = servers.get(dialect);
  if (!s) servers.set(dialect, (s = startSqlServer(dialect)));
  return s;
};
afterAll(async () => {
  for (const s of servers.values()) await (await s).close();
});

/** Each client kind, as a store pair over a running server. */
const CLIENTS = [
  ['REST', async (dialect: 'sqlite' | 'postgresql') => createRestStore({ baseUrl: (await server(dialect)).baseUrl })],
  [
    'gRPC',
    async (dialect: 'sqlite' | 'postgresql') => createGrpcStore({ address: (await server(dialect)).grpcAddress }),
  ],
] as const;

for (const dialect of ['sqlite', 'postgresql'] as const) {
  for (const [client, open] of CLIENTS) {
    runTrackingStoreConformance(`${client} client → server → store-sql on ${dialect}`, async () => {
      const remote = await open(dialect);
      return { store: remote.tracking, cleanup: () => remote.close() };
    });
    runRegistryStoreConformance(`${client} client → server → store-sql registry on ${dialect}`, async () => {
      const remote = await open(dialect);
      return { store: remote.registry, cleanup: () => remote.close() };
    });
  }
}
