/** Run writes with MLflow FileStore semantics: one file per param/tag, appended metric lines. */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  MlflowError,
  RUN_NAME_TAG,
  resolveRunName,
  validateDatasetInput,
  validateLogBatch,
  validateMetric,
  validateParam,
  validateTag,
  validateTagKey,
} from '@mlflow-ts/format';
import type {
  CreateRunRequest,
  DatasetInput,
  LogBatchRequest,
  Metric,
  ModelInputRef,
  ModelOutputRef,
  Param,
  Run,
  RunInfo,
  RunTag,
  UpdateRunRequest,
} from '@mlflow-ts/format';
import { appendToUri } from '../uri.js';
import { dumpYaml } from '../yaml-file.js';
import { type DurableFile, RUN_TMP_DIR, writeFilesDurable } from './durable-files.js';
import { getExperimentEntry } from './experiment-ops.js';
import { runMetaFromInfo } from './meta-files.js';
import { appendMetricLines } from './metric-append.js';
import { formatMetricLine } from './metric-file.js';
import type { RunEntry } from './run-entry.js';
import { datasetId, datasetMeta, inputLinkMeta, md5, outputLinkMeta } from './run-links.js';
import type { StoreState } from './store-state.js';

const keyPath = (dir: string, key: string) => path.join(dir, ...key.split('/'));

/** Writes run files durably, their temps in the run's `.~tmp` folder (see durable-files.ts). */
const writeRunFiles = (state: StoreState, run: { dir: string }, files: DurableFile[]): Promise<boolean[]> =>
  writeFilesDurable(state.gc, files, path.join(run.dir, RUN_TMP_DIR));

export async function createRun(state: StoreState, req: CreateRunRequest): Promise<RunEntry> {
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
  state.gc.dir(exp.dir);
  // meta.yaml last: a run directory without it is not a run yet, for us and for MLflow.
  await writeRunFiles(
    state,
    { dir },
    tags.map((t) => ({ target: keyPath(path.join(dir, 'tags'), t.key), data: t.value })),
  );
  await writeRunFiles(state, { dir }, [
    { target: path.join(dir, 'meta.yaml'), data: dumpYaml(runMetaFromInfo(info, null)) },
  ]);
  const entry = exp.runEntry(runId)!;
  state.touchRun(entry);
  entry.refresh(true, state.warn);
  return entry;
}

/**
 * Rewrites a run's meta.yaml under the inter-process lock; `deletedTime` as in runMetaFromInfo. A new
 * `runName` is written to the `mlflow.runName` tag under the same lock, so that concurrent renames (in
 * any process) leave the tag and `run_name` agreeing.
 */
export async function rewriteRunMeta(
  state: StoreState,
  run: RunEntry,
  change: (info: RunInfo) => RunInfo,
  deletedTime?: number,
  runName?: string,
): Promise<RunInfo> {
  const meta = path.join(run.dir, 'meta.yaml');
  const next = await state.withMetaLock(meta, path.join(run.dir, '.~meta-lock'), async () => {
    run.refresh(true, state.warn);
    if (!run.info) throw new MlflowError('INVALID_STATE', `Run '${run.runId}' metadata is in invalid state.`);
    const info = change(run.info);
    const files: DurableFile[] = [{ target: meta, data: dumpYaml(runMetaFromInfo(info, deletedTime)) }];
    if (runName !== undefined)
      files.unshift({ target: keyPath(path.join(run.dir, 'tags'), RUN_NAME_TAG), data: runName });
    await writeRunFiles(state, run, files);
    return info;
  });
  state.touchRun(run);
  return next;
}

export async function updateRun(state: StoreState, runId: string, req: UpdateRunRequest): Promise<RunInfo> {
  const run = state.activeRun(runId);
  const info = await rewriteRunMeta(
    state,
    run,
    (cur) => {
      const next: RunInfo = { ...cur };
      if (req.status) next.status = req.status;
      if (req.end_time !== undefined && req.end_time !== null) next.end_time = req.end_time;
      if (req.run_name) next.run_name = req.run_name;
      return next;
    },
    undefined,
    req.run_name || undefined,
  );
  return { ...info };
}

