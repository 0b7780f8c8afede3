/**
 * `models:/` URIs wherever the CLI loads a model (predict, serve, inspect, validate-input), resolved
 * through the tracking URI's model registry: a local file store, and a real `mlflow-ts server`
 * process over HTTP (and its gRPC port) whose artifacts are `mlflow-artifacts:` URIs downloaded
 * through the server.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMlpModel } from '@mlflow-ts/flavor-onnx/testing';
import { cliOk, runCli, tempDir } from './cli-harness.js';
import { ensureCliBuilt, spawnCli, stopProcess, waitForOutput, type CliProcess } from './built-cli.js';

let tmp: string;
let cleanup: () => Promise<void>;
let onnxA: string;
let onnxB: string;
let input: string;
/** `models predict` output for the locally saved copies of model A and model B. */
let expectedA: string;
let expectedB: string;

beforeAll(async () => {
  ({ dir: tmp, cleanup } = await tempDir('mlflow-ts-models-uri-'));
  onnxA = path.join(tmp, 'a.onnx');
  onnxB = path.join(tmp, 'b.onnx');
  await writeFile(onnxA, buildMlpModel({ inputSize: 4, hidden: 8, classes: 3, seed: 7 }));
  await writeFile(onnxB, buildMlpModel({ inputSize: 4, hidden: 8, classes: 3, seed: 8 }));
  input = path.join(tmp, 'in.json');
  await writeFile(
    input,
    JSON.stringify({
      inputs: [
        [1, 2, 3, 4],
        [0.5, -1, 2, 0],
        [0, 0, 0, 0],
      ],
    }),
  );
  await cliOk(['models', 'save', '--file', onnxA, '-o', path.join(tmp, 'saved-a')]);
  await cliOk(['models', 'save', '--file', onnxB, '-o', path.join(tmp, 'saved-b')]);
  expectedA = await cliOk(['models', 'predict', '-m', path.join(tmp, 'saved-a'), '-i', input]);
  expectedB = await cliOk(['models', 'predict', '-m', path.join(tmp, 'saved-b'), '-i', input]);
  // Different weights, so a URI resolved to the wrong version cannot pass.
  expect(expectedA).not.toBe(expectedB);
  expect(
    Object.values((JSON.parse(expectedA) as { predictions: Record<string, number[][]> }).predictions)[0],
  ).toHaveLength(3);
});

afterAll(async () => {
  await cleanup();
});

/** Logs A as version 1 (alias champion) and B as version 2 of `clf` through the CLI. */
async function registerTwoVersions(env: Record<string, string>): Promise<string> {
  const log = await cliOk(
    ['models', 'log', '--flavor', 'onnx', '--file', onnxA, '--experiment-name', 'e', '--registered-model-name', 'clf'],
    env,
  );
  expect(log).toContain("Registered model 'clf' version 1");
  const runId = /\(run ([0-9a-f]{32})\)/.exec(log)![1]!;
  await cliOk(['model-versions', 'set-alias', '-n', 'clf', '-a', 'champion', '-v', '1'], env);
  const second = await cliOk(
    ['models', 'log', '--file', onnxB, '--experiment-name', 'e', '--registered-model-name', 'clf'],
    env,
  );
  expect(second).toContain("Registered model 'clf' version 2");
  return runId;
}

async function downloads(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('mlflow-ts-'));
}

async function predict(uri: string, env: Record<string, string>): Promise<string> {
  return cliOk(['models', 'predict', '-m', uri, '-i', input], env);
}

