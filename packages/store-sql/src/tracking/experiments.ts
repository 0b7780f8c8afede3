/** Experiments on MLflow's `experiments` / `experiment_tags` tables (SqlAlchemyStore's rules and messages). */
import { isAbsolute, resolve } from 'node:path';
import { sql } from 'kysely';
import {
  MlflowError,
  parseFilter,
  parseOrderBy,
  resolveMaxResults,
  validateExperimentName,
  validateExperimentTag,
  validateTagKey,
} from '@mlflow-ts/format';
import type { Experiment, ExperimentTag, OrderByClause, Page, SearchExperimentsRequest } from '@mlflow-ts/format';
import { compileSqlFilter, compileSqlOrderBy, JoinSet, pageWindow, toPage } from '../search/index.js';
import { experimentEntity } from './entities.js';
import {
  appendUriPath,
  assertDeletedForGc,
  experimentIdNumber,
  noSuchExperiment,
  type TrackingContext,
} from './context.js';
import { experimentSearchScope } from './search-scopes.js';
import { chunks, inWriteTransaction, read, type Db } from './transactions.js';

export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** MLflow's `_create_default_experiment`: experiment 0 named Default, when there is none. */
export async function ensureDefaultExperiment(ctx: TrackingContext): Promise<void> {
  const existing = await read(ctx.conn, (db) =>
    db.selectFrom('experiments').select('experiment_id').where('experiment_id', '=', 0).executeTakeFirst(),
  );
  if (existing) return;
  const now = Date.now();
  await inWriteTransaction(ctx.conn, (db) =>
    db
      .insertInto('experiments')
      .values({
        experiment_id: 0,
        name: DEFAULT_EXPERIMENT_NAME,
        artifact_location: appendUriPath(ctx.artifactRoot, '0'),
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
      })
      .onConflict((oc) => oc.doNothing())
      .execute(),
  );
}

async function experimentRow(db: Db, id: number) {
  return db.selectFrom('experiments').selectAll().where('experiment_id', '=', id).executeTakeFirst();
}

async function withTags(db: Db, rows: Awaited<ReturnType<typeof experimentRow>>[]): Promise<Experiment[]> {
  const present = rows.filter((r): r is NonNullable<typeof r> => r !== undefined);
  const tags = new Map<number, { key: string; value: string | null }[]>();
  for (const ids of chunks(
    present.map((r) => r.experiment_id),
    500,
  )) {
    if (ids.length === 0) continue;
    for (const t of await db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', ids).execute()) {
      const list = tags.get(t.experiment_id) ?? [];
      list.push(t);
      tags.set(t.experiment_id, list);
    }
  }
  return present.map((r) => experimentEntity(r, tags.get(r.experiment_id) ?? []));
}

/** The experiment row, or RESOURCE_DOES_NOT_EXIST (`stage` restricts the lifecycle stage, as MLflow's view types). */
export async function requireExperiment(db: Db, id: string, stage?: 'active' | 'deleted') {
  const n = experimentIdNumber(id);
  const row = n === null ? undefined : await experimentRow(db, n);
  if (!row || (stage && row.lifecycle_stage !== stage)) throw noSuchExperiment(id);
  return row;
}

function checkActive(row: { experiment_id: number; lifecycle_stage: string | null }): void {
  if (row.lifecycle_stage !== 'active') {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `The experiment ${row.experiment_id} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
    );
  }
}

/** MLflow's checks (`MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH`, 2048) and `resolve_uri_if_local` (relative paths made absolute). */
function artifactLocation(location: string): string {
  if (location.startsWith('runs:') || location.includes('#')) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid artifact location: '${location}'`);
  }
  const resolved = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location) || isAbsolute(location) ? location : resolve(location);
  if (resolved.length > 2048) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      'Invalid artifact path length. The length of the artifact path cannot be greater than 2048 characters. ' +
        'To configure this limit, please set the MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH environment variable.',
    );
  }
  return resolved;
}

function alreadyExists(name: string): MlflowError {
  return new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
}

