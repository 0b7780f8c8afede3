/**
 * `createFsRegistryStore`: MLflow's FileStore model registry (`<root>/models/<name>/…`) behind the
 * ModelRegistryStore contract. Every call reads the files again, and every change to a model runs
 * under that model's inter-process lock, so several processes (and MLflow itself) can share a root.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MlflowError,
  searchModelVersionsInMemory,
  searchRegisteredModelsInMemory,
  validateRegisteredModelName,
  validateRegistryTagValue,
  validateTagKey,
} from '@mlflow-ts/format';
import type {
  ModelRegistryStore,
  ModelVersion,
  RegisteredModel,
  SearchRegistryRequest,
  TrackingStore,
} from '@mlflow-ts/format';
import { toLocalPath } from '../uri.js';
import { writeYamlSync } from '../yaml-file.js';
import { copyTree, createRegistryContext, saveModelMeta, withModel, type RegistryContext } from './registry-context.js';
import { META_FILE, deleteTag, readAliases, writeTag } from './registry-layout.js';
import { newModelMeta } from './registry-meta.js';
import * as versions from './version-ops.js';

export interface FsRegistryStoreOptions {
  /** The `mlruns` directory (path or `file:` URI); the registry lives in `<root>/models`. */
  root: string;
  /** Lets `runs:/` download URIs resolve to the run's artifact location, and local sources use the run's artifact dir. */
  trackingStore?: Pick<TrackingStore, 'getRun'>;
  /** Local directories a version's source may point into. Default: the store root. */
  allowedSourceRoots?: string[];
  /** URI schemes accepted as sources. Default: runs, models, mlflow-artifacts. */
  allowedSourceSchemes?: string[];
}

export type FsRegistryStore = ModelRegistryStore & {
  readonly root: string;
  /** Problems met while reading (unreadable model directories), each reported once. */
  readonly warnings: readonly string[];
  close(): Promise<void>;
};

const PROMPT_TAG = 'mlflow.prompt.is_prompt';

/** Prompts are registered models too; MLflow hides them unless the filter asks about them. */
function withoutPrompts<T extends { tags: { key: string; value: string }[] }>(
  items: T[],
  filter: string | undefined,
): T[] {
  if (filter?.includes(PROMPT_TAG)) return items;
  return items.filter((x) => !x.tags.some((t) => t.key === PROMPT_TAG && t.value.toLowerCase() === 'true'));
}

const alreadyExists = (name: string) => MlflowError.alreadyExists(`Registered Model (name=${name}) already exists.`);

