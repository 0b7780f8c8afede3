/**
 * Big experiments re-check their files in the background (backgroundSweepMinRuns), a restored
 * snapshot included: what another mlflow-ts store wrote is seen at once (it bumps directory mtimes),
 * what a writer that bumps nothing changed after one sweep; a torn snapshot is ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';

const settle = () => new Promise((r) => setTimeout(r, 150)); // past the racy-mtime window

async function seeded(opts: { cacheDir: string | null }) {
  const base = tempDir();
  const root = path.join(base, 'mlruns');
  const cacheDir = opts.cacheDir === null ? null : path.join(base, opts.cacheDir);
  const a = createFsTrackingStore({ root, cacheDir, backgroundSweepMinRuns: 1 });
  const runs: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await a.createRun({ run_name: `r${i}` });
    await a.logBatch(r.info.run_id, {
      metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: String(i) }],
    });
    runs.push(r.info.run_id);
  }
  await settle();
  expect((await a.searchRuns({ experiment_ids: ['0'] })).items).toHaveLength(6);
  await a.close();
  return { root, cacheDir, runs, dir: (id: string) => path.join(root, '0', id) };
}

const latest = async (store: ReturnType<typeof createFsTrackingStore>, runId: string) =>
  (await store.searchRuns({ experiment_ids: ['0'], filter: `attributes.run_id = '${runId}'` })).items[0]?.data
    .metrics[0]?.value;

describe('background re-checks of big experiments', () => {
  it('trust a snapshot while the directory stamps hold, see other mlflow-ts stores at once and MLflow-style writes after a sweep', async () => {
    const s = await seeded({ cacheDir: 'cache' });
    expect(fs.readdirSync(s.cacheDir!).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    // Unchanged tree: the first search after the reopen stats a handful of paths, not every file
    // of every run (6 runs of ~10 files each: a deep check is over 60 stat calls).
    const stat = vi.spyOn(fs, 'statSync');
    const open = vi.spyOn(fs, 'openSync');
    const a = createFsTrackingStore({ root: s.root, cacheDir: s.cacheDir, backgroundSweepMinRuns: 1 });
    expect((await a.searchRuns({ experiment_ids: ['0'], order_by: ['metrics.m DESC'] })).items).toHaveLength(6);
    const calls = stat.mock.calls.length + open.mock.calls.length;
    stat.mockRestore();
    open.mockRestore();
    expect(calls).toBeLessThan(20);
    await a.close();

    // Behind its back: another mlflow-ts store (bumps the mtimes) and MLflow-style writes (bump nothing).
    const w = createFsTrackingStore({ root: s.root, cacheDir: null });
    await w.logMetric(s.runs[2]!, { key: 'm', value: 55, timestamp: 2, step: 1 });
    await w.close();
    fs.appendFileSync(path.join(s.dir(s.runs[0]!), 'metrics', 'm'), '2 100.0 1\n');
    fs.writeFileSync(path.join(s.dir(s.runs[1]!), 'params', 'p'), 'changed');
    const b = createFsTrackingStore({
      root: s.root,
      cacheDir: s.cacheDir,
      backgroundSweepMinRuns: 1,
      revalidateMs: 60_000,
    });
    // The experiment directory moved: each run directory is stat'ed, and only the run it changed is read.
    const stat2 = vi.spyOn(fs, 'statSync');
    expect(await latest(b, s.runs[2]!)).toBe(55);
    const calls2 = stat2.mock.calls.length;
    stat2.mockRestore();
    expect(calls2).toBeLessThan(35); // every file of every run: over 55
    // getRun checks its run deeply.
    expect((await b.getRun(s.runs[1]!)).data.params).toEqual([{ key: 'p', value: 'changed' }]);
    let seen: number | undefined;
    for (let i = 0; i < 100 && seen !== 100; i++) {
      seen = await latest(b, s.runs[0]!);
      if (seen !== 100) await new Promise((r) => setTimeout(r, 30));
    }
    expect(seen).toBe(100);
    const run1 = (await b.searchRuns({ experiment_ids: ['0'], filter: "params.p = 'changed'" })).items;
    expect(run1.map((r) => r.info.run_id)).toEqual([s.runs[1]]);
    await b.close();
  });

  it('verify a snapshot before the first answer when revalidateMs is 0', async () => {
    const s = await seeded({ cacheDir: 'cache' });
    fs.appendFileSync(path.join(s.dir(s.runs[0]!), 'metrics', 'm'), '2 100.0 1\n');
    const b = createFsTrackingStore({ root: s.root, cacheDir: s.cacheDir, backgroundSweepMinRuns: 1, revalidateMs: 0 });
    expect(await latest(b, s.runs[0]!)).toBe(100);
    await b.close();
  });

  it('see a change behind their back once a background sweep has passed', async () => {
    const s = await seeded({ cacheDir: null });
    const b = createFsTrackingStore({ root: s.root, cacheDir: null, backgroundSweepMinRuns: 1, revalidateMs: 20 });
    expect(await latest(b, s.runs[2]!)).toBe(2);
    fs.appendFileSync(path.join(s.dir(s.runs[2]!), 'metrics', 'm'), '2 42.5 1\n');
    let seen: number | undefined;
    for (let i = 0; i < 100 && seen !== 42.5; i++) {
      await new Promise((r) => setTimeout(r, 30));
      seen = await latest(b, s.runs[2]!);
    }
    expect(seen).toBe(42.5);
    // A run removed behind its back disappears the same way.
    fs.rmSync(s.dir(s.runs[3]!), { recursive: true });
    let count = 6;
    for (let i = 0; i < 100 && count !== 5; i++) {
      await new Promise((r) => setTimeout(r, 30));
      count = (await b.searchRuns({ experiment_ids: ['0'] })).items.length;
    }
    expect(count).toBe(5);
    await b.close();
  });

  it('ignore a torn snapshot (cut mid-write) and read the runs from their files', async () => {
    const s = await seeded({ cacheDir: 'cache' });
    for (const f of fs.readdirSync(s.cacheDir!)) {
      const file = path.join(s.cacheDir!, f);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    }
    fs.appendFileSync(path.join(s.dir(s.runs[4]!), 'metrics', 'm'), '2 7.0 1\n');
    const b = createFsTrackingStore({ root: s.root, cacheDir: s.cacheDir, backgroundSweepMinRuns: 1 });
    const page = await b.searchRuns({ experiment_ids: ['0'], order_by: ['metrics.m DESC'] });
    expect(page.items).toHaveLength(6);
    expect(page.items[0]!.info.run_id).toBe(s.runs[4]);
    expect(page.items[0]!.data.metrics[0]!.value).toBe(7);
    await b.close();
  });
});
