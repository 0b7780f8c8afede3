/** What we write is what MLflow writes: the fixture registry, rebuilt through the store, byte for byte. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, tempDir } from '../../test/temp-store.js';
import { createFsRegistryStore } from './fs-registry-store.js';

const NAME = 'wine-quality-predictor';
const FIXTURE_MODEL = path.join(fixturesDir, '160103126__mlflow-fastapi-wine', 'mlruns', 'models', NAME);
const ARTIFACT_ROOT = 'file:///C:/Users/prade/Documents/MLFlow_E2E_wine_predict/mlruns';
const LOCATION = `${ARTIFACT_ROOT}/895387645806649699/models/m-7b5b292a66ea4824a2aaedc5c3ea4bf4/artifacts`;

/** Timestamps differ run to run; MLflow 3.2 also wrote three keys 3.6 no longer writes. */
function normalize(text: string): string {
  return text
    .replace(/(timestamp: )\d+/g, '$1<ts>')
    .split('\n')
    .filter((l) => !/^(aliases: \[\]|metrics: null|params: null)$/.test(l))
    .join('\n');
}

const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');

describe('registry files as MLflow writes them', () => {
  it('rebuilding wine-quality-predictor gives the fixture files', async () => {
    const root = path.join(tempDir('registry-layout-'), 'mlruns');
    const store = createFsRegistryStore({ root, allowedSourceRoots: [root, ARTIFACT_ROOT] });
    await store.createRegisteredModel({ name: NAME });
    await store.createModelVersion({ name: NAME, source: LOCATION, model_id: 'm-7b5b292a66ea4824a2aaedc5c3ea4bf4' });
    await store.createModelVersion({ name: NAME, source: `models:/${NAME}/1` });
    await store.updateRegisteredModel(NAME, { description: 'Optimized neural network for wine quality prediction' });
    await store.setRegisteredModelAlias(NAME, 'champion', '2');
    await store.setRegisteredModelAlias(NAME, 'challenger', '1');

    const ours = path.join(root, 'models', NAME);
    expect(normalize(read(ours, 'meta.yaml'))).toBe(normalize(read(FIXTURE_MODEL, 'meta.yaml')));
    for (const v of ['version-1', 'version-2']) {
      expect(normalize(read(ours, v, 'meta.yaml'))).toBe(normalize(read(FIXTURE_MODEL, v, 'meta.yaml')));
    }
    for (const alias of ['champion', 'challenger']) {
      expect(read(ours, 'aliases', alias)).toBe(read(FIXTURE_MODEL, 'aliases', alias));
    }
    // No lock or staging leftovers that MLflow would trip over.
    expect(fs.readdirSync(path.join(root, 'models'))).toEqual([NAME]);
    expect(fs.readdirSync(ours).sort()).toEqual(['aliases', 'meta.yaml', 'version-1', 'version-2']);
  });

  it('writes a new model with empty aliases, typed fields and tag files', async () => {
    const root = path.join(tempDir('registry-layout-'), 'mlruns');
    const store = createFsRegistryStore({ root });
    await store.createRegisteredModel({ name: 'm', tags: [{ key: 'team/area', value: 'ml' }] });
    const meta = read(root, 'models', 'm', 'meta.yaml');
    expect(meta).toMatch(
      /^aliases: \{\}\ncreation_timestamp: \d+\ndeployment_job_id: null\ndeployment_job_state: null\ndescription: ''\nlast_updated_timestamp: \d+\nname: m\n$/,
    );
    expect(read(root, 'models', 'm', 'tags', 'team', 'area')).toBe('ml');
    await store.createModelVersion({
      name: 'm',
      source: 'runs:/0123456789abcdef0123456789abcdef/model',
      run_id: '0123456789abcdef0123456789abcdef',
      tags: [{ key: 'k', value: 'v' }],
    });
    const v1 = read(root, 'models', 'm', 'version-1', 'meta.yaml');
    expect(v1).toContain('version: 1\n'); // an integer, not a string
    expect(v1).toContain(
      "run_id: 0123456789abcdef0123456789abcdef\nrun_link: ''\nsource: runs:/0123456789abcdef0123456789abcdef/model\nstatus: READY\n",
    );
    expect(read(root, 'models', 'm', 'version-1', 'tags', 'k')).toBe('v');
  });

  it('soft-deletes versions, removes their aliases, and removes or renames whole model directories', async () => {
    const root = path.join(tempDir('registry-layout-'), 'mlruns');
    const store = createFsRegistryStore({ root });
    await store.createRegisteredModel({ name: 'a' });
    await store.createModelVersion({ name: 'a', source: 'runs:/r1/model' });
    await store.createModelVersion({ name: 'a', source: 'runs:/r2/model' });
    await store.setRegisteredModelAlias('a', 'prod', '1');
    await store.transitionModelVersionStage('a', '2', 'staging', false);
    await store.deleteModelVersion('a', '1');
    const dir = path.join(root, 'models', 'a');
    expect(read(dir, 'version-1', 'meta.yaml')).toContain('current_stage: Deleted_Internal\n');
    expect(read(dir, 'version-2', 'meta.yaml')).toContain('current_stage: Staging\n');
    expect(fs.existsSync(path.join(dir, 'aliases', 'prod'))).toBe(false);
    expect(read(dir, 'meta.yaml')).toContain('aliases: {}\n');

    await store.renameRegisteredModel('a', 'b');
    expect(fs.readdirSync(path.join(root, 'models'))).toEqual(['b']);
    expect(read(root, 'models', 'b', 'meta.yaml')).toContain('name: b\n');
    expect(read(root, 'models', 'b', 'version-1', 'meta.yaml')).toContain('name: b\n');
    expect(read(root, 'models', 'b', 'version-2', 'meta.yaml')).toContain('name: b\n');
    // the deleted version's number stays taken after the rename
    expect((await store.createModelVersion({ name: 'b', source: 'runs:/r3/model' })).version).toBe('3');
    await store.deleteRegisteredModel('b');
    expect(fs.readdirSync(path.join(root, 'models'))).toEqual([]);
  });
});
