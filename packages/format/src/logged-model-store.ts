/**
 * The LoggedModel capability of a tracking store (MLflow 3's `*_logged_model*` store methods). A
 * `TrackingStore` that supports logged models has all of these; callers check one, e.g.
 * `if (store.getLoggedModel)`. Metrics reach a model through `logMetric`/`logBatch` with `model_id`.
 */
import type { Page } from './entities.js';
import type { LoggedModel, LoggedModelParameter, LoggedModelStatus, LoggedModelTag } from './logged-model.js';

export interface CreateLoggedModelRequest {
  experiment_id: string;
  /** Default: a random `<adjective>-<noun>-<n>` name. */
  name?: string;
  model_type?: string;
  source_run_id?: string;
  params?: LoggedModelParameter[];
  tags?: LoggedModelTag[];
}

/** A dataset a search's metric clauses apply to (`datasets` in SearchLoggedModels). */
export interface LoggedModelDatasetFilter {
  dataset_name: string;
  dataset_digest?: string;
}

/** One `order_by` entry of SearchLoggedModels: `metrics.<key>` or an attribute. */
export interface LoggedModelOrderBy {
  field_name: string;
  /** Default true. */
  ascending?: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface SearchLoggedModelsRequest {
  experiment_ids: string[];
  filter?: string;
  datasets?: LoggedModelDatasetFilter[];
  /** Default 100 (MLflow's store default). */
  max_results?: number;
  order_by?: LoggedModelOrderBy[];
  page_token?: string;
}

export interface LoggedModelStore {
  /** PENDING, artifact location `<experiment location>/models/<model_id>/artifacts`. */
  createLoggedModel(req: CreateLoggedModelRequest): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<LoggedModel>;
  /** RESOURCE_DOES_NOT_EXIST for unknown and deleted models. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  deleteLoggedModel(modelId: string): Promise<void>;
  searchLoggedModels(req: SearchLoggedModelsRequest): Promise<Page<LoggedModel>>;
  setLoggedModelTags(modelId: string, tags: LoggedModelTag[]): Promise<void>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  logLoggedModelParams(modelId: string, params: LoggedModelParameter[]): Promise<void>;
}
