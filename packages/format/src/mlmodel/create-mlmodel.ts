/**
 * Building a new MLmodel the way MLflow 3.x's `Model(...)` + `Model.to_dict` does: always
 * `utc_time_created`, `model_uuid`, `mlflow_version`, `model_id` (null when not logged) and
 * `prompts: null`; `run_id` / `artifact_path` only when set; signature flags only with a signature.
 */
import type { SavedInputExampleInfo } from '../signature/index.js';
import type { MLmodel, MLmodelSignatureDict } from './mlmodel-schema.js';

/** The MLflow version whose files we write (and claim in `mlflow_version` / requirements). */
export const MLFLOW_COMPAT_VERSION = '3.6.0';

/** Python's `str(datetime.utcnow())`: `YYYY-MM-DD HH:MM:SS.ffffff`, the fraction left out when zero. */
export function formatUtcTimeCreated(date: Date): string {
  const pad = (n: number, width = 2) => n.toString().padStart(width, '0');
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`;
}

/** `uuid.uuid4().hex`: 32 lowercase hex digits. */
export function newModelUuid(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}

export interface CreateMLmodelOptions {
  flavors: Record<string, Record<string, unknown>>;
  /** Raw signature dict (`signatureToDict(sig)`). */
  signature?: MLmodelSignatureDict;
  run_id?: string;
  artifact_path?: string;
  /** LoggedModel id; also becomes `model_uuid`, as in MLflow 3.x `log_model`. */
  model_id?: string;
  saved_input_example_info?: SavedInputExampleInfo;
  model_size_bytes?: number;
  metadata?: Record<string, unknown>;
  /** Creation time (default: now). */
  created?: Date;
}

export function createMLmodel(options: CreateMLmodelOptions): MLmodel {
  const m: MLmodel = {
    flavors: options.flavors,
    utc_time_created: formatUtcTimeCreated(options.created ?? new Date()),
    model_uuid: options.model_id ?? newModelUuid(),
    mlflow_version: MLFLOW_COMPAT_VERSION,
    model_id: options.model_id ?? null,
    prompts: null,
  };
  if (options.run_id !== undefined) m.run_id = options.run_id;
  if (options.artifact_path !== undefined) m.artifact_path = options.artifact_path;
  if (options.signature !== undefined) {
    m.signature = { inputs: null, outputs: null, params: null, ...options.signature };
    m.is_signature_from_type_hint = false;
    m.type_hint_from_example = false;
  }
  if (options.saved_input_example_info !== undefined)
    m.saved_input_example_info = { ...options.saved_input_example_info };
  if (options.model_size_bytes !== undefined) m.model_size_bytes = options.model_size_bytes;
  if (options.metadata !== undefined) m.metadata = options.metadata;
  return m;
}
