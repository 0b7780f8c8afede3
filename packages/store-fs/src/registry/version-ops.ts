/** Model-version operations of the file-system registry (mlflow/store/model_registry/file_store.py). */
import fs from 'node:fs';
import path from 'node:path';
import {
  IS_PROMPT_TAG,
  MlflowError,
  canonicalStage,
  parseModelUri,
  resolveModelUri,
  uriScheme,
  validateModelAlias,
  validateRegistryTagValue,
  validateTagKey,
} from '@mlflow-ts/format';
import type { CreateModelVersionRequest, ModelRegistryStore, ModelVersion, ModelVersionStage } from '@mlflow-ts/format';
import { removeAliasFile, readAliases, writeAliasFile, writeTag } from './registry-layout.js';
import type { ModelFiles } from './registry-files.js';
import { STAGE_DELETED_INTERNAL, newVersionMeta } from './registry-meta.js';
import { saveModelMeta, saveVersionMeta, withModel, type RegistryContext } from './registry-context.js';
import { checkVersionSource, findLoggedModelMeta, loggedModelLocation } from './version-source.js';

function checkTags(tags: { key: string; value: string }[] | undefined): void {
  for (const t of tags ?? []) {
    validateTagKey(t.key);
    validateRegistryTagValue(t.value);
  }
}

/** `models:/…` sources are stored with the location they resolve to; everything else as given. */
async function storageLocationOf(
  ctx: RegistryContext,
  store: ModelRegistryStore,
  req: CreateModelVersionRequest,
): Promise<{ location: string; runId?: string }> {
  if (uriScheme(req.source) !== 'models') return { location: req.source };
  const parsed = parseModelUri(req.source);
  try {
    if (parsed.kind === 'logged-model') return loggedModelLocation(ctx.root, parsed.modelId);
    return { location: await resolveModelUri(req.source, { registry: store }) };
  } catch (e) {
    const why = MlflowError.isInstance(e) ? e.message : String(e);
    throw MlflowError.invalidParameter(
      `Unable to fetch model from model URI source artifact location '${req.source}'. Error: ${why}`,
    );
  }
}

