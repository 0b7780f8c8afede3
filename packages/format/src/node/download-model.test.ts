import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArtifactRepository } from '../artifact-repository.js';
import {
  createMemoryArtifactRepository,
  createMemoryRegistryStore,
  createMemoryTrackingStore,
  expectMlflowError,
} from '../testing/index.js';
import { downloadModel } from './download-model.js';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `format-dl-${prefix}`));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

const ROOT = 'mem://bucket';

/** One in-memory bucket; the factory opens it at any `mem://bucket/<prefix>`, as an S3 repository would. */
function bucket() {
  const store = createMemoryArtifactRepository(ROOT);
  const at = (rootUri: string): ArtifactRepository => {
    if (!rootUri.startsWith(ROOT)) throw new Error(`unexpected artifact URI ${rootUri}`);
    const prefix = rootUri.slice(ROOT.length).replace(/^\/+|\/+$/g, '');
    const full = (p?: string) => [prefix, p ?? ''].filter((s) => s !== '').join('/');
    const strip = (p: string) => (prefix === '' ? p : p.slice(prefix.length + 1));
    return {
      specificationVersion: 'v1',
      rootUri,
      listArtifacts: async (p) => (await store.listArtifacts(full(p))).map((f) => ({ ...f, path: strip(f.path) })),
      readArtifact: (p) => store.readArtifact(full(p)),
      writeArtifact: (p, data) => store.writeArtifact(full(p), data),
    };
  };
  return { store, at };
}

async function setup() {
  const { store, at } = bucket();
  const tracking = createMemoryTrackingStore({ artifactRoot: `${ROOT}/mlruns` });
  const registry = createMemoryRegistryStore();
  const run = (await tracking.createRun({})).info;
  const runPrefix = run.artifact_uri.slice(ROOT.length + 1);
  await store.writeArtifact(`${runPrefix}/model/MLmodel`, new TextEncoder().encode('flavors: {}\n'));
  await store.writeArtifact(`${runPrefix}/model/data/w.bin`, new Uint8Array([1, 2, 3]));
  // A version whose source holds the model one folder down: models:/m/1/inner names it.
  await store.writeArtifact('models/one/inner/MLmodel', new TextEncoder().encode('flavors: {}\n'));
  await registry.createRegisteredModel({ name: 'm' });
  await registry.createModelVersion({ name: 'm', source: `${ROOT}/models/one` });
  await registry.createModelVersion({ name: 'm', source: `runs:/${run.run_id}/model` });
  // An MLflow 3 logged model: models:/<model_id> through the tracking store's getLoggedModel.
  const logged = (await tracking.createLoggedModel!({ experiment_id: '0' })).info;
  await store.writeArtifact(
    `${logged.artifact_uri.slice(ROOT.length + 1)}/MLmodel`,
    new TextEncoder().encode('flavors: {}\n'),
  );
  return { store, stores: { tracking, registry, artifacts: at }, run, logged };
}

