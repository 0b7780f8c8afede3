/** Experiment operations with MLflow FileStore semantics (ids, .trash moves, meta rewrites). */
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { MlflowError, validateExperimentName, validateExperimentTag, validateTagKey } from '@mlflow-ts/format';
import type { Experiment, ExperimentTag } from '@mlflow-ts/format';
import { appendToUri } from '../uri.js';
import { dumpYaml } from '../yaml-file.js';
import { RUN_TMP_DIR, writeFilesDurable } from './durable-files.js';
import type { ExperimentEntry } from './experiment-entry.js';
import { experimentMeta, runMetaFromInfo } from './meta-files.js';
import { type StoreState, TRASH } from './store-state.js';

export const DEFAULT_EXPERIMENT_ID = '0';
const MAX_ARTIFACT_LOCATION_LENGTH = 2048;

/** MLflow FileStore ids: random 18-digit integers. */
function randomExperimentId(): string {
  let id = String(randomInt(1, 10));
  for (let i = 0; i < 17; i++) id += String(randomInt(0, 10));
  return id;
}

/** Every experiment (active and deleted) with its entry; unreadable ones are warned about and skipped. */
export function allExperiments(state: StoreState): ExperimentEntry[] {
  const { active, deleted } = state.listExperimentIds();
  const out: ExperimentEntry[] = [];
  for (const id of new Set([...active, ...deleted])) {
    const e = state.experimentEntry(id);
    if (e?.experiment) out.push(e);
    else if (e) state.warn(`skipping experiment directory ${e.dir}: ${e.error}`);
  }
  return out;
}

/**
 * Experiment names are unique across every process writing the store: creating, renaming and
 * restoring run under one inter-process lock, a file in the store root (MLflow lists only
 * directories there, so it never takes it for an experiment).
 */
function withNamesLock<T>(state: StoreState, fn: () => Promise<T>): Promise<T> {
  return state.withMetaLock(path.join(state.root, 'meta.yaml'), path.join(state.root, NAMES_LOCK), fn, true);
}
export const NAMES_LOCK = '.~experiment-names.lock';

export async function writeNewExperiment(
  state: StoreState,
  id: string,
  name: string,
  artifactLocation: string | undefined,
  tags: ExperimentTag[],
): Promise<void> {
  const dir = state.activeDir(id);
  fs.mkdirSync(dir); // throws EEXIST when the id is taken
  state.gc.dir(state.root);
  const now = Date.now();
  const exp: Experiment = {
    experiment_id: id,
    name,
    artifact_location: artifactLocation || appendToUri(state.opts.artifactRootUri, id),
    lifecycle_stage: 'active',
    creation_time: now,
    last_update_time: now,
    tags: [],
  };
  const tagFiles = tags.map((t) => ({ target: path.join(dir, 'tags', ...t.key.split('/')), data: t.value }));
  if (tagFiles.length > 0) await writeFilesDurable(state.gc, tagFiles, null);
  await writeFilesDurable(
    state.gc,
    [{ target: path.join(dir, 'meta.yaml'), data: dumpYaml(experimentMeta(exp, false)) }],
    null,
  );
}

