/**
 * Issue 12 item 7: "acknowledged" means durable. Before a write resolves, the files it wrote are
 * fdatasync'ed and the directories that got entries fsync'ed; concurrent requests share rounds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFsArtifactRepository, createFsRegistryStore, createFsTrackingStore } from '../src/index.js';
import { GroupCommit } from '../src/tracking/durability.js';
import { tempDir } from './temp-store.js';

/** Records every fdatasync (data) and fsync (dirs) made while `fn` runs, by the path each fd was opened at. */
function recordSyncs() {
  const data: string[] = [];
  const dirs: string[] = [];
  const opened = new Map<number, string>();
  const openSync = fs.openSync.bind(fs);
  vi.spyOn(fs, 'openSync').mockImplementation((p, flags, mode) => {
    const fd = openSync(p, flags, mode);
    opened.set(fd, String(p));
    return fd;
  });
  const recorded =
    (into: string[], real: (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => void) =>
    (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) =>
      real(fd, (e) => {
        if (!e) into.push(opened.get(fd) ?? `fd ${fd}`);
        cb(e);
      });
  const fdatasync = recorded(data, fs.fdatasync.bind(fs));
  const fsync = recorded(dirs, fs.fsync.bind(fs));
  vi.spyOn(fs, 'fdatasync').mockImplementation(fdatasync);
  vi.spyOn(fs, 'fsync').mockImplementation(fsync);
  return { data, dirs };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('durable writes', () => {
  it('log-batch resolves after its metric file, its new param and tag files and their folders are synced', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null, durability: 'fsync' });
    const { info } = await store.createRun({});
    const runDir = path.join(root, '0', info.run_id);
    const synced = recordSyncs();
    await store.logBatch(info.run_id, {
      metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 't', value: 'x' }],
    });
    expect(synced.data).toContain(path.join(runDir, 'metrics', 'loss'));
    // Param and tag contents are synced as temps (in <run>/.~tmp) before they are linked into place.
    expect(synced.data.filter((p) => p.startsWith(path.join(runDir, '.~tmp'))).length).toBe(2);
    expect(synced.dirs).toEqual(
      expect.arrayContaining([path.join(runDir, 'params'), path.join(runDir, 'tags'), path.join(runDir, 'metrics')]),
    );
  });

  it('create-run, update-run and create-experiment sync what they wrote; durability none syncs nothing', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    await store.searchExperiments();
    const synced = recordSyncs();
    const expId = await store.createExperiment({ name: 'e' });
    expect(synced.dirs).toEqual(expect.arrayContaining([root, path.join(root, expId)]));
    const { info } = await store.createRun({ experiment_id: expId });
    expect(synced.dirs).toContain(path.join(root, expId, info.run_id));
    synced.data.length = 0;
    await store.updateRun(info.run_id, { status: 'FINISHED', end_time: 5 });
    expect(synced.data.some((p) => p.startsWith(path.join(root, expId, info.run_id, '.~tmp')))).toBe(true);

    const scratch = createFsTrackingStore({ root: path.join(tempDir(), 'mlruns'), cacheDir: null, durability: 'none' });
    const run = await scratch.createRun({});
    synced.data.length = 0;
    synced.dirs.length = 0;
    await scratch.logBatch(run.info.run_id, { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }] });
    expect([...synced.data, ...synced.dirs]).toEqual([]);
  });

  it('registry and artifact writes are synced before they resolve', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const registry = createFsRegistryStore({ root });
    const synced = recordSyncs();
    await registry.createRegisteredModel({ name: 'm' });
    expect(synced.dirs).toContain(path.join(root, 'models'));
    expect(synced.data).toContain(path.join(root, 'models', 'm', 'meta.yaml'));
    synced.data.length = 0;
    await registry.setRegisteredModelTag('m', 'k', 'v');
    expect(synced.data).toContain(path.join(root, 'models', 'm', 'tags', 'k'));

    const artifacts = tempDir();
    const repo = createFsArtifactRepository(artifacts);
    await repo.writeArtifact('a/b.txt', new TextEncoder().encode('hi'));
    expect(synced.data.some((p) => p.startsWith(path.join(artifacts, 'a', 'b.txt.~')))).toBe(true);
    expect(synced.dirs).toContain(path.join(artifacts, 'a'));
  });

  it('group commit: a descriptor handed over is synced through and closed; of two for one path the later is synced', async () => {
    const dir = tempDir();
    const f = path.join(dir, 'metric');
    const closed: number[] = [];
    const synced = recordSyncs();
    const closeSync = fs.closeSync.bind(fs);
    vi.spyOn(fs, 'closeSync').mockImplementation((fd) => {
      closed.push(fd);
      closeSync(fd);
    });
    const gc = new GroupCommit('fsync');
    const first = fs.openSync(f, 'a+');
    fs.writeSync(first, 'a\n');
    gc.file(f, first);
    const second = fs.openSync(f, 'a+');
    fs.writeSync(second, 'b\n');
    gc.file(f, second);
    expect(closed).toEqual([first]);
    await gc.commit();
    expect(synced.data).toEqual([f]);
    expect(closed).toEqual([first, second]);
    expect(fs.readFileSync(f, 'utf8')).toBe('a\nb\n');

    const none = new GroupCommit('none');
    const third = fs.openSync(f, 'a+');
    none.file(f, third);
    expect(closed).toEqual([first, second, third]);
    await none.commit();
    expect(synced.data).toEqual([f]);
  });

  it('group commit: concurrent requests share fsync rounds', async () => {
    const dir = tempDir();
    const gc = new GroupCommit('fsync');
    const commits: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const f = path.join(dir, `f${i}`);
      fs.writeFileSync(f, String(i));
      gc.created(f);
      commits.push(gc.commit());
    }
    await Promise.all(commits);
    // The first two commits start a round each; the 38 that arrive while they run share a third.
    expect(gc.rounds).toBeLessThanOrEqual(3);
    expect(gc.pending).toBe(false);
  });
});
