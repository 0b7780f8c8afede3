/** The JSON shapes of MLflow's REST API that the UI reads (fields the UI does not use are left out). */

export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: string;
  last_update_time?: number;
  creation_time?: number;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number | string;
  timestamp: number;
  step?: number;
  run_id?: string;
}

export interface RunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: string;
}

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: { name: string; digest: string; source_type?: string; source?: string; schema?: string; profile?: string };
}

export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: DatasetInput[] };
}

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  user_id?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

export interface LoggedModel {
  info: {
    model_id: string;
    name?: string;
    experiment_id: string;
    status?: string;
    creation_timestamp_ms?: number;
    source_run_id?: string;
  };
  data?: { metrics?: Metric[]; params?: KeyValue[] };
}

/** The value of a metric as a number (MLflow's JSON writes NaN/Infinity as strings). */
export function metricNumber(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

export function tagValue(tags: KeyValue[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.key === key)?.value;
}
