/**
 * Test helpers: a fresh `createSqlStore` (tracking with the logged-model and trace capabilities) on
 * SQLite (temp file) or PostgreSQL (a new database), and its teardown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createSqlStore } from '../../src/sql-store.js';
import type { SqlTrackingStore } from '../../src/tracking/index.js';
import { createTestDatabase } from '../../src/testing/index.js';

export type Dialect = 'sqlite' | 'postgresql';
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgresql'];

export interface OpenedStore {
  store: SqlTrackingStore;
  uri: string;
  /** Another store on the same database (another connection / pool). */
  reopen(): Promise<SqlTrackingStore>;
  cleanup(): Promise<void>;
}

export async function openStore(dialect: Dialect): Promise<OpenedStore> {
  let uri: string;
  let artifacts: string;
  let dropDatabase: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-t-'));
    uri = `sqlite:///${join(dir, 'mlflow.db')}`;
    artifacts = join(dir, 'artifacts');
    dropDatabase = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const db = await createTestDatabase();
    uri = db.uri;
    artifacts = '/tmp/mlflow-ts-artifacts';
    dropDatabase = () => db.drop();
  }
  const open = () => createSqlStore({ uri, defaultArtifactRoot: artifacts });
  const store = await open();
  const extra: SqlTrackingStore[] = [];
  return {
    store,
    uri,
    reopen: async () => {
      const s = await open();
      extra.push(s);
      return s;
    },
    cleanup: async () => {
      for (const s of [store, ...extra]) await s.close().catch(() => {});
      await dropDatabase();
    },
  };
}

/** A store opened before a suite's tests and removed after them: call the getter inside the tests. */
export function suiteStore(dialect: Dialect): () => OpenedStore {
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await openStore(dialect);
  });
  afterAll(async () => {
    await opened?.cleanup();
  });
  return () => {
    if (!opened) throw new Error('the suite store is not open');
    return opened;
  };
}
