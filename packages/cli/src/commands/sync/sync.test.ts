/**
 * `mlflow-ts sync` against our real tracking server (REST on 127.0.0.1, port 0, store-fs behind it,
 * proxied artifacts): everything arrives, server runs carry their local ids in a tag, a second sync
 * writes nothing, a lost journal duplicates nothing, and a sync stopped at any point and resumed ends
 * with the same data.
 */
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsRegistryStore, createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createStoreServer, type StoreServer } from '@mlflow-ts/store-grpc/server';
import {
  buildSourceFixture,
  copyCommand,
  fsStores,
  snapshotOf,
  type SourceFixture,
} from '../../../test/copy-fixture.js';
import { runCli } from '../../../test/cli-harness.js';
import { copyStores, openCheckpoint, SOURCE_RUN_TAG } from '../../copy/index.js';
import { openSide } from '../db/migrate-stores.js';

let dir: string;
let src: string;
let fixture: SourceFixture;
let server: { url: string; close(): Promise<void> };

async function startServer(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const tracking = createFsTrackingStore({
    root: path.join(root, 'mlruns'),
    defaultArtifactRoot: 'mlflow-artifacts:/',
    cacheDir: null,
  });
  const registry = createFsRegistryStore({ root: path.join(root, 'mlruns'), trackingStore: tracking });
  const s: StoreServer = createStoreServer({
    tracking,
    registry,
    artifacts: { root: path.join(root, 'mlartifacts') },
    port: 0,
    log: () => undefined,
  });
  const { httpPort } = await s.listen();
  return {
    url: `http://127.0.0.1:${httpPort}`,
    close: async () => {
      await s.close();
      await registry.close();
      await tracking.close?.();
    },
  };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-sync-'));
  src = path.join(dir, 'offline', 'mlruns');
  fixture = await buildSourceFixture(src);
  server = await startServer(path.join(dir, 'server'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const sync = (...args: string[]) => copyCommand(['sync', src, server.url, ...args]);
const serverSnapshot = () => snapshotOf(server.url, true);
const localSnapshot = () => snapshotOf(src, true);

describe('mlflow-ts sync', () => {
  it('pushes everything to the server; runs are tagged with their local ids; a second sync writes nothing', async () => {
    const first = await sync();
    expect(first.runs).toEqual({ copied: 6, alreadyDone: 0, total: 6 });
    expect(first.metricPoints).toBe(fixture.metricPoints);
    expect(first.artifacts).toEqual({ files: 2, bytes: 70_005 });
    expect(first.warnings).toEqual([]);
    expect(path.dirname(first.state_file)).toBe(src);
    expect(Object.keys(first.runIdChanges).sort()).toEqual(Object.values(fixture.runIds).sort());
    const want = await localSnapshot();
    expect(await serverSnapshot()).toEqual(want);
    const side = await openSide(server.url, { env: {} });
    const run = await side.stores.tracking.getRun(first.runIdChanges[fixture.runIds.main]!);
    expect(run.data.tags).toContainEqual({ key: SOURCE_RUN_TAG, value: fixture.runIds.main });
    expect(run.info.artifact_uri).toMatch(/^mlflow-artifacts:\//);
    await side.close();

    const again = await sync();
    expect(again.runs).toEqual({ copied: 1, alreadyDone: 5, total: 6 });
    expect(again.metricPoints).toBe(0);
    expect(again.artifacts?.files).toBe(0);
    expect(await serverSnapshot()).toEqual(want);

    // New offline work since: only it goes over.
    const local = createFsTrackingStore({ root: src, cacheDir: null });
    await local.logMetric(fixture.runIds.running, { key: 'loss', value: 2, timestamp: 3002, step: 1 });
    await local.updateRun(fixture.runIds.running, { status: 'FINISHED', end_time: 3100 });
    await local.close?.();
    const third = await sync();
    expect(third.metricPoints).toBe(1);
    expect(await serverSnapshot()).toEqual(await localSnapshot());

    // The journal lost: the source-run tags find every run again.
    await unlink(first.state_file);
    const fourth = await sync();
    expect(fourth.metricPoints).toBe(0);
    expect(await serverSnapshot()).toEqual(await localSnapshot());
  });

  it('a sync stopped before any write and resumed loses nothing and duplicates nothing', async () => {
    const want = await localSnapshot();
    const local = fsStores(src);
    let total = 0;
    {
      const side = await openSide(server.url, { env: {} });
      const checkpoint = openCheckpoint(null, 'offline', server.url);
      await copyStores(local, side.stores, {
        checkpoint,
        artifacts: true,
        artifactLocations: 'target',
        beforeWrite: () => void total++,
      });
      await side.close();
    }
    expect(total).toBeGreaterThan(10);
    const stops = [...new Set([1, 3, 6, Math.floor(total / 3), Math.floor(total / 2), total - 1])];
    for (const stop of stops) {
      await server.close();
      server = await startServer(path.join(dir, `server-${stop}`));
      const journal = path.join(dir, `journal-${stop}`);
      let n = 0;
      const attempt = async (failAt?: number) => {
        const side = await openSide(server.url, { env: {} });
        const checkpoint = openCheckpoint(journal, 'offline', server.url);
        try {
          return await copyStores(local, side.stores, {
            checkpoint,
            artifacts: true,
            artifactLocations: 'target',
            beforeWrite: () => {
              if (failAt !== undefined && ++n === failAt) throw new Error(`stopped before write ${failAt}`);
            },
          });
        } finally {
          checkpoint.close();
          await side.close();
        }
      };
      await expect(attempt(stop)).rejects.toThrow(`stopped before write ${stop}`);
      await attempt();
      expect(await serverSnapshot(), `stopped before write ${stop}`).toEqual(want);
    }
    await local.close();
  }, 240_000);

  it('refuses a target that is not a server and a source that is not a folder', async () => {
    const r = await runCli(['sync', src, path.join(dir, 'elsewhere')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a tracking server URL');
    const s = await runCli(['sync', `sqlite:///${path.join(dir, 'x.db')}`, server.url]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('is not an mlruns folder');
  });
});
