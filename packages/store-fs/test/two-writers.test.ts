/**
 * Issue 12 item 8: several processes writing one store. Experiment names stay unique (creation,
 * rename and restore run under one inter-process lock) and a run's `run_name` never drifts from its
 * `mlflow.runName` tag (both written under the run's meta lock). Both directions: each process
 * racing the other.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '../src/index.js';
import { ensureStoreBuilt } from './built-store.js';
import { tempDir } from './temp-store.js';

let entry: string;
beforeAll(async () => {
  entry = await ensureStoreBuilt();
}, 180_000);

const CHILD = `
const [entry, root, mode, arg] = process.argv.slice(1);
const { createFsTrackingStore } = await import('file://' + entry);
const store = createFsTrackingStore({ root, cacheDir: null });
const tag = process.pid % 2 ? 'odd' : 'even';
const results = [];
if (mode === 'names') {
  await Promise.all(Array.from({ length: 30 }, async (_, i) => {
    try { await store.createExperiment({ name: 'exp-' + i }); results.push('ok'); }
    catch (e) { results.push(e.error_code ?? e.code ?? String(e)); }
  }));
} else {
  for (let i = 0; i < 40; i++) {
    const name = tag + '-' + i;
    if (i % 2) await store.updateRun(arg, { run_name: name });
    else await store.setTag(arg, { key: 'mlflow.runName', value: name });
  }
}
await store.close();
process.stdout.write(JSON.stringify(results));
`;

const child = (root: string, mode: string, arg = '') =>
  promisify(execFile)(process.execPath, ['--input-type=module', '-e', CHILD, entry, root, mode, arg]).then(
    (r) => JSON.parse(r.stdout) as string[],
  );

describe('two processes on one store', () => {
  it('create the same 30 experiment names at once: each exists once, the losers get RESOURCE_ALREADY_EXISTS', async () => {
    const root = path.join(tempDir(), 'mlruns');
    await createFsTrackingStore({ root, cacheDir: null }).searchExperiments();
    const [a, b] = await Promise.all([child(root, 'names'), child(root, 'names')]);
    const all = [...a, ...b];
    expect(all.filter((r) => r === 'ok')).toHaveLength(30);
    expect(all.filter((r) => r !== 'ok').every((r) => r === 'RESOURCE_ALREADY_EXISTS')).toBe(true);
    const names = (
      await createFsTrackingStore({ root, cacheDir: null }).searchExperiments({ max_results: 1000 })
    ).items.map((e) => e.name);
    expect(names.filter((n) => n.startsWith('exp-')).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `exp-${i}`).sort(),
    );
  });

  it('rename one run at once through run_name and the mlflow.runName tag: both always agree', async () => {
    const root = path.join(tempDir(), 'mlruns');
    const store = createFsTrackingStore({ root, cacheDir: null });
    const { info } = await store.createRun({ run_name: 'start' });
    await Promise.all([child(root, 'rename', info.run_id), child(root, 'rename', info.run_id)]);
    const run = await createFsTrackingStore({ root, cacheDir: null }).getRun(info.run_id);
    const tag = run.data.tags.find((t) => t.key === 'mlflow.runName')?.value;
    expect(run.info.run_name).toMatch(/^(odd|even)-\d+$/);
    expect(tag).toBe(run.info.run_name);
  });
});
