/**
 * `createFsTrackingStore`: MLflow's FileStore (`mlruns/`) behind the TrackingStore contract. All state
 * lives on disk in MLflow's layout; the in-process caches (experiment listings, run entries, metric
 * series) are revalidated with stat calls, so other processes writing the same tree are seen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MlflowError,
  paginate,
  resolveMaxResults,
  sampleMetricHistoryBulkInterval,
  searchExperimentsInMemory,
  searchRunsInMemory,
  validateMetricHistoryBulkIntervalRequest,
  validateMetricKey,
} from '@mlflow-ts/format';
import type {
  CreateRunRequest,
  DatasetInput,
  Experiment,
  ExperimentTag,
  LogBatchRequest,
  Metric,
  MetricHistoryBulkIntervalRequest,
  MetricHistoryRequest,
  MetricWithRunId,
  ModelInputRef,
  ModelOutputRef,
  Page,
  Param,
  Run,
  RunInfo,
  RunTag,
  SearchExperimentsRequest,
  SearchRunsRequest,
  TrackingStore,
  UpdateRunRequest,
} from '@mlflow-ts/format';
import type { LoggedModelStore } from '@mlflow-ts/format';
import { createFsLoggedModelStore } from '../logged-models/index.js';
import { createFsTraceStore, traceFsync } from '../traces/fs-trace-store.js';
import { toFileUri, toLocalPath } from '../uri.js';
import type { Durability } from './durability.js';
import * as exps from './experiment-ops.js';
import * as gc from './gc.js';
import * as imports from './import-ops.js';
import type { MetricSeries } from './metric-file.js';
import * as runs from './run-ops.js';
import type { RunEntry } from './run-entry.js';
import { StoreState } from './store-state.js';

export interface FsTrackingStoreOptions {
  /** The `mlruns` directory: a path or `file:` URI. Created on first use. */
  root: string;
  /** Where new experiments put artifacts (`<root>/<exp id>` by default, as MLflow). */
  defaultArtifactRoot?: string;
  /**
   * How often (ms) a search re-stats every file of every run, to see writers that do not bump
   * directory mtimes (MLflow itself appending metrics). Writes by any mlflow-ts store are seen at
   * once regardless. 0 = check every time (slowest, always exact). Default 2000.
   */
  revalidateMs?: number;
  /**
   * Directory for run-cache snapshots that make reopening a large store fast (verified against file
   * stamps before use, never trusted blindly). Default `<os tmpdir>/mlflow-ts-store-fs`; null: off.
   */
  cacheDir?: string | null;
  /**
   * A search that meets an experiment with at least this many never-read runs (a big store opened
   * without a usable snapshot) reads them on worker threads first. Default 500; Infinity: never.
   */
  parallelReadMinRuns?: number;
  /**
   * In an experiment with at least this many runs, the periodic re-stat of every file (revalidateMs)
   * runs in the background in small slices instead of inside a search, and so does the check of a
   * snapshot after opening: until that sweep has passed, searches trust the snapshot as far as the
   * directory stamps every mlflow-ts writer bumps allow (writes by any mlflow-ts store are seen at
   * once; an in-place change by a writer that bumps nothing, like MLflow, after the sweep; getRun
   * always checks its run). Default 5000; Infinity: never.
   */
  backgroundSweepMinRuns?: number;
  /**
   * 'fsync' (default): a write resolves only once it is on disk — the files it wrote fdatasync'ed and
   * new directory entries fsync'ed, batched across concurrent requests (group commit). 'none' skips
   * the fsyncs (scratch use: writes survive a killed process, not an OS crash or power loss). The
   * default honours `MLFLOW_TS_FSYNC=0`.
   */
  durability?: Durability;
}

export type FsTrackingStore = TrackingStore &
  LoggedModelStore & {
    readonly root: string;
    /** Problems met while reading (corrupt or foreign files), each reported once. */
    readonly warnings: readonly string[];
    close(): Promise<void>;
    logOutputs(runId: string, models: ModelOutputRef[]): Promise<void>;
    getMetricHistoryBulkInterval(req: MetricHistoryBulkIntervalRequest): Promise<MetricWithRunId[]>;
  };

/** Async facade: every operation is sync file I/O behind a promise, errors as rejections. */
const run = <T>(fn: () => T | Promise<T>): Promise<T> => {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
};

