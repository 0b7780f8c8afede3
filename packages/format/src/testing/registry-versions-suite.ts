/** Conformance: model versions, stages, aliases and concurrent version numbering. */
import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../entities.js';
import { expectMlflowError, readAllPages, uniqueName, type SuiteContext } from './conformance-helpers.js';
import type { RegistrySuiteEnv } from './registry-store-conformance.js';
import { tagMap } from './registry-models-suite.js';

/** A new model with `count` versions; returns its name. */
async function modelWithVersions(env: RegistrySuiteEnv, count: number, prefix = 'conf-mv'): Promise<string> {
  const name = uniqueName(prefix);
  await env.store.createRegisteredModel({ name });
  for (let i = 0; i < count; i++) await env.store.createModelVersion({ name, ...(await env.createSource()) });
  return name;
}

/** A model with two versions and `aliases` (alias → version) set on them. */
async function aliasedModel(env: RegistrySuiteEnv, aliases: Record<string, string>): Promise<string> {
  const name = await modelWithVersions(env, 2, 'conf-alias');
  for (const [alias, version] of Object.entries(aliases)) {
    await env.store.setRegisteredModelAlias(name, alias, version);
  }
  return name;
}

const versionsOf = (items: ModelVersion[]) => items.map((v) => v.version);

export function describeModelVersions(ctx: SuiteContext<RegistrySuiteEnv>): void {
  describe('model versions', () => {
    it('creates versions numbered from 1 and gets them', async () => {
      const env = ctx.get();
      const { store } = env;
      const name = uniqueName('conf-mv');
      await store.createRegisteredModel({ name });
      const src = await env.createSource();
      const v1 = await store.createModelVersion({
        name,
        ...src,
        description: 'desc',
        tags: [{ key: 'k', value: 'v' }],
        run_link: 'http://example/run',
      });
      expect(v1).toMatchObject({
        name,
        version: '1',
        current_stage: 'None',
        status: 'READY',
        source: src.source,
        description: 'desc',
      });
      if (src.run_id) expect(v1.run_id).toBe(src.run_id);
      expect(tagMap(v1)).toEqual({ k: 'v' });
      expect(v1.aliases).toEqual([]);
      expect(v1.creation_timestamp).toBeGreaterThan(0);
      const v2 = await store.createModelVersion({ name, ...(await env.createSource()) });
      expect(v2.version).toBe('2');
      expect(await store.getModelVersion(name, '1')).toMatchObject({
        name,
        version: '1',
        source: src.source,
        description: 'desc',
      });
      expect(await store.getModelVersionDownloadUri(name, '1')).toBe(src.source);
      const latest = (await store.getRegisteredModel(name)).latest_versions;
      expect(versionsOf(latest)).toEqual(['2']);
    });

    it('rejects missing models and versions and non-integer versions', async () => {
      const env = ctx.get();
      const name = await modelWithVersions(env, 1);
      await expectMlflowError(
        env.store.createModelVersion({ name: uniqueName('conf-missing'), ...(await env.createSource()) }),
        'RESOURCE_DOES_NOT_EXIST',
      );
      const missing = await expectMlflowError(env.store.getModelVersion(name, '7'), 'RESOURCE_DOES_NOT_EXIST');
      expect(missing.message).toContain('7');
      const bad = await expectMlflowError(env.store.getModelVersion(name, 'x'), 'INVALID_PARAMETER_VALUE');
      expect(bad.message).toContain("Parameter 'version' must be an integer, got 'x'");
    });

    it('updates descriptions and version tags', async () => {
      const env = ctx.get();
      const { store } = env;
      const name = await modelWithVersions(env, 1);
      expect((await store.updateModelVersion(name, '1', { description: 'better' })).description).toBe('better');
      await store.setModelVersionTag(name, '1', 'a', '1');
      await store.setModelVersionTag(name, '1', 'b', '2');
      await store.setModelVersionTag(name, '1', 'a', '3');
      await store.deleteModelVersionTag(name, '1', 'b');
      const v = await store.getModelVersion(name, '1');
      expect(v.description).toBe('better');
      expect(tagMap(v)).toEqual({ a: '3' });
      await expectMlflowError(store.setModelVersionTag(name, '9', 'a', 'b'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('deletes versions without reusing their numbers', async () => {
      const env = ctx.get();
      const { store } = env;
      const name = await modelWithVersions(env, 2);
      await store.deleteModelVersion(name, '2');
      await expectMlflowError(store.getModelVersion(name, '2'), 'RESOURCE_DOES_NOT_EXIST');
      expect((await store.createModelVersion({ name, ...(await env.createSource()) })).version).toBe('3');
      const found = await store.searchModelVersions({ filter: `name = '${name}'` });
      expect(versionsOf(found.items).sort()).toEqual(['1', '3']);
    });

    it('transitions stages, archiving existing versions on request', async () => {
      const env = ctx.get();
      const { store } = env;
      const name = await modelWithVersions(env, 3);
      expect((await store.transitionModelVersionStage(name, '1', 'production', false)).current_stage).toBe(
        'Production',
      );
      expect((await store.transitionModelVersionStage(name, '2', 'Staging', false)).current_stage).toBe('Staging');
      const latestProd = await store.getLatestVersions(name, ['Production']);
      expect(versionsOf(latestProd)).toEqual(['1']);
      await store.transitionModelVersionStage(name, '3', 'PRODUCTION', true);
      expect((await store.getModelVersion(name, '1')).current_stage).toBe('Archived');
      expect((await store.getModelVersion(name, '2')).current_stage).toBe('Staging');
      const latest = await store.getLatestVersions(name);
      const byStage = Object.fromEntries(latest.map((v) => [v.current_stage, v.version]));
      expect(byStage).toEqual({ Production: '3', Staging: '2', Archived: '1' });
      expect(versionsOf(await store.getLatestVersions(name, ['none']))).toEqual([]);
      await expectMlflowError(store.transitionModelVersionStage(name, '1', 'Prod', false), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(
        store.transitionModelVersionStage(name, '1', 'Archived', true),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('searches model versions with filters, order and pages', async () => {
      const env = ctx.get();
      const { store } = env;
      const name = await modelWithVersions(env, 5, 'conf-mv-search');
      await store.setModelVersionTag(name, '4', 'flag', 'yes');
      const filter = `name = '${name}'`;
      expect(versionsOf((await store.searchModelVersions({ filter, order_by: ['version_number ASC'] })).items)).toEqual(
        ['1', '2', '3', '4', '5'],
      );
      expect(
        versionsOf((await store.searchModelVersions({ filter: `${filter} AND tags.flag = 'yes'` })).items),
      ).toEqual(['4']);
      // MLflow's clients append the prompt filter to every version search; versions without the tag match.
      expect(
        versionsOf(
          (
            await store.searchModelVersions({
              filter: `${filter} AND tags.flag = 'yes' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`,
            })
          ).items,
        ),
      ).toEqual(['4']);
      expect(
        versionsOf(
          (
            await store.searchModelVersions({
              filter: `${filter} AND version_number >= 4`,
              order_by: ['version_number DESC'],
            })
          ).items,
        ),
      ).toEqual(['5', '4']);
      const v1 = await store.getModelVersion(name, '1');
      if (v1.run_id) {
        const byRun = await store.searchModelVersions({ filter: `run_id = '${v1.run_id}'` });
        expect(byRun.items.map((v) => `${v.name}/${v.version}`)).toContain(`${name}/1`);
      }
      const paged = await readAllPages((page_token) =>
        store.searchModelVersions({ filter, order_by: ['version_number ASC'], max_results: 2, page_token }),
      );
      expect(versionsOf(paged.items)).toEqual(['1', '2', '3', '4', '5']);
      expect(paged.pages).toBe(3);
    });

    it('assigns distinct version numbers to concurrent creators', async () => {
      const env = ctx.get();
      const name = uniqueName('conf-mv-concurrent');
      await env.store.createRegisteredModel({ name });
      const sources = await Promise.all(Array.from({ length: 8 }, () => env.createSource()));
      const created = await Promise.all(sources.map((s) => env.store.createModelVersion({ name, ...s })));
      expect(
        versionsOf(created)
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const all = await env.store.searchModelVersions({ filter: `name = '${name}'` });
      expect(all.items).toHaveLength(8);
    });
  });

  describe('aliases', () => {
    it('sets, moves, reads and deletes aliases', async () => {
      const { store } = ctx.get();
      const name = await aliasedModel(ctx.get(), { champion: '1', challenger: '2' });
      expect((await store.getModelVersionByAlias(name, 'champion')).version).toBe('1');
      expect((await store.getModelVersion(name, '1')).aliases).toEqual(['champion']);
      const model = await store.getRegisteredModel(name);
      expect(model.aliases.sort((a, b) => a.alias.localeCompare(b.alias))).toEqual([
        { alias: 'challenger', version: '2' },
        { alias: 'champion', version: '1' },
      ]);
      await store.setRegisteredModelAlias(name, 'champion', '2');
      const v2 = await store.getModelVersionByAlias(name, 'champion');
      expect(v2.version).toBe('2');
      expect(v2.aliases.sort()).toEqual(['challenger', 'champion']);
      expect((await store.getModelVersion(name, '1')).aliases).toEqual([]);
      await store.deleteRegisteredModelAlias(name, 'challenger');
      const gone = await expectMlflowError(store.getModelVersionByAlias(name, 'challenger'), 'INVALID_PARAMETER_VALUE');
      expect(gone.message).toContain('challenger');
    });

    it('refuses reserved and malformed alias names and unknown versions', async () => {
      const env = ctx.get();
      const name = await modelWithVersions(env, 1, 'conf-alias');
      for (const alias of ['latest', 'Latest', 'v1', 'V12', 'bad alias', '']) {
        await expectMlflowError(env.store.setRegisteredModelAlias(name, alias, '1'), 'INVALID_PARAMETER_VALUE');
      }
      await expectMlflowError(env.store.setRegisteredModelAlias(name, 'prod', '5'), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(env.store.getModelVersionByAlias(name, 'nope'), 'INVALID_PARAMETER_VALUE');
    });

    it('drops the aliases of a deleted version', async () => {
      const { store } = ctx.get();
      const name = await aliasedModel(ctx.get(), { stable: '1', keep: '2' });
      await store.deleteModelVersion(name, '1');
      await expectMlflowError(store.getModelVersionByAlias(name, 'stable'), 'INVALID_PARAMETER_VALUE');
      expect((await store.getRegisteredModel(name)).aliases).toEqual([{ alias: 'keep', version: '2' }]);
    });
  });
}
