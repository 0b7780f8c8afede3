/**
 * MLflow 3 logging through `logSavedModel` on the in-memory stores: a LoggedModel is created,
 * recorded as a run output, its files land at the model's own artifact location, it is finalized
 * READY, and `models:/<model_id>` resolves, downloads and registers. Models logged the MLflow 2.x
 * way (under run artifacts) still resolve through `runs:/`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createMemoryArtifactRepository,
  createMemoryRegistryStore,
  createMemoryTrackingStore,
  expectMlflowError,
} from '../testing/index.js';
import type { ArtifactRepository } from '../artifact-repository.js';
import { resolveModelUri } from '../model-uri/index.js';
import { registerModelVersion } from '../register-model-version.js';
import type { TrackingStore } from '../tracking-store.js';
import { downloadModel } from './download-model.js';
import { logLocalDirectory } from './transfer.js';
import { logSavedModel } from './log-saved-model.js';

function stores(tracking: TrackingStore = createMemoryTrackingStore({ artifactRoot: 'mem:/root' })) {
  // One in-memory bucket; each URI is a view at its path (as an object store's prefixes are).
  const bucket = createMemoryArtifactRepository();
  const used = new Set<string>();
  const key = (uri: string, p?: string) => [uri.replace(/^mem:\/+/, ''), p].filter(Boolean).join('/');
  const artifacts = (uri: string): ArtifactRepository => ({
    specificationVersion: 'v1',
    rootUri: uri,
    listArtifacts: async (p) =>
      (await bucket.listArtifacts(key(uri, p))).map((f) => ({ ...f, path: f.path.slice(key(uri).length + 1) })),
    readArtifact: (p) => bucket.readArtifact(key(uri, p)),
    writeArtifact: async (p, data) => {
      used.add(uri);
      await bucket.writeArtifact(key(uri, p), data);
    },
  });
  const repos = {
    get: (uri: string) =>
      used.has(uri) || [...used].some((u) => u.startsWith(`${uri}/`)) ? artifacts(uri) : undefined,
  };
  return { tracking, artifacts, registry: createMemoryRegistryStore(), repos };
}

const save = (files: Record<string, string>) => async (dir: string, extra: Record<string, unknown>) => {
  await fs.mkdir(dir, { recursive: true });
  const mlmodel = { flavors: { test: {} }, ...extra };
  await fs.writeFile(
    path.join(dir, 'MLmodel'),
    `${Object.entries(mlmodel)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n')}\n`,
  );
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
  return mlmodel as never;
};

describe('logSavedModel with a logged-model store (MLflow 3)', () => {
  it('creates, uploads to the model location, finalizes and links the run output', async () => {
    const s = stores();
    const run = await s.tracking.createRun({});
    const info = await logSavedModel(s, run.info.run_id, 'model', save({ 'weights.bin': 'w' }));
    expect(info.modelId).toMatch(/^m-[0-9a-f]{32}$/);
    expect(info.modelUri).toBe(`models:/${info.modelId}`);
    const model = await s.tracking.getLoggedModel!(info.modelId!);
    expect(model.info).toMatchObject({ name: 'model', source_run_id: run.info.run_id, status: 'LOGGED_MODEL_READY' });
    expect(model.info.artifact_uri).toBe(`mem:/root/0/models/${info.modelId}/artifacts`);
    const files = await s.repos.get(model.info.artifact_uri)!.listArtifacts();
    expect(files.map((f) => f.path).sort()).toEqual(['MLmodel', 'weights.bin']);
    expect(info.mlmodel).toMatchObject({
      model_id: info.modelId,
      model_uuid: info.modelId,
      run_id: run.info.run_id,
      artifact_path: model.info.artifact_uri,
    });
    expect((await s.tracking.getRun(run.info.run_id)).outputs?.model_outputs).toEqual([
      { model_id: info.modelId, step: 0 },
    ]);
    // nothing under the run's own artifacts
    expect(s.repos.get(run.info.artifact_uri)).toBeUndefined();
  });

  it('marks the model UPLOAD_FAILED when the upload fails', async () => {
    const s = stores();
    const run = await s.tracking.createRun({});
    const failing = {
      ...s,
      artifacts: () => ({
        ...createMemoryArtifactRepository(),
        writeArtifact: async () => Promise.reject(new Error('disk full')),
      }),
    };
    await expect(logSavedModel(failing, run.info.run_id, 'model', save({}))).rejects.toThrow('disk full');
    const found = await s.tracking.searchLoggedModels!({ experiment_ids: ['0'] });
    expect(found.items.map((m) => m.info.status)).toEqual(['LOGGED_MODEL_UPLOAD_FAILED']);
  });

  it('resolves, downloads and registers models:/<model_id>', async () => {
    const s = stores();
    const run = await s.tracking.createRun({});
    const info = await logSavedModel(s, run.info.run_id, 'clf', save({ 'weights.bin': 'abc' }));
    const location = await resolveModelUri(info.modelUri, { tracking: s.tracking });
    expect(location).toBe((await s.tracking.getLoggedModel!(info.modelId!)).info.artifact_uri);
    const local = await downloadModel(info.modelUri, { tracking: s.tracking, artifacts: s.artifacts });
    try {
      expect(await fs.readFile(path.join(local.dir, 'weights.bin'), 'utf8')).toBe('abc');
    } finally {
      await local.cleanup();
    }
    const mv = await registerModelVersion(s, info.modelUri, 'clf');
    expect(mv).toMatchObject({ source: info.modelUri, model_id: info.modelId, run_id: run.info.run_id });
    const tags = (await s.tracking.getLoggedModel!(info.modelId!)).info.tags;
    expect(tags.find((t) => t.key === 'mlflow.modelVersions')?.value).toBe('[{"name": "clf", "version": "1"}]');
    await expectMlflowError(
      resolveModelUri('models:/m-00000000000000000000000000000000', { tracking: s.tracking }),
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('logs a path that is no model name under the run artifacts, as MLflow 2.x did', async () => {
    const s = stores();
    const run = await s.tracking.createRun({});
    const info = await logSavedModel(s, run.info.run_id, 'models/clf', save({}));
    expect(info.modelUri).toBe(`runs:/${run.info.run_id}/models/clf`);
    expect(info.modelId).toBeUndefined();
  });

  it('still loads a model an MLflow 2.x client logged into run artifacts', async () => {
    const s = stores();
    const run = await s.tracking.createRun({});
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'lm-mlflow2-'));
    await save({ 'weights.bin': 'old' })(dir, { run_id: run.info.run_id, artifact_path: 'model' });
    await logLocalDirectory(s.artifacts(run.info.artifact_uri), dir, 'model');
    const local = await downloadModel(`runs:/${run.info.run_id}/model`, {
      tracking: s.tracking,
      artifacts: s.artifacts,
    });
    try {
      expect(await fs.readFile(path.join(local.dir, 'weights.bin'), 'utf8')).toBe('old');
    } finally {
      await local.cleanup();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
