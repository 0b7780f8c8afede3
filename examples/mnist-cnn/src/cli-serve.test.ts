/**
 * The example end to end as a user runs it, at a reduced size (300 samples, one epoch): the compiled
 * `node dist/train.js` trains, logs and registers mnist-cnn@champion into a temporary file store,
 * then the real CLI (`mlflow-ts models serve -m models:/mnist-cnn@champion`) serves it in its own
 * process and answers MLflow's /invocations with the serving example the run logged. The cold start
 * (spawn to first successful /invocations) is printed, not asserted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(exampleRoot, '../..');
const cliRoot = path.join(repoRoot, 'packages/cli');
const cliBin = path.join(cliRoot, 'bin/mlflow-ts.js');

async function mtime(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.mtimeMs ?? -1;
}

/** True when some src/**.ts (not a test) of `root` is newer than its dist/**.js. */
async function isStale(root: string, dir = 'src'): Promise<boolean> {
  for (const e of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (await isStale(root, rel)) return true;
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      const js = path.join(root, 'dist', path.relative('src', rel).replace(/\.ts$/, '.js'));
      if ((await mtime(js)) < (await mtime(path.join(root, rel)))) return true;
    }
  }
  return false;
}

/**
 * turbo builds this example and the CLI before this test (turbo.json); a missing or stale dist/ fails
 * with the command that builds it instead of testing old code.
 */
async function assertBuilt(root: string): Promise<void> {
  if (!(await isStale(root))) return;
  const { name } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { name: string };
  throw new Error(`${name} is not built or its dist/ is older than src/; run: npx turbo run build --filter=${name}...`);
}

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], env: Record<string, string>, cwd: string): Proc {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, exited };
}

async function waitFor<T>(
  what: string,
  p: Proc,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(`process exited before ${what}:\n${p.out()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${p.out()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let tmp: string;
const running: Proc[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'mnist-cli-'));
  await Promise.all([assertBuilt(exampleRoot), assertBuilt(cliRoot)]);
});

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await rm(tmp, { recursive: true, force: true });
});

describe('mnist-cnn example through the CLI (reduced size)', () => {
  it('node dist/train.js registers mnist-cnn@champion; `mlflow-ts models serve -m models:/mnist-cnn@champion` answers /invocations', async () => {
    const trackingUri = path.join(tmp, 'mlruns');
    const train = start(
      [
        'dist/train.js',
        '--train-samples',
        '300',
        '--test-samples',
        '100',
        '--epochs',
        '1',
        '--tracking-uri',
        trackingUri,
        '--no-progress',
      ],
      {},
      exampleRoot,
    );
    running.push(train);
    const trained = await train.exited;
    expect(trained, train.out()).toEqual({ code: 0, signal: null });
    expect(train.out()).toContain('registered: mnist-cnn version 1, alias champion');
    expect(train.out()).toContain('npx mlflow-ts models serve -m models:/mnist-cnn@champion -p 5001');
    const examplePath = /-d @(\S+serving_input_example\.json)/.exec(train.out())?.[1];
    expect(examplePath, train.out()).toBeDefined();
    const body = await readFile(examplePath!, 'utf8');
    const rows = (JSON.parse(body) as { inputs: unknown[] }).inputs.length;
    expect(rows).toBeGreaterThan(0);

    const spawnedAt = performance.now();
    const serve = start(
      [cliBin, 'models', 'serve', '-m', 'models:/mnist-cnn@champion', '-p', '0'],
      { MLFLOW_TRACKING_URI: trackingUri },
      tmp,
    );
    running.push(serve);
    const url = await waitFor(
      'the serving URL',
      serve,
      () => /Serving 'model' \(models:\/mnist-cnn@champion\) at (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.out())?.[1],
    );
    await waitFor('/ping 200', serve, async () =>
      (await fetch(`${url}/ping`).catch(() => undefined))?.status === 200 ? true : undefined,
    );
    const pingMs = performance.now() - spawnedAt;

    const res = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const firstMs = performance.now() - spawnedAt;
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { predictions: Record<string, number[][]> };
    expect(Object.keys(answer.predictions)).toHaveLength(1); // {output name: array}, as MLflow's onnx flavor
    const predictions = Object.values(answer.predictions)[0]!;
    expect(predictions).toHaveLength(rows);
    for (const p of predictions) {
      expect(p).toHaveLength(10);
      for (const x of p) expect(x).toBeGreaterThanOrEqual(0);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    console.log(
      `models serve cold start (spawn → /ping 200): ${pingMs.toFixed(0)} ms; spawn → first /invocations 200: ${firstMs.toFixed(0)} ms`,
    );

    const stopAt = performance.now();
    serve.child.kill('SIGTERM');
    const stopped = await serve.exited;
    console.log(`models serve: SIGTERM to exit ${(performance.now() - stopAt).toFixed(0)} ms`);
    expect(stopped, serve.out()).toEqual({ code: 0, signal: null });
    expect(serve.out()).toMatch(/"POST \/invocations" 200/);
  }, 120_000);
});
