/**
 * Conformance for the logged-model capability (MLflow 3's `LoggedModel`). Every store that offers
 * `createLoggedModel` runs it:
 *
 *   runLoggedModelStoreConformance('fs', async () => ({ store: createFsTrackingStore({ root }), cleanup }));
 */
import { describe, expect, it } from 'vitest';
import type { LoggedModel } from '../logged-model.js';
import type { LoggedModelStore } from '../logged-model-store.js';
import type { TrackingStore } from '../tracking-store.js';
import { withSuiteSetup, expectMlflowError, uniqueName, type SuiteContext } from './conformance-helpers.js';

export type LoggedModelTrackingStore = TrackingStore & LoggedModelStore;

export interface LoggedModelStoreSetup {
  store: TrackingStore;
  cleanup?: () => Promise<void>;
}

const kv = (xs: readonly { key: string; value: string }[]) => Object.fromEntries(xs.map((x) => [x.key, x.value]));
const ids = (models: readonly LoggedModel[]) => models.map((m) => m.info.model_id);

function withLoggedModels(store: TrackingStore): LoggedModelTrackingStore {
  const methods = [
    'createLoggedModel',
    'finalizeLoggedModel',
    'getLoggedModel',
    'deleteLoggedModel',
    'searchLoggedModels',
    'setLoggedModelTags',
    'deleteLoggedModelTag',
    'logLoggedModelParams',
  ] as const;
  for (const m of methods) expect(typeof store[m], `store.${m}`).toBe('function');
  return store as LoggedModelTrackingStore;
}

