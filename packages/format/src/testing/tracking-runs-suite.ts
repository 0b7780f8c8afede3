/** Conformance: run lifecycle, run names, params and tags. */
import { describe, expect, it } from 'vitest';
import type { Run } from '../entities.js';
import type { TrackingStore } from '../tracking-store.js';
import { expectMlflowError, uniqueName, type SuiteContext } from './conformance-helpers.js';
import { MISSING_EXPERIMENT_ID } from './tracking-experiments-suite.js';

export const tagsOf = (run: Run) => Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
export const paramsOf = (run: Run) => Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
export const randomRunId = () => globalThis.crypto.randomUUID().replace(/-/g, '');

/** A fresh experiment for one test. */
export async function newExperiment(store: TrackingStore, prefix = 'conf-runs'): Promise<string> {
  return store.createExperiment({ name: uniqueName(prefix) });
}

export function describeRuns(ctx: SuiteContext<TrackingStore>): void {
  describe('runs', () => {
    it('creates a run with MLflow’s info fields', async () => {
      const store = ctx.get();
      const exp = await newExperiment(store);
      const run = await store.createRun({
        experiment_id: exp,
        user_id: 'alice',
        run_name: 'first',
        start_time: 1700000000123,
      });
      const { info } = run;
      expect(info.run_id).toMatch(/^[0-9a-f]{32}$/);
      expect(info.run_uuid).toBe(info.run_id);
      expect(info).toMatchObject({
        experiment_id: exp,
        user_id: 'alice',
        run_name: 'first',
        status: 'RUNNING',
        start_time: 1700000000123,
        lifecycle_stage: 'active',
      });
      expect(info.end_time ?? null).toBeNull();
      expect(info.artifact_uri).toContain(info.run_id);
      expect(tagsOf(run)['mlflow.runName']).toBe('first');
      expect(run.data.metrics).toEqual([]);
      expect(run.data.params).toEqual([]);
      expect(run.inputs.dataset_inputs).toEqual([]);
      expect(await store.getRun(info.run_id)).toEqual(run);
    });

    it('puts a run without experiment id into the Default experiment', async () => {
      const store = ctx.get();
      const run = await store.createRun({ run_name: uniqueName('conf-default') });
      expect(run.info.experiment_id).toBe('0');
      await store.deleteRun(run.info.run_id);
    });

    it('applies MLflow’s run-name rules', async () => {
      const store = ctx.get();
      const exp = await newExperiment(store);
      const generated = await store.createRun({ experiment_id: exp });
      expect(generated.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
      expect(generated.info.run_name.length).toBeLessThanOrEqual(20);
      expect(tagsOf(generated)['mlflow.runName']).toBe(generated.info.run_name);

      const fromTag = await store.createRun({ experiment_id: exp, tags: [{ key: 'mlflow.runName', value: 'tagged' }] });
      expect(fromTag.info.run_name).toBe('tagged');
      const both = await store.createRun({
        experiment_id: exp,
        run_name: 'same',
        tags: [{ key: 'mlflow.runName', value: 'same' }],
      });
      expect(both.info.run_name).toBe('same');
      await expectMlflowError(
        store.createRun({ experiment_id: exp, run_name: 'one', tags: [{ key: 'mlflow.runName', value: 'two' }] }),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('records a parent run through the mlflow.parentRunId tag', async () => {
      const store = ctx.get();
      const exp = await newExperiment(store);
      const parent = await store.createRun({ experiment_id: exp, run_name: 'parent' });
      const child = await store.createRun({
        experiment_id: exp,
        run_name: 'child',
        tags: [{ key: 'mlflow.parentRunId', value: parent.info.run_id }],
      });
      expect(tagsOf(await store.getRun(child.info.run_id))['mlflow.parentRunId']).toBe(parent.info.run_id);
      const found = await store.searchRuns({
        experiment_ids: [exp],
        filter: `tags.mlflow.parentRunId = '${parent.info.run_id}'`,
      });
      expect(found.items.map((r) => r.info.run_id)).toEqual([child.info.run_id]);
    });

    it('rejects runs in missing experiments and lookups of missing runs', async () => {
      const store = ctx.get();
      await expectMlflowError(store.createRun({ experiment_id: MISSING_EXPERIMENT_ID }), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.getRun(randomRunId()), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.updateRun(randomRunId(), { status: 'FINISHED' }), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.deleteRun(randomRunId()), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('updates status, end time and name', async () => {
      const store = ctx.get();
      const exp = await newExperiment(store);
      const { info } = await store.createRun({ experiment_id: exp, run_name: 'before' });
      const updated = await store.updateRun(info.run_id, { status: 'FINISHED', end_time: info.start_time + 1000 });
      expect(updated).toMatchObject({
        run_id: info.run_id,
        status: 'FINISHED',
        end_time: info.start_time + 1000,
        run_name: 'before',
      });
      await store.updateRun(info.run_id, { run_name: 'after' });
      const run = await store.getRun(info.run_id);
      expect(run.info).toMatchObject({ status: 'FINISHED', end_time: info.start_time + 1000, run_name: 'after' });
      expect(tagsOf(run)['mlflow.runName']).toBe('after');
      await store.setTag(info.run_id, { key: 'mlflow.runName', value: 'via-tag' });
      expect((await store.getRun(info.run_id)).info.run_name).toBe('via-tag');
      await store.updateRun(info.run_id, { status: 'KILLED' });
      expect((await store.getRun(info.run_id)).info).toMatchObject({ status: 'KILLED', run_name: 'via-tag' });
    });

    it('deletes and restores runs; a deleted run refuses writes', async () => {
      const store = ctx.get();
      const exp = await newExperiment(store);
      const { info } = await store.createRun({ experiment_id: exp });
      const id = info.run_id;
      await store.deleteRun(id);
      expect((await store.getRun(id)).info.lifecycle_stage).toBe('deleted');
      const metric = { key: 'm', value: 1, timestamp: 1, step: 0 };
      await expectMlflowError(store.logMetric(id, metric), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.logParam(id, { key: 'p', value: 'v' }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.setTag(id, { key: 't', value: 'v' }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.logBatch(id, { metrics: [metric] }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.updateRun(id, { status: 'FINISHED' }), 'INVALID_PARAMETER_VALUE');
      await store.restoreRun(id);
      expect((await store.getRun(id)).info.lifecycle_stage).toBe('active');
      await store.logMetric(id, metric);
      expect((await store.getRun(id)).data.metrics).toHaveLength(1);
    });

    it('keeps params immutable and truncates long values', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store) });
      await store.logParam(info.run_id, { key: 'lr', value: '0.1' });
      await store.logParam(info.run_id, { key: 'lr', value: '0.1' });
      const e = await expectMlflowError(
        store.logParam(info.run_id, { key: 'lr', value: '0.2' }),
        'INVALID_PARAMETER_VALUE',
      );
      expect(e.message).toContain('lr');
      await store.logParam(info.run_id, { key: 'long', value: 'x'.repeat(7000) });
      await store.logParam(info.run_id, { key: 'nested/key name', value: '' });
      await expectMlflowError(store.logParam(info.run_id, { key: '../escape', value: 'v' }), 'INVALID_PARAMETER_VALUE');
      const params = paramsOf(await store.getRun(info.run_id));
      expect(params).toEqual({ lr: '0.1', long: 'x'.repeat(6000), 'nested/key name': '' });
    });

    it('sets, overwrites and deletes run tags', async () => {
      const store = ctx.get();
      const { info } = await store.createRun({ experiment_id: await newExperiment(store), run_name: 'tags' });
      await store.setTag(info.run_id, { key: 'k', value: 'v1' });
      await store.setTag(info.run_id, { key: 'k', value: 'v2' });
      await store.setTag(info.run_id, { key: 'big', value: 'y'.repeat(9000) });
      let tags = tagsOf(await store.getRun(info.run_id));
      expect(tags.k).toBe('v2');
      expect(tags.big).toHaveLength(8000);
      await store.deleteTag(info.run_id, 'k');
      tags = tagsOf(await store.getRun(info.run_id));
      expect(tags).not.toHaveProperty('k');
      expect(tags['mlflow.runName']).toBe('tags');
      await expectMlflowError(store.deleteTag(info.run_id, 'k'), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.setTag(info.run_id, { key: 'a//b', value: 'x' }), 'INVALID_PARAMETER_VALUE');
    });
  });
}
