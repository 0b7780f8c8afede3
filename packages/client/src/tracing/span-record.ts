/** An OpenTelemetry ReadableSpan as MLflow's span record (`Span.to_dict()`), and the trace info of a finished trace. */
import { TRACE_KEYS, bytesToBase64, hexToBytes, pythonJsonDumps } from '@mlflow-ts/format';
import type { SpanRecord, TraceInfo } from '@mlflow-ts/format';
import { SpanStatusCode } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const STATUS = {
  [SpanStatusCode.UNSET]: 'STATUS_CODE_UNSET',
  [SpanStatusCode.OK]: 'STATUS_CODE_OK',
  [SpanStatusCode.ERROR]: 'STATUS_CODE_ERROR',
};
/** MLflow's request/response previews are cut at 1000 characters. */
const PREVIEW_LENGTH = 1000;

export const hrTimeToNanos = (t: HrTime): number => t[0] * 1e9 + t[1];
const hrTimeToMs = (t: HrTime): number => Math.floor(t[0] * 1000 + t[1] / 1e6);

export function spanRecordOf(span: ReadableSpan): SpanRecord {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(span.attributes)) attributes[k] = typeof v === 'string' ? v : pythonJsonDumps(v);
  return {
    trace_id: bytesToBase64(hexToBytes(ctx.traceId)),
    span_id: bytesToBase64(hexToBytes(ctx.spanId)),
    parent_span_id: parent ? bytesToBase64(hexToBytes(parent)) : null,
    name: span.name,
    start_time_unix_nano: hrTimeToNanos(span.startTime),
    end_time_unix_nano: hrTimeToNanos(span.endTime),
    events: span.events.map((e) => ({
      name: e.name,
      time_unix_nano: hrTimeToNanos(e.time),
      attributes: { ...(e.attributes ?? {}) },
    })),
    status: { code: STATUS[span.status.code], message: span.status.message ?? '' },
    attributes,
  };
}

const preview = (json: string | undefined): string | undefined =>
  json === undefined ? undefined : json.slice(0, PREVIEW_LENGTH);

/** The TraceInfo MLflow's client sends for a finished trace rooted at `root` with `spanCount` spans. */
export function traceInfoOf(root: ReadableSpan, experimentId: string, spanCount: number, sizeBytes: number): TraceInfo {
  const traceId = `tr-${root.spanContext().traceId}`;
  const inputs = root.attributes[TRACE_KEYS.spanInputs];
  const outputs = root.attributes[TRACE_KEYS.spanOutputs];
  const metadata: Record<string, string> = {
    [TRACE_KEYS.schemaVersion]: '3',
    [TRACE_KEYS.sizeStats]: pythonJsonDumps({ total_size_bytes: sizeBytes, num_spans: spanCount }),
    'mlflow.trace.sizeBytes': String(sizeBytes),
    'mlflow.traceInputs': typeof inputs === 'string' ? inputs : '',
    'mlflow.traceOutputs': typeof outputs === 'string' ? outputs : '',
  };
  const info: TraceInfo = {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    request_time: hrTimeToMs(root.startTime),
    execution_duration: Math.max(0, hrTimeToMs(root.endTime) - hrTimeToMs(root.startTime)),
    state: root.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK',
    trace_metadata: metadata,
    tags: { [TRACE_KEYS.traceName]: root.name },
  };
  const req = preview(typeof inputs === 'string' ? inputs : undefined);
  const res = preview(typeof outputs === 'string' ? outputs : undefined);
  if (req !== undefined) info.request_preview = req;
  if (res !== undefined) info.response_preview = res;
  return info;
}
