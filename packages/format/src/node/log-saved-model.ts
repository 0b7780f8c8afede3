/**
 * `logSavedModel`: the flavor-independent half of every flavor's `logModel`. The flavor's `save`
 * writes the model directory into a temp dir (with `run_id` and `artifact_path` in MLmodel), which is
 * streamed under the run's artifacts at `artifactPath`, recorded in `mlflow.log-model.history`
 * (MLflow 2.x logging, which MLflow 3 still reads), and optionally registered. A third-party flavor
 * logs through this without installing any other flavor's runtime.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArtifactRepositoryFactory } from '../artifact-repository.js';
import type { ModelVersion } from '../entities.js';
import { MlflowError } from '../errors.js';
import { recordLoggedModel } from '../mlmodel/log-model-history.js';
import { MLMODEL_FILE_NAME, serializeMLmodel } from '../mlmodel/mlmodel-yaml.js';
import type { MLmodel } from '../mlmodel/mlmodel-schema.js';
import { registerModelVersion } from '../register-model-version.js';
import type { ModelRegistryStore } from '../registry-store.js';
import type { TrackingStore } from '../tracking-store.js';
import { validateLoggedModelName } from '../logged-model.js';
import type { LoggedModelStore } from '../logged-model-store.js';
import { logLocalDirectory } from './transfer.js';

export interface LogModelStores {
  tracking: TrackingStore;
  /** Builds the artifact repository of an artifact URI (the run's `artifact_uri`). */
  artifacts: ArtifactRepositoryFactory;
  /** Needed only with `registeredModelName`. */
  registry?: ModelRegistryStore;
}

export interface LogModelResult {
  runId: string;
  artifactPath: string;
  /** `models:/<model_id>` for an MLflow 3 logged model, else `runs:/<run_id>/<artifact_path>`. */
  modelUri: string;
  /** The LoggedModel's id (`m-…`), when the tracking store has logged models. */
  modelId?: string;
  mlmodel: MLmodel;
  /** The registered version, with `registeredModelName`. */
  modelVersion?: ModelVersion;
}

/**
 * Writes the model directory `dir` (missing or empty), with these extra MLmodel keys where the flavor
 * supports them; returns its MLmodel. A flavor that ignores them (any `Flavor.save`) is fine: the
 * keys are added to MLmodel afterwards, as MLflow's `Model.log` sets them on every flavor's model.
 */
export type SaveModelDirectory = (dir: string, extraMLmodelKeys: Record<string, unknown>) => Promise<MLmodel>;

/** `save`, with the extra keys written into MLmodel even when the flavor ignores them. */
function savingExtraKeys(save: SaveModelDirectory): SaveModelDirectory {
  return async (dir, extra) => {
    const saved = await save(dir, extra);
    if (Object.entries(extra).every(([k, v]) => (saved as Record<string, unknown>)[k] === v)) return saved;
    const mlmodel: MLmodel = { ...saved, ...extra };
    await writeFile(path.join(dir, MLMODEL_FILE_NAME), serializeMLmodel(mlmodel));
    return mlmodel;
  };
}

type LoggedModelTracking = TrackingStore &
  Required<Pick<LoggedModelStore, 'createLoggedModel' | 'finalizeLoggedModel'>>;

/** MLflow 3 logging applies when the store has logged models and the path is a valid model name. */
function canLogLoggedModel(tracking: TrackingStore, name: string): tracking is LoggedModelTracking {
  if (!tracking.createLoggedModel || !tracking.finalizeLoggedModel) return false;
  try {
    validateLoggedModelName(name);
    return true;
  } catch {
    // e.g. `models/clf`: not a LoggedModel name, so logged under the run's artifacts as MLflow 2.x did.
    return false;
  }
}

/**
 * MLflow 3's `log_model`: create the LoggedModel (PENDING, named after the artifact path), record
 * it as a run output, write the model directory with `model_id`, upload it to the model's own
 * artifact location, finalize READY (UPLOAD_FAILED if anything failed). The model's URI is
 * `models:/<model_id>`.
 */
async function logAsLoggedModel(
  stores: LogModelStores & { tracking: LoggedModelTracking },
  experimentId: string,
  runId: string,
  name: string,
  save: SaveModelDirectory,
  registeredModelName: string | undefined,
): Promise<LogModelResult> {
  const { tracking } = stores;
  const model = await tracking.createLoggedModel({ experiment_id: experimentId, name, source_run_id: runId });
  const modelId = model.info.model_id;
  const location = model.info.artifact_uri;
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-model-'));
  let mlmodel: MLmodel;
  try {
    await tracking.logOutputs?.(runId, [{ model_id: modelId, step: 0 }]);
    const dir = path.join(tmp, 'model');
    mlmodel = await save(dir, { run_id: runId, artifact_path: location, model_id: modelId, model_uuid: modelId });
    await logLocalDirectory(stores.artifacts(location), dir);
    await tracking.finalizeLoggedModel(modelId, 'LOGGED_MODEL_READY');
  } catch (e) {
    await tracking.finalizeLoggedModel(modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const modelUri = `models:/${modelId}`;
  const info: LogModelResult = { runId, artifactPath: name, modelUri, modelId, mlmodel };
  if (registeredModelName !== undefined && stores.registry) {
    info.modelVersion = await registerModelVersion(
      { tracking, registry: stores.registry },
      modelUri,
      registeredModelName,
    );
  }
  return info;
}

export async function logSavedModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  flavorSave: SaveModelDirectory,
  opts: { registeredModelName?: string } = {},
): Promise<LogModelResult> {
  const { registeredModelName } = opts;
  const save = savingExtraKeys(flavorSave);
  if (registeredModelName !== undefined && !stores.registry) {
    throw new MlflowError(
      'FEATURE_DISABLED',
      `Cannot register '${registeredModelName}': these stores have no model registry`,
    );
  }
  const cleanPath = artifactPath.replace(/^\/+|\/+$/g, '');
  const run = await stores.tracking.getRun(runId);
  const { tracking } = stores;
  if (canLogLoggedModel(tracking, cleanPath)) {
    return logAsLoggedModel(
      { ...stores, tracking },
      run.info.experiment_id,
      runId,
      cleanPath,
      save,
      registeredModelName,
    );
  }
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-model-'));
  try {
    const dir = path.join(tmp, 'model');
    const mlmodel = await save(dir, { run_id: runId, artifact_path: cleanPath });
    await logLocalDirectory(stores.artifacts(run.info.artifact_uri), dir, cleanPath);
    await recordLoggedModel(stores.tracking, runId, mlmodel);
    const modelUri = `runs:/${runId}/${cleanPath}`;
    const info: LogModelResult = { runId, artifactPath: cleanPath, modelUri, mlmodel };
    if (registeredModelName !== undefined && stores.registry) {
      info.modelVersion = await registerModelVersion(
        { tracking: stores.tracking, registry: stores.registry },
        modelUri,
        registeredModelName,
      );
    }
    return info;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
