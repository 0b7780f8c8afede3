import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO, CommandGroup } from '../../cli-context.js';
import { main } from '../../main.js';
import { serveModelAndCheck } from '../../../test/cli-harness.js';
import { modelsCommand } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const fixtures = path.resolve(repoRoot, 'fixtures');
const regressorOnnx = path.join(fixtures, 'zakharovart01__mlops/onnx_model/model.onnx');
const INTERCEPT = 150.4340057373047;

const tmp = await mkdtemp(path.join(tmpdir(), 'cli-serving-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function run(args: string[], opts: { env?: Record<string, string>; groups?: CommandGroup[] } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTTY: false,
    env: { ...opts.env },
  };
  const code = await main(['node', 'mlflow-ts', 'models', ...args], { io, groups: opts.groups ?? [modelsCommand] });
  return { code, stdout, stderr };
}

describe('models save / predict', () => {
  const modelDir = path.join(tmp, 'regressor');
  it('saves an onnx file as an MLflow model directory', async () => {
    const r = await run(['save', '--flavor', 'onnx', '--file', regressorOnnx, '-o', modelDir]);
    expect(r.code, r.stderr).toBe(0);
    const mlmodel = await readFile(path.join(modelDir, 'MLmodel'), 'utf8');
    expect(mlmodel).toContain('loader_module: mlflow.onnx');
    expect(mlmodel).toContain('"shape": [-1, 10]');
    const again = await run(['save', '--file', regressorOnnx, '-o', modelDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('predicts a JSON payload into a file', async () => {
    const input = path.join(tmp, 'in.json');
    await writeFile(input, JSON.stringify({ inputs: [new Array(10).fill(0), new Array(10).fill(0)] }));
    const out = path.join(tmp, 'out.json');
    const r = await run(['predict', '-m', modelDir, '-i', input, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    // Tensor input: {output name: array}, as MLflow's onnx flavor answers.
    const {
      predictions: { variable: predictions },
    } = JSON.parse(await readFile(out, 'utf8')) as { predictions: { variable: number[][] } };
    expect(predictions).toHaveLength(2);
    expect(predictions[0]![0]).toBeCloseTo(INTERCEPT, 3);
  });

  it('streams a CSV in chunks and joins the predictions', async () => {
    const noSig = path.join(tmp, 'regressor-nosig');
    expect((await run(['save', '--file', regressorOnnx, '-o', noSig, '--signature', 'none'])).code).toBe(0);
    const cols = Array.from({ length: 10 }, (_, i) => `f${i}`);
    const lines = [
      cols.join(','),
      ...Array.from({ length: 7 }, (_, r) => cols.map((_, c) => (c === 0 ? r / 10 : 0)).join(',')),
    ];
    const csv = path.join(tmp, 'in.csv');
    await writeFile(csv, `${lines.join('\n')}\n`);
    const r = await run(['predict', '-m', noSig, '-i', csv, '-t', 'csv', '--chunk-rows', '3']);
    expect(r.code, r.stderr).toBe(0);
    const { predictions } = JSON.parse(r.stdout) as { predictions: { variable: number }[] };
    expect(predictions).toHaveLength(7);
    predictions.forEach((p, i) =>
      expect(p.variable).toBeCloseTo(INTERCEPT + 32.14943313598633 * Math.fround(i / 10), 2),
    );
  });

  it('a bad input is a one-line error naming it', async () => {
    const input = path.join(tmp, 'bad.json');
    await writeFile(input, JSON.stringify({ inputs: [[1, 2, 3]] }));
    const r = await run(['predict', '-m', modelDir, '-i', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \(INVALID_PARAMETER_VALUE\): .*shape/);
  });
});

describe('models serve', () => {
  it('serves until closed; --model adds named models for the v2 routes', async () => {
    const modelDir = path.join(tmp, 'serve-model');
    expect((await run(['save', '--file', regressorOnnx, '-o', modelDir])).code).toBe(0);
    const r = await serveModelAndCheck(
      [
        '-m',
        modelDir,
        '-p',
        '0',
        '-h',
        '127.0.0.1',
        '--model',
        `second=${modelDir}`,
        '--max-batch-size',
        '8',
        '--no-request-log',
      ],
      async (url) => {
        const res = await fetch(`${url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [new Array(10).fill(0)] }),
        });
        expect(res.status).toBe(200);
        expect(
          ((await res.json()) as { predictions: { variable: number[][] } }).predictions.variable[0]![0],
        ).toBeCloseTo(INTERCEPT, 3);
        expect((await fetch(`${url}/v2/models/second`)).status).toBe(200);
        expect((await fetch(`${url}/v2/models/model/ready`)).status).toBe(200);
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Serving 'model' .* 'second' .* at http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('models log', () => {
  it('logs into a new run of a file store; the runs:/ URI then predicts', async () => {
    const store = path.join(tmp, 'mlruns');
    const env = { MLFLOW_TRACKING_URI: store };
    const r = await run(['log', '--file', regressorOnnx, '--experiment-name', 'serving-test'], { env });
    expect(r.code, r.stderr).toBe(0);
    // MLflow 3 stores log a LoggedModel (models:/<model_id>), MLflow 2 ones the run's artifacts; both resolve.
    const uri = /Logged model to (\S+)/.exec(r.stdout)?.[1];
    expect(uri).toMatch(/^(runs:\/[0-9a-f]{32}\/model|models:\/m-[0-9a-f]{32})$/);
    const input = path.join(tmp, 'zero.json');
    await writeFile(input, JSON.stringify({ inputs: [new Array(10).fill(0)] }));
    const p = await run(['predict', '-m', uri!, '-i', input], { env });
    expect(p.code, p.stderr).toBe(0);
    expect((JSON.parse(p.stdout) as { predictions: { variable: number[][] } }).predictions.variable[0]![0]).toBeCloseTo(
      INTERCEPT,
      3,
    );
  });
});

describe('models generate-dockerfile', () => {
  it('writes a build context serving the model on 8080', async () => {
    const modelDir = path.join(tmp, 'docker-model');
    expect((await run(['save', '--file', regressorOnnx, '-o', modelDir])).code).toBe(0);
    const out = path.join(tmp, 'ctx');
    const r = await run(['generate-dockerfile', '-m', modelDir, '-d', out]);
    expect(r.code, r.stderr).toBe(0);
    const dockerfile = await readFile(path.join(out, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toContain('COPY model_dir /opt/ml/model');
    expect(dockerfile).toContain('EXPOSE 8080');
    expect(dockerfile).toContain(
      'ENTRYPOINT ["node_modules/.bin/mlflow-ts", "models", "serve", "-m", "/opt/ml/model", "--host", "0.0.0.0", "-p", "8080"]',
    );
    const pkg = JSON.parse(await readFile(path.join(out, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).toEqual(['@mlflow-ts/cli', '@mlflow-ts/flavor-onnx', 'onnxruntime-node']);
    expect(await readFile(path.join(out, 'model_dir', 'MLmodel'), 'utf8')).toContain('mlflow.onnx');
  });
});
