/**
 * A real tracking server (createStoreServer over store-fs in a temp dir) serving the built UI, on a
 * generated store: two experiments, runs with metrics (one 5,000-step series), params, tags, a
 * parent with nested children, an artifact tree covering the preview types, and a registered model
 * with versions and an alias.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsRegistryStore, createFsTrackingStore } from '@mlflow-ts/store-fs';
import { PNG } from 'pngjs';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import type { AuthOptions } from '@mlflow-ts/store-grpc/server';

export interface Fixture {
  baseUrl: string;
  experimentId: string;
  otherExperimentId: string;
  runIds: string[];
  parentRunId: string;
  childRunIds: string[];
  longRunId: string;
  modelName: string;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

const MLMODEL = `artifact_path: model
flavors:
  onnx:
    code: null
    onnx_version: 1.17.0
    data: model.onnx
  python_function:
    loader_module: mlflow.onnx
    python_version: 3.11.9
    data: model.onnx
mlflow_version: 3.6.0
model_uuid: 0f7c2b9e8f0a4a37a1c9d3f1c2b4e5d6
run_id: RUN_ID
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'
utc_time_created: '2026-01-15 09:00:00.000000'
`;

/** A 40×30 PNG: a red–blue gradient. */
function png(): Buffer {
  const img = new PNG({ width: 40, height: 30 });
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const o = (y * 40 + x) * 4;
      img.data[o] = 200;
      img.data[o + 1] = 40;
      img.data[o + 2] = x * 6;
      img.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(img);
}

