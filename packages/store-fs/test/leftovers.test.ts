/**
 * Issue 12 item 11 and the lock half of item 9: what killed writers leave behind (lock directories,
 * temp files) is cleaned up by owner pid, and a run folder holding another run's meta.yaml is
 * reported and skipped instead of showing that run twice.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../src/index.js';
import { tempDir } from './temp-store.js';

/** The pid of a process that has exited (and so holds nothing). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

async function storeWithRun() {
  const root = path.join(tempDir(), 'mlruns');
  const store = createFsTrackingStore({ root, cacheDir: null });
  const { info } = await store.createRun({ run_name: 'r' });
  return { root, store, runId: info.run_id, runDir: path.join(root, '0', info.run_id) };
}

describe('leftovers of killed writers', () => {
  it('a meta lock left by a dead process is broken at once, with a warning naming it', async () => {
    const { store, runId, runDir } = await storeWithRun();
    const lock = path.join(runDir, '.~meta-lock');
    const pid = deadPid();
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'owner'), `${pid}\n${(await import('node:os')).hostname()}\n`);
    await store.updateRun(runId, { status: 'FINISHED' });
    expect((await store.getRun(runId)).info.status).toBe('FINISHED');
    expect(store.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`breaking stale lock ${lock}: its owner, process ${pid}, is gone`),
      ]),
    );
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a lock directory without owner (an older version, or killed mid-take) is broken once it is old', async () => {
    const { store, runId, runDir } = await storeWithRun();
    const lock = path.join(runDir, '.~meta-lock');
    fs.mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    await store.updateRun(runId, { run_name: 'renamed' });
    expect((await store.getRun(runId)).info.run_name).toBe('renamed');
    expect(store.warnings.some((w) => w.startsWith(`breaking stale lock ${lock}: it has no owner`))).toBe(true);
  });

  it('temp files of dead writers in params/ and tags/ are removed, never read as params', async () => {
    const { root, store, runId, runDir } = await storeWithRun();
    await store.logParam(runId, { key: 'lr', value: '0.1' });
    const pid = deadPid();
    const orphan = path.join(runDir, 'params', `lr.~${pid}-0-abcdef-0`);
    const live = path.join(runDir, 'params', `lr.~${process.pid}-0-abcdef-1`);
    fs.writeFileSync(orphan, 'half');
    fs.writeFileSync(live, 'in flight');
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    expect((await fresh.getRun(runId)).data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(live)).toBe(true); // its writer is alive
  });

  it('failed param writes leave nothing in params/ (temps live in <run>/.~tmp)', async () => {
    const { store, runId, runDir } = await storeWithRun();
    await store.logParam(runId, { key: 'a', value: '1' });
    await expect(
      store.logBatch(runId, {
        params: [
          { key: 'b', value: '2' },
          { key: 'a', value: 'changed' },
        ],
      }),
    ).rejects.toThrow(/Changing param values is not allowed/);
    await expect(store.logParam(runId, { key: 'a', value: 'again' })).rejects.toThrow(/Changing param values/);
    expect(fs.readdirSync(path.join(runDir, 'params')).sort()).toEqual(['a']);
    expect(fs.readdirSync(path.join(runDir, RUN_TMP()))).toEqual([]);
  });

  it('a meta.yaml copied from another run is reported with its path and the run shows once', async () => {
    const { root, store, runId, runDir } = await storeWithRun();
    const copy = path.join(root, '0', 'c'.repeat(32));
    fs.cpSync(runDir, copy, { recursive: true });
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    const page = await fresh.searchRuns({ experiment_ids: ['0'] });
    expect(page.items.map((r) => r.info.run_id)).toEqual([runId]);
    expect(fresh.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`skipping run ${copy}: malformed meta.yaml: it names run_id '${runId}'`),
      ]),
    );
    void store;
  });
});

function RUN_TMP(): string {
  return '.~tmp';
}
