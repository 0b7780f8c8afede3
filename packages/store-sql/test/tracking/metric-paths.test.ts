/**
 * The metric write and history paths (on PostgreSQL one statement each, src/tracking/pg-metrics.ts)
 * answer exactly what the in-memory reference store answers: awkward values and keys, duplicates,
 * pages, concurrent writers, a run that is missing or not active.
 */
import { describe, expect, it } from 'vitest';
import type { Metric, TrackingStore } from '@mlflow-ts/format';
import { createMemoryTrackingStore, expectMlflowError } from '@mlflow-ts/format/testing';
import { DIALECTS, suiteStore } from './stores.js';

const AWKWARD_VALUES = [-0, 0, NaN, Infinity, -Infinity, 5e-324, 1e300, -1.5, 0.1, 2 ** 53];
const KEYS = ['loss', 'a b', 'x/y:z', 'dots.and-dashes', '_9'];
const TIMESTAMPS = [0, 1, 1_700_000_000_000, 2 ** 53 - 1];
const STEPS = [0, -3, 7, 2 ** 40];

/** A deterministic batch mixing the values above, with repeats. */
function batch(seed: number, size: number): Metric[] {
  return Array.from({ length: size }, (_, i) => {
    const j = (i * 7 + seed * 13) % 97;
    return {
      key: KEYS[j % KEYS.length] as string,
      value: AWKWARD_VALUES[j % AWKWARD_VALUES.length] as number,
      timestamp: TIMESTAMPS[(j >> 1) % TIMESTAMPS.length] as number,
      step: STEPS[(j >> 2) % STEPS.length] as number,
    };
  });
}

/** Values compared with Object.is (so -0 and NaN count). */
const exactly = (ms: readonly Metric[]) =>
  ms.map((x) => ({ ...x, value: Object.is(x.value, -0) ? '-0' : Number.isNaN(x.value) ? 'NaN' : x.value }));

/**
 * Each key's points in log order, a point equal to one stored before left out (MLflow's primary key:
 * NaN is its own value, -0 equals 0). The in-memory store keeps repeats, so this is the expectation.
 */
function storedOnce(calls: readonly (readonly Metric[])[]) {
  const seen = new Set<string>();
  const out: Record<string, Metric[]> = Object.fromEntries(KEYS.map((k) => [k, []]));
  for (const m of calls.flat()) {
    const id = [m.key, Number.isNaN(m.value) ? 'NaN' : String(m.value), m.timestamp, m.step].join('|');
    if (seen.has(id)) continue;
    seen.add(id);
    out[m.key]?.push(m);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, exactly(v)]));
}

async function histories(store: TrackingStore, runId: string) {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) out[key] = exactly((await store.getMetricHistory(runId, key)).items);
  return out;
}

