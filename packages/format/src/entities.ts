/**
 * Tracking and registry entities. Field names are MLflow's own snake_case wire names, so an entity
 * serialised with `JSON.stringify` (after `toMlflowJson`, which drops empty lists) *is* the body
 * MLflow's REST API sends: no mapping layer between the stores, the server, the CLI's --json and
 * MLflow's clients. int64 fields are JS numbers (ms timestamps fit in 2^53).
 */
import { z } from 'zod';

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
/** Proto enum numbers (meta.yaml stores `status` as this integer). */
export const RUN_STATUS_NUMBERS: Record<RunStatus, number> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

export const ViewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);
export type ViewType = z.infer<typeof ViewType>;

export const LifecycleStage = z.enum(['active', 'deleted']);
export type LifecycleStage = z.infer<typeof LifecycleStage>;

export const KeyValue = z.object({ key: z.string(), value: z.string() });
export const ExperimentTag = KeyValue;
export type ExperimentTag = z.infer<typeof ExperimentTag>;
export const RunTag = KeyValue;
export type RunTag = z.infer<typeof RunTag>;
export const Param = KeyValue;
export type Param = z.infer<typeof Param>;
export const InputTag = KeyValue;
export type InputTag = z.infer<typeof InputTag>;

export const Experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string(),
  lifecycle_stage: LifecycleStage,
  creation_time: z.number().optional(),
  last_update_time: z.number().optional(),
  tags: z.array(ExperimentTag),
});
export type Experiment = z.infer<typeof Experiment>;

export const Metric = z.object({
  key: z.string(),
  /** NaN and ±Infinity are legal values (JSON: "NaN", "Infinity", "-Infinity"). */
  value: z.number(),
  timestamp: z.number(),
  step: z.number(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
  model_id: z.string().optional(),
  run_id: z.string().optional(),
});
export type Metric = z.infer<typeof Metric>;

export const RunInfo = z.object({
  run_id: z.string(),
  /** Deprecated alias MLflow still sends; always equal to run_id. */
  run_uuid: z.string(),
  run_name: z.string(),
  experiment_id: z.string(),
  user_id: z.string(),
  status: RunStatus,
  start_time: z.number(),
  end_time: z.number().optional(),
  artifact_uri: z.string(),
  lifecycle_stage: LifecycleStage,
});
export type RunInfo = z.infer<typeof RunInfo>;

export const RunData = z.object({
  /** Latest value per key only (max by step, then timestamp, then value). */
  metrics: z.array(Metric),
  params: z.array(Param),
  tags: z.array(RunTag),
});
export type RunData = z.infer<typeof RunData>;

export const Dataset = z.object({
  name: z.string(),
  digest: z.string(),
  source_type: z.string(),
  source: z.string(),
  schema: z.string().optional(),
  profile: z.string().optional(),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetInput = z.object({ tags: z.array(InputTag), dataset: Dataset });
export type DatasetInput = z.infer<typeof DatasetInput>;

export const ModelInput = z.object({ model_id: z.string() });
export type ModelInputRef = z.infer<typeof ModelInput>;
export const ModelOutput = z.object({ model_id: z.string(), step: z.number() });
export type ModelOutputRef = z.infer<typeof ModelOutput>;

export const RunInputs = z.object({
  dataset_inputs: z.array(DatasetInput),
  model_inputs: z.array(ModelInput).optional(),
});
export type RunInputs = z.infer<typeof RunInputs>;
export const RunOutputs = z.object({ model_outputs: z.array(ModelOutput) });
export type RunOutputs = z.infer<typeof RunOutputs>;

export const Run = z.object({ info: RunInfo, data: RunData, inputs: RunInputs, outputs: RunOutputs.optional() });
export type Run = z.infer<typeof Run>;

export const FileInfo = z.object({ path: z.string(), is_dir: z.boolean(), file_size: z.number().optional() });
export type FileInfo = z.infer<typeof FileInfo>;

// ---- registry ----

export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export const ModelVersionStage = z.enum(MODEL_VERSION_STAGES);
export type ModelVersionStage = z.infer<typeof ModelVersionStage>;

export const ModelVersionStatus = z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']);
export type ModelVersionStatus = z.infer<typeof ModelVersionStatus>;

export const ModelVersion = z.object({
  name: z.string(),
  /** A string on the wire, an integer from 1 in the store. */
  version: z.string(),
  creation_timestamp: z.number(),
  last_updated_timestamp: z.number(),
  user_id: z.string().optional(),
  current_stage: ModelVersionStage,
  description: z.string().optional(),
  source: z.string(),
  run_id: z.string().optional(),
  status: ModelVersionStatus,
  status_message: z.string().optional(),
  tags: z.array(KeyValue),
  run_link: z.string().optional(),
  aliases: z.array(z.string()),
  model_id: z.string().optional(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

export const RegisteredModelAlias = z.object({ alias: z.string(), version: z.string() });
export type RegisteredModelAlias = z.infer<typeof RegisteredModelAlias>;

export const RegisteredModel = z.object({
  name: z.string(),
  creation_timestamp: z.number(),
  last_updated_timestamp: z.number(),
  user_id: z.string().optional(),
  description: z.string().optional(),
  latest_versions: z.array(ModelVersion),
  tags: z.array(KeyValue),
  aliases: z.array(RegisteredModelAlias),
});
export type RegisteredModel = z.infer<typeof RegisteredModel>;

/** One page of a search: MLflow returns `next_page_token` only when more results exist. */
export interface Page<T> {
  items: T[];
  next_page_token?: string;
}
