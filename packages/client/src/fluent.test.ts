import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import {
  activeRun,
  endRun,
  flush,
  getTrackingUri,
  lastActiveRun,
  logMetric,
  logParam,
  setExperiment,
  setFluentSession,
  setTag,
  setTrackingUri,
  startRun,
} from './fluent.js';
import { FluentSession } from './fluent-session.js';

let root: string;
let previous: FluentSession;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-fluent-mod-'));
  previous = setFluentSession(new FluentSession({}));
});

afterEach(async () => {
  await endRun();
  setFluentSession(previous);
  await rm(root, { recursive: true, force: true });
});

describe('module-level fluent API', () => {
  it('startRun with a callback runs inside the run and returns its result', async () => {
    setTrackingUri(path.join(root, 'mlruns'));
    expect(getTrackingUri()).toBe(path.join(root, 'mlruns'));
    await setExperiment('module-exp');
    const result = await startRun({ runName: 'cb' }, async (run) => {
      await logParam('alpha', 0.5);
      await setTag('k', 'v');
      await logMetric('m', 3, { step: 7, timestamp: 123 });
      await flush();
      expect(activeRun()?.runId).toBe(run.runId);
      return 42;
    });
    expect(result).toBe(42);
    expect(activeRun()).toBeUndefined();
    const last = await lastActiveRun();
    expect(last?.info.status).toBe('FINISHED');
    expect(last?.info.run_name).toBe('cb');

    const store = createFsTrackingStore({ root: path.join(root, 'mlruns') });
    const run = await store.getRun(last!.info.run_id);
    expect(run.data.metrics).toEqual([expect.objectContaining({ key: 'm', value: 3, step: 7, timestamp: 123 })]);
    expect(run.data.params).toEqual([{ key: 'alpha', value: '0.5' }]);
    await store.close?.();
  });
});
