/**
 * search_logged_models and search_traces in SQL answer exactly what the in-memory reference searches
 * (`searchLoggedModelsInMemory`, `searchTracesInMemory`) answer over the same entities, for many
 * filters and orders, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchLoggedModelsInMemory, searchTracesInMemory } from '@mlflow-ts/format';
import type { LoggedModel, LoggedModelOrderBy, TraceInfo } from '@mlflow-ts/format';
import { openStore, type OpenedStore } from './tracking/stores.js';

const MODEL_FILTERS = [
  undefined,
  "name = 'm3'",
  "name != 'm3'",
  "name LIKE 'm1%'",
  "name ILIKE 'M_'",
  "name IN ('m1', 'm4', 'nope')",
  "name NOT IN ('m1')",
  "params.alpha = '0.1'",
  "params.alpha != '0.1'",
  "params.alpha LIKE '0.%'",
  'params.alpha IS NULL',
  "tags.env = 'prod'",
  "tags.env = 'prod' AND params.alpha = '0.2'",
  "tags.env = 'prod' OR params.alpha = '0.1'",
  "NOT tags.env = 'prod'",
  'metrics.acc > 0.5',
  'metrics.acc <= 0.3',
  'metrics.acc != 0.4',
  'metrics.loss < 2',
  'metrics.acc BETWEEN 0.2 AND 0.6',
  "status = 'READY'",
  "status = 'FAILED'",
  "status != 'PENDING'",
  "model_type = 'clf'",
  'model_type IS NULL',
  'creation_timestamp > 0',
  "metrics.acc > 0.1 AND tags.env = 'dev'",
  "(tags.env = 'dev' OR tags.env = 'prod') AND NOT metrics.acc < 0.5",
];
const MODEL_ORDERS: (LoggedModelOrderBy[] | undefined)[] = [
  undefined,
  [{ field_name: 'name' }],
  [{ field_name: 'name', ascending: false }],
  [{ field_name: 'metrics.acc' }],
  [{ field_name: 'metrics.acc', ascending: false }],
  [{ field_name: 'metrics.loss', ascending: true }],
  [{ field_name: 'status' }],
  [{ field_name: 'metrics.acc', dataset_name: 'eval' }],
  [{ field_name: 'last_updated_timestamp', ascending: false }],
];
const MODEL_DATASETS = [undefined, [{ dataset_name: 'eval' }], [{ dataset_name: 'train', dataset_digest: 'd-train' }]];

const TRACE_FILTERS = [
  undefined,
  "status = 'ERROR'",
  "status != 'OK'",
  "status IN ('ERROR', 'IN_PROGRESS')",
  "status NOT IN ('OK')",
  "trace.name = 'odd'",
  "name LIKE 'ev%'",
  "tags.idx = '3'",
  "tags.idx != '3'",
  "tags.`mlflow.traceName` ILIKE 'O%'",
  "metadata.user = 'alice'",
  "request_metadata.user LIKE 'b%'",
  'timestamp_ms > 1700000005000',
  'timestamp_ms <= 1700000002000',
  'execution_time_ms >= 50',
  'execution_time_ms < 30',
  'end_time_ms > 1700000004050',
  "client_request_id = 'c-2'",
  "client_request_id IN ('c-1', 'c-5')",
  "tags.idx = '2' AND metadata.user = 'bob'",
  "tags.missing LIKE '%'",
];
const TRACE_ORDERS = [
  undefined,
  ['timestamp_ms ASC'],
  ['execution_time_ms'],
  ['execution_time_ms DESC'],
  ['status', 'timestamp_ms DESC'],
  ['end_time_ms DESC'],
  ['request_id DESC'],
];

describe.each(['sqlite', 'postgresql'] as const)('SQL searches equal the in-memory reference (%s)', (dialect) => {
  let opened: OpenedStore;
  let exp = '';
  let models: LoggedModel[] = [];
  let traces: TraceInfo[] = [];
  beforeAll(async () => {
    opened = await openStore(dialect);
    const { store } = opened;
    exp = await store.createExperiment({ name: 'search-equal' });
    const run = await store.createRun({ experiment_id: exp });
    for (let i = 0; i < 10; i++) {
      const m = await store.createLoggedModel({
        experiment_id: exp,
        name: `m${i}`,
        source_run_id: run.info.run_id,
        ...(i % 3 ? { model_type: i % 2 ? 'clf' : 'reg' } : {}),
        params: i % 4 === 3 ? [] : [{ key: 'alpha', value: `0.${i % 3}` }],
        tags: i % 5 === 4 ? [] : [{ key: 'env', value: i % 2 ? 'prod' : 'dev' }],
      });
      const id = m.info.model_id;
      if (i % 4 !== 2) {
        await store.logMetric(run.info.run_id, {
          key: 'acc',
          value: (i % 7) / 10,
          timestamp: 1000 + i,
          step: 0,
          model_id: id,
          dataset_name: i % 2 ? 'eval' : 'train',
          dataset_digest: i % 2 ? 'd-eval' : 'd-train',
        });
      }
      if (i % 3 === 0)
        await store.logMetric(run.info.run_id, { key: 'loss', value: i / 3, timestamp: 2000, step: 1, model_id: id });
      if (i % 2 === 0)
        await store.finalizeLoggedModel(id, i % 4 === 0 ? 'LOGGED_MODEL_READY' : 'LOGGED_MODEL_UPLOAD_FAILED');
    }
    models = (await store.searchLoggedModels({ experiment_ids: [exp], max_results: 100 })).items;
    for (let i = 0; i < 8; i++) {
      const hex = `${'0'.repeat(30)}${i.toString(16).padStart(2, '0')}`;
      await store.traces.startTrace({
        trace_id: `tr-${dialect === 'sqlite' ? 'a' : 'b'}${hex.slice(1)}`,
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
        request_time: 1_700_000_000_000 + (i % 6) * 1000,
        ...(i === 5 ? {} : { execution_duration: 10 + ((i * 37) % 90) }),
        state: i % 3 === 0 ? 'ERROR' : i === 7 ? 'IN_PROGRESS' : 'OK',
        ...(i % 2 ? { client_request_id: `c-${i}` } : {}),
        trace_metadata: { user: i < 4 ? 'alice' : 'bob' },
        tags: { 'mlflow.traceName': i % 2 ? 'odd' : 'even', ...(i === 6 ? {} : { idx: String(i % 4) }) },
      });
    }
    traces = (await store.traces.searchTraces({ experiment_ids: [exp], max_results: 100 })).items;
  }, 120_000);
  afterAll(async () => {
    await opened?.cleanup();
  });

  it('logged models: every filter × order × datasets, and pages', async () => {
    expect(models).toHaveLength(10);
    for (const filter of MODEL_FILTERS) {
      for (const order_by of MODEL_ORDERS) {
        for (const datasets of MODEL_DATASETS) {
          const req = { experiment_ids: [exp], filter, order_by, datasets, max_results: 4 };
          const want = searchLoggedModelsInMemory(models, req);
          const got = await opened.store.searchLoggedModels(req);
          const label = JSON.stringify({ filter, order_by, datasets });
          expect(
            got.items.map((m) => m.info.model_id),
            label,
          ).toEqual(want.items.map((m) => m.info.model_id));
          expect(got.next_page_token, label).toEqual(want.next_page_token);
          if (want.next_page_token) {
            const next = { ...req, page_token: want.next_page_token };
            expect(
              (await opened.store.searchLoggedModels(next)).items.map((m) => m.info.model_id),
              label,
            ).toEqual(searchLoggedModelsInMemory(models, next).items.map((m) => m.info.model_id));
          }
        }
      }
    }
  }, 120_000);

  it('traces: every filter × order, and pages', async () => {
    expect(traces).toHaveLength(8);
    for (const filter of TRACE_FILTERS) {
      for (const order_by of TRACE_ORDERS) {
        const req = { experiment_ids: [exp], filter, order_by, max_results: 3 };
        const want = searchTracesInMemory(traces, req);
        const got = await opened.store.traces.searchTraces(req);
        const label = JSON.stringify({ filter, order_by });
        expect(
          got.items.map((t) => t.trace_id),
          label,
        ).toEqual(want.items.map((t) => t.trace_id));
        expect(got.next_page_token, label).toEqual(want.next_page_token);
      }
    }
  }, 120_000);
});
