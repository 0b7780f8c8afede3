/**
 * Issue 12 item 6: a metric file ending in a partial line (a failed write, a power loss: torn text or
 * NUL bytes) must not swallow or corrupt the next acknowledged point, and readers name the lines they
 * cannot parse instead of skipping them silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../src/index.js';
import { tempDir } from './temp-store.js';

async function runWithTail(tail: Buffer | string) {
  const root = path.join(tempDir(), 'mlruns');
  const store = createFsTrackingStore({ root, cacheDir: null });
  const { info } = await store.createRun({});
  await store.logBatch(info.run_id, { metrics: [{ key: 'loss', value: 1, timestamp: 1700000000000, step: 0 }] });
  const file = path.join(root, '0', info.run_id, 'metrics', 'loss');
  fs.appendFileSync(file, tail);
  return { store, root, runId: info.run_id, file };
}

describe('torn metric tails', () => {
  for (const [name, tail] of [
    ['a torn line', '17000001'],
    ['NUL bytes', Buffer.alloc(64)],
    ['a torn line then NUL bytes', Buffer.concat([Buffer.from('1700000001 0.'), Buffer.alloc(16)])],
  ] as const) {
    it(`the next batch after ${name} starts on a line boundary; the fragment is quarantined and reported`, async () => {
      const { store, root, runId, file } = await runWithTail(tail);
      await store.logBatch(runId, { metrics: [{ key: 'loss', value: 2, timestamp: 1700000000152, step: 1 }] });
      expect(fs.readFileSync(file, 'utf8')).toBe('1700000000000 1.0 0\n1700000000152 2.0 1\n');
      const history = (await store.getMetricHistory(runId, 'loss')).items;
      expect(history.map((m) => [m.timestamp, m.value, m.step])).toEqual([
        [1700000000000, 1, 0],
        [1700000000152, 2, 1],
      ]);
      // The fragment is kept outside metrics/ (MLflow never reads it), and the repair was logged.
      const qdir = path.join(root, '0', runId, '.~torn');
      const kept = fs.readdirSync(qdir);
      expect(kept).toHaveLength(1);
      expect(kept[0]).toMatch(/^loss\.\d+$/);
      expect(fs.readFileSync(path.join(qdir, kept[0]!))).toEqual(Buffer.from(tail));
      expect(store.warnings.some((w) => w.includes(file) && w.includes('partial line'))).toBe(true);
    });
  }

  it('a NUL-filled tail is reported by readers before any writer repairs it', async () => {
    const { store, runId, file } = await runWithTail(Buffer.alloc(32));
    const fresh = createFsTrackingStore({
      root: path.dirname(path.dirname(path.dirname(path.dirname(file)))),
      cacheDir: null,
    });
    expect((await fresh.getMetricHistory(runId, 'loss')).items).toHaveLength(1);
    expect(fresh.warnings.some((w) => w.includes(file) && w.includes('NUL'))).toBe(true);
    void store;
  });

  it('readers report unparsable lines with file and line number instead of hiding them', async () => {
    const { runId, file, root } = await runWithTail('garbage here\n1700000000003 nope 2\n1700000000004 4.0 3\n');
    const fresh = createFsTrackingStore({ root, cacheDir: null });
    const history = (await fresh.getMetricHistory(runId, 'loss')).items;
    expect(history.map((m) => m.step)).toEqual([0, 3]);
    const run = await fresh.getRun(runId);
    expect(run.data.metrics).toEqual([{ key: 'loss', value: 4, timestamp: 1700000000004, step: 3 }]);
    expect(fresh.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`metric file ${file} line 2: cannot parse 'garbage here'`),
        expect.stringContaining(`metric file ${file} line 3: cannot parse '1700000000003 nope 2'`),
      ]),
    );
  });
});
