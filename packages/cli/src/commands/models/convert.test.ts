import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MlflowClient } from '@mlflow-ts/client';
import { downloadModel } from '@mlflow-ts/format/node';
import { loadModel as loadOnnxModel } from '@mlflow-ts/flavor-onnx';
import { saveModel, logModel } from '@mlflow-ts/flavor-tfjs';
import { runCli, useTempDir } from '../../../test/cli-harness.js';
import { modelsCommand } from './index.js';

const tmp = useTempDir();

const groups = [modelsCommand];

function cnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [5, 5, 1],
        filters: 2,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

describe('mlflow-ts models convert', () => {
  it('converts a tfjs model directory to an onnx model that predicts the same', async () => {
    const model = cnn();
    const src = path.join(tmp.dir, 'tfjs');
    await saveModel(model, src);
    const out = path.join(tmp.dir, 'onnx');
    const r = await runCli(['models', 'convert', '-m', src, '--to', 'onnx', '-o', out], { groups });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Converted ${src} to ONNX: ${out}\n`);
    expect((await readdir(out)).sort()).toContain('model.onnx');
    const image = Float32Array.from({ length: 25 }, (_, i) => (i % 5) / 4);
    const onnx = await loadOnnxModel(out);
    const answer = await onnx.predict({
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [1, 5, 5, 1], data: image },
    });
    // The onnx flavor answers {output name: rows}, as MLflow's does.
    const got = (Array.isArray(answer) ? answer : Object.values(answer)[0]) as number[][];
    const want = tf.tidy(() => (model.predict(tf.tensor(image, [1, 5, 5, 1])) as tf.Tensor).arraySync()) as number[][];
    got[0]!.forEach((v, i) => expect(v).toBeCloseTo(want[0]![i]!, 5));
    await onnx.dispose?.();
  });

  it('reads runs:/ URIs from --backend-store-uri and logs into the run', async () => {
    const mlruns = path.join(tmp.dir, 'mlruns');
    const client = new MlflowClient({ trackingUri: mlruns });
    const runId = (await client.createRun('0')).info.run_id;
    await logModel(await client.stores(), runId, 'model', cnn());
    const r = await runCli(
      [
        'models',
        'convert',
        '-m',
        `runs:/${runId}/model`,
        '--to',
        'onnx',
        '--run-id',
        runId,
        '--backend-store-uri',
        mlruns,
      ],
      { groups },
    );
    expect(r.stderr).toBe('');
    // MLflow 3 stores log a LoggedModel (models:/<model_id>), MLflow 2 ones the run's artifacts; both resolve.
    const logged = /^Logged the ONNX model as (runs:\/\S+\/model_onnx|models:\/m-[0-9a-f]+)\n$/.exec(r.stdout)?.[1];
    expect(logged, r.stdout).toBeDefined();
    const local = await downloadModel(logged!, await client.stores());
    expect(await readdir(local.dir)).toContain('model.onnx');
    await local.cleanup();
    await client.close();
  });

  it('fails with one line for unknown formats, a missing destination and models that cannot convert', async () => {
    const bad = await runCli(['models', 'convert', '-m', tmp.dir, '--to', 'tflite', '-o', path.join(tmp.dir, 'x')], {
      groups,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--to <format>' argument 'tflite' is invalid/);
    const nowhere = await runCli(['models', 'convert', '-m', tmp.dir, '--to', 'onnx'], { groups });
    expect(nowhere).toMatchObject({
      code: 1,
      stderr: 'Error: Say where the converted model goes: -o <dir>, --run-id <id>, or both\n',
    });
    const lstm = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 2], name: 'seq' })] });
    await saveModel(lstm, path.join(tmp.dir, 'lstm'));
    const r = await runCli(
      ['models', 'convert', '-m', path.join(tmp.dir, 'lstm'), '--to', 'onnx', '-o', path.join(tmp.dir, 'out')],
      { groups },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \(INVALID_PARAMETER_VALUE\): Cannot convert layer 'seq' of type LSTM to ONNX/);
  });
});
