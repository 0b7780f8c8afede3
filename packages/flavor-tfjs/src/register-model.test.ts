import { describe, expect, it } from 'vitest';
import { MlflowClient } from '@mlflow-ts/client';
import {
  createMemoryArtifactRepository,
  createMemoryRegistryStore,
  createMemoryTrackingStore,
} from '@mlflow-ts/format/testing';
import { registerModel } from './register-model.js';

function client(): MlflowClient {
  const repo = createMemoryArtifactRepository();
  return new MlflowClient({
    trackingUri: 'memory:',
    stores: { tracking: createMemoryTrackingStore(), registry: createMemoryRegistryStore(), artifacts: () => repo },
  });
}

describe('registerModel', () => {
  it('creates the registered model once, a version per call from the run artifact location, and moves the alias', async () => {
    const c = client();
    const run = await c.createRun('0');
    const first = await registerModel(c, 'digits', run.info.run_id, 'model', { alias: 'champion' });
    expect(first.version).toBe('1');
    expect(first.source).toBe(`${run.info.artifact_uri.replace(/\/+$/, '')}/model`);
    expect(first.run_id).toBe(run.info.run_id);
    const second = await registerModel(c, 'digits', run.info.run_id, '/model/', { alias: 'champion' });
    expect(second.version).toBe('2');
    expect((await c.getModelVersionByAlias('digits', 'champion')).version).toBe('2');
    expect((await c.searchModelVersions({ filterString: "name = 'digits'" })).items).toHaveLength(2);
  });
});
