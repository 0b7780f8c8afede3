/** The registry MLflow 3.2 wrote (wine-quality-predictor), read through the fs registry store. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { copyFixtureStore } from '../../test/temp-store.js';
import { createFsRegistryStore } from './fs-registry-store.js';
import { resolveModelUri } from '@mlflow-ts/format';

const FIXTURE = '160103126__mlflow-fastapi-wine';
const NAME = 'wine-quality-predictor';
const LOCATION =
  'file:///C:/Users/prade/Documents/MLFlow_E2E_wine_predict/mlruns/895387645806649699/models/m-7b5b292a66ea4824a2aaedc5c3ea4bf4/artifacts';

function open() {
  const root = copyFixtureStore(FIXTURE);
  return { root, store: createFsRegistryStore({ root }) };
}

describe('reading the MLflow-written wine-quality-predictor registry', () => {
  it('reads the registered model with its aliases map, description and latest version', async () => {
    const { store } = open();
    const model = await store.getRegisteredModel(NAME);
    expect(model).toMatchObject({
      name: NAME,
      creation_timestamp: 1754670286480,
      last_updated_timestamp: 1754671232140,
      description: 'Optimized neural network for wine quality prediction',
      tags: [],
      aliases: [
        { alias: 'challenger', version: '1' },
        { alias: 'champion', version: '2' },
      ],
    });
    expect(model.latest_versions.map((v) => [v.version, v.current_stage])).toEqual([['2', 'None']]);
  });

  it('reads both versions exactly, including the empty strings MLflow stored', async () => {
    const { store } = open();
    expect(await store.getModelVersion(NAME, '1')).toEqual({
      name: NAME,
      version: '1',
      creation_timestamp: 1754670286528,
      last_updated_timestamp: 1754670286528,
      current_stage: 'None',
      description: '',
      source: LOCATION,
      run_id: '',
      status: 'READY',
      tags: [],
      run_link: '',
      aliases: ['challenger'],
      model_id: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4',
    });
    const v2 = await store.getModelVersion(NAME, '2');
    expect(v2).toMatchObject({ version: '2', source: `models:/${NAME}/1`, model_id: '', aliases: ['champion'] });
    // version 2 was registered from models:/…/1: its downloads come from the stored location
    expect(await store.getModelVersionDownloadUri(NAME, '2')).toBe(LOCATION);
  });

  it('answers aliases, searches and models:/ URIs over the fixture', async () => {
    const { root, store } = open();
    expect((await store.getModelVersionByAlias(NAME, 'champion')).version).toBe('2');
    expect((await store.getModelVersionByAlias(NAME, 'latest')).version).toBe('2');
    const page = await store.searchModelVersions({});
    expect(page.items.map((v) => v.version)).toEqual(['2', '1']); // last_updated_timestamp DESC
    expect((await store.searchRegisteredModels({ filter: "name LIKE 'wine%'" })).items.map((m) => m.name)).toEqual([
      NAME,
    ]);
    const tracking = createFsTrackingStore({ root });
    const opts = { registry: store, tracking };
    expect(await resolveModelUri(`models:/${NAME}@challenger/MLmodel`, opts)).toBe(`${LOCATION}/MLmodel`);
    expect(await resolveModelUri(`models:/${NAME}/latest`, opts)).toBe(LOCATION);
    expect(await resolveModelUri(`models:/${NAME}/None`, opts)).toBe(LOCATION);
  });

  it('adds versions after the existing ones and resolves a logged-model source', async () => {
    const { root, store } = open();
    const fromVersion = await store.createModelVersion({ name: NAME, source: `models:/${NAME}@champion` });
    expect(fromVersion.version).toBe('3');
    expect(await store.getModelVersionDownloadUri(NAME, '3')).toBe(LOCATION);
    const fromLogged = await store.createModelVersion({
      name: NAME,
      source: 'models:/m-7b5b292a66ea4824a2aaedc5c3ea4bf4',
    });
    expect(fromLogged).toMatchObject({ version: '4', run_id: 'a300d8876f2042bf86eb8cee1c072d55' });
    expect(await store.getModelVersionDownloadUri(NAME, '4')).toBe(LOCATION);
    const meta = fs.readFileSync(path.join(root, 'models', NAME, 'meta.yaml'), 'utf8');
    expect(meta).toContain("aliases:\n  challenger: '1'\n  champion: '2'\n");
    await expect(store.createModelVersion({ name: NAME, source: 'models:/m-doesnotexist' })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });
});
