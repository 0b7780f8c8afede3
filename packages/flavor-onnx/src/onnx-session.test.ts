import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createOnnxSession, toOrtSessionOptions } from './onnx-session.js';
import { toFeeds, toNestedList, toPredictionOf } from './predictions.js';
import { buildCnnModel, buildMlpModel, buildOnnxModel } from './testing/onnx-builders.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(repoRoot, 'fixtures');
const onnxDir = path.join(fixtures, 'mlflow/tests/resources/onnx');

describe('createOnnxSession on MLflow fixtures', () => {
  it('runs the tf2onnx multi-input float32 Mul model with named feeds', async () => {
    const s = await createOnnxSession(path.join(onnxDir, 'tf_model_multiple_inputs_float32.onnx'));
    expect(s.inputs.map((i) => i.name).sort()).toEqual(['first_input:0', 'second_input:0']);
    expect(s.inputs[0]).toMatchObject({ dtype: 'float32', shape: [10] });
    const a = Array.from({ length: 10 }, (_, i) => i + 0.5);
    const b = Array.from({ length: 10 }, (_, i) => 2 - i);
    const out = await s.run({
      'first_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from(a) },
      'second_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from(b) },
    });
    const got = toNestedList(out['output:0'] as never) as number[];
    expect(got).toEqual(a.map((x, i) => Math.fround(x * b[i]!)));
    await s.release();
  });

  it('keeps float64 for the float64 variant', async () => {
    const s = await createOnnxSession(path.join(onnxDir, 'tf_model_multiple_inputs_float64.onnx'));
    expect(s.inputs[0]!.dtype).toBe('float64');
    const out = await s.run({
      'first_input:0': { dtype: 'float64', shape: [10], data: new Float64Array(10).fill(0.1) },
      'second_input:0': { dtype: 'float64', shape: [10], data: new Float64Array(10).fill(3) },
    });
    expect((out['output:0'] as { dtype: string }).dtype).toBe('float64');
    expect((toNestedList(out['output:0'] as never) as number[])[0]).toBe(0.1 * 3);
    await s.release();
  });

  it('names a missing input', async () => {
    const s = await createOnnxSession(path.join(onnxDir, 'tf_model_multiple_inputs_float32.onnx'));
    await expect(
      s.run({ 'first_input:0': { dtype: 'float32', shape: [10], data: new Float32Array(10) } }),
    ).rejects.toThrow(/second_input:0/);
    await s.release();
  });

  it('turns the skl2onnx ZipMap output into rows of {label: probability}', async () => {
    const s = await createOnnxSession(path.join(onnxDir, 'sklearn_model.onnx'));
    expect(s.outputs.map((o) => [o.name, o.isTensor])).toEqual([
      ['output_label', true],
      ['output_probability', false],
    ]);
    const x = [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3];
    const out = await s.run({ float_input: { dtype: 'float64', shape: [2, 4], data: x } });
    const pred = toPredictionOf(out, 'tensor') as {
      output_label: number[];
      output_probability: Record<string, number>[];
    };
    expect(pred.output_label).toEqual([0, 2]);
    expect(pred.output_probability).toHaveLength(2);
    for (const row of pred.output_probability) {
      expect(Object.keys(row)).toEqual(['0', '1', '2']);
      expect(Object.values(row).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(pred.output_probability[0]!['0']).toBeGreaterThan(0.9);
    await s.release();
  });

  it('LinearRegressor output equals its coefficients · x + intercept', async () => {
    const s = await createOnnxSession(path.join(fixtures, 'zakharovart01__mlops/onnx_model/model.onnx'));
    const coef = [
      32.14943313598633, -242.8242645263672, 559.990234375, 407.6378479003906, -718.69873046875, 396.6375732421875,
      10.43246841430664, 171.8193359375, 627.080078125, -21.622955322265625,
    ];
    const x = Array.from({ length: 10 }, (_, i) => (i - 4) / 50);
    const out = await s.run({ input: { dtype: 'float32', shape: [1, 10], data: Float32Array.from(x) } });
    const expected = 150.4340057373047 + coef.reduce((acc, c, i) => acc + c * Math.fround(x[i]!), 0);
    const got = (toPredictionOf(out, 'tensor') as Record<string, number[][]>).variable!;
    expect(got[0]![0]).toBeCloseTo(expected, 3);
    await s.release();
  });
});

describe('models built in code', () => {
  it('MLP: softmax rows sum to 1 and batch rows equal single-row runs', async () => {
    const s = await createOnnxSession(buildMlpModel());
    expect(s.inputs[0]).toMatchObject({ name: 'input', dtype: 'float32', shape: [-1, 784] });
    const rows = [0, 1, 2].map((r) => Float32Array.from({ length: 784 }, (_, i) => ((i * (r + 3)) % 17) / 17));
    const batch = new Float32Array(784 * 3);
    rows.forEach((r, i) => batch.set(r, i * 784));
    const all = toNestedList(
      (await s.run({ input: { dtype: 'float32', shape: [3, 784], data: batch } })).probabilities as never,
    ) as number[][];
    expect(all).toHaveLength(3);
    for (const [i, r] of rows.entries()) {
      expect(all[i]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const one = toNestedList(
        (await s.run({ input: { dtype: 'float32', shape: [1, 784], data: r } })).probabilities as never,
      ) as number[][];
      one[0]!.forEach((v, j) => expect(v).toBeCloseTo(all[i]![j]!, 6));
    }
    await s.release();
  });

  it('CNN: Conv/Relu/MaxPool/Flatten/Gemm gives [batch, 10]', async () => {
    const s = await createOnnxSession(buildCnnModel());
    const out = await s.run({
      image: { dtype: 'float32', shape: [2, 1, 28, 28], data: new Float32Array(2 * 784).fill(0.5) },
    });
    expect((out.logits as { shape: number[] }).shape).toEqual([2, 10]);
    await s.release();
  });

  it('Mul by a constant, hand-computed; int64 in, float cast refused', async () => {
    const model = buildOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n', 2] }],
      initializers: [{ name: 'k', dims: [2], data: Float32Array.from([2, -3]) }],
      nodes: [{ op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }],
    });
    const s = await createOnnxSession(model);
    const out = await s.run({ x: { dtype: 'int64', shape: [2, 2], data: BigInt64Array.from([1n, 2n, 3n, 4n]) } });
    expect(toPredictionOf(out, 'tensor')).toEqual({
      y: [
        [2, -6],
        [6, -12],
      ],
    });
    const ints = buildOnnxModel({
      inputs: [{ name: 'x', type: 'int64', shape: [2] }],
      outputs: [{ name: 'y', type: 'int64', shape: [2] }],
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    });
    const si = await createOnnxSession(ints);
    await expect(si.run({ x: { dtype: 'float64', shape: [2], data: [1.5, 2] } })).rejects.toThrow(
      /'x' has dtype float64 .* int64/,
    );
    await Promise.all([s.release(), si.release()]);
  });
});

describe('feeds and predictions', () => {
  const two = [
    { name: 'a', dtype: 'float32' as const, shape: [-1], isTensor: true },
    { name: 'b', dtype: 'float32' as const, shape: [-1, 1], isTensor: true },
  ];
  it('DataFrame with several inputs feeds one column per input name', () => {
    const feeds = toFeeds(
      {
        kind: 'dataframe',
        columns: ['b', 'a'],
        rows: [
          [1, 2],
          [3, 4],
        ],
      },
      two,
    );
    expect(feeds.a).toEqual({ dtype: 'float32', shape: [2], data: [2, 4] });
    expect(feeds.b).toEqual({ dtype: 'float32', shape: [2, 1], data: [1, 3] });
    expect(() => toFeeds({ kind: 'dataframe', columns: ['a'], rows: [[1]] }, two)).toThrow(/Missing column 'b'/);
    expect(() => toFeeds({ kind: 'tensor', tensor: { dtype: 'float32', shape: [1], data: [1] } }, two)).toThrow(
      /2 inputs/,
    );
  });
  it('DataFrame input → one row object per output value', () => {
    const pred = toPredictionOf(
      { y: { dtype: 'float32', shape: [2, 1], data: Float32Array.from([1.5, 2.5]) } },
      'dataframe',
    );
    expect(pred).toEqual([{ y: 1.5 }, { y: 2.5 }]);
  });
  it('maps MLflow session options', () => {
    expect(
      toOrtSessionOptions({
        providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'],
        sessionOptions: { intra_op_num_threads: 2, graph_optimization_level: 99, execution_mode: 'sequential' },
      }),
    ).toEqual({
      executionProviders: ['cuda', 'cpu'],
      intraOpNumThreads: 2,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    expect(() => toOrtSessionOptions({ sessionOptions: { graph_optimization_level: 5 } })).toThrow(
      /graph_optimization_level/,
    );
  });
});
