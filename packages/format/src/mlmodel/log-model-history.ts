/**
 * THE writer of the `mlflow.log-model.history` run tag, in MLflow's shape: each logged model appends
 * `Model.get_tags_dict()` (mlflow/models/model.py) — `run_id`, `artifact_path`, `utc_time_created`,
 * `model_uuid` when present, then `flavors` without each flavor's `config` — to the JSON list, as
 * the file and SQL stores' `record_logged_model` do, written with Python's `json.dumps` separators.
 */
import { MlflowError } from '../errors.js';
import { toPythonJson } from '../signature/python-json.js';
import type { TrackingStore } from '../tracking-store.js';

export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

/** The keys `get_tags_dict` keeps, in `Model.__init__`'s attribute order. */
const KEPT_KEYS = ['run_id', 'artifact_path', 'utc_time_created', 'model_uuid'] as const;

/** One history entry: MLflow's `Model.get_tags_dict()` of an MLmodel (or a `model_json` a client sent). */
export function logModelHistoryEntry(mlmodel: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const key of KEPT_KEYS) if (key in mlmodel && mlmodel[key] !== undefined) entry[key] = mlmodel[key];
  const flavors = (mlmodel.flavors ?? {}) as Record<string, unknown>;
  entry.flavors = Object.fromEntries(
    Object.entries(flavors).map(([name, config]) => {
      if (!config || typeof config !== 'object' || Array.isArray(config)) return [name, config];
      const { config: _dropped, ...rest } = config as Record<string, unknown>;
      return [name, rest];
    }),
  );
  return entry;
}

/**
 * Appends `mlmodel` to the run's `mlflow.log-model.history` (MLflow's `record_logged_model`).
 * A run whose tag is not a JSON list is refused rather than overwritten.
 */
export async function recordLoggedModel(
  tracking: Pick<TrackingStore, 'getRun' | 'setTag'>,
  runId: string,
  mlmodel: Record<string, unknown>,
): Promise<void> {
  const run = await tracking.getRun(runId);
  if (run.info.lifecycle_stage === 'deleted') {
    throw MlflowError.invalidParameter(`The run ${runId} must be in the 'active' state. Current state is deleted.`);
  }
  const existing = run.data.tags?.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
  let history: unknown[] = [];
  if (existing !== undefined && existing !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) {
      throw new MlflowError(
        'INVALID_STATE',
        `Run ${runId} has a '${LOG_MODEL_HISTORY_TAG}' tag that is not a JSON list`,
      );
    }
    history = parsed;
  }
  history.push(logModelHistoryEntry(mlmodel));
  await tracking.setTag(runId, { key: LOG_MODEL_HISTORY_TAG, value: toPythonJson(history) });
}
