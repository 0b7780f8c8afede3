/**
 * A real Node process that logs metrics and exits without endRun: the beforeExit hook must send the
 * buffered metrics and end the run FINISHED. Runs against dist/ (rebuilt with tsc when stale).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distIndex = path.join(pkgDir, 'dist', 'index.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const built = statSync(distIndex, { throwIfNoEntry: false });
  if (!built || built.mtimeMs < newestMtime(path.join(pkgDir, 'src'))) {
    execFileSync(
      process.execPath,
      [path.resolve(pkgDir, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: pkgDir, stdio: 'pipe' },
    );
  }
}, 120_000);

describe('process exit', () => {
  it('flushes buffered metrics and ends the active run FINISHED when the event loop empties', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-exit-'));
    try {
      const script = path.join(dir, 'train.mjs');
      await writeFile(
        script,
        `
        import { startRun, logMetric, setTrackingUri } from ${JSON.stringify(pathToFileURL(distIndex).href)};
        setTrackingUri(${JSON.stringify(path.join(dir, 'mlruns'))});
        const run = await startRun({ runName: 'exits' });
        for (let i = 0; i < 2500; i++) await logMetric('x', i, { step: i });
        console.log(run.runId);
      `,
      );
      const { stdout } = await promisify(execFile)(process.execPath, [script], {
        cwd: dir,
        env: { ...process.env, MLFLOW_RUN_ID: '' },
      });
      const runId = stdout.trim();
      const store = createFsTrackingStore({ root: path.join(dir, 'mlruns') });
      const run = await store.getRun(runId);
      expect(run.info.status).toBe('FINISHED');
      expect(run.data.tags.find((t) => t.key === 'mlflow.source.name')?.value).toBe(script);
      expect((await store.getMetricHistory(runId, 'x')).items).toHaveLength(2500);
      await store.close?.();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
