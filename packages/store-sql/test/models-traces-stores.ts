/**
 * The SQL tracking store with the logged-model and trace capabilities composed in (as the combined
 * store does), on SQLite (a temp file) or PostgreSQL (a fresh database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedModelStore, TraceStore, TrackingStore } from '@mlflow-ts/format';
import { createSqlLoggedModelStore } from '../src/logged-models/index.js';
import { createSqlStore } from '../src/sql-store.js';
import { createTestDatabase } from '../src/testing/index.js';
import { createSqlTraceStore } from '../src/traces/index.js';

export type Dialect = 'sqlite' | 'postgresql';

export interface ComposedStore {
  store: TrackingStore & LoggedModelStore & { traces: TraceStore };
  cleanup(): Promise<void>;
}

export async function openComposedStore(dialect: Dialect): Promise<ComposedStore> {
  let uri: string;
  let root: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-mt-'));
    uri = `sqlite:///${join(dir, 'mlflow.db')}`;
    root = join(dir, 'artifacts');
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const db = await createTestDatabase();
    uri = db.uri;
    root = '/tmp/mlflow-ts-artifacts';
    drop = () => db.drop();
  }
  const tracking = await createSqlStore({ uri, defaultArtifactRoot: root });
  const conn = tracking.connection;
  const store = {
    ...tracking,
    ...createSqlLoggedModelStore(conn, { getExperiment: (id) => tracking.getExperiment(id) }),
    traces: createSqlTraceStore(conn),
  };
  return {
    store,
    cleanup: async () => {
      await tracking.close().catch(() => {});
      await drop();
    },
  };
}
