import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMLmodel, parseSignature } from '@mlflow-ts/format';
import type { ArtifactRepository } from '@mlflow-ts/format';
import {
  createMemoryArtifactRepository,
  createMemoryRegistryStore,
  createMemoryTrackingStore,
  readAll,
} from '@mlflow-ts/format/testing';
import { loadModel } from './load-model.js';
import { LOG_MODEL_HISTORY_TAG } from '@mlflow-ts/format';
import { logModel } from './log-model.js';
import { saveModel } from './save-model.js';
import { buildCnnModel, buildMlpModel } from './testing/onnx-builders.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(repoRoot, 'fixtures');
const onnxDir = path.join(fixtures, 'mlflow/tests/resources/onnx');
const mlflowOnnxDir = path.join(fixtures, 'zakharovart01__mlops/onnx_model');

const tmp = await mkdtemp(path.join(tmpdir(), 'onnx-save-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(tmp, `m${n++}`);

describe('saveModel', () => {
  it('writes the same layout as mlflow.onnx.save_model (fixture written by MLflow 2.8.1)', async () => {
    const dir = fresh();
    await saveModel(path.join(mlflowOnnxDir, 'model.onnx'), dir);
    const ours = parseMLmodel(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
    const theirs = parseMLmodel(await readFile(path.join(mlflowOnnxDir, 'MLmodel'), 'utf8'));
    expect((await readdir(dir)).sort()).toEqual([...(await readdir(mlflowOnnxDir)), 'node_env.json'].sort());
    for (const key of Object.keys(theirs)) expect(ours).toHaveProperty(key);
    expect(Object.keys(ours.flavors).sort()).toEqual(Object.keys(theirs.flavors).sort());
    for (const f of ['onnx', 'python_function'])
      expect(Object.keys(ours.flavors[f]!).sort()).toEqual(Object.keys(theirs.flavors[f]!).sort());
    expect(ours.flavors.onnx).toMatchObject({
      data: 'model.onnx',
      code: null,
      onnx_session_options: null,
      providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'],
    });
    expect(ours.flavors.python_function).toMatchObject({
      loader_module: 'mlflow.onnx',
      data: 'model.onnx',
      env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
    });
    expect(ours.model_size_bytes).toBe((await stat(path.join(mlflowOnnxDir, 'model.onnx'))).size);
    const req = await readFile(path.join(dir, 'requirements.txt'), 'utf8');
    expect(req.split('\n').map((l) => l.split('==')[0])).toEqual(['mlflow', 'onnx', 'onnxruntime']);
    expect(req.endsWith('\n')).toBe(false);
    expect(await readFile(path.join(dir, 'conda.yaml'), 'utf8')).toMatch(
      /- pip:\n {2}- mlflow==[\d.]+\n {2}- onnx==[\d.]+\n {2}- onnxruntime==/,
    );
    const nodeEnv = JSON.parse(await readFile(path.join(dir, 'node_env.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(nodeEnv.dependencies).sort()).toEqual(['@mlflow-ts/flavor-onnx', 'onnxruntime-node']);
  });

  it('infers a TensorSpec signature from the graph (-1 for symbolic dims)', async () => {
    const dir = fresh();
    const m = await saveModel(buildCnnModel(), dir);
    const sig = parseSignature(m.signature as never);
    expect(sig.inputs).toEqual([
      { name: 'image', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 1, 28, 28] } },
    ]);
    expect(sig.outputs).toEqual([
      { name: 'logits', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 10] } },
    ]);
    const text = await readFile(path.join(dir, 'MLmodel'), 'utf8');
    // MLflow's json.dumps spacing and key order; PyYAML folds the long line as MLflow's writer does.
    expect(text).toContain(`  inputs: '[{"name": "image", "type": "tensor", "tensor-spec": {"dtype": "float32",`);
  });

  it('ZipMap outputs get no output schema; signature: false writes none', async () => {
    const zip = await saveModel(path.join(onnxDir, 'sklearn_model.onnx'), fresh());
    expect(parseSignature(zip.signature as never).outputs).toBeUndefined();
    const none = await saveModel(path.join(onnxDir, 'sklearn_model.onnx'), fresh(), { signature: false });
    expect(none.signature).toBeUndefined();
  });

  it('writes input examples and session options', async () => {
    const dir = fresh();
    const example = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
    const m = await saveModel(path.join(mlflowOnnxDir, 'model.onnx'), dir, {
      inputExample: example,
      sessionOptions: { intra_op_num_threads: 1, graph_optimization_level: 99 },
      metadata: { team: 'x' },
    });
    expect(m.saved_input_example_info).toMatchObject({ artifact_path: 'input_example.json' });
    expect(JSON.parse(await readFile(path.join(dir, 'input_example.json'), 'utf8'))).toEqual(example);
    const reread = parseMLmodel(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
    expect(reread.flavors.onnx!.onnx_session_options).toEqual({
      intra_op_num_threads: 1,
      graph_optimization_level: 99,
    });
    expect(reread.metadata).toEqual({ team: 'x' });
    const loaded = await loadModel(dir);
    const p = await loaded.predict({
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [1, 10], data: Float32Array.from(example[0]!) },
    });
    expect((p as Record<string, number[][]>).variable![0]![0]).toBeCloseTo(
      150.434 +
        [
          32.14943313598633, -242.8242645263672, 559.990234375, 407.6378479003906, -718.69873046875, 396.6375732421875,
          10.43246841430664, 171.8193359375, 627.080078125, -21.622955322265625,
        ].reduce((a, c, i) => a + c * i, 0),
      1,
    );
    await loaded.dispose?.();
  });

  it('refuses a non-empty target, bad session options and non-ONNX bytes', async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(path.join(dir, 'x'), 'x');
    await expect(saveModel(buildMlpModel(), dir)).rejects.toThrow(/already exists/);
    await expect(
      saveModel(buildMlpModel(), fresh(), { sessionOptions: { graph_optimization_level: 5 } }),
    ).rejects.toThrow(/onnx_session_options/);
    await expect(saveModel(new TextEncoder().encode('not onnx'), fresh())).rejects.toThrow(/Not a valid ONNX model/);
  });

  it('accepts a ModelProto-like object', async () => {
    const { default: proto } = await import('onnx-proto');
    const message = proto.onnx.ModelProto.decode(buildMlpModel({ inputSize: 4, hidden: 3, classes: 2 }));
    const m = await saveModel(message as never, fresh());
    expect(parseSignature(m.signature as never).inputs).toEqual([
      { name: 'input', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] } },
    ]);
  });
});

