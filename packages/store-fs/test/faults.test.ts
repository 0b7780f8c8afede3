/**
 * The fault suite for direct writers (the server's is packages/cli/test/server-faults.test.ts): a
 * writer killed with SIGKILL, a disk that fills up and then has room again, torn and NUL-filled metric
 * tails, and SIGTERM during a tight logging loop. Each ends with the exact check of every
 * acknowledged write (child-writer.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../src/index.js';
import { ensureStoreBuilt } from './built-store.js';
import { checkAcknowledged, startWriter } from './child-writer.js';
import { tempDir } from './temp-store.js';

let entry: string;
beforeAll(async () => {
  entry = await ensureStoreBuilt();
}, 180_000);

describe('direct writer faults', () => {
  it('SIGKILL mid-loop: every acknowledged batch is there exactly once, nothing else is half there', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const { info } = await store.createRun({});
    const w = startWriter(entry, root, info.run_id, 'loss', 1_000_000, 100);
    await w.waitForAcks(30);
    w.child.kill('SIGKILL');
    await w.exited;
    const acked = [...w.acked];
    checkAcknowledged(path.join(root, '0', info.run_id), 'loss', 100, acked);
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    const history = (await fresh.getMetricHistory(info.run_id, 'loss')).items;
    for (const b of acked) expect(history.filter((m) => m.step === b)).toHaveLength(100);
    expect(fresh.warnings).toEqual([]);
  });

  it('SIGTERM stops a process logging in a tight await loop (the library captures no signals)', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const { info } = await store.createRun({});
    // No fsync: nothing in the loop waits for the thread pool, so it never yields to the event loop.
    const w = startWriter(entry, root, info.run_id, 'loss', 100_000_000, 10, { MLFLOW_TS_FSYNC: '0' });
    await w.waitForAcks(50);
    w.child.kill('SIGTERM');
    const killer = setTimeout(() => w.child.kill('SIGKILL'), 20_000);
    const { signal } = await w.exited;
    clearTimeout(killer);
    expect(signal).toBe('SIGTERM');
    checkAcknowledged(path.join(root, '0', info.run_id), 'loss', 10, [...w.acked]);
  });

  it('importing the store installs no signal handlers', () => {
    const out = execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(`file://${entry}`)}); console.log(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s)).join(','));`,
    ]).toString();
    expect(out.trim()).toBe('0,0,0');
  });
});

describe('a full disk (2 MB tmpfs), then space freed', () => {
  const mnt = tempDir('store-fs-tmpfs-');
  beforeAll(() => {
    // Root in the test environment; a failure here must fail the suite, not skip it.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  });
  afterAll(() => {
    execFileSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  it('loses no acknowledged batch, leaves no torn line or temp file, and writes again once there is room', async () => {
    const root = path.join(mnt, 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const { info } = await store.createRun({});
    const filler = path.join(mnt, 'filler');
    fs.writeFileSync(filler, Buffer.alloc(256 * 1024));
    const w = startWriter(entry, root, info.run_id, 'loss', 4000, 100, { LOG_BATCHES_KEEP_GOING: '1' });
    let stdout = '';
    w.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    // Wait until the disk is full (batches fail with ENOSPC), then make room.
    for (let i = 0; i < 600 && !/err \d+ ENOSPC/.test(stdout); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(/err \d+ ENOSPC/);
    const ackedWhenFull = w.acked.length;
    const runDir = path.join(root, '0', info.run_id);
    // While full: what was acknowledged is all there, the failed appends were rolled back.
    checkAcknowledged(runDir, 'loss', 100, [...w.acked]);
    fs.rmSync(filler);
    execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
    await w.waitForAcks(ackedWhenFull + 20);
    w.child.kill('SIGKILL');
    await w.exited;
    checkAcknowledged(runDir, 'loss', 100, [...w.acked]);
    expect(w.acked.length).toBeGreaterThan(ackedWhenFull);
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    expect((await fresh.getRun(info.run_id)).data.tags.find((t) => t.key === 'loss.last')).toBeDefined();
  });
});
