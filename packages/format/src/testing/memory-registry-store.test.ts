import { describe, expect, it } from 'vitest';
import { expectMlflowError } from './conformance-helpers.js';
import { createMemoryRegistryStore } from './memory-registry-store.js';
import { runRegistryStoreConformance } from './registry-store-conformance.js';

runRegistryStoreConformance('memory', async () => ({ store: createMemoryRegistryStore() }));

describe('createMemoryRegistryStore', () => {
  it('resolves the alias "latest" to the highest live version', async () => {
    const store = createMemoryRegistryStore();
    await store.createRegisteredModel({ name: 'm' });
    for (let i = 0; i < 3; i++) await store.createModelVersion({ name: 'm', source: `runs:/${i}/model` });
    await store.deleteModelVersion('m', '3');
    expect((await store.getModelVersionByAlias('m', 'LATEST')).version).toBe('2');
  });

  it('refuses sources that climb out of their root, even URL-encoded', async () => {
    const store = createMemoryRegistryStore();
    await store.createRegisteredModel({ name: 'm' });
    for (const source of ['file:///a/../etc', 'runs:/x/%2E%2E/y', 's3://b/%252E%252E/x', 'a\0b']) {
      await expectMlflowError(store.createModelVersion({ name: 'm', source }), 'INVALID_PARAMETER_VALUE');
    }
    await expectMlflowError(store.createModelVersion({ name: 'm', source: '' }), 'INVALID_PARAMETER_VALUE');
  });

  it('keeps a model’s aliases and tags across a rename', async () => {
    const store = createMemoryRegistryStore();
    await store.createRegisteredModel({ name: 'a', tags: [{ key: 't', value: '1' }] });
    await store.createModelVersion({ name: 'a', source: 'runs:/r/model' });
    await store.setRegisteredModelAlias('a', 'prod', '1');
    await store.renameRegisteredModel('a', 'b');
    const v = await store.getModelVersionByAlias('b', 'prod');
    expect(v).toMatchObject({ name: 'b', version: '1', aliases: ['prod'] });
    expect((await store.getRegisteredModel('b')).tags).toEqual([{ key: 't', value: '1' }]);
  });
});
