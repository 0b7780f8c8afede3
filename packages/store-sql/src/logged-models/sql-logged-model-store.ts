/**
 * MLflow 3 logged models on MLflow's SQL schema (SqlAlchemyStore's `*_logged_model*` methods):
 * `logged_models` with its tags, params and metrics tables. Every write is one transaction.
 * Metrics reach a model through the tracking store's log_metric/log_batch (`recordModelMetrics`).
 */
import { sql } from 'kysely';
import {
  MlflowError,
  checkLoggedModelId,
  generateLoggedModelName,
  loggedModelArtifactLocation,
  newLoggedModelId,
  validateCreateLoggedModel,
  validateLoggedModelName,
  validateParam,
  validateTag,
  validateTagKey,
  LOGGED_MODEL_STATUS_NUMBERS,
} from '@mlflow-ts/format';
import type { Experiment, LoggedModel, LoggedModelStore } from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import type { Db } from '../tracking/transactions.js';
import { inWriteTransaction, read } from '../tracking/transactions.js';
import { loadLoggedModels } from './model-rows.js';
import { searchLoggedModelIds } from './model-search.js';

export interface SqlLoggedModelDeps {
  /** The experiment (RESOURCE_DOES_NOT_EXIST when unknown), as the tracking store answers it. */
  getExperiment(id: string): Promise<Experiment>;
}

const notFound = (modelId: string) =>
  new MlflowError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found.`);

/** The model's row (experiment id) for a write; deleted models count as missing, like get. */
async function requireModel(db: Db, modelId: string): Promise<{ experiment_id: number }> {
  checkLoggedModelId(modelId);
  const row = await db
    .selectFrom('logged_models')
    .select(['experiment_id', 'lifecycle_stage'])
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  if (!row || row.lifecycle_stage === 'deleted') throw notFound(modelId);
  return row;
}

async function getModel(db: Db, modelId: string): Promise<LoggedModel> {
  checkLoggedModelId(modelId);
  const [model] = await loadLoggedModels(db, [modelId]);
  if (!model) throw notFound(modelId);
  return model;
}

/** MLflow's tables of a logged model's tags and params: table, key column, value column. */
const KEY_VALUE_TABLES = {
  tags: ['logged_model_tags', 'tag_key', 'tag_value'],
  params: ['logged_model_params', 'param_key', 'param_value'],
} as const;

type KeyValueKind = keyof typeof KEY_VALUE_TABLES;

/**
 * Writes a model's tags or params; the last value wins for a key given twice (MLflow's
 * session.add_all would fail the primary key), and a stored key takes the new value.
 */
async function writeKeyValues(
  db: Db,
  modelId: string,
  experimentId: number,
  kind: KeyValueKind,
  items: readonly { key: string; value: string }[],
): Promise<void> {
  const last = [...new Map(items.map((x) => [x.key, x.value]))];
  if (last.length === 0) return;
  const [table, keyColumn, valueColumn] = KEY_VALUE_TABLES[kind].map((name) => sql.raw(name));
  const rows = last.map(([key, value]) => sql`(${modelId}, ${experimentId}, ${key}, ${value})`);
  await sql`INSERT INTO ${table} (model_id, experiment_id, ${keyColumn}, ${valueColumn}) VALUES ${sql.join(rows)}
    ON CONFLICT (model_id, ${keyColumn}) DO UPDATE SET ${valueColumn} = excluded.${valueColumn}`.execute(db);
}

export function createSqlLoggedModelStore(conn: SqlConnection, deps: SqlLoggedModelDeps): LoggedModelStore {
  let lastTime = 0;
  // Strictly increasing within this process, so the default order (newest first) is deterministic.
  const now = () => (lastTime = Math.max(Date.now(), lastTime + 1));

  /** Sets a model's tags or params (the id, then the items checked first), in one transaction. */
  const upsertKeyValues = async (
    modelId: string,
    kind: KeyValueKind,
    valid: () => { key: string; value: string }[],
  ) => {
    checkLoggedModelId(modelId);
    const items = valid();
    await inWriteTransaction(conn, async (db) => {
      const { experiment_id } = await requireModel(db, modelId);
      await writeKeyValues(db, modelId, experiment_id, kind, items);
    });
  };

  return {
    async createLoggedModel(req) {
      validateLoggedModelName(req.name);
      const exp = await deps.getExperiment(req.experiment_id);
      const { params, tags } = validateCreateLoggedModel(req, exp);
      const modelId = newLoggedModelId();
      const experimentId = Number(exp.experiment_id);
      const t = now();
      return inWriteTransaction(conn, async (db) => {
        await db
          .insertInto('logged_models')
          .values({
            model_id: modelId,
            experiment_id: experimentId,
            name: req.name ?? generateLoggedModelName(),
            artifact_location: loggedModelArtifactLocation(exp.artifact_location, modelId),
            creation_timestamp_ms: t,
            last_updated_timestamp_ms: t,
            status: LOGGED_MODEL_STATUS_NUMBERS.LOGGED_MODEL_PENDING,
            lifecycle_stage: 'active',
            model_type: req.model_type ?? null,
            source_run_id: req.source_run_id ?? null,
            status_message: null,
          })
          .execute();
        await writeKeyValues(db, modelId, experimentId, 'params', params);
        await writeKeyValues(db, modelId, experimentId, 'tags', tags);
        return getModel(db, modelId);
      });
    },

    async finalizeLoggedModel(modelId, status) {
      const number = LOGGED_MODEL_STATUS_NUMBERS[status];
      if (number === undefined) throw MlflowError.invalidParameter(`Unknown model status: ${String(status)}`);
      return inWriteTransaction(conn, async (db) => {
        await requireModel(db, modelId);
        await db
          .updateTable('logged_models')
          .set({ status: number, last_updated_timestamp_ms: now() })
          .where('model_id', '=', modelId)
          .execute();
        return getModel(db, modelId);
      });
    },

    getLoggedModel: (modelId) => read(conn, (db) => getModel(db, modelId)),

    async deleteLoggedModel(modelId) {
      await inWriteTransaction(conn, async (db) => {
        await requireModel(db, modelId);
        await db
          .updateTable('logged_models')
          .set({ lifecycle_stage: 'deleted', last_updated_timestamp_ms: now() })
          .where('model_id', '=', modelId)
          .execute();
      });
    },

    searchLoggedModels: (req) =>
      read(conn, async (db) => {
        const page = await searchLoggedModelIds(db, conn.dialect, req);
        const items = await loadLoggedModels(db, page.items);
        return page.next_page_token ? { items, next_page_token: page.next_page_token } : { items };
      }),

    setLoggedModelTags: (modelId, tags) => upsertKeyValues(modelId, 'tags', () => tags.map((t) => validateTag(t))),

    async deleteLoggedModelTag(modelId, key) {
      checkLoggedModelId(modelId);
      validateTagKey(key);
      await inWriteTransaction(conn, async (db) => {
        await requireModel(db, modelId);
        const r = await db
          .deleteFrom('logged_model_tags')
          .where('model_id', '=', modelId)
          .where('tag_key', '=', key)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) {
          throw new MlflowError(
            'RESOURCE_DOES_NOT_EXIST',
            `No tag with key '${key}' found for model with ID '${modelId}'.`,
          );
        }
      });
    },

    logLoggedModelParams: (modelId, params) =>
      upsertKeyValues(modelId, 'params', () => params.map((p) => validateParam(p))),
  };
}
