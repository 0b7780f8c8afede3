// Kysely row types of MLflow's schema at alembic head bf29a5ff90ea, one interface per table, generated from
// test/fixtures/mlflow-3.6-postgres-catalog.json (MLflow's own PostgreSQL catalog). Booleans are `DbBool`:
// PostgreSQL answers true/false, SQLite 0/1 (write them through `dbBool`).
import type { ColumnType, Generated } from 'kysely';

/** A BOOLEAN column: PostgreSQL answers booleans, SQLite answers 0 or 1. */
export type DbBool = ColumnType<boolean | number, boolean | number, boolean | number>;

export interface AlembicVersionTable {
  version_num: string;
}

export interface AssessmentsTable {
  assessment_id: string;
  trace_id: string;
  name: string;
  assessment_type: string;
  value: string;
  error: string | null;
  created_timestamp: number;
  last_updated_timestamp: number;
  source_type: string;
  source_id: string | null;
  run_id: string | null;
  span_id: string | null;
  rationale: string | null;
  overrides: string | null;
  valid: DbBool;
  assessment_metadata: string | null;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  dataset_source_type: string;
  dataset_source: string;
  dataset_schema: string | null;
  dataset_profile: string | null;
}

export interface EntityAssociationsTable {
  association_id: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
  created_time: number | null;
}

export interface EvaluationDatasetRecordsTable {
  dataset_record_id: string;
  dataset_id: string;
  inputs: string;
  expectations: string | null;
  tags: string | null;
  source: string | null;
  source_id: string | null;
  source_type: string | null;
  created_time: number | null;
  last_update_time: number | null;
  created_by: string | null;
  last_updated_by: string | null;
  input_hash: string;
  outputs: string | null;
}

export interface EvaluationDatasetTagsTable {
  dataset_id: string;
  key: string;
  value: string | null;
}

export interface EvaluationDatasetsTable {
  dataset_id: string;
  name: string;
  schema: string | null;
  profile: string | null;
  digest: string | null;
  created_time: number | null;
  last_update_time: number | null;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface ExperimentTagsTable {
  key: string;
  value: string | null;
  experiment_id: number;
}

export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string | null;
  creation_time: number | null;
  last_update_time: number | null;
}

export interface InputTagsTable {
  input_uuid: string;
  name: string;
  value: string;
}

export interface InputsTable {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
  step: Generated<number>;
}

export interface JobsTable {
  id: string;
  creation_time: number;
  function_fullname: string;
  params: string;
  timeout: number | null;
  status: number;
  result: string | null;
  retry_count: number;
  last_update_time: number;
}

export interface LatestMetricsTable {
  key: string;
  value: number;
  timestamp: number | null;
  step: number;
  is_nan: DbBool;
  run_uuid: string;
}

export interface LoggedModelMetricsTable {
  model_id: string;
  metric_name: string;
  metric_timestamp_ms: number;
  metric_step: number;
  metric_value: number | null;
  experiment_id: number;
  run_id: string;
  dataset_uuid: string | null;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export interface LoggedModelParamsTable {
  model_id: string;
  experiment_id: number;
  param_key: string;
  param_value: string;
}

export interface LoggedModelTagsTable {
  model_id: string;
  experiment_id: number;
  tag_key: string;
  tag_value: string;
}

export interface LoggedModelsTable {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: number;
  lifecycle_stage: string | null;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

export interface MetricsTable {
  key: string;
  value: number;
  timestamp: number;
  run_uuid: string;
  step: Generated<number>;
  is_nan: DbBool;
}

export interface ModelVersionTagsTable {
  key: string;
  value: string | null;
  name: string;
  version: number;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  current_stage: string | null;
  source: string | null;
  run_id: string | null;
  status: string | null;
  status_message: string | null;
  run_link: string | null;
  storage_location: string | null;
}

export interface ParamsTable {
  key: string;
  value: string;
  run_uuid: string;
}

export interface RegisteredModelAliasesTable {
  alias: string;
  version: number;
  name: string;
}

export interface RegisteredModelTagsTable {
  key: string;
  value: string | null;
  name: string;
}

export interface RegisteredModelsTable {
  name: string;
  creation_time: number | null;
  last_updated_time: number | null;
  description: string | null;
}

export interface RunsTable {
  run_uuid: string;
  name: string | null;
  source_type: string | null;
  source_name: string | null;
  entry_point_name: string | null;
  user_id: string | null;
  status: string | null;
  start_time: number | null;
  end_time: number | null;
  source_version: string | null;
  lifecycle_stage: string | null;
  artifact_uri: string | null;
  experiment_id: number | null;
  deleted_time: number | null;
}

export interface ScorerVersionsTable {
  scorer_id: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number | null;
}

export interface ScorersTable {
  experiment_id: number;
  scorer_name: string;
  scorer_id: string;
}

export interface SpansTable {
  trace_id: string;
  experiment_id: number;
  span_id: string;
  parent_span_id: string | null;
  name: string | null;
  type: string | null;
  status: string;
  start_time_unix_nano: number;
  end_time_unix_nano: number | null;
  duration_ns: number | null;
  content: string;
}

export interface TagsTable {
  key: string;
  value: string | null;
  run_uuid: string;
}

export interface TraceInfoTable {
  request_id: string;
  experiment_id: number;
  timestamp_ms: number;
  execution_time_ms: number | null;
  status: string;
  client_request_id: string | null;
  request_preview: string | null;
  response_preview: string | null;
}

export interface TraceRequestMetadataTable {
  key: string;
  value: string | null;
  request_id: string;
}

export interface TraceTagsTable {
  key: string;
  value: string | null;
  request_id: string;
}

export interface WebhookEventsTable {
  webhook_id: string;
  entity: string;
  action: string;
}

export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  status: Generated<string>;
  secret: string | null;
  creation_timestamp: number | null;
  last_updated_timestamp: number | null;
  deleted_timestamp: number | null;
}

export interface MlflowDatabase {
  alembic_version: AlembicVersionTable;
  assessments: AssessmentsTable;
  datasets: DatasetsTable;
  entity_associations: EntityAssociationsTable;
  evaluation_dataset_records: EvaluationDatasetRecordsTable;
  evaluation_dataset_tags: EvaluationDatasetTagsTable;
  evaluation_datasets: EvaluationDatasetsTable;
  experiment_tags: ExperimentTagsTable;
  experiments: ExperimentsTable;
  input_tags: InputTagsTable;
  inputs: InputsTable;
  jobs: JobsTable;
  latest_metrics: LatestMetricsTable;
  logged_model_metrics: LoggedModelMetricsTable;
  logged_model_params: LoggedModelParamsTable;
  logged_model_tags: LoggedModelTagsTable;
  logged_models: LoggedModelsTable;
  metrics: MetricsTable;
  model_version_tags: ModelVersionTagsTable;
  model_versions: ModelVersionsTable;
  params: ParamsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  registered_model_tags: RegisteredModelTagsTable;
  registered_models: RegisteredModelsTable;
  runs: RunsTable;
  scorer_versions: ScorerVersionsTable;
  scorers: ScorersTable;
  spans: SpansTable;
  tags: TagsTable;
  trace_info: TraceInfoTable;
  trace_request_metadata: TraceRequestMetadataTable;
  trace_tags: TraceTagsTable;
  webhook_events: WebhookEventsTable;
  webhooks: WebhooksTable;
}