export async function createExperiment(
  ctx: TrackingContext,
  req: { name: string; artifact_location?: string; tags?: ExperimentTag[] },
): Promise<string> {
  const name = validateExperimentName(req.name);
  const location = req.artifact_location ? artifactLocation(req.artifact_location) : undefined;
  const tags = new Map((req.tags ?? []).map((t) => validateExperimentTag(t)).map((t) => [t.key, t.value]));
  try {
    return await inWriteTransaction(ctx.conn, async (db) => {
      if (await db.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst())
        throw alreadyExists(name);
      const now = Date.now();
      const { experiment_id: id } = await db
        .insertInto('experiments')
        .values({
          name,
          artifact_location: location ?? null,
          lifecycle_stage: 'active',
          creation_time: now,
          last_update_time: now,
        })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      if (location === undefined) {
        await db
          .updateTable('experiments')
          .set({ artifact_location: appendUriPath(ctx.artifactRoot, String(id)) })
          .where('experiment_id', '=', id)
          .execute();
      }
      if (tags.size > 0) {
        await db
          .insertInto('experiment_tags')
          .values([...tags].map(([key, value]) => ({ experiment_id: id, key, value })))
          .execute();
      }
      return String(id);
    });
  } catch (err) {
    if (MlflowError.isInstance(err) && err.code === 'RESOURCE_ALREADY_EXISTS') throw alreadyExists(name);
    throw err;
  }
}

export async function getExperiment(ctx: TrackingContext, id: string): Promise<Experiment> {
  return read(ctx.conn, async (db) => {
    const [e] = await withTags(db, [await requireExperiment(db, id)]);
    if (!e) throw noSuchExperiment(id);
    return e;
  });
}

export async function getExperimentByName(ctx: TrackingContext, name: string): Promise<Experiment | null> {
  return read(ctx.conn, async (db) => {
    const row = await db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    return (await withTags(db, [row]))[0] ?? null;
  });
}

const attr = (key: string, ascending: boolean): OrderByClause => ({
  identifier: { type: 'attribute', key },
  ascending,
});

export async function searchExperiments(
  ctx: TrackingContext,
  req: SearchExperimentsRequest = {},
): Promise<Page<Experiment>> {
  const maxResults = resolveMaxResults('experiments', req.max_results);
  const filter = parseFilter(req.filter, 'experiments');
  let clauses = parseOrderBy(req.order_by, 'experiments');
  const window = pageWindow(maxResults, req.page_token);
  if (clauses.length === 0) clauses = [attr('creation_time', false), attr('experiment_id', true)];
  else if (!clauses.some((c) => c.identifier.type === 'attribute' && c.identifier.key === 'experiment_id'))
    clauses = [...clauses, attr('experiment_id', false)];
  const viewType = req.view_type ?? 'ACTIVE_ONLY';
  const stages = viewType === 'ALL' ? ['active', 'deleted'] : viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
  const joins = new JoinSet();
  const scope = experimentSearchScope(ctx.conn.dialect, joins);
  const where = compileSqlFilter(filter, scope);
  const order = compileSqlOrderBy(clauses, scope);
  return read(ctx.conn, async (db) => {
    const q = sql<{ experiment_id: number }>`SELECT experiments.experiment_id FROM experiments ${joins.toSql()}
      WHERE experiments.lifecycle_stage IN (${sql.join(stages)}) AND ${where}
      ORDER BY ${sql.join(order)} ${window.limitSql}`;
    const ids = (await q.execute(db)).rows.map((r) => Number(r.experiment_id));
    const page = toPage(ids, window);
    const rows = new Map<number, Experiment>();
    for (const part of chunks(page.items, 500)) {
      if (part.length === 0) continue;
      const found = await db.selectFrom('experiments').selectAll().where('experiment_id', 'in', part).execute();
      for (const e of await withTags(db, found)) rows.set(Number(e.experiment_id), e);
    }
    const out: Page<Experiment> = {
      items: page.items.map((id) => rows.get(id)).filter((e): e is Experiment => e !== undefined),
    };
    if (page.next_page_token) out.next_page_token = page.next_page_token;
    return out;
  });
}

export async function renameExperiment(ctx: TrackingContext, id: string, newName: string): Promise<void> {
  const name = validateExperimentName(newName);
  try {
    await inWriteTransaction(ctx.conn, async (db) => {
      const row = await requireExperiment(db, id);
      if (row.lifecycle_stage !== 'active')
        throw new MlflowError('INVALID_STATE', 'Cannot rename a non-active experiment.');
      const other = await db
        .selectFrom('experiments')
        .select('experiment_id')
        .where('name', '=', name)
        .executeTakeFirst();
      if (other && other.experiment_id !== row.experiment_id) throw alreadyExists(name);
      await db
        .updateTable('experiments')
        .set({ name, last_update_time: Date.now() })
        .where('experiment_id', '=', row.experiment_id)
        .execute();
    });
  } catch (err) {
    if (MlflowError.isInstance(err) && err.code === 'RESOURCE_ALREADY_EXISTS') throw alreadyExists(name);
    throw err;
  }
}

