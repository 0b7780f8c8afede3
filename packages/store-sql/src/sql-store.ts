/**
 * `createSqlStore({ uri })`: one call from a database URI to a ready TrackingStore — connect,
 * bring an empty database to MLflow's schema (or refuse an older one, naming `mlflow-ts db upgrade`),
 * create our additive indexes, create experiment 0 when missing.
 */
import { resolve } from 'node:path';
import { connectSql } from './connect.js';
import type { ConnectOptions } from './connect.js';
import { ensureSchema } from './schema/ensure-schema.js';
import { ensureExtraIndexes } from './schema/extra-indexes.js';
import { createSqlTrackingStore } from './tracking/sql-tracking-store.js';
import type { SqlTrackingStore } from './tracking/sql-tracking-store.js';

export interface SqlStoreOptions extends ConnectOptions {
  /** `sqlite:///…` or `postgresql://…` (MLflow's SQLAlchemy URIs). */
  uri: string;
  /** Where new experiments put artifacts; default `./mlruns` resolved to an absolute path, as MLflow's server. */
  defaultArtifactRoot?: string;
}

export async function createSqlStore(opts: SqlStoreOptions): Promise<SqlTrackingStore> {
  const conn = await connectSql(opts.uri, opts);
  try {
    await ensureSchema(conn);
    await ensureExtraIndexes(conn);
    return await createSqlTrackingStore(conn, { defaultArtifactRoot: opts.defaultArtifactRoot ?? resolve('mlruns') });
  } catch (err) {
    await conn.close().catch(() => {});
    throw err;
  }
}
