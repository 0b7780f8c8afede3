/**
 * `createSqlRegistryStore`: the model registry on MLflow's own tables (registered_models,
 * model_versions, registered_model_tags, model_version_tags, registered_model_aliases), behaving as
 * MLflow's SqlAlchemyStore (mlflow/store/model_registry/sqlalchemy_store.py). Version numbers come
 * from the database: the creator locks the model's row (`UPDATE registered_models … RETURNING`, a row
 * lock on PostgreSQL, the write lock on SQLite) and inserts `MAX(version) + 1` in the same
 * transaction, retrying when a writer that took no lock (MLflow itself) claimed the number first.
 */
import {
  type CreateModelVersionRequest,
  IS_PROMPT_TAG,
  MlflowError,
  type ModelRegistryStore,
  type ModelVersion,
  type RegisteredModel,
  type SearchRegistryRequest,
  type TrackingStore,
  canonicalStage,
  resolveModelUri,
  uriScheme,
  validateModelAlias,
  validateModelVersion,
  validateRegisteredModelName,
  validateRegistryTagValue,
  validateTagKey,
} from '@mlflow-ts/format';
import { connectSql } from '../connect.js';
import type { ConnectOptions, SqlConnection } from '../connect.js';
import { ensureSchema } from '../schema/ensure-schema.js';
import { latestVersionRows, modelEntities, STAGE_DELETED_INTERNAL, versionEntities } from './registry-rows.js';
import type { ModelRow, VersionRow } from './registry-rows.js';
import { searchModelVersions, searchRegisteredModels } from './registry-search.js';
import { inWriteTransaction, read } from '../tracking/transactions.js';
import type { Db } from '../tracking/transactions.js';
import { checkLength, DEFAULT_SOURCE_SCHEMES, resolveVersionSource } from './version-source.js';
import type { SourcePolicy } from './version-source.js';

export interface SqlRegistryStoreOptions {
  /**
   * Resolves `models:/<model_id>` sources to the logged model's location and source run, lets
   * local sources lie in the named run's artifact directory, and `runs:/` download URIs resolve.
   */
  trackingStore?: Pick<TrackingStore, 'getRun' | 'getLoggedModel'>;
  /** Local directories a version's source may point into (default: none). */
  allowedSourceRoots?: string[];
  /** URI schemes accepted as sources (default: `DEFAULT_SOURCE_SCHEMES`). */
  allowedSourceSchemes?: string[];
}

export type SqlRegistryStore = ModelRegistryStore & {
  readonly connection: SqlConnection;
  close(): Promise<void>;
};

/** MLflow's `create_model_version` tries three times: two retries. */
const CREATE_VERSION_RETRIES = 2;
/** registered_model_tags.value is a VARCHAR(5000) (model_version_tags.value is TEXT). */
const MODEL_TAG_VALUE_LIMIT = 5000;

type Tag = { key: string; value: string };

const noSuchModel = (name: string) => MlflowError.notFound(`Registered Model with name=${name} not found`);
const noSuchVersion = (name: string, version: number) =>
  MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);

function checkModelTag(key: string, value: string): void {
  validateTagKey(key);
  validateRegistryTagValue(value);
  if (value.length > MODEL_TAG_VALUE_LIMIT) {
    throw MlflowError.invalidParameter(
      `'Tag value' exceeds the maximum length of ${MODEL_TAG_VALUE_LIMIT} characters (${value.length} characters)`,
    );
  }
}

function checkVersionTag(key: string, value: string): void {
  validateTagKey(key);
  validateRegistryTagValue(value);
}

/** Last value per key, as MLflow's `tags_dict`. */
function tagMap(tags: readonly Tag[] | undefined): Map<string, string> {
  return new Map((tags ?? []).map((t) => [t.key, t.value]));
}

