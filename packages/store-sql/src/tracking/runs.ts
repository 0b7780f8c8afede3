/** Runs on MLflow's `runs` table and its children (SqlAlchemyStore's rules and messages). */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  type CreateRunRequest,
  type DatasetInput,
  MlflowError,
  type ModelInputRef,
  type ModelOutputRef,
  type Page,
  RUN_NAME_TAG,
  RUN_STATUSES,
  type Run,
  type RunInfo,
  type SearchRunsRequest,
  type UpdateRunRequest,
  parseFilter,
  parseOrderBy,
  resolveMaxResults,
  resolveRunName,
  validateDatasetInput,
  validateParam,
  validateTag,
  validateTagKey,
} from '@mlflow-ts/format';
import { compileSqlFilter, compileSqlOrderBy, JoinSet, pageWindow, presentInFilter, toPage } from '../search/index.js';
import { appendUriPath, assertDeletedForGc, experimentIdNumber, noSuchRun, type TrackingContext } from './context.js';
import { loadRuns, runInfoEntity } from './entities.js';
import { requireExperiment } from './experiments.js';
import { insertParams, requireActiveRun, requireRun, upsertTags } from './run-writes.js';
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
    assertDeletedForGc('Run', runId, run.lifecycle_stage);
    await deleteRunRows(db, [runId]);
  });
}
