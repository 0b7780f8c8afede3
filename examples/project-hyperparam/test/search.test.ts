/**
 * The example end to end, as CI runs it: `mlflow-ts run . -e search` (the built CLI, in its own
 * process) against a temp file store, then `mlflow-ts runs list --json` shows the search run and its
 * nested training runs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliBin = path.resolve(exampleDir, '../../packages/cli/bin/mlflow-ts.js');
const exec = promisify(execFile);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-project-hyperparam-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface RunJson {
  info: { run_id: string; status: string };
  data: {
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
    metrics?: { key: string; value: number }[];
  };
}

function mlflowTs(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  delete env.MLFLOW_TRACKING_URI;
  delete env.MLFLOW_RUN_ID;
  delete env.MLFLOW_EXPERIMENT_ID;
  delete env.MLFLOW_EXPERIMENT_NAME;
  return exec(process.execPath, [cliBin, ...args], { cwd: exampleDir, env, maxBuffer: 64 * 1024 * 1024 });
}

it('search runs a grid of main runs nested under it and logs the best', async () => {
  const store = path.join(tmp, 'mlruns');
  const { stdout } = await mlflowTs([
    'run',
    '.',
    '-e',
    'search',
    '-P',
    'learning_rates=0.005,0.05,0.2',
    '-P',
    'epochs=40',
    '--experiment-name',
    'hyperparam',
    '--backend-store-uri',
    store,
  ]);
  expect(stdout).toMatch(/best learning_rate=0\.2 \(run [0-9a-f]{32}\)/);

  const list = await mlflowTs(['experiments', 'search', '--backend-store-uri', store, '--json']);
  const experiment = (
    JSON.parse(list.stdout) as { experiments: { name: string; experiment_id: string }[] }
  ).experiments.find((e) => e.name === 'hyperparam');
  expect(experiment).toBeDefined();
  const runs = await mlflowTs([
    'runs',
    'list',
    '--experiment-id',
    experiment!.experiment_id,
    '--backend-store-uri',
    store,
    '--json',
  ]);
  const all = (JSON.parse(runs.stdout) as { runs: RunJson[] }).runs;
  const tag = (r: RunJson, k: string) => r.data.tags?.find((t) => t.key === k)?.value;
  const param = (r: RunJson, k: string) => r.data.params?.find((p) => p.key === k)?.value;
  const metric = (r: RunJson, k: string) => r.data.metrics?.find((m) => m.key === k)?.value;
  expect(all).toHaveLength(4);
  const parent = all.find((r) => tag(r, 'mlflow.project.entryPoint') === 'search')!;
  expect(parent.info.status).toBe('FINISHED');
  const children = all.filter((r) => r !== parent);
  expect(children.map((r) => tag(r, 'mlflow.parentRunId'))).toEqual([
    parent.info.run_id,
    parent.info.run_id,
    parent.info.run_id,
  ]);
  expect(children.map((r) => tag(r, 'mlflow.project.entryPoint'))).toEqual(['main', 'main', 'main']);
  expect(children.map((r) => r.info.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
  expect(children.map((r) => param(r, 'learning_rate')).sort()).toEqual(['0.005', '0.05', '0.2']);
  for (const c of children) expect(param(c, 'epochs')).toBe('40');

  // The best is the child with the lowest final loss, and the search run says so.
  const best = [...children].sort(
    (a, b) => (metric(a, 'final_loss') ?? Infinity) - (metric(b, 'final_loss') ?? Infinity),
  )[0]!;
  expect(param(parent, 'best_run_id')).toBe(best.info.run_id);
  expect(param(parent, 'best_learning_rate')).toBe(param(best, 'learning_rate'));
  expect(metric(parent, 'best_final_loss')).toBe(metric(best, 'final_loss'));
  expect(metric(best, 'final_loss')).toBeLessThan(0.01);

  // Each training run logged its loss per epoch.
  const history = await mlflowTs([
    'metrics',
    'history',
    '--run-id',
    best.info.run_id,
    '--key',
    'loss',
    '--backend-store-uri',
    store,
    '--json',
  ]);
  const points = (JSON.parse(history.stdout) as { metrics: { step: number; value: number }[] }).metrics;
  expect(points.map((p) => p.step)).toEqual([...Array(40).keys()]);
  expect(points.at(-1)!.value).toBeLessThan(points[0]!.value);
});
