import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFlavorRegistry } from '@mlflow-ts/format';
import type { ArtifactRepository } from '@mlflow-ts/format';
import {
  createMemoryArtifactRepository,
  createMemoryRegistryStore,
  createMemoryTrackingStore,
} from '@mlflow-ts/format/testing';
import { logModel, onnxFlavor, saveModel } from '@mlflow-ts/flavor-onnx';
import { buildMlpModel } from '@mlflow-ts/flavor-onnx/testing';
import { loadModel } from './load-model.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'serve-load-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));
const registry = createFlavorRegistry([onnxFlavor()]);
const small = () => buildMlpModel({ inputSize: 4, hidden: 3, classes: 2 });
// buildMlpModel's one output.
const OUT = 'probabilities';

function stores() {
  const tracking = createMemoryTrackingStore();
  const repos = new Map<string, ArtifactRepository>();
  const artifacts = (uri: string) => {
    const root = uri.split('/').slice(0, 3).join('/') || uri;
    if (!repos.has(root)) repos.set(root, createMemoryArtifactRepository(root));
    const base = repos.get(root)!;
    const prefix = uri.slice(root.length).replace(/^\/+/, '');
    const join = (p?: string) => [prefix, p ?? ''].filter(Boolean).join('/');
    // A repository rooted below the memory root: paths are prefixed, listings made relative again.
    const repo: ArtifactRepository = {
      specificationVersion: 'v1',
      rootUri: uri,
      listArtifacts: async (p) =>
        (await base.listArtifacts(join(p) || undefined)).map((f) => ({
          ...f,
          path: prefix ? f.path.slice(prefix.length + 1) : f.path,
        })),
      readArtifact: (p) => base.readArtifact(join(p)),
      writeArtifact: (p, d) => base.writeArtifact(join(p), d),
    };
    return repo;
  };
  return { tracking, artifacts };
}

describe('loadModel', () => {
  it('enforces the signature before the flavor runs, naming the input', async () => {
    await saveModel(small(), path.join(tmp, 'a'));
    const m = await loadModel(path.join(tmp, 'a', 'MLmodel'), { registry });
    expect(m.flavor).toBe('onnx');
    const p = ((await m.predict({ kind: 'tensor', value: [[0, 0.5, 1, 0]] })) as Record<string, number[][]>)[OUT]!;
    expect(p[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(() => m.enforce({ kind: 'tensor', value: [[1, 2]] })).toThrow(/input/);
    await m.dispose();
  });

  it('names the flavors when none in the registry fits', async () => {
    await saveModel(small(), path.join(tmp, 'b'));
    await expect(loadModel(path.join(tmp, 'b'), { registry: createFlavorRegistry([]) })).rejects.toThrow(
      /declares \[.*onnx.*\]/,
    );
    await expect(loadModel(path.join(tmp, 'missing'), { registry })).rejects.toThrow(/does not exist/);
  });
});

describe('loadModel through the stores', () => {
  it('loads runs:/, models:/ by version, alias, latest and sub-path, and models:/<model_id>; removes each download', async () => {
    const s = stores();
    const run = await s.tracking.createRun({ experiment_id: '0', start_time: Date.now(), tags: [] } as never);
    // The in-memory store has logged models, so this logs the MLflow 3 way (models:/<model_id>).
    const logged = await logModel(s, run.info.run_id, 'model', small());
    const location = logged.modelId
      ? (await s.tracking.getLoggedModel!(logged.modelId)).info.artifact_uri
      : `${run.info.artifact_uri}/model`;
    const downloads = await mkdtemp(path.join(tmp, 'downloads-'));
    const reg = createMemoryRegistryStore();
    await reg.createRegisteredModel({ name: 'clf' });
    await reg.createModelVersion({ name: 'clf', source: location, run_id: run.info.run_id });
    await reg.setRegisteredModelAlias('clf', 'champion', '1');
    const uris = [
      `runs:/${run.info.run_id}/model`,
      logged.modelUri,
      'models:/clf/1',
      'models:/clf@champion',
      'models:/clf/latest/MLmodel',
    ];
    for (const uri of uris) {
      const m = await loadModel(uri, { registry, stores: { ...s, registry: reg }, tmpDir: downloads });
      expect(m.signature?.inputs, uri).toHaveLength(1);
      expect(await readdir(downloads)).toEqual([]);
      await m.dispose();
    }
  });

  it('removes the download when loading fails, and names the missing store', async () => {
    const s = stores();
    const run = await s.tracking.createRun({ experiment_id: '0', start_time: Date.now(), tags: [] } as never);
    await logModel(s, run.info.run_id, 'model', small());
    const downloads = await mkdtemp(path.join(tmp, 'failed-'));
    await expect(
      loadModel(`runs:/${run.info.run_id}/model`, { registry: createFlavorRegistry([]), stores: s, tmpDir: downloads }),
    ).rejects.toThrow(/No flavor can load/);
    expect(await readdir(downloads)).toEqual([]);
    await expect(loadModel('runs:/abc/model', { registry })).rejects.toThrow(/tracking store/);
    await expect(loadModel(`models:/clf/1`, { registry, stores: s })).rejects.toThrow(/no model registry/);
  });
});
