/** importRun / importExperiment on a real mlruns tree: ids, status and times kept; taken ids refused. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsTrackingStore, type FsTrackingStore } from '../index.js';

let dir: string;
let store: FsTrackingStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-import-'));
  store = createFsTrackingStore({ root: path.join(dir, 'mlruns'), cacheDir: null });
});
afterEach(async () => {
  await store.close?.();
  await rm(dir, { recursive: true, force: true });
});

describe('store-fs imports', () => {
  it('creates an experiment and a run with the ids and times given', async () => {
    const id = await store.importExperiment!({
      experiment_id: '123456',
      name: 'moved',
      tags: [{ key: 'a', value: 'b' }],
      creation_time: 1000,
      last_update_time: 2000,
    });
    expect(id).toBe('123456');
    const exp = await store.getExperiment('123456');
    expect(exp).toMatchObject({
      name: 'moved',
      creation_time: 1000,
      last_update_time: 2000,
      tags: [{ key: 'a', value: 'b' }],
      lifecycle_stage: 'active',
    });
    const runId = 'a'.repeat(32);
    const run = await store.importRun!({
      run_id: runId,
      experiment_id: id,
      run_name: 'old-run',
      user_id: 'ann',
      status: 'FINISHED',
      start_time: 10,
      end_time: 20,
      tags: [{ key: 't', value: 'v' }],
    });
    expect(run.info).toMatchObject({
      run_id: runId,
      run_name: 'old-run',
      status: 'FINISHED',
      start_time: 10,
      end_time: 20,
      user_id: 'ann',
    });
    expect(run.info.artifact_uri).toMatch(new RegExp(`/123456/${runId}/artifacts$`));
    expect(run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 't', value: 'v' },
        { key: 'mlflow.runName', value: 'old-run' },
      ]),
    );
    // MLflow's layout: meta.yaml with the status number.
    const meta = await readFile(path.join(dir, 'mlruns', id, runId, 'meta.yaml'), 'utf8');
    expect(meta).toContain('status: 3');
    // A fresh store (another process) reads it, and data can be logged to it.
    await store.logBatch(runId, { metrics: [{ key: 'm', value: Number.NaN, timestamp: 1, step: 2 }] });
    const other = createFsTrackingStore({ root: path.join(dir, 'mlruns'), cacheDir: null });
    expect((await other.getRun(runId)).info.end_time).toBe(20);
    expect((await other.getMetricHistory(runId, 'm')).items[0]?.value).toBeNaN();
    await other.close?.();
  });

  it('refuses taken ids and names and unsafe ids', async () => {
    const id = await store.importExperiment!({ experiment_id: '7', name: 'x' });
    await expect(store.importExperiment!({ experiment_id: '7', name: 'y' })).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
    await expect(store.importExperiment!({ experiment_id: '8', name: 'x' })).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
    await expect(store.importExperiment!({ experiment_id: '../evil', name: 'z' })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    const req = { run_id: 'b'.repeat(32), experiment_id: id, run_name: 'r', status: 'RUNNING' as const, start_time: 1 };
    await store.importRun!(req);
    await expect(store.importRun!(req)).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
    await expect(store.importRun!({ ...req, run_id: '../x' })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
    await expect(store.importRun!({ ...req, run_id: 'c'.repeat(32), experiment_id: '999' })).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });
});
