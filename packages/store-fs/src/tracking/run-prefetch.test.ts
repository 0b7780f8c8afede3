/**
 * Opening a big store reads its runs on worker threads; what it returns must be exactly what the
 * serial reads return, and the caches it fills must still see later writes by others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { ExperimentEntry } from './experiment-entry.js';
import { tempDir } from '../../test/temp-store.js';

const EXP = '123456789012345678';

/** Runs written the way MLflow lays them out (nested keys, a deleted run, a torn metric line). */
function writeStore(root: string, runs: number): string[] {
  const expDir = path.join(root, EXP);
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  fs.mkdirSync(expDir, { recursive: true });
  fs.writeFileSync(
    path.join(expDir, 'meta.yaml'),
    `artifact_location: file://${expDir}\ncreation_time: 1\nexperiment_id: '${EXP}'\nlast_update_time: 1\nlifecycle_stage: active\nname: big\n`,
  );
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const id = `run${String(i).padStart(29, '0')}`;
    ids.push(id);
    const dir = path.join(expDir, id);
    for (const d of ['metrics/nested', 'params', 'tags/a']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    const stage = i % 50 === 7 ? 'deleted' : 'active';
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: file://${dir}/artifacts\nend_time: ${i % 2 ? 'null' : 2000 + i}\nentry_point_name: ''\nexperiment_id: '${EXP}'\nlifecycle_stage: ${stage}\nrun_id: ${id}\nrun_name: 'yes'\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${1000 + i}\nstatus: ${1 + (i % 5)}\ntags: []\nuser_id: u${i % 3}\n`,
    );
    fs.writeFileSync(path.join(dir, 'params', 'lr'), String(i / 1000));
    fs.writeFileSync(path.join(dir, 'params', 'opt'), i % 3 ? 'sgd' : 'adam');
    fs.writeFileSync(path.join(dir, 'tags', 'a', 'b'), `t${i}\n`);
    fs.writeFileSync(path.join(dir, 'metrics', 'loss'), `1 ${(i % 97) / 97} 0\n2 ${(i % 89) / 89} 1\n3 0.5 `);
    fs.writeFileSync(path.join(dir, 'metrics', 'nested', 'acc'), `5 nan 0\n6 ${i} 0 train abc\n`);
  }
  return ids;
}

describe('parallel first read of a big experiment', () => {
  it('reads every run on worker threads before the first sync', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const ids = writeStore(root, 300);
    const warnings: string[] = [];
    const entry = new ExperimentEntry(EXP, path.join(root, EXP));
    expect(await entry.prefetchRuns(301, (m) => warnings.push(m))).toBe(false);
    expect(await entry.prefetchRuns(300, (m) => warnings.push(m))).toBe(true);
    expect(entry.runs.size).toBe(300);
    const run = entry.runs.get(ids[10]!)!;
    expect(run.cold).toBe(false);
    expect(run.toRun().data.params).toEqual([
      { key: 'lr', value: '0.01' },
      { key: 'opt', value: 'sgd' },
    ]);
    const loss = run.metrics.get('loss')!;
    expect(loss.length).toBe(0); // a search keeps only the latest point of each series
    expect(loss.latestMetric()).toMatchObject({ timestamp: 2, step: 1 });
    expect(loss.load()).toBe(true);
    expect(loss.length).toBe(2); // the torn last line is not parsed
    expect(warnings).toEqual([]);
  });

  it('returns what serial reads return, then sees later writes', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const ids = writeStore(root, 600);
    const req = {
      experiment_ids: [EXP],
      filter: "params.opt = 'adam' and metrics.loss < 0.9",
      order_by: ['metrics.`nested/acc` DESC'],
      max_results: 1000,
      run_view_type: 'ALL' as const,
    };
    const parallel = createFsTrackingStore({ root, cacheDir: null, parallelReadMinRuns: 100 });
    const serial = createFsTrackingStore({ root, cacheDir: null, parallelReadMinRuns: Infinity });
    const got = await parallel.searchRuns(req);
    const want = await serial.searchRuns(req);
    expect(got.items.length).toBeGreaterThan(100);
    expect(got).toEqual(want);
    expect(await parallel.searchRuns({ experiment_ids: [EXP], max_results: 1000 })).toEqual(
      await serial.searchRuns({ experiment_ids: [EXP], max_results: 1000 }),
    );
    const run = got.items.find((r) => r.info.run_id === ids[3])!;
    expect(run.info).toMatchObject({
      run_name: 'yes',
      status: 'FAILED',
      start_time: 1003,
      user_id: 'u0',
      experiment_id: EXP,
    });
    expect(run.info.end_time).toBeUndefined();
    expect(run.data.tags).toEqual([{ key: 'a/b', value: 't3\n' }]);
    expect(run.data.metrics).toEqual([
      { key: 'loss', value: 3 / 89, timestamp: 2, step: 1 },
      { key: 'nested/acc', value: 3, timestamp: 6, step: 0, dataset_name: 'train', dataset_digest: 'abc' },
    ]);
    expect((await parallel.getMetricHistory(ids[3]!, 'loss')).items).toHaveLength(2);

    // Writes behind its back, MLflow style (no directory mtime bumps): seen once revalidateMs passed.
    const dir = path.join(root, EXP, ids[3]!);
    fs.appendFileSync(path.join(dir, 'metrics', 'loss'), '\n4 0.0 9\n');
    fs.writeFileSync(path.join(dir, 'params', 'opt'), 'sgd');
    const fresh = createFsTrackingStore({ root, cacheDir: null, parallelReadMinRuns: 100, revalidateMs: 0 });
    await fresh.searchRuns(req);
    fs.appendFileSync(path.join(dir, 'metrics', 'loss'), '5 0.25 10\n');
    const after = await fresh.searchRuns({ experiment_ids: [EXP], filter: `attributes.run_id = '${ids[3]}'` });
    expect(after.items[0]!.data.metrics[0]).toEqual({ key: 'loss', value: 0.25, timestamp: 5, step: 10 });
    expect(after.items[0]!.data.params).toContainEqual({ key: 'opt', value: 'sgd' });
    for (const s of [parallel, serial, fresh]) await s.close();
  });

  it('counts as a full sync, yet a run created right after it is found by the next search', async () => {
    const root = path.join(tempDir(), 'mlruns');
    writeStore(root, 120);
    const store = createFsTrackingStore({ root, cacheDir: null, parallelReadMinRuns: 100, revalidateMs: 60_000 });
    const req = { experiment_ids: [EXP], max_results: 1000, run_view_type: 'ALL' as const };
    expect((await store.searchRuns(req)).items).toHaveLength(120);
    const other = createFsTrackingStore({ root, cacheDir: null });
    const created = await other.createRun({ experiment_id: EXP });
    const ids = (await store.searchRuns(req)).items.map((r) => r.info.run_id);
    expect(ids).toHaveLength(121);
    expect(ids).toContain(created.info.run_id);
    for (const s of [store, other]) await s.close();
  });
});
