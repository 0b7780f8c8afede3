/** Conformance: metrics and their history, log-batch, log-inputs. */
import { describe, expect, it } from 'vitest';
import type { Metric } from '../entities.js';
import type { MetricWithRunId, TrackingStore } from '../tracking-store.js';
import { sampleMetricHistoryBulkInterval } from '../validation/index.js';
import { expectMlflowError, readAllPages, type SuiteContext } from './conformance-helpers.js';
import { newExperiment, paramsOf, randomRunId, tagsOf } from './tracking-runs-suite.js';

const m = (key: string, value: number, step: number, timestamp = 1000 + step): Metric => ({
  key,
  value,
  timestamp,
  step,
});
const strip = (x: Metric) => ({ key: x.key, value: x.value, step: x.step, timestamp: x.timestamp });

async function fullHistory(store: TrackingStore, runId: string, key: string): Promise<Metric[]> {
  return (await store.getMetricHistory(runId, key)).items.map(strip);
}

export function describeMetrics(ctx: SuiteContext<TrackingStore>): void {
  describe('metrics', () => {
    it('keeps the history in log order and reports the latest value per key', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-metrics') });
      const points = [m('loss', 3, 2), m('loss', 1, 0), m('loss', 2, 1), m('acc', 0.5, 0)];
      for (const p of points) await store.logMetric(info.run_id, p);
      expect(await fullHistory(store, info.run_id, 'loss')).toEqual(points.slice(0, 3));
      const latest = Object.fromEntries((await store.getRun(info.run_id)).data.metrics.map((x) => [x.key, strip(x)]));
      expect(latest).toEqual({ loss: m('loss', 3, 2), acc: m('acc', 0.5, 0) });
      expect((await store.getMetricHistory(info.run_id, 'never-logged')).items).toEqual([]);
      await expectMlflowError(store.getMetricHistory(randomRunId(), 'loss'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('picks the latest value by step, then timestamp, then value', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-metrics') });
      await store.logMetric(info.run_id, m('a', 10, 5, 100));
      await store.logMetric(info.run_id, m('a', 20, 5, 200));
      await store.logMetric(info.run_id, m('a', 30, 4, 900));
      await store.logMetric(info.run_id, m('b', 1, 0, 100));
      await store.logMetric(info.run_id, m('b', 7, 0, 100));
      await store.logMetric(info.run_id, m('b', 3, 0, 100));
      const latest = Object.fromEntries((await store.getRun(info.run_id)).data.metrics.map((x) => [x.key, x.value]));
      expect(latest).toEqual({ a: 20, b: 7 });
    });

    it('preserves NaN and infinite values', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-metrics') });
      await store.logMetric(info.run_id, m('odd', NaN, 0));
      await store.logMetric(info.run_id, m('odd', Infinity, 1));
      await store.logMetric(info.run_id, m('odd', -Infinity, 2));
      await store.logMetric(info.run_id, m('tiny', 1e-300, 0));
      const values = (await fullHistory(store, info.run_id, 'odd')).map((x) => x.value);
      expect(values).toEqual([NaN, Infinity, -Infinity]);
      const latest = Object.fromEntries((await store.getRun(info.run_id)).data.metrics.map((x) => [x.key, x.value]));
      expect(latest).toEqual({ odd: -Infinity, tiny: 1e-300 });
    });

    it('pages through a metric history', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-metrics') });
      const points = Array.from({ length: 7 }, (_, i) => m('p', i * 1.5, i));
      await store.logBatch(info.run_id, { metrics: points });
      const paged = await readAllPages(async (page_token) => {
        const page = await store.getMetricHistory(info.run_id, 'p', { max_results: 3, page_token });
        expect(page.items.length).toBeLessThanOrEqual(3);
        return page;
      });
      expect(paged.pages).toBe(3);
      expect(paged.items.map(strip)).toEqual(points);
    });

    it('rejects invalid metrics', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-metrics') });
      await expectMlflowError(store.logMetric(info.run_id, m('bad key!', 1, 0)), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.logMetric(info.run_id, m('ok', 1, 0, -5)), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.logMetric(randomRunId(), m('ok', 1, 0)), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('samples histories like get-history-bulk-interval', async () => {
      const store = ctx.get();
      const exp = await newExperiment(store, 'conf-metrics');
      const a = (await store.createRun({ experiment_id: exp })).info.run_id;
      const b = (await store.createRun({ experiment_id: exp })).info.run_id;
      await store.logBatch(a, { metrics: Array.from({ length: 50 }, (_, i) => m('loss', i, i)) });
      await store.logBatch(b, { metrics: Array.from({ length: 50 }, (_, i) => m('loss', -i, i + 50)) });
      const req = { run_ids: [a, b], metric_key: 'loss', max_results: 10 };
      const expected = sampleMetricHistoryBulkInterval(
        [
          { run_id: a, history: await fullHistory(store, a, 'loss') },
          { run_id: b, history: await fullHistory(store, b, 'loss') },
        ],
        req,
      );
      const got: MetricWithRunId[] = store.getMetricHistoryBulkInterval
        ? await store.getMetricHistoryBulkInterval(req)
        : expected;
      expect(got.map((x) => [x.run_id, x.step, x.value])).toEqual(expected.map((x) => [x.run_id, x.step, x.value]));
      expect(got.filter((x) => x.run_id === a).map((x) => x.step)).toEqual([0, 10, 20, 30, 40, 49]);
    });
  });

  describe('log-batch', () => {
    it('logs params, metrics and tags together', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-batch') });
      await store.logBatch(info.run_id, {
        params: [
          { key: 'p1', value: 'a' },
          { key: 'p2', value: 'b' },
        ],
        metrics: [m('x', 1, 0), m('x', 2, 1), m('y', 5, 0)],
        tags: [
          { key: 't', value: 'v' },
          { key: 'mlflow.runName', value: 'batch-named' },
        ],
      });
      const run = await store.getRun(info.run_id);
      expect(paramsOf(run)).toEqual({ p1: 'a', p2: 'b' });
      expect(tagsOf(run)).toMatchObject({ t: 'v', 'mlflow.runName': 'batch-named' });
      expect(run.info.run_name).toBe('batch-named');
      expect(Object.fromEntries(run.data.metrics.map((x) => [x.key, x.value]))).toEqual({ x: 2, y: 5 });
      expect(await fullHistory(store, info.run_id, 'x')).toEqual([m('x', 1, 0), m('x', 2, 1)]);
    });

    it('accepts a batch at the limits and rejects one over them', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-batch') });
      await store.logBatch(info.run_id, { metrics: Array.from({ length: 1000 }, (_, i) => m('many', i, i)) });
      expect((await store.getMetricHistory(info.run_id, 'many')).items).toHaveLength(1000);
      const over = await expectMlflowError(
        store.logBatch(info.run_id, { metrics: Array.from({ length: 1001 }, (_, i) => m('over', i, i)) }),
        'INVALID_PARAMETER_VALUE',
      );
      expect(over.message).toContain('A batch logging request can contain at most 1000 metrics');
      await expectMlflowError(
        store.logBatch(info.run_id, { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(
        store.logBatch(info.run_id, { tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })) }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(
        store.logBatch(info.run_id, {
          params: [
            { key: 'd', value: '1' },
            { key: 'd', value: '2' },
          ],
        }),
        'INVALID_PARAMETER_VALUE',
      );
      expect((await store.getMetricHistory(info.run_id, 'over')).items).toEqual([]);
      expect(paramsOf(await store.getRun(info.run_id))).toEqual({});
    });

    it('refuses to change a logged param through a batch', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-batch') });
      await store.logParam(info.run_id, { key: 'lr', value: '0.1' });
      await store.logBatch(info.run_id, { params: [{ key: 'lr', value: '0.1' }] });
      await expectMlflowError(
        store.logBatch(info.run_id, { params: [{ key: 'lr', value: '0.9' }] }),
        'INVALID_PARAMETER_VALUE',
      );
      expect(paramsOf(await store.getRun(info.run_id))).toEqual({ lr: '0.1' });
      await expectMlflowError(
        store.logBatch(info.run_id, { metrics: [{ ...m('bad', 1, 0), value: 'x' as never }] }),
        'INVALID_PARAMETER_VALUE',
      );
    });
  });

  describe('log-inputs', () => {
    it('records dataset inputs on the run', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store, 'conf-inputs') });
      const dataset = {
        name: 'wine',
        digest: 'a1b2c3d4',
        source_type: 'local',
        source: '{"uri": "/data/wine.csv"}',
        schema: '{"mlflow_colspec": []}',
        profile: '{"num_rows": 10}',
      };
      const input = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset };
      await store.logInputs(info.run_id, { datasets: [input] });
      await store.logInputs(info.run_id, { datasets: [input] });
      const other = { tags: [], dataset: { ...dataset, name: 'wine-eval', digest: 'ffff0000' } };
      await store.logInputs(info.run_id, { datasets: [other] });
      const inputs = (await store.getRun(info.run_id)).inputs.dataset_inputs;
      expect(inputs).toHaveLength(2);
      const wine = inputs.find((d) => d.dataset.name === 'wine');
      expect(wine?.dataset).toEqual(dataset);
      expect(wine?.tags).toEqual([{ key: 'mlflow.data.context', value: 'training' }]);
      await expectMlflowError(
        store.logInputs(info.run_id, { datasets: [{ tags: [], dataset: { ...dataset, digest: 'd'.repeat(37) } }] }),
        'INVALID_PARAMETER_VALUE',
      );
    });
  });
}
