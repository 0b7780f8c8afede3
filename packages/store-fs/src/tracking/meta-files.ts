/**
 * The meta.yaml dictionaries MLflow's FileStore writes for experiments and runs, and their readers.
 * Writers reproduce MLflow 3.x exactly (keys, types, which keys appear when); readers also accept
 * MLflow ≤2.x files (`run_uuid`, missing `lifecycle_stage`, integer `experiment_id`).
 */
import { RUN_STATUSES, RUN_STATUS_NUMBERS } from '@mlflow-ts/format';
import type { Experiment, ExperimentTag, LifecycleStage, RunInfo, RunStatus } from '@mlflow-ts/format';

/** SourceType.LOCAL: MLflow writes it for every run. */
const SOURCE_TYPE_LOCAL = 4;

export class MalformedMetaError extends Error {}

function asRecord(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new MalformedMetaError(`${what} is not a mapping`);
  return data as Record<string, unknown>;
}

function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function lifecycle(v: unknown): LifecycleStage {
  return v === 'deleted' ? 'deleted' : 'active';
}

export function runStatusFromMeta(v: unknown): RunStatus {
  if (typeof v === 'number') {
    const found = RUN_STATUSES.find((s) => RUN_STATUS_NUMBERS[s] === v);
    if (found) return found;
  }
  if (typeof v === 'string' && (RUN_STATUSES as readonly string[]).includes(v)) return v as RunStatus;
  if (v === undefined || v === null) return 'RUNNING';
  throw new MalformedMetaError(`unknown run status ${JSON.stringify(v)}`);
}

export function runInfoFromMeta(data: unknown, fallbackExperimentId: string): RunInfo {
  const m = asRecord(data, 'run meta.yaml');
  const runId = m.run_id ?? m.run_uuid;
  if (typeof runId !== 'string' || runId === '') throw new MalformedMetaError('run meta.yaml has no run_id');
  const info: RunInfo = {
    run_id: runId,
    run_uuid: runId,
    run_name: typeof m.run_name === 'string' ? m.run_name : m.run_name == null ? '' : String(m.run_name),
    experiment_id: m.experiment_id == null ? fallbackExperimentId : String(m.experiment_id),
    user_id: m.user_id == null ? '' : String(m.user_id),
    status: runStatusFromMeta(m.status),
    start_time: optNumber(m.start_time) ?? 0,
    artifact_uri: typeof m.artifact_uri === 'string' ? m.artifact_uri : '',
    lifecycle_stage: lifecycle(m.lifecycle_stage),
  };
  const end = optNumber(m.end_time);
  if (end !== undefined) info.end_time = end;
  return info;
}

/**
 * `_make_persisted_run_info_dict` plus `deleted_time`: MLflow writes `deleted_time: null` when it
 * creates a run, the deletion time when it deletes one, and omits the key on any other rewrite.
 */
export function runMetaFromInfo(info: RunInfo, deletedTime?: number | null): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    artifact_uri: info.artifact_uri,
    end_time: info.end_time ?? null,
    entry_point_name: '',
    experiment_id: info.experiment_id,
    lifecycle_stage: info.lifecycle_stage,
    run_id: info.run_id,
    run_name: info.run_name,
    source_name: '',
    source_type: SOURCE_TYPE_LOCAL,
    source_version: '',
    start_time: info.start_time,
    status: RUN_STATUS_NUMBERS[info.status],
    tags: [],
    user_id: info.user_id,
  };
  if (deletedTime !== undefined) meta.deleted_time = deletedTime;
  return meta;
}

export function experimentFromMeta(data: unknown, tags: ExperimentTag[], fallbackId: string): Experiment {
  const m = asRecord(data, 'experiment meta.yaml');
  if (m.name == null) throw new MalformedMetaError('experiment meta.yaml has no name');
  const exp: Experiment = {
    experiment_id: m.experiment_id == null ? fallbackId : String(m.experiment_id),
    name: String(m.name),
    artifact_location: typeof m.artifact_location === 'string' ? m.artifact_location : '',
    lifecycle_stage: lifecycle(m.lifecycle_stage),
    tags,
  };
  const ct = optNumber(m.creation_time);
  if (ct !== undefined) exp.creation_time = ct;
  const ut = optNumber(m.last_update_time);
  if (ut !== undefined) exp.last_update_time = ut;
  return exp;
}

/**
 * At creation MLflow writes the experiment without `tags`; every later rewrite (rename, delete,
 * restore) is `dict(experiment)` and so carries a `tags` mapping. We do the same.
 */
export function experimentMeta(exp: Experiment, withTags: boolean): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    artifact_location: exp.artifact_location,
    creation_time: exp.creation_time ?? null,
    experiment_id: exp.experiment_id,
    last_update_time: exp.last_update_time ?? null,
    lifecycle_stage: exp.lifecycle_stage,
    name: exp.name,
  };
  if (withTags) meta.tags = Object.fromEntries(exp.tags.map((t) => [t.key, t.value]));
  return meta;
}