/** MLflow's `handle_resource_already_exist_error`: a prompt and a model may not share a name. */
function alreadyExists(name: string, existingIsPrompt: boolean, newIsPrompt: boolean): MlflowError {
  const entity = (p: boolean) => (p ? 'Prompt' : 'Registered Model');
  if (existingIsPrompt !== newIsPrompt) {
    return MlflowError.alreadyExists(
      `Tried to create a ${entity(newIsPrompt).toLowerCase()} with name '${name}', but the name is already taken by a ` +
        `${entity(existingIsPrompt).toLowerCase()}. MLflow does not allow creating a model and a prompt with the same name.`,
    );
  }
  return MlflowError.alreadyExists(`${entity(newIsPrompt)} (name=${name}) already exists.`);
}

async function modelRow(db: Db, name: string): Promise<ModelRow> {
  validateRegisteredModelName(name);
  const row = await db.selectFrom('registered_models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw noSuchModel(name);
  return row;
}

/** A live (not soft-deleted) version row. */
async function versionRow(db: Db, name: string, version: string | number): Promise<VersionRow> {
  validateRegisteredModelName(name);
  const n = validateModelVersion(version);
  const row = await db
    .selectFrom('model_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', n)
    .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
    .executeTakeFirst();
  if (!row) throw noSuchVersion(name, n);
  return row;
}

async function oneModel(db: Db, row: ModelRow): Promise<RegisteredModel> {
  const [model] = await modelEntities(db, [row]);
  if (!model) throw noSuchModel(row.name);
  return model;
}

async function oneVersion(db: Db, row: VersionRow): Promise<ModelVersion> {
  const [version] = await versionEntities(db, [row]);
  if (!version) throw noSuchVersion(row.name, row.version);
  return version;
}

export function createSqlRegistryStore(conn: SqlConnection, opts: SqlRegistryStoreOptions = {}): SqlRegistryStore {
  const { dialect } = conn;
  const policy: SourcePolicy = {
    schemes: opts.allowedSourceSchemes ?? DEFAULT_SOURCE_SCHEMES,
    allowedRoots: opts.allowedSourceRoots ?? [],
    ...(opts.trackingStore ? { tracking: opts.trackingStore } : {}),
  };
  const write = <T>(fn: (db: Db) => Promise<T>) => inWriteTransaction(conn, fn);
  const reading = <T>(fn: (db: Db) => Promise<T>) => read(conn, fn);

  async function isPromptModel(name: string): Promise<boolean> {
    const tag = await conn.db
      .selectFrom('registered_model_tags')
      .select('value')
      .where('name', '=', name)
      .where('key', '=', IS_PROMPT_TAG)
      .executeTakeFirst();
    return tag !== undefined;
  }

  /** Bumps the model's last_updated_time and takes its row lock; RESOURCE_DOES_NOT_EXIST if absent. */
  async function touchModel(db: Db, name: string, now: number): Promise<void> {
    validateRegisteredModelName(name);
    const hit = await db
      .updateTable('registered_models')
      .set({ last_updated_time: now })
      .where('name', '=', name)
      .returning('name')
      .executeTakeFirst();
    if (!hit) throw noSuchModel(name);
  }

  /**
   * Takes the model's row lock before a change that reads then writes its versions or aliases, so
   * concurrent writers of one model (version creators, deleters, alias setters) take turns on
   * PostgreSQL; SQLite's write transactions are exclusive already.
   */
  async function lockModel(db: Db, name: string): Promise<void> {
    validateRegisteredModelName(name);
    let q = db.selectFrom('registered_models').select('name').where('name', '=', name);
    if (dialect === 'postgresql') q = q.forUpdate();
    if (!(await q.executeTakeFirst())) throw noSuchModel(name);
  }

  const store: SqlRegistryStore = {
    specificationVersion: 'v1',
    connection: conn,

    async createRegisteredModel(req) {
      const name = validateRegisteredModelName(req.name);
      for (const t of req.tags ?? []) checkModelTag(t.key, t.value);
      if (req.description !== undefined) checkLength('registered model description', req.description);
      const tags = tagMap(req.tags);
      try {
        return await write(async (db) => {
          const now = Date.now();
          const row: ModelRow = {
            name,
            creation_time: now,
            last_updated_time: now,
            description: req.description ?? null,
          };
          await db.insertInto('registered_models').values(row).execute();
          if (tags.size > 0) {
            await db
              .insertInto('registered_model_tags')
              .values([...tags].map(([key, value]) => ({ name, key, value })))
              .execute();
          }
          return oneModel(db, row);
        });
      } catch (e) {
        if (!(MlflowError.isInstance(e) && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
        throw alreadyExists(name, await reading(() => isPromptModel(name)), tags.has(IS_PROMPT_TAG));
      }
    },

    getRegisteredModel: (name) => reading(async (db) => oneModel(db, await modelRow(db, name))),

    async renameRegisteredModel(name, newName) {
      validateRegisteredModelName(name);
      validateRegisteredModelName(newName);
      try {
        return await write(async (db) => {
          await modelRow(db, name);
          const now = Date.now();
          // ON UPDATE CASCADE carries the name into versions, tags, version tags and aliases.
          await db
            .updateTable('registered_models')
            .set({ name: newName, last_updated_time: now })
            .where('name', '=', name)
            .execute();
          await db.updateTable('model_versions').set({ last_updated_time: now }).where('name', '=', newName).execute();
          return oneModel(db, await modelRow(db, newName));
        });
      } catch (e) {
        if (MlflowError.isInstance(e) && e.code === 'RESOURCE_ALREADY_EXISTS') {
          throw MlflowError.alreadyExists(`Registered Model (name=${newName}) already exists.`);
        }
        throw e;
      }
    },

    async updateRegisteredModel(name, req) {
      if (req.description !== undefined) checkLength('registered model description', req.description);
      return write(async (db) => {
        await modelRow(db, name);
        const now = Date.now();
        await db
          .updateTable('registered_models')
          .set({ last_updated_time: now, ...(req.description !== undefined ? { description: req.description } : {}) })
          .where('name', '=', name)
          .execute();
        return oneModel(db, await modelRow(db, name));
      });
    },

    async deleteRegisteredModel(name) {
      await write(async (db) => {
        await lockModel(db, name);
        // MLflow's ORM cascade: children first (model_versions' foreign key has no ON DELETE CASCADE).
        await db.deleteFrom('model_version_tags').where('name', '=', name).execute();
        await db.deleteFrom('model_versions').where('name', '=', name).execute();
        await db.deleteFrom('registered_model_tags').where('name', '=', name).execute();
        await db.deleteFrom('registered_model_aliases').where('name', '=', name).execute();
        await db.deleteFrom('registered_models').where('name', '=', name).execute();
      });
    },

    searchRegisteredModels: (req: SearchRegistryRequest = {}) =>
      reading((db) => searchRegisteredModels(db, dialect, req)),

    async setRegisteredModelTag(name, key, value) {
      validateRegisteredModelName(name);
      checkModelTag(key, value);
      await write(async (db) => {
        await modelRow(db, name);
        await db
          .insertInto('registered_model_tags')
          .values({ name, key, value })
          .onConflict((oc) => oc.columns(['key', 'name']).doUpdateSet({ value }))
          .execute();
      });
    },

    async deleteRegisteredModelTag(name, key) {
      validateRegisteredModelName(name);
      validateTagKey(key);
      await write(async (db) => {
        await modelRow(db, name);
        await db.deleteFrom('registered_model_tags').where('name', '=', name).where('key', '=', key).execute();
      });
    },

    getLatestVersions: (name, stages) =>
      reading(async (db) => {
        await modelRow(db, name);
        const wanted = stages && stages.length > 0 ? [...new Set(stages.map(canonicalStage))] : undefined;
        return versionEntities(db, await latestVersionRows(db, [name], wanted));
      }),

    async setRegisteredModelAlias(name, alias, version) {
      validateRegisteredModelName(name);
      validateModelAlias(alias);
      await write(async (db) => {
        await lockModel(db, name);
        const row = await versionRow(db, name, version);
        await db
          .insertInto('registered_model_aliases')
          .values({ name, alias, version: row.version })
          .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version: row.version }))
          .execute();
      });
    },

    async deleteRegisteredModelAlias(name, alias) {
      validateRegisteredModelName(name);
      validateModelAlias(alias, { allowReserved: true });
      await write(async (db) => {
        await modelRow(db, name);
        await db.deleteFrom('registered_model_aliases').where('name', '=', name).where('alias', '=', alias).execute();
      });
    },

    getModelVersionByAlias: (name, alias) =>
      reading(async (db) => {
        validateRegisteredModelName(name);
        validateModelAlias(alias, { allowReserved: true });
        if (alias.toLowerCase() === 'latest') {
          await modelRow(db, name);
          const top = await db
            .selectFrom('model_versions')
            .selectAll()
            .where('name', '=', name)
            .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
            .orderBy('version', 'desc')
            .limit(1)
            .executeTakeFirst();
          if (!top) throw MlflowError.notFound(`Latest version not found for model ${name}.`);
          return oneVersion(db, top);
        }
        const hit = await db
          .selectFrom('registered_model_aliases')
          .select('version')
          .where('name', '=', name)
          .where('alias', '=', alias)
          .executeTakeFirst();
        if (!hit) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
        return oneVersion(db, await versionRow(db, name, hit.version));
      }),

    async createModelVersion(req: CreateModelVersionRequest) {
      const name = validateRegisteredModelName(req.name);
      for (const t of req.tags ?? []) checkVersionTag(t.key, t.value);
      checkLength('run_link', req.run_link);
      checkLength('description', req.description);
      await reading((db) => modelRow(db, name));
      const { storageLocation, runId } = await resolveVersionSource(req, policy, store);
      const tags = tagMap(req.tags);
      const insert = async (db: Db): Promise<ModelVersion> => {
        const now = Date.now();
        await touchModel(db, name, now);
        const top = await db
          .selectFrom('model_versions')
          .select(({ fn }) => fn.max('version').as('v'))
          .where('name', '=', name)
          .executeTakeFirst();
        const row: VersionRow = {
          name,
          version: Number(top?.v ?? 0) + 1,
          creation_time: now,
          last_updated_time: now,
          description: req.description ?? null,
          user_id: null,
          current_stage: 'None',
          source: req.source,
          storage_location: storageLocation,
          run_id: runId ?? null,
          run_link: req.run_link ?? null,
          status: 'READY',
          status_message: null,
        };
        await db.insertInto('model_versions').values(row).execute();
        if (tags.size > 0) {
          await db
            .insertInto('model_version_tags')
            .values([...tags].map(([key, value]) => ({ name, version: row.version, key, value })))
            .execute();
        }
        return oneVersion(db, row);
      };
      // Only the unique key of model_versions can refuse this transaction: a writer that took no lock
      // (MLflow itself) committed the number first. Try again, as MLflow does.
      for (let attempt = 0; ; attempt++) {
        try {
          return await write(insert);
        } catch (e) {
          if (!(MlflowError.isInstance(e) && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
          if (attempt >= CREATE_VERSION_RETRIES) {
            throw new MlflowError(
              'INTERNAL_ERROR',
              `Model Version creation error (name=${name}). Giving up after ${attempt + 1} attempts.`,
            );
          }
        }
      }
    },

    getModelVersion: (name, version) => reading(async (db) => oneVersion(db, await versionRow(db, name, version))),

    async updateModelVersion(name, version, req) {
      checkLength('description', req.description);
      return write(async (db) => {
        const row = await versionRow(db, name, version);
        const now = Date.now();
        const change = {
          last_updated_time: now,
          ...(req.description !== undefined ? { description: req.description } : {}),
        };
        await db
          .updateTable('model_versions')
          .set(change)
          .where('name', '=', row.name)
          .where('version', '=', row.version)
          .execute();
        return oneVersion(db, { ...row, ...change });
      });
    },

    async deleteModelVersion(name, version) {
      await write(async (db) => {
        validateModelVersion(version);
        const now = Date.now();
        await touchModel(db, name, now);
        const row = await versionRow(db, name, version);
        await db
          .deleteFrom('registered_model_aliases')
          .where('name', '=', name)
          .where('version', '=', row.version)
          .execute();
        // MLflow keeps the row (its number is never reused) and redacts it; its tags stay.
        await db
          .updateTable('model_versions')
          .set({
            current_stage: STAGE_DELETED_INTERNAL,
            last_updated_time: now,
            description: null,
            user_id: null,
            source: 'REDACTED-SOURCE-PATH',
            run_id: 'REDACTED-RUN-ID',
            run_link: 'REDACTED-RUN-LINK',
            status_message: null,
          })
          .where('name', '=', name)
          .where('version', '=', row.version)
          .execute();
      });
    },

    async transitionModelVersionStage(name, version, stage, archiveExistingVersions) {
      const target = canonicalStage(stage);
      if (archiveExistingVersions && target !== 'Staging' && target !== 'Production') {
        throw MlflowError.invalidParameter(
          `Model version transition cannot archive existing model versions because '${target}' is not an Active stage. ` +
            'Valid stages are Staging, Production',
        );
      }
      return write(async (db) => {
        validateModelVersion(version);
        const now = Date.now();
        await touchModel(db, name, now);
        const row = await versionRow(db, name, version);
        if (archiveExistingVersions) {
          await db
            .updateTable('model_versions')
            .set({ current_stage: 'Archived', last_updated_time: now })
            .where('name', '=', name)
            .where('version', '!=', row.version)
            .where('current_stage', '=', target)
            .execute();
        }
        await db
          .updateTable('model_versions')
          .set({ current_stage: target, last_updated_time: now })
          .where('name', '=', name)
          .where('version', '=', row.version)
          .execute();
        return oneVersion(db, { ...row, current_stage: target, last_updated_time: now });
      });
    },

    searchModelVersions: (req: SearchRegistryRequest = {}) => reading((db) => searchModelVersions(db, dialect, req)),

    async getModelVersionDownloadUri(name, version) {
      const row = await reading((db) => versionRow(db, name, version));
      const location = row.storage_location || row.source || '';
      if (opts.trackingStore && uriScheme(location) === 'runs')
        return resolveModelUri(location, { tracking: opts.trackingStore });
      return location;
    },

    async setModelVersionTag(name, version, key, value) {
      checkVersionTag(key, value);
      await write(async (db) => {
        const row = await versionRow(db, name, version);
        await db
          .insertInto('model_version_tags')
          .values({ name, version: row.version, key, value })
          .onConflict((oc) => oc.columns(['key', 'name', 'version']).doUpdateSet({ value }))
          .execute();
      });
    },

    async deleteModelVersionTag(name, version, key) {
      validateTagKey(key);
      await write(async (db) => {
        const row = await versionRow(db, name, version);
        await db
          .deleteFrom('model_version_tags')
          .where('name', '=', name)
          .where('version', '=', row.version)
          .where('key', '=', key)
          .execute();
      });
    },

    close: async () => {},
  };
  return store;
}

/** Connects to `uri`, brings an empty database to MLflow's schema, and closes the connection on `close()`. */
export async function openSqlRegistryStore(
  uri: string,
  opts: SqlRegistryStoreOptions & ConnectOptions = {},
): Promise<SqlRegistryStore> {
  const conn = await connectSql(uri, opts.poolSize !== undefined ? { poolSize: opts.poolSize } : {});
  try {
    await ensureSchema(conn);
  } catch (e) {
    await conn.close();
    throw e;
  }
  const store = createSqlRegistryStore(conn, opts);
  return { ...store, close: () => conn.close() };
}
