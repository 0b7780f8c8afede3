/**
 * The logged-model capability of the file store: MLflow 3's FileStore methods
 * (`create_logged_model`, `finalize_logged_model`, `search_logged_models`, …) on its exact layout,
 * so MLflow reads the models we write and we read MLflow's. A model appears atomically: its params,
 * tags and (empty) metrics folder are written first, meta.yaml last, and a directory without
 * meta.yaml is no model to MLflow or to us.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MlflowError,
  checkLoggedModelId,
  generateLoggedModelName,
  loggedModelArtifactLocation,
  newLoggedModelId,
  searchLoggedModelsInMemory,
  validateLoggedModelName,
  validateParam,
  validateTag,
  validateTagKey,
} from '@mlflow-ts/format';
import type { Experiment, LoggedModel, LoggedModelInfo, LoggedModelStore, TrackingStore } from '@mlflow-ts/format';
import { createFilesDurable, removeFileDurable, writeFilesDurable } from './durable-write.js';
import type { WriteOptions } from './durable-write.js';
import { META_FILE, MODELS_FOLDER, modelMeta, readLoggedModel, readModelMeta } from './model-files.js';
import { dumpYaml } from '../yaml-file.js';

const TRASH = '.trash';

export interface FsLoggedModelStoreOptions {
  /** The `mlruns` directory (a local path). */
  root: string;
  /** The experiments (lifecycle, artifact location) models belong to. */
  tracking: Pick<TrackingStore, 'getExperiment'>;
  /** Default true: acknowledged writes are fsync'ed. */
  fsync?: boolean;
}

const keyPath = (dir: string, key: string) => path.join(dir, ...key.split('/'));

