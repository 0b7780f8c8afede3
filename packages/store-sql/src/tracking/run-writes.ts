/**
 * Writes to a run inside one transaction: metrics (+ `latest_metrics` as MLflow maintains it, +
 * `logged_model_metrics` for metrics carrying a model_id), params (immutable), tags (`mlflow.runName`
 * kept equal to `runs.name`). Multi-row INSERTs with ON CONFLICT where MLflow's semantics allow.
 */
import { CompiledQuery, sql } from 'kysely';
import { MlflowError, RUN_NAME_TAG } from '@mlflow-ts/format';
import type { Metric, Param, RunTag } from '@mlflow-ts/format';
import type { SqlDialectName } from '../connect.js';
import { chunks, type Db } from './transactions.js';
import { noSuchRun } from './context.js';
import { recordModelMetrics } from '../logged-models/model-rows.js';

export interface RunHead {
  run_uuid: string;
  experiment_id: number;
  lifecycle_stage: string | null;
}

export async function requireRun(db: Db, runId: string): Promise<RunHead> {
  const row =
    typeof runId === 'string' && runId.length <= 32
      ? await db
          .selectFrom('runs')
          .select(['run_uuid', 'experiment_id', 'lifecycle_stage'])
          .where('run_uuid', '=', runId)
          .executeTakeFirst()
      : undefined;
  if (!row) throw noSuchRun(String(runId));
  return { run_uuid: row.run_uuid, experiment_id: Number(row.experiment_id), lifecycle_stage: row.lifecycle_stage };
}

export async function requireActiveRun(db: Db, runId: string): Promise<RunHead> {
  const run = await requireRun(db, runId);
  if (run.lifecycle_stage !== 'active') {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `The run ${runId} must be in the 'active' state. Current state is ${run.lifecycle_stage}.`,
    );
  }
  return run;
}

export interface StoredMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: boolean;
}

/** MLflow's `sanitize_metric_value`: NaN is stored as 0 with is_nan; ±Infinity stay (both databases hold them). */
function stored(m: Metric): StoredMetric {
  const isNan = Number.isNaN(m.value);
  return { key: m.key, value: isNan ? 0 : m.value, timestamp: m.timestamp, step: m.step ?? 0, is_nan: isNan };
}

