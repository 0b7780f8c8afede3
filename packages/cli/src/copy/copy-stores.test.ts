/**
 * The copier on real stores: mlruns → mlruns (ids kept through importRun/importExperiment) and
 * mlruns → memory stores (ids assigned by the target, mapped and tagged), everything compared with an
 * id-independent snapshot; a copy stopped before its n-th write and resumed from its journal (for
 * many n) ends with exactly the same data, nothing lost and nothing twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactRepository } from '@mlflow-ts/format';
import {
  createMemoryArtifactRepository,
  createMemoryRegistryStore,
  createMemoryTrackingStore,
} from '@mlflow-ts/format/testing';
import { buildSourceFixture, fsStores, snapshotStores, type SourceFixture } from '../../test/copy-fixture.js';
import { openCheckpoint } from './checkpoint.js';
import { copyStores } from './copy-stores.js';
import type { CopyOptions, StoreSet } from './types.js';

let dir: string;
let fixture: SourceFixture;
let srcRoot: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-copy-'));
  srcRoot = path.join(dir, 'src');
  fixture = await buildSourceFixture(srcRoot);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memoryStores(): StoreSet {
  const repos = new Map<string, ArtifactRepository>();
  return {
    tracking: createMemoryTrackingStore(),
    registry: createMemoryRegistryStore(),
    artifacts: (uri) => {
      let repo = repos.get(uri);
      if (!repo) repos.set(uri, (repo = createMemoryArtifactRepository(uri)));
      return repo;
    },
  };
}

async function copyOnce(source: StoreSet, target: StoreSet, journal: string, extra: Partial<CopyOptions> = {}) {
  const checkpoint = openCheckpoint(journal, 'src', 'dst');
  let writes = 0;
  try {
    const summary = await copyStores(source, target, {
      checkpoint,
      artifacts: true,
      artifactLocations: 'target',
      ...extra,
      beforeWrite: () => {
        writes++;
        extra.beforeWrite?.();
      },
    });
    return { summary, writes };
  } finally {
    checkpoint.close();
  }
}

describe('copyStores', () => {
  it('mlruns → mlruns: everything, with run and experiment ids kept; a second copy writes nothing', async () => {
    const source = fsStores(srcRoot);
    const target = fsStores(path.join(dir, 'dst'));
    const journal = path.join(dir, 'journal');
    const { summary } = await copyOnce(source, target, journal);
    expect(summary.runs).toEqual({ copied: 6, alreadyDone: 0, total: 6 });
    expect(summary.metricPoints).toBe(fixture.metricPoints);
    expect(summary.runIdChanges).toEqual({});
    expect(summary).toMatchObject({ loggedModels: 1, traces: 1, registeredModels: 2, modelVersions: 3, params: 151 });
    expect(summary.artifacts).toEqual({ files: 2, bytes: 70_005 });
    expect(summary.warnings).toEqual([]);
    const want = await snapshotStores(source, { artifacts: true });
    expect(await snapshotStores(target, { artifacts: true })).toEqual(want);
    // Ids as they were: runs, experiments; NaN and ±Inf points intact.
    const main = await target.tracking.getRun(fixture.runIds.main);
    expect(main.info.experiment_id).toBe((await source.tracking.getRun(fixture.runIds.main)).info.experiment_id);
    const loss = (await target.tracking.getMetricHistory(fixture.runIds.main, 'loss')).items;
    expect(loss).toHaveLength(2500);
    expect(loss[7]?.value).toBeNaN();
    expect(loss.slice(8, 10).map((m) => m.value)).toEqual([Infinity, -Infinity]);
    expect((await target.tracking.getRun(fixture.runIds.inDeletedExp)).info.lifecycle_stage).toBe('deleted');

    const again = await copyOnce(source, target, journal);
    expect(again.writes).toBe(0);
    expect(again.summary.runs).toEqual({ copied: 1, alreadyDone: 5, total: 6 }); // the RUNNING run is looked at again
    expect(await snapshotStores(target, { artifacts: true })).toEqual(want);
    await source.close();
    await target.close();
  });

  it('mlruns → stores that assign their own ids: mapped, tagged, and found again without the journal', async () => {
    const source = fsStores(srcRoot);
    const target = memoryStores();
    const { summary } = await copyOnce(source, target, path.join(dir, 'journal'));
    expect(Object.keys(summary.runIdChanges).sort()).toEqual(Object.values(fixture.runIds).sort());
    const want = await snapshotStores(source, { artifacts: true });
    expect(await snapshotStores(target, { artifacts: true })).toEqual(want);
    // With the journal lost, the source-id tags stop a second copy from duplicating anything.
    const fresh = await copyOnce(source, target, path.join(dir, 'other-journal'));
    expect(fresh.summary.modelVersions).toBe(0);
    expect(await snapshotStores(target, { artifacts: true })).toEqual(want);
    const runs = await target.tracking.searchRuns({
      experiment_ids: (await target.tracking.searchExperiments({ view_type: 'ALL' })).items.map((e) => e.experiment_id),
      run_view_type: 'ALL',
    });
    expect(runs.items).toHaveLength(6);
    await source.close();
  });

  for (const kind of ['mlruns', 'memory'] as const) {
    it(`${kind}: a copy stopped before any write and resumed loses nothing and duplicates nothing`, async () => {
      const source = fsStores(srcRoot);
      const want = await snapshotStores(source, { artifacts: true });
      // How many writes a whole copy makes, to stop at points spread over all of it.
      const probeTarget = kind === 'mlruns' ? fsStores(path.join(dir, 'probe')) : memoryStores();
      const total = (await copyOnce(source, probeTarget, path.join(dir, 'probe-journal'))).writes;
      expect(total).toBeGreaterThan(20);
      const stops = [
        ...new Set([1, 2, 3, 5, 8, 13, Math.floor(total / 3), Math.floor(total / 2), total - 2, total - 1]),
      ];
      for (const stop of stops) {
        const root = path.join(dir, `dst-${stop}`);
        const journal = path.join(dir, `journal-${stop}`);
        const memory = memoryStores();
        const open = () => (kind === 'mlruns' ? fsStores(root) : memory);
        let n = 0;
        const first = open();
        await expect(
          copyOnce(source, first, journal, {
            beforeWrite: () => {
              if (++n === stop) throw new Error(`stopped before write ${stop}`);
            },
          }),
        ).rejects.toThrow(`stopped before write ${stop}`);
        if ('close' in first && typeof first.close === 'function') await (first.close as () => Promise<void>)();
        const second = open(); // a new process on the same target and journal
        await copyOnce(source, second, journal);
        expect(await snapshotStores(second, { artifacts: true }), `stopped before write ${stop}`).toEqual(want);
        if ('close' in second && typeof second.close === 'function') await (second.close as () => Promise<void>)();
      }
      await source.close();
    }, 240_000);
  }
});
