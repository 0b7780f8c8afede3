/** Runs on MLflow's `runs` table and its children (SqlAlchemyStore's rules and messages). */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  MlflowError,
  RUN_NAME_TAG,
  RUN_STATUSES,
  parseFilter,
  parseOrderBy,
  resolveMaxResults,
  resolveRunName,
  sampleMetricHistoryBulkInterval,
  validateDatasetInput,
  validateLogBatch,
  validateMetric,
  validateMetricHistoryBulkIntervalRequest,
  validateMetricKey,
  validateParam,
  validateTag,
  validateTagKey,
} from '@mlflow-ts/format';
import type {
  CreateRunRequest,
  DatasetInput,
  LogBatchRequest,
  Metric,
  MetricHistoryBulkIntervalRequest,
  MetricHistoryRequest,
  MetricWithRunId,
  ModelInputRef,
  ModelOutputRef,
  Page,
  Run,
  RunInfo,
  SearchRunsRequest,
  UpdateRunRequest,
} from '@mlflow-ts/format';
import { compileSqlFilter, compileSqlOrderBy, JoinSet, pageWindow, presentInFilter, toPage } from '../search/index.js';
import { appendUriPath, experimentIdNumber, noSuchRun, type TrackingContext } from './context.js';
import { loadRuns, metricEntity, runInfoEntity } from './entities.js';
import { requireExperiment } from './experiments.js';
import { pgLogMetrics, pgMetricHistory } from './pg-metrics.js';
import { insertMetrics, insertParams, metricRows, requireActiveRun, requireRun, upsertTags } from './run-writes.js';
import { runSearchScope } from './search-scopes.js';
import { chunks, inWriteTransaction, read, type Db } from './transactions.js';

const newId = () => randomUUID().replace(/-/g, '');

export async function createRun(ctx: TrackingContext, req: CreateRunRequest): Promise<Run> {
  const experimentId = req.experiment_id || '0';
  const tags = new Map<string, string>();
  (req.tags ?? []).forEach((t, i) => {
    const v = validateTag(t, `tags[${i}]`);
    tags.set(v.key, v.value);
  });
  const runName = resolveRunName(req.run_name, tags.get(RUN_NAME_TAG));
  tags.set(RUN_NAME_TAG, runName);
  const runId = newId();
  const startTime = req.start_time ?? Date.now();
  const userId = req.user_id ?? '';
  await inWriteTransaction(ctx.conn, async (db) => {
    const exp = await requireExperiment(db, experimentId);
    if (exp.lifecycle_stage !== 'active') {
      throw new MlflowError(
        'INVALID_STATE',
        `The experiment ${experimentId} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`,
      );
    }
    await db
      .insertInto('runs')
      .values({
        run_uuid: runId,
        name: runName,
        source_type: 'UNKNOWN',
        source_name: '',
        entry_point_name: '',
        user_id: userId,
        status: 'RUNNING',
        start_time: startTime,
        end_time: null,
        deleted_time: null,
        source_version: '',
        lifecycle_stage: 'active',
        artifact_uri: appendUriPath(exp.artifact_location ?? '', runId, 'artifacts'),
        experiment_id: exp.experiment_id,
      })
      .execute();
    await db
      .insertInto('tags')
      .values([...tags].map(([key, value]) => ({ key, value, run_uuid: runId })))
      .execute();
  });
  return getRun(ctx, runId);
}

export async function getRun(ctx: TrackingContext, runId: string): Promise<Run> {
  const [run] = await read(ctx.conn, (db) => loadRuns(db, [runId]));
  if (!run) throw noSuchRun(runId);
  return run;
}

