/** fs-specific registry behaviour beyond the conformance suite. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectMlflowError } from '@mlflow-ts/format/testing';
import { tempDir } from '../../test/temp-store.js';
import { createFsRegistryStore } from './fs-registry-store.js';

const freshRoot = () => path.join(tempDir('registry-fs-'), 'mlruns');

describe('createFsRegistryStore', () => {
  it('hides prompts from searches unless the filter asks about them', async () => {
    const store = createFsRegistryStore({ root: freshRoot() });
    await store.createRegisteredModel({ name: 'model' });
    await store.createRegisteredModel({ name: 'prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    expect((await store.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['model']);
    const prompts = await store.searchRegisteredModels({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" });
    expect(prompts.items.map((m) => m.name)).toEqual(['prompt']);
  });

  it('sees changes made by another store on the same root (nothing is cached)', async () => {
    const root = freshRoot();
    const a = createFsRegistryStore({ root });
    const b = createFsRegistryStore({ root });
    await a.createRegisteredModel({ name: 'm' });
    await b.createModelVersion({ name: 'm', source: 'runs:/r/model' });
    await b.setRegisteredModelAlias('m', 'prod', '1');
    expect((await a.getModelVersionByAlias('m', 'prod')).version).toBe('1');
    await b.deleteRegisteredModel('m');
    await expectMlflowError(a.getRegisteredModel('m'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('ignores an alias file left pointing at a deleted version', async () => {
    const root = freshRoot();
    const store = createFsRegistryStore({ root });
    await store.createRegisteredModel({ name: 'm' });
    await store.createModelVersion({ name: 'm', source: 'runs:/r/model' });
    await store.deleteModelVersion('m', '1');
    // as if a crash had happened between marking the version deleted and removing its alias
    fs.mkdirSync(path.join(root, 'models', 'm', 'aliases'), { recursive: true });
    fs.writeFileSync(path.join(root, 'models', 'm', 'aliases', 'stale'), '1');
    await expectMlflowError(store.getModelVersionByAlias('m', 'stale'), 'INVALID_PARAMETER_VALUE');
    expect((await store.getRegisteredModel('m')).aliases).toEqual([]);
  });

  it('skips unreadable model directories in searches and reports them once', async () => {
    const root = freshRoot();
    const store = createFsRegistryStore({ root });
    await store.createRegisteredModel({ name: 'good' });
    fs.mkdirSync(path.join(root, 'models', 'broken'));
    fs.writeFileSync(path.join(root, 'models', 'broken', 'meta.yaml'), ': : not yaml [');
    expect((await store.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['good']);
    await store.searchRegisteredModels();
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]).toContain("'broken'");
  });

  it('refuses work once closed', async () => {
    const store = createFsRegistryStore({ root: freshRoot() });
    await store.close();
    await expectMlflowError(store.searchRegisteredModels(), 'INVALID_STATE');
  });
});
