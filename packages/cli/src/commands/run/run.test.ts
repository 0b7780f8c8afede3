/**
 * `mlflow-ts run` end to end: real entry-point processes (bash, and Node scripts logging through
 * @mlflow-ts/client's fluent API) against a real file store in a temp directory; the signal test
 * spawns the built CLI and interrupts it.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClient } from '@mlflow-ts/client';
import type { Run } from '@mlflow-ts/format';
import { ensureCliBuilt, ensurePackageBuilt, spawnCli, waitForOutput } from '../../../test/built-cli.js';
import { repoRoot, runCli, tempDir } from '../../../test/cli-harness.js';

const clientDist = pathToFileURL(path.join(repoRoot, 'packages/client/dist/index.js')).href;

let dir: string;
let cleanup: () => Promise<void>;
let mlruns: string;
let client: MlflowClient;
const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir });

beforeAll(async () => {
  // The Node entry points import the client's dist; the signal test runs the built CLI.
  await ensurePackageBuilt(path.join(repoRoot, 'packages/client'));
  await ensureCliBuilt();
}, 180_000);

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('mlflow-ts-run-'));
  mlruns = path.join(dir, 'mlruns');
  client = new MlflowClient({ trackingUri: mlruns });
});

afterEach(async () => {
  await client.close();
  await cleanup();
});

const MLPROJECT = `
name: cli-project
entry_points:
  main:
    parameters:
      lr: {type: float, default: 0.1}
      mode: {type: string, default: ok}
    command: "node train.mjs {lr} {mode}"
  shell:
    parameters:
      code: {type: int, default: 0}
    command: "[ {code} = 0 ] || exit {code}; echo shell says $MLFLOW_RUN_ID"
`;

const TRAIN = `
import { flush, logMetric, logParam, setTag, startRun } from '${clientDist}';
const [lr, mode] = process.argv.slice(2);
await startRun({}, async () => {
  await logParam('seen_lr', lr);
  await setTag('script', 'node');
  await logMetric('loss', 0.5, { step: 0 });
  await logMetric('loss', 0.25, { step: 1 });
  if (mode === 'fail') throw new Error('training diverged');
  if (mode === 'hang') {
    await flush();
    process.stdout.write('ready\\n');
    await new Promise((r) => setTimeout(r, 60_000));
  }
});
process.stdout.write('trained with lr ' + lr + '\\n');
`;

async function makeProject(): Promise<string> {
  const p = path.join(dir, 'project');
  await mkdir(p, { recursive: true });
  await writeFile(path.join(p, 'MLproject'), MLPROJECT);
  await writeFile(path.join(p, 'train.mjs'), TRAIN);
  return p;
}

async function onlyRun(): Promise<Run> {
  const runs = (await client.searchRuns('0')).items;
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

const tags = (r: Run) => Object.fromEntries(r.data.tags.map((t) => [t.key, t.value]));
const params = (r: Run) => Object.fromEntries(r.data.params.map((p) => [p.key, p.value]));

describe('mlflow-ts run: a Node entry point', () => {
  it('exit 0: the run has the params, tags and metrics, and is FINISHED', async () => {
    const p = await makeProject();
    const r = await runCli(['run', p, '-P', 'lr=0.5', '--backend-store-uri', mlruns, '--run-name', 'node-ok'], {
      env: baseEnv(),
    });
    expect(r.stderr).toContain("=== Running command 'node train.mjs 0.5 ok' in run with ID");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('trained with lr 0.5');
    const run = await onlyRun();
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.run_name).toBe('node-ok');
    expect(params(run)).toEqual({ lr: '0.5', mode: 'ok', seen_lr: '0.5' });
    expect(tags(run)).toMatchObject({
      script: 'node',
      'mlflow.source.type': 'PROJECT',
      'mlflow.source.name': p,
      'mlflow.project.entryPoint': 'main',
      'mlflow.project.env': 'local',
      'mlflow.project.backend': 'local',
    });
    const history = await client.getMetricHistory(run.info.run_id, 'loss');
    expect(history.map((m) => [m.step, m.value])).toEqual([
      [0, 0.5],
      [1, 0.25],
    ]);
  });

  it('exit 1: the run is FAILED and the CLI exits 1', async () => {
    const p = await makeProject();
    const r = await runCli(['run', p, '-P', 'mode=fail', '--backend-store-uri', mlruns], { env: baseEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('training diverged');
    expect(r.stderr).toMatch(/Error: Run \(ID '[0-9a-f]{32}'\) failed\n$/);
    const run = await onlyRun();
    expect(run.info.status).toBe('FAILED');
    expect((await client.getMetricHistory(run.info.run_id, 'loss')).length).toBe(2);
  });

  it('SIGINT: forwarded to the entry point, the run ends KILLED, the CLI ends by the signal', async () => {
    const p = await makeProject();
    const cli = spawnCli(['run', p, '-P', 'mode=hang', '--backend-store-uri', mlruns], { env: baseEnv(), cwd: dir });
    await waitForOutput(cli, /ready/);
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.signal).toBe('SIGINT');
    expect(cli.stderr()).toMatch(/=== Run \(ID '[0-9a-f]{32}'\) interrupted, cancelling run ===/);
    const run = await onlyRun();
    expect(run.info.status).toBe('KILLED');
    expect(run.info.end_time).toBeGreaterThan(0);
    expect((await client.getMetricHistory(run.info.run_id, 'loss')).length).toBe(2);
  }, 60_000);
});

describe('mlflow-ts run: nested runs through run()', () => {
  it('SIGINT reaches a nested run started by the entry point: both end KILLED', async () => {
    const p = await makeProject();
    await writeFile(path.join(p, 'MLproject'), `${MLPROJECT}  search:\n    command: "node search.mjs"\n`);
    await writeFile(
      path.join(p, 'search.mjs'),
      `import { run, startRun } from '${clientDist}';\n` +
        "await startRun({}, async () => { await run('.', { entryPoint: 'main', parameters: { mode: 'hang' } }); });\n",
    );
    const cli = spawnCli(['run', p, '-e', 'search', '--backend-store-uri', mlruns], { env: baseEnv(), cwd: dir });
    await waitForOutput(cli, /ready/);
    cli.child.kill('SIGINT');
    expect((await cli.exited).signal).toBe('SIGINT');
    const runs = (await client.searchRuns('0')).items;
    expect(runs).toHaveLength(2);
    const parent = runs.find((r) => tags(r)['mlflow.project.entryPoint'] === 'search')!;
    const child = runs.find((r) => r !== parent)!;
    expect(tags(child)['mlflow.parentRunId']).toBe(parent.info.run_id);
    expect([parent.info.status, child.info.status]).toEqual(['KILLED', 'KILLED']);
  }, 60_000);
});

describe('mlflow-ts run: a shell entry point', () => {
  it('exit 0 and exit 1, extra -P keys appended as --key value', async () => {
    const p = await makeProject();
    const ok = await runCli(['run', p, '-e', 'shell', '--backend-store-uri', mlruns, '--experiment-name', 'sh'], {
      env: baseEnv(),
    });
    expect(ok.code, ok.stderr).toBe(0);
    const experiment = await client.getExperimentByName('sh');
    const [run] = (await client.searchRuns(experiment!.experiment_id)).items;
    expect(ok.stdout).toBe(`shell says ${run!.info.run_id}\n`);
    expect(run!.info.status).toBe('FINISHED');
    expect(params(run!)).toEqual({ code: '0' });

    const bad = await runCli(
      ['run', p, '-e', 'shell', '-P', 'code=3', '-P', 'note=a b', '--backend-store-uri', mlruns],
      { env: baseEnv() },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "=== Running command '[ 3 = 0 ] || exit 3; echo shell says $MLFLOW_RUN_ID --note 'a b'' in run",
    );
    const failed = await onlyRun();
    expect(failed.info.status).toBe('FAILED');
    expect(params(failed)).toEqual({ code: '3', note: "'a b'" });
  });
});

describe('mlflow-ts run: bad input is one line, exit 1, and no run', () => {
  async function expectOneLine(args: string[], message: RegExp): Promise<void> {
    const r = await runCli(['run', ...args, '--backend-store-uri', mlruns], { env: baseEnv() });
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    const runs = await client.searchRuns('0').then(
      (pg) => pg.items,
      () => [],
    );
    expect(runs).toEqual([]);
  }

  it('names the problem', async () => {
    const p = await makeProject();
    await expectOneLine([path.join(dir, 'missing')], /^Error \(RESOURCE_DOES_NOT_EXIST\): No project directory at /);
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    await expectOneLine(
      [empty],
      /^Error \(RESOURCE_DOES_NOT_EXIST\): No MLproject file in .*Could not find main among entry points \[\]/,
    );
    const badYaml = path.join(dir, 'bad');
    await mkdir(badYaml);
    await writeFile(path.join(badYaml, 'MLproject'), 'entry_points:\n  main: [unclosed\n');
    await expectOneLine([badYaml], /^Error \(INVALID_PARAMETER_VALUE\): Invalid YAML in MLproject file: /);
    await expectOneLine(
      [p, '-e', 'nope'],
      /^Error \(INVALID_PARAMETER_VALUE\): Could not find nope among entry points \['main', 'shell'\]/,
    );
    await expectOneLine(
      [p, '-P', 'lr=fast'],
      /^Error \(INVALID_PARAMETER_VALUE\): Parameter 'lr' of entry point 'main' must be a float, got 'fast'$/,
    );
    await expectOneLine(
      [p, '-e', 'shell', '-P', 'code=1.5'],
      /Parameter 'code' of entry point 'shell' must be an int, got '1.5'$/,
    );
    await expectOneLine([p, '-P', 'lr'], /^Error: Invalid format for -P parameter: 'lr'. Use -P name=value.$/);
    await expectOneLine([p, '-P', 'lr=1', '-P', 'lr=2'], /^Error: Repeated parameter: 'lr'$/);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: p });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x'], {
      cwd: p,
    });
    await expectOneLine(
      [p, '--version', 'v9', '--cache-dir', path.join(dir, 'cache')],
      /^Error \(RESOURCE_DOES_NOT_EXIST\): Unable to checkout version 'v9' of git repo .* - please ensure that the version exists in the repo\.$/,
    );
  });
});

describe('mlflow-ts run: git URIs and docker projects', () => {
  it('runs a file:// repository at a branch through the cache and tags the commit, repo URL and branch', async () => {
    const p = await makeProject();
    const g = (...a: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: p })
        .toString()
        .trim();
    g('init', '-q', '-b', 'main');
    g('add', '-A');
    g('commit', '-q', '-m', 'first');
    g('checkout', '-q', '-b', 'exp');
    await writeFile(path.join(p, 'MLproject'), MLPROJECT.replace('echo shell says', 'echo branch exp says'));
    g('commit', '-q', '-am', 'exp');
    const sha = g('rev-parse', 'HEAD');
    g('checkout', '-q', 'main');
    const r = await runCli(
      [
        'run',
        `file://${p}`,
        '-e',
        'shell',
        '--version',
        'exp',
        '--cache-dir',
        path.join(dir, 'cache'),
        '--backend-store-uri',
        mlruns,
      ],
      { env: baseEnv() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^branch exp says [0-9a-f]{32}\n$/);
    expect(tags(await onlyRun())).toMatchObject({
      'mlflow.source.git.commit': sha,
      'mlflow.source.git.branch': 'exp',
      'mlflow.source.git.repoURL': p,
      'mlflow.source.name': `file://${p}`,
    });
  });

  it('--build-image without a Docker engine writes the Dockerfile and build context, and starts no run', async () => {
    const p = path.join(dir, 'docker-project');
    await mkdir(p);
    await writeFile(
      path.join(p, 'MLproject'),
      'name: dock\ndocker_env:\n  image: node:20-slim\nentry_points:\n  main:\n    command: "node train.mjs"\n',
    );
    await writeFile(path.join(p, 'train.mjs'), 'console.log(1)\n');
    const ctxDir = path.join(dir, 'ctx');
    const r = await runCli(['run', p, '--build-image', '--docker-context-dir', ctxDir, '--backend-store-uri', mlruns], {
      env: { ...baseEnv(), PATH: path.dirname(process.execPath) },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Wrote the Docker build context of image dock to ${ctxDir}`);
    expect(r.stdout).toContain(
      `docker build -t dock -f ${ctxDir}/mlflow-project-docker-build-context/Dockerfile.mlflow-autogenerated ${ctxDir}`,
    );
    const { readFile } = await import('node:fs/promises');
    expect(
      await readFile(path.join(ctxDir, 'mlflow-project-docker-build-context/Dockerfile.mlflow-autogenerated'), 'utf8'),
    ).toBe(
      'FROM node:20-slim\n COPY mlflow-project-docker-build-context/ /mlflow/projects/code/\n WORKDIR /mlflow/projects/code/\n',
    );
    expect(await readFile(path.join(ctxDir, 'mlflow-project-docker-build-context/train.mjs'), 'utf8')).toBe(
      'console.log(1)\n',
    );
    expect(
      await client.searchRuns('0').then(
        (pg) => pg.items,
        () => [],
      ),
    ).toEqual([]);
  });
});