describe.each(DIALECTS)('metric batches and histories on %s equal the in-memory store', (dialect) => {
  const suite = suiteStore(dialect);
  const memory: TrackingStore = createMemoryTrackingStore();

  /** A run in each store, fed the same calls. */
  async function twoRuns() {
    const sqlExp = await suite().store.createExperiment({ name: `metric-paths-${Math.random()}` });
    const memExp = await memory.createExperiment({ name: `metric-paths-${Math.random()}` });
    const sqlRun = (await suite().store.createRun({ experiment_id: sqlExp })).info.run_id;
    const memRun = (await memory.createRun({ experiment_id: memExp })).info.run_id;
    return { sqlRun, memRun };
  }

  it('stores awkward values, keys, timestamps and steps exactly; repeats once; latest per MLflow', async () => {
    const { sqlRun, memRun } = await twoRuns();
    for (const seed of [1, 2, 1]) {
      await suite().store.logBatch(sqlRun, { metrics: batch(seed, 300) });
      await memory.logBatch(memRun, { metrics: batch(seed, 300) });
    }
    const last = [{ key: 'loss', value: -0, timestamp: 5, step: 2 ** 41 }];
    await suite().store.logMetric(sqlRun, last[0] as Metric);
    await memory.logMetric(memRun, last[0] as Metric);
    // SQLite keeps -0.0 in a REAL column as the integer 0 (so does MLflow's own store on SQLite).
    const asStored = (ms: readonly Metric[]) =>
      dialect === 'sqlite' ? ms.map((x) => (Object.is(x.value, -0) ? { ...x, value: 0 } : x)) : ms;
    expect(await histories(suite().store, sqlRun)).toEqual(
      storedOnce([batch(1, 300), batch(2, 300), batch(1, 300), last].map(asStored)),
    );
    const latest = async (store: TrackingStore, id: string) =>
      (await store.getRun(id)).data.metrics.sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(exactly(await latest(suite().store, sqlRun))).toEqual(exactly(asStored(await latest(memory, memRun))));
  });

  it('pages a history as the whole history sliced', async () => {
    const { sqlRun } = await twoRuns();
    const points = Array.from({ length: 25 }, (_, i) => ({
      key: 'loss',
      value: i / 3,
      timestamp: 100 - i,
      step: i % 4,
    }));
    await suite().store.logBatch(sqlRun, { metrics: points });
    const whole = (await suite().store.getMetricHistory(sqlRun, 'loss')).items;
    expect(whole).toEqual(points);
    const pages: Metric[] = [];
    let token: string | undefined;
    do {
      const page = await suite().store.getMetricHistory(sqlRun, 'loss', { max_results: 7, page_token: token });
      expect(page.items.length).toBeLessThanOrEqual(7);
      pages.push(...page.items);
      token = page.next_page_token;
    } while (token);
    expect(pages).toEqual(whole);
    expect((await suite().store.getMetricHistory(sqlRun, 'nothing-logged')).items).toEqual([]);
  });

  it('keeps latest_metrics right under eight concurrent writers on one run', async () => {
    const { sqlRun, memRun } = await twoRuns();
    const batches = Array.from({ length: 8 }, (_, w) =>
      Array.from({ length: 200 }, (_, i) => ({
        key: `m${i % 10}`,
        value: Math.sin(w * 200 + i),
        timestamp: 1000 + ((w * 31 + i) % 17),
        step: (w * 7 + i) % 5,
      })),
    );
    await Promise.all(batches.map((metrics) => suite().store.logBatch(sqlRun, { metrics })));
    for (const metrics of batches) await memory.logBatch(memRun, { metrics });
    const latest = async (store: TrackingStore, id: string) =>
      (await store.getRun(id)).data.metrics.sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(await latest(suite().store, sqlRun)).toEqual(await latest(memory, memRun));
  });

  it('refuses a batch to a run that is missing or not active, writing nothing', async () => {
    const { sqlRun } = await twoRuns();
    await suite().store.deleteRun(sqlRun);
    const metrics = batch(3, 20);
    const refused = await expectMlflowError(suite().store.logBatch(sqlRun, { metrics }), 'INVALID_PARAMETER_VALUE');
    expect(refused.message).toBe(`The run ${sqlRun} must be in the 'active' state. Current state is deleted.`);
    await expectMlflowError(suite().store.logMetric(sqlRun, metrics[0] as Metric), 'INVALID_PARAMETER_VALUE');
    await suite().store.restoreRun(sqlRun);
    expect(await histories(suite().store, sqlRun)).toEqual(Object.fromEntries(KEYS.map((k) => [k, []])));
    expect((await suite().store.getRun(sqlRun)).data.metrics).toEqual([]);
    for (const missing of ['0'.repeat(32), 'x'.repeat(33)]) {
      await expectMlflowError(suite().store.logBatch(missing, { metrics }), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(suite().store.getMetricHistory(missing, 'loss'), 'RESOURCE_DOES_NOT_EXIST');
    }
  });
});
