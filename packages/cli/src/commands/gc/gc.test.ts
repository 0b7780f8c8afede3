/** `mlflow-ts gc` on a real file store: what goes, what stays, --older-than, --dry-run, rerun after an interruption. */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { runCli, useFileStore } from '../../../test/cli-harness.js';
import { parseOlderThan } from './index.js';

const fx = useFileStore({ prefix: 'mlflow-ts-gc-', cacheDir: null });

async function runWithArtifact(experimentId: string): Promise<{ id: string; dir: string; artifact: string }> {
  const run = await fx.store.createRun({ experiment_id: experimentId });
  await fx.store.logBatch(run.info.run_id, {
    params: [{ key: 'p', value: '1' }],
    metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
  });
  const artifactDir = run.info.artifact_uri.replace(/^file:\/\//, '');
  await mkdir(artifactDir, { recursive: true });
  const artifact = path.join(artifactDir, 'model.bin');
  await writeFile(artifact, 'weights');
  return { id: run.info.run_id, dir: path.join(fx.uri, experimentId, run.info.run_id), artifact };
}

const gc = (...args: string[]) => runCli(['gc', '--backend-store-uri', fx.uri, ...args]);

describe('mlflow-ts gc', () => {
  it("parses MLflow's --older-than grammar and refuses anything else", () => {
    expect(parseOlderThan('30d')).toBe(30 * 86_400_000);
    expect(parseOlderThan('2d8h5m20s')).toBe(((2 * 24 + 8) * 3600 + 5 * 60 + 20) * 1000);
    expect(parseOlderThan('1.5h')).toBe(5_400_000);
    expect(() => parseOlderThan('3 weeks')).toThrow(/Could not parse any time information from '3 weeks'/);
    expect(() => parseOlderThan('')).toThrow(/Could not parse/);
  });

  it('deletes deleted runs with their artifacts and deleted experiments; keeps everything active', async () => {
    const exp = await fx.store.createExperiment({ name: 'keep' });
    const gone = await runWithArtifact(exp);
    const kept = await runWithArtifact(exp);
    await fx.store.deleteRun(gone.id);
    const doomed = await fx.store.createExperiment({ name: 'doomed' });
    const inDoomed = await runWithArtifact(doomed);
    await fx.store.deleteExperiment(doomed);

    const dry = await gc('--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Would delete run ${gone.id}`);
    expect(dry.stdout).toContain(`Would delete experiment ${doomed}`);
    expect(existsSync(gone.dir)).toBe(true);

    const r = await gc('--json');
    expect(r.code, r.stderr).toBe(0);
    // The runs of a deleted experiment read as deleted: they go with it, artifacts included.
    const answer = JSON.parse(r.stdout) as { dry_run: boolean; run_ids: string[]; experiment_ids: string[] };
    expect({ ...answer, run_ids: answer.run_ids.sort() }).toEqual({
      dry_run: false,
      run_ids: [gone.id, inDoomed.id].sort(),
      experiment_ids: [doomed],
    });
    expect(existsSync(gone.dir)).toBe(false);
    expect(existsSync(gone.artifact)).toBe(false);
    expect(existsSync(path.join(fx.uri, '.trash', doomed))).toBe(false);
    expect(existsSync(inDoomed.artifact)).toBe(false);
    expect(existsSync(kept.artifact)).toBe(true);
    expect((await fx.store.getRun(kept.id)).data.params).toEqual([{ key: 'p', value: '1' }]);
    await expect(fx.store.getRun(gone.id)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    // A fresh store on the same tree (another process) agrees.
    const other = createFsTrackingStore({ root: fx.uri, cacheDir: null });
    await expect(other.getRun(gone.id)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await other.getRun(kept.id)).info.lifecycle_stage).toBe('active');
    await other.close?.();

    const again = await gc();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to delete');
  });

  it('--older-than keeps recent deletions; --run-ids refuses active and unknown runs', async () => {
    const exp = await fx.store.createExperiment({ name: 'e' });
    const a = await runWithArtifact(exp);
    const b = await runWithArtifact(exp);
    await fx.store.deleteRun(a.id);
    const recent = await gc('--older-than', '1h', '--json');
    expect(JSON.parse(recent.stdout).run_ids).toEqual([]);
    expect(existsSync(a.dir)).toBe(true);

    const active = await gc('--run-ids', b.id);
    expect(active.code).toBe(1);
    expect(active.stderr).toMatch(/is not in `deleted` lifecycle stage/);
    const unknown = await gc('--run-ids', 'f'.repeat(32));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/RESOURCE_DOES_NOT_EXIST/);
    const tooNew = await gc('--run-ids', a.id, '--older-than', '1d');
    expect(tooNew.stderr).toMatch(/is not older than the required age/);

    expect((await gc('--run-ids', a.id)).code).toBe(0);
    expect(existsSync(a.dir)).toBe(false);
    expect(existsSync(b.dir)).toBe(true);
  });

  it('an interrupted gc (a run staged but not yet removed) is finished by the next one', async () => {
    const exp = await fx.store.createExperiment({ name: 'i' });
    const a = await runWithArtifact(exp);
    // What a gc killed between its rename and its removal leaves behind.
    const staging = path.join(fx.uri, '.trash', '.mlflow-ts-gc', `${a.id}-1-1`);
    await mkdir(staging, { recursive: true });
    await writeFile(path.join(staging, 'meta.yaml'), 'run_id: x\n');
    const r = await gc();
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(staging)).toBe(false);
    expect((await fx.store.getRun(a.id)).info.lifecycle_stage).toBe('active');
  });
});
