import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowError, type TrackingStore } from '@mlflow-ts/format';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { FluentSession } from './fluent-session.js';
import { createStoreRegistry, fileStoreFactory } from './store-registry.js';

let root: string;
let store: TrackingStore;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-fluent-'));
  store = createFsTrackingStore({ root: path.join(root, 'mlruns') });
});

afterEach(async () => {
  await store.close?.();
  await rm(root, { recursive: true, force: true });
});

/** Forwards every call to `store` (bound, so stores with private fields work), counting some. */
function countingStore(store: TrackingStore, spies: Partial<Record<keyof TrackingStore, () => void>>): TrackingStore {
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof value !== 'function') return value;
      const spy = spies[key as keyof TrackingStore];
      return (...args: unknown[]) => {
        spy?.();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function session(env: Record<string, string> = {}): FluentSession {
  const s = new FluentSession(env);
  s.setTrackingUri(path.join(root, 'mlruns'));
  return s;
}

const tagsOf = (run: { data: { tags: { key: string; value: string }[] } }) =>
  Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));

describe('fluent runs on a real mlruns directory', () => {
  it('logs a nested run with params, metrics, tags and an artifact, readable through the store', async () => {
    const s = session();
    const experiment = await s.setExperiment('fluent-exp');
    const local = path.join(root, 'notes.txt');
    await writeFile(local, 'hello artifact');

    let parentId = '';
    let childId = '';
    await s.withRun({ runName: 'parent', tags: { team: 'ml' } }, async (parent) => {
      parentId = parent.runId;
      await s.logParams({ lr: 0.01, layers: 3 });
      await s.logMetric('loss', 0.5, { step: 1 });
      await s.logMetric('loss', 0.25, { step: 2 });
      await s.setTag('stage', 'dev');
      await s.logArtifact(local, 'docs');
      await s.logDict({ a: 1, b: [1, 2] }, 'config.json');
      await s.logText('plain text', 'texts/t.txt');
      await s.withRun({ runName: 'child', nested: true }, async (child) => {
        childId = child.runId;
        expect(s.activeRun()?.runId).toBe(childId);
        await s.logMetrics({ acc: 0.9, f1: 0.8 }, { step: 5 });
      });
      expect(s.activeRun()?.runId).toBe(parentId);
    });
    expect(s.activeRun()).toBeUndefined();

    const parent = await store.getRun(parentId);
    expect(parent.info.experiment_id).toBe(experiment.experiment_id);
    expect(parent.info.run_name).toBe('parent');
    expect(parent.info.status).toBe('FINISHED');
    expect(parent.info.end_time).toBeGreaterThanOrEqual(parent.info.start_time);
    expect(Object.fromEntries(parent.data.params.map((p) => [p.key, p.value]))).toEqual({ lr: '0.01', layers: '3' });
    expect(parent.data.metrics).toEqual([expect.objectContaining({ key: 'loss', value: 0.25, step: 2 })]);
    const tags = tagsOf(parent);
    expect(tags).toMatchObject({
      team: 'ml',
      stage: 'dev',
      'mlflow.runName': 'parent',
      'mlflow.source.type': 'LOCAL',
      'mlflow.user': os.userInfo().username,
    });
    expect(tags['mlflow.source.name']).toBeTruthy();
    expect(tags['mlflow.parentRunId']).toBeUndefined();
    const history = await store.getMetricHistory(parentId, 'loss');
    expect(history.items.map((m) => [m.step, m.value])).toEqual([
      [1, 0.5],
      [2, 0.25],
    ]);

    const child = await store.getRun(childId);
    expect(tagsOf(child)['mlflow.parentRunId']).toBe(parentId);
    expect(child.info.experiment_id).toBe(experiment.experiment_id);
    expect(child.info.status).toBe('FINISHED');
    expect(child.data.metrics.map((m) => [m.key, m.value, m.step]).sort()).toEqual([
      ['acc', 0.9, 5],
      ['f1', 0.8, 5],
    ]);

    const artifactDir = fileURLToPath(parent.info.artifact_uri);
    expect(await readFile(path.join(artifactDir, 'docs', 'notes.txt'), 'utf8')).toBe('hello artifact');
    expect(JSON.parse(await readFile(path.join(artifactDir, 'config.json'), 'utf8'))).toEqual({ a: 1, b: [1, 2] });
    expect(await readFile(path.join(artifactDir, 'texts', 't.txt'), 'utf8')).toBe('plain text');
    expect((await s.lastActiveRun())?.info.run_id).toBe(parentId);
  });

  it('sends 10k metrics logged in a loop as batches, all present after endRun', async () => {
    let batches = 0;
    let singles = 0;
    const registry = createStoreRegistry({
      file: async (uri, env) => {
        const stores = await fileStoreFactory(uri, env);
        const tracking = stores.tracking;
        return {
          ...stores,
          tracking: countingStore(tracking, {
            logBatch: () => {
              batches++;
            },
            logMetric: () => {
              singles++;
            },
          }),
        };
      },
    });
    const s = session();
    s.setStoreRegistry(registry);
    const run = await s.startRun();
    for (let i = 0; i < 10_000; i++) await s.logMetric('x', i, { step: i });
    await s.endRun();
    const history = await store.getMetricHistory(run.runId, 'x');
    expect(history.items).toHaveLength(10_000);
    expect(history.items.map((m) => m.step)).toEqual([...Array(10_000).keys()]);
    expect(singles).toBe(0);
    expect(batches).toBeGreaterThanOrEqual(10);
    expect(batches).toBeLessThanOrEqual(20);
    expect((await store.getRun(run.runId)).info.status).toBe('FINISHED');
  });

  it('ends the run FAILED when the callback throws, and rethrows the same error', async () => {
    const s = session();
    const boom = new Error('training diverged');
    let runId = '';
    await expect(
      s.withRun({}, async (run) => {
        runId = run.runId;
        await s.logMetric('loss', NaN);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const run = await store.getRun(runId);
    expect(run.info.status).toBe('FAILED');
    expect(run.info.end_time).toBeDefined();
    expect(Number.isNaN(run.data.metrics[0]?.value)).toBe(true);
    expect(s.activeRun()).toBeUndefined();
  });

  it('refuses a second top-level run while one is active', async () => {
    const s = session();
    const first = await s.startRun();
    const err = await s.startRun().catch((e: unknown) => e);
    expect(MlflowError.isInstance(err) && err.message).toContain(first.runId);
    await first.end();
    expect((await store.getRun(first.runId)).info.status).toBe('FINISHED');
  });

  it('starts a run on first log call, in the Default experiment', async () => {
    const s = session();
    await s.logParam('p', 'v');
    const run = s.activeRun()!;
    expect(run.info.experiment_id).toBe('0');
    await s.endRun('KILLED');
    expect((await store.getRun(run.runId)).info.status).toBe('KILLED');
  });
});

describe('environment variables', () => {
  it('MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_NAME pick the store and create the experiment', async () => {
    const s = new FluentSession({ MLFLOW_TRACKING_URI: path.join(root, 'mlruns'), MLFLOW_EXPERIMENT_NAME: 'from-env' });
    expect(s.getTrackingUri()).toBe(path.join(root, 'mlruns'));
    const run = await s.startRun();
    await s.endRun();
    const experiment = await store.getExperimentByName('from-env');
    expect(experiment?.experiment_id).toBe(run.info.experiment_id);
  });

  it('MLFLOW_EXPERIMENT_ID must name an existing experiment', async () => {
    const id = await store.createExperiment({ name: 'by-id' });
    const ok = session({ MLFLOW_EXPERIMENT_ID: id });
    expect((await ok.startRun()).info.experiment_id).toBe(id);
    await ok.endRun();
    const bad = session({ MLFLOW_EXPERIMENT_ID: '424242' });
    await expect(bad.startRun()).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('MLFLOW_RUN_ID resumes that run once, then new runs are created', async () => {
    const created = await store.createRun({ experiment_id: '0', start_time: 1, tags: [] });
    await store.updateRun(created.info.run_id, { status: 'FAILED', end_time: 2 });
    const s = session({ MLFLOW_RUN_ID: created.info.run_id });
    const resumed = await s.startRun({ tags: { resumed: 'yes' } });
    expect(resumed.runId).toBe(created.info.run_id);
    expect(resumed.info.status).toBe('RUNNING');
    await s.logMetric('m', 1);
    await s.endRun();
    const after = await store.getRun(created.info.run_id);
    expect(after.info.status).toBe('FINISHED');
    expect(tagsOf(after).resumed).toBe('yes');
    const next = await s.startRun();
    expect(next.runId).not.toBe(created.info.run_id);
    await s.endRun();
  });

  it('passes MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN to the store factory as auth', async () => {
    const seen: unknown[] = [];
    const registry = createStoreRegistry({
      file: (uri, env) => {
        seen.push(env.auth);
        return fileStoreFactory(uri, env);
      },
    });
    const s = session({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' });
    s.setStoreRegistry(registry);
    await s.withRun({}, async () => undefined);
    expect(seen).toEqual([{ username: 'u', password: 'p', token: 't' }]);
  });
});
