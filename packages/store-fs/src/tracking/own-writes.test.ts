/**
 * A search after this store's own writes reads only the runs it wrote (the experiment directory's
 * mtime bump is known to be ours), while a write by another store instance is still seen at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';

const RUNS = 20;

async function seeded() {
  const root = path.join(tempDir(), 'mlruns');
  const a = createFsTrackingStore({ root, cacheDir: null, revalidateMs: 60_000 });
  const runs: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await a.createRun({ run_name: `r${i}` });
    await a.logMetric(r.info.run_id, { key: 'm', value: i, timestamp: 1, step: 0 });
    runs.push(r.info.run_id);
  }
  expect((await a.searchRuns({ experiment_ids: ['0'], max_results: 1000 })).items).toHaveLength(RUNS);
  return { root, a, runs, expDir: path.join(root, '0') };
}

/** Calls of readdirSync on the experiment directory and of statSync on its run directories. */
function countListing(expDir: string, runs: string[]) {
  const runDirs = new Set(runs.map((id) => path.join(expDir, id)));
  const readdir = vi.spyOn(fs, 'readdirSync');
  const stat = vi.spyOn(fs, 'statSync');
  return {
    done() {
      const lists = readdir.mock.calls.filter(([p]) => String(p) === expDir).length;
      const runStats = stat.mock.calls.filter(([p]) => runDirs.has(String(p))).length;
      readdir.mockRestore();
      stat.mockRestore();
      return { lists, runStats };
    },
  };
}

const metricOf = async (store: ReturnType<typeof createFsTrackingStore>, runId: string) =>
  (await store.searchRuns({ experiment_ids: ['0'], filter: `attributes.run_id = '${runId}'` })).items[0]?.data
    .metrics[0]?.value;

describe("a search after the store's own writes", () => {
  it('does not list the experiment directory again nor stat every run', async () => {
    const { a, runs, expDir } = await seeded();
    for (let round = 0; round < 3; round++) {
      await a.logMetric(runs[3]!, { key: 'm', value: 100 + round, timestamp: 2, step: 1 + round });
      await a.setTag(runs[5]!, { key: 't', value: String(round) });
      const count = countListing(expDir, runs);
      const page = await a.searchRuns({ experiment_ids: ['0'], order_by: ['metrics.m DESC'], max_results: 1000 });
      const { lists, runStats } = count.done();
      expect(page.items).toHaveLength(RUNS);
      expect(page.items[0]!.info.run_id).toBe(runs[3]);
      expect(page.items[0]!.data.metrics[0]!.value).toBe(100 + round);
      expect(page.items.find((r) => r.info.run_id === runs[5])!.data.tags).toContainEqual({
        key: 't',
        value: String(round),
      });
      expect(lists).toBe(0);
      expect(runStats).toBeLessThanOrEqual(2); // the two runs written; every run would be RUNS
    }
    // A run this store created is found without a re-list too.
    const r = await a.createRun({ run_name: 'new' });
    await a.logMetric(r.info.run_id, { key: 'm', value: 1000, timestamp: 1, step: 0 });
    const first = await a.searchRuns({ experiment_ids: ['0'], order_by: ['metrics.m DESC'], max_results: 1000 });
    expect(first.items).toHaveLength(RUNS + 1);
    expect(first.items[0]!.info.run_id).toBe(r.info.run_id);
    await a.close();
  });

  it('still sees at once what another store instance wrote, before, between or after its own writes', async () => {
    const { root, a, runs } = await seeded();
    const b = createFsTrackingStore({ root, cacheDir: null, revalidateMs: 60_000 });
    // Other store only.
    await b.logMetric(runs[1]!, { key: 'm', value: 501, timestamp: 3, step: 1 });
    expect(await metricOf(a, runs[1]!)).toBe(501);
    // Ours, then theirs (no search between): their bump replaces ours.
    await a.logMetric(runs[2]!, { key: 'm', value: 602, timestamp: 3, step: 1 });
    await b.logMetric(runs[4]!, { key: 'm', value: 604, timestamp: 3, step: 1 });
    expect(await metricOf(a, runs[4]!)).toBe(604);
    expect(await metricOf(a, runs[2]!)).toBe(602);
    // Theirs, then ours: our bump hides theirs from the mtime, but not from us.
    await b.logMetric(runs[6]!, { key: 'm', value: 706, timestamp: 4, step: 2 });
    await a.logMetric(runs[7]!, { key: 'm', value: 707, timestamp: 4, step: 2 });
    expect(await metricOf(a, runs[6]!)).toBe(706);
    expect(await metricOf(a, runs[7]!)).toBe(707);
    // Within one millisecond of each other, in both orders, and a run the other store created.
    for (let i = 0; i < 20; i++) {
      await a.logMetric(runs[8]!, { key: 'm', value: 800 + i, timestamp: 5 + i, step: 3 + i });
      await b.logMetric(runs[9]!, { key: 'm', value: 900 + i, timestamp: 5 + i, step: 3 + i });
      await a.logMetric(runs[10]!, { key: 'm', value: 1000 + i, timestamp: 5 + i, step: 3 + i });
      expect(await metricOf(a, runs[9]!)).toBe(900 + i);
      expect(await metricOf(a, runs[8]!)).toBe(800 + i);
    }
    const created = await b.createRun({ run_name: 'theirs' });
    await a.logMetric(runs[11]!, { key: 'm', value: 1111, timestamp: 9, step: 9 });
    const all = await a.searchRuns({ experiment_ids: ['0'], max_results: 1000 });
    expect(all.items.map((r) => r.info.run_id)).toContain(created.info.run_id);
    await a.close();
    await b.close();
  });
});
