/**
 * `mlflow-ts server --backend-store-uri sqlite:///… | postgresql://…`: MLflow's own database behind the
 * server. Before anything listens, the database is checked once so bad input is one clear line at start
 * (an MlflowError the CLI prints without a stack): a wrong password or unreachable host, a read-only
 * SQLite file, or an older MLflow schema revision (naming `mlflow-ts db upgrade`). An empty database gets
 * MLflow's schema at head.
 */
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { MlflowError } from '@mlflow-ts/format';
import * as storeSql from '@mlflow-ts/store-sql';
import { assertWritable, connectSql, ensureSchema, isSqlStoreUri, redactUri } from '@mlflow-ts/store-sql';
import { UsageError } from '../../usage-error.js';

export { isSqlStoreUri };

type SqlStoreFactory = (options: { uri: string; defaultArtifactRoot?: string }) => TrackingStore | Promise<TrackingStore>;
type SqlRegistryFactory = (uri: string) => ModelRegistryStore | Promise<ModelRegistryStore>;

/** Opens, probes and prepares the database at `uri`; throws one clear MlflowError for anything wrong. */
export async function checkSqlDatabase(uri: string): Promise<void> {
  let conn: storeSql.SqlConnection;
  try {
    conn = await connectSql(uri, { poolSize: 1 });
  } catch (err) {
    if (MlflowError.isInstance(err)) throw err;
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Cannot open database ${redactUri(uri)}: ${(err as Error).message}`);
  }
  try {
    await assertWritable(conn);
    await ensureSchema(conn);
  } finally {
    await conn.close();
  }
}

function factory<T>(name: string): T {
  const f = (storeSql as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new UsageError(`This build of @mlflow-ts/store-sql has no ${name}: SQL backends are not available`);
  return f as T;
}

export async function openSqlTrackingStore(uri: string, defaultArtifactRoot: string | undefined): Promise<TrackingStore> {
  await checkSqlDatabase(uri);
  return factory<SqlStoreFactory>('createSqlStore')({ uri, defaultArtifactRoot });
}

export async function openSqlRegistryStore(uri: string): Promise<ModelRegistryStore> {
  await checkSqlDatabase(uri);
  return factory<SqlRegistryFactory>('openSqlRegistryStore')(uri);
}
