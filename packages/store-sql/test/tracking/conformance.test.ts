/** The tracking conformance suite against the SQL store on SQLite (a temp file) and on PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrackingStoreConformance } from '@mlflow-ts/format/testing';
import { createSqlStore } from '../../src/sql-store.js';
import { createTestDatabase } from '../../src/testing/index.js';

runTrackingStoreConformance('store-sql on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-sql-conf-'));
  const store = await createSqlStore({ uri: `sqlite:///${join(dir, 'mlflow.db')}`, defaultArtifactRoot: join(dir, 'artifacts') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

runTrackingStoreConformance('store-sql on PostgreSQL', async () => {
  const db = await createTestDatabase();
  const store = await createSqlStore({ uri: db.uri, defaultArtifactRoot: 's3://bucket/artifacts' });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});
