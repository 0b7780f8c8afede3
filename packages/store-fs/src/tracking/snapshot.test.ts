/** Reopening from a run-cache snapshot is fast but never stale: every entry is re-verified. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';

const settle = () => new Promise((r) => setTimeout(r, 150)); // past the racy-mtime window

describe('run-cache snapshots', () => {
  it('are written on close and verified against the files on reopen', async () => {
    const base = tempDir();
    const root = path.join(base, 'mlruns');
    const cacheDir = path.join(base, 'cache');
    const a = createFsTrackingStore({ root, cacheDir });
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const r = await a.createRun({ run_name: `r${i}` });
      await a.logBatch(r.info.run_id, {
        metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }],
        params: [{ key: 'p', value: String(i) }],
        tags: [{ key: 't', value: 'x' }],
      });
      runs.push(r.info.run_id);
    }
    await settle();
    expect((await a.searchRuns({ experiment_ids: ['0'] })).items).toHaveLength(5);
    await a.close();
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    // Change the tree behind the snapshot's back, the way MLflow would (no mtime bumps).
    const dir = (id: string) => path.join(root, '0', id);
    fs.appendFileSync(path.join(dir(runs[0]!), 'metrics', 'm'), '2 100.0 1\n');
    fs.writeFileSync(path.join(dir(runs[1]!), 'tags', 't'), 'changed');
    fs.rmSync(dir(runs[2]!), { recursive: true });
    const meta = path.join(dir(runs[3]!), 'meta.yaml');
    fs.writeFileSync(
      meta,
      fs.readFileSync(meta, 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted'),
    );

    const b = createFsTrackingStore({ root, cacheDir });
    const page = await b.searchRuns({ experiment_ids: ['0'], order_by: ['metrics.m DESC'] });
    expect(page.items.map((r) => r.info.run_id)).toEqual([runs[0], runs[4], runs[1]]);
    expect(page.items[0]!.data.metrics).toEqual([{ key: 'm', value: 100, timestamp: 2, step: 1 }]);
    expect(page.items[2]!.data.tags).toContainEqual({ key: 't', value: 'changed' });
    // History after a snapshot restore reads every point, not just the latest one.
    expect((await b.getMetricHistory(runs[0]!, 'm')).items.map((m) => m.value)).toEqual([0, 100]);
    await b.close();
  });

  it('ignores a corrupt snapshot file', async () => {
    const base = tempDir();
    const root = path.join(base, 'mlruns');
    const cacheDir = path.join(base, 'cache');
    const a = createFsTrackingStore({ root, cacheDir });
    await a.createRun({});
    await settle();
    await a.searchRuns({ experiment_ids: ['0'] });
    await a.close();
    for (const f of fs.readdirSync(cacheDir)) fs.writeFileSync(path.join(cacheDir, f), '{"version":1,"experimentDir":');
    const b = createFsTrackingStore({ root, cacheDir });
    expect((await b.searchRuns({ experiment_ids: ['0'] })).items).toHaveLength(1);
    await b.close();
  });

  it('see inputs added after the snapshot or the parallel first read (the run dir mtime moves)', async () => {
    const base = tempDir();
    const root = path.join(base, 'mlruns');
    const cacheDir = path.join(base, 'cache');
    const a = createFsTrackingStore({ root, cacheDir });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.createRun({})).info.run_id);
    await settle();
    await a.searchRuns({ experiment_ids: ['0'] });
    await a.close();
    const input = (name: string) => ({ dataset: { name, digest: 'd1', source_type: 'local', source: '{}' }, tags: [] });
    const inputsOf = async (s: ReturnType<typeof createFsTrackingStore>, id: string) =>
      (await s.searchRuns({ experiment_ids: ['0'] })).items
        .find((r) => r.info.run_id === id)!
        .inputs.dataset_inputs.map((d) => d.dataset.name);

    const w = createFsTrackingStore({ root, cacheDir: null });
    await w.logInputs(ids[0]!, { datasets: [input('after-snapshot')] });
    const b = createFsTrackingStore({ root, cacheDir, revalidateMs: 0 });
    expect(await inputsOf(b, ids[0]!)).toEqual(['after-snapshot']);
    expect(await inputsOf(b, ids[1]!)).toEqual([]);

    const c = createFsTrackingStore({ root, cacheDir: null, parallelReadMinRuns: 1, revalidateMs: 0 });
    expect(await inputsOf(c, ids[1]!)).toEqual([]);
    await settle();
    await w.logInputs(ids[1]!, { datasets: [input('after-first-read')] });
    expect(await inputsOf(c, ids[1]!)).toEqual(['after-first-read']);
    expect(await inputsOf(b, ids[1]!)).toEqual(['after-first-read']);
    for (const s of [w, b, c]) await s.close();
  });

  it('keep non-finite latest metric values across a reopen', async () => {
    const base = tempDir();
    const root = path.join(base, 'mlruns');
    const cacheDir = path.join(base, 'cache');
    const a = createFsTrackingStore({ root, cacheDir });
    const id = (await a.createRun({})).info.run_id;
    await a.logBatch(id, {
      metrics: [
        { key: 'n', value: NaN, timestamp: 1, step: 0 },
        { key: 'i', value: -Infinity, timestamp: 1, step: 0 },
      ],
    });
    await settle();
    const before = (await a.searchRuns({ experiment_ids: ['0'] })).items[0]!.data.metrics;
    await a.close();
    expect(fs.readFileSync(path.join(cacheDir, fs.readdirSync(cacheDir)[0]!), 'utf8')).toContain('"NaN"');
    const b = createFsTrackingStore({ root, cacheDir });
    const after = (await b.searchRuns({ experiment_ids: ['0'] })).items[0]!.data.metrics;
    expect(after).toEqual(before);
    expect(after.map((m) => m.value)).toEqual([-Infinity, NaN]);
    await b.close();
  });
});
