/**
 * The history RPCs over the wire with the fast encoders: REST bytes equal the generic mapping of the
 * store's answer, gRPC answers decode to the store's points, and an append seen between two reads
 * of a cached series shows up in both.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers.js';
import { createGrpcStore } from '../index.js';
import { toMlflowJson } from '../protocol/json-codec.js';
import { lookupType } from '../protocol/proto-root.js';

let s: TestServer;
let runId: string;
const values = [0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 1 / 3];

beforeAll(async () => {
  s = await startTestServer({ store: 'fs' });
  const exp = await s.tracking.createExperiment({ name: 'history-wire' });
  runId = (await s.tracking.createRun({ experiment_id: exp })).info.run_id;
  const metrics = Array.from({ length: 500 }, (_, i) => ({
    key: 'loss/a b:c',
    value: values[i % values.length]!,
    timestamp: 1700000000000 + i,
    step: i,
  }));
  await s.tracking.logBatch(runId, { metrics });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const generic = (rpc: string, res: object) => JSON.stringify(toMlflowJson(lookupType(`${rpc}.Response`), res));
const historyUrl = (extra = '') =>
  `${s.baseUrl}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${encodeURIComponent('loss/a b:c')}${extra}`;

it("answers get-history over REST with the generic mapping's exact bytes, before and after an append", async () => {
  for (let round = 0; round < 3; round++) {
    if (round === 2)
      await s.tracking.logMetric(runId, { key: 'loss/a b:c', value: 42, timestamp: 1800000000000, step: 999 });
    const page = await s.tracking.getMetricHistory(runId, 'loss/a b:c');
    const text = await (await fetch(historyUrl())).text();
    expect(text).toBe(generic('GetMetricHistory', { metrics: page.items }));
    expect(text).toContain('"value":"NaN"');
    expect(text).toContain('"value":"-Infinity"');
  }
  const paged = await s.tracking.getMetricHistory(runId, 'loss/a b:c', { max_results: 100 });
  expect(await (await fetch(historyUrl('&max_results=100'))).text()).toBe(
    generic('GetMetricHistory', { metrics: paged.items, next_page_token: paged.next_page_token }),
  );
  expect(paged.next_page_token).toBeTruthy();
});

it("answers get-history-bulk-interval over REST with the generic mapping's exact bytes", async () => {
  const url = `${s.baseUrl}/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&metric_key=${encodeURIComponent('loss/a b:c')}&max_results=50`;
  const text = await (await fetch(url)).text();
  const metrics = await s.tracking.getMetricHistoryBulkInterval!({
    run_ids: [runId],
    metric_key: 'loss/a b:c',
    max_results: 50,
  });
  expect(text).toBe(generic('GetMetricHistoryBulkInterval', { metrics }));
});

it("answers get-history over gRPC with the store's points, NaN and infinities included", async () => {
  const client = createGrpcStore({ address: s.grpcAddress });
  try {
    for (let round = 0; round < 2; round++) {
      const want = (await s.tracking.getMetricHistory(runId, 'loss/a b:c')).items;
      const got = (await client.tracking.getMetricHistory(runId, 'loss/a b:c')).items;
      expect(got).toEqual(want);
    }
    await s.tracking.logMetric(runId, { key: 'loss/a b:c', value: 7, timestamp: 1900000000000, step: 1000 });
    const got = (await client.tracking.getMetricHistory(runId, 'loss/a b:c')).items;
    expect(got.at(-1)).toMatchObject({ value: 7, step: 1000 });
    expect(got).toEqual((await s.tracking.getMetricHistory(runId, 'loss/a b:c')).items);
    const page = await client.tracking.getMetricHistory(runId, 'loss/a b:c', { max_results: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.next_page_token).toBeTruthy();
  } finally {
    await client.close();
  }
});
