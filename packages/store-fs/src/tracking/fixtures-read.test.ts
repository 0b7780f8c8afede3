/** What MLflow 2.8 and 3.2 wrote, we read exactly. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore, type FsTrackingStore } from '../index.js';
import { copyFixtureStore } from '../../test/temp-store.js';

const WINE_EXP = '895387645806649699';
const stores: FsTrackingStore[] = [];
function open(name: string): { store: FsTrackingStore; root: string } {
  const root = copyFixtureStore(name);
  const store = createFsTrackingStore({ root });
  stores.push(store);
  return { store, root };
}
afterAll(async () => {
  for (const s of stores) await s.close();
});

/** Every metric line of a file, parsed independently of the store. */
function rawHistory(file: string): { timestamp: number; value: number; step: number }[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [ts, v, step] = l.split(' ');
      return { timestamp: Number(ts), value: Number(v), step: Number(step ?? 0) };
    });
}

describe('MLflow 3.2 store (mlflow-fastapi-wine)', () => {
  it('reads experiments and runs', async () => {
    const { store } = open('160103126__mlflow-fastapi-wine');
    const exp = await store.getExperiment(WINE_EXP);
    expect(exp).toEqual({
      experiment_id: WINE_EXP,
      name: 'wine-quality-optimization',
      artifact_location: `file:///C:/Users/prade/Documents/MLFlow_E2E_wine_predict/mlruns/${WINE_EXP}`,
      lifecycle_stage: 'active',
      creation_time: 1754589325344,
      last_update_time: 1754589325344,
      tags: [],
    });
    const page = await store.searchExperiments({});
    expect(page.items.map((e) => e.experiment_id).sort()).toEqual(['0', WINE_EXP]);
    expect(await store.getExperimentByName('Default')).toMatchObject({ experiment_id: '0' });

    const runs = await store.searchRuns({ experiment_ids: [WINE_EXP] });
    // Default order: start_time DESC.
    expect(runs.items.map((r) => r.info.run_id)).toEqual([
      'a300d8876f2042bf86eb8cee1c072d55',
      '01c4ab1ee24e481caa1688beea747fcb',
      'd8f910a5d96b478cab1a9539778901ed',
    ]);
    expect(store.warnings).toEqual([]);
  });

  it('reads a parent run exactly', async () => {
    const { store } = open('160103126__mlflow-fastapi-wine');
    const run = await store.getRun('d8f910a5d96b478cab1a9539778901ed');
    expect(run.info).toEqual({
      run_id: 'd8f910a5d96b478cab1a9539778901ed',
      run_uuid: 'd8f910a5d96b478cab1a9539778901ed',
      run_name: 'hyperparameter-sweep',
      experiment_id: WINE_EXP,
      user_id: 'prade',
      status: 'FINISHED',
      start_time: 1754589325598,
      end_time: 1754589521194,
      artifact_uri: `file:///C:/Users/prade/Documents/MLFlow_E2E_wine_predict/mlruns/${WINE_EXP}/d8f910a5d96b478cab1a9539778901ed/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(run.data.params).toEqual([
      { key: 'best_learning_rate', value: '0.06907788970053365' },
      { key: 'best_momentum', value: '0.43060416984618605' },
      { key: 'dataset', value: 'wine-quality' },
      { key: 'max_evaluations', value: '15' },
      { key: 'model_type', value: 'neural_network' },
      { key: 'objective_metric', value: 'validation_rmse' },
      { key: 'optimization_method', value: 'Tree-structured Parzen Estimator (TPE)' },
    ]);
    expect(run.data.tags).toEqual([
      { key: 'mlflow.runName', value: 'hyperparameter-sweep' },
      {
        key: 'mlflow.source.name',
        value:
          'C:\\Users\\prade\\AppData\\Local\\Programs\\Python\\Python310\\lib\\site-packages\\ipykernel_launcher.py',
      },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.user', value: 'prade' },
    ]);
    expect(run.data.metrics).toEqual([
      { key: 'best_val_rmse', value: 0.6888929009437561, timestamp: 1754589521149, step: 0 },
      { key: 'optimization_completed', value: 1, timestamp: 1754589521149, step: 0 },
      { key: 'total_trials', value: 15, timestamp: 1754589521149, step: 0 },
    ]);
    expect(run.outputs).toBeUndefined();
  });

  it('reads child runs: parent tag, duplicated metric lines, logged-model outputs', async () => {
    const { store, root } = open('160103126__mlflow-fastapi-wine');
    for (const [runId, modelId] of [
      ['a300d8876f2042bf86eb8cee1c072d55', 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4'],
      ['01c4ab1ee24e481caa1688beea747fcb', 'm-7910d94af22749e58b5f73ceb59c19d2'],
    ] as const) {
      const run = await store.getRun(runId);
      expect(run.data.tags).toContainEqual({ key: 'mlflow.parentRunId', value: 'd8f910a5d96b478cab1a9539778901ed' });
      expect(run.outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 0 }] });
      for (const key of ['epochs_trained', 'val_rmse', 'val_loss']) {
        const expected = rawHistory(path.join(root, WINE_EXP, runId, 'metrics', key));
        expect(expected).toHaveLength(2);
        const history = await store.getMetricHistory(runId, key);
        expect(history.items).toEqual(expected.map((m) => ({ key, ...m })));
      }
    }
    const byParent = await store.searchRuns({
      experiment_ids: [WINE_EXP],
      filter: "tags.mlflow.parentRunId = 'd8f910a5d96b478cab1a9539778901ed'",
    });
    expect(byParent.items).toHaveLength(2);
  });
});

describe('MLflow 2.8 store (zakharovart01__mlops)', () => {
  it('reads run_uuid-era runs, keys with spaces and raw file values', async () => {
    const { store, root } = open('zakharovart01__mlops');
    const exp = await store.getExperiment('0');
    expect(exp).toMatchObject({
      name: 'Default',
      artifact_location: 'file:///home/zakhar/mlops/mlruns/0',
      creation_time: 1701598360278,
    });
    const run = await store.getRun('53de31024b0c48d7b6e25e6bcb898fac');
    expect(run.info).toMatchObject({
      run_id: '53de31024b0c48d7b6e25e6bcb898fac',
      run_uuid: '53de31024b0c48d7b6e25e6bcb898fac',
      run_name: 'flawless-hog-304',
      status: 'FINISHED',
      user_id: 'zakhar',
      start_time: 1701598982710,
      end_time: 1701598985194,
    });
    // MLflow returns a param/tag file's whole content; these files end with a newline.
    const runDir = path.join(root, '0', '53de31024b0c48d7b6e25e6bcb898fac');
    for (const p of run.data.params) expect(p.value).toBe(fs.readFileSync(path.join(runDir, 'params', p.key), 'utf8'));
    for (const t of run.data.tags) expect(t.value).toBe(fs.readFileSync(path.join(runDir, 'tags', t.key), 'utf8'));
    expect(run.data.params.map((p) => p.key)).toEqual(['d', 'mlflow']);
    expect(run.data.tags.map((t) => t.key)).toContain('mlflow.log-model.history');
    expect(run.data.metrics).toEqual([
      { key: 'MAPE', value: 0.3551085889339447, timestamp: 1701598982732, step: 0 },
      { key: 'RMSE', value: 53.08303029659055, timestamp: 1701598982732, step: 0 },
      { key: 'max error', value: 152.7042694091797, timestamp: 1701598982732, step: 0 },
    ]);
    const hist = await store.getMetricHistory('53de31024b0c48d7b6e25e6bcb898fac', 'max error');
    expect(hist.items).toEqual([{ key: 'max error', value: 152.7042694091797, timestamp: 1701598982732, step: 0 }]);
    const both = await store.searchRuns({
      experiment_ids: ['0'],
      filter: 'metrics.RMSE > 60',
      order_by: ['metrics.RMSE DESC'],
    });
    expect(both.items.map((r) => r.info.run_id)).toEqual(['1ac957e967204384885987bb4c23e977']);
  });

  it('does not treat the artifacts folder or model registry as runs/experiments', async () => {
    const { store } = open('160103126__mlflow-fastapi-wine');
    const all = await store.searchExperiments({ view_type: 'ALL' });
    expect(all.items.map((e) => e.name).sort()).toEqual(['Default', 'wine-quality-optimization']);
    const runs = await store.searchRuns({ experiment_ids: [WINE_EXP], run_view_type: 'ALL' });
    expect(runs.items).toHaveLength(3);
  });
});
