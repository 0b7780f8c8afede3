/**
 * get-history-bulk-interval over a 1M-point history: the server answers with MLflow's sampling
 * (≤ 2500 steps plus min/max). How long it takes is bench/store-service.bench.mjs's job.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers.js';

const POINTS = 1_000_000;
let s: TestServer;
let runId: string;

beforeAll(async () => {
  s = await startTestServer({ grpcPort: undefined });
  const exp = await s.tracking.createExperiment({ name: 'bulk-1m' });
  runId = (await s.tracking.createRun({ experiment_id: exp })).info.run_id;
  const t0 = Date.now();
  for (let start = 0; start < POINTS; start += 1000) {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: 'loss',
      value: 1 / (start + i + 1),
      timestamp: t0 + start + i,
      step: start + i,
    }));
    await s.tracking.logBatch(runId, { metrics });
  }
}, 120_000);
afterAll(async () => {
  await s?.close();
});

it('samples a 1M-point history over REST (the time it adds is measured in bench/, not here)', async () => {
  const url = `${s.baseUrl}/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&metric_key=loss&max_results=2500`;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { metrics: { step: number; run_id: string }[] };
  expect(body.metrics.length).toBeGreaterThanOrEqual(2500);
  expect(body.metrics.length).toBeLessThanOrEqual(2502);
  expect(body.metrics[0]?.step).toBe(0);
  expect(body.metrics.at(-1)?.step).toBe(POINTS - 1);
}, 60_000);
