/**
 * The tracking store contract. Small on purpose: one method per MLflow tracking RPC. Optional
 * capabilities are optional members; callers check for them (`if (store.getMetricHistoryBulkInterval)`).
 * Every method rejects with `MlflowError` carrying MLflow's error code.
 */
import type {
  DatasetInput,
  Experiment,
  ExperimentTag,
  Metric,
  ModelInputRef,
  ModelOutputRef,
  Page,
  Param,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  ViewType,
} from './entities.js';
import type { LoggedModelStore } from './logged-model-store.js';
import type { TraceStore } from './trace-store.js';

export interface SearchExperimentsRequest {
  view_type?: ViewType;
  /** Default 1000, at most 50000. */
  max_results?: number;
  filter?: string;
  order_by?: string[];
  page_token?: string;
}

export interface CreateRunRequest {
  /** Defaults to "0" (the Default experiment). */
  experiment_id?: string;
  user_id?: string;
  run_name?: string;
  /** ms since epoch; defaults to now. */
  start_time?: number;
  tags?: RunTag[];
}

/**
 * A run as another store holds it, for data movers (`mlflow-ts db migrate`): its id, status and times
 * are kept. Params, metrics, inputs follow through the ordinary methods; a deleted run is deleted after.
 */
export interface ImportRunRequest {
  /** Letters, digits, `_` and `-` (MLflow's are 32 hex digits). */
  run_id: string;
  experiment_id: string;
  user_id?: string;
  run_name: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  /** Default: `<experiment artifact location>/<run_id>/artifacts`, as createRun makes it. */
  artifact_uri?: string;
  tags?: RunTag[];
}

/** An experiment as another store holds it, for data movers: id and times kept (created active). */
export interface ImportExperimentRequest {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  tags?: ExperimentTag[];
  creation_time?: number;
  last_update_time?: number;
}

export interface UpdateRunRequest {
  status?: RunStatus;
  end_time?: number;
  run_name?: string;
}

export interface SearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  run_view_type?: ViewType;
  /** Default 1000, at most 50000. */
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export interface LogBatchRequest {
  metrics?: Metric[];
  params?: Param[];
  tags?: RunTag[];
}

export interface MetricHistoryRequest {
  max_results?: number;
  page_token?: string;
}

export interface MetricHistoryBulkIntervalRequest {
  run_ids: string[];
  metric_key: string;
  start_step?: number;
  end_step?: number;
  /** 1..2500 in MLflow; default 2500. */
  max_results?: number;
}

/** A metric point with its run, as `get-history-bulk-interval` returns it. */
export type MetricWithRunId = Metric & { run_id: string };

/** Logged-model methods (`LoggedModelStore`) are an optional capability: all or none. */
export interface TrackingStore extends Partial<LoggedModelStore> {
  readonly specificationVersion: 'v1';

  // experiments
  createExperiment(req: { name: string; artifact_location?: string; tags?: ExperimentTag[] }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** Active or deleted (active preferred); `null` when none has that name. */
  getExperimentByName(name: string): Promise<Experiment | null>;
  searchExperiments(req?: SearchExperimentsRequest): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  setExperimentTag(experimentId: string, tag: ExperimentTag): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;

  // runs
  createRun(req: CreateRunRequest): Promise<Run>;
  updateRun(runId: string, req: UpdateRunRequest): Promise<RunInfo>;
  getRun(runId: string): Promise<Run>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  searchRuns(req: SearchRunsRequest): Promise<Page<Run>>;

  logMetric(runId: string, metric: Metric): Promise<void>;
  logParam(runId: string, param: Param): Promise<void>;
  setTag(runId: string, tag: RunTag): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Atomic per MLflow's order (params, metrics, tags); limits from `LOG_BATCH_LIMITS`. */
  logBatch(runId: string, batch: LogBatchRequest): Promise<void>;
  /** In log order. Without `max_results` the whole history. */
  getMetricHistory(runId: string, metricKey: string, req?: MetricHistoryRequest): Promise<Page<Metric>>;
  logInputs(runId: string, req: { datasets?: DatasetInput[]; models?: ModelInputRef[] }): Promise<void>;

  // optional capabilities
  logOutputs?(runId: string, models: ModelOutputRef[]): Promise<void>;
  /** Default: `sampleMetricHistoryBulkInterval` over `getMetricHistory`; stores may do better. */
  getMetricHistoryBulkInterval?(req: MetricHistoryBulkIntervalRequest): Promise<MetricWithRunId[]>;
  /** MLflow 3 traces (start/get/search/tags/delete/link, spans over OTLP). */
  traces?: TraceStore;
  /** `mlflow gc`: every run in the deleted stage, with its deletion time where the store knows it. */
  listDeletedRuns?(): Promise<{ run_id: string; experiment_id: string; deleted_time?: number }[]>;
  /** `mlflow gc`: permanently removes a deleted run (INVALID_PARAMETER_VALUE for an active one). */
  hardDeleteRun?(runId: string): Promise<void>;
  /** `mlflow gc`: permanently removes a deleted experiment with everything in it. */
  hardDeleteExperiment?(experimentId: string): Promise<void>;
  /** Data movers: creates a run with the given id; RESOURCE_ALREADY_EXISTS when the id is taken. */
  importRun?(req: ImportRunRequest): Promise<Run>;
  /** Data movers: creates an experiment with the given id; RESOURCE_ALREADY_EXISTS when the id or name is taken. */
  importExperiment?(req: ImportExperimentRequest): Promise<string>;
  /** Release file handles, watchers, connections. */
  close?(): Promise<void>;
}
