import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowError, type Run } from '@mlflow-ts/format';
import { MlflowClient } from './client.js';
import { setFluentSession } from './fluent.js';
import { FluentSession } from './fluent-session.js';
import { run } from './projects.js';
import type { ProjectOutput } from './projects/output.js';
import { buildDockerContext, prepareProject } from './projects/run-project.js';
import { dockerRunCommand } from './projects/docker.js';

let root: string;
let mlruns: string;
let client: MlflowClient;
let lines: string[];
let output: ProjectOutput;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-projects-'));
  mlruns = path.join(root, 'mlruns');
  client = new MlflowClient({ trackingUri: mlruns });
  lines = [];
  output = { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t), info: (l) => lines.push(`${l}\n`) };
});

afterEach(async () => {
  await client.close();
  await rm(root, { recursive: true, force: true });
});

async function project(name: string, mlproject: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'MLproject'), mlproject);
  for (const [f, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), text);
  }
  return dir;
}

const SHELL_PROJECT = `
name: shell-project
entry_points:
  main:
    parameters:
      code: {type: int, default: 0}
      greeting: {type: string, default: "hello world"}
      data: {type: path, default: data.txt}
    command: "echo \\"$MLFLOW_RUN_ID $MLFLOW_EXPERIMENT_ID $MLFLOW_TRACKING_URI\\" > env.txt; [ {code} = 0 ] || exit {code}; echo {greeting} from {data}"
  sleep:
    command: "sleep 30"
`;

function tags(r: Run): Record<string, string> {
  return Object.fromEntries((r.data.tags ?? []).map((t) => [t.key, t.value]));
}
function params(r: Run): Record<string, string> {
  return Object.fromEntries((r.data.params ?? []).map((p) => [p.key, p.value]));
}

function gitRepo(dir: string): void {
  const g = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  g('init', '-q', '-b', 'main');
  g('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A');
  g('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'first');
}

describe('run() with a shell entry point', () => {
  it('runs the command in the project with the run in its environment, logs params and tags, ends FINISHED', async () => {
    const dir = await project('p', SHELL_PROJECT, { 'data.txt': 'x' });
    const submitted = await run(dir, { client, output, parameters: { extra: 'a b' }, cwd: dir, runName: 'shell' });
    const r = await client.getRun(submitted.runId);
    expect(r.info.status).toBe('FINISHED');
    expect(submitted.getStatus()).toBe('FINISHED');
    expect(r.info.run_name).toBe('shell');
    // MLflow logs the shell-quoted values, and path parameters as given.
    expect(params(r)).toEqual({ code: '0', greeting: "'hello world'", data: 'data.txt', extra: "'a b'" });
    expect(tags(r)).toMatchObject({
      'mlflow.source.type': 'PROJECT',
      'mlflow.source.name': dir,
      'mlflow.project.entryPoint': 'main',
      'mlflow.project.env': 'local',
      'mlflow.project.backend': 'local',
      'mlflow.runName': 'shell',
    });
    expect(tags(r)['mlflow.user']).toBeTruthy();
    const env = (await readFile(path.join(dir, 'env.txt'), 'utf8')).trim();
    expect(env).toBe(`${submitted.runId} 0 ${mlruns}`);
    const out = lines.join('');
    expect(out).toContain(`hello world from ${path.join(dir, 'data.txt')}`);
    expect(out).toContain(`=== Running command 'echo`);
    expect(out).toContain(`--extra 'a b'' in run with ID '${submitted.runId}'`);
    expect(out).toContain(`=== Run (ID '${submitted.runId}') succeeded ===`);
  });

  it('a non-zero exit ends the run FAILED and throws when synchronous', async () => {
    const dir = await project('p', SHELL_PROJECT, { 'data.txt': 'x' });
    const err = await run(dir, { client, output, parameters: { code: 3 }, cwd: dir }).catch((e: unknown) => e);
    expect(MlflowError.isInstance(err) && err.message).toMatch(/^Run \(ID '[0-9a-f]{32}'\) failed$/);
    const runs = (await client.searchRuns('0')).items;
    expect(runs.map((r) => r.info.status)).toEqual(['FAILED']);
  });

  it('synchronous: false returns a handle; cancel() kills the process group and ends KILLED', async () => {
    const dir = await project('p', SHELL_PROJECT);
    const submitted = await run(dir, { client, output, entryPoint: 'sleep', synchronous: false });
    expect(submitted.getStatus()).toBe('RUNNING');
    expect((await client.getRun(submitted.runId)).info.status).toBe('RUNNING');
    await submitted.cancel();
    expect(submitted.getStatus()).toBe('KILLED');
    expect(await submitted.wait()).toBe(false);
    const r = await client.getRun(submitted.runId);
    expect(r.info.status).toBe('KILLED');
    expect(r.info.end_time).toBeGreaterThan(0);
  });

  it('a run started from inside an active run is nested under it', async () => {
    const dir = await project('p', SHELL_PROJECT, { 'data.txt': 'x' });
    const session = new FluentSession({ MLFLOW_TRACKING_URI: mlruns });
    const previous = setFluentSession(session);
    try {
      const parent = await session.startRun({ runName: 'search' });
      const child = await run(dir, { output, cwd: dir });
      await session.endRun();
      const r = await session.client().getRun(child.runId);
      expect(tags(r)['mlflow.parentRunId']).toBe(parent.runId);
    } finally {
      setFluentSession(previous);
      await session.client().close();
    }
  });

  it('useCache reuses a finished run with the same parameters, and only then', async () => {
    const dir = await project('p', SHELL_PROJECT, { 'data.txt': 'x' });
    const first = await run(dir, { client, output, cwd: dir, parameters: { greeting: 'hi' }, useCache: true });
    const again = await run(dir, { client, output, cwd: dir, parameters: { greeting: 'hi' }, useCache: true });
    expect(again.runId).toBe(first.runId);
    const other = await run(dir, { client, output, cwd: dir, parameters: { greeting: 'ho' }, useCache: true });
    expect(other.runId).not.toBe(first.runId);
    const fresh = await run(dir, { client, output, cwd: dir, parameters: { greeting: 'hi' } });
    expect(fresh.runId).not.toBe(first.runId);
    expect((await client.searchRuns('0')).items).toHaveLength(3);
  });

  it('creates the named experiment and runs into it', async () => {
    const dir = await project('p', SHELL_PROJECT, { 'data.txt': 'x' });
    const submitted = await run(dir, { client, output, cwd: dir, experimentName: 'projects' });
    const experiment = await client.getExperimentByName('projects');
    expect((await client.getRun(submitted.runId)).info.experiment_id).toBe(experiment?.experiment_id);
  });
});

describe('run() refuses bad input before creating a run', () => {
  async function expectNoRun(p: Promise<unknown>, message: RegExp): Promise<void> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(MlflowError.isInstance(err), String(err)).toBe(true);
    expect((err as MlflowError).message).toMatch(message);
    expect((err as MlflowError).message).not.toContain('\n');
    expect(existsSync(path.join(mlruns, '0')) ? (await client.searchRuns('0')).items : []).toEqual([]);
  }

  it('names each problem', async () => {
    const dir = await project('p', SHELL_PROJECT, { 'data.txt': 'x' });
    await expectNoRun(run(path.join(root, 'nope'), { client, output }), /^No project directory at /);
    await expectNoRun(
      run(dir, { client, output, parameters: { code: 'x' } }),
      /Parameter 'code' of entry point 'main' must be an int, got 'x'/,
    );
    await expectNoRun(
      run(dir, { client, output, entryPoint: 'nope' }),
      /Could not find nope among entry points \['main', 'sleep'\]/,
    );
    await expectNoRun(
      run(dir, { client, output, parameters: { data: 'missing.txt' }, cwd: dir }),
      /no such file or directory was found/,
    );
    const bare = path.join(root, 'bare');
    await mkdir(bare);
    await expectNoRun(
      run(bare, { client, output }),
      /^No MLproject file in .*Could not find main among entry points \[\]/,
    );
    const bad = await project('bad', 'entry_points: [unclosed\n');
    await expectNoRun(run(bad, { client, output }), /^Invalid YAML in MLproject file/);
    await expectNoRun(
      run(dir, { client, output, version: 'v1' }),
      /Setting a version is only supported for Git project URIs/,
    );
  });
});

