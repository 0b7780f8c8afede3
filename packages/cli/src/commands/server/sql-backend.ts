/**
 * `mlflow-ts server --backend-store-uri sqlite:///… | postgresql://…`: MLflow's own database behind the
 * server. Before anything listens, the database is checked once so bad input is one clear line at start
 * (an MlflowError the CLI prints without a stack): a wrong password or unreachable host, a read-only
 * SQLite file, or an older MLflow schema revision (naming `mlflow-ts db upgrade`). An empty database gets
 * MLflow's schema at head.
 */
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '@mlflow-ts/store-sql';
import {
  assertWritable,
  connectSql,
  createSqlStore,
  ensureSchema,
  isSqlStoreUri,
  openSqlRegistryStore as openRegistry,
  redactUri,
} from '@mlflow-ts/store-sql';

export { isSqlStoreUri };

/** Opens, probes and prepares the database at `uri`; throws one clear MlflowError for anything wrong. */
export async function checkSqlDatabase(uri: string): Promise<void> {
  let conn: SqlConnection;
  try {
    conn = await connectSql(uri, { poolSize: 1 });
  } catch (err) {
    if (MlflowError.isInstance(err)) throw err;
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Cannot open database ${redactUri(uri)}: ${(err as Error).message}`,
    );
  }
  try {
    await assertWritable(conn);
    await ensureSchema(conn);
  } finally {
    await conn.close();
  }
}

export async function openSqlTrackingStore(
  uri: string,
  defaultArtifactRoot: string | undefined,
): Promise<TrackingStore> {
  await checkSqlDatabase(uri);
  return createSqlStore({ uri, defaultArtifactRoot });
}

/** The registry on `uri`; `tracking` resolves `models:/` and `runs:/` sources and the runs local sources may lie in. */
export async function openSqlRegistryStore(uri: string, tracking: TrackingStore): Promise<ModelRegistryStore> {
  await checkSqlDatabase(uri);
  return openRegistry(uri, { trackingStore: tracking });
}
