import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FluentSession } from '@mlflow-ts/client';
import { parseMLmodel } from '@mlflow-ts/format';
import { fitWithAutolog, mlflowCallback } from './autolog.js';
import { loadModel } from './load-model.js';
import { tinyMlp } from './testing/tiny-models.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'tfjs-autolog-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));
let n = 0;

function session(): FluentSession {
  const s = new FluentSession({});
  s.setTrackingUri(path.join(tmp, `mlruns-${n++}`));
  return s;
}

function data(rows = 16) {
  const x = tf.tensor2d(
    Array.from({ length: rows * 3 }, (_, i) => Math.sin(i * 1.7)),
    [rows, 3],
  );
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: rows }, (_, i) => i % 2),
      'int32',
    ),
    2,
  );
  return { x, y };
}

function compiled(lr = 0.01) {
  const model = tinyMlp(3, 2, 'softmax');
  model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

const paramsOf = (run: { data: { params?: { key: string; value: string }[] } }) =>
  Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));

describe('autologging', () => {
  it('starts and ends a run with the fit params, one metric point per epoch per metric, a summary and the model', async () => {
    const s = session();
    const { x, y } = data();
    const model = compiled();
    const es = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 5 });
    const { history, runId, modelUri } = await fitWithAutolog(
      model,
      x,
      y,
      { epochs: 3, batchSize: 4, validationSplit: 0.25, verbose: 0, callbacks: [es] },
      { session: s },
    );
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(s.activeRun()).toBeUndefined();
    const client = s.client();
    const run = await client.getRun(runId!);
    expect(run.info.status).toBe('FINISHED');
    expect(paramsOf(run)).toEqual({
      epochs: '3',
      batch_size: '4',
      validation_split: '0.25',
      shuffle: 'true',
      initial_epoch: '0',
      optimizer_name: 'Adam',
      learning_rate: '0.01',
      loss: 'categoricalCrossentropy',
      monitor: 'val_loss',
      patience: '5',
      min_delta: '0',
      mode: 'auto',
    });
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) {
      const points = await client.getMetricHistory(runId!, key);
      expect(
        points.map((p) => p.step),
        key,
      ).toEqual([0, 1, 2]);
      expect(points.map((p) => p.value)).toEqual(history.history[key]);
    }
    expect(run.data.metrics?.map((m) => m.key).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const top = (await client.listArtifacts(runId!)).map((f) => f.path).sort();
    // MLflow 3: the model is a LoggedModel (a run output), not a run artifact.
    expect(top).toEqual(['model_summary.txt']);
    expect(run.outputs?.model_outputs).toHaveLength(1);
    const summary = await client.downloadArtifacts(runId!, 'model_summary.txt', path.join(tmp, `dl-${n++}`));
    expect(await import('node:fs/promises').then((f) => f.readFile(summary, 'utf8'))).toMatch(/Total params: \d+/);
    expect(modelUri).toMatch(/^models:\/m-[0-9a-f]{32}$/);
    const local = await client.downloadArtifacts(runId!, 'model', path.join(tmp, `dl-${n++}`));
    const loaded = await loadModel(local);
    expect(
      parseMLmodel(await import('node:fs/promises').then((f) => f.readFile(path.join(local, 'MLmodel'), 'utf8'))),
    ).toMatchObject({ run_id: runId, model_id: modelUri!.slice('models:/'.length) });
    const rows = [[0.1, 0.2, 0.3]];
    // Tensor input: {output name: array}, as MLflow's onnx flavor answers.
    expect(
      await loaded.predict({
        kind: 'tensor',
        tensor: { dtype: 'float32', shape: [1, 3], data: Float32Array.from(rows[0]!) },
      }),
    ).toEqual({
      [loaded.outputs[0]!.name]: tf.tidy(() => (model.predict(tf.tensor2d(rows)) as tf.Tensor).arraySync()),
    });
    await loaded.dispose();
    await client.close();
  });

  it('logs into an already active run and leaves it open', async () => {
    const s = session();
    const run = await s.startRun({ runName: 'outer' });
    const { x, y } = data(8);
    const callback = await mlflowCallback({ session: s, logModels: false });
    await compiled().fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [callback] });
    expect(s.activeRun()?.runId).toBe(run.runId);
    expect(callback.result.runId).toBe(run.runId);
    await s.endRun();
    const stored = await s.client().getRun(run.runId);
    expect(paramsOf(stored)).toMatchObject({ epochs: '2', batch_size: '4', optimizer_name: 'Adam' });
    expect((await s.client().getMetricHistory(run.runId, 'loss')).map((p) => p.step)).toEqual([0, 1]);
    expect((await s.client().listArtifacts(run.runId)).map((f) => f.path)).toEqual(['model_summary.txt']);
  });

  it('logs stopped_epoch when EarlyStopping ends training early', async () => {
    const s = session();
    const { x, y } = data(8);
    // A zero learning rate never improves the loss, so patience 1 stops after the second epoch.
    const es = tf.callbacks.earlyStopping({ monitor: 'loss', patience: 1, minDelta: 0.5 });
    const { history, runId } = await fitWithAutolog(
      compiled(0),
      x,
      y,
      { epochs: 10, batchSize: 8, verbose: 0, callbacks: [es] },
      { session: s, logModels: false },
    );
    expect(history.epoch).toEqual([0, 1]);
    const client = s.client();
    const run = await client.getRun(runId!);
    expect(paramsOf(run)).toMatchObject({ monitor: 'loss', patience: '1', min_delta: '0.5' });
    expect((await client.getMetricHistory(runId!, 'stopped_epoch')).map((p) => p.value)).toEqual([1]);
    expect((await client.getMetricHistory(runId!, 'loss')).map((p) => p.step)).toEqual([0, 1]);
  });

  it('ends the run it started as FAILED when fit throws', async () => {
    const s = session();
    const { x, y } = data(8);
    const boom = {
      onEpochEnd: async () => {
        throw new Error('boom');
      },
    };
    await expect(
      fitWithAutolog(compiled(), x, y, { epochs: 2, verbose: 0, callbacks: [boom] as never }, { session: s }),
    ).rejects.toThrow('boom');
    expect(s.activeRun()).toBeUndefined();
    const runId = (await s.lastActiveRun())?.info.run_id;
    expect((await s.client().getRun(runId!)).info.status).toBe('FAILED');
  });
});
