/** Test helpers: a fresh SQL store on SQLite (temp file) or PostgreSQL (a new database), and its teardown. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const extra: SqlTrackingStore[] = [];
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-t-'));
    const uri = `sqlite:///${join(dir, 'mlflow.db')}`;
    const open = () => createSqlStore({ uri, defaultArtifactRoot: join(dir, 'artifacts') });
    const store = await open();
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
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const db = await createTestDatabase();
  const open = () => createSqlStore({ uri: db.uri, defaultArtifactRoot: '/tmp/mlflow-ts-artifacts' });
  const store = await open();
  return {
    store,
    uri: db.uri,
    reopen: async () => {
      const s = await open();
      extra.push(s);
      return s;
    },
    cleanup: async () => {
      for (const s of [store, ...extra]) await s.close().catch(() => {});
      await db.drop();
    },
  };
}