export async function startFixture(uiRoot: string, opts: { auth?: AuthOptions } = {}): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-ui-'));
  const root = join(dir, 'mlruns');
  const artifactsRoot = join(dir, 'mlartifacts');
  // scratch data: no fsyncs (the tests share 2 cores with everything else)
  const tracking = createFsTrackingStore({ root, defaultArtifactRoot: 'mlflow-artifacts:/', durability: 'none' });
  const registry = createFsRegistryStore({ root });
  const experimentId = await tracking.createExperiment({
    name: 'iris-classifier',
    tags: [{ key: 'team', value: 'vision' }],
  });
  const otherExperimentId = await tracking.createExperiment({ name: 'sentiment' });
  const runIds: string[] = [];
  const models = ['tree', 'forest', 'boosting', 'linear'];
  for (let i = 0; i < 12; i++) {
    const run = await tracking.createRun({
      experiment_id: experimentId,
      run_name: `run-${String(i).padStart(2, '0')}`,
      user_id: 'alice',
      start_time: T0 + i * 60_000,
      tags: [
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.git.commit', value: 'a1b2c3d4e5f6' },
      ],
    });
    const id = run.info.run_id;
    runIds.push(id);
    const metrics = [];
    for (let step = 0; step < 50; step++) {
      metrics.push({
        key: 'loss',
        value: 1 / (1 + step * (0.05 + i * 0.01)),
        timestamp: T0 + i * 60_000 + step * 1000,
        step,
      });
      metrics.push({
        key: 'accuracy',
        value: 0.5 + 0.4 * (1 - 1 / (1 + step * 0.1)) + i * 0.005,
        timestamp: T0 + i * 60_000 + step * 1000,
        step,
      });
    }
    await tracking.logBatch(id, {
      metrics,
      params: [
        { key: 'model', value: models[i % 4] ?? 'tree' },
        { key: 'lr', value: String([0.1, 0.01, 0.001][i % 3]) },
        { key: 'depth', value: String(2 + (i % 5)) },
      ],
      tags: [{ key: 'split', value: i % 2 === 0 ? 'even' : 'odd' }],
    });
    await tracking.updateRun(id, {
      status: i === 11 ? 'FAILED' : 'FINISHED',
      end_time: T0 + i * 60_000 + 50_000 + i * 1000,
    });
  }
  const parent = await tracking.createRun({
    experiment_id: experimentId,
    run_name: 'sweep',
    user_id: 'alice',
    start_time: T0 + 20 * 60_000,
  });
  const parentRunId = parent.info.run_id;
  const childRunIds: string[] = [];
  for (let c = 0; c < 2; c++) {
    const child = await tracking.createRun({
      experiment_id: experimentId,
      run_name: `sweep-child-${c}`,
      user_id: 'alice',
      start_time: T0 + 21 * 60_000 + c,
      tags: [{ key: 'mlflow.parentRunId', value: parentRunId }],
    });
    await tracking.logBatch(child.info.run_id, {
      metrics: [{ key: 'loss', value: 0.3 + c / 10, timestamp: T0, step: 0 }],
      params: [{ key: 'lr', value: '0.05' }],
    });
    childRunIds.push(child.info.run_id);
  }
  const long = await tracking.createRun({
    experiment_id: otherExperimentId,
    run_name: 'long-training',
    user_id: 'bob',
    start_time: T0,
  });
  const longRunId = long.info.run_id;
  const series = [];
  for (let step = 0; step < 5000; step++)
    series.push({
      key: 'train_loss',
      value: Math.exp(-step / 1500) + 0.05 * Math.sin(step / 20),
      timestamp: T0 + step * 100,
      step,
    });
  for (let i = 0; i < series.length; i += 1000)
    await tracking.logBatch(longRunId, { metrics: series.slice(i, i + 1000) });
  await tracking.setTag(longRunId, { key: 'mlflow.note.content', value: 'A long training run.\nWith a description.' });

  // Artifacts of the first run, in the proxied artifact root (mlflow-artifacts:/<exp>/<run>/artifacts).
  const first = runIds[0] ?? '';
  const art = join(artifactsRoot, experimentId, first, 'artifacts');
  await mkdir(join(art, 'model'), { recursive: true });
  await mkdir(join(art, 'plots'), { recursive: true });
  await writeFile(join(art, 'model', 'MLmodel'), MLMODEL.replace('RUN_ID', first));
  await writeFile(join(art, 'model', 'model.onnx'), Buffer.alloc(64));
  await writeFile(
    join(art, 'metrics.json'),
    JSON.stringify({ accuracy: 0.93, classes: ['setosa', 'versicolor', 'virginica'] }),
  );
  await writeFile(join(art, 'predictions.csv'), 'id,label,score\n1,setosa,0.98\n2,"versi, color",0.71\n');
  await writeFile(join(art, 'train.log'), 'epoch 1 loss 0.9\nepoch 2 loss 0.5\n');
  await writeFile(join(art, 'plots', 'confusion.png'), png());
  await writeFile(join(art, 'report.html'), '<h1>Report</h1><script>parent.document.title = "pwned"</script>');

  const modelName = 'iris-model';
  await registry.createRegisteredModel({ name: modelName, description: 'Classifies irises.' });
  await registry.createModelVersion({
    name: modelName,
    source: `mlflow-artifacts:/${experimentId}/${first}/artifacts/model`,
    run_id: first,
  });
  await registry.createModelVersion({
    name: modelName,
    source: `mlflow-artifacts:/${experimentId}/${runIds[1]}/artifacts/model`,
    run_id: runIds[1],
  });
  await registry.setRegisteredModelAlias(modelName, 'champion', '1');

  const server = createStoreServer({
    tracking,
    registry,
    artifacts: { root: artifactsRoot },
    host: '127.0.0.1',
    port: 0,
    ui: { root: uiRoot },
    auth: opts.auth,
  });
  const { httpPort } = await server.listen();
  return {
    baseUrl: `http://127.0.0.1:${httpPort}`,
    experimentId,
    otherExperimentId,
    runIds,
    parentRunId,
    childRunIds,
    longRunId,
    modelName,
    async close() {
      await server.close();
      await tracking.close?.();
      await registry.close?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
