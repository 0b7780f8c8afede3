import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MlflowClient } from '@mlflow-ts/client';
import { loadModel as loadOnnxModel } from '@mlflow-ts/flavor-onnx';
import { parseSignature } from '@mlflow-ts/format';
import { CONVERTED_ONNX_ARTIFACT_PATH, convertModelUriToOnnx } from './convert-model-uri.js';
import { logModel } from './log-model.js';
import { saveModel } from './save-model.js';
import { tinyCnn } from './testing/tiny-models.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'tfjs-convert-uri-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const image = Float32Array.from({ length: 2 * 6 * 6 }, (_, i) => Math.sin(i));

describe('convertModelUriToOnnx', () => {
  it('saves a tfjs model directory as an onnx model with the same signature and predictions', async () => {
    const model = tinyCnn(6, 1, 3);
    const src = path.join(tmp, 'tfjs');
    const saved = await saveModel(model, src);
    const out = path.join(tmp, 'onnx');
    const { mlmodel } = await convertModelUriToOnnx(src, { outputDir: out });
    expect(Object.keys(mlmodel.flavors).sort()).toEqual(['onnx', 'python_function']);
    expect(mlmodel.metadata).toEqual({ converted_from: src });
    expect(parseSignature(mlmodel.signature as never).inputs).toEqual(parseSignature(saved.signature as never).inputs);
    const onnx = await loadOnnxModel(out);
    const answer = (await onnx.predict({
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [2, 6, 6, 1], data: image },
    })) as Record<string, number[][]>;
    expect(Object.keys(answer)).toHaveLength(1);
    const got = Object.values(answer)[0]!;
    const want = tf.tidy(() => (model.predict(tf.tensor(image, [2, 6, 6, 1])) as tf.Tensor).arraySync()) as number[][];
    got.flat().forEach((v, i) => expect(v).toBeCloseTo(want.flat()[i]!, 5));
    await onnx.dispose?.();
  });

  it('reads runs:/ URIs through the client and logs the converted model into the run', async () => {
    const client = new MlflowClient({ trackingUri: path.join(tmp, 'mlruns') });
    const run = await client.createRun('0');
    const runId = run.info.run_id;
    const stores = await client.stores();
    await logModel(stores, runId, 'model', tinyCnn(6, 1, 3));
    const result = await convertModelUriToOnnx(`runs:/${runId}/model`, { client, logTo: { stores, runId } });
    expect(result.modelUri).toMatch(/^models:\/m-[0-9a-f]{32}$/);
    const files = (await client.listArtifacts(runId, CONVERTED_ONNX_ARTIFACT_PATH)).map((f) => path.basename(f.path));
    expect(files).toContain('model.onnx');
    expect(files).toContain('MLmodel');
    await client.close();
  });

  it('refuses models that are not tfjs, and calls without a destination', async () => {
    const onnxDir = path.join(tmp, 'onnx');
    expect(await readdir(onnxDir)).toContain('model.onnx');
    await expect(convertModelUriToOnnx(onnxDir, { outputDir: path.join(tmp, 'again') })).rejects.toThrow(
      /is not a tfjs model/,
    );
    await expect(convertModelUriToOnnx(path.join(tmp, 'tfjs'), {})).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    await expect(
      convertModelUriToOnnx(path.join(tmp, 'missing'), { outputDir: path.join(tmp, 'x') }),
    ).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
