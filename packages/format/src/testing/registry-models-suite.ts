/** Conformance: registered models (CRUD, rename, tags, search). */
import { describe, expect, it } from 'vitest';
import type { RegisteredModel } from '../entities.js';
import { expectMlflowError, readAllPages, sleep, uniqueName, type SuiteContext } from './conformance-helpers.js';
import type { RegistrySuiteEnv } from './registry-store-conformance.js';

export const tagMap = (x: { tags: { key: string; value: string }[] }) =>
  Object.fromEntries(x.tags.map((t) => [t.key, t.value]));

export function describeRegisteredModels(ctx: SuiteContext<RegistrySuiteEnv>): void {
  describe('registered models', () => {
    it('creates and gets a registered model', async () => {
      const { store } = ctx.get();
      const name = uniqueName('conf-model');
      const created = await store.createRegisteredModel({
        name,
        description: 'first',
        tags: [{ key: 'team', value: 'ml' }],
      });
      expect(created).toMatchObject({ name, description: 'first', latest_versions: [], aliases: [] });
      expect(created.creation_timestamp).toBeGreaterThan(0);
      expect(created.last_updated_timestamp).toBeGreaterThanOrEqual(created.creation_timestamp);
      expect(tagMap(created)).toEqual({ team: 'ml' });
      const got = await store.getRegisteredModel(name);
      expect(got).toMatchObject({ name, description: 'first', creation_timestamp: created.creation_timestamp });
      expect(tagMap(got)).toEqual({ team: 'ml' });
    });

    it('rejects duplicate, invalid and missing models', async () => {
      const { store } = ctx.get();
      const name = uniqueName('conf-model-dup');
      await store.createRegisteredModel({ name });
      const dup = await expectMlflowError(store.createRegisteredModel({ name }), 'RESOURCE_ALREADY_EXISTS');
      expect(dup.message).toContain(name);
      await expectMlflowError(store.createRegisteredModel({ name: '' }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(store.createRegisteredModel({ name: 'a/b' }), 'INVALID_PARAMETER_VALUE');
      const missing = uniqueName('conf-model-missing');
      const e = await expectMlflowError(store.getRegisteredModel(missing), 'RESOURCE_DOES_NOT_EXIST');
      expect(e.message).toContain(missing);
      await expectMlflowError(store.deleteRegisteredModel(missing), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('renames a model together with its versions', async () => {
      const { store, createSource } = ctx.get();
      const [name, taken] = [uniqueName('conf-model-old'), uniqueName('conf-model-taken')];
      await store.createRegisteredModel({ name });
      await store.createRegisteredModel({ name: taken });
      await store.createModelVersion({ name, ...(await createSource()) });
      const newName = uniqueName('conf-model-new');
      const renamed = await store.renameRegisteredModel(name, newName);
      expect(renamed.name).toBe(newName);
      await expectMlflowError(store.getRegisteredModel(name), 'RESOURCE_DOES_NOT_EXIST');
      expect((await store.getModelVersion(newName, '1')).name).toBe(newName);
      await expectMlflowError(store.renameRegisteredModel(newName, taken), 'RESOURCE_ALREADY_EXISTS');
    });

    it('updates the description and deletes a model with its versions', async () => {
      const { store, createSource } = ctx.get();
      const name = uniqueName('conf-model-upd');
      await store.createRegisteredModel({ name });
      await store.createModelVersion({ name, ...(await createSource()) });
      expect((await store.updateRegisteredModel(name, { description: 'new text' })).description).toBe('new text');
      expect((await store.getRegisteredModel(name)).description).toBe('new text');
      await store.deleteRegisteredModel(name);
      await expectMlflowError(store.getRegisteredModel(name), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(store.getModelVersion(name, '1'), 'RESOURCE_DOES_NOT_EXIST');
      await store.createRegisteredModel({ name });
      expect((await store.getRegisteredModel(name)).latest_versions).toEqual([]);
    });

    it('sets, overwrites and deletes model tags', async () => {
      const { store } = ctx.get();
      const name = uniqueName('conf-model-tags');
      await store.createRegisteredModel({ name });
      await store.setRegisteredModelTag(name, 'k', 'v1');
      await store.setRegisteredModelTag(name, 'k', 'v2');
      await store.setRegisteredModelTag(name, 'other', 'x');
      expect(tagMap(await store.getRegisteredModel(name))).toEqual({ k: 'v2', other: 'x' });
      await store.deleteRegisteredModelTag(name, 'other');
      expect(tagMap(await store.getRegisteredModel(name))).toEqual({ k: 'v2' });
      await expectMlflowError(store.setRegisteredModelTag(name, 'bad//key', 'x'), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(
        store.setRegisteredModelTag(uniqueName('conf-missing'), 'k', 'v'),
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    it('searches registered models with filters, order and pages', async () => {
      const { store } = ctx.get();
      const prefix = uniqueName('conf-search-models');
      for (const s of ['c', 'a', 'e', 'b', 'd']) {
        await store.createRegisteredModel({ name: `${prefix}-${s}`, tags: [{ key: 'letter', value: s }] });
        await sleep(2);
      }
      const filter = `name LIKE '${prefix}-%'`;
      const short = (items: RegisteredModel[]) => items.map((m) => m.name.slice(prefix.length + 1));
      const abc = ['a', 'b', 'c', 'd', 'e'];
      expect(short((await store.searchRegisteredModels({ filter })).items)).toEqual(abc);
      expect(short((await store.searchRegisteredModels({ filter, order_by: ['name DESC'] })).items)).toEqual(
        [...abc].reverse(),
      );
      expect(
        short((await store.searchRegisteredModels({ filter, order_by: ['creation_timestamp DESC'] })).items),
      ).toEqual(['d', 'b', 'e', 'a', 'c']);
      expect(short((await store.searchRegisteredModels({ filter: `${filter} AND tags.letter = 'b'` })).items)).toEqual([
        'b',
      ]);
      expect(short((await store.searchRegisteredModels({ filter: `name = '${prefix}-c'` })).items)).toEqual(['c']);

      const paged = await readAllPages((page_token) =>
        store.searchRegisteredModels({ filter, max_results: 2, page_token }),
      );
      expect(short(paged.items)).toEqual(abc);
      expect(paged.pages).toBe(3);
      await expectMlflowError(store.searchRegisteredModels({ filter: 'name ==== x' }), 'INVALID_PARAMETER_VALUE');
    });

    it("answers the prompt filter MLflow's clients append: plain models match, prompts only when asked", async () => {
      const { store } = ctx.get();
      const prefix = uniqueName('conf-prompt-filter');
      await store.createRegisteredModel({ name: `${prefix}-model` });
      await store.createRegisteredModel({
        name: `${prefix}-prompt`,
        tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
      });
      const names = async (filter: string) => (await store.searchRegisteredModels({ filter })).items.map((m) => m.name);
      // What MlflowClient.search_registered_models(filter_string="name LIKE 'p%'") sends since MLflow 2.21.
      expect(await names(`name LIKE '${prefix}%' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`)).toEqual([
        `${prefix}-model`,
      ]);
      expect(await names(`name LIKE '${prefix}%' AND tag.\`mlflow.prompt.is_prompt\` = 'false'`)).toEqual([
        `${prefix}-model`,
      ]);
      expect(await names(`name LIKE '${prefix}%' AND tags.\`mlflow.prompt.is_prompt\` = 'true'`)).toEqual([
        `${prefix}-prompt`,
      ]);
    });
  });
}
