/**
 * PostgreSQL's hot paths, one round trip each, as named statements (prepared once per pooled
 * connection):
 * - a log-batch of metrics alone is one statement that checks the run, inserts the points and
 *   upserts `latest_metrics`; outside a transaction block one statement is its own transaction, so
 *   it is all or nothing and committed before it answers (five round trips before: BEGIN, the run,
 *   two INSERTs, COMMIT);
 * - a metric history comes back as one row of four arrays, with the run's existence in the same
 *   answer (node-pg's per-row parsing of 10,000 rows cost several times the query).
 * The arrays go as text literals built here (node-pg's generic array writer is slower and writes -0
 * as 0).
 */
import { MlflowError } from '@mlflow-ts/format';
import type { Metric } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import { noSuchRun } from './context.js';
import { toMlflowError } from './db-errors.js';
import { LATEST_UPSERT, type StoredMetric } from './run-writes.js';

type PgQuery = NonNullable<SqlConnection['pgQuery']>;

const textArray = (xs: readonly StoredMetric[]) =>
  `{${xs.map((x) => `"${x.key.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
const floatArray = (xs: readonly StoredMetric[]) =>
  `{${xs.map((x) => (Object.is(x.value, -0) ? '-0' : String(x.value))).join(',')}}`;
/** int8 text: String() would write 1e21 as "1e+21", which int8 refuses. */
const int8Text = (v: number) => (Number.isSafeInteger(v) ? String(v) : BigInt(v).toString());
const intArray = (xs: readonly StoredMetric[], pick: (x: StoredMetric) => number) =>
  `{${xs.map((x) => int8Text(pick(x))).join(',')}}`;
const boolArray = (xs: readonly StoredMetric[]) => `{${xs.map((x) => (x.is_nan ? 't' : 'f')).join(',')}}`;

const rowsFrom = (first: number) =>
  `unnest($${first}::text[], $${first + 1}::float8[], $${first + 2}::int8[], $${first + 3}::int8[], $${first + 4}::bool[]) AS x(k, v, t, s, n)`;

const LOG_METRICS = `WITH run AS (SELECT lifecycle_stage FROM runs WHERE run_uuid = $1),
  m AS (INSERT INTO metrics (key, value, timestamp, step, is_nan, run_uuid)
    SELECT k, v, t, s, n, $1 FROM ${rowsFrom(2)} WHERE EXISTS (SELECT 1 FROM run WHERE lifecycle_stage = 'active')
    ON CONFLICT DO NOTHING),
  l AS (INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
    SELECT k, v, t, s, n, $1 FROM ${rowsFrom(7)} WHERE EXISTS (SELECT 1 FROM run WHERE lifecycle_stage = 'active')
    ${LATEST_UPSERT})
  SELECT lifecycle_stage FROM run`;

/**
 * Writes a batch's metric rows (`metricRows`) to an active run in one statement; the run missing or
 * not active writes nothing and fails with MLflow's error.
 */
export async function pgLogMetrics(
  conn: SqlConnection,
  query: PgQuery,
  runId: string,
  points: readonly StoredMetric[],
  latest: readonly StoredMetric[],
): Promise<void> {
  if (runId.length > 32) throw noSuchRun(runId);
  const arrays = (xs: readonly StoredMetric[]) => [
    textArray(xs),
    floatArray(xs),
    intArray(xs, (x) => x.timestamp),
    intArray(xs, (x) => x.step),
    boolArray(xs),
  ];
  let rows: unknown[][];
  try {
    rows = await query('mlflow_ts_log_metrics_v1', LOG_METRICS, [runId, ...arrays(points), ...arrays(latest)]);
  } catch (err) {
    throw toMlflowError(err, conn.displayUri);
  }
  const stage = rows[0]?.[0];
  if (rows.length === 0) throw noSuchRun(runId);
  if (stage !== 'active') {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `The run ${runId} must be in the 'active' state. Current state is ${String(stage)}.`,
    );
  }
}

// Plain aggregates over the ordered subquery take its rows in that order (one Sort feeds one Agg).
const HISTORY = `SELECT EXISTS (SELECT 1 FROM runs WHERE run_uuid = $1),
  array_agg(value), array_agg(timestamp), array_agg(step), array_agg(is_nan)
  FROM (SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = $1 AND key = $2
        ORDER BY ctid LIMIT $3 OFFSET $4) p`;

/**
 * The elements of a one-dimensional array of numbers or booleans as PostgreSQL writes it (`{1,2.5,Infinity}`,
 * `{t,f}`; no element is quoted or NULL: the columns are NOT NULL); null (no rows) is empty.
 */
const elements = (text: unknown): string[] =>
  typeof text === 'string' && text.length > 2 ? text.slice(1, -1).split(',') : [];

/**
 * The points of one series in log order, `limit` (all when null) from `offset`, or
 * RESOURCE_DOES_NOT_EXIST when the run does not exist. The columns come as four array texts, split
 * here (node-pg parses an array element by element).
 */
export async function pgMetricHistory(
  conn: SqlConnection,
  query: PgQuery,
  runId: string,
  key: string,
  limit: number | null,
  offset: number,
): Promise<Metric[]> {
  if (runId.length > 32) throw noSuchRun(runId);
  let rows: unknown[][];
  try {
    rows = await query('mlflow_ts_metric_history_v1', HISTORY, [runId, key, limit, offset], true);
  } catch (err) {
    throw toMlflowError(err, conn.displayUri);
  }
  const [found, values, timestamps, steps, nans] = rows[0] ?? [];
  if (found !== 't') throw noSuchRun(runId);
  const v = elements(values);
  const t = elements(timestamps);
  const s = elements(steps);
  const n = elements(nans);
  const out = new Array<Metric>(v.length);
  for (let i = 0; i < v.length; i++)
    out[i] = { key, value: n[i] === 't' ? NaN : Number(v[i]), timestamp: Number(t[i]), step: Number(s[i]) };
  return out;
}
