/**
 * `logSavedModel`: the flavor-independent half of every flavor's `logModel`. The flavor's `save`
 * writes the model directory into a temp dir (with `run_id` and `artifact_path` in MLmodel), which is
 * streamed under the run's artifacts at `artifactPath`, recorded in `mlflow.log-model.history`
 * (MLflow 2.x logging, which MLflow 3 still reads), and optionally registered. A third-party flavor
 * logs through this without installing any other flavor's runtime.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ArtifactRepositoryFactory } from '../artifact-repository.js';
import type { ModelVersion } from '../entities.js';
import { MlflowError } from '../errors.js';
import { recordLoggedModel } from '../mlmodel/log-model-history.js';
import type { MLmodel } from '../mlmodel/mlmodel-schema.js';
import { registerModelVersion } from '../register-model-version.js';
import type { ModelRegistryStore } from '../registry-store.js';
import type { TrackingStore } from '../tracking-store.js';
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
  /** `runs:/<run_id>/<artifact_path>`. */
  modelUri: string;
  mlmodel: MLmodel;
  /** The registered version, with `registeredModelName`. */
  modelVersion?: ModelVersion;
}

/** Writes the model directory `dir` (missing or empty) with these extra MLmodel keys; returns its MLmodel. */
export type SaveModelDirectory = (dir: string, extraMLmodelKeys: Record<string, unknown>) => Promise<MLmodel>;

export async function logSavedModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  save: SaveModelDirectory,
  opts: { registeredModelName?: string } = {},
): Promise<LogModelResult> {
  const { registeredModelName } = opts;
  if (registeredModelName !== undefined && !stores.registry) {
    throw new MlflowError('FEATURE_DISABLED', `Cannot register '${registeredModelName}': these stores have no model registry`);
  }
  const cleanPath = artifactPath.replace(/^\/+|\/+$/g, '');
  const run = await stores.tracking.getRun(runId);
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-model-'));
  try {
    const dir = path.join(tmp, 'model');
    const mlmodel = await save(dir, { run_id: runId, artifact_path: cleanPath });
    await logLocalDirectory(stores.artifacts(run.info.artifact_uri), dir, cleanPath);
    await recordLoggedModel(stores.tracking, runId, mlmodel);
    const modelUri = `runs:/${runId}/${cleanPath}`;
    const info: LogModelResult = { runId, artifactPath: cleanPath, modelUri, mlmodel };
    if (registeredModelName !== undefined && stores.registry) {
      info.modelVersion = await registerModelVersion({ tracking: stores.tracking, registry: stores.registry }, modelUri, registeredModelName);
    }
    return info;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
