/**
 * The trace store contract (MLflow 3 tracing), an optional capability of a `TrackingStore`
 * (`store.traces`). One method per MLflow trace RPC; every method rejects with `MlflowError`.
 */
import type { Page } from './entities.js';
import type { SpanRecord, Trace, TraceInfo } from './trace-entities.js';

export interface SearchTracesRequest {
  experiment_ids: string[];
  /** MLflow's trace filter language (`attributes.status = 'OK' AND tags.x = 'y'`). */
  filter?: string;
  /** Default 100, at most 500 over REST (MLflow's handler). */
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export interface DeleteTracesRequest {
  experiment_id: string;
  /** Delete traces with `request_time <= max_timestamp_millis` (oldest first, at most `max_traces`). */
  max_timestamp_millis?: number;
  max_traces?: number;
  /** Or delete exactly these (missing ones are skipped). */
  trace_ids?: string[];
}

export interface TraceStore {
  readonly specificationVersion: 'v1';
  /**
   * StartTraceV3: records the trace info (upsert: spans may have arrived first over OTLP). Adds the
   * `mlflow.artifactLocation` tag, and `mlflow.trace.spansLocation` when the store keeps spans.
   */
  startTrace(info: TraceInfo): Promise<TraceInfo>;
  getTraceInfo(traceId: string): Promise<TraceInfo>;
  /** Complete traces (all spans logged, per `mlflow.trace.sizeStats`) in the order asked; unknown ids skipped. */
  batchGetTraces(traceIds: string[]): Promise<Trace[]>;
  searchTraces(req: SearchTracesRequest): Promise<Page<TraceInfo>>;
  setTraceTag(traceId: string, key: string, value: string): Promise<void>;
  deleteTraceTag(traceId: string, key: string): Promise<void>;
  /** Returns how many were deleted. */
  deleteTraces(req: DeleteTracesRequest): Promise<number>;
  /** Sets `mlflow.sourceRun` metadata on each trace (MLflow's entity association). */
  linkTracesToRun(traceIds: string[], runId: string): Promise<void>;
  /** Spans of one trace (OTLP ingestion); creates the trace info from the spans when it is new. */
  logSpans(experimentId: string, spans: SpanRecord[]): Promise<void>;
}
