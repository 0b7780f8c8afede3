/**
 * An `mlruns/` tree MLflow 3.6's FileStore wrote (record.py in store-grpc's test/fixtures/mlflow3,
 * server `--backend-store-uri ./mlruns`): we read its logged models exactly, and what we write on
 * top of it keeps MLflow's layout byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsRegistryStore, createFsTrackingStore } from '../index.js';
import type { FsTrackingStore } from '../index.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/mlflow3-mlruns');
const EXP = '993668524841830750';
const RUN = 'b7419f654e474728957ddcb3020cb681';
const SK = 'm-aa9215e1b25246299e15e7de5bd59515';
const PY = 'm-c1b599037878418dbbeb02d5da4b5009';

const dirs: string[] = [];
const stores: FsTrackingStore[] = [];
function open(): { store: FsTrackingStore; root: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-mlflow3-'));
  dirs.push(dir);
  const root = path.join(dir, 'mlruns');
  fs.cpSync(FIXTURE, root, { recursive: true });
  const store = createFsTrackingStore({ root, cacheDir: null });
  stores.push(store);
  return { store, root };
}
afterAll(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const tagsOf = (xs: { key: string; value: string }[]) => Object.fromEntries(xs.map((x) => [x.key, x.value]));

describe('MLflow 3.6 logged models (FileStore)', () => {
  it('reads a logged model with its tags and linked metric', async () => {
    const { store } = open();
    const m = await store.getLoggedModel(SK);
    const { tags, ...info } = m.info;
    expect(info).toEqual({
      model_id: SK,
      experiment_id: EXP,
      name: 'model',
      creation_timestamp_ms: 1796305359965,
      last_updated_timestamp_ms: 1796305372958,
      artifact_uri: `mlflow-artifacts:/${EXP}/models/${SK}/artifacts`,
      status: 'LOGGED_MODEL_READY',
      model_type: '',
      source_run_id: RUN,
    });
    expect(tagsOf(tags)).toEqual({
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': '374e28e117ec266b0ca9fed17c66f86b5deb11ac',
      'mlflow.source.name': '/work/main/packages/store-grpc/test/fixtures/mlflow3/record.py',
      'mlflow.user': 'root',
      'mlflow.modelVersions':
        '[{"name": "logged-models-recording-clf", "version": 1}, {"name": "logged-models-recording-clf", "version": "1"}]',
    });
    expect(m.data).toEqual({
      params: [],
      metrics: [{ key: 'acc', value: 0.75, timestamp: 1796305383744, step: 0, model_id: SK, run_id: RUN }],
    });
  });

  it('searches them like MLflow (newest first, filters on metrics and names)', async () => {
    const { store } = open();
    const all = await store.searchLoggedModels({ experiment_ids: [EXP] });
    expect(all.items.map((m) => m.info.model_id)).toEqual([PY, SK]);
    const filtered = await store.searchLoggedModels({
      experiment_ids: [EXP],
      filter: "name = 'model' AND metrics.acc > 0.5",
    });
    expect(filtered.items.map((m) => m.info.model_id)).toEqual([SK]);
    expect(
      (await store.searchLoggedModels({ experiment_ids: [EXP], filter: "name = 'addn'" })).items[0]?.info.name,
    ).toBe('addn');
  });

  it('reads the run’s model outputs and inputs', async () => {
    const { store } = open();
    const run = await store.getRun(RUN);
    expect(run.outputs?.model_outputs.map((o) => o.model_id).sort()).toEqual([SK, PY].sort());
    expect(run.inputs.model_inputs).toEqual([{ model_id: SK }]);
  });

  it('reads the model version registered from models:/m-<id> with its model_id', async () => {
    const { root } = open();
    const registry = createFsRegistryStore({ root });
    const mv = await registry.getModelVersion('logged-models-recording-clf', '1');
    expect(mv).toMatchObject({ source: `models:/${SK}`, model_id: SK, run_id: RUN, status: 'READY' });
  });

  it('writes meta.yaml, params and tags in MLflow’s format', async () => {
    const { store, root } = open();
    const created = await store.createLoggedModel({
      experiment_id: EXP,
      name: 'ours',
      model_type: 'Classifier',
      source_run_id: RUN,
      params: [{ key: 'alpha', value: '0.5' }],
      tags: [{ key: 'mlflow.user', value: 'root' }],
    });
    const id = created.info.model_id;
    const dir = path.join(root, EXP, 'models', id);
    expect(fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8')).toBe(
      [
        `artifact_location: mlflow-artifacts:/${EXP}/models/${id}/artifacts`,
        `creation_timestamp: ${created.info.creation_timestamp_ms}`,
        `experiment_id: '${EXP}'`,
        `last_updated_timestamp: ${created.info.creation_timestamp_ms}`,
        'lifecycle_stage: active',
        `model_id: ${id}`,
        'model_type: Classifier',
        'name: ours',
        `source_run_id: ${RUN}`,
        'status: 1',
        'status_message: null',
        '',
      ].join('\n'),
    );
    expect(fs.readFileSync(path.join(dir, 'params', 'alpha'), 'utf8')).toBe('0.5');
    expect(fs.readFileSync(path.join(dir, 'tags', 'mlflow.user'), 'utf8')).toBe('root');
    expect(fs.readdirSync(path.join(dir, 'metrics'))).toEqual([]);
    await store.logMetric(RUN, {
      key: 'f1',
      value: 0.5,
      timestamp: 1000,
      step: 2,
      model_id: id,
      dataset_name: 'ds',
      dataset_digest: 'abc',
    });
    expect(fs.readFileSync(path.join(dir, 'metrics', 'f1'), 'utf8')).toBe(`1000 0.5 2 ${RUN} ds abc\n`);
    await store.finalizeLoggedModel(id, 'LOGGED_MODEL_READY');
    expect(fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8')).toContain('status: 2\n');
    // a model_id that is a path reaches no directory: the run's own metric file keeps MLflow's format
    await store.logMetric(RUN, { key: 'acc', value: 0.1, timestamp: 2000, step: 0, model_id: `../${RUN}` });
    expect(
      fs
        .readFileSync(path.join(root, EXP, RUN, 'metrics', 'acc'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ').length),
    ).toEqual([3, 3]);
    // no temp files left behind next to MLflow's files
    expect(fs.readdirSync(dir).sort()).toEqual(['meta.yaml', 'metrics', 'params', 'tags']);
  });
});