export function createFsLoggedModelStore(opts: FsLoggedModelStoreOptions): LoggedModelStore {
  const { root, tracking } = opts;
  const w: WriteOptions = { fsync: opts.fsync ?? true };
  // Strictly increasing, so models created within one millisecond keep their creation order.
  let lastTime = 0;
  const now = () => (lastTime = Math.max(Date.now(), lastTime + 1));

  const experimentDir = (e: Experiment) =>
    path.join(root, ...(e.lifecycle_stage === 'deleted' ? [TRASH] : []), e.experiment_id);

  // Where each model was last found: checked (meta.yaml still there) before use, so a model moved
  // with its experiment to .trash, or written by another process, is still found by the scan.
  const known = new Map<string, { dir: string; experimentId: string }>();

  /** MLflow's `_find_model_root`: the model's directory in any experiment, active or deleted. */
  function findModelDir(modelId: string): { dir: string; experimentId: string } | null {
    const hit = known.get(modelId);
    if (hit && fs.existsSync(path.join(hit.dir, META_FILE))) return hit;
    const candidates: [string, string][] = [];
    for (const base of [root, path.join(root, TRASH)]) {
      let names: string[];
      try {
        names = fs.readdirSync(base);
      } catch {
        continue;
      }
      for (const n of names)
        if (!n.startsWith('.') && n !== MODELS_FOLDER) candidates.push([path.join(base, n, MODELS_FOLDER, modelId), n]);
    }
    for (const [dir, experimentId] of candidates) {
      if (!fs.existsSync(path.join(dir, META_FILE))) continue;
      if (known.size > 100_000) known.clear();
      known.set(modelId, { dir, experimentId });
      return { dir, experimentId };
    }
    return null;
  }

  function locate(modelId: string): { dir: string; info: Omit<LoggedModelInfo, 'tags'> } {
    checkLoggedModelId(modelId);
    const found = findModelDir(modelId);
    const meta = found ? readModelMeta(found.dir) : null;
    if (!found || !meta || meta.deleted) throw MlflowError.notFound(`Model '${modelId}' not found`);
    if (meta.info.experiment_id !== found.experimentId) {
      throw new MlflowError('INVALID_STATE', `Model '${modelId}' metadata is in invalid state.`);
    }
    return { dir: found.dir, info: meta.info };
  }

  const read = (dir: string, modelId: string): LoggedModel => {
    const m = readLoggedModel(dir);
    if (!m) throw MlflowError.notFound(`Model '${modelId}' not found`);
    return m;
  };

  const writeMeta = (dir: string, info: Omit<LoggedModelInfo, 'tags'>, stage: 'active' | 'deleted') =>
    writeFilesDurable([{ target: path.join(dir, META_FILE), data: dumpYaml(modelMeta(info, stage)) }], dir, w);
  const writeKeys = (dir: string, folder: 'params' | 'tags', items: { key: string; value: string }[]) =>
    writeFilesDurable(
      items.map((x) => ({ target: keyPath(path.join(dir, folder), x.key), data: x.value })),
      dir,
      w,
    );

  return {
    async createLoggedModel(req) {
      validateLoggedModelName(req.name);
      const experiment = await tracking.getExperiment(req.experiment_id);
      if (experiment.lifecycle_stage !== 'active') {
        throw new MlflowError(
          'INVALID_STATE',
          `Could not create model under non-active experiment with ID ${req.experiment_id}.`,
        );
      }
      const params = (req.params ?? []).map((p) => validateParam(p));
      const tags = (req.tags ?? []).map((t) => validateTag(t));
      const modelId = newLoggedModelId();
      const t = now();
      const info: Omit<LoggedModelInfo, 'tags'> = {
        model_id: modelId,
        experiment_id: experiment.experiment_id,
        name: req.name ?? generateLoggedModelName(),
        creation_timestamp_ms: t,
        last_updated_timestamp_ms: t,
        artifact_uri: loggedModelArtifactLocation(experiment.artifact_location, modelId),
        status: 'LOGGED_MODEL_PENDING',
      };
      if (req.model_type !== undefined) info.model_type = req.model_type;
      if (req.source_run_id !== undefined) info.source_run_id = req.source_run_id;
      const dir = path.join(experimentDir(experiment), MODELS_FOLDER, modelId);
      // Params and tags first, meta.yaml last: until it is there, the directory is no model. Without
      // params or tags there is nothing to order, so the model is one round of fsyncs.
      const keyFiles = [
        ...params.map((p) => ({ target: keyPath(path.join(dir, 'params'), p.key), data: p.value })),
        ...tags.map((t) => ({ target: keyPath(path.join(dir, 'tags'), t.key), data: t.value })),
      ];
      if (keyFiles.length) await createFilesDurable(keyFiles, [], w);
      await createFilesDurable(
        [{ target: path.join(dir, META_FILE), data: dumpYaml(modelMeta(info, 'active')) }],
        [path.join(dir, 'metrics'), path.join(dir, 'params')],
        w,
      );
      known.set(modelId, { dir, experimentId: experiment.experiment_id });
      // What was just written, without reading it back (keys in file order, as a read returns them).
      const byKey = (xs: { key: string; value: string }[]) =>
        [...new Map(xs.map((x) => [x.key, x])).values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { info: { ...info, tags: byKey(tags) }, data: { params: byKey(params), metrics: [] } };
    },
    async finalizeLoggedModel(modelId, status) {
      const { dir, info } = locate(modelId);
      writeMeta(dir, { ...info, status, last_updated_timestamp_ms: now() }, 'active');
      return read(dir, modelId);
    },
    async getLoggedModel(modelId) {
      return read(locate(modelId).dir, modelId);
    },
    async deleteLoggedModel(modelId) {
      const { dir, info } = locate(modelId);
      writeMeta(dir, info, 'deleted');
    },
    async searchLoggedModels(req) {
      const models: LoggedModel[] = [];
      for (const id of new Set(req.experiment_ids ?? [])) {
        let experiment: Experiment;
        try {
          experiment = await tracking.getExperiment(String(id));
        } catch (e) {
          if (MlflowError.isInstance(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') continue;
          throw e;
        }
        const folder = path.join(experimentDir(experiment), MODELS_FOLDER);
        let names: string[];
        try {
          names = fs.readdirSync(folder);
        } catch {
          continue;
        }
        for (const name of names.sort()) {
          if (name.startsWith('.')) continue;
          const m = readLoggedModel(path.join(folder, name));
          // As MLflow: a model whose meta names another experiment is ignored.
          if (m && m.info.experiment_id === experiment.experiment_id) models.push(m);
        }
      }
      return searchLoggedModelsInMemory(models, { ...req, experiment_ids: undefined });
    },
    async setLoggedModelTags(modelId, tags) {
      const { dir } = locate(modelId);
      const valid = tags.map((t) => validateTag(t));
      writeKeys(dir, 'tags', valid);
    },
    async deleteLoggedModelTag(modelId, key) {
      validateTagKey(key);
      const { dir } = locate(modelId);
      if (!removeFileDurable(keyPath(path.join(dir, 'tags'), key), w)) {
        throw MlflowError.notFound(`No tag with key '${key}' found for model with ID '${modelId}'.`);
      }
    },
    async logLoggedModelParams(modelId, params) {
      const valid = params.map((p) => validateParam(p));
      const { dir } = locate(modelId);
      writeKeys(dir, 'params', valid);
    },
  };
}