describe('downloadModel', () => {
  it('downloads runs:/, models:/name/version, models:/name/version/sub and models:/<model_id>', async () => {
    const { stores, run, logged } = await setup();
    const tmpDir = tempDir('tmp-');
    for (const [uri, file] of [
      [`runs:/${run.run_id}/model`, 'data/w.bin'],
      ['models:/m/2', 'data/w.bin'],
      ['models:/m/2/MLmodel', 'data/w.bin'],
      ['models:/m/1/inner', 'MLmodel'],
      [`models:/${logged.model_id}`, 'MLmodel'],
    ] as const) {
      const local = await downloadModel(uri, stores, { tmpDir });
      expect(local.downloaded).toBe(true);
      expect(fs.existsSync(path.join(local.dir, 'MLmodel'))).toBe(true);
      expect(fs.existsSync(path.join(local.dir, file))).toBe(true);
      await local.cleanup();
      expect(fs.readdirSync(tmpDir)).toEqual([]);
    }
    const fromLogged = await downloadModel(`models:/${logged.model_id}`, stores, { tmpDir });
    expect(fromLogged.location).toBe(logged.artifact_uri);
    await fromLogged.cleanup();
  });

  it('uses local models in place: plain paths, file:///abs, file:relative and the MLmodel file', async () => {
    const dir = tempDir('local-');
    fs.writeFileSync(path.join(dir, 'MLmodel'), 'flavors: {}\n');
    const relative = path.relative(process.cwd(), dir);
    for (const uri of [dir, `file://${dir}`, `file:${relative}`, relative, path.join(dir, 'MLmodel')]) {
      const local = await downloadModel(uri);
      expect(local).toMatchObject({ dir, downloaded: false });
      await local.cleanup();
      expect(fs.existsSync(dir)).toBe(true);
    }
    fs.writeFileSync(path.join(dir, 'other.txt'), 'x');
    await expectMlflowError(downloadModel(path.join(dir, 'other.txt')), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(downloadModel(path.join(dir, 'missing')), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('streams: a file is on disk while its last chunks are still being read', async () => {
    const { stores, run } = await setup();
    const tmpDir = tempDir('stream-');
    const chunk = 256 * 1024;
    const chunks = 32;
    const sizesSeen: number[] = [];
    const onDisk = () => {
      const found = fs.readdirSync(tmpDir, { recursive: true, encoding: 'utf8' }).find((p) => p.endsWith('big.bin'));
      return found ? fs.statSync(path.join(tmpDir, found)).size : 0;
    };
    const artifacts = (uri: string): ArtifactRepository => {
      const inner = stores.artifacts(uri);
      return {
        ...inner,
        listArtifacts: async (p) => {
          const list = await inner.listArtifacts(p);
          return (p ?? '') === '' ? [...list, { path: 'big.bin', is_dir: false, file_size: chunk * chunks }] : list;
        },
        readArtifact: async (p) => {
          if (p !== 'big.bin') return inner.readArtifact(p);
          return (async function* () {
            for (let i = 0; i < chunks; i++) {
              sizesSeen.push(onDisk());
              yield new Uint8Array(chunk).fill(i);
            }
          })();
        },
      };
    };
    const local = await downloadModel(`runs:/${run.run_id}/model`, { ...stores, artifacts }, { tmpDir });
    expect(fs.statSync(path.join(local.dir, 'big.bin')).size).toBe(chunk * chunks);
    // Buffering the whole file would leave nothing on disk until the source is exhausted.
    expect(sizesSeen.at(-1)).toBeGreaterThanOrEqual(chunk * (chunks / 2));
    await local.cleanup();
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });

  it('removes its temporary directory when a download fails or holds no model', async () => {
    const { stores, run, store } = await setup();
    const tmpDir = tempDir('fail-');
    const failing = (uri: string): ArtifactRepository => ({
      ...stores.artifacts(uri),
      readArtifact: async () =>
        (async function* () {
          yield new Uint8Array(1024);
          throw new Error('connection reset');
        })(),
    });
    await expect(
      downloadModel(`runs:/${run.run_id}/model`, { ...stores, artifacts: failing }, { tmpDir }),
    ).rejects.toThrow('connection reset');
    expect(fs.readdirSync(tmpDir)).toEqual([]);
    await store.writeArtifact('not-a-model/readme.txt', new Uint8Array([1]));
    await expectMlflowError(downloadModel(`${ROOT}/not-a-model`, stores, { tmpDir }), 'RESOURCE_DOES_NOT_EXIST');
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });

  it('names the store a URI needs when it is missing', async () => {
    const { stores, run, logged } = await setup();
    await expectMlflowError(
      downloadModel(`runs:/${run.run_id}/model`, { registry: stores.registry }),
      'INVALID_PARAMETER_VALUE',
    );
    await expectMlflowError(downloadModel('models:/m/1', { tracking: stores.tracking }), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(
      downloadModel(`models:/${logged.model_id}`, { registry: stores.registry }),
      'INVALID_PARAMETER_VALUE',
    );
    await expectMlflowError(
      downloadModel(`runs:/${run.run_id}/model`, { tracking: stores.tracking }),
      'INVALID_PARAMETER_VALUE',
    );
    await expectMlflowError(
      downloadModel('models:/m/2', { registry: stores.registry, artifacts: stores.artifacts }),
      'INVALID_PARAMETER_VALUE',
    );
  });
});