export async function setExperimentTag(ctx: TrackingContext, id: string, tag: ExperimentTag): Promise<void> {
  const { key, value } = validateExperimentTag(tag);
  await inWriteTransaction(ctx.conn, async (db) => {
    const row = await requireExperiment(db, id);
    checkActive(row);
    await db
      .insertInto('experiment_tags')
      .values({ experiment_id: row.experiment_id, key, value })
      .onConflict((oc) => oc.columns(['key', 'experiment_id']).doUpdateSet({ value }))
      .execute();
  });
}

export async function deleteExperimentTag(ctx: TrackingContext, id: string, key: string): Promise<void> {
  validateTagKey(key);
  await inWriteTransaction(ctx.conn, async (db) => {
    const row = await requireExperiment(db, id);
    checkActive(row);
    const r = await db
      .deleteFrom('experiment_tags')
      .where('experiment_id', '=', row.experiment_id)
      .where('key', '=', key)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) {
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in experiment with id ${id}`);
    }
  });
}

/**
 * Deletes or restores an experiment and, as MLflow's SQL store does, every run in it (deleted runs
 * get a deleted_time, restored ones lose it).
 */
export async function setExperimentLifecycle(
  ctx: TrackingContext,
  id: string,
  stage: 'active' | 'deleted',
): Promise<void> {
  await inWriteTransaction(ctx.conn, async (db) => {
    const row = await requireExperiment(db, id, stage === 'deleted' ? 'active' : 'deleted');
    const now = Date.now();
    await db
      .updateTable('experiments')
      .set({ lifecycle_stage: stage, last_update_time: now })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
    await db
      .updateTable('runs')
      .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('experiment_id', '=', row.experiment_id)
      .execute();
  });
}

/** `mlflow gc`: a deleted experiment and everything in it, for good. */
export async function hardDeleteExperiment(
  ctx: TrackingContext,
  id: string,
  deleteRunRows: (db: Db, runIds: string[]) => Promise<void>,
): Promise<void> {
  await inWriteTransaction(ctx.conn, async (db) => {
    const row = await requireExperiment(db, id);
    assertDeletedForGc('Experiment', id, row.lifecycle_stage);
    const eid = row.experiment_id;
    const runIds = (await db.selectFrom('runs').select('run_uuid').where('experiment_id', '=', eid).execute()).map(
      (r) => r.run_uuid,
    );
    for (const part of chunks(runIds, 500)) await deleteRunRows(db, part);
    const traceIds = db.selectFrom('trace_info').select('request_id').where('experiment_id', '=', eid);
    for (const table of ['assessments', 'spans'] as const)
      await db.deleteFrom(table).where('trace_id', 'in', traceIds).execute();
    for (const table of ['trace_tags', 'trace_request_metadata'] as const)
      await db.deleteFrom(table).where('request_id', 'in', traceIds).execute();
    await db.deleteFrom('trace_info').where('experiment_id', '=', eid).execute();
    const modelIds = db.selectFrom('logged_models').select('model_id').where('experiment_id', '=', eid);
    for (const table of ['logged_model_metrics', 'logged_model_params', 'logged_model_tags'] as const) {
      await db.deleteFrom(table).where('model_id', 'in', modelIds).execute();
    }
    await db.deleteFrom('logged_models').where('experiment_id', '=', eid).execute();
    await db.deleteFrom('datasets').where('experiment_id', '=', eid).execute();
    await db.deleteFrom('experiment_tags').where('experiment_id', '=', eid).execute();
    const scorerIds = db.selectFrom('scorers').select('scorer_id').where('experiment_id', '=', eid);
    await db.deleteFrom('scorer_versions').where('scorer_id', 'in', scorerIds).execute();
    await db.deleteFrom('scorers').where('experiment_id', '=', eid).execute();
    await db.deleteFrom('experiments').where('experiment_id', '=', eid).execute();
  });
}