describe('loadModel', () => {
  it('loads the genuine MLflow-written onnx directory and predicts the LinearRegressor', async () => {
    const m = await loadModel(mlflowOnnxDir);
    expect(m.session.inputs.map((i) => i.name)).toEqual(['input']);
    const x = Array.from({ length: 10 }, () => 0);
    // Zero features → the intercept; float64 rows cast to float32 like MLflow.
    const p = await m.predict({
      kind: 'tensor',
      tensor: { dtype: 'float64', shape: [2, 10], data: Float64Array.from([...x, ...x]) },
    });
    // Tensor input: {output name: array}, as MLflow's _OnnxModelWrapper; a DataFrame: rows.
    expect(p).toEqual({ variable: [[Math.fround(150.4340057373047)], [Math.fround(150.4340057373047)]] });
    const df = await m.predict({ kind: 'dataframe', columns: x.map((_, i) => `f${i}`), rows: [x] });
    expect(df).toEqual([{ variable: Math.fround(150.4340057373047) }]);
    await m.dispose?.();
  });

  it('multi-input float64 model with named feeds; skl2onnx classifier with ZipMap rows', async () => {
    const mul = fresh();
    await saveModel(path.join(onnxDir, 'tf_model_multiple_inputs_float64.onnx'), mul);
    const a = await loadModel(mul);
    const p = await a.predict({
      kind: 'tensors',
      tensors: {
        'first_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from({ length: 10 }, (_, i) => i) },
        'second_input:0': { dtype: 'float64', shape: [10], data: new Float64Array(10).fill(1.5) },
      },
    });
    expect(p).toEqual({ 'output:0': Array.from({ length: 10 }, (_, i) => i * 1.5) });
    const cls = fresh();
    await saveModel(path.join(onnxDir, 'sklearn_model.onnx'), cls);
    const b = await loadModel(cls);
    const q = (await b.predict({
      kind: 'dataframe',
      columns: ['a', 'b', 'c', 'd'],
      rows: [[5.1, 3.5, 1.4, 0.2]],
    })) as Record<string, unknown>[];
    expect(q[0]!.output_label).toBe(0);
    expect(Object.keys(q[0]!.output_probability as object)).toEqual(['0', '1', '2']);
    await Promise.all([a.dispose?.(), b.dispose?.()]);
  });

  it('names what is missing', async () => {
    await expect(loadModel(path.join(tmp, 'nope'))).rejects.toThrow(/MLmodel/);
  });
});

