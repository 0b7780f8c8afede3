import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMemoryRegistryStore } from '@mlflow-ts/format/testing';
import { MlflowClient } from './client.js';
import { defaultStoreRegistry } from './store-registry.js';

let root: string;
let client: MlflowClient;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-client-'));
  client = new MlflowClient({ trackingUri: path.join(root, 'mlruns'), env: {} });
});

afterEach(async () => {
  await client.close();
  await rm(root, { recursive: true, force: true });
});

describe('MlflowClient on a file store', () => {
  it('manages experiments and searches runs', async () => {
    const id = await client.createExperiment('exp-a', { tags: { owner: 'me' } });
    expect((await client.getExperimentByName('exp-a'))?.experiment_id).toBe(id);
    expect((await client.getExperiment(id)).tags).toEqual([{ key: 'owner', value: 'me' }]);
    await client.renameExperiment(id, 'exp-b');
    expect(await client.getExperimentByName('exp-a')).toBeNull();
    const names = (await client.searchExperiments()).items.map((e) => e.name).sort();
    expect(names).toEqual(['Default', 'exp-b']);

    const r1 = await client.createRun(id, { runName: 'one' });
    const r2 = await client.createRun(id, { runName: 'two' });
    await client.logMetric(r1.info.run_id, 'rmse', 0.5);
    await client.logMetric(r2.info.run_id, 'rmse', 1.5);
    const found = await client.searchRuns(id, { filterString: 'metrics.rmse < 1' });
    expect(found.items.map((r) => r.info.run_id)).toEqual([r1.info.run_id]);

    await client.deleteExperiment(id);
    expect((await client.getExperiment(id)).lifecycle_stage).toBe('deleted');
    await client.restoreExperiment(id);
    expect((await client.getExperiment(id)).lifecycle_stage).toBe('active');
  });

  it('logs batches, reads full metric history and terminates runs', async () => {
    const run = await client.createRun('0');
    const id = run.info.run_id;
    await client.logBatch(id, {
      params: [{ key: 'p', value: '1' }],
      metrics: [0, 1, 2].map((i) => ({ key: 'm', value: i * 10, timestamp: 1000 + i, step: i })),
      tags: [{ key: 't', value: 'v' }],
    });
    expect((await client.getMetricHistory(id, 'm')).map((m) => m.value)).toEqual([0, 10, 20]);
    const info = await client.setTerminated(id, 'KILLED', 5000);
    expect(info).toMatchObject({ status: 'KILLED', end_time: 5000 });
    await client.deleteTag(id, 't');
    expect((await client.getRun(id)).data.tags.find((t) => t.key === 't')).toBeUndefined();
  });

  it('rejects a non-number metric value with INVALID_PARAMETER_VALUE', async () => {
    const run = await client.createRun('0');
    await expect(client.logMetric(run.info.run_id, 'm', '1' as unknown as number)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });

  it('uploads, lists and downloads artifacts; logDict writes JSON or YAML by extension', async () => {
    const run = await client.createRun('0');
    const id = run.info.run_id;
    const dir = path.join(root, 'local');
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'a.txt'), 'A');
    await writeFile(path.join(dir, 'sub', 'b.txt'), 'BB');
    await client.logArtifacts(id, dir, 'data');
    await client.logArtifact(id, path.join(dir, 'a.txt'));
    await client.logDict(id, { k: [1, 2] }, 'conf/c.yaml');
    await client.logDict(id, { k: 'v' }, 'conf/c.json');

    expect(await client.listArtifacts(id)).toEqual([
      { path: 'a.txt', is_dir: false, file_size: 1 },
      { path: 'conf', is_dir: true },
      { path: 'data', is_dir: true },
    ]);
    expect((await client.listArtifacts(id, 'data')).map((f) => f.path)).toEqual(['data/a.txt', 'data/sub']);

    const dst = path.join(root, 'dl');
    const local = await client.downloadArtifacts(id, 'data', dst);
    expect(await readFile(path.join(local, 'sub', 'b.txt'), 'utf8')).toBe('BB');
    const conf = await client.downloadArtifacts(id, 'conf');
    expect(parseYaml(await readFile(path.join(conf, 'c.yaml'), 'utf8'))).toEqual({ k: [1, 2] });
    expect(JSON.parse(await readFile(path.join(conf, 'c.json'), 'utf8'))).toEqual({ k: 'v' });
  });

  it('answers registry calls with FEATURE_DISABLED when the store has no registry', async () => {
    const noRegistry = new MlflowClient({
      stores: {
        tracking: await client.trackingStore(),
        artifacts: () => {
          throw new Error('unused');
        },
      },
    });
    await expect(noRegistry.getRegisteredModel('m')).rejects.toMatchObject({ code: 'FEATURE_DISABLED' });
  });

  it('delegates registry calls to the registry the file factory was given', async () => {
    const roots: string[] = [];
    const withRegistry = new MlflowClient({
      trackingUri: path.join(root, 'mlruns'),
      env: {},
      storeRegistry: defaultStoreRegistry({
        registry: ({ root: r }) => {
          roots.push(r);
          return createMemoryRegistryStore();
        },
      }),
    });
    await withRegistry.createRegisteredModel('churn', { tags: { team: 'ml' }, description: 'd' });
    const v = await withRegistry.createModelVersion('churn', 'runs:/abc/model', { runId: 'abc' });
    expect(v.version).toBe('1');
    await withRegistry.setRegisteredModelAlias('churn', 'champion', 1);
    expect((await withRegistry.getModelVersionByAlias('churn', 'champion')).version).toBe('1');
    expect((await withRegistry.getRegisteredModel('churn')).tags).toEqual([{ key: 'team', value: 'ml' }]);
    expect((await withRegistry.searchRegisteredModels()).items.map((m) => m.name)).toEqual(['churn']);
    expect(roots).toEqual([path.join(root, 'mlruns')]);
  });

  it('names the tracking URI scheme it cannot open', async () => {
    const c = new MlflowClient({ trackingUri: 'postgres://db/mlflow', env: {} });
    await expect(c.getExperiment('0')).rejects.toThrow(/scheme 'postgres'/);
  });
});

describe('registerModel', () => {
  it('creates the model once and registers runs:/ URIs at the run artifact location with the run id', async () => {
    const run = await client.createRun('0');
    const v1 = await client.registerModel(`runs:/${run.info.run_id}/model`, 'clf', {
      alias: 'champion',
      tags: { t: '1' },
    });
    const v2 = await client.registerModel(`runs:/${run.info.run_id}/model`, 'clf');
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    expect(v1.source).toBe(`${run.info.artifact_uri}/model`);
    expect(v1.run_id).toBe(run.info.run_id);
    expect(v1.tags).toEqual([{ key: 't', value: '1' }]);
    expect((await client.getModelVersionByAlias('clf', 'champion')).version).toBe('1');
    expect(await client.getModelVersionDownloadUri('clf', '2')).toBe(`${run.info.artifact_uri}/model`);
  });

  it('refuses a source outside the store with the registry error', async () => {
    await expect(client.registerModel('file:///etc/passwd', 'bad')).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });
});
