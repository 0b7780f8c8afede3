/**
 * Issue 12 item 10: memory is bounded and long file reads leave the event loop free. Searches keep
 * only each series' latest point; full histories are held for the most recently read series up to a
 * budget of points (LRU), and a long history is read off the event loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../src/index.js';
import { MAX_LOADED_POINTS, loadedPoints, setLoadedPointsBudget } from '../src/tracking/metric-file.js';
import { tempDir } from './temp-store.js';

afterEach(() => setLoadedPointsBudget(MAX_LOADED_POINTS));

function metricFile(lines: number): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `${1700000000000 + i} ${i}.5 ${i}\n`;
  return text;
}

describe('bounded caches, reads off the event loop', () => {
  it('searching runs keeps no metric points; reading histories keeps at most the budget', async () => {
    setLoadedPointsBudget(1000);
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const ids: string[] = [];
    for (let r = 0; r < 5; r++) {
      const { info } = await store.createRun({});
      ids.push(info.run_id);
      fs.mkdirSync(path.join(root, '0', info.run_id, 'metrics'));
      fs.writeFileSync(path.join(root, '0', info.run_id, 'metrics', 'loss'), metricFile(400));
    }
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    const page = await fresh.searchRuns({ experiment_ids: ['0'], order_by: ['metrics.loss DESC'] });
    expect(page.items).toHaveLength(5);
    expect(page.items[0]!.data.metrics[0]).toMatchObject({ step: 399, value: 399.5 });
    expect(loadedPoints()).toBe(0);
    for (const id of ids) expect((await fresh.getMetricHistory(id, 'loss')).items).toHaveLength(400);
    expect(loadedPoints()).toBeLessThanOrEqual(1000);
    expect(loadedPoints()).toBeGreaterThan(0);
    // Evicted series read their file again, whole and right.
    const again = (await fresh.getMetricHistory(ids[0]!, 'loss')).items;
    expect(again).toHaveLength(400);
    expect(again[399]).toMatchObject({ timestamp: 1700000000399, value: 399.5, step: 399 });
  });

  it('a long metric history is read while other work runs on the event loop', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const { info } = await store.createRun({});
    fs.mkdirSync(path.join(root, '0', info.run_id, 'metrics'));
    fs.writeFileSync(path.join(root, '0', info.run_id, 'metrics', 'big'), metricFile(100_000));
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    await fresh.searchExperiments();
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const got = await fresh.getMetricHistory(info.run_id, 'big');
    expect(got.items).toHaveLength(100_000);
    // Synchronous reads would have resolved before the event loop turned once.
    expect(turned).toBe(true);
  });

  it('a cold get-run of a run with many params reads its files on a worker thread', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const { info } = await store.createRun({});
    const params = path.join(root, '0', info.run_id, 'params');
    fs.mkdirSync(params);
    for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(params, `p${i}`), String(i));
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    await fresh.searchExperiments();
    let turned = false;
    setImmediate(() => {
      turned = true;
    });
    const run = await fresh.getRun(info.run_id);
    expect(run.data.params).toHaveLength(2000);
    expect(turned).toBe(true);
  });
});