describe('logModel', () => {
  it('logs an MLflow 3 LoggedModel: files at the model location, run output, models:/<model_id>', async () => {
    const tracking = createMemoryTrackingStore();
    const repos = new Map<string, ArtifactRepository>();
    const artifacts = (uri: string) => {
      if (!repos.has(uri)) repos.set(uri, createMemoryArtifactRepository(uri));
      return repos.get(uri)!;
    };
    const run = await tracking.createRun({ experiment_id: '0', start_time: Date.now(), tags: [] } as never);
    const runId = run.info.run_id;
    const info = await logModel(
      { tracking, artifacts },
      runId,
      'model',
      buildMlpModel({ inputSize: 4, hidden: 3, classes: 2 }),
    );
    expect(info.modelUri).toBe(`models:/${info.modelId}`);
    const logged = await tracking.getLoggedModel!(info.modelId!);
    expect(logged.info).toMatchObject({ name: 'model', source_run_id: runId, status: 'LOGGED_MODEL_READY' });
    const repo = artifacts(logged.info.artifact_uri);
    expect((await repo.listArtifacts()).map((f) => f.path).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'model.onnx',
      'node_env.json',
      'python_env.yaml',
      'requirements.txt',
    ]);
    const mlmodel = parseMLmodel(new TextDecoder().decode((await readAll(await repo.readArtifact('MLmodel'))).bytes));
    expect(mlmodel).toMatchObject({ run_id: runId, artifact_path: logged.info.artifact_uri, model_id: info.modelId });
    const second = await logModel(
      { tracking, artifacts },
      runId,
      'second',
      buildMlpModel({ inputSize: 4, hidden: 3, classes: 2 }),
    );
    expect((await tracking.getRun(runId)).outputs?.model_outputs.map((o) => o.model_id)).toEqual([
      info.modelId,
      second.modelId,
    ]);
    // MLflow 3 records logged models as run outputs, not in mlflow.log-model.history.
    expect((await tracking.getRun(runId)).data.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)).toBeUndefined();
  });

  it('registers the logged model with registeredModelName (source models:/<model_id>, run id kept)', async () => {
    const tracking = createMemoryTrackingStore();
    const registry = createMemoryRegistryStore();
    const artifacts = (uri: string) => createMemoryArtifactRepository(uri);
    const run = await tracking.createRun({ experiment_id: '0' });
    const model = buildMlpModel({ inputSize: 4, hidden: 3, classes: 2 });
    const first = await logModel({ tracking, artifacts, registry }, run.info.run_id, 'model', model, {
      registeredModelName: 'clf',
    });
    const second = await logModel({ tracking, artifacts, registry }, run.info.run_id, 'again', model, {
      registeredModelName: 'clf',
    });
    expect([first.modelVersion?.version, second.modelVersion?.version]).toEqual(['1', '2']);
    expect(first.modelVersion).toMatchObject({
      name: 'clf',
      run_id: run.info.run_id,
      source: `models:/${first.modelId}`,
      model_id: first.modelId,
    });
    await expect(
      logModel({ tracking, artifacts }, run.info.run_id, 'x', model, { registeredModelName: 'clf' }),
    ).rejects.toMatchObject({ code: 'FEATURE_DISABLED' });
  });
});
