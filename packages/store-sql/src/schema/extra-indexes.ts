/**
 * Indexes of ours, additive only: MLflow never reads or drops them (its migrations name theirs), and
 * they are created IF NOT EXISTS after `ensureSchema`, so a database stays MLflow's.
 *
 * - `runs (experiment_id, lifecycle_stage, start_time DESC, run_uuid)`: search-runs' default order;
 * - `latest_metrics (key, value)`, `params (key, value)`, `tags (key, value)`: metric/param/tag filters and
 *   order_by (MLflow's primary keys lead with `key` but stop before `value`);
 * - `metrics (run_uuid, key)`: get-history and bulk-interval (MLflow indexes `run_uuid` alone).
 */
import { sql } from 'kysely';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';

export const EXTRA_INDEXES: readonly string[] = [
  'CREATE INDEX IF NOT EXISTS mlflow_ts_runs_search ON runs (experiment_id, lifecycle_stage, start_time DESC, run_uuid)',
  'CREATE INDEX IF NOT EXISTS mlflow_ts_latest_metrics_key_value ON latest_metrics (key, value)',
  'CREATE INDEX IF NOT EXISTS mlflow_ts_params_key_value ON params (key, value)',
  'CREATE INDEX IF NOT EXISTS mlflow_ts_metrics_run_key ON metrics (run_uuid, key)',
];

async function indexExists(conn: SqlConnection, name: string): Promise<boolean> {
  const r = conn.dialect === 'sqlite'
    ? await sql<{ n: number }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = ${name}`.execute(conn.db)
    : await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ${name}`.execute(conn.db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Creates the missing ones; a read-only database without them still opens (searches are just slower). */
export async function ensureExtraIndexes(conn: SqlConnection): Promise<void> {
  for (const ddl of EXTRA_INDEXES) {
    const name = /EXISTS (\S+)/.exec(ddl)?.[1] ?? '';
    if (await indexExists(conn, name)) continue;
    try {
      await sql.raw(ddl).execute(conn.db);
    } catch (err) {
      // Another server creating the same index at once, or no permission: neither stops the store.
      if (await indexExists(conn, name).catch(() => false)) continue;
      const message = err instanceof Error ? err.message : String(err);
      if (/read-only|readonly|permission denied|must be owner/i.test(message)) continue;
      throw new MlflowError('INTERNAL_ERROR', `Cannot create index ${name} on ${conn.displayUri}: ${message}`);
    }
  }
}