/** Renames a fully written staging directory into place; false when the target appeared meanwhile. */
function publish(staging: string, target: string): boolean {
  try {
    fs.renameSync(staging, target);
    return true;
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (['EEXIST', 'ENOTEMPTY', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return false;
    throw e;
  }
}

function checkTag(key: string, value: string): void {
  validateTagKey(key);
  validateRegistryTagValue(value);
}

function createModel(
  ctx: RegistryContext,
  req: { name: string; tags?: { key: string; value: string }[]; description?: string },
): RegisteredModel {
  const name = validateRegisteredModelName(req.name);
  for (const t of req.tags ?? []) checkTag(t.key, t.value);
  if (ctx.files.exists(name)) throw alreadyExists(name);
  const { layout } = ctx.files;
  fs.mkdirSync(layout.modelsRoot, { recursive: true });
  const staging = layout.stagingDir('create');
  fs.mkdirSync(staging);
  writeYamlSync(path.join(staging, META_FILE), newModelMeta(name, Date.now(), req.description));
  for (const t of req.tags ?? []) writeTag(staging, t.key, t.value);
  if (!publish(staging, layout.modelDir(name))) throw alreadyExists(name);
  return ctx.files.modelEntity(ctx.files.model(name));
}

/** As MLflow: copy the model to its new directory with every name rewritten, then remove the old one. */
function renameModel(ctx: RegistryContext, name: string, newName: string): Promise<RegisteredModel> {
  validateRegisteredModelName(newName);
  return withModel(ctx, name, (model) => {
    if (ctx.files.exists(newName)) throw alreadyExists(newName);
    const staging = ctx.files.layout.stagingDir('rename');
    copyTree(model.dir, staging);
    const now = Date.now();
    const moved = { name: newName, dir: staging, meta: model.meta };
    saveModelMeta(moved, { name: newName, last_updated_timestamp: now });
    for (const v of ctx.files.allVersions(moved)) {
      writeYamlSync(path.join(v.dir, META_FILE), { ...v.meta, name: newName, last_updated_timestamp: now });
    }
    if (!publish(staging, ctx.files.layout.modelDir(newName))) throw alreadyExists(newName);
    removeTree(ctx, model.dir);
    return ctx.files.modelEntity(ctx.files.model(newName));
  });
}

/** Moves the directory out of sight first, so readers never see a half-deleted model. */
function removeTree(ctx: RegistryContext, dir: string): void {
  const trash = ctx.files.layout.stagingDir('delete');
  fs.renameSync(dir, trash);
  fs.rmSync(trash, { recursive: true, force: true });
}

export function createFsRegistryStore(opts: FsRegistryStoreOptions): FsRegistryStore {
  const root = toLocalPath(opts.root);
  const warnings: string[] = [];
  const ctx = createRegistryContext({
    root,
    ...(opts.trackingStore ? { tracking: opts.trackingStore } : {}),
    allowedSourceRoots: opts.allowedSourceRoots ?? [root],
    sourceSchemes: opts.allowedSourceSchemes ?? ['runs', 'models', 'mlflow-artifacts'],
    warnings,
  });
  let closed = false;
  /** Async facade over sync file I/O: errors become rejections, a closed store refuses work. */
  const op = <T>(fn: () => T | Promise<T>): Promise<T> => {
    try {
      if (closed) throw new MlflowError('INVALID_STATE', `FsRegistryStore at ${root} is closed`);
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const allLiveVersions = (): ModelVersion[] =>
    ctx.files.allModels(ctx.warn).flatMap((m) => {
      const aliases = readAliases(m.dir);
      return ctx.files.liveVersions(m).map((v) => ctx.files.versionEntity(m, v, aliases));
    });

  const store: FsRegistryStore = {
    specificationVersion: 'v1',
    root,
    warnings,

    createRegisteredModel: (req) =>
      op(async () => {
        const since = Date.now();
        const model = createModel(ctx, req);
        await ctx.locks.syncSince(ctx.files.layout.modelsRoot, since);
        return model;
      }),
    getRegisteredModel: (name) => op(() => ctx.files.modelEntity(ctx.files.model(name))),
    renameRegisteredModel: (name, newName) => op(() => renameModel(ctx, name, newName)),
    updateRegisteredModel: (name, req) =>
      op(() =>
        withModel(ctx, name, (model) => {
          saveModelMeta(model, {
            ...(req.description !== undefined ? { description: req.description } : {}),
            last_updated_timestamp: Date.now(),
          });
          return ctx.files.modelEntity(model);
        }),
      ),
    deleteRegisteredModel: (name) => op(() => withModel(ctx, name, (model) => removeTree(ctx, model.dir))),
    searchRegisteredModels: (req: SearchRegistryRequest = {}) =>
      op(() => {
        const models = ctx.files.allModels(ctx.warn).map((m) => ctx.files.modelEntity(m));
        return searchRegisteredModelsInMemory(withoutPrompts(models, req.filter), req);
      }),
    setRegisteredModelTag: (name, key, value) =>
      op(() => {
        checkTag(key, value);
        return withModel(ctx, name, (model) => writeTag(model.dir, key, value));
      }),
    deleteRegisteredModelTag: (name, key) =>
      op(() => {
        validateTagKey(key);
        return withModel(ctx, name, (model) => deleteTag(model.dir, key));
      }),
    getLatestVersions: (name, stages) => op(() => ctx.files.latestVersions(ctx.files.model(name), stages)),

    setRegisteredModelAlias: (name, alias, version) => op(() => versions.setAlias(ctx, name, alias, version)),
    deleteRegisteredModelAlias: (name, alias) => op(() => versions.deleteAlias(ctx, name, alias)),
    getModelVersionByAlias: (name, alias) => op(() => versions.getVersionByAlias(ctx, name, alias)),

    createModelVersion: (req) => op(() => versions.createModelVersion(ctx, store, req)),
    getModelVersion: (name, version) => op(() => versions.getModelVersion(ctx, name, version)),
    updateModelVersion: (name, version, req) => op(() => versions.updateModelVersion(ctx, name, version, req)),
    deleteModelVersion: (name, version) => op(() => versions.deleteModelVersion(ctx, name, version)),
    transitionModelVersionStage: (name, version, stage, archive) =>
      op(() => versions.transitionStage(ctx, name, version, stage, archive)),
    searchModelVersions: (req: SearchRegistryRequest = {}) =>
      op(() => searchModelVersionsInMemory(withoutPrompts(allLiveVersions(), req.filter), req)),
    getModelVersionDownloadUri: (name, version) => op(() => versions.downloadUri(ctx, name, version)),
    setModelVersionTag: (name, version, key, value) =>
      op(() => versions.setModelVersionTag(ctx, name, version, key, value)),
    deleteModelVersionTag: (name, version, key) => op(() => versions.deleteModelVersionTag(ctx, name, version, key)),

    close: async () => {
      closed = true;
    },
  };
  return store;
}
