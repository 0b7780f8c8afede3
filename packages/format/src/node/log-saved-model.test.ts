import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMLmodel } from '../mlmodel/create-mlmodel.js';
import { MLMODEL_FILE_NAME, parseMLmodel, serializeMLmodel } from '../mlmodel/mlmodel-yaml.js';
import { createMemoryArtifactRepository, createMemoryTrackingStore } from '../testing/index.js';
import { logSavedModel } from './log-saved-model.js';

/** A third-party flavor's save: it knows nothing of run_id, artifact_path or model_id. */
async function pluginSave(dir: string) {
  await mkdir(dir, { recursive: true });
  const mlmodel = createMLmodel({ flavors: { plugin: { data: 'weights.json' } } });
  await writeFile(path.join(dir, 'weights.json'), '[1, 2]');
  await writeFile(path.join(dir, MLMODEL_FILE_NAME), serializeMLmodel(mlmodel));
  return mlmodel;
}

describe('logSavedModel with a flavor that ignores the extra MLmodel keys', () => {
  it('still records the run (and logged model) in the uploaded MLmodel', async () => {
    const tracking = createMemoryTrackingStore();
    const repo = createMemoryArtifactRepository('memory:/');
    const run = (await tracking.createRun({})).info;
    const info = await logSavedModel({ tracking, artifacts: () => repo }, run.run_id, 'model', pluginSave);
    expect(info.mlmodel.run_id).toBe(run.run_id);
    const files = await repo.listArtifacts();
    const mlmodelPath = files.length === 1 && files[0]!.is_dir ? `${files[0]!.path}/MLmodel` : 'MLmodel';
    const chunks: Uint8Array[] = [];
    for await (const c of await repo.readArtifact(mlmodelPath)) chunks.push(c);
    const uploaded = parseMLmodel(Buffer.concat(chunks).toString('utf8'));
    expect(uploaded.run_id).toBe(run.run_id);
    expect(uploaded.flavors.plugin).toEqual({ data: 'weights.json' });
    if (info.modelId) expect(uploaded.model_id).toBe(info.modelId);
  });
});
