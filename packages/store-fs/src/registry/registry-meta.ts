/**
 * The registry meta.yaml dictionaries as MLflow 3.x's FileStore writes them, and their readers.
 *
 * Writers start from the mapping already on disk and overwrite only the fields they own, so keys an
 * older or newer MLflow wrote (3.2's `aliases: []`, `metrics: null`, `params: null`) survive a rewrite.
 * New files carry what the REST path of MLflow's server writes (the fixture store was written that way):
 * unset string fields as '' and unset ids/messages as null.
 */
import {
  MODEL_VERSION_STAGES,
  type ModelVersion,
  type ModelVersionStage,
  type RegisteredModel,
} from '@mlflow-ts/format';

/** MLflow's marker for a soft-deleted version (`STAGE_DELETED_INTERNAL`). */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';

export interface VersionMetaInit {
  name: string;
  version: number;
  now: number;
  source: string;
  storageLocation: string;
  runId?: string;
  runLink?: string;
  description?: string;
  modelId?: string;
}

/** `dict(RegisteredModel)` minus tags and latest_versions, as `_save_registered_model_as_meta_file` writes it. */
export function newModelMeta(name: string, now: number, description: string | undefined): Record<string, unknown> {
  return {
    aliases: {},
    creation_timestamp: now,
    deployment_job_id: null,
    deployment_job_state: null,
    description: description ?? '',
    last_updated_timestamp: now,
    name,
  };
}

/** `dict(ModelVersion)` minus tags, as `_save_model_version_as_meta_file` writes it. */
export function newVersionMeta(init: VersionMetaInit): Record<string, unknown> {
  return {
    creation_timestamp: init.now,
    current_stage: 'None',
    deployment_job_state: null,
    description: init.description ?? '',
    last_updated_timestamp: init.now,
    model_id: init.modelId ?? '',
    name: init.name,
    run_id: init.runId ?? '',
    run_link: init.runLink ?? '',
    source: init.source,
    status: 'READY',
    status_message: null,
    storage_location: init.storageLocation,
    user_id: null,
    version: init.version,
  };
}

/** The meta.yaml `aliases` map: alias → version as a string, the way MLflow keeps it. */
export function aliasesMap(aliases: Map<string, number>): Record<string, string> {
  return Object.fromEntries([...aliases].sort(([a], [b]) => (a < b ? -1 : 1)).map(([alias, n]) => [alias, String(n)]));
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Optional strings as the file holds them: null/absent → omitted, '' kept (MLflow returns it too). */
function copyStrings<T extends object>(target: T, meta: Record<string, unknown>, keys: (keyof T & string)[]): void {
  for (const key of keys) {
    const v = str(meta[key]);
    if (v !== undefined) (target as Record<string, unknown>)[key] = v;
  }
}

export function isDeletedVersionMeta(meta: Record<string, unknown>): boolean {
  return meta.current_stage === STAGE_DELETED_INTERNAL;
}

export function versionNumberOf(meta: Record<string, unknown>, fallback: number): number {
  const n = typeof meta.version === 'number' ? meta.version : Number.parseInt(String(meta.version ?? ''), 10);
  return Number.isSafeInteger(n) ? n : fallback;
}

function stageOf(v: unknown): ModelVersionStage {
  const found = MODEL_VERSION_STAGES.find((s) => typeof v === 'string' && s.toLowerCase() === v.toLowerCase());
  return found ?? 'None';
}

export function versionFromMeta(
  meta: Record<string, unknown>,
  fallbackName: string,
  fallbackVersion: number,
  tags: { key: string; value: string }[],
  aliases: string[],
): ModelVersion {
  const status =
    meta.status === 'PENDING_REGISTRATION' || meta.status === 'FAILED_REGISTRATION' ? meta.status : 'READY';
  const mv: ModelVersion = {
    name: str(meta.name) ?? fallbackName,
    version: String(versionNumberOf(meta, fallbackVersion)),
    creation_timestamp: num(meta.creation_timestamp),
    last_updated_timestamp: num(meta.last_updated_timestamp),
    current_stage: stageOf(meta.current_stage),
    source: str(meta.source) ?? '',
    status,
    tags,
    aliases,
  };
  copyStrings(mv, meta, ['user_id', 'description', 'run_id', 'status_message', 'run_link', 'model_id']);
  return mv;
}

export function modelFromMeta(
  meta: Record<string, unknown>,
  fallbackName: string,
  tags: { key: string; value: string }[],
  aliases: Map<string, number>,
  latestVersions: ModelVersion[],
): RegisteredModel {
  const rm: RegisteredModel = {
    name: str(meta.name) ?? fallbackName,
    creation_timestamp: num(meta.creation_timestamp),
    last_updated_timestamp: num(meta.last_updated_timestamp),
    latest_versions: latestVersions,
    tags,
    aliases: [...aliases].map(([alias, version]) => ({ alias, version: String(version) })),
  };
  copyStrings(rm, meta, ['user_id', 'description']);
  return rm;
}
