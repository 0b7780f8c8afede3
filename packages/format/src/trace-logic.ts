/**
 * The trace rules every TraceStore shares (MLflow's SqlAlchemyStore, which keeps spans): what
 * start_trace records, what a first batch of spans creates, when a trace is complete, tag limits.
 */
import { MlflowError } from './errors.js';
import type { SpanRecord, TraceInfo } from './trace-entities.js';
import { SPANS_IN_TRACKING_STORE, TRACE_KEYS, isValidTraceId } from './trace-entities.js';

/** A trace tag key (MLflow: 250 characters) and value (8000; longer values are truncated). */
export const MAX_TRACE_TAG_KEY_LENGTH = 250;
export const MAX_TRACE_TAG_VALUE_LENGTH = 8000;
/** At most this many spans in one logSpans call. */
export const MAX_SPANS_PER_BATCH = 10_000;

export function assertTraceId(id: unknown): string {
  if (!isValidTraceId(id)) {
    throw MlflowError.invalidParameter(
      `Invalid trace id '${String(id).slice(0, 200)}': use letters, digits, '-' and '_' only (at most 128 characters).`,
    );
  }
  return id;
}

export function validateTraceTag(key: string, value: string): { key: string; value: string } {
  if (typeof key !== 'string' || key === '')
    throw MlflowError.invalidParameter("Missing value for required parameter 'key'.");
  if (key.length > MAX_TRACE_TAG_KEY_LENGTH) {
    throw MlflowError.invalidParameter(
      `Trace tag key '${key.slice(0, 50)}...' had length ${key.length}, which exceeded length limit of ${MAX_TRACE_TAG_KEY_LENGTH}`,
    );
  }
  // Keys name files in MLflow's FileStore: the same rule as run tags (no path characters).
  if (!/^[\w\-. ]+$/.test(key) || key === '.' || key === '..') {
    throw MlflowError.invalidParameter(
      `Invalid trace tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.) and spaces ( ).`,
    );
  }
  if (typeof value !== 'string')
    throw MlflowError.invalidParameter(`Invalid value for trace tag '${key}': expected a string.`);
  return { key, value: value.length > MAX_TRACE_TAG_VALUE_LENGTH ? value.slice(0, MAX_TRACE_TAG_VALUE_LENGTH) : value };
}

/** `<experiment artifact location>/traces/<trace_id>/artifacts`, MLflow's trace artifact URI. */
export function traceArtifactLocation(experimentArtifactLocation: string, traceId: string): string {
  return `${experimentArtifactLocation.replace(/\/+$/, '')}/traces/${traceId}/artifacts`;
}

function checkMaps(info: TraceInfo): void {
  for (const [k, v] of Object.entries(info.tags)) validateTraceTag(k, v);
  for (const k of Object.keys(info.trace_metadata)) validateTraceTag(k, '');
}

/**
 * What start_trace stores: the client's info with the artifact-location and spans-location tags.
 * When spans arrived first, the span-derived times are kept only where the client sent none.
 */
export function startedTraceInfo(incoming: TraceInfo, artifactLocation: string, existing?: TraceInfo): TraceInfo {
  assertTraceId(incoming.trace_id);
  checkMaps(incoming);
  const info: TraceInfo = {
    ...incoming,
    trace_metadata: { ...existing?.trace_metadata, ...incoming.trace_metadata },
    tags: {
      ...existing?.tags,
      ...incoming.tags,
      [TRACE_KEYS.spansLocation]: SPANS_IN_TRACKING_STORE,
      [TRACE_KEYS.artifactLocation]: artifactLocation,
    },
  };
  return info;
}

/** ns → ms, floored as MLflow does; the epsilon absorbs float error of ns values above 2^53. */
function ms(nanos: number): number {
  return Math.floor(nanos / 1_000_000 + 1e-3);
}

