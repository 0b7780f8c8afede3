/**
 * Data movers' writes (`importRun`, `importExperiment`): a run or an experiment created with the id,
 * status and times it had in another store, in the same files createRun/createExperiment write
 * (meta.yaml last, so a half-made one is not an entity for us nor for MLflow).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MlflowError,
  RUN_NAME_TAG,
  RunStatus,
  validateExperimentName,
  validateExperimentTag,
  validateTag,
} from '@mlflow-ts/format';
import type { Experiment, ImportExperimentRequest, ImportRunRequest, RunInfo } from '@mlflow-ts/format';
import { appendToUri } from '../uri.js';
import { dumpYaml } from '../yaml-file.js';
import { RUN_TMP_DIR, writeFilesDurable } from './durable-files.js';
import { experimentByName, getExperimentEntry, NAMES_LOCK } from './experiment-ops.js';
import { experimentMeta, runMetaFromInfo } from './meta-files.js';
import type { RunEntry } from './run-entry.js';
import type { StoreState } from './store-state.js';

const SAFE_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

function findRunOrNull(state: StoreState, runId: string): RunEntry | null {
  try {
    return state.findRun(runId, 'info');
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw e;
  }
}

export async function importRun(state: StoreState, req: ImportRunRequest): Promise<RunEntry> {
  if (typeof req.run_id !== 'string' || !SAFE_ID.test(req.run_id)) {
    throw MlflowError.invalidParameter(`Invalid run ID: '${String(req.run_id)}'`);
  }
  const status = RunStatus.safeParse(req.status);
  if (!status.success) throw MlflowError.invalidParameter(`Invalid run status '${String(req.status)}'`);
  const exp = getExperimentEntry(state, req.experiment_id);
  if (exp.experiment!.lifecycle_stage !== 'active') {
    throw new MlflowError(
      'INVALID_STATE',
      `Could not create run under non-active experiment with ID ${req.experiment_id}.`,
    );
  }
  if (findRunOrNull(state, req.run_id)) throw MlflowError.alreadyExists(`Run '${req.run_id}' already exists.`);
  const tags = (req.tags ?? []).map((t, i) => validateTag(t, `tags[${i}]`));
  if (!tags.some((t) => t.key === RUN_NAME_TAG) && req.run_name) tags.push({ key: RUN_NAME_TAG, value: req.run_name });
  const runId = req.run_id;
  const info: RunInfo = {
    run_id: runId,
    run_uuid: runId,
    run_name: req.run_name,
    experiment_id: req.experiment_id,
    user_id: req.user_id ?? '',
    status: status.data,
    start_time: req.start_time,
    ...(req.end_time !== undefined ? { end_time: req.end_time } : {}),
    artifact_uri: req.artifact_uri || appendToUri(exp.experiment!.artifact_location, runId, 'artifacts'),
    lifecycle_stage: 'active',
  };
  const dir = path.join(exp.dir, runId);
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    // A directory without meta.yaml is a half-made run (an import killed before its last write): reuse it.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  state.gc.dir(exp.dir);
  const tmp = path.join(dir, RUN_TMP_DIR);
  const tagFiles = tags.map((t) => ({ target: path.join(dir, 'tags', ...t.key.split('/')), data: t.value }));
  await writeFilesDurable(state.gc, tagFiles, tmp);
  await writeFilesDurable(
    state.gc,
    [{ target: path.join(dir, 'meta.yaml'), data: dumpYaml(runMetaFromInfo(info, null)) }],
    tmp,
  );
  const entry = exp.runEntry(runId)!;
  state.touchRun(entry);
  entry.refresh(true, state.warn);
  return entry;
}

export async function importExperiment(state: StoreState, req: ImportExperimentRequest): Promise<string> {
  const id = req.experiment_id;
  if (typeof id !== 'string' || !SAFE_ID.test(id) || id === 'models') {
    throw MlflowError.invalidParameter(`Invalid experiment ID: '${String(id)}'`);
  }
  const name = validateExperimentName(req.name);
  const tags = (req.tags ?? []).map((t) => validateExperimentTag(t));
  return state.withMetaLock(
    path.join(state.root, 'meta.yaml'),
    path.join(state.root, NAMES_LOCK),
    async () => {
      if (experimentByName(state, name)) throw MlflowError.alreadyExists(`Experiment '${name}' already exists.`);
      if (state.experimentEntry(id) || fs.existsSync(state.trashDir(id))) {
        throw MlflowError.alreadyExists(`Experiment with ID ${id} already exists.`);
      }
      const dir = state.activeDir(id);
      fs.mkdirSync(dir, { recursive: true });
      state.gc.dir(state.root);
      const now = Date.now();
      const exp: Experiment = {
        experiment_id: id,
        name,
        artifact_location: req.artifact_location || appendToUri(state.opts.artifactRootUri, id),
        lifecycle_stage: 'active',
        creation_time: req.creation_time ?? now,
        last_update_time: req.last_update_time ?? req.creation_time ?? now,
        tags: [],
      };
      const tagFiles = tags.map((t) => ({ target: path.join(dir, 'tags', ...t.key.split('/')), data: t.value }));
      if (tagFiles.length > 0) await writeFilesDurable(state.gc, tagFiles, null);
      await writeFilesDurable(
        state.gc,
        [{ target: path.join(dir, 'meta.yaml'), data: dumpYaml(experimentMeta(exp, false)) }],
        null,
      );
      return id;
    },
    true,
  );
}
