/**
 * `mlflow-ts db migrate` killed with SIGKILL mid-copy (the real binary, its own process), then run
 * again: the target ends with exactly the source's data, nothing lost, nothing twice. turbo builds
 * dist/ before this package's tests; by hand: `npx turbo run build --filter=@mlflow-ts/cli...`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, ensurePackageBuilt, spawnCli } from '../../../test/built-cli.js';
import { repoRoot, runCli, tempDir } from '../../../test/cli-harness.js';
import { buildSourceFixture, fsStores, snapshotOf } from '../../../test/copy-fixture.js';

let dir: string;
let cleanup = async (): Promise<void> => undefined;
beforeAll(async () => {
  await ensureCliBuilt();
  await ensurePackageBuilt(path.join(repoRoot, 'packages/store-fs'));
  await ensurePackageBuilt(path.join(repoRoot, 'packages/format'));
  ({ dir, cleanup } = await tempDir('mlflow-ts-migrate-kill-'));
});
afterAll(async () => {
  await cleanup();
});

const snapshot = (root: string) => snapshotOf(root, true);

describe('db migrate killed mid-copy', () => {
  it('resumes after SIGKILL with nothing lost or duplicated', async () => {
    const src = path.join(dir, 'src');
    await buildSourceFixture(src);
    // Enough runs that the copy is still going when it is killed.
    const s = fsStores(src);
    const exp = await s.tracking.createExperiment({ name: 'bulk' });
    for (let r = 0; r < 40; r++) {
      const run = await s.tracking.createRun({ experiment_id: exp, run_name: `bulk-${r}`, start_time: 10_000 + r });
      const points = Array.from({ length: 3000 }, (_, i) => ({ key: 'm', value: i * r, timestamp: i, step: i }));
      for (let i = 0; i < points.length; i += 1000)
        await s.tracking.logBatch(run.info.run_id, { metrics: points.slice(i, i + 1000) });
      await s.tracking.updateRun(run.info.run_id, { status: 'FINISHED', end_time: 20_000 + r });
    }
    await s.close();
    const dst = path.join(dir, 'dst');
    const state = path.join(dir, 'state');

    const p = spawnCli(['db', 'migrate', src, dst, '--artifacts', '--state', state]);
    // Kill once a few runs are recorded as finished in the journal.
    const journalDone = async () => {
      const files = await import('node:fs/promises').then((fs) => fs.readdir(state).catch(() => [] as string[]));
      if (files.length === 0) return 0;
      const text = await readFile(path.join(state, files[0]!), 'utf8').catch(() => '');
      return text.split('\n').filter((l) => l.includes('"doneRun"')).length;
    };
    const deadline = Date.now() + 120_000;
    while ((await journalDone()) < 5) {
      if (p.child.exitCode !== null)
        throw new Error(`migrate finished before it could be killed:\n${p.stderr()}${p.stdout()}`);
      if (Date.now() > deadline) throw new Error(`migrate made no progress:\n${p.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    p.child.kill('SIGKILL');
    expect((await p.exited).signal).toBe('SIGKILL');
    const before = await journalDone();
    expect(before).toBeLessThan(47);

    const r = await runCli(['db', 'migrate', src, dst, '--artifacts', '--state', state, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { runs: { copied: number; alreadyDone: number; total: number } };
    expect(summary.runs.total).toBe(46);
    expect(summary.runs.alreadyDone).toBeGreaterThanOrEqual(before);
    expect(await snapshot(dst)).toEqual(await snapshot(src));
  }, 300_000);
});