/** Trace info for spans of a trace not yet started (MLflow's log_spans), or the existing one updated. */
export function traceInfoAfterSpans(
  experimentId: string,
  traceId: string,
  spans: readonly SpanRecord[],
  artifactLocation: string,
  existing?: TraceInfo,
): TraceInfo {
  const start = Math.min(...spans.map((s) => ms(s.start_time_unix_nano)));
  const ends = spans.filter((s) => s.end_time_unix_nano).map((s) => ms(s.end_time_unix_nano as number));
  const maxEnd = ends.length ? Math.max(...ends) : undefined;
  const root = spans.find((s) => !s.parent_span_id);
  const rootState = root ? (root.status.code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK') : undefined;
  if (!existing) {
    const info: TraceInfo = {
      trace_id: traceId,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      request_time: start,
      state: rootState ?? 'IN_PROGRESS',
      trace_metadata: {},
      tags: { [TRACE_KEYS.spansLocation]: SPANS_IN_TRACKING_STORE, [TRACE_KEYS.artifactLocation]: artifactLocation },
    };
    if (maxEnd !== undefined) info.execution_duration = maxEnd - start;
    return info;
  }
  const newStart = Math.min(existing.request_time, start);
  const oldEnd =
    existing.execution_duration === undefined ? undefined : existing.request_time + existing.execution_duration;
  const end = maxEnd === undefined ? oldEnd : oldEnd === undefined ? maxEnd : Math.max(oldEnd, maxEnd);
  const info: TraceInfo = { ...existing, request_time: newStart };
  if (end !== undefined) info.execution_duration = end - newStart;
  if ((existing.state === 'IN_PROGRESS' || existing.state === 'STATE_UNSPECIFIED') && rootState) info.state = rootState;
  return info;
}

/** Spans merged by span id (a re-sent span replaces the old one), root first then by start time. */
export function mergeSpans(existing: readonly SpanRecord[], incoming: readonly SpanRecord[]): SpanRecord[] {
  const byId = new Map<string, SpanRecord>();
  for (const s of existing) byId.set(s.span_id, s);
  for (const s of incoming) byId.set(s.span_id, s);
  return orderSpans([...byId.values()]);
}

export function orderSpans(spans: SpanRecord[]): SpanRecord[] {
  return spans.sort(
    (a, b) =>
      (a.parent_span_id ? 1 : 0) - (b.parent_span_id ? 1 : 0) || a.start_time_unix_nano - b.start_time_unix_nano,
  );
}

/** batch_get_traces returns only complete traces: as many spans as `mlflow.trace.sizeStats` counts. */
export function isTraceComplete(info: TraceInfo, spanCount: number): boolean {
  if (spanCount === 0) return false;
  const stats = info.trace_metadata[TRACE_KEYS.sizeStats];
  if (!stats) return true;
  try {
    const n = (JSON.parse(stats) as { num_spans?: number }).num_spans ?? 0;
    return spanCount >= n;
  } catch {
    return true;
  }
}

/** Checks a span batch: at most MAX_SPANS_PER_BATCH spans, all of one trace. */
export function checkSpanBatch(traceIds: readonly string[]): string {
  if (traceIds.length === 0) throw MlflowError.invalidParameter('No spans to log.');
  if (traceIds.length > MAX_SPANS_PER_BATCH) {
    throw MlflowError.invalidParameter(
      `A span batch may hold at most ${MAX_SPANS_PER_BATCH} spans, got ${traceIds.length}.`,
    );
  }
  const ids = new Set(traceIds);
  if (ids.size > 1)
    throw MlflowError.invalidParameter(
      `All spans must belong to the same trace. Found trace IDs: ${[...ids].join(', ')}`,
    );
  return traceIds[0] as string;
}

/** MLflow's AbstractStore.delete_traces argument rules. */
export function validateDeleteTraces(req: {
  max_timestamp_millis?: number;
  max_traces?: number;
  trace_ids?: string[];
}): void {
  const ids = req.trace_ids ?? [];
  if ((req.max_timestamp_millis === undefined || req.max_timestamp_millis === null) && ids.length === 0) {
    throw MlflowError.invalidParameter('Either `max_timestamp_millis` or `trace_ids` must be specified.');
  }
  if (req.max_timestamp_millis && ids.length)
    throw MlflowError.invalidParameter('Only one of `max_timestamp_millis` and `trace_ids` can be specified.');
  if (ids.length && req.max_traces !== undefined && req.max_traces !== null) {
    throw MlflowError.invalidParameter("`max_traces` can't be specified if `trace_ids` is specified.");
  }
  if (req.max_traces !== undefined && req.max_traces !== null && req.max_traces <= 0) {
    throw MlflowError.invalidParameter(`\`max_traces\` must be a positive integer, received ${req.max_traces}.`);
  }
  for (const id of ids) assertTraceId(id);
}
