/**
 * `logModel`: save to a temp dir, upload it under the run's artifacts at `artifactPath`, record the
 * `mlflow.log-model.history` run tag (MLflow 2.x logging, which MLflow 3 still reads).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MlflowError, registerModelVersion } from '@mlflow-ts/format';
import type { ArtifactRepository, MLmodel, ModelRegistryStore, ModelVersion, TrackingStore } from '@mlflow-ts/format';
import type { OnnxModelSource } from './model-bytes.js';
import { saveModel } from './save-model.js';
import type { SaveOnnxModelOptions } from './save-model.js';

export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

export interface LogModelStores {
  tracking: TrackingStore;
  /** Builds the artifact repository of an artifact URI (the run's `artifact_uri`). */
  artifacts: (rootUri: string) => ArtifactRepository;
  /** Needed only with `registeredModelName`. */
  registry?: ModelRegistryStore;
}

export interface LogOnnxModelOptions extends SaveOnnxModelOptions {
  /** Also registers the logged model as a new version of this registered model (created when missing). */
  registeredModelName?: string;
}

export interface LoggedModelInfo {
  runId: string;
  artifactPath: string;
  /** `runs:/<run_id>/<artifact_path>`. */
  modelUri: string;
  mlmodel: MLmodel;
  /** The registered version, with `registeredModelName`. */
  modelVersion?: ModelVersion;
}

async function uploadDirectory(repo: ArtifactRepository, localDir: string, prefix: string): Promise<void> {
  for (const e of await readdir(localDir, { withFileTypes: true })) {
    const local = path.join(localDir, e.name);
    const remote = `${prefix}/${e.name}`;
    if (e.isDirectory()) await uploadDirectory(repo, local, remote);
    else await repo.writeArtifact(remote, createReadStream(local) as AsyncIterable<Uint8Array>);
  }
}

/**
 * The flavor-independent half of `logModel`: `save` writes the model directory (with the given
 * extra MLmodel keys) into a temp dir, which is uploaded under the run's artifacts at
 * `artifactPath`, recorded in `mlflow.log-model.history`, and optionally registered. Other flavors
 * (flavor-tfjs) log through this too.
 */
export async function logSavedModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  save: (dir: string, extraMLmodelKeys: Record<string, unknown>) => Promise<MLmodel>,
  opts: { registeredModelName?: string } = {},
): Promise<LoggedModelInfo> {
  const { registeredModelName } = opts;
  if (registeredModelName !== undefined && !stores.registry) {
    throw new MlflowError('FEATURE_DISABLED', `Cannot register '${registeredModelName}': these stores have no model registry`);
  }
  const run = await stores.tracking.getRun(runId);
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-model-'));
  try {
    const dir = path.join(tmp, 'model');
    const mlmodel = await save(dir, { run_id: runId, artifact_path: artifactPath });
    await uploadDirectory(stores.artifacts(run.info.artifact_uri), dir, artifactPath.replace(/\/+$/, ''));
    const history = run.data.tags?.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
    let list: unknown[] = [];
    try {
      list = history ? (JSON.parse(history) as unknown[]) : [];
    } catch {
      list = [];
    }
    list.push({ ...mlmodel });
    await stores.tracking.setTag(runId, { key: LOG_MODEL_HISTORY_TAG, value: JSON.stringify(list) });
    const modelUri = `runs:/${runId}/${artifactPath}`;
    const info: LoggedModelInfo = { runId, artifactPath, modelUri, mlmodel };
    if (registeredModelName !== undefined && stores.registry) {
      info.modelVersion = await registerModelVersion({ tracking: stores.tracking, registry: stores.registry }, modelUri, registeredModelName);
    }
    return info;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function logModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  model: OnnxModelSource,
  opts: LogOnnxModelOptions = {},
): Promise<LoggedModelInfo> {
  const { registeredModelName, ...saveOpts } = opts;
  return logSavedModel(
    stores, runId, artifactPath,
    (dir, extra) => saveModel(model, dir, { ...saveOpts, extraMLmodelKeys: { ...saveOpts.extraMLmodelKeys, ...extra } }),
    registeredModelName !== undefined ? { registeredModelName } : {},
  );
}
