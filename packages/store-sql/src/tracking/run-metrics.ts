/** Metrics of a run: log-metric, log-batch, metric histories (SqlAlchemyStore's rules and messages). */
import { sql } from 'kysely';
import {
  MlflowError,
  sampleMetricHistoryBulkInterval,
  validateLogBatch,
  validateMetric,
  validateMetricHistoryBulkIntervalRequest,
  validateMetricKey,
} from '@mlflow-ts/format';
import type {
  LogBatchRequest,
  Metric,
  MetricHistoryBulkIntervalRequest,
  MetricHistoryRequest,
  MetricWithRunId,
  Page,
} from '@mlflow-ts/format';
import { pageWindow, toPage } from '../search/index.js';
import { noSuchRun, type TrackingContext } from './context.js';
import { metricEntity } from './entities.js';
import { pgLogMetrics, pgMetricHistory } from './pg-metrics.js';
import { insertMetrics, insertParams, metricRows, requireActiveRun, requireRun, upsertTags } from './run-writes.js';
import { inWriteTransaction, read } from './transactions.js';

export async function logMetric(ctx: TrackingContext, runId: string, metric: Metric): Promise<void> {
  validateMetric(metric);
  const m = { ...metric, step: metric.step ?? 0 };
  if (await pgFastMetrics(ctx, runId, [m])) return;
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    await insertMetrics(db, ctx.conn.dialect, run, [m]);
  });
}

/**
 * PostgreSQL, metrics alone (no params or tags, no model_id): one statement (pg-metrics.ts). False
 * when the batch needs the transaction path.
 */
async function pgFastMetrics(ctx: TrackingContext, runId: string, metrics: readonly Metric[]): Promise<boolean> {
  const query = ctx.conn.pgQuery;
  if (!query || typeof runId !== 'string' || metrics.length === 0 || metrics.some((m) => m.model_id)) return false;
  const { points, latest } = metricRows(metrics);
  await pgLogMetrics(ctx.conn, query, runId, points, latest);
  return true;
}

/** Params, metrics and tags in one transaction: all of the batch or none of it. */
export async function logBatch(ctx: TrackingContext, runId: string, batch: LogBatchRequest): Promise<void> {
  const valid = validateLogBatch(batch);
  if (valid.params.length === 0 && valid.tags.length === 0 && (await pgFastMetrics(ctx, runId, valid.metrics))) return;
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    await insertParams(db, run, valid.params, false);
    await insertMetrics(db, ctx.conn.dialect, run, valid.metrics);
    await upsertTags(db, run, valid.tags);
  });
}

/** Physical insertion order: log order (metrics rows are never updated). */
function logOrder(ctx: TrackingContext) {
  return ctx.conn.dialect === 'sqlite' ? sql`rowid` : sql`ctid`;
}

export async function getMetricHistory(
  ctx: TrackingContext,
  runId: string,
  key: string,
  req?: MetricHistoryRequest,
): Promise<Page<Metric>> {
  validateMetricKey(key, 'metric_key');
  const maxResults = req?.max_results;
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 1)) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value for max_results: ${maxResults}; it must be a positive integer`,
    );
  }
  const window = pageWindow(maxResults ?? 1, req?.page_token);
  let limit = sql``;
  if (maxResults !== undefined) limit = window.limitSql;
  else if (window.offset > 0)
    limit = ctx.conn.dialect === 'sqlite' ? sql`LIMIT -1 OFFSET ${window.offset}` : sql`OFFSET ${window.offset}`;
  if (ctx.conn.pgQuery && typeof runId === 'string') {
    const limitRows = maxResults === undefined ? null : window.maxResults + 1;
    const rows = await pgMetricHistory(ctx.conn, ctx.conn.pgQuery, runId, key, limitRows, window.offset);
    return maxResults === undefined ? { items: rows } : toPage(rows, window);
  }
  return read(ctx.conn, async (db) => {
    await requireRun(db, runId);
    const rows = (
      await sql<{ key: string; value: number; timestamp: number; step: number; is_nan: boolean | number }>`
      SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ${runId} AND key = ${key} ORDER BY ${logOrder(ctx)} ${limit}`.execute(
        db,
      )
    ).rows.map(metricEntity);
    return maxResults === undefined ? { items: rows } : toPage(rows, window);
  });
}

export async function getMetricHistoryBulkInterval(
  ctx: TrackingContext,
  req: MetricHistoryBulkIntervalRequest,
): Promise<MetricWithRunId[]> {
  validateMetricHistoryBulkIntervalRequest(req);
  return read(ctx.conn, async (db) => {
    const ids = [...new Set(req.run_ids)];
    const found = new Set(
      (await db.selectFrom('runs').select('run_uuid').where('run_uuid', 'in', ids).execute()).map((r) => r.run_uuid),
    );
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw noSuchRun(missing);
    const rows = (
      await sql<{
        run_uuid: string;
        key: string;
        value: number;
        timestamp: number;
        step: number;
        is_nan: boolean | number;
      }>`
      SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics WHERE key = ${req.metric_key} AND run_uuid IN (${sql.join(ids)})
      ORDER BY run_uuid, ${logOrder(ctx)}`.execute(db)
    ).rows;
    const byRun = new Map<string, Metric[]>(ids.map((id) => [id, []]));
    for (const r of rows) byRun.get(r.run_uuid)?.push(metricEntity(r));
    return sampleMetricHistoryBulkInterval(
      req.run_ids.map((id) => ({ run_id: id, history: byRun.get(id) ?? [] })),
      req,
    );
  });
}
