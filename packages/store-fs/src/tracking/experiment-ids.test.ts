/** Experiment ids as MLflow's FileStore makes them: random 18-digit integers, every digit random. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../index.js';
import { tempDir } from '../../test/temp-store.js';

describe('experiment ids', () => {
  it('are 18 digits, first non-zero, digit-exact (no float rounding), unique, and skip ids in .trash', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await store.createExperiment({ name: `e${i}` }));
    for (const id of ids) {
      expect(id).toMatch(/^[1-9][0-9]{17}$/);
      expect(fs.existsSync(path.join(root, id, 'meta.yaml'))).toBe(true);
      expect((await store.getExperiment(id)).experiment_id).toBe(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Math.random()*1e18 would end in zeros: beyond 2^53 a double cannot hold the low digits.
    const lastTwo = new Set(ids.map((id) => id.slice(-2)));
    expect(lastTwo.size).toBeGreaterThan(10);
    // Digit frequencies over all positions after the first look uniform (each of 10 digits seen).
    const digits = new Set(ids.join('').split(''));
    expect(digits.size).toBe(10);
    await store.deleteExperiment(ids[0]!);
    expect(fs.existsSync(path.join(root, '.trash', ids[0]!))).toBe(true);
    await expect(store.createExperiment({ name: 'e0' })).rejects.toThrow(/deleted state/);
    await store.close();
  });

  it('an unquoted 18-digit experiment_id in meta.yaml (older writers) keeps every digit', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const id = '987654321098765432';
    fs.mkdirSync(path.join(root, id), { recursive: true });
    fs.writeFileSync(
      path.join(root, id, 'meta.yaml'),
      `artifact_location: file:///x\ncreation_time: 1\nexperiment_id: ${id}\nlast_update_time: 1\nlifecycle_stage: active\nname: old\n`,
    );
    const store = createFsTrackingStore({ root, cacheDir: null });
    expect((await store.getExperimentByName('old'))!.experiment_id).toBe(id);
    await store.close();
  });
});

describe('log-batch writes', () => {
  it('skips rewriting unchanged params and tags, creates nested key directories once, rejects changed params before writing', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const run = await store.createRun({});
    const id = run.info.run_id;
    const dir = path.join(root, '0', id);
    const batch = {
      params: [
        { key: 'a/b/c', value: '1' },
        { key: 'a/b/d', value: '2' },
        { key: 'p', value: 'x' },
      ],
      tags: [{ key: 't/u', value: 'v' }],
      metrics: [
        { key: 'm/n', value: 1, timestamp: 1, step: 0 },
        { key: 'm/n', value: 2, timestamp: 2, step: 1 },
      ],
    };
    await store.logBatch(id, batch);
    const tagFile = path.join(dir, 'tags', 't', 'u');
    const ino = fs.statSync(tagFile).ino;
    await store.getRun(id); // the cache now knows the tag's value
    await store.logBatch(id, batch); // same params and tags again: allowed, tag file not replaced
    expect(fs.statSync(tagFile).ino).toBe(ino);
    expect(
      fs
        .readFileSync(path.join(dir, 'metrics', 'm', 'n'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(4);
    await store.logBatch(id, { tags: [{ key: 't/u', value: 'w' }] });
    expect(fs.readFileSync(tagFile, 'utf8')).toBe('w');
    await expect(
      store.logBatch(id, {
        params: [
          { key: 'q', value: '1' },
          { key: 'p', value: 'y' },
        ],
      }),
    ).rejects.toThrow(/Changing param values/);
    expect(fs.existsSync(path.join(dir, 'params', 'q'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'params', 'a', 'b')).sort()).toEqual(['c', 'd']);
    const got = await store.getRun(id);
    expect(got.data.params).toEqual([
      { key: 'a/b/c', value: '1' },
      { key: 'a/b/d', value: '2' },
      { key: 'p', value: 'x' },
    ]);
    await store.close();
  });
});