export async function updateRun(ctx: TrackingContext, runId: string, req: UpdateRunRequest): Promise<RunInfo> {
  if (req.status !== undefined && !RUN_STATUSES.includes(req.status)) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Invalid run status '${String(req.status)}'; expected one of ${RUN_STATUSES.join(', ')}`,
    );
  }
  return inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    const set: { status?: string; end_time?: number } = {};
    if (req.status !== undefined) set.status = req.status;
    if (req.end_time !== undefined) set.end_time = req.end_time;
    if (Object.keys(set).length > 0) await db.updateTable('runs').set(set).where('run_uuid', '=', runId).execute();
    if (req.run_name) await upsertTags(db, run, [validateTag({ key: RUN_NAME_TAG, value: req.run_name })]);
    const row = await db.selectFrom('runs').selectAll().where('run_uuid', '=', runId).executeTakeFirstOrThrow();
    return runInfoEntity(row);
  });
}

export async function setRunLifecycle(ctx: TrackingContext, runId: string, stage: 'active' | 'deleted'): Promise<void> {
  await inWriteTransaction(ctx.conn, async (db) => {
    await requireRun(db, runId);
    await db
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? Date.now() : null })
      .where('run_uuid', '=', runId)
      .execute();
  });
}

const START_TIME_DESC = sql`runs.start_time DESC`;
const RUN_ID_ASC = sql`runs.run_uuid ASC`;

export async function searchRuns(ctx: TrackingContext, req: SearchRunsRequest): Promise<Page<Run>> {
  const maxResults = resolveMaxResults('runs', req.max_results);
  const filter = parseFilter(req.filter, 'runs');
  const clauses = parseOrderBy(req.order_by, 'runs');
  const window = pageWindow(maxResults, req.page_token);
  const experimentIds = (req.experiment_ids ?? []).map(experimentIdNumber).filter((n): n is number => n !== null);
  if (experimentIds.length === 0) return { items: [] };
  const viewType = req.run_view_type ?? 'ACTIVE_ONLY';
  const stages = viewType === 'ALL' ? ['active', 'deleted'] : viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
  const joins = new JoinSet();
  const where = compileSqlFilter(filter, runSearchScope(ctx.conn.dialect, joins, 'filter'));
  const present = presentInFilter(filter);
  const order = [
    ...compileSqlOrderBy(clauses, runSearchScope(ctx.conn.dialect, joins, 'order'), present),
    START_TIME_DESC,
    RUN_ID_ASC,
  ];
  return read(ctx.conn, async (db) => {
    const q = sql<{ run_uuid: string }>`SELECT runs.run_uuid FROM runs ${joins.toSql()}
      WHERE runs.experiment_id IN (${sql.join(experimentIds)}) AND runs.lifecycle_stage IN (${sql.join(stages)}) AND ${where}
      ORDER BY ${sql.join(order)} ${window.limitSql}`;
    const ids = (await q.execute(db)).rows.map((r) => r.run_uuid);
    const page = toPage(ids, window);
    const out: Page<Run> = { items: await loadRuns(db, page.items) };
    if (page.next_page_token) out.next_page_token = page.next_page_token;
    return out;
  });
}

export async function logMetric(ctx: TrackingContext, runId: string, metric: Metric): Promise<void> {
  validateMetric(metric);
  const m = { ...metric, step: metric.step ?? 0 };
  if (await pgFastMetrics(ctx, runId, [m])) return;
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    await insertMetrics(db, ctx.conn.dialect, run, [m]);
  });
}

export async function logParam(
  ctx: TrackingContext,
  runId: string,
  param: { key: string; value: string },
): Promise<void> {
  const p = validateParam(param);
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    await insertParams(db, run, [p], true);
  });
}

export async function setTag(ctx: TrackingContext, runId: string, tag: { key: string; value: string }): Promise<void> {
  const t = validateTag(tag);
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    await upsertTags(db, run, [t]);
  });
}

export async function deleteTag(ctx: TrackingContext, runId: string, key: string): Promise<void> {
  validateTagKey(key);
  await inWriteTransaction(ctx.conn, async (db) => {
    await requireActiveRun(db, runId);
    const r = await db.deleteFrom('tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0)
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
  });
}

/** Params, metrics and tags in one transaction: all of the batch or none of it. */
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

export async function logInputs(
  ctx: TrackingContext,
  runId: string,
  req: { datasets?: DatasetInput[]; models?: ModelInputRef[] },
): Promise<void> {
  for (const d of req.datasets ?? []) validateDatasetInput(d);
  // MLflow keeps the first of several inputs with one (name, digest).
  const unique = new Map<string, DatasetInput>();
  for (const d of req.datasets ?? []) {
    const k = `${d.dataset.name}\u0000${d.dataset.digest}`;
    if (!unique.has(k)) unique.set(k, d);
  }
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireActiveRun(db, runId);
    for (const d of unique.values()) {
      const { dataset } = d;
      await db
        .insertInto('datasets')
        .values({
          dataset_uuid: newId(),
          experiment_id: run.experiment_id,
          name: dataset.name,
          digest: dataset.digest,
          dataset_source_type: dataset.source_type,
          dataset_source: dataset.source,
          dataset_schema: dataset.schema ?? null,
          dataset_profile: dataset.profile ?? null,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const { dataset_uuid: datasetUuid } = await db
        .selectFrom('datasets')
        .select('dataset_uuid')
        .where('experiment_id', '=', run.experiment_id)
        .where('name', '=', dataset.name)
        .where('digest', '=', dataset.digest)
        .executeTakeFirstOrThrow();
      const inputUuid = newId();
      const inserted = await db
        .insertInto('inputs')
        .values({
          input_uuid: inputUuid,
          source_type: 'DATASET',
          source_id: datasetUuid,
          destination_type: 'RUN',
          destination_id: runId,
          step: 0,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('input_uuid')
        .execute();
      const tags = new Map(d.tags.map((t) => [t.key, t.value]));
      if (inserted.length > 0 && tags.size > 0) {
        await db
          .insertInto('input_tags')
          .values([...tags].map(([name, value]) => ({ input_uuid: inputUuid, name, value })))
          .execute();
      }
    }
    for (const m of req.models ?? []) {
      await db
        .insertInto('inputs')
        .values({
          input_uuid: newId(),
          source_type: 'RUN_INPUT',
          source_id: runId,
          destination_type: 'MODEL_INPUT',
          destination_id: m.model_id,
          step: 0,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  });
}

export async function logOutputs(ctx: TrackingContext, runId: string, models: ModelOutputRef[]): Promise<void> {
  await inWriteTransaction(ctx.conn, async (db) => {
    await requireActiveRun(db, runId);
    for (const m of models) {
      await db
        .insertInto('inputs')
        .values({
          input_uuid: newId(),
          source_type: 'RUN_OUTPUT',
          source_id: runId,
          destination_type: 'MODEL_OUTPUT',
          destination_id: m.model_id,
          step: m.step ?? 0,
        })
        .onConflict((oc) =>
          oc
            .columns(['source_type', 'source_id', 'destination_type', 'destination_id'])
            .doUpdateSet({ step: m.step ?? 0 }),
        )
        .execute();
    }
  });
}

export async function listDeletedRuns(
  ctx: TrackingContext,
): Promise<{ run_id: string; experiment_id: string; deleted_time?: number }[]> {
  return read(ctx.conn, async (db) => {
    const rows = await db
      .selectFrom('runs')
      .select(['run_uuid', 'experiment_id', 'deleted_time'])
      .where('lifecycle_stage', '=', 'deleted')
      .execute();
    return rows.map((r) => {
      const out: { run_id: string; experiment_id: string; deleted_time?: number } = {
        run_id: r.run_uuid,
        experiment_id: String(r.experiment_id),
      };
      if (r.deleted_time !== null) out.deleted_time = Number(r.deleted_time);
      return out;
    });
  });
}

/** Every row that belongs to these runs, then the runs (the FKs from MLflow's schema do not cascade). */
export async function deleteRunRows(db: Db, runIds: string[]): Promise<void> {
  for (const ids of chunks(runIds, 500)) {
    if (ids.length === 0) continue;
    for (const table of ['metrics', 'latest_metrics', 'params', 'tags'] as const)
      await db.deleteFrom(table).where('run_uuid', 'in', ids).execute();
    const runInputs = db
      .selectFrom('inputs')
      .select('input_uuid')
      .where('destination_type', '=', 'RUN')
      .where('destination_id', 'in', ids);
    await db.deleteFrom('input_tags').where('input_uuid', 'in', runInputs).execute();
    await db.deleteFrom('inputs').where('destination_type', '=', 'RUN').where('destination_id', 'in', ids).execute();
    await db
      .deleteFrom('inputs')
      .where('source_type', 'in', ['RUN_INPUT', 'RUN_OUTPUT'])
      .where('source_id', 'in', ids)
      .execute();
    await db.deleteFrom('logged_model_metrics').where('run_id', 'in', ids).execute();
    await db.deleteFrom('runs').where('run_uuid', 'in', ids).execute();
  }
}

export async function hardDeleteRun(ctx: TrackingContext, runId: string): Promise<void> {
  await inWriteTransaction(ctx.conn, async (db) => {
    const run = await requireRun(db, runId);
    if (run.lifecycle_stage !== 'deleted') {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Run ${runId} must be deleted before it can be permanently removed.`,
      );
    }
    await deleteRunRows(db, [runId]);
  });
}