export function createFsTrackingStore(opts: FsTrackingStoreOptions): FsTrackingStore {
  const root = toLocalPath(opts.root);
  const rootUri = toFileUri(root);
  const state = new StoreState({
    root,
    rootUri,
    artifactRootUri: (opts.defaultArtifactRoot ?? rootUri).replace(/\/+$/, ''),
    revalidateMs: opts.revalidateMs ?? 2000,
    backgroundSweepMinRuns: opts.backgroundSweepMinRuns ?? 5000,
    cacheDir: opts.cacheDir === undefined ? path.join(os.tmpdir(), 'mlflow-ts-store-fs') : opts.cacheDir,
    durability: opts.durability,
  });
  let initialized: Promise<void> | null = null;
  let closed = false;
  const init = async () => {
    fs.mkdirSync(root, { recursive: true });
    await exps.ensureDefaultExperiment(state);
    await state.gc.commit();
  };
  const ready = <T>(fn: () => T | Promise<T>): Promise<T> =>
    run(() => {
      if (closed) throw new MlflowError('INVALID_STATE', `FsTrackingStore at ${root} is closed`);
      if (!initialized) {
        initialized = init();
        initialized.catch(() => {
          initialized = null;
        });
      }
      return initialized.then(fn);
    });
  /** A write: resolves once what it wrote is durable (see durability.ts). */
  const write = <T>(fn: () => T | Promise<T>): Promise<T> =>
    ready(async () => {
      const out = await fn();
      await state.gc.commit();
      return out;
    });

  /** A run's metric series with every point loaded; the file is read off the event loop. */
  const history = async (runId: string, key: string): Promise<{ series: MetricSeries | null }> => {
    validateMetricKey(key, 'metric_key');
    const entry = await state.findRunAsync(runId);
    let series = entry.metrics.get(key) ?? null;
    if (series && !(await series.loadAsync())) series = null;
    return { series };
  };

  const store: FsTrackingStore = {
    specificationVersion: 'v1',
    // MLflow 3 logged models: `<experiment>/models/<model_id>/` (src/logged-models/).
    ...createFsLoggedModelStore({
      root,
      tracking: { getExperiment: (id) => store.getExperiment(id) },
      fsync: traceFsync(opts.durability),
    }),
    // MLflow 3 traces: `<experiment>/traces/<trace_id>/` (src/traces/); fsync unless durability is 'none'.
    traces: createFsTraceStore({
      root,
      tracking: { getExperiment: (id) => store.getExperiment(id) },
      warn: (m) => state.warn(m),
      fsync: traceFsync(opts.durability),
    }),
    root,
    get warnings() {
      return state.warnings;
    },

    createExperiment: (req) => write(() => exps.createExperiment(state, req)),
    getExperiment: (id) => ready(() => structuredClone(exps.getExperimentEntry(state, id).experiment!)),
    getExperimentByName: (name) =>
      ready(() => {
        const e = exps.experimentByName(state, name);
        return e ? structuredClone(e) : null;
      }),
    searchExperiments: (req: SearchExperimentsRequest = {}) =>
      ready(() => {
        const all: Experiment[] = exps.allExperiments(state).map((e) => e.experiment!);
        const page = searchExperimentsInMemory(all, { ...req, view_type: req.view_type ?? 'ACTIVE_ONLY' });
        return { ...page, items: structuredClone(page.items) };
      }),
    renameExperiment: (id, name) => write(() => exps.renameExperiment(state, id, name)),
    setExperimentTag: (id, tag: ExperimentTag) => write(() => exps.setExperimentTag(state, id, tag)),
    deleteExperimentTag: (id, key) => write(() => exps.deleteExperimentTag(state, id, key)),
    deleteExperiment: (id) => write(() => exps.deleteExperiment(state, id)),
    restoreExperiment: (id) => write(() => exps.restoreExperiment(state, id)),

    createRun: (req: CreateRunRequest) => write(async () => runs.runSnapshot(await runs.createRun(state, req))),
    importRun: (req) => write(async () => runs.runSnapshot(await imports.importRun(state, req))),
    importExperiment: (req) => write(() => imports.importExperiment(state, req)),
    updateRun: (runId, req: UpdateRunRequest): Promise<RunInfo> => write(() => runs.updateRun(state, runId, req)),
    getRun: (runId) =>
      ready(async () => {
        const entry = await state.findRunAsync(runId);
        if (!entry.info)
          throw new MlflowError('INVALID_STATE', `Run '${runId}' metadata is in invalid state: ${entry.error}`);
        return runs.runSnapshot(entry);
      }),
    deleteRun: (runId) => write(() => runs.setLifecycle(state, runId, 'deleted')),
    listDeletedRuns: () =>
      ready(async () => {
        gc.cleanGcStaging(state);
        return gc.listDeletedRuns(state);
      }),
    hardDeleteRun: (runId) => write(() => gc.hardDeleteRun(state, runId)),
    hardDeleteExperiment: (id) => write(() => gc.hardDeleteExperiment(state, id)),
    restoreRun: (runId) => write(() => runs.setLifecycle(state, runId, 'active')),
    searchRuns: (req: SearchRunsRequest) =>
      ready(async () => {
        for (const expId of new Set(req.experiment_ids ?? [])) {
          await state.experimentEntry(String(expId))?.prefetchRuns(opts.parallelReadMinRuns ?? 500, state.warn);
        }
        return searchRuns(state, req);
      }),

    logMetric: (runId, metric: Metric) => write(() => runs.logMetric(state, runId, metric)),
    logParam: (runId, param: Param) => write(() => runs.logParam(state, runId, param)),
    setTag: (runId, tag: RunTag) => write(() => runs.setTag(state, runId, tag)),
    deleteTag: (runId, key) => write(() => runs.deleteTag(state, runId, key)),
    logBatch: (runId, batch: LogBatchRequest) => write(() => runs.logBatch(state, runId, batch)),
    logInputs: (runId, req: { datasets?: DatasetInput[]; models?: ModelInputRef[] }) =>
      write(() => runs.logInputs(state, runId, req)),
    logOutputs: (runId, models) => write(() => runs.logOutputs(state, runId, models)),

    getMetricHistory: (runId, key, req: MetricHistoryRequest = {}): Promise<Page<Metric>> =>
      ready(async () => {
        const { series } = await history(runId, key);
        const all = series ? series.all() : [];
        // A copy: the series keeps its Metric objects for the next call.
        if (req.max_results === undefined && !req.page_token) return { items: all.slice() };
        return paginate(all, req.max_results ?? all.length ?? 1, req.page_token);
      }),
    getMetricHistoryBulkInterval: (req) =>
      ready(async () => {
        validateMetricHistoryBulkIntervalRequest(req);
        const histories: { run_id: string; history: readonly Metric[] }[] = [];
        for (const runId of req.run_ids)
          histories.push({ run_id: runId, history: (await history(runId, req.metric_key)).series?.all() ?? [] });
        return sampleMetricHistoryBulkInterval(histories, req);
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      state.saveSnapshots();
    },
  };
  return store;
}

function searchRuns(state: StoreState, req: SearchRunsRequest): Page<Run> {
  resolveMaxResults('runs', req.max_results);
  const candidates: RunEntry[] = [];
  const view = req.run_view_type ?? 'ACTIVE_ONLY';
  for (const expId of new Set(req.experiment_ids ?? [])) {
    const exp = state.experimentEntry(String(expId));
    if (!exp?.experiment) continue;
    exp.syncRuns(state.opts.revalidateMs, state.warn, undefined, state.opts.backgroundSweepMinRuns);
    for (const entry of exp.runs.values()) {
      if (!entry.info) continue;
      if (view !== 'ALL' && (entry.info.lifecycle_stage === 'active') !== (view === 'ACTIVE_ONLY')) continue;
      candidates.push(entry);
    }
  }
  state.scheduleSnapshots();
  const page = searchRunsInMemory(candidates, { ...req, run_view_type: 'ALL', experiment_ids: undefined }, (e) =>
    e.values(),
  );
  return { ...page, items: page.items.map((e) => copyRun(e.toRun())) };
}

/** A copy callers may mutate without touching the cache (cheaper than structuredClone per page). */
function copyRun(r: Run): Run {
  const kv = (xs: { key: string; value: string }[]) => xs.map((x) => ({ key: x.key, value: x.value }));
  const out: Run = {
    info: { ...r.info },
    data: { metrics: r.data.metrics.map((m) => ({ ...m })), params: kv(r.data.params), tags: kv(r.data.tags) },
    inputs: { dataset_inputs: r.inputs.dataset_inputs.length === 0 ? [] : structuredClone(r.inputs.dataset_inputs) },
  };
  if (r.inputs.model_inputs) out.inputs.model_inputs = r.inputs.model_inputs.map((m) => ({ ...m }));
  if (r.outputs) out.outputs = { model_outputs: r.outputs.model_outputs.map((m) => ({ ...m })) };
  return out;
}
