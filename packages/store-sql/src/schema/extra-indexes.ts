/**
 * Indexes of ours, additive only: MLflow never reads or drops them (its migrations name theirs), and
 * they are created IF NOT EXISTS after `ensureSchema`, so a database stays MLflow's.
 *
 * - `runs (experiment_id, lifecycle_stage, start_time DESC, run_uuid)`: search-runs' default order;
 * - `latest_metrics (key, value)`: metric filters and order_by (MLflow's primary key stops before `value`);
 *   on PostgreSQL with `is_nan` and `run_uuid` included, so an order_by walk reads no table rows;
 * - param and tag values for equality filters: `(key, value)` on SQLite; on PostgreSQL `(key, value,
 *   run_uuid)` (a run's `params.x = 'v'` is then one index probe, no table row), partial: values of at
 *   most INDEXED_VALUE_BYTES only, because a btree entry cannot exceed ~2.7 kB
 *   and MLflow allows 6000-character params and 8000-character tags (a full btree would refuse long
 *   values). A filter's `=`/`IN` on short literals adds the index's predicate (`shortValueIndex`),
 *   which it implies, so the planner may use the index. (Hash indexes on `value`, used before, walk a
 *   bucket's whole overflow chain on every insert: with one value shared by many runs — an optimizer,
 *   a user — each insert read hundreds of pages, and building one over 1M runs did not finish.)
 * - `metrics (run_uuid, key)`: get-history and bulk-interval (MLflow indexes `run_uuid` alone).
 */
import { sql } from 'kysely';
import { MlflowError } from '@mlflow-ts/format';
import type { SqlConnection, SqlDialectName } from '../connect.js';
import type { PartialValueIndex, SqlExpr } from '../search/sql-filter.js';

/**
 * The longest param or tag value (UTF-8 bytes) PostgreSQL's partial `(key, value)` indexes hold: with a
 * 250-character key it stays under a btree entry's limit.
 */
const INDEXED_VALUE_BYTES = 1000;

/**
 * On PostgreSQL, the partial `(key, value)` index of a param or tag `value` column: its predicate as a
 * literal (a bound parameter would not let the planner match it) and the longest value it holds.
 */
export const shortValueIndex = (value: SqlExpr): PartialValueIndex => ({
  predicate: sql`(octet_length(${value}) <= ${sql.lit(INDEXED_VALUE_BYTES)})`,
  maxBytes: INDEXED_VALUE_BYTES,
});

const COMMON: readonly string[] = [
  'CREATE INDEX IF NOT EXISTS mlflow_ts_runs_search ON runs (experiment_id, lifecycle_stage, start_time DESC, run_uuid)',
  'CREATE INDEX IF NOT EXISTS mlflow_ts_metrics_run_key ON metrics (run_uuid, key)',
];

export const EXTRA_INDEXES: Readonly<Record<SqlDialectName, readonly string[]>> = {
  sqlite: [
    ...COMMON,
    'CREATE INDEX IF NOT EXISTS mlflow_ts_latest_metrics_key_value ON latest_metrics (key, value)',
    'CREATE INDEX IF NOT EXISTS mlflow_ts_params_key_value ON params (key, value)',
    'CREATE INDEX IF NOT EXISTS mlflow_ts_tags_key_value ON tags (key, value)',
  ],
  postgresql: [
    ...COMMON,
    'CREATE INDEX IF NOT EXISTS mlflow_ts_latest_metrics_key_value_runs ON latest_metrics (key, value) INCLUDE (is_nan, run_uuid)',
    `CREATE INDEX IF NOT EXISTS mlflow_ts_params_key_short_value ON params (key, value, run_uuid) WHERE octet_length(value) <= ${INDEXED_VALUE_BYTES}`,
    `CREATE INDEX IF NOT EXISTS mlflow_ts_tags_key_short_value ON tags (key, value, run_uuid) WHERE octet_length(value) <= ${INDEXED_VALUE_BYTES}`,
  ],
};

async function indexExists(conn: SqlConnection, name: string): Promise<boolean> {
  const r =
    conn.dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = ${name}`.execute(conn.db)
      : await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ${name}`.execute(
          conn.db,
        );
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Ours from earlier versions that must go (a btree on PostgreSQL param values refused long values; the hash indexes, above). */
const OBSOLETE: Readonly<Record<SqlDialectName, readonly string[]>> = {
  sqlite: [],
  postgresql: [
    'mlflow_ts_params_key_value',
    'mlflow_ts_params_value',
    'mlflow_ts_tags_value',
    'mlflow_ts_latest_metrics_key_value',
  ],
};

/** Creates the missing ones; a read-only database without them still opens (searches are just slower). */
export async function ensureExtraIndexes(conn: SqlConnection): Promise<void> {
  for (const name of OBSOLETE[conn.dialect]) {
    if (await indexExists(conn, name))
      await sql
        .raw(`DROP INDEX IF EXISTS ${name}`)
        .execute(conn.db)
        .catch(() => {});
  }
  for (const ddl of EXTRA_INDEXES[conn.dialect]) {
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
