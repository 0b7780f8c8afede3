/**
 * `logModel`: save to a temp dir, upload it under the run's artifacts at `artifactPath`, record the
 * `mlflow.log-model.history` run tag — the same steps, stores and tag as flavor-onnx's `logModel`.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOG_MODEL_HISTORY_TAG } from '@mlflow-ts/flavor-onnx';
import type { LogModelStores, LoggedModelInfo } from '@mlflow-ts/flavor-onnx';
import type { ArtifactRepository } from '@mlflow-ts/format';
import type { TfjsModelSource } from './model-source.js';
import { saveModel } from './save-model.js';
import type { SaveTfjsModelOptions } from './save-model.js';

async function uploadDirectory(repo: ArtifactRepository, localDir: string, prefix: string): Promise<void> {
  for (const e of await readdir(localDir, { withFileTypes: true })) {
    const local = path.join(localDir, e.name);
    const remote = `${prefix}/${e.name}`;
    if (e.isDirectory()) await uploadDirectory(repo, local, remote);
    else await repo.writeArtifact(remote, createReadStream(local) as AsyncIterable<Uint8Array>);
  }
}

export async function logModel(
  stores: LogModelStores,
  runId: string,
  artifactPath: string,
  model: TfjsModelSource,
  opts: SaveTfjsModelOptions = {},
): Promise<LoggedModelInfo> {
  const run = await stores.tracking.getRun(runId);
  const tmp = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-tfjs-'));
  try {
    const dir = path.join(tmp, 'model');
    const mlmodel = await saveModel(model, dir, {
      ...opts,
      extraMLmodelKeys: { ...opts.extraMLmodelKeys, run_id: runId, artifact_path: artifactPath },
    });
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
    return { runId, artifactPath, modelUri: `runs:/${runId}/${artifactPath}`, mlmodel };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
