/**
 * createLoggedModel is durable when it resolves (meta.yaml, the model's folder and the models/
 * folder synced; params and tags before meta.yaml), and what a crash can leave of a model being
 * created — an empty or zero-filled meta.yaml — is no model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { expectMlflowError } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import { hasProcFds, spySyncs } from '../../test/sync-spy.js';

describe('store-fs logged models: durable create, crash leftovers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-model-sync-'));
  const root = path.join(dir, 'mlruns');
  const store = createFsTrackingStore({ root, cacheDir: null, durability: 'fsync' });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasProcFds)('createLoggedModel resolves once meta.yaml and its folders are synced', async () => {
    const log = spySyncs();
    const m = await store.createLoggedModel!({ experiment_id: '0', name: 'plain' });
    vi.restoreAllMocks();
    const modelDir = path.join(root, '0', 'models', m.info.model_id);
    expect(log).toEqual(
      expect.arrayContaining([
        `data:${path.join(modelDir, 'meta.yaml')}`,
        `dir:${modelDir}`,
        `dir:${path.dirname(modelDir)}`,
      ]),
    );
    expect(fs.readdirSync(modelDir).sort()).toEqual(['meta.yaml', 'metrics', 'params']);
  });

  it.skipIf(!hasProcFds)('params and tags are synced before meta.yaml is', async () => {
    const log = spySyncs();
    const m = await store.createLoggedModel!({
      experiment_id: '0',
      name: 'with-keys',
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'team', value: 'a' }],
    });
    vi.restoreAllMocks();
    const modelDir = path.join(root, '0', 'models', m.info.model_id);
    const meta = log.indexOf(`data:${path.join(modelDir, 'meta.yaml')}`);
    for (const before of [
      `data:${path.join(modelDir, 'params', 'lr')}`,
      `data:${path.join(modelDir, 'tags', 'team')}`,
      `dir:${path.join(modelDir, 'params')}`,
      `dir:${path.join(modelDir, 'tags')}`,
    ]) {
      expect(log.indexOf(before), before).toBeGreaterThanOrEqual(0);
      expect(log.indexOf(before), before).toBeLessThan(meta);
    }
    const got = await store.getLoggedModel!(m.info.model_id);
    expect(got.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(got.info.tags).toEqual([{ key: 'team', value: 'a' }]);
  });

  it.skipIf(!hasProcFds)("durability 'none' (MLFLOW_TS_FSYNC=0, server --no-fsync) syncs nothing", async () => {
    const scratch = createFsTrackingStore({ root: path.join(dir, 'scratch'), cacheDir: null, durability: 'none' });
    const log = spySyncs();
    await scratch.createLoggedModel!({ experiment_id: '0', name: 'scratch', params: [{ key: 'a', value: '1' }] });
    vi.restoreAllMocks();
    expect(log).toEqual([]);
    await scratch.close();
  });

  for (const [label, text] of [
    ['empty', ''],
    ['zero-filled', '\0'.repeat(180)],
  ] as const) {
    it(`a model folder with an ${label} meta.yaml is no model, and search skips it`, async () => {
      const m = await store.createLoggedModel!({ experiment_id: '0', name: `crashed-${label}` });
      fs.writeFileSync(path.join(root, '0', 'models', m.info.model_id, 'meta.yaml'), text);
      await expectMlflowError(store.getLoggedModel!(m.info.model_id), 'RESOURCE_DOES_NOT_EXIST');
      const found = await store.searchLoggedModels!({ experiment_ids: ['0'], max_results: 1000 });
      expect(found.items.map((x) => x.info.model_id)).not.toContain(m.info.model_id);
      expect(found.items.length).toBeGreaterThan(0);
    });
  }
});
