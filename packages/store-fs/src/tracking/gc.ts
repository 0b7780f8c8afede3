/**
 * Permanent deletion for `mlflow-ts gc` (MLflow FileStore's `_get_deleted_runs`, `_hard_delete_run`,
 * `_hard_delete_experiment`). A run or experiment directory is first renamed into
 * `.trash/.mlflow-ts-gc/` (one atomic step: readers see it whole or not at all), then removed; an
 * interrupted gc leaves only that staging folder, which the next one empties first. So gc is safe
 * to interrupt and to rerun.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import { parseYaml } from '../yaml-file.js';
import { TRASH, type StoreState } from './store-state.js';

const STAGING = '.mlflow-ts-gc';

export interface DeletedRun {
  run_id: string;
  experiment_id: string;
  /** When the run was deleted (ms), if its meta.yaml says (MLflow 2.x+ writes `deleted_time`). */
  deleted_time?: number;
}

function stagingDir(state: StoreState): string {
  return path.join(state.root, TRASH, STAGING);
}

/** Empties what an interrupted gc left behind. */
export function cleanGcStaging(state: StoreState): void {
  fs.rmSync(stagingDir(state), { recursive: true, force: true });
}

function deletedTimeOf(runDir: string): number | undefined {
  try {
    const meta = parseYaml(fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8')) as {
      deleted_time?: unknown;
    } | null;
    const t = Number(meta?.deleted_time);
    return meta?.deleted_time != null && Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Every run in the `deleted` lifecycle stage, in active and deleted experiments. */
export function listDeletedRuns(state: StoreState): DeletedRun[] {
  const { active, deleted } = state.listExperimentIds();
  const out: DeletedRun[] = [];
  for (const id of [...active, ...deleted]) {
    const exp = state.experimentEntry(id);
    if (!exp) continue;
    exp.syncRuns(0, state.warn);
    for (const run of exp.runs.values()) {
      if (!run.refreshInfo(state.warn) || run.info?.lifecycle_stage !== 'deleted') continue;
      const deletedTime = deletedTimeOf(run.dir);
      out.push(
        deletedTime === undefined
          ? { run_id: run.runId, experiment_id: id }
          : { run_id: run.runId, experiment_id: id, deleted_time: deletedTime },
      );
    }
  }
  return out;
}

function stageAndRemove(state: StoreState, dir: string, name: string): void {
  const staging = stagingDir(state);
  fs.mkdirSync(staging, { recursive: true });
  const target = path.join(staging, `${name}-${process.pid}-${Date.now()}`);
  fs.renameSync(dir, target);
  fs.rmSync(target, { recursive: true, force: true });
}

/** Removes a deleted run's directory (metadata, params, metrics, tags; local artifacts inside it too). */
export function hardDeleteRun(state: StoreState, runId: string): void {
  const run = state.findRun(runId, 'info');
  if (run.info?.lifecycle_stage !== 'deleted') {
    throw MlflowError.invalidParameter(
      `Run ${runId} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`,
    );
  }
  stageAndRemove(state, run.dir, runId);
  state.experimentEntry(run.info.experiment_id)?.runs.delete(runId);
  state.touchRun(run);
}

/** Removes a deleted experiment (in `.trash`) with everything in it. */
export function hardDeleteExperiment(state: StoreState, experimentId: string): void {
  const exp = state.experimentEntry(experimentId);
  if (!exp || exp.dir !== state.trashDir(experimentId)) {
    throw MlflowError.invalidParameter(
      `Experiment ${experimentId} is not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be hard-deleted.`,
    );
  }
  stageAndRemove(state, exp.dir, `experiment-${experimentId}`);
  state.experimentEntry(experimentId);
}
