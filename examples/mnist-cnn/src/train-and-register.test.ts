import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '@mlflow-ts/client';
import { loadModel, tfjsFlavor } from '@mlflow-ts/flavor-tfjs';
import { createScoringServer, loadModel as loadServableModel } from '@mlflow-ts/serve';
import { createFlavorRegistry, parseScoringPayload } from '@mlflow-ts/format';
import { trainAndRegister } from './train-and-register.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'mnist-example-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('mnist-cnn example (reduced size)', () => {
  it('trains, autologs, evaluates and registers the CNN end to end', async () => {
    const trackingUri = path.join(tmp, 'mlruns');
    const result = await trainAndRegister({
      trackingUri,
      trainSamples: 300,
      testSamples: 100,
      epochs: 1,
      progress: false,
    });
    expect(result.loggedModelUri).toMatch(/^models:\/m-[0-9a-f]{32}$/);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracy).toBeLessThanOrEqual(1);

    const client = new MlflowClient({ trackingUri });
    const run = await client.getRun(result.runId);
    expect(run.info.status).toBe('FINISHED');
    const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
    expect(params).toMatchObject({
      epochs: '1',
      batch_size: '32',
      validation_split: '0.1',
      optimizer_name: 'Adam',
      train_samples: '300',
      test_samples: '100',
    });
    const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m.value]));
    expect(Object.keys(metrics).sort()).toEqual(['acc', 'loss', 'test_accuracy', 'test_loss', 'val_acc', 'val_loss']);
    expect(metrics.test_accuracy).toBeCloseTo(result.testAccuracy, 6);

    // The logged model loads and scores the serving example the run wrote.
    const local = await client.downloadArtifacts(result.runId, 'model', path.join(tmp, 'download'));
    const model = await loadModel(local);
    const body = await readFile(result.servingExamplePath!, 'utf8');
    const { input } = parseScoringPayload(body, 'application/json');
    expect(input.kind).toBe('tensor');
    const image = (input as { value: unknown }).value as number[][][][];
    const answer = (await model.predict({
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [1, 28, 28, 1], data: Float32Array.from(image.flat(3)) },
    })) as Record<string, number[][]>;
    expect(Object.keys(answer)).toHaveLength(1); // {output name: array}, as MLflow's onnx flavor answers
    const prediction = Object.values(answer)[0]!;
    expect(prediction).toHaveLength(1);
    expect(prediction[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    await model.dispose();

    expect(result).toMatchObject({ modelUri: 'models:/mnist-cnn@champion', version: '1' });
    const champion = await client.getModelVersionByAlias('mnist-cnn', 'champion');
    expect(champion).toMatchObject({ version: '1', run_id: result.runId });

    // Served over HTTP from its registry URI, it answers MLflow's /invocations with the same probabilities.
    const stores = await client.stores();
    const servable = await loadServableModel(result.modelUri!, {
      registry: createFlavorRegistry([tfjsFlavor()]),
      stores,
      tmpDir: tmp,
    });
    const server = await createScoringServer({ models: [{ name: 'mnist-cnn', model: servable }], port: 0, log: false });
    try {
      const res = await fetch(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      const json = (await res.json()) as { predictions: Record<string, number[][]> };
      const [only] = Object.values(json.predictions); // {output name: array}, as MLflow's onnx flavor answers
      only![0]!.forEach((p, i) => expect(p).toBeCloseTo(prediction[0]![i]!, 5));
    } finally {
      await server.close();
    }
    await client.close();
  });
});