export async function ensureDefaultExperiment(state: StoreState): Promise<void> {
  fs.mkdirSync(path.join(state.root, TRASH), { recursive: true });
  if (state.experimentEntry(DEFAULT_EXPERIMENT_ID)) return;
  try {
    await writeNewExperiment(state, DEFAULT_EXPERIMENT_ID, 'Default', undefined, []);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

export function getExperimentEntry(state: StoreState, id: string): ExperimentEntry {
  const e = typeof id === 'string' ? state.experimentEntry(id) : null;
  if (!e || !e.experiment) throw MlflowError.notFound(`Could not find experiment with ID ${id}`);
  return e;
}

export function experimentByName(state: StoreState, name: string): Experiment | null {
  const matches = allExperiments(state).filter((e) => e.experiment!.name === name);
  const active = matches.find((e) => e.experiment!.lifecycle_stage === 'active');
  return (active ?? matches[0])?.experiment ?? null;
}

export async function createExperiment(
  state: StoreState,
  req: { name: string; artifact_location?: string; tags?: ExperimentTag[] },
): Promise<string> {
  const name = validateExperimentName(req.name);
  const loc = req.artifact_location;
  if (loc) {
    if (loc.length > MAX_ARTIFACT_LOCATION_LENGTH) {
      throw MlflowError.invalidParameter(
        `Invalid artifact location '${loc.slice(0, 40)}...': exceeds ${MAX_ARTIFACT_LOCATION_LENGTH} characters`,
      );
    }
    if (loc.startsWith('runs:'))
      throw MlflowError.invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${loc}'`);
    if (loc.includes('#'))
      throw MlflowError.invalidParameter(`Artifact location cannot contain a URL fragment. Given: '${loc}'`);
  }
  const tags = (req.tags ?? []).map((t) => validateExperimentTag(t));
  const unused = () => {
    const existing = experimentByName(state, name);
    if (existing) {
      const suffix =
        existing.lifecycle_stage === 'deleted'
          ? " in deleted state. You can restore the experiment, or permanently delete the experiment from the .trash folder (under tracking server's root folder) in order to use this experiment name again."
          : '.';
      throw MlflowError.alreadyExists(`Experiment '${name}' already exists${suffix}`);
    }
  };
  unused();
  return withNamesLock(state, async () => {
    unused(); // again, under the lock: another process may have created it meanwhile
    for (;;) {
      const id = randomExperimentId();
      if (fs.existsSync(state.trashDir(id))) continue;
      try {
        await writeNewExperiment(state, id, name, loc, tags);
        return id;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  });
}

function rewriteMeta(
  state: StoreState,
  entry: ExperimentEntry,
  change: (exp: Experiment) => Experiment,
): Promise<Experiment> {
  const meta = path.join(entry.dir, 'meta.yaml');
  const lockDir = path.join(entry.dir, 'tags', '.~meta-lock');
  fs.mkdirSync(path.join(entry.dir, 'tags'), { recursive: true });
  return state.withMetaLock(meta, lockDir, async () => {
    entry.refreshMeta(state.warn);
    if (!entry.experiment)
      throw new MlflowError('INVALID_STATE', `Experiment ${entry.id} meta.yaml is unreadable: ${entry.error}`);
    const next = change(entry.experiment);
    await writeFilesDurable(state.gc, [{ target: meta, data: dumpYaml(experimentMeta(next, true)) }], null);
    entry.refreshMeta(state.warn);
    return next;
  });
}

export async function renameExperiment(state: StoreState, id: string, newName: string): Promise<void> {
  const name = validateExperimentName(newName);
  const entry = getExperimentEntry(state, id);
  if (entry.experiment!.lifecycle_stage !== 'active')
    throw MlflowError.invalidParameter('Cannot rename a non-active experiment.');
  await withNamesLock(state, async () => {
    const other = experimentByName(state, name);
    if (other && other.experiment_id !== id) throw MlflowError.alreadyExists(`Experiment '${name}' already exists.`);
    await rewriteMeta(state, entry, (exp) => ({ ...exp, name, last_update_time: Date.now() }));
  });
}

export async function setExperimentTag(state: StoreState, id: string, tag: ExperimentTag): Promise<void> {
  const t = validateExperimentTag(tag);
  const entry = getExperimentEntry(state, id);
  if (entry.experiment!.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The experiment ${id} must be in the 'active' state. Current state is ${entry.experiment!.lifecycle_stage}.`,
    );
  }
  await writeFilesDurable(
    state.gc,
    [{ target: path.join(entry.dir, 'tags', ...t.key.split('/')), data: t.value }],
    null,
  );
  entry.refreshMeta(state.warn);
}

export function deleteExperimentTag(state: StoreState, id: string, key: string): void {
  validateTagKey(key);
  const entry = getExperimentEntry(state, id);
  if (entry.experiment!.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(
      `The experiment ${id} must be in the 'active' state. Current state is ${entry.experiment!.lifecycle_stage}.`,
    );
  }
  const file = path.join(entry.dir, 'tags', ...key.split('/'));
  if (!fs.existsSync(file)) throw MlflowError.notFound(`No tag with name: ${key} in experiment with id ${id}`);
  fs.rmSync(file);
  state.gc.dir(path.dirname(file));
  entry.refreshMeta(state.warn);
}

/** Marks runs deleted/active the way MLflow does when their experiment is deleted/restored. */
async function setRunsLifecycle(
  state: StoreState,
  entry: ExperimentEntry,
  stage: 'active' | 'deleted',
  when: number,
): Promise<void> {
  entry.syncRuns(0, state.warn);
  for (const run of entry.runs.values()) {
    if (!run.info || run.info.lifecycle_stage === stage) continue;
    const info = { ...run.info, lifecycle_stage: stage };
    const data = dumpYaml(runMetaFromInfo(info, stage === 'deleted' ? when : undefined));
    await writeFilesDurable(
      state.gc,
      [{ target: path.join(run.dir, 'meta.yaml'), data }],
      path.join(run.dir, RUN_TMP_DIR),
    );
    state.touchRun(run);
  }
}

export async function deleteExperiment(state: StoreState, id: string): Promise<void> {
  if (id === DEFAULT_EXPERIMENT_ID)
    throw new MlflowError(
      'INTERNAL_ERROR',
      "Cannot delete the default experiment '0'. This is an internally reserved experiment.",
    );
  const entry = state.experimentEntry(id);
  if (!entry?.experiment || entry.experiment.lifecycle_stage !== 'active' || entry.dir !== state.activeDir(id)) {
    throw MlflowError.notFound(`Could not find experiment with ID ${id}`);
  }
  const now = Date.now();
  await rewriteMeta(state, entry, (exp) => ({ ...exp, lifecycle_stage: 'deleted', last_update_time: now }));
  await setRunsLifecycle(state, entry, 'deleted', now);
  fs.mkdirSync(path.join(state.root, TRASH), { recursive: true });
  fs.renameSync(entry.dir, state.trashDir(id));
  state.gc.dir(state.root);
  state.gc.dir(path.join(state.root, TRASH));
}

export async function restoreExperiment(state: StoreState, id: string): Promise<void> {
  if (fs.existsSync(state.activeDir(id))) {
    throw MlflowError.alreadyExists(
      `Cannot restore experiment with ID ${id}. An experiment with same ID already exists.`,
    );
  }
  const entry = state.experimentEntry(id);
  if (!entry?.experiment || entry.dir !== state.trashDir(id))
    throw MlflowError.notFound(`Could not find deleted experiment with ID ${id}`);
  const name = entry.experiment.name;
  await withNamesLock(state, async () => {
    const clash = experimentByName(state, name);
    if (clash && clash.experiment_id !== id && clash.lifecycle_stage === 'active') {
      throw MlflowError.alreadyExists(
        `Cannot restore experiment '${name}': an active experiment with that name exists.`,
      );
    }
    fs.renameSync(entry.dir, state.activeDir(id));
    state.gc.dir(state.root);
    state.gc.dir(path.join(state.root, TRASH));
  });
  const restored = state.experimentEntry(id)!;
  await setRunsLifecycle(state, restored, 'active', Date.now());
  await rewriteMeta(state, restored, (exp) => ({ ...exp, lifecycle_stage: 'active', last_update_time: Date.now() }));
}
