import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRegistryStoreConformance } from '@mlflow-ts/format/testing';
import { connectSql } from '../connect.js';
import { ensureSchema } from '../schema/ensure-schema.js';
import { createTestDatabase } from '../testing/index.js';
import { createSqlRegistryStore, openSqlRegistryStore } from './sql-registry-store.js';

runRegistryStoreConformance('sql on SQLite (temp file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sql-registry-'));
  const store = await openSqlRegistryStore(`sqlite:///${join(dir, 'mlflow.db')}`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

runRegistryStoreConformance('sql on PostgreSQL', async () => {
  const database = await createTestDatabase('mlflow_ts_registry');
  const conn = await connectSql(database.uri);
  await ensureSchema(conn);
  return {
    store: createSqlRegistryStore(conn),
    cleanup: async () => {
      await conn.close();
      await database.drop();
    },
  };
});
