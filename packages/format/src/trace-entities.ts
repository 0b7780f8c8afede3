/**
 * MLflow 3 trace entities. A `TraceInfo` holds MLflow's `TraceInfoV3` fields with times as ms numbers
 * (`request_time`, `execution_duration`); `traceInfoToJson` gives MLflow's wire JSON (RFC 3339 time,
 * "0.325s" duration). A `SpanRecord` is a span exactly as MLflow stores it (`Span.to_dict()`: base64
 * ids, JSON-encoded attribute values, the OTLP status code name) — the form of `traces.json`.
 */
import { z } from 'zod';

export const TRACE_STATES = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;
export const TraceState = z.enum(TRACE_STATES);
export type TraceState = z.infer<typeof TraceState>;

export const TraceLocation = z.object({
  type: z.enum(['TRACE_LOCATION_TYPE_UNSPECIFIED', 'MLFLOW_EXPERIMENT', 'INFERENCE_TABLE']),
  mlflow_experiment: z.object({ experiment_id: z.string() }).optional(),
  inference_table: z.object({ full_table_name: z.string() }).optional(),
});
export type TraceLocation = z.infer<typeof TraceLocation>;

export const TraceInfo = z.object({
  trace_id: z.string(),
  client_request_id: z.string().optional(),
  trace_location: TraceLocation,
  request_preview: z.string().optional(),
  response_preview: z.string().optional(),
  /** ms since epoch. */
  request_time: z.number(),
  /** ms. */
  execution_duration: z.number().optional(),
  state: TraceState,
  trace_metadata: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
});
export type TraceInfo = z.infer<typeof TraceInfo>;

export const SpanEvent = z.object({
  name: z.string(),
  time_unix_nano: z.number(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

export const SpanRecord = z.object({
  /** base64 of the 16-byte OpenTelemetry trace id. */
  trace_id: z.string(),
  /** base64 of the 8-byte span id. */
  span_id: z.string(),
  parent_span_id: z.string().nullable().optional(),
  name: z.string(),
  start_time_unix_nano: z.number(),
  end_time_unix_nano: z.number().nullable().optional(),
  events: z.array(SpanEvent).optional(),
  status: z.object({ code: z.string(), message: z.string().optional() }),
  /** Attribute values JSON-encoded, as MLflow stores them (`"\"LLM\""`). */
  attributes: z.record(z.string(), z.string()),
});
export type SpanRecord = z.infer<typeof SpanRecord>;

export interface Trace {
  info: TraceInfo;
  spans: SpanRecord[];
}

/** Tag and metadata keys MLflow's tracing reads and writes. */
export const TRACE_KEYS = {
  traceName: 'mlflow.traceName',
  artifactLocation: 'mlflow.artifactLocation',
  spansLocation: 'mlflow.trace.spansLocation',
  sourceRun: 'mlflow.sourceRun',
  sizeStats: 'mlflow.trace.sizeStats',
  schemaVersion: 'mlflow.trace_schema.version',
  requestId: 'mlflow.traceRequestId',
  spanType: 'mlflow.spanType',
  spanInputs: 'mlflow.spanInputs',
  spanOutputs: 'mlflow.spanOutputs',
} as const;
/** `mlflow.trace.spansLocation` value for spans kept by the tracking store (logged over OTLP). */
export const SPANS_IN_TRACKING_STORE = 'TRACKING_STORE';

/** MLflow trace ids: `tr-` + 32 hex digits (v3), or any id of safe characters (clients may choose). */
const TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isValidTraceId(id: unknown): id is string {
  return typeof id === 'string' && TRACE_ID.test(id);
}

/** `tr-<hex of the 16-byte OpenTelemetry trace id>`, MLflow's `generate_mlflow_trace_id_from_otel_trace_id`. */
export function mlflowTraceIdFromOtel(otelTraceIdHex: string): string {
  return `tr-${otelTraceIdHex}`;
}

/** The experiment a trace is stored under (MLflow experiment locations only). */
export function traceExperimentId(info: Pick<TraceInfo, 'trace_location'>): string | undefined {
  return info.trace_location.mlflow_experiment?.experiment_id;
}
