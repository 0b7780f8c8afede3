/** Run writes with MLflow FileStore semantics: one file per param/tag, appended metric lines. */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  MlflowError, RUN_NAME_TAG, resolveRunName, validateDatasetInput, validateLogBatch, validateMetric, validateParam, validateTag,
  validateTagKey,
} from '@mlflow-ts/format';
import type {
  CreateRunRequest, DatasetInput, LogBatchRequest, Metric, ModelInputRef, ModelOutputRef, Param, Run, RunInfo, RunTag,
  UpdateRunRequest,
} from '@mlflow-ts/format';
import { appendToUri } from '../uri.js';
import { createFileExclusiveSync, writeFileAtomicMkdirSync, writeYamlSync } from '../yaml-file.js';
import { getExperimentEntry } from './experiment-ops.js';
import { runMetaFromInfo } from './meta-files.js';
import { formatMetricLine } from './metric-file.js';
import type { RunEntry } from './run-entry.js';
import { datasetId, datasetMeta, inputLinkMeta, md5, outputLinkMeta } from './run-links.js';
import type { StoreState } from './store-state.js';


const keyPath = (dir: string, key: string) => path.join(dir, ...key.split('/'));

export function createRun(state: StoreState, req: CreateRunRequest): RunEntry {
  const expId = req.experiment_id || '0';
  const exp = getExperimentEntry(state, expId);
  if (exp.experiment!.lifecycle_stage !== 'active') {
    throw new MlflowError('INVALID_STATE', `Could not create run under non-active experiment with ID ${expId}.`);
  }
  const tags = (req.tags ?? []).map((t, i) => validateTag(t, `tags[${i}]`));
  const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
  const runName = resolveRunName(req.run_name, tagName);
  if (!tagName) tags.push({ key: RUN_NAME_TAG, value: runName });
  const runId = randomUUID().replace(/-/g, '');
  const info: RunInfo = {
    run_id: runId,
    run_uuid: runId,
    run_name: runName,
    experiment_id: expId,
    user_id: req.user_id ?? '',
    status: 'RUNNING',
    start_time: req.start_time ?? Date.now(),
    artifact_uri: appendToUri(exp.experiment!.artifact_location, runId, 'artifacts'),
    lifecycle_stage: 'active',
  };
  const dir = path.join(exp.dir, runId);
  fs.mkdirSync(dir);
  for (const t of tags) writeFileAtomicMkdirSync(keyPath(path.join(dir, 'tags'), t.key), t.value);
  writeYamlSync(path.join(dir, 'meta.yaml'), runMetaFromInfo(info, null));
  const entry = exp.runEntry(runId)!;
  state.touchRun(entry);
  entry.refresh(true, state.warn);
  return entry;
}

/** Rewrites a run's meta.yaml under the inter-process lock; `deletedTime` as in runMetaFromInfo. */
export async function rewriteRunMeta(
  state: StoreState,
  run: RunEntry,
  change: (info: RunInfo) => RunInfo,
  deletedTime?: number,
): Promise<RunInfo> {
  const meta = path.join(run.dir, 'meta.yaml');
  const next = await state.withMetaLock(meta, path.join(run.dir, '.~meta-lock'), () => {
    run.refresh(true, state.warn);
    if (!run.info) throw new MlflowError('INVALID_STATE', `Run '${run.runId}' metadata is in invalid state.`);
    const info = change(run.info);
    writeYamlSync(meta, runMetaFromInfo(info, deletedTime));
    return info;
  });
  state.touchRun(run);
  return next;
}

export async function updateRun(state: StoreState, runId: string, req: UpdateRunRequest): Promise<RunInfo> {
  const run = state.activeRun(runId);
  if (req.run_name) writeFileAtomicMkdirSync(keyPath(path.join(run.dir, 'tags'), RUN_NAME_TAG), req.run_name);
  const info = await rewriteRunMeta(state, run, (cur) => {
    const next: RunInfo = { ...cur };
    if (req.status) next.status = req.status;
    if (req.end_time !== undefined && req.end_time !== null) next.end_time = req.end_time;
    if (req.run_name) next.run_name = req.run_name;
    return next;
  });
  return { ...info };
}

export async function setLifecycle(state: StoreState, runId: string, stage: 'active' | 'deleted'): Promise<void> {
  const run = state.findRun(runId);
  await rewriteRunMeta(state, run, (cur) => ({ ...cur, lifecycle_stage: stage }), stage === 'deleted' ? Date.now() : undefined);
}