export async function createModelVersion(
  ctx: RegistryContext,
  store: ModelRegistryStore,
  req: CreateModelVersionRequest,
): Promise<ModelVersion> {
  ctx.files.model(req.name);
  if (typeof req.source !== 'string' || req.source === '')
    throw MlflowError.invalidParameter("Missing value for required parameter 'source'.");
  checkTags(req.tags);
  // A prompt version's source is a placeholder ('dummy-source'); MLflow's server does not validate it.
  const isPrompt = req.tags?.some((t) => t.key === IS_PROMPT_TAG) ?? false;
  if (!isPrompt) await checkVersionSource(req.source, req.run_id || undefined, ctx.policy);
  const { location, runId: sourceRunId } = isPrompt
    ? { location: req.source, runId: undefined }
    : await storageLocationOf(ctx, store, req);
  // As MLflow: a version of a logged model without run_id takes the model's source run.
  const loggedRunId =
    !req.run_id && req.model_id ? findLoggedModelMeta(ctx.root, req.model_id)?.source_run_id : undefined;
  const runId = sourceRunId ?? (typeof loggedRunId === 'string' && loggedRunId !== '' ? loggedRunId : undefined);
  return withModel(ctx, req.name, (model) => {
    const now = Date.now();
    // Under the model lock no other mlflow-ts writer numbers versions; the exclusive mkdir also
    // keeps us from reusing a number another writer (MLflow itself) took without our lock.
    let n = (ctx.files.layout.allVersionNumbers(model.dir).at(-1) ?? 0) + 1;
    for (; ; n++) {
      try {
        fs.mkdirSync(ctx.files.layout.versionDir(model.name, n));
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    const dir = ctx.files.layout.versionDir(model.name, n);
    const run = req.run_id || runId;
    for (const t of req.tags ?? []) writeTag(dir, t.key, t.value);
    // meta.yaml last: a version directory without it is invisible to readers until it is complete.
    saveVersionMeta(
      dir,
      newVersionMeta({
        name: model.name,
        version: n,
        now,
        source: req.source,
        storageLocation: location,
        ...(run ? { runId: run } : {}),
        ...(req.run_link ? { runLink: req.run_link } : {}),
        ...(req.description !== undefined ? { description: req.description } : {}),
        ...(req.model_id ? { modelId: req.model_id } : {}),
      }),
    );
    saveModelMeta(model, { last_updated_timestamp: now });
    return ctx.files.versionEntity(model, ctx.files.version(model, n));
  });
}

export async function getModelVersion(ctx: RegistryContext, name: string, version: string): Promise<ModelVersion> {
  const model = ctx.files.model(name);
  return ctx.files.versionEntity(model, ctx.files.version(model, version));
}

/** Rewrites one live version's meta.yaml under the model lock; bumps both last-updated times. */
function updateVersion(
  ctx: RegistryContext,
  name: string,
  version: string,
  change: (meta: Record<string, unknown>, model: ModelFiles) => void,
): Promise<ModelVersion> {
  return withModel(ctx, name, (model) => {
    const v = ctx.files.version(model, version);
    const now = Date.now();
    change(v.meta, model);
    v.meta.last_updated_timestamp = now;
    saveVersionMeta(v.dir, v.meta);
    saveModelMeta(model, { last_updated_timestamp: now });
    return ctx.files.versionEntity(model, v);
  });
}

export function updateModelVersion(
  ctx: RegistryContext,
  name: string,
  version: string,
  req: { description?: string },
): Promise<ModelVersion> {
  return updateVersion(ctx, name, version, (meta) => {
    if (req.description !== undefined) meta.description = req.description;
  });
}

export async function transitionStage(
  ctx: RegistryContext,
  name: string,
  version: string,
  stage: string,
  archive: boolean,
): Promise<ModelVersion> {
  const target: ModelVersionStage = canonicalStage(stage);
  if (archive && target !== 'Staging' && target !== 'Production') {
    throw MlflowError.invalidParameter(
      `Model version transition cannot archive existing model versions because '${target}' is not an Active stage. Valid stages are Staging, Production`,
    );
  }
  return updateVersion(ctx, name, version, (meta, model) => {
    const self = Number(meta.version);
    if (archive) {
      const now = Date.now();
      for (const other of ctx.files.liveVersions(model)) {
        if (other.number === self || other.meta.current_stage !== target) continue;
        saveVersionMeta(other.dir, { ...other.meta, current_stage: 'Archived', last_updated_timestamp: now });
      }
    }
    meta.current_stage = target;
  });
}

/** Soft delete as MLflow does it: stage Deleted_Internal, directory kept, its aliases removed. */
export async function deleteModelVersion(ctx: RegistryContext, name: string, version: string): Promise<void> {
  await withModel(ctx, name, (model) => {
    const v = ctx.files.version(model, version);
    const now = Date.now();
    saveVersionMeta(v.dir, { ...v.meta, current_stage: STAGE_DELETED_INTERNAL, last_updated_timestamp: now });
    for (const [alias, n] of readAliases(model.dir)) if (n === v.number) removeAliasFile(model.dir, alias);
    saveModelMeta(model, { last_updated_timestamp: now });
  });
}

export async function setModelVersionTag(
  ctx: RegistryContext,
  name: string,
  version: string,
  key: string,
  value: string,
): Promise<void> {
  validateTagKey(key);
  validateRegistryTagValue(value);
  await withModel(ctx, name, (model) => writeTag(ctx.files.version(model, version).dir, key, value));
}

export async function deleteModelVersionTag(
  ctx: RegistryContext,
  name: string,
  version: string,
  key: string,
): Promise<void> {
  validateTagKey(key);
  await withModel(ctx, name, (model) => {
    const dir = ctx.files.version(model, version).dir;
    fs.rmSync(path.join(dir, 'tags', ...key.split('/')), { force: true });
  });
}

export async function setAlias(ctx: RegistryContext, name: string, alias: string, version: string): Promise<void> {
  validateModelAlias(alias);
  await withModel(ctx, name, (model) => {
    const v = ctx.files.version(model, version);
    writeAliasFile(model.dir, alias, v.number);
    saveModelMeta(model, { last_updated_timestamp: Date.now() });
  });
}

export async function deleteAlias(ctx: RegistryContext, name: string, alias: string): Promise<void> {
  validateModelAlias(alias, { allowReserved: true });
  await withModel(ctx, name, (model) => {
    if (!readAliases(model.dir).has(alias)) return; // MLflow's FileStore: a silent no-op
    removeAliasFile(model.dir, alias);
    saveModelMeta(model, { last_updated_timestamp: Date.now() });
  });
}

export async function getVersionByAlias(ctx: RegistryContext, name: string, alias: string): Promise<ModelVersion> {
  validateModelAlias(alias, { allowReserved: true });
  const model = ctx.files.model(name);
  const aliases = readAliases(model.dir);
  if (alias.toLowerCase() === 'latest') {
    const top = ctx.files.liveVersions(model).at(-1);
    if (top) return ctx.files.versionEntity(model, top, aliases);
  }
  const n = aliases.get(alias);
  if (n !== undefined) {
    try {
      return ctx.files.versionEntity(model, ctx.files.version(model, n), aliases);
    } catch (e) {
      if (!MlflowError.isInstance(e) || e.code !== 'RESOURCE_DOES_NOT_EXIST') throw e;
    }
  }
  throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
}

/** `storage_location` or `source`; a `runs:/` location goes through the run's artifact_uri when a tracking store is known. */
export async function downloadUri(ctx: RegistryContext, name: string, version: string): Promise<string> {
  const model = ctx.files.model(name);
  const meta = ctx.files.version(model, version).meta;
  const location =
    typeof meta.storage_location === 'string' && meta.storage_location !== ''
      ? meta.storage_location
      : String(meta.source ?? '');
  if (ctx.tracking && uriScheme(location) === 'runs') return resolveModelUri(location, { tracking: ctx.tracking });
  return location;
}
