/**
 * MLflow 3's LoggedModel: a model as a first-class entity of an experiment (`models:/m-<id>`), with
 * its own params, tags, linked metrics and artifact location. Wire-shaped like every entity here
 * (mlflow/protos/service.proto `LoggedModel{info, data}`), so a store's answer *is* MLflow's JSON.
 */
import { z } from 'zod';
import { KeyValue, Metric } from './entities.js';
import { MlflowError } from './errors.js';
import { generateRunName } from './validation/run-name.js';

export const LOGGED_MODEL_STATUSES = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
] as const;
export const LoggedModelStatus = z.enum(LOGGED_MODEL_STATUSES);
export type LoggedModelStatus = z.infer<typeof LoggedModelStatus>;

/** Proto enum numbers; MLflow's FileStore writes `status` in meta.yaml as this integer. */
export const LOGGED_MODEL_STATUS_NUMBERS: Record<LoggedModelStatus, number> = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 0,
  LOGGED_MODEL_PENDING: 1,
  LOGGED_MODEL_READY: 2,
  LOGGED_MODEL_UPLOAD_FAILED: 3,
};

/** Python's `LoggedModelStatus` string values, which filters compare against (`status = 'READY'`). */
export const LOGGED_MODEL_STATUS_NAMES: Record<LoggedModelStatus, string> = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 'UNSPECIFIED',
  LOGGED_MODEL_PENDING: 'PENDING',
  LOGGED_MODEL_READY: 'READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'FAILED',
};

/** The status for a proto number (meta.yaml) or enum name; INVALID_PARAMETER_VALUE otherwise. */
export function loggedModelStatusOf(value: unknown): LoggedModelStatus {
  if (typeof value === 'string' && (LOGGED_MODEL_STATUSES as readonly string[]).includes(value))
    return value as LoggedModelStatus;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  const found = LOGGED_MODEL_STATUSES.find((s) => LOGGED_MODEL_STATUS_NUMBERS[s] === n);
  if (found === undefined) throw MlflowError.invalidParameter(`Unknown model status: ${String(value)}`);
  return found;
}

export const LoggedModelTag = KeyValue;
export type LoggedModelTag = z.infer<typeof LoggedModelTag>;
export const LoggedModelParameter = KeyValue;
export type LoggedModelParameter = z.infer<typeof LoggedModelParameter>;
export const LoggedModelRegistrationInfo = z.object({ name: z.string(), version: z.string() });
export type LoggedModelRegistrationInfo = z.infer<typeof LoggedModelRegistrationInfo>;

export const LoggedModelInfo = z.object({
  model_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  creation_timestamp_ms: z.number(),
  last_updated_timestamp_ms: z.number(),
  /** Where the model's files live (the Python entity's `artifact_location`). */
  artifact_uri: z.string(),
  status: LoggedModelStatus,
  creator_id: z.number().optional(),
  model_type: z.string().optional(),
  source_run_id: z.string().optional(),
  status_message: z.string().optional(),
  tags: z.array(LoggedModelTag),
  registrations: z.array(LoggedModelRegistrationInfo).optional(),
});
export type LoggedModelInfo = z.infer<typeof LoggedModelInfo>;

export const LoggedModelData = z.object({
  params: z.array(LoggedModelParameter),
  /** Latest value per (key, dataset_name, dataset_digest), each with `model_id` and `run_id`. */
  metrics: z.array(Metric),
});
export type LoggedModelData = z.infer<typeof LoggedModelData>;

export const LoggedModel = z.object({ info: LoggedModelInfo, data: LoggedModelData });
export type LoggedModel = z.infer<typeof LoggedModel>;

const BAD_NAME_CHARS = ['/', ':', '.', '%', '"', "'"] as const;

/** Python's repr of a str, as MLflow's messages quote names. */
function pyRepr(s: unknown): string {
  if (typeof s !== 'string') return String(s);
  const body = s.replace(/\\/g, '\\\\');
  if (s.includes("'") && !s.includes('"')) return `"${body}"`;
  return `'${body.replace(/'/g, "\\'")}'`;
}

/** MLflow's `_validate_logged_model_name`: non-empty, none of `/ : . % " '`. */
export function validateLoggedModelName(name: string | undefined): void {
  if (name === undefined) return;
  if (typeof name !== 'string' || name === '' || BAD_NAME_CHARS.some((c) => name.includes(c))) {
    throw MlflowError.invalidParameter(
      `Invalid model name (${pyRepr(name)}) provided. Model name must be a non-empty string and cannot contain ` +
        `the following characters: ('/', ':', '.', '%', '"', "'")`,
    );
  }
}

const MODEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A model id from a request, checked before it becomes part of a path: anything but letters, digits,
 * `-` and `_` cannot name a model (MLflow's own ids are `m-<32 hex>`), so it is "not found".
 */
export function checkLoggedModelId(modelId: unknown): string {
  if (typeof modelId !== 'string' || !MODEL_ID.test(modelId)) {
    throw MlflowError.notFound(`Model '${String(modelId)}' not found`);
  }
  return modelId;
}

export const newLoggedModelId = (): string => `m-${globalThis.crypto.randomUUID().replace(/-/g, '')}`;

/** MLflow's default name for a model created without one (same generator as run names). */
export const generateLoggedModelName = (): string => generateRunName();

/** `<experiment artifact location>/models/<model_id>/artifacts` (MLflow's `_get_model_artifact_dir`). */
export function loggedModelArtifactLocation(experimentLocation: string, modelId: string): string {
  return `${experimentLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`;
}

/** The metrics a model shows: per (key, dataset) the max by (step, timestamp, value), first-seen order. */
export function latestLoggedModelMetrics(all: readonly Metric[]): Metric[] {
  const groups = new Map<string, Metric>();
  for (const m of all) {
    const g = JSON.stringify([m.key, m.dataset_name ?? null, m.dataset_digest ?? null]);
    const cur = groups.get(g);
    if (
      !cur ||
      m.step > cur.step ||
      (m.step === cur.step && (m.timestamp > cur.timestamp || (m.timestamp === cur.timestamp && m.value > cur.value)))
    ) {
      groups.set(g, m);
    }
  }
  return [...groups.values()].map((m) => ({ ...m }));
}

/** The tag through which a logged model lists the registry versions made from it. */
export const MODEL_VERSIONS_TAG = 'mlflow.modelVersions';

/** Python's `json.dumps` (ensure_ascii, `, ` and `: ` separators) for JSON data. */
function pyJsonDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`)
      .join(', ')}}`;
  }
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(v);
}

/**
 * The `mlflow.modelVersions` value after registering `entry`: MLflow's server writes the version as
 * its stores' integer and skips an entry already there (`set_model_versions_tags`); its client
 * appends the version as a string regardless (`register_model`). Unparseable old values are replaced.
 */
export function modelVersionsTagValue(
  existing: string | undefined,
  entry: { name: string; version: string | number },
): string {
  let list: unknown[] = [];
  if (existing) {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (Array.isArray(parsed)) list = parsed;
    } catch {
      list = [];
    }
  }
  const present = list.some(
    (x) =>
      typeof x === 'object' &&
      x !== null &&
      (x as { name?: unknown }).name === entry.name &&
      (x as { version?: unknown }).version === entry.version,
  );
  return pyJsonDumps(
    present && typeof entry.version === 'number' ? list : [...list, { name: entry.name, version: entry.version }],
  );
}