describe('git projects', () => {
  it('checks out a version from the cache mirror and records commit, repo URL and branch', async () => {
    const repo = await project('repo', SHELL_PROJECT, {
      'sub/MLproject': 'entry_points: {main: {command: "pwd > where.txt"}}\n',
      'data.txt': 'x',
    });
    gitRepo(repo);
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo }).toString().trim();
    execFileSync('git', ['branch', 'dev'], { cwd: repo });
    const cacheDir = path.join(root, 'cache');
    const uri = `file://${repo}`;
    const first = await run(uri, {
      client,
      output,
      version: 'dev',
      cacheDir,
      parameters: { data: path.join(repo, 'data.txt') },
    });
    const r = await client.getRun(first.runId);
    expect(tags(r)).toMatchObject({
      'mlflow.source.name': uri,
      'mlflow.source.git.commit': sha,
      'mlflow.source.git.repoURL': repo,
      'mlflow.source.git.branch': 'dev',
    });
    // A commit is not a branch; the mirror is reused and updated.
    const second = await run(`${repo}#sub`, { client, output, version: sha, cacheDir });
    const r2 = await client.getRun(second.runId);
    expect(tags(r2)['mlflow.source.git.branch']).toBeUndefined();
    expect(tags(r2)['mlflow.source.git.commit']).toBe(sha);
    expect(await readdir(path.join(cacheDir, 'mirrors'))).toEqual([expect.stringMatching(/^[0-9a-f]{20}\.git$/)]);
    const checkouts = await readdir(path.join(cacheDir, 'checkouts'));
    expect(checkouts).toHaveLength(2);
    const wheres = await Promise.all(
      checkouts.map((c) => readFile(path.join(cacheDir, 'checkouts', c, 'sub/where.txt'), 'utf8').catch(() => '')),
    );
    expect(wheres.filter((w) => w.trim().endsWith('/sub'))).toHaveLength(1);
  });

  it('an unknown ref is one clear error and no run', async () => {
    const repo = await project('repo', SHELL_PROJECT, { 'data.txt': 'x' });
    gitRepo(repo);
    const err = await run(repo, { client, output, version: 'no-such-ref', cacheDir: path.join(root, 'cache') }).catch(
      (e: unknown) => e,
    );
    expect(MlflowError.isInstance(err) && err.message).toBe(
      `Unable to checkout version 'no-such-ref' of git repo ${repo} - please ensure that the version exists in the repo.`,
    );
    expect(existsSync(path.join(mlruns, '0')) ? (await client.searchRuns('0')).items : []).toEqual([]);
  });

  it('a local directory inside a repository is recorded as file://<root>#<subdir>', async () => {
    const repo = await project('repo', 'x: 1\n', { 'proj/MLproject': SHELL_PROJECT, 'proj/data.txt': 'x' });
    gitRepo(repo);
    const submitted = await run(path.join(repo, 'proj'), { client, output, cwd: path.join(repo, 'proj') });
    const t = tags(await client.getRun(submitted.runId));
    expect(t['mlflow.source.name']).toBe(`file://${repo}#proj`);
    expect(t['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('environments', () => {
  it('--env-manager npm installs node_env packages before running', async () => {
    const dir = await project(
      'p',
      `
name: npm-project
node_env: [./greeter]
entry_points:
  main:
    command: "node -e \\"process.stdout.write(require('greeter').greet())\\""
`,
      {
        'greeter/package.json': JSON.stringify({ name: 'greeter', version: '1.0.0', main: 'index.js' }),
        'greeter/index.js': "exports.greet = () => 'installed and loaded';\n",
      },
    );
    const submitted = await run(dir, { client, output, envManager: 'npm' });
    expect(lines.join('')).toContain('installed and loaded');
    expect(tags(await client.getRun(submitted.runId))['mlflow.project.env']).toBe('npm');
  }, 120_000);

  it('docker_env projects: the build context and docker run command MLflow would use', async () => {
    const dir = await project(
      'd',
      `
name: docker-example
docker_env:
  image: python:3.11-slim
  volumes: ["/data:/data"]
  environment: [["MODE", "train"], "HOME"]
entry_points:
  main:
    parameters: {alpha: float}
    command: "python train.py --alpha {alpha}"
`,
      { 'train.py': 'print(1)\n' },
    );
    gitRepo(dir);
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir }).toString().trim();
    const prepared = await prepareProject(dir, { parameters: { alpha: '0.5' } });
    expect(prepared.envManager).toBe('docker');
    const ctx = await buildDockerContext(prepared, { dockerContextDir: path.join(root, 'ctx') });
    expect(ctx.imageUri).toBe(`docker-example:${sha.slice(0, 7)}`);
    expect(ctx.dockerfile).toBe('mlflow-project-docker-build-context/Dockerfile.mlflow-autogenerated');
    expect(await readFile(path.join(ctx.contextDir, ctx.dockerfile), 'utf8')).toBe(
      'FROM python:3.11-slim\n COPY mlflow-project-docker-build-context/ /mlflow/projects/code/\n WORKDIR /mlflow/projects/code/\n',
    );
    expect(await readFile(path.join(ctx.contextDir, 'mlflow-project-docker-build-context/train.py'), 'utf8')).toBe(
      'print(1)\n',
    );
    expect(
      await readFile(path.join(ctx.contextDir, 'mlflow-project-docker-build-context/MLproject'), 'utf8'),
    ).toContain('docker_env');
    expect(existsSync(path.join(ctx.contextDir, 'mlflow-project-docker-build-context/.git'))).toBe(false);
    expect(ctx.buildCommand).toBe(
      `docker build -t docker-example:${sha.slice(0, 7)} -f ${path.join(ctx.contextDir, ctx.dockerfile)} ${ctx.contextDir}`,
    );
    const cmd = dockerRunCommand({
      image: ctx.imageUri,
      runId: 'r1',
      experimentId: '0',
      trackingUri: '/abs/mlruns',
      artifactUri: '/abs/mlruns/0/r1/artifacts',
      dockerEnv: prepared.project.spec.dockerEnv!,
      dockerArgs: { gpus: 'all', t: true },
      hostEnv: { HOME: '/home/u' },
    });
    expect(cmd).toEqual([
      'docker',
      'run',
      '--rm',
      '--gpus',
      'all',
      '-t',
      '-v',
      '/abs/mlruns:/mlflow/tmp/mlruns',
      '-v',
      '/abs/mlruns/0/r1/artifacts:/abs/mlruns/0/r1/artifacts',
      '-v',
      '/data:/data',
      '-e',
      'MLFLOW_RUN_ID=r1',
      '-e',
      'MLFLOW_TRACKING_URI=file:///mlflow/tmp/mlruns',
      '-e',
      'MLFLOW_EXPERIMENT_ID=0',
      '-e',
      'MODE=train',
      '-e',
      'HOME=/home/u',
      ctx.imageUri,
    ]);
  });
});
