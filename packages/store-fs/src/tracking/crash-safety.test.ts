/**
 * Crash and concurrency safety with real processes: a writer killed with SIGKILL mid-loop loses
 * nothing it acknowledged, and two writers appending to the same metric never interleave lines.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { ensureStoreBuilt } from '../../test/built-store.js';
import { repoRoot, tempDir } from '../../test/temp-store.js';

const CHILD = path.join(repoRoot, 'packages', 'store-fs', 'test', 'fixtures', 'log-batches.mjs');
let entry: string;
beforeAll(async () => {
  entry = await ensureStoreBuilt();
}, 120_000);

function startWriter(root: string, runId: string, key: string, batches: number, size: number) {
  const child = spawn(process.execPath, [CHILD, entry, root, runId, key, String(batches), String(size)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acks = 0;
  let stderr = '';
  let buffered = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    acks += lines.filter((l) => l.startsWith('ack ')).length;
    for (const w of waiters.filter((w) => acks >= w.n)) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    get acks() {
      return acks;
    },
    get stderr() {
      return stderr;
    },
    waitForAcks: (n: number) =>
      Promise.race([
        new Promise<void>((resolve) => (acks >= n ? resolve() : waiters.push({ n, resolve }))),
        exited.then((code) => {
          if (acks < n) throw new Error(`writer exited (${code}) after ${acks} acks: ${stderr}`);
        }),
      ]),
  };
}

describe('crash and concurrency safety', () => {
  it('a writer killed with SIGKILL loses no acknowledged batch and leaves a readable store', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const { info } = await store.createRun({});
    const w = startWriter(root, info.run_id, 'loss', 100_000, 50);
    await w.waitForAcks(40);
    w.child.kill('SIGKILL');
    await w.exited;
    const acked = w.acks;
    expect(acked).toBeGreaterThanOrEqual(40);

    const fresh = createFsTrackingStore({ root });
    const history = (await fresh.getMetricHistory(info.run_id, 'loss')).items;
    for (let b = 0; b < acked; b++) expect(history.filter((m) => m.step === b)).toHaveLength(50);
    const run = await fresh.getRun(info.run_id);
    expect(run.data.params.length).toBeGreaterThanOrEqual(acked);
    const page = await fresh.searchRuns({ experiment_ids: ['0'], filter: `metrics.loss >= 0 and params.p0 = '0'` });
    expect(page.items.map((r) => r.info.run_id)).toEqual([info.run_id]);
    // Files are whole: no temp files left behind among params, every metric line complete.
    const text = fs.readFileSync(path.join(root, '0', info.run_id, 'metrics', 'loss'), 'utf8');
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .every((l) => /^\d+ \d+\.0 \d+$/.test(l)),
    ).toBe(true);
  });

  it('two processes logging 10k metrics each into one experiment lose nothing', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root });
    const expId = await store.createExperiment({ name: 'concurrent' });
    const a = await store.createRun({ experiment_id: expId });
    const b = await store.createRun({ experiment_id: expId });
    // Writer 1 and 2 share run a and key "shared"; writer 3 uses run b: interleaving and fan-out.
    const writers = [
      startWriter(root, a.info.run_id, 'shared', 20, 500),
      startWriter(root, a.info.run_id, 'shared', 20, 500),
      startWriter(root, b.info.run_id, 'own', 20, 500),
    ];
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.stderr).join('\n')).toEqual([0, 0, 0]);
    expect((await store.getMetricHistory(a.info.run_id, 'shared')).items).toHaveLength(20_000);
    expect((await store.getMetricHistory(b.info.run_id, 'own')).items).toHaveLength(10_000);
    const text = fs.readFileSync(path.join(root, expId, a.info.run_id, 'metrics', 'shared'), 'utf8');
    expect(
      text
        .split('\n')
        .filter((l) => l !== '')
        .every((l) => /^\d+ \d+\.0 \d+$/.test(l)),
    ).toBe(true);
    // The same store instance (caches warm from before) sees everything through search as well.
    const page = await store.searchRuns({ experiment_ids: [expId], order_by: ['metrics.shared DESC'] });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]!.data.metrics.find((m) => m.key === 'shared')).toMatchObject({ step: 19, value: 499 });
  });
});
