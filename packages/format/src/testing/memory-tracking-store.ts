/**
 * The in-memory reference TrackingStore: MLflow's semantics (SQL-store flavour where FS and SQL
 * differ) with no persistence. It passes `runTrackingStoreConformance` and serves as the store for
 * tests of clients, servers and the CLI. Every answer is a copy, so callers cannot change state.
 */
import type {
  DatasetInput,
  Experiment,
  ExperimentTag,
  Metric,
  ModelInputRef,
  ModelOutputRef,
  Param,
  RunInfo,
  RunTag,
} from '../entities.js';
import { MlflowError } from '../errors.js';
import { searchExperimentsInMemory, searchRunsInMemory } from '../search/index.js';
import type {
  CreateRunRequest,
  LogBatchRequest,
  MetricHistoryBulkIntervalRequest,
  MetricHistoryRequest,
  MetricWithRunId,
  SearchExperimentsRequest,
  SearchRunsRequest,
  TrackingStore,
  UpdateRunRequest,
} from '../tracking-store.js';
import {
  RUN_NAME_TAG,
  sampleMetricHistoryBulkInterval,
  validateDatasetInput,
  validateExperimentName,
  validateExperimentTag,
  validateLogBatch,
  validateMetric,
  validateMetricHistoryBulkIntervalRequest,
  validateParam,
  validateTag,
  validateTagKey,
} from '../validation/index.js';
import { createMemoryTraceStore } from './memory-trace-store.js';
import { createRunRecord, metricHistoryPage, runEntity, type RunRecord } from './memory-run-record.js';
import { createMemoryLoggedModels } from './memory-logged-models.js';

export interface MemoryTrackingStoreOptions {
  /** Experiments' default artifact location is `<artifactRoot>/<experiment_id>`. Default `memory:/`. */
  artifactRoot?: string;
}

interface ExperimentRecord {
  experiment: Omit<Experiment, 'tags'>;
  tags: Map<string, string>;
  deleted_time?: number;
}

