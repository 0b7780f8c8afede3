/**
 * Caches never hide other writers: a second store instance, MLflow-style in-place/append writes
 * (which bump no directory mtime), torn last lines, and corrupt or foreign files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';

describe('cache freshness and tolerance', () => {
  it('a second store instance sees writes by the first at once', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const a = createFsTrackingStore({ root });
    const b = createFsTrackingStore({ root, revalidateMs: 60_000 });
    const r1 = await a.createRun({});
    await a.logMetric(r1.info.run_id, { key: 'm', value: 1, timestamp: 1, step: 0 });
    expect((await b.searchRuns({ experiment_ids: ['0'], filter: 'metrics.m > 0' })).items).toHaveLength(1);
    // Warm caches in b, then change things through a: new metric point, new run, param, tag, status.
    await a.logMetric(r1.info.run_id, { key: 'm', value: -5, timestamp: 2, step: 1 });
    const r2 = await a.createRun({});
    await a.logParam(r2.info.run_id, { key: 'p', value: 'x' });
    await a.updateRun(r2.info.run_id, { status: 'FINISHED', end_time: 5 });
    await a.deleteRun(r1.info.run_id);
    const active = await b.searchRuns({ experiment_ids: ['0'] });
    expect(active.items.map((r) => r.info.run_id)).toEqual([r2.info.run_id]);
    expect(active.items[0]!.info.status).toBe('FINISHED');
    expect(active.items[0]!.data.params).toEqual([{ key: 'p', value: 'x' }]);
    const deleted = await b.searchRuns({ experiment_ids: ['0'], run_view_type: 'DELETED_ONLY' });
    expect(deleted.items[0]!.data.metrics).toEqual([{ key: 'm', value: -5, timestamp: 2, step: 1 }]);
  });

  it('writers that bump nothing (MLflow appending, rewriting in place) are seen by getRun at once and by search after revalidateMs', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, revalidateMs: 0 });
    const run = await store.createRun({});
    await store.logMetric(run.info.run_id, { key: 'm', value: 1, timestamp: 1, step: 0 });
    await store.setTag(run.info.run_id, { key: 't', value: 'old' });
    expect((await store.searchRuns({ experiment_ids: ['0'] })).items[0]!.data.tags).toContainEqual({
      key: 't',
      value: 'old',
    });
    const dir = path.join(root, '0', run.info.run_id);
    const dirTime = fs.statSync(dir).mtime;
    fs.appendFileSync(path.join(dir, 'metrics', 'm'), '2 3.5 7\n');
    fs.writeFileSync(path.join(dir, 'tags', 't'), 'new');
    fs.utimesSync(dir, dirTime, dirTime);
    const found = await store.searchRuns({ experiment_ids: ['0'], filter: 'metrics.m = 3.5' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]!.data.tags).toContainEqual({ key: 't', value: 'new' });
    expect((await store.getMetricHistory(run.info.run_id, 'm')).items.map((m) => m.value)).toEqual([1, 3.5]);
  });

  it('ignores a torn last metric line until it is completed', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const run = await store.createRun({});
    await store.logMetric(run.info.run_id, { key: 'm', value: 1, timestamp: 1, step: 0 });
    const file = path.join(root, '0', run.info.run_id, 'metrics', 'm');
    fs.appendFileSync(file, '2 9');
    expect((await store.getMetricHistory(run.info.run_id, 'm')).items).toHaveLength(1);
    expect((await store.getRun(run.info.run_id)).data.metrics[0]!.value).toBe(1);
    fs.appendFileSync(file, '9.0 3\n');
    expect((await store.getMetricHistory(run.info.run_id, 'm')).items.map((m) => m.value)).toEqual([1, 99]);
  });

  it('reports corrupt and foreign files and skips them', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const good = await store.createRun({});
    const bad = await store.createRun({});
    fs.writeFileSync(path.join(root, '0', bad.info.run_id, 'meta.yaml'), ': : [garbage\n\t{');
    fs.writeFileSync(path.join(root, '0', 'stray.txt'), 'hello');
    fs.mkdirSync(path.join(root, '0', 'not-a-run'));
    fs.mkdirSync(path.join(root, 'junk-experiment'));
    fs.writeFileSync(path.join(root, 'junk-experiment', 'meta.yaml'), '[1, 2');
    const page = await store.searchRuns({ experiment_ids: ['0'] });
    expect(page.items.map((r) => r.info.run_id)).toEqual([good.info.run_id]);
    expect((await store.searchExperiments({})).items.map((e) => e.experiment_id)).toEqual(['0']);
    expect(store.warnings.some((w) => w.includes(bad.info.run_id))).toBe(true);
    expect(store.warnings.some((w) => w.includes('junk-experiment'))).toBe(true);
    const count = warn.mock.calls.length;
    await store.searchRuns({ experiment_ids: ['0'] });
    expect(warn.mock.calls.length).toBe(count); // each problem is printed once
    warn.mockRestore();
  });
});
