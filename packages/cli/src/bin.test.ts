/**
 * The real binary, spawned: `node packages/cli/dist/bin.js` on a temp mlruns directory. turbo builds
 * dist/ before this package's tests (turbo.json); by hand: `npx turbo run build --filter=@mlflow-ts/cli...`.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt } from '../test/built-cli.js';
import { tempDir } from '../test/cli-harness.js';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(pkgDir, 'dist', 'bin.js');
const run = promisify(execFile);

let dir: string;
let cleanup = async (): Promise<void> => undefined;

beforeAll(async () => {
  await ensureCliBuilt();
  ({ dir, cleanup } = await tempDir('mlflow-ts-bin-'));
});

afterAll(async () => {
  await cleanup();
});

async function mlflowTs(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
      cwd: dir,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('the mlflow-ts binary', () => {
  it('creates a run, logs to it from the shell and describes it as MLflow REST JSON', async () => {
    const uri = path.join(dir, 'mlruns');
    const env = { MLFLOW_TRACKING_URI: uri };
    const created = await mlflowTs(['experiments', 'create', '-n', 'bin-exp', '--json'], env);
    expect(created.code).toBe(0);
    const experimentId = JSON.parse(created.stdout).experiment_id as string;

    const runId = (
      await mlflowTs(['runs', 'create', '--experiment-id', experimentId, '--run-name', 'spawned'], env)
    ).stdout.trim();
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    expect(
      (await mlflowTs(['runs', 'log-metric', '--run-id', runId, '--key', 'acc', '--value', '0.75', '--step', '2'], env))
        .code,
    ).toBe(0);
    expect(
      (
        await mlflowTs([
          'runs',
          'log-param',
          '--run-id',
          runId,
          '--key',
          'depth',
          '--value',
          '4',
          '--backend-store-uri',
          uri,
        ])
      ).code,
    ).toBe(0);

    const described = await mlflowTs(['runs', 'describe', '--run-id', runId, '--json'], env);
    expect(described.code).toBe(0);
    const body = JSON.parse(described.stdout);
    expect(Object.keys(body)).toEqual(['run']);
    expect(body.run.info).toMatchObject({
      run_id: runId,
      run_uuid: runId,
      run_name: 'spawned',
      experiment_id: experimentId,
      status: 'RUNNING',
    });
    expect(body.run.data.metrics).toEqual([expect.objectContaining({ key: 'acc', value: 0.75, step: 2 })]);
    expect(body.run.data.params).toEqual([{ key: 'depth', value: '4' }]);

    const history = JSON.parse(
      (await mlflowTs(['metrics', 'history', '--run-id', runId, '--key', 'acc', '--json'], env)).stdout,
    );
    expect(history.metrics).toHaveLength(1);
  });

  it('exits 1 with a single stderr line on a user error, and prints its version', async () => {
    const missing = await mlflowTs([
      'runs',
      'describe',
      '--run-id',
      'a'.repeat(32),
      '--backend-store-uri',
      path.join(dir, 'mlruns'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/RESOURCE_DOES_NOT_EXIST/);
    const version = await mlflowTs(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('shows everything a TypeScript script logged with @mlflow-ts/client (nested run, params, metrics, tags, artifact)', async () => {
    const uri = path.join(dir, 'script-mlruns');
    const clientEntry = pathToFileURL(path.resolve(pkgDir, '../client/dist/index.js')).href;
    const script = path.join(dir, 'train.mjs');
    await writeFile(path.join(dir, 'notes.txt'), 'hello from the script');
    await writeFile(
      script,
      `
      import { setExperiment, startRun, logParams, logMetric, setTag, logArtifact } from ${JSON.stringify(clientEntry)};
      await setExperiment('script-exp');
      await startRun({ runName: 'parent' }, async (parent) => {
        await logParams({ lr: 0.01, layers: 3 });
        for (let step = 0; step < 50; step++) await logMetric('loss', 1 / (step + 1), { step });
        await setTag('team', 'vision');
        await logArtifact(${JSON.stringify(path.join(dir, 'notes.txt'))});
        await startRun({ runName: 'child', nested: true }, async () => { await logMetric('acc', 0.9); });
        console.log(parent.info.run_id);
      });
    `,
    );
    const { stdout } = await run(process.execPath, [script], {
      env: { ...process.env, MLFLOW_TRACKING_URI: uri },
      cwd: dir,
    });
    const parentId = stdout.trim();
    const env = { MLFLOW_TRACKING_URI: uri };
    const parent = JSON.parse((await mlflowTs(['runs', 'describe', '--run-id', parentId, '--json'], env)).stdout).run;
    expect(parent.info).toMatchObject({ run_name: 'parent', status: 'FINISHED' });
    expect(parent.data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.01' },
        { key: 'layers', value: '3' },
      ]),
    );
    expect(parent.data.metrics).toEqual([expect.objectContaining({ key: 'loss', value: 1 / 50, step: 49 })]);
    expect(parent.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'vision' },
        { key: 'mlflow.runName', value: 'parent' },
      ]),
    );
    const history = JSON.parse(
      (await mlflowTs(['metrics', 'history', '--run-id', parentId, '--key', 'loss', '--json'], env)).stdout,
    );
    expect(history.metrics).toHaveLength(50);
    const artifacts = await mlflowTs(['artifacts', 'list', '--run-id', parentId], env);
    expect(artifacts.stdout).toContain('notes.txt');
    const children = JSON.parse(
      (
        await mlflowTs(
          [
            'runs',
            'list',
            '--experiment-id',
            parent.info.experiment_id,
            '--filter',
            `tags.mlflow.parentRunId = '${parentId}'`,
            '--json',
          ],
          env,
        )
      ).stdout,
    );
    expect(children.runs).toHaveLength(1);
    expect(children.runs[0].info).toMatchObject({ run_name: 'child', status: 'FINISHED' });
    expect(children.runs[0].data.metrics).toEqual([expect.objectContaining({ key: 'acc', value: 0.9 })]);
  });
});