describe('models:/ URIs against a file tracking store', () => {
  let env: Record<string, string>;
  let runId: string;

  beforeAll(async () => {
    env = { MLFLOW_TRACKING_URI: path.join(tmp, 'mlruns') };
    runId = await registerTwoVersions(env);
    await cliOk(['model-versions', 'transition', '-n', 'clf', '-v', '1', '-s', 'Production'], env);
  });

  it('version, alias, stage and latest each predict exactly what the saved model they name predicts', async () => {
    expect(await predict('models:/clf@champion', env)).toBe(expectedA);
    expect(await predict('models:/clf/1', env)).toBe(expectedA);
    expect(await predict('models:/clf/Production', env)).toBe(expectedA);
    expect(await predict('models:/clf/2', env)).toBe(expectedB);
    expect(await predict('models:/clf/latest', env)).toBe(expectedB);
    // Moving the alias moves what the URI loads.
    await cliOk(['model-versions', 'set-alias', '-n', 'clf', '-a', 'champion', '-v', '2'], env);
    expect(await predict('models:/clf@champion', env)).toBe(expectedB);
    await cliOk(['model-versions', 'set-alias', '-n', 'clf', '-a', 'champion', '-v', '1'], env);
  });

  it('inspect and validate-input take models:/ URIs', async () => {
    const report = JSON.parse(await cliOk(['models', 'inspect', 'models:/clf@champion', '--json'], env)) as Record<
      string,
      unknown
    >;
    expect(report).toMatchObject({ path: 'models:/clf@champion', run_id: runId, mlflow_ts_flavor: 'onnx' });
    expect(Object.keys(report.flavors as object)).toContain('onnx');
    const checked = JSON.parse(await cliOk(['models', 'validate-input', 'models:/clf/latest', '-i', input], env)) as {
      input: { kind: string; tensors: Record<string, { dtype: string; shape: number[] }> };
    };
    expect(checked.input.kind).toBe('tensors');
    expect(Object.values(checked.input.tensors)[0]).toMatchObject({ dtype: 'float32', shape: [3, 4] });
  });

  it('a version, alias or model that does not exist is a one-line error naming it', async () => {
    // MLflow's own codes: a missing alias is INVALID_PARAMETER_VALUE in its file store.
    const cases = [
      ['models:/clf/9', 'RESOURCE_DOES_NOT_EXIST', 'version=9'],
      ['models:/clf@nobody', 'INVALID_PARAMETER_VALUE', 'alias nobody'],
      ['models:/absent/1', 'RESOURCE_DOES_NOT_EXIST', 'absent'],
      ['models:/clf/Staging', 'RESOURCE_DOES_NOT_EXIST', "'Staging'"],
    ] as const;
    for (const [uri, code, needle] of cases) {
      const r = await runCli(['models', 'predict', '-m', uri, '-i', input], { env });
      expect(r.code, uri).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^Error \\(${code}\\): [^\\n]*\\n$`));
      expect(r.stderr).toContain(needle);
    }
  });
});

describe('models:/ URIs against a remote mlflow-ts server (REST registry, mlflow-artifacts: downloads)', () => {
  let server: CliProcess;
  let env: Record<string, string>;
  let grpcUri: string;

  beforeAll(async () => {
    await ensureCliBuilt();
    server = spawnCli([
      'server',
      '--backend-store-uri',
      path.join(tmp, 'srv'),
      '--artifacts-destination',
      path.join(tmp, 'srv-artifacts'),
      '-p',
      '0',
      '--grpc-port',
      '0',
    ]);
    const [, url, grpcAddress] = await waitForOutput(
      server,
      /listening on (http:\/\/127\.0\.0\.1:\d+) \(gRPC (127\.0\.0\.1:\d+)\)/,
    );
    env = { MLFLOW_TRACKING_URI: url! };
    grpcUri = `grpc://${grpcAddress!}`;
    await registerTwoVersions(env);
  }, 60_000);

  afterAll(async () => {
    if (server) await stopProcess(server);
  });

  it('the version source is proxied (mlflow-artifacts:) and models:/ URIs predict like the local saved model', async () => {
    const mv = JSON.parse(await cliOk(['model-versions', 'get', '-n', 'clf', '-v', '1', '--json'], env)) as {
      model_version: { source: string };
    };
    // MLflow 3 logging registers the logged model (models:/<model_id>); MLflow 2's a proxied run path.
    expect(mv.model_version.source).toMatch(/^(mlflow-artifacts:\/.*\/artifacts\/model|models:\/m-[0-9a-f]{32})$/);
    expect(await predict('models:/clf@champion', env)).toBe(expectedA);
    expect(await predict('models:/clf/1', env)).toBe(expectedA);
    expect(await predict('models:/clf/latest', env)).toBe(expectedB);
    const report = JSON.parse(await cliOk(['models', 'inspect', 'models:/clf/2', '--json'], env)) as {
      files: { path: string }[];
    };
    expect(report.files.map((f) => f.path)).toContain('model.onnx');
  });

  it('the same registry over the gRPC store service resolves the same versions', async () => {
    const grpc = { MLFLOW_TRACKING_URI: grpcUri };
    expect(await predict('models:/clf@champion', grpc)).toBe(expectedA);
    expect(await predict('models:/clf/latest', grpc)).toBe(expectedB);
  });

  it('a spawned `models serve -m models:/clf@champion` answers /invocations like `models predict` on the saved model; SIGTERM exits 0', async () => {
    // Its own temp dir, to see the downloaded model removed once loaded (it serves from memory).
    const serveTmp = path.join(tmp, 'serve-tmp');
    await mkdir(serveTmp);
    const started = performance.now();
    const serve = spawnCli(['models', 'serve', '-m', 'models:/clf@champion', '-p', '0', '--no-request-log'], {
      env: { ...env, TMPDIR: serveTmp },
    });
    try {
      const url = (await waitForOutput(serve, /at (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      const res = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [
            [1, 2, 3, 4],
            [0.5, -1, 2, 0],
            [0, 0, 0, 0],
          ],
        }),
      });
      expect(res.status).toBe(200);
      const coldStartMs = performance.now() - started;
      console.log(
        `models serve -m models:/clf@champion (remote registry): spawn to first /invocations ${coldStartMs.toFixed(0)} ms`,
      );
      expect(await res.json()).toEqual(JSON.parse(expectedA));
      expect(serve.stderr()).toContain("Serving 'model' (models:/clf@champion) at http://127.0.0.1:");
      // The download was removed as soon as the model was loaded (other libraries may drop files of their own there).
      expect(await downloads(serveTmp)).toEqual([]);
    } finally {
      const stopAt = performance.now();
      const exit = await stopProcess(serve);
      console.log(`models serve: SIGTERM to exit ${(performance.now() - stopAt).toFixed(0)} ms`);
      expect(exit, serve.stderr()).toEqual({ code: 0, signal: null });
    }
    expect(await downloads(serveTmp)).toEqual([]);
  }, 60_000);
});
