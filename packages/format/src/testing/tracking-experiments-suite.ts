/** Conformance: experiments (create, get, rename, tags, delete/restore, search). */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../entities.js';
import type { TrackingStore } from '../tracking-store.js';
import { expectMlflowError, readAllPages, sleep, uniqueName, type SuiteContext } from './conformance-helpers.js';

/** An id no store hands out in practice (FS ids are random 18-digit numbers, SQL ids count from 1). */
export const MISSING_EXPERIMENT_ID = '987654321987654321';

const tagMap = (e: Experiment) => Object.fromEntries(e.tags.map((t) => [t.key, t.value]));

export function describeExperiments(ctx: SuiteContext<TrackingStore>): void {
  describe('experiments', () => {
    it('has the Default experiment "0"', async () => {
      const store = ctx.get();
      const exp = await store.getExperiment('0');
      expect(exp.experiment_id).toBe('0');
      expect(exp.name).toBe('Default');
      expect(exp.lifecycle_stage).toBe('active');
      expect((await store.getExperimentByName('Default'))?.experiment_id).toBe('0');
    });

    it('creates and gets an experiment by id and by name', async () => {
      const store = ctx.get();
      const name = uniqueName('conf-exp');
      const id = await store.createExperiment({ name, tags: [{ key: 'team', value: 'ml' }] });
      expect(typeof id).toBe('string');
      expect(id).not.toBe('0');
      const exp = await store.getExperiment(id);
      expect(exp).toMatchObject({ experiment_id: id, name, lifecycle_stage: 'active' });
      expect(exp.artifact_location.length).toBeGreaterThan(0);
      expect(tagMap(exp)).toEqual({ team: 'ml' });
      if (exp.creation_time !== undefined) expect(exp.creation_time).toBeGreaterThan(0);
      expect(await store.getExperimentByName(name)).toEqual(exp);
      expect(await store.getExperimentByName(uniqueName('conf-missing'))).toBeNull();
    });

    it('keeps an explicit artifact location', async () => {
      const store = ctx.get();
      const location = `${(await store.getExperiment('0')).artifact_location.replace(/\/[^/]*$/, '')}/${uniqueName('custom-loc')}`;
      const id = await store.createExperiment({ name: uniqueName('conf-exp-loc'), artifact_location: location });
      expect((await store.getExperiment(id)).artifact_location).toBe(location);
    });

    it('rejects duplicate, empty and missing experiments', async () => {
      const store = ctx.get();
      const name = uniqueName('conf-exp-dup');
      await store.createExperiment({ name });
      const dup = await expectMlflowError(store.createExperiment({ name }), 'RESOURCE_ALREADY_EXISTS');
      expect(dup.message).toContain(name);
      await expectMlflowError(store.createExperiment({ name: '' }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.getExperiment(MISSING_EXPERIMENT_ID), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('renames an experiment, refusing a name in use', async () => {
      const store = ctx.get();
      const [a, b] = [uniqueName('conf-exp-a'), uniqueName('conf-exp-b')];
      const id = await store.createExperiment({ name: a });
      await store.createExperiment({ name: b });
      const renamed = uniqueName('conf-exp-renamed');
      await store.renameExperiment(id, renamed);
      expect((await store.getExperiment(id)).name).toBe(renamed);
      expect(await store.getExperimentByName(a)).toBeNull();
      await expectMlflowError(store.renameExperiment(id, b), 'RESOURCE_ALREADY_EXISTS');
      await expectMlflowError(
        store.renameExperiment(MISSING_EXPERIMENT_ID, uniqueName('x')),
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('sets, overwrites and deletes experiment tags', async () => {
      const store = ctx.get();
      const id = await store.createExperiment({ name: uniqueName('conf-exp-tags') });
      await store.setExperimentTag(id, { key: 'stage', value: 'dev' });
      await store.setExperimentTag(id, { key: 'owner', value: 'me' });
      await store.setExperimentTag(id, { key: 'stage', value: 'prod' });
      expect(tagMap(await store.getExperiment(id))).toEqual({ stage: 'prod', owner: 'me' });
      await store.deleteExperimentTag(id, 'owner');
      expect(tagMap(await store.getExperiment(id))).toEqual({ stage: 'prod' });
      await expectMlflowError(store.deleteExperimentTag(id, 'owner'), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.setExperimentTag(id, { key: 'bad//key', value: 'x' }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(
        store.setExperimentTag(id, { key: 'big', value: 'x'.repeat(5001) }),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('deletes and restores an experiment together with its runs', async () => {
      const store = ctx.get();
      const name = uniqueName('conf-exp-del');
      const id = await store.createExperiment({ name });
      const run = await store.createRun({ experiment_id: id });
      await store.deleteExperiment(id);
      expect((await store.getExperiment(id)).lifecycle_stage).toBe('deleted');
      expect((await store.getExperimentByName(name))?.lifecycle_stage).toBe('deleted');
      expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('deleted');
      await expectMlflowError(store.createRun({ experiment_id: id }), 'INVALID_STATE');
      await expectMlflowError(store.createExperiment({ name }), 'RESOURCE_ALREADY_EXISTS');
      await store.restoreExperiment(id);
      expect((await store.getExperiment(id)).lifecycle_stage).toBe('active');
      expect((await store.getRun(run.info.run_id)).info.lifecycle_stage).toBe('active');
    });

    it('searches experiments with filters, order, view types and pages', async () => {
      const store = ctx.get();
      const prefix = uniqueName('conf-search-exp');
      const ids: string[] = [];
      for (const suffix of ['c', 'a', 'e', 'b', 'd']) {
        ids.push(
          await store.createExperiment({ name: `${prefix}-${suffix}`, tags: [{ key: 'letter', value: suffix }] }),
        );
        await sleep(2); // distinct creation times
      }
      const filter = `name LIKE '${prefix}-%'`;
      const names = (page: { items: Experiment[] }) => page.items.map((e) => e.name.slice(prefix.length + 1));
      const abc = ['a', 'b', 'c', 'd', 'e'];

      const all = await store.searchExperiments({ filter, max_results: 100 });
      expect(all.items).toHaveLength(5);
      expect(all.next_page_token).toBeFalsy();
      // Default order: newest first.
      expect(names(all)).toEqual(['d', 'b', 'e', 'a', 'c']);
      expect(names(await store.searchExperiments({ filter, order_by: ['name ASC'], max_results: 100 }))).toEqual(abc);
      expect(names(await store.searchExperiments({ filter, order_by: ['name DESC'], max_results: 100 }))).toEqual(
        [...abc].reverse(),
      );
      expect(
        names(await store.searchExperiments({ filter: `${filter} AND tags.letter = 'e'`, max_results: 100 })),
      ).toEqual(['e']);

      const paged = await readAllPages(async (page_token) => {
        const page = await store.searchExperiments({ filter, order_by: ['name ASC'], max_results: 2, page_token });
        expect(page.items.length).toBeLessThanOrEqual(2);
        return page;
      });
      expect(names(paged)).toEqual(abc);
      expect(paged.pages).toBe(3);

      const cId = ids[0]; // the experiment named '<prefix>-c'
      if (cId === undefined) throw new Error('no experiment was created');
      await store.deleteExperiment(cId);
      expect(names(await store.searchExperiments({ filter, max_results: 100 }))).not.toContain('c');
      expect(names(await store.searchExperiments({ filter, view_type: 'DELETED_ONLY', max_results: 100 }))).toEqual([
        'c',
      ]);
      expect(await store.searchExperiments({ filter, view_type: 'ALL', max_results: 100 })).toMatchObject({
        items: { length: 5 },
      });
      await expectMlflowError(
        store.searchExperiments({ filter: 'name ~~ nonsense', max_results: 10 }),
        'INVALID_PARAMETER_VALUE',
      );
    });
  });
}