export function createMemoryTrackingStore(opts: MemoryTrackingStoreOptions = {}): TrackingStore {
  const artifactRoot = (opts.artifactRoot ?? 'memory:/').replace(/\/+$/, '');
  const experiments = new Map<string, ExperimentRecord>();
  const runs = new Map<string, RunRecord>();
  let nextExperimentId = 0;

  const experimentEntity = (r: ExperimentRecord): Experiment => ({
    ...r.experiment,
    tags: [...r.tags].map(([key, value]) => ({ key, value })),
  });

  function addExperiment(name: string, location: string | undefined, tags: ExperimentTag[]): string {
    const id = String(nextExperimentId++);
    const now = Date.now();
    experiments.set(id, {
      experiment: {
        experiment_id: id,
        name,
        artifact_location: location ?? `${artifactRoot}/${id}`,
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
      },
      tags: new Map(tags.map((t) => [t.key, t.value])),
    });
    return id;
  }
  addExperiment('Default', undefined, []);
  const loggedModels = createMemoryLoggedModels((id) => getExp(id).experiment);

  function getExp(id: string): ExperimentRecord {
    const r = experiments.get(id);
    if (!r) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with ID ${id}`);
    return r;
  }
  function activeExp(id: string, action: string): ExperimentRecord {
    const r = getExp(id);
    if (r.experiment.lifecycle_stage !== 'active') {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `The experiment ${id} must be in the 'active' lifecycle_stage to ${action}.`,
      );
    }
    return r;
  }
  function byName(name: string): ExperimentRecord | undefined {
    const all = [...experiments.values()].filter((r) => r.experiment.name === name);
    return all.find((r) => r.experiment.lifecycle_stage === 'active') ?? all[0];
  }
  function getRunRecord(runId: string): RunRecord {
    const r = runs.get(runId);
    if (!r) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    return r;
  }
  function activeRun(runId: string): RunRecord {
    const r = getRunRecord(runId);
    if (r.info.lifecycle_stage !== 'active') {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `The run ${runId} must be in the 'active' state. Current state is ${r.info.lifecycle_stage}.`,
      );
    }
    return r;
  }
  function setRunTag(r: RunRecord, tag: RunTag): void {
    const { key, value } = validateTag(tag);
    r.tags.set(key, value);
    if (key === RUN_NAME_TAG) r.info.run_name = value;
  }
  function logParamChecked(r: RunRecord, param: Param): void {
    const old = r.params.get(param.key);
    if (old !== undefined && old !== param.value) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with value='${old}' ` +
          `for run ID='${r.info.run_id}'. Attempted logging new value '${param.value}'.`,
      );
    }
  }

  const store: TrackingStore = {
    specificationVersion: 'v1',
    ...loggedModels.store,
    traces: createMemoryTraceStore(async (id) => experimentEntity(getExp(id))),

    async createExperiment(req) {
      const name = validateExperimentName(req.name);
      if (byName(name)) throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
      const loc = req.artifact_location || undefined;
      if (loc !== undefined && (loc.startsWith('runs:') || loc.length > 2048 || loc.includes('#'))) {
        throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid artifact location: '${loc}'`);
      }
      const tags = (req.tags ?? []).map((t) => validateExperimentTag(t));
      return addExperiment(name, loc, tags);
    },
    async getExperiment(id) {
      return experimentEntity(getExp(id));
    },
    async getExperimentByName(name) {
      const r = byName(name);
      return r ? experimentEntity(r) : null;
    },
    async searchExperiments(req: SearchExperimentsRequest = {}) {
      const all = [...experiments.values()].map(experimentEntity);
      return searchExperimentsInMemory(all, { ...req, view_type: req.view_type ?? 'ACTIVE_ONLY' });
    },
    async renameExperiment(id, newName) {
      const r = activeExp(id, 'rename');
      const name = validateExperimentName(newName);
      const other = byName(name);
      if (other && other !== r)
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
      r.experiment.name = name;
      r.experiment.last_update_time = Date.now();
    },
    async setExperimentTag(id, tag) {
      const r = activeExp(id, 'set tags');
      const { key, value } = validateExperimentTag(tag);
      r.tags.set(key, value);
    },
    async deleteExperimentTag(id, key) {
      const r = activeExp(id, 'delete tags');
      if (!r.tags.delete(key)) {
        throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in experiment with id ${id}`);
      }
    },
    async deleteExperiment(id) {
      const r = activeExp(id, 'be deleted');
      const now = Date.now();
      r.experiment.lifecycle_stage = 'deleted';
      r.experiment.last_update_time = now;
      r.deleted_time = now;
      for (const run of runs.values()) {
        if (run.info.experiment_id === id && run.info.lifecycle_stage === 'active') {
          run.info.lifecycle_stage = 'deleted';
          run.deleted_time = now;
        }
      }
    },
    async restoreExperiment(id) {
      const r = getExp(id);
      if (r.experiment.lifecycle_stage !== 'deleted') {
        throw new MlflowError('INVALID_PARAMETER_VALUE', `Cannot restore an active experiment: ${id}`);
      }
      const other = byName(r.experiment.name);
      if (other && other !== r && other.experiment.lifecycle_stage === 'active') {
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Experiment '${r.experiment.name}' already exists.`);
      }
      // Like MLflow, only the runs that were deleted together with the experiment come back.
      for (const run of runs.values()) {
        if (
          run.info.experiment_id === id &&
          run.deleted_time !== undefined &&
          run.deleted_time >= (r.deleted_time ?? 0)
        ) {
          run.info.lifecycle_stage = 'active';
          run.deleted_time = undefined;
        }
      }
      r.experiment.lifecycle_stage = 'active';
      r.experiment.last_update_time = Date.now();
      r.deleted_time = undefined;
    },

    async createRun(req: CreateRunRequest) {
      const experimentId = req.experiment_id || '0';
      const exp = getExp(experimentId);
      if (exp.experiment.lifecycle_stage !== 'active') {
        throw new MlflowError(
          'INVALID_STATE',
          `The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`,
        );
      }
      const r = createRunRecord(experimentId, exp.experiment.artifact_location, req);
      runs.set(r.info.run_id, r);
      return runEntity(r);
    },
    async updateRun(runId, req: UpdateRunRequest) {
      const r = activeRun(runId);
      if (req.status !== undefined) r.info.status = req.status;
      if (req.end_time !== undefined) r.info.end_time = req.end_time;
      if (req.run_name) setRunTag(r, { key: RUN_NAME_TAG, value: req.run_name });
      return structuredClone(r.info) as RunInfo;
    },
    async getRun(runId) {
      return runEntity(getRunRecord(runId));
    },
    async deleteRun(runId) {
      const r = getRunRecord(runId);
      r.info.lifecycle_stage = 'deleted';
      r.deleted_time = Date.now();
    },
    async restoreRun(runId) {
      const r = getRunRecord(runId);
      r.info.lifecycle_stage = 'active';
      r.deleted_time = undefined;
    },
    async searchRuns(req: SearchRunsRequest) {
      const ids = new Set(req.experiment_ids);
      const candidates = [...runs.values()].filter((r) => ids.has(r.info.experiment_id)).map(runEntity);
      return searchRunsInMemory(candidates, { ...req, run_view_type: req.run_view_type ?? 'ACTIVE_ONLY' });
    },

    async logMetric(runId, metric: Metric) {
      const r = activeRun(runId);
      validateMetric(metric);
      r.metrics.push({ ...metric, step: metric.step ?? 0 });
      loggedModels.recordMetric(runId, metric);
    },
    async logParam(runId, param) {
      const r = activeRun(runId);
      const p = validateParam(param);
      logParamChecked(r, p);
      r.params.set(p.key, p.value);
    },
    async setTag(runId, tag) {
      setRunTag(activeRun(runId), tag);
    },
    async deleteTag(runId, key) {
      const r = activeRun(runId);
      validateTagKey(key);
      if (!r.tags.delete(key))
        throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
    },
    async logBatch(runId, batch: LogBatchRequest) {
      const r = activeRun(runId);
      const valid = validateLogBatch(batch);
      // Everything is checked before anything is written, so a rejected batch leaves no trace.
      for (const p of valid.params) logParamChecked(r, p);
      for (const p of valid.params) r.params.set(p.key, p.value);
      for (const m of valid.metrics) r.metrics.push(m);
      for (const m of valid.metrics) loggedModels.recordMetric(runId, m);
      for (const t of valid.tags) setRunTag(r, t);
    },
    async getMetricHistory(runId, metricKey, req?: MetricHistoryRequest) {
      return metricHistoryPage(getRunRecord(runId), metricKey, req);
    },
    async logInputs(runId, req: { datasets?: DatasetInput[]; models?: ModelInputRef[] }) {
      const r = activeRun(runId);
      for (const d of req.datasets ?? []) validateDatasetInput(d);
      for (const d of req.datasets ?? []) {
        const same = (x: DatasetInput) => x.dataset.name === d.dataset.name && x.dataset.digest === d.dataset.digest;
        if (!r.datasetInputs.some(same)) r.datasetInputs.push(structuredClone(d));
      }
      for (const m of req.models ?? []) {
        if (!r.modelInputs.some((x) => x.model_id === m.model_id)) r.modelInputs.push({ model_id: m.model_id });
      }
    },
    async logOutputs(runId, models: ModelOutputRef[]) {
      const r = activeRun(runId);
      for (const m of models) r.modelOutputs.push({ model_id: m.model_id, step: m.step });
    },
    async getMetricHistoryBulkInterval(req: MetricHistoryBulkIntervalRequest): Promise<MetricWithRunId[]> {
      validateMetricHistoryBulkIntervalRequest(req);
      const histories = req.run_ids.map((id) => ({
        run_id: id,
        history: getRunRecord(id).metrics.filter((m) => m.key === req.metric_key),
      }));
      return sampleMetricHistoryBulkInterval(histories, req);
    },
  };
  return store;
}