/** MLflow's `_compare_metrics`: (step, timestamp, value) strictly greater. */
function isLater(a: StoredMetric, b: StoredMetric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

const METRIC_ROWS_PER_INSERT = 1000;

export const LATEST_UPSERT = ` ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp,
  step = excluded.step, is_nan = excluded.is_nan
  WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND (
    excluded.timestamp > COALESCE(latest_metrics.timestamp, -1)
    OR (excluded.timestamp = latest_metrics.timestamp AND excluded.value > latest_metrics.value)))`;

const sqliteInsertText = new Map<string, string>();

/**
 * One INSERT of metric rows, compiled by hand (a query builder spends more time building a
 * 1000-row statement than the database spends running it): PostgreSQL gets six array parameters
 * through `unnest`, SQLite one cached multi-row VALUES statement per row count. `metrics` skips
 * stored duplicates; `latest_metrics` replaces a row only with a later point (MLflow's rule),
 * atomically under concurrent writers.
 */
async function insertMetricRows(
  db: Db,
  dialect: SqlDialectName,
  table: 'metrics' | 'latest_metrics',
  runUuid: string,
  rows: readonly StoredMetric[],
): Promise<void> {
  if (rows.length === 0) return;
  const conflict = table === 'metrics' ? ' ON CONFLICT DO NOTHING' : LATEST_UPSERT;
  if (dialect === 'postgresql') {
    const text = `INSERT INTO ${table} (key, value, timestamp, step, is_nan, run_uuid) SELECT k, v, t, s, n, $6 FROM unnest($1::text[], $2::float8[], $3::int8[], $4::int8[], $5::bool[]) AS x(k, v, t, s, n)${conflict}`;
    // node-pg writes arrays as text: ±Infinity as Infinity, which float8[] reads back exactly.
    await db.executeQuery(
      CompiledQuery.raw(text, [
        rows.map((r) => r.key),
        rows.map((r) => (Object.is(r.value, -0) ? '-0' : r.value)),
        rows.map((r) => r.timestamp),
        rows.map((r) => r.step),
        rows.map((r) => r.is_nan),
        runUuid,
      ]),
    );
    return;
  }
  const cacheKey = `${table}:${rows.length}`;
  let text = sqliteInsertText.get(cacheKey);
  if (text === undefined) {
    text = `INSERT INTO ${table} (key, value, timestamp, step, is_nan, run_uuid) VALUES ${Array(rows.length).fill('(?, ?, ?, ?, ?, ?)').join(', ')}${conflict}`;
    if (sqliteInsertText.size > 64) sqliteInsertText.clear();
    sqliteInsertText.set(cacheKey, text);
  }
  const params: unknown[] = [];
  for (const r of rows) params.push(r.key, r.value, r.timestamp, r.step, r.is_nan ? 1 : 0, runUuid);
  await db.executeQuery(CompiledQuery.raw(text, params));
}

/**
 * A batch's metric rows: its points as stored, less repeats within the batch, and the latest point
 * per key (first wins a tie) in key order, so concurrent transactions lock latest_metrics rows in one
 * order (no deadlocks).
 */
export function metricRows(metrics: readonly Metric[]): { points: StoredMetric[]; latest: StoredMetric[] } {
  const seen = new Set<string>();
  const points: StoredMetric[] = [];
  for (const m of metrics) {
    const s = stored(m);
    const id = `${s.key}\u0000${s.value}\u0000${s.timestamp}\u0000${s.step}\u0000${s.is_nan}`;
    if (seen.has(id)) continue;
    seen.add(id);
    points.push(s);
  }
  const byKey = new Map<string, StoredMetric>();
  for (const p of points) {
    const cur = byKey.get(p.key);
    if (!cur || isLater(p, cur)) byKey.set(p.key, p);
  }
  const latest = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { points, latest };
}

/** Inserts metric points (duplicates of a stored point are skipped, as MLflow does) and updates `latest_metrics`. */
export async function insertMetrics(
  db: Db,
  dialect: SqlDialectName,
  run: RunHead,
  metrics: readonly Metric[],
): Promise<void> {
  if (metrics.length === 0) return;
  const { points, latest } = metricRows(metrics);
  for (const part of chunks(points, METRIC_ROWS_PER_INSERT))
    await insertMetricRows(db, dialect, 'metrics', run.run_uuid, part);
  // One upsert that only replaces a stored row when the new point is later: atomic under concurrent writers.
  for (const part of chunks(latest, METRIC_ROWS_PER_INSERT))
    await insertMetricRows(db, dialect, 'latest_metrics', run.run_uuid, part);
  // Metrics carrying a model_id also go to logged_model_metrics (MLflow's `_log_model_metrics`).
  if (metrics.some((m) => m.model_id)) await recordModelMetrics(db, run, metrics);
}

/** Python's repr of a str, as MLflow's batch message prints it. */
function pyRepr(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s.replaceAll('\\', '\\\\')}"`;
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** Inserts params; a key already logged with another value fails the whole transaction (MLflow's messages). */
export async function insertParams(db: Db, run: RunHead, params: readonly Param[], single: boolean): Promise<void> {
  if (params.length === 0) return;
  const inserted = new Set<string>();
  for (const part of chunks(params, 500)) {
    const rows = await db
      .insertInto('params')
      .values(part.map((p) => ({ key: p.key, value: p.value, run_uuid: run.run_uuid })))
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .execute();
    for (const r of rows) inserted.add(r.key);
  }
  const others = params.filter((p) => !inserted.has(p.key));
  if (others.length === 0) return;
  const existing = new Map<string, string>();
  for (const part of chunks(
    others.map((p) => p.key),
    500,
  )) {
    const rows = await db
      .selectFrom('params')
      .select(['key', 'value'])
      .where('run_uuid', '=', run.run_uuid)
      .where('key', 'in', part)
      .execute();
    for (const r of rows) existing.set(r.key, r.value);
  }
  const changed = others.filter((p) => existing.get(p.key) !== p.value);
  if (changed.length === 0) return;
  const [first] = changed;
  if (single && first) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Changing param values is not allowed. Param with key='${first.key}' was already logged with value='${existing.get(first.key)}' ` +
        `for run ID='${run.run_uuid}'. Attempted logging new value '${first.value}'.`,
    );
  }
  const listed = changed.map(
    (p) =>
      `{'key': ${pyRepr(p.key)}, 'old_value': ${pyRepr(existing.get(p.key) ?? '')}, 'new_value': ${pyRepr(p.value)}}`,
  );
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Changing param values is not allowed. Params were already logged='[${listed.join(', ')}]' for run ID='${run.run_uuid}'.`,
  );
}

/** Sets tags (last value per key wins); `mlflow.runName` also renames the run. */
export async function upsertTags(db: Db, run: RunHead, tags: readonly RunTag[]): Promise<void> {
  if (tags.length === 0) return;
  const byKey = new Map<string, string>();
  for (const t of tags) byKey.set(t.key, t.value);
  const rows = [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const part of chunks(rows, 500)) {
    await db
      .insertInto('tags')
      .values(part.map(([key, value]) => ({ key, value, run_uuid: run.run_uuid })))
      .onConflict((oc) => oc.columns(['key', 'run_uuid']).doUpdateSet({ value: sql`excluded.value` }))
      .execute();
  }
  const name = byKey.get(RUN_NAME_TAG);
  if (name !== undefined) await db.updateTable('runs').set({ name }).where('run_uuid', '=', run.run_uuid).execute();
}
