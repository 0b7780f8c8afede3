import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseMLmodel, parseSignature } from '@mlflow-ts/format';
import { createMemoryArtifactRepository, createMemoryTrackingStore, readAll } from '@mlflow-ts/format/testing';
import { loadModel } from './load-model.js';
import { LOG_MODEL_HISTORY_TAG } from '@mlflow-ts/format';
import { logModel } from './log-model.js';
import { saveModel } from './save-model.js';
import { tinyMlp } from './testing/tiny-models.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'tfjs-save-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(tmp, `m${n++}`);

const inputOf = (rows: number[][]) => ({
  kind: 'tensor' as const,
  tensor: { dtype: 'float32' as const, shape: [rows.length, rows[0]!.length], data: Float32Array.from(rows.flat()) },
});

describe('saveModel / loadModel (LayersModel)', () => {
  it('writes model/model.json + weights.bin, the tfjs section, a TensorSpec signature and node_env.json', async () => {
    const dir = fresh();
    const model = tinyMlp(4, 3);
    const m = await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual(['MLmodel', 'model', 'node_env.json']);
    expect((await readdir(path.join(dir, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const written = parseMLmodel(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
    expect(written.flavors.tfjs).toEqual({ tfjs_version: tf.version.tfjs, model_type: 'layers-model', data: 'model' });
    expect(written.flavors.python_function).toBeUndefined();
    expect(m.model_size_bytes).toBeGreaterThan(4 * 3 * 4);
    const sig = parseSignature(written.signature as never);
    expect(sig.inputs).toEqual([
      { name: 'dense_Dense1_input', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] } },
    ]);
    expect(sig.outputs).toEqual([
      { name: 'dense_Dense2', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } },
    ]);
    const env = JSON.parse(await readFile(path.join(dir, 'node_env.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(env.dependencies)).toEqual(['@mlflow-ts/flavor-tfjs', '@tensorflow/tfjs']);
    const modelJson = JSON.parse(await readFile(path.join(dir, 'model', 'model.json'), 'utf8')) as {
      format: string;
      weightsManifest: { paths: string[] }[];
    };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    model.dispose();
  });

  it('round-trips: the loaded model predicts exactly what the original does', async () => {
    const dir = fresh();
    const model = tinyMlp(4, 3, 'softmax');
    await saveModel(model, dir);
    const rows = [
      [0.1, -0.2, 0.3, 0.9],
      [1, 2, 3, 4],
      [-1, 0, 0.5, 0.25],
    ];
    const expected = tf.tidy(() => (model.predict(tf.tensor2d(rows)) as tf.Tensor).arraySync()) as number[][];
    const loaded = await loadModel(dir);
    const out = loaded.outputs[0]!.name;
    expect(await loaded.predict(inputOf(rows))).toEqual({ [out]: expected });
    // A dict naming the input gives the same answer; a DataFrame of the same rows gives rows of the
    // flattened output, as MLflow's onnx flavor builds its DataFrame.
    expect(
      await loaded.predict({ kind: 'tensors', tensors: { [loaded.inputs[0]!.name]: inputOf(rows).tensor } }),
    ).toEqual({ [out]: expected });
    const frame = (await loaded.predict({ kind: 'dataframe', columns: ['a', 'b', 'c', 'd'], rows })) as Record<
      string,
      number
    >[];
    expect(frame).toHaveLength(expected.length * expected[0]!.length);
    frame.forEach((r, i) => expect(r[out]).toBeCloseTo(expected.flat()[i]!, 6));
    const before = tf.memory().numTensors;
    await loaded.predict(inputOf(rows));
    expect(tf.memory().numTensors).toBe(before);
    await loaded.dispose();
    model.dispose();
  });

  it('saves a multi-output functional model and predicts a name → list map', async () => {
    const input = tf.input({ shape: [2], name: 'features' });
    const a = tf.layers.dense({ units: 1, name: 'score' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, activation: 'softmax', name: 'probs' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [a, b] });
    const dir = fresh();
    const m = await saveModel(model, dir, { inputExample: [[1, 2]], metadata: { team: 'x' } });
    expect(m.saved_input_example_info).toMatchObject({ artifact_path: 'input_example.json', type: 'json_object' });
    expect(m.metadata).toEqual({ team: 'x' });
    const loaded = await loadModel(path.join(dir, 'MLmodel'));
    const p = (await loaded.predict(inputOf([[1, 2]]))) as Record<string, number[][]>;
    expect(Object.keys(p)).toEqual(['score', 'probs']);
    expect(p.probs![0]!.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    await loaded.dispose();
  });

  it('copies a saved layers model.json with its shards ({ layersModelJson })', async () => {
    const model = tinyMlp(3, 2);
    const first = fresh();
    await saveModel(model, first);
    const dir = fresh();
    const m = await saveModel({ layersModelJson: path.join(first, 'model', 'model.json') }, dir);
    expect(m.flavors.tfjs).toMatchObject({ model_type: 'layers-model' });
    const loaded = await loadModel(dir);
    expect(await loaded.predict(inputOf([[1, 2, 3]]))).toEqual({
      [loaded.outputs[0]!.name]: tf.tidy(() => (model.predict(tf.tensor2d([[1, 2, 3]])) as tf.Tensor).arraySync()),
    });
    await loaded.dispose();
  });

  it('refuses a non-empty target, a missing GraphModel dir and values that are not models', async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(path.join(dir, 'x'), 'x');
    await expect(saveModel(tinyMlp(2, 1), dir)).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
    await expect(saveModel({ graphModelDir: path.join(tmp, 'nope') }, fresh())).rejects.toThrow(/does not exist/);
    await expect(saveModel({} as never, fresh())).rejects.toThrow(/tf.LayersModel/);
    await expect(loadModel(fresh())).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});

describe('logModel', () => {
  it('logs an MLflow 3 LoggedModel at its own artifact location', async () => {
    const tracking = createMemoryTrackingStore();
    const repos = new Map<string, ReturnType<typeof createMemoryArtifactRepository>>();
    const artifacts = (uri: string) => {
      if (!repos.has(uri)) repos.set(uri, createMemoryArtifactRepository());
      return repos.get(uri)!;
    };
    const expId = await tracking.createExperiment({ name: 'e' });
    const run = await tracking.createRun({ experiment_id: expId, start_time: Date.now(), tags: [] });
    const info = await logModel({ tracking, artifacts }, run.info.run_id, 'model', tinyMlp(2, 1));
    expect(info.modelUri).toBe(`models:/${info.modelId}`);
    const location = (await tracking.getLoggedModel!(info.modelId!)).info.artifact_uri;
    const repo = artifacts(location);
    const mlmodel = parseMLmodel(new TextDecoder().decode((await readAll(await repo.readArtifact('MLmodel'))).bytes));
    expect(mlmodel).toMatchObject({ run_id: run.info.run_id, artifact_path: location, model_id: info.modelId });
    expect((await repo.listArtifacts('model')).map((f) => f.path).sort()).toEqual([
      'model/model.json',
      'model/weights.bin',
    ]);
    const tags = (await tracking.getRun(run.info.run_id)).data.tags ?? [];
    expect(tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)).toBeUndefined();
  });
});