export function describeLoggedModels(ctx: SuiteContext<TrackingStore>): void {
  const setup = async () => {
    const store = withLoggedModels(ctx.get());
    const exp = await store.createExperiment({ name: uniqueName('conf-logged-models') });
    return { store, exp };
  };

  describe('logged models', () => {
    it('creates a PENDING model under the experiment’s artifact location', async () => {
      const { store, exp } = await setup();
      const run = await store.createRun({ experiment_id: exp });
      const model = await store.createLoggedModel({
        experiment_id: exp,
        name: 'model',
        model_type: 'Classifier',
        source_run_id: run.info.run_id,
        params: [{ key: 'alpha', value: '0.5' }],
        tags: [{ key: 'team', value: 'ml' }],
      });
      const { info } = model;
      expect(info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
      expect(info).toMatchObject({
        experiment_id: exp,
        name: 'model',
        model_type: 'Classifier',
        source_run_id: run.info.run_id,
        status: 'LOGGED_MODEL_PENDING',
      });
      const experiment = await store.getExperiment(exp);
      expect(info.artifact_uri).toBe(`${experiment.artifact_location}/models/${info.model_id}/artifacts`);
      expect(info.last_updated_timestamp_ms).toBe(info.creation_timestamp_ms);
      expect(kv(model.data.params)).toEqual({ alpha: '0.5' });
      expect(kv(info.tags)).toEqual({ team: 'ml' });
      expect(model.data.metrics).toEqual([]);
      expect(await store.getLoggedModel(info.model_id)).toEqual(model);
    });

    it('names a model without a name like MLflow (adjective-noun-number)', async () => {
      const { store, exp } = await setup();
      const model = await store.createLoggedModel({ experiment_id: exp });
      expect(model.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    });

    it('rejects names with / : . % " \' and writes nothing', async () => {
      const { store, exp } = await setup();
      for (const name of ['a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b", '']) {
        await expectMlflowError(store.createLoggedModel({ experiment_id: exp, name }), 'INVALID_PARAMETER_VALUE');
      }
      expect((await store.searchLoggedModels({ experiment_ids: [exp] })).items).toEqual([]);
    });

    it('rejects a model in a missing experiment', async () => {
      const { store } = await setup();
      await expectMlflowError(
        store.createLoggedModel({ experiment_id: '987654321987654321' }),
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('answers RESOURCE_DOES_NOT_EXIST for unknown and path-like model ids', async () => {
      const { store } = await setup();
      for (const id of ['m-00000000000000000000000000000000', '../m-1', 'm-1/../../x', 'm-1%2F..']) {
        await expectMlflowError(store.getLoggedModel(id), 'RESOURCE_DOES_NOT_EXIST');
      }
      const id = 'm-00000000000000000000000000000000';
      await expectMlflowError(store.finalizeLoggedModel(id, 'LOGGED_MODEL_READY'), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.deleteLoggedModel(id), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.setLoggedModelTags(id, [{ key: 'a', value: 'b' }]), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.deleteLoggedModelTag(id, 'a'), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.logLoggedModelParams(id, [{ key: 'a', value: 'b' }]), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('finalizes, tags, untags and takes params', async () => {
      const { store, exp } = await setup();
      const { info } = await store.createLoggedModel({ experiment_id: exp, name: 'm' });
      const ready = await store.finalizeLoggedModel(info.model_id, 'LOGGED_MODEL_READY');
      expect(ready.info.status).toBe('LOGGED_MODEL_READY');
      expect(ready.info.last_updated_timestamp_ms).toBeGreaterThanOrEqual(info.creation_timestamp_ms);
      await store.setLoggedModelTags(info.model_id, [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]);
      await store.deleteLoggedModelTag(info.model_id, 'a');
      await expectMlflowError(store.deleteLoggedModelTag(info.model_id, 'a'), 'RESOURCE_DOES_NOT_EXIST');
      await store.logLoggedModelParams(info.model_id, [{ key: 'lr', value: '0.1' }]);
      const got = await store.getLoggedModel(info.model_id);
      expect(kv(got.info.tags)).toEqual({ b: '2' });
      expect(kv(got.data.params)).toEqual({ lr: '0.1' });
      expect(got.info.status).toBe('LOGGED_MODEL_READY');
    });

    it('hides a deleted model', async () => {
      const { store, exp } = await setup();
      const { info } = await store.createLoggedModel({ experiment_id: exp });
      await store.deleteLoggedModel(info.model_id);
      await expectMlflowError(store.getLoggedModel(info.model_id), 'RESOURCE_DOES_NOT_EXIST');
      expect((await store.searchLoggedModels({ experiment_ids: [exp] })).items).toEqual([]);
    });

    it('links metrics logged with model_id (latest per dataset, with run_id)', async () => {
      const { store, exp } = await setup();
      const run = await store.createRun({ experiment_id: exp });
      const runId = run.info.run_id;
      const { info } = await store.createLoggedModel({ experiment_id: exp, source_run_id: runId });
      await store.logMetric(runId, { key: 'acc', value: 0.5, timestamp: 1000, step: 0, model_id: info.model_id });
      await store.logMetric(runId, { key: 'acc', value: 0.7, timestamp: 2000, step: 1, model_id: info.model_id });
      await store.logBatch(runId, {
        metrics: [
          {
            key: 'acc',
            value: 0.9,
            timestamp: 3000,
            step: 0,
            model_id: info.model_id,
            dataset_name: 'test',
            dataset_digest: 'd1',
          },
        ],
      });
      await store.logMetric(runId, { key: 'other', value: 1, timestamp: 1000, step: 0 });
      const got = await store.getLoggedModel(info.model_id);
      const metrics = [...got.data.metrics].sort((a, b) => a.value - b.value);
      expect(metrics).toEqual([
        { key: 'acc', value: 0.7, timestamp: 2000, step: 1, model_id: info.model_id, run_id: runId },
        {
          key: 'acc',
          value: 0.9,
          timestamp: 3000,
          step: 0,
          model_id: info.model_id,
          run_id: runId,
          dataset_name: 'test',
          dataset_digest: 'd1',
        },
      ]);
      // the run keeps its own metrics as before
      const history = await store.getMetricHistory(runId, 'acc');
      expect(history.items.map((m) => m.value)).toEqual([0.5, 0.7, 0.9]);
    });

    it('records the model as a run output', async () => {
      const { store, exp } = await setup();
      if (!store.logOutputs) return;
      const run = await store.createRun({ experiment_id: exp });
      const { info } = await store.createLoggedModel({ experiment_id: exp, source_run_id: run.info.run_id });
      await store.logOutputs(run.info.run_id, [{ model_id: info.model_id, step: 0 }]);
      const got = await store.getRun(run.info.run_id);
      expect(got.outputs?.model_outputs).toEqual([{ model_id: info.model_id, step: 0 }]);
    });

    describe('search', () => {
      async function seeded() {
        const { store, exp } = await setup();
        const run = await store.createRun({ experiment_id: exp });
        const runId = run.info.run_id;
        const make = async (name: string, acc: number | undefined, alpha: string, env: string) => {
          const m = await store.createLoggedModel({
            experiment_id: exp,
            name,
            source_run_id: runId,
            params: [{ key: 'alpha', value: alpha }],
            tags: [{ key: 'env', value: env }],
          });
          if (acc !== undefined) {
            await store.logMetric(runId, {
              key: 'acc',
              value: acc,
              timestamp: 1000,
              step: 0,
              model_id: m.info.model_id,
              dataset_name: 'eval',
              dataset_digest: 'e1',
            });
          }
          return m.info.model_id;
        };
        const a = await make('a', 0.5, '0.1', 'dev');
        const b = await make('b', 0.9, '0.2', 'prod');
        const c = await make('c', undefined, '0.3', 'prod');
        await store.finalizeLoggedModel(b, 'LOGGED_MODEL_READY');
        return { store, exp, a, b, c };
      }

      it('orders by creation time (newest first) by default', async () => {
        const { store, exp, a, b, c } = await seeded();
        expect(ids((await store.searchLoggedModels({ experiment_ids: [exp] })).items)).toEqual([c, b, a]);
      });

      it('filters by metrics, params, tags and attributes', async () => {
        const { store, exp, a, b, c } = await seeded();
        const search = async (filter: string) =>
          ids((await store.searchLoggedModels({ experiment_ids: [exp], filter })).items);
        expect(await search('metrics.acc > 0.6')).toEqual([b]);
        expect(await search("params.alpha = '0.1'")).toEqual([a]);
        expect(await search("tags.env = 'prod'")).toEqual([c, b]);
        expect(await search("name = 'c'")).toEqual([c]);
        expect(await search("status = 'READY'")).toEqual([b]);
        expect(await search("name IN ('a', 'c')")).toEqual([c, a]);
        expect(await search("name LIKE 'a%' AND params.alpha = '0.1'")).toEqual([a]);
        expect(await search(`model_id = '${b}'`)).toEqual([b]);
        expect(await search('creation_timestamp > 0')).toEqual([c, b, a]);
        await expectMlflowError(
          store.searchLoggedModels({ experiment_ids: [exp], filter: 'nope.x = 1' }),
          'INVALID_PARAMETER_VALUE',
        );
        await expectMlflowError(
          store.searchLoggedModels({ experiment_ids: [exp], filter: 'unknown_attr = 1' }),
          'INVALID_PARAMETER_VALUE',
        );
      });

      it('applies metric clauses to the given datasets', async () => {
        const { store, exp, a, b } = await seeded();
        const search = async (
          filter: string | undefined,
          datasets: { dataset_name: string; dataset_digest?: string }[],
        ) => ids((await store.searchLoggedModels({ experiment_ids: [exp], filter, datasets })).items);
        expect(await search(undefined, [{ dataset_name: 'eval' }])).toEqual([b, a]);
        expect(await search('metrics.acc > 0.1', [{ dataset_name: 'eval', dataset_digest: 'e1' }])).toEqual([b, a]);
        expect(await search('metrics.acc > 0.1', [{ dataset_name: 'train' }])).toEqual([]);
        await expectMlflowError(
          store.searchLoggedModels({ experiment_ids: [exp], datasets: [{ dataset_name: '' }] }),
          'INVALID_PARAMETER_VALUE',
        );
      });

      it('orders by metrics (missing last) and attributes', async () => {
        const { store, exp, a, b, c } = await seeded();
        const order = async (order_by: { field_name: string; ascending?: boolean; dataset_name?: string }[]) =>
          ids((await store.searchLoggedModels({ experiment_ids: [exp], order_by })).items);
        expect(await order([{ field_name: 'metrics.acc', ascending: true }])).toEqual([a, b, c]);
        expect(await order([{ field_name: 'metrics.acc', ascending: false }])).toEqual([b, a, c]);
        expect(await order([{ field_name: 'metrics.acc', ascending: false, dataset_name: 'other' }])).toEqual([
          c,
          b,
          a,
        ]);
        expect(await order([{ field_name: 'name' }])).toEqual([a, b, c]);
        expect(await order([{ field_name: 'creation_timestamp', ascending: true }])).toEqual([a, b, c]);
        await expectMlflowError(
          store.searchLoggedModels({ experiment_ids: [exp], order_by: [{ field_name: 'params.alpha' }] }),
          'INVALID_PARAMETER_VALUE',
        );
        await expectMlflowError(
          store.searchLoggedModels({ experiment_ids: [exp], order_by: [{ field_name: 'bogus' }] }),
          'INVALID_PARAMETER_VALUE',
        );
      });

      it('pages with tokens', async () => {
        const { store, exp, a, b, c } = await seeded();
        const first = await store.searchLoggedModels({ experiment_ids: [exp], max_results: 2 });
        expect(ids(first.items)).toEqual([c, b]);
        expect(first.next_page_token).toBeTruthy();
        const second = await store.searchLoggedModels({
          experiment_ids: [exp],
          max_results: 2,
          page_token: first.next_page_token,
        });
        expect(ids(second.items)).toEqual([a]);
        expect(second.next_page_token).toBeUndefined();
        await expectMlflowError(
          store.searchLoggedModels({ experiment_ids: [exp], page_token: 'not a token' }),
          'INVALID_PARAMETER_VALUE',
        );
      });

      it('only searches the given experiments', async () => {
        const { store, a } = await seeded();
        const other = await store.createExperiment({ name: uniqueName('conf-logged-models') });
        expect((await store.searchLoggedModels({ experiment_ids: [other] })).items).toEqual([]);
        expect(a).toMatch(/^m-/);
      });
    });
  });
}

/** The logged-model suite on its own, for stores that run the tracking suite separately. */
export function runLoggedModelStoreConformance(name: string, setup: () => Promise<LoggedModelStoreSetup>): void {
  describe(`LoggedModelStore conformance: ${name}`, () => {
    const ctx = withSuiteSetup(setup, (s): TrackingStore => s.store);
    describeLoggedModels(ctx);
  });
}
