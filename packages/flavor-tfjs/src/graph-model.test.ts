import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSignature } from '@mlflow-ts/format';
import { loadModel } from './load-model.js';
import { saveModel } from './save-model.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'tfjs-graph-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const W = [1, -1, 0.5, 2, -0.5, 1];

/** A converter-style GraphModel directory: relu(x · W) with x [-1, 3], W [3, 2] in one shard. */
async function writeGraphModel(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'hand-written',
    convertedBy: 'mlflow-ts tests',
    modelTopology: {
      node: [
        {
          name: 'x',
          op: 'Placeholder',
          attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } },
        },
        {
          name: 'W',
          op: 'Const',
          attr: {
            value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: '2' }] } } },
            dtype: { type: 'DT_FLOAT' },
          },
        },
        {
          name: 'MatMul',
          op: 'MatMul',
          input: ['x', 'W'],
          attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } },
        },
        { name: 'out', op: 'Relu', input: ['MatMul'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'W', shape: [3, 2], dtype: 'float32' }] }],
  };
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(path.join(dir, 'group1-shard1of1.bin'), new Uint8Array(Float32Array.from(W).buffer));
}

describe('GraphModel directories', () => {
  it('are copied in with their shards, typed graph-model, and predict', async () => {
    const src = path.join(tmp, 'graph');
    await writeGraphModel(src);
    const dir = path.join(tmp, 'saved');
    const m = await saveModel({ graphModelDir: src }, dir);
    expect(m.flavors.tfjs).toMatchObject({ model_type: 'graph-model', data: 'model' });
    expect((await readdir(path.join(dir, 'model'))).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const sig = parseSignature(m.signature as never);
    expect(sig.inputs).toEqual([{ name: 'x', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] } }]);
    const loaded = await loadModel(dir);
    const p = await loaded.predict({
      kind: 'tensor',
      tensor: { dtype: 'float64', shape: [2, 3], data: Float64Array.from([1, 2, 3, -1, 0, 0]) },
    });
    // row · W, then relu: [1 + 1 - 1.5, -1 + 4 + 3] → [0.5, 6]; [-1, 1] → [0, 1]
    expect(p).toEqual({
      out: [
        [0.5, 6],
        [0, 1],
      ],
    }); // tensor input: {output name: array}, as MLflow's onnx flavor
    await loaded.dispose();
  });
});
