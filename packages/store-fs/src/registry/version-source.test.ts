/** Model-version sources that would let a server read arbitrary files are refused (CVE-2023-1177 class). */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectMlflowError } from '@mlflow-ts/format/testing';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';
import { createFsRegistryStore } from './fs-registry-store.js';

async function setup() {
  const base = tempDir('registry-src-');
  const root = path.join(base, 'mlruns');
  const tracking = createFsTrackingStore({ root });
  const store = createFsRegistryStore({ root, trackingStore: tracking });
  await store.createRegisteredModel({ name: 'm' });
  return { base, root, tracking, store };
}

describe('model version sources', () => {
  it('refuses file: URIs and paths outside the store, traversal in any encoding, NUL and queries', async () => {
    const { root, store } = await setup();
    const inside = pathToFileURL(path.join(root, '0', 'x')).href;
    const bad = [
      'file:///etc/passwd',
      '/etc/passwd',
      `${inside}/../../../../etc/passwd`,
      `${inside}/%2E%2E/%2E%2E/%2E%2E/etc/passwd`,
      `${inside}/%252e%252e/%252e%252e/etc/passwd`,
      `${inside}/..%2f..%2f..%2fetc/passwd`,
      'runs:/abc/../../etc/passwd',
      'runs:/abc/%2e%2e/%2e%2e/x',
      'models:/m/1/%2E%2E/secret',
      `${inside}/a%00b`,
      `${inside}?x=1`,
      'relative/path',
      's3://bucket/model',
      'http://169.254.169.254/latest/meta-data',
      '',
    ];
    for (const source of bad) {
      const e = await expectMlflowError(store.createModelVersion({ name: 'm', source }), 'INVALID_PARAMETER_VALUE');
      if (source) expect(e.message).toContain(source);
    }
    // nothing was created by any refused attempt
    expect(fs.readdirSync(path.join(root, 'models', 'm')).filter((n) => n.startsWith('version-'))).toEqual([]);
  });

  it('refuses a symlink inside the store that leads outside it', async () => {
    const { base, root, store } = await setup();
    const outside = path.join(base, 'outside');
    fs.mkdirSync(outside);
    fs.mkdirSync(path.join(root, '0'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, '0', 'link'));
    await expectMlflowError(
      store.createModelVersion({ name: 'm', source: path.join(root, '0', 'link', 'model') }),
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('accepts local sources inside the store and inside the named run’s artifact directory', async () => {
    const { base, store, tracking } = await setup();
    const { info } = await tracking.createRun({});
    const v1 = await store.createModelVersion({ name: 'm', source: `${info.artifact_uri}/model`, run_id: info.run_id });
    expect(v1.source).toBe(`${info.artifact_uri}/model`);
    // a run whose artifacts live outside the store root: allowed for that run only
    const elsewhere = path.join(base, 'artifacts-elsewhere');
    const expId = await tracking.createExperiment({ name: 'ext', artifact_location: pathToFileURL(elsewhere).href });
    const ext = await tracking.createRun({ experiment_id: expId });
    const source = `${ext.info.artifact_uri}/model`;
    expect((await store.createModelVersion({ name: 'm', source, run_id: ext.info.run_id })).version).toBe('2');
    await expectMlflowError(store.createModelVersion({ name: 'm', source }), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(
      store.createModelVersion({ name: 'm', source, run_id: info.run_id }),
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('resolves runs:/ download URIs through the tracking store', async () => {
    const { store, tracking } = await setup();
    const { info } = await tracking.createRun({});
    await store.createModelVersion({ name: 'm', source: `runs:/${info.run_id}/model`, run_id: info.run_id });
    expect(await store.getModelVersionDownloadUri('m', '1')).toBe(`${info.artifact_uri}/model`);
    const plain = createFsRegistryStore({ root: tracking.root });
    expect(await plain.getModelVersionDownloadUri('m', '1')).toBe(`runs:/${info.run_id}/model`);
  });
});
