/**
 * `models log` with a flavor other than onnx (tfjs here), and `--backend-store-uri` on predict, serve
 * and generate-dockerfile, which resolve the logged model's URI through that store, not ./mlruns.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSaveHandler } from '@mlflow-ts/flavor-tfjs';
import { runCli, serveModelAndCheck, tempDir } from '../../../test/cli-harness.js';
import { modelsCommand } from './index.js';

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
let uri: string;
let input: string;
let expected: number[][];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  store = path.join(dir, 'mlruns');
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  await mkdir(path.join(dir, 'tfjs'));
  await model.save(fileSaveHandler(tf, path.join(dir, 'tfjs')));
  const rows = [
    [1, 2, 3],
    [0.5, -1, 0],
  ];
  expected = tf.tidy(() => (model.predict(tf.tensor2d(rows)) as tf.Tensor).arraySync()) as number[][];
  input = path.join(dir, 'in.json');
  await writeFile(input, JSON.stringify({ inputs: rows }));
  const log = await runCli(
    [
      'models',
      'log',
      '--flavor',
      'tfjs',
      '--file',
      path.join(dir, 'tfjs', 'model.json'),
      '--experiment-name',
      'tfjs',
      '--backend-store-uri',
      store,
    ],
    { groups: [modelsCommand] },
  );
  expect(log.code, log.stderr).toBe(0);
  uri = /Logged model to (\S+)/.exec(log.stdout)![1]!;
});

afterAll(async () => {
  await cleanup();
});

/** The first output's rows, whether predictions are a list or {output name: rows}. */
function rowsOf(predictions: unknown): number[][] {
  return (Array.isArray(predictions) ? predictions : Object.values(predictions as object)[0]) as number[][];
}

function expectRows(got: number[][]) {
  expect(got).toHaveLength(expected.length);
  got.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 5)));
}

describe('models log --flavor tfjs and --backend-store-uri', () => {
  it('logs a tfjs model into a run of the store, and predict finds it through --backend-store-uri', async () => {
    expect(uri).toMatch(/^(runs:\/[0-9a-f]{32}\/model|models:\/m-[0-9a-f]{32})$/);
    const r = await runCli(['models', 'predict', '-m', uri, '-i', input, '--backend-store-uri', store], {
      groups: [modelsCommand],
    });
    expect(r.code, r.stderr).toBe(0);
    expectRows(rowsOf((JSON.parse(r.stdout) as { predictions: unknown }).predictions));
    // Without the option the default store (./mlruns, here empty) cannot know the run.
    const elsewhere = await runCli(
      ['models', 'predict', '-m', uri, '-i', input, '--backend-store-uri', path.join(dir, 'empty')],
      { groups: [modelsCommand] },
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/^Error \(RESOURCE_DOES_NOT_EXIST\): /);
  });

  it('generate-dockerfile copies the logged model out of the store', async () => {
    const out = path.join(dir, 'ctx');
    const r = await runCli(['models', 'generate-dockerfile', '-m', uri, '-d', out, '--backend-store-uri', store], {
      groups: [modelsCommand],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(path.join(out, 'model_dir', 'MLmodel'), 'utf8')).toMatch(/^ {2}tfjs:$/m);
    expect(await readFile(path.join(out, 'package.json'), 'utf8')).toContain('"@tensorflow/tfjs"');
  });

  it('serve loads the logged model through --backend-store-uri', async () => {
    const r = await serveModelAndCheck(
      ['-m', uri, '-p', '0', '--no-request-log', '--backend-store-uri', store],
      async (url) => {
        const res = await fetch(`${url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: await readFile(input, 'utf8'),
        });
        expect(res.status).toBe(200);
        expectRows(rowsOf(((await res.json()) as { predictions: unknown }).predictions));
      },
    );
    expect(r.code, r.stderr).toBe(0);
  });
});