export async function setLifecycle(state: StoreState, runId: string, stage: 'active' | 'deleted'): Promise<void> {
  const run = state.findRun(runId);
  await rewriteRunMeta(
    state,
    run,
    (cur) => ({ ...cur, lifecycle_stage: stage }),
    stage === 'deleted' ? Date.now() : undefined,
  );
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

/** Creates param files (never overwrites one); a param already logged must have the same value. */
async function writeParams(state: StoreState, run: RunEntry, params: Param[]): Promise<void> {
  const files = params.map((p) => ({
    target: keyPath(path.join(run.dir, 'params'), p.key),
    data: p.value,
    exclusive: true,
  }));
  const written = await writeRunFiles(state, run, files);
  written.forEach((ok, i) => {
    if (!ok) checkParamUnchanged(run, params[i]!, readIfExists(files[i]!.target));
  });
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
  const ctx = state.appendContext(run.dir);
  for (const [key, lines] of byKey) appendMetricLines(keyPath(path.join(run.dir, 'metrics'), key), lines, ctx);
  // A metric logged for a LoggedModel is also recorded on the model (`<ts> <value> <step> <run_id>`).
  for (const m of metrics) {
    // Only a real id names a model directory (`../<run>` must not reach the run's own metrics).
    if (!m.model_id || !/^[\w-]{1,64}$/.test(m.model_id)) continue;
    const modelDir = path.join(run.experimentDir, 'models', m.model_id);
    if (!fs.existsSync(modelDir)) continue;
    const ds = m.dataset_name != null && m.dataset_digest != null ? ` ${m.dataset_name} ${m.dataset_digest}` : '';
    const line = `${formatMetricLine({ ...m, dataset_name: undefined, dataset_digest: undefined }).trimEnd()} ${run.runId}${ds}\n`;
    appendMetricLines(keyPath(path.join(modelDir, 'metrics'), m.key), line, state.appendContext(modelDir));
  }
}

async function writeTag(state: StoreState, run: RunEntry, t: RunTag, skipUnchanged = false): Promise<void> {
  const file = keyPath(path.join(run.dir, 'tags'), t.key);
  // Replacing a file costs far more than reading it (two fsync rounds), so a value the cache says is
  // already there is confirmed on disk and then not rewritten.
  // Setting mlflow.runName renames the run (MLflow keeps the two in sync), both under the meta lock.
  if (t.key === RUN_NAME_TAG) {
    await rewriteRunMeta(state, run, (cur) => ({ ...cur, run_name: t.value }), undefined, t.value);
    return;
  }
  const same = skipUnchanged && run.tags.values.get(t.key) === t.value && readIfExists(file) === t.value;
  if (!same) await writeRunFiles(state, run, [{ target: file, data: t.value }]);
}

export function logMetric(state: StoreState, runId: string, metric: Metric): void {
  validateMetric(metric);
  const run = state.activeRun(runId);
  appendMetrics(state, run, [{ ...metric, step: metric.step ?? 0 }]);
  state.touchRun(run);
}

export async function logParam(state: StoreState, runId: string, param: Param): Promise<void> {
  const p = validateParam(param);
  const run = state.activeRun(runId);
  try {
    await writeParams(state, run, [p]);
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
  state.gc.dir(path.dirname(file));
  state.touchRun(run);
}

/**
 * MLflow's order: params, metrics, tags. Param conflicts are checked before anything is written.
 * Few syscalls: one append per metric key, and no rewrite of a param or tag that already holds the
 * value. Params are made durable before they appear (see durable-files.ts).
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
    if (fresh.length > 0) await writeParams(state, run, fresh);
    if (v.metrics.length > 0) appendMetrics(state, run, v.metrics);
    // One durable write for every tag whose value changes; mlflow.runName also renames the run.
    const tagsDir = path.join(run.dir, 'tags');
    const changed = v.tags.filter(
      (t) =>
        t.key !== RUN_NAME_TAG &&
        !(run.tags.values.get(t.key) === t.value && readIfExists(keyPath(tagsDir, t.key)) === t.value),
    );
    if (changed.length > 0)
      await writeRunFiles(
        state,
        run,
        changed.map((t) => ({ target: keyPath(tagsDir, t.key), data: t.value })),
      );
    for (const t of v.tags) if (t.key === RUN_NAME_TAG) await writeTag(state, run, t);
  } finally {
    state.touchRun(run);
  }
}

export async function logInputs(
  state: StoreState,
  runId: string,
  req: { datasets?: DatasetInput[]; models?: ModelInputRef[] },
): Promise<void> {
  for (const d of req.datasets ?? []) validateDatasetInput(d);
  const run = state.activeRun(runId);
  for (const input of req.datasets ?? []) {
    const id = datasetId(input.dataset);
    const datasetFile = path.join(run.experimentDir, 'datasets', id, 'meta.yaml');
    if (!fs.existsSync(datasetFile))
      await writeFilesDurable(state.gc, [{ target: datasetFile, data: dumpYaml(datasetMeta(input.dataset)) }], null);
    const linkFile = path.join(run.dir, 'inputs', md5(id + run.runId), 'meta.yaml');
    const tags = Object.fromEntries(input.tags.map((t) => [t.key, t.value]));
    if (!fs.existsSync(linkFile))
      await writeRunFiles(state, run, [{ target: linkFile, data: dumpYaml(inputLinkMeta('DATASET', id, tags)) }]);
  }
  for (const m of req.models ?? []) {
    if (!m.model_id) throw MlflowError.invalidParameter("Missing value for required parameter 'models[].model_id'.");
    const linkFile = path.join(run.dir, 'inputs', md5(m.model_id + run.runId), 'meta.yaml');
    if (!fs.existsSync(linkFile))
      await writeRunFiles(state, run, [{ target: linkFile, data: dumpYaml(inputLinkMeta('MODEL', m.model_id, {})) }]);
  }
  state.touchRun(run);
}

export async function logOutputs(state: StoreState, runId: string, models: ModelOutputRef[]): Promise<void> {
  const run = state.activeRun(runId);
  for (const m of models) {
    if (!m.model_id || m.model_id.includes('/') || m.model_id.startsWith('.'))
      throw MlflowError.invalidParameter(`Invalid model_id '${m.model_id}'`);
  }
  const files = models.map((m) => ({
    target: path.join(run.dir, 'outputs', m.model_id, 'meta.yaml'),
    data: dumpYaml(outputLinkMeta(m.model_id, m.step ?? 0)),
  }));
  await writeRunFiles(state, run, files);
  state.touchRun(run);
}

export function runSnapshot(run: RunEntry): Run {
  return structuredClone(run.toRun());
}
