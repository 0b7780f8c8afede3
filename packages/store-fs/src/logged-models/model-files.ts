/**
 * One logged model on disk, exactly as MLflow 3's FileStore lays it out (mlflow/store/tracking/
 * file_store.py `create_logged_model`, `_get_model_info_from_dir`):
 *
 *   <experiment>/models/<model_id>/meta.yaml      attributes (status as the proto number)
 *                                 /params/<key>    value, no trailing newline
 *                                 /tags/<key>      value, no trailing newline
 *                                 /metrics/<key>   `<timestamp> <value> <step> <run_id>[ <dataset_name> <dataset_digest>]`
 *
 * Keys with `/` are nested directories, as for runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  LOGGED_MODEL_STATUS_NUMBERS,
  MlflowError,
  latestLoggedModelMetrics,
  loggedModelStatusOf,
} from '@mlflow-ts/format';
import type { LoggedModel, LoggedModelInfo, Metric } from '@mlflow-ts/format';
import { parsePythonFloat } from '../float-repr.js';
import { isTempName, parseYaml } from '../yaml-file.js';

export const MODELS_FOLDER = 'models';
export const META_FILE = 'meta.yaml';

/** The meta.yaml dict MLflow writes (`_make_persisted_model_dict` + lifecycle_stage). */
export function modelMeta(
  info: Omit<LoggedModelInfo, 'tags'>,
  lifecycleStage: 'active' | 'deleted',
): Record<string, unknown> {
  return {
    artifact_location: info.artifact_uri,
    creation_timestamp: info.creation_timestamp_ms,
    experiment_id: info.experiment_id,
    last_updated_timestamp: info.last_updated_timestamp_ms,
    lifecycle_stage: lifecycleStage,
    model_id: info.model_id,
    model_type: info.model_type ?? null,
    name: info.name,
    source_run_id: info.source_run_id ?? null,
    status: LOGGED_MODEL_STATUS_NUMBERS[info.status],
    status_message: info.status_message ?? null,
  };
}

export interface ModelMeta {
  info: Omit<LoggedModelInfo, 'tags'>;
  deleted: boolean;
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

/** meta.yaml → info; null when the file is missing (a model dir being created, or not a model). */
export function readModelMeta(modelDir: string): ModelMeta | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(modelDir, META_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  // Empty (or zero-filled): a crash before a new model's meta.yaml was flushed; no model yet.
  if (/^[\s\0]*$/.test(text)) return null;
  const m = parseYaml(text);
  if (typeof m !== 'object' || m === null) {
    throw new MlflowError('INVALID_STATE', `Model metadata at '${modelDir}' is in invalid state: not a mapping`);
  }
  const d = m as Record<string, unknown>;
  const info: Omit<LoggedModelInfo, 'tags'> = {
    model_id: String(d.model_id ?? path.basename(modelDir)),
    experiment_id: String(d.experiment_id ?? ''),
    name: String(d.name ?? ''),
    creation_timestamp_ms: Number(d.creation_timestamp ?? 0),
    last_updated_timestamp_ms: Number(d.last_updated_timestamp ?? d.creation_timestamp ?? 0),
    artifact_uri: String(d.artifact_location ?? ''),
    status: loggedModelStatusOf(d.status ?? 0),
  };
  const modelType = str(d.model_type);
  if (modelType !== undefined) info.model_type = modelType;
  const runId = str(d.source_run_id);
  if (runId !== undefined) info.source_run_id = runId;
  const message = str(d.status_message);
  if (message !== undefined) info.status_message = message;
  return { info, deleted: d.lifecycle_stage === 'deleted' };
}

/** Every file under `dir` as [key (with `/`), absolute path], sorted by key. */
function keyFiles(dir: string, prefix = ''): [string, string][] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: [string, string][] = [];
  for (const e of entries) {
    if (isTempName(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...keyFiles(full, `${prefix}${e.name}/`));
    else out.push([`${prefix}${e.name}`, full]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function keyValues(dir: string): { key: string; value: string }[] {
  return keyFiles(dir).map(([key, file]) => ({ key, value: fs.readFileSync(file, 'utf8') }));
}

/** MLflow's `_get_model_metric_from_line`: 4 or 6 space-separated fields. */
export function parseModelMetricLine(modelId: string, key: string, line: string): Metric {
  const f = line.trim().split(' ');
  if (f.length !== 4 && f.length !== 6) {
    throw new MlflowError(
      'INTERNAL_ERROR',
      `Metric '${key}' is malformed; persisted metric data contained ${f.length} fields. Expected 4 or 6 fields.`,
    );
  }
  const m: Metric = {
    key,
    value: parsePythonFloat(f[1]!),
    timestamp: Number.parseInt(f[0]!, 10),
    step: Number.parseInt(f[2]!, 10),
    model_id: modelId,
    run_id: f[3]!,
  };
  if (f.length === 6) {
    m.dataset_name = f[4]!;
    m.dataset_digest = f[5]!;
  }
  return m;
}

function readMetrics(modelId: string, dir: string): Metric[] {
  const all: Metric[] = [];
  for (const [key, file] of keyFiles(dir)) {
    const lines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    // A line being appended right now has no newline yet: only whole lines count.
    for (const line of lines) all.push(parseModelMetricLine(modelId, key, line));
  }
  return latestLoggedModelMetrics(all);
}

/** The whole entity from its directory; null when it has no meta.yaml or is deleted. */
export function readLoggedModel(modelDir: string): LoggedModel | null {
  const meta = readModelMeta(modelDir);
  if (!meta || meta.deleted) return null;
  return {
    info: { ...meta.info, tags: keyValues(path.join(modelDir, 'tags')) },
    data: {
      params: keyValues(path.join(modelDir, 'params')),
      metrics: readMetrics(meta.info.model_id, path.join(modelDir, 'metrics')),
    },
  };
}