/** A file's text, or null when it does not exist (no exception thrown for the common missing case). */
function readIfExists(file: string): string | null {
  if (!fs.statSync(file, { throwIfNoEntry: false })) return null;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function writeParam(run: RunEntry, p: Param, parentExists = false): void {
  const file = keyPath(path.join(run.dir, 'params'), p.key);
  if (createFileExclusiveSync(file, p.value, { parentExists })) return;
  checkParamUnchanged(run, p, readIfExists(file));
}

function checkParamUnchanged(run: RunEntry, p: Param, old: string | null): void {
  if (old !== null && old !== p.value) {
    throw MlflowError.invalidParameter(
      `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${run.runId}'. Attempted logging new value '${p.value}'.`,
    );
  }
}

/** One write per metric key: O_APPEND writes of whole lines never interleave with other writers. */
function appendMetrics(state: StoreState, run: RunEntry, metrics: Metric[]): void {
  const byKey = new Map<string, string>();
  for (const m of metrics) byKey.set(m.key, (byKey.get(m.key) ?? '') + formatMetricLine(m));
  for (const [key, lines] of byKey) {
    const file = keyPath(path.join(run.dir, 'metrics'), key);
    try {
      fs.appendFileSync(file, lines);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(file, lines);
    }
  }
  // A metric logged for a LoggedModel is also recorded on the model (`<ts> <value> <step> <run_id>`).
  for (const m of metrics) {
    if (!m.model_id) continue;
    const modelDir = path.join(run.experimentDir, 'models', m.model_id);
    if (!fs.existsSync(modelDir)) continue;
    const ds = m.dataset_name != null && m.dataset_digest != null ? ` ${m.dataset_name} ${m.dataset_digest}` : '';
    const line = `${formatMetricLine({ ...m, dataset_name: undefined, dataset_digest: undefined }).trimEnd()} ${run.runId}${ds}\n`;
    const file = keyPath(path.join(modelDir, 'metrics'), m.key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, line);
  }
  void state;
}

async function writeTag(state: StoreState, run: RunEntry, t: RunTag, skipUnchanged = false): Promise<void> {
  const file = keyPath(path.join(run.dir, 'tags'), t.key);
  // Replacing a file by rename costs far more than reading it (ext4 flushes the replacement), so a
  // value the cache says is already there is confirmed on disk and then not rewritten.
  const same = skipUnchanged && t.key !== RUN_NAME_TAG && run.tags.values.get(t.key) === t.value && readIfExists(file) === t.value;
  if (!same) writeFileAtomicMkdirSync(file, t.value);
  // Setting mlflow.runName renames the run (MLflow keeps the two in sync).
  if (t.key === RUN_NAME_TAG) await rewriteRunMeta(state, run, (cur) => ({ ...cur, run_name: t.value }));
}

export function logMetric(state: StoreState, runId: string, metric: Metric): void {
  validateMetric(metric);
  const run = state.activeRun(runId);
  appendMetrics(state, run, [{ ...metric, step: metric.step ?? 0 }]);
  state.touchRun(run);
}

export function logParam(state: StoreState, runId: string, param: Param): void {
  const p = validateParam(param);
  const run = state.activeRun(runId);
  try {
    writeParam(run, p);
  } finally {
    state.touchRun(run);
  }
}

export async function setTag(state: StoreState, runId: string, tag: RunTag): Promise<void> {
  const t = validateTag(tag);
  const run = state.activeRun(runId);
  await writeTag(state, run, t);
  state.touchRun(run);
}

export function deleteTag(state: StoreState, runId: string, key: string): void {
  validateTagKey(key);
  const run = state.activeRun(runId);
  const file = keyPath(path.join(run.dir, 'tags'), key);
  if (!fs.existsSync(file)) throw MlflowError.notFound(`No tag with name: ${key} in run with id ${runId}`);
  fs.rmSync(file);
  state.touchRun(run);
}

/**
 * MLflow's order: params, metrics, tags. Param conflicts are checked before anything is written.
 * Few syscalls: one mkdir -p per params directory, one append per metric key, and no rewrite of a
 * param or tag that already holds the value.
 */
export async function logBatch(state: StoreState, runId: string, batch: LogBatchRequest): Promise<void> {
  const v = validateLogBatch(batch);
  const run = state.activeRun(runId);
  const paramsDir = path.join(run.dir, 'params');
  const logged = new Set<string>();
  for (const p of v.params) {
    const old = readIfExists(keyPath(paramsDir, p.key));
    checkParamUnchanged(run, p, old);
    if (old !== null) logged.add(p.key);
  }
  try {
    const fresh = v.params.filter((p) => !logged.has(p.key));
    for (const dir of new Set(fresh.map((p) => path.dirname(keyPath(paramsDir, p.key))))) fs.mkdirSync(dir, { recursive: true });
    for (const p of fresh) writeParam(run, p, true);
    if (v.metrics.length > 0) appendMetrics(state, run, v.metrics);
    for (const t of v.tags) await writeTag(state, run, t, true);
  } finally {
    state.touchRun(run);
  }
}

export function logInputs(state: StoreState, runId: string, req: { datasets?: DatasetInput[]; models?: ModelInputRef[] }): void {
  for (const d of req.datasets ?? []) validateDatasetInput(d);
  const run = state.activeRun(runId);
  for (const input of req.datasets ?? []) {
    const id = datasetId(input.dataset);
    const datasetFile = path.join(run.experimentDir, 'datasets', id, 'meta.yaml');
    if (!fs.existsSync(datasetFile)) writeYamlSync(datasetFile, datasetMeta(input.dataset));
    const linkFile = path.join(run.dir, 'inputs', md5(id + run.runId), 'meta.yaml');
    if (!fs.existsSync(linkFile)) writeYamlSync(linkFile, inputLinkMeta('DATASET', id, Object.fromEntries(input.tags.map((t) => [t.key, t.value]))));
  }
  for (const m of req.models ?? []) {
    if (!m.model_id) throw MlflowError.invalidParameter("Missing value for required parameter 'models[].model_id'.");
    const linkFile = path.join(run.dir, 'inputs', md5(m.model_id + run.runId), 'meta.yaml');
    if (!fs.existsSync(linkFile)) writeYamlSync(linkFile, inputLinkMeta('MODEL', m.model_id, {}));
  }
  state.touchRun(run);
}

export function logOutputs(state: StoreState, runId: string, models: ModelOutputRef[]): void {
  const run = state.activeRun(runId);
  for (const m of models) {
    if (!m.model_id || m.model_id.includes('/') || m.model_id.startsWith('.')) throw MlflowError.invalidParameter(`Invalid model_id '${m.model_id}'`);
    writeYamlSync(path.join(run.dir, 'outputs', m.model_id, 'meta.yaml'), outputLinkMeta(m.model_id, m.step ?? 0));
  }
  state.touchRun(run);
}

export function runSnapshot(run: RunEntry): Run {
  return structuredClone(run.toRun());
}
