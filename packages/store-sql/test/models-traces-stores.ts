/**
 * `createSqlStore` (the tracking store with the logged-model and trace capabilities composed in) on
 * SQLite (a temp file) or PostgreSQL (a fresh database), for the tests of those capabilities' rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlStore } from '../src/sql-store.js';
import { createTestDatabase } from '../src/testing/index.js';
import type { SqlTrackingStore } from '../src/tracking/index.js';

export type Dialect = 'sqlite' | 'postgresql';

export interface ComposedStore {
  store: SqlTrackingStore;
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
    // DROP DATABASE … WITH (FORCE) can lose a race with an autovacuum worker on the new database
    // ("must be a member of the role whose process is being terminated"): try again shortly.
    drop = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await db.drop();
          return;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 300 * attempt));
        }
      }
    };
  }
  const store = await createSqlStore({ uri, defaultArtifactRoot: root });
  return {
    store,
    cleanup: async () => {
      await store.close().catch(() => {});
      await drop();
    },
  };
}
