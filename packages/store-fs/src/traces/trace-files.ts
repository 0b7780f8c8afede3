/**
 * MLflow's FileStore trace layout (mlflow/store/tracking/file_store.py):
 *
 *   <experiment>/traces/<trace_id>/trace_info.yaml        TraceInfo.to_dict() less tags and metadata
 *   <experiment>/traces/<trace_id>/tags/<key>             one file per tag, the value as text
 *   <experiment>/traces/<trace_id>/request_metadata/<key> one file per metadata entry
 *   <experiment>/traces/<trace_id>/artifacts/traces.json  {"spans": [Span.to_dict(), ...]}
 *
 * A trace exists once trace_info.yaml does (MLflow skips a directory without it), so writers put
 * tags, metadata and spans first, commit them, and only then trace_info.yaml: a crash never leaves a
 * half trace visible. An empty trace_info.yaml (a crash before its commit) is no trace either.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MlflowError,
  SPANS_IN_TRACKING_STORE,
  TRACE_KEYS,
  formatProtoTimestamp,
  parseProtoTimestamp,
} from '@mlflow-ts/format';
import type { SpanRecord, TraceInfo, TraceLocation, TraceState } from '@mlflow-ts/format';
import type { SyncTx } from './group-sync.js';
import { dumpYaml, parseYaml } from '../yaml-file.js';

export const TRACES_FOLDER = 'traces';
export const TRACE_INFO_FILE = 'trace_info.yaml';
export const TAGS_FOLDER = 'tags';
export const METADATA_FOLDER = 'request_metadata';
export const SPANS_FILE = path.join('artifacts', 'traces.json');

/** trace_info.yaml's mapping: MessageToDict field names, `execution_duration_ms` as MLflow writes it. */
export function traceInfoYaml(info: TraceInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { trace_id: info.trace_id };
  if (info.client_request_id !== undefined) out.client_request_id = info.client_request_id;
  const loc: Record<string, unknown> = { type: info.trace_location.type };
  if (info.trace_location.mlflow_experiment) loc.mlflow_experiment = { ...info.trace_location.mlflow_experiment };
  if (info.trace_location.inference_table) loc.inference_table = { ...info.trace_location.inference_table };
  out.trace_location = loc;
  if (info.request_time) out.request_time = formatProtoTimestamp(info.request_time);
  out.state = info.state;
  if (info.request_preview !== undefined) out.request_preview = info.request_preview;
  if (info.response_preview !== undefined) out.response_preview = info.response_preview;
  if (info.execution_duration !== undefined) out.execution_duration_ms = info.execution_duration;
  return out;
}

function readDict(dir: string): Record<string, string> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const out: Record<string, string> = {};
  for (const n of names) {
    if (n.includes('.~') || n.startsWith('.~')) continue;
    out[n] = fs.readFileSync(path.join(dir, n), 'utf8');
  }
  return out;
}

/** The trace in `dir`, or null when it has no trace_info.yaml (not a trace, or one being written). */
export function readTraceInfo(dir: string): TraceInfo | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, TRACE_INFO_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  if (text.trim() === '') return null;
  const y = parseYaml(text) as Record<string, unknown> | null;
  if (!y || typeof y !== 'object' || typeof y.trace_id !== 'string') {
    throw new MlflowError('INVALID_STATE', `Trace metadata in '${dir}' is in invalid state.`);
  }
  const loc = (y.trace_location ?? {}) as Record<string, unknown>;
  const exp = loc.mlflow_experiment as Record<string, unknown> | undefined;
  const location: TraceLocation = { type: (loc.type as TraceLocation['type']) ?? 'MLFLOW_EXPERIMENT' };
  if (exp) location.mlflow_experiment = { experiment_id: String(exp.experiment_id) };
  const info: TraceInfo = {
    trace_id: y.trace_id,
    trace_location: location,
    request_time: y.request_time === undefined ? 0 : parseProtoTimestamp(String(y.request_time), 'request_time'),
    state: (y.state as TraceState) ?? 'STATE_UNSPECIFIED',
    trace_metadata: readDict(path.join(dir, METADATA_FOLDER)),
    tags: readDict(path.join(dir, TAGS_FOLDER)),
  };
  // Spans kept in the trace's own artifacts/traces.json are this store's: say so as MLflow's SQL store
  // does, so clients read them with batch_get_traces. Not written as a tag file: MLflow's FileStore
  // (which has no batch_get_traces) reading the tree then loads traces.json from the artifact location.
  if (!(TRACE_KEYS.spansLocation in info.tags) && fs.existsSync(path.join(dir, SPANS_FILE))) {
    info.tags[TRACE_KEYS.spansLocation] = SPANS_IN_TRACKING_STORE;
  }
  if (typeof y.client_request_id === 'string') info.client_request_id = y.client_request_id;
  if (typeof y.request_preview === 'string') info.request_preview = y.request_preview;
  if (typeof y.response_preview === 'string') info.response_preview = y.response_preview;
  if (y.execution_duration_ms !== undefined && y.execution_duration_ms !== null)
    info.execution_duration = Number(y.execution_duration_ms);
  return info;
}

export function readSpans(dir: string): SpanRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, SPANS_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const data = JSON.parse(text) as { spans?: SpanRecord[] };
    return Array.isArray(data.spans) ? data.spans : [];
  } catch {
    throw new MlflowError('INVALID_STATE', `Trace data in '${dir}' is corrupted.`);
  }
}

/**
 * Writes each entry of a tags / metadata folder; values as written text. No entries, no folder: MLflow
 * reads a missing one as empty (FileStore `_get_resource_files`), and a directory is the costliest
 * thing a new trace creates.
 */
export async function writeDict(
  dir: string,
  entries: Record<string, string>,
  tmpDir: string,
  tx: SyncTx,
  fresh = false,
): Promise<void> {
  const keys = Object.keys(entries);
  if (!keys.length) return;
  await tx.mkdir(dir);
  for (const k of keys) await tx.writeFile(path.join(dir, k), entries[k] as string, tmpDir, fresh);
}

/** Tags and metadata of a trace in `dir` (phase one; trace_info.yaml follows once these are committed). */
export async function writeTraceDicts(dir: string, info: TraceInfo, tx: SyncTx, fresh: boolean): Promise<void> {
  const tags = { ...info.tags };
  if (tags[TRACE_KEYS.spansLocation] === SPANS_IN_TRACKING_STORE) delete tags[TRACE_KEYS.spansLocation];
  await writeDict(path.join(dir, TAGS_FOLDER), tags, dir, tx, fresh);
  await writeDict(path.join(dir, METADATA_FOLDER), info.trace_metadata, dir, tx, fresh);
}

/** trace_info.yaml: the commit point of a new trace, or its times and state updated. */
export async function writeTraceInfoYaml(dir: string, info: TraceInfo, tx: SyncTx): Promise<void> {
  await tx.writeFile(path.join(dir, TRACE_INFO_FILE), dumpYaml(traceInfoYaml(info)), dir);
}

export async function writeSpans(dir: string, spans: SpanRecord[], tx: SyncTx, fresh: boolean): Promise<void> {
  await tx.mkdir(path.join(dir, 'artifacts'));
  await tx.writeFile(path.join(dir, SPANS_FILE), JSON.stringify({ spans }), dir, fresh);
}

export async function removeTag(dir: string, key: string, tx: SyncTx): Promise<boolean> {
  return tx.removeFile(path.join(dir, TAGS_FOLDER, key));
}
