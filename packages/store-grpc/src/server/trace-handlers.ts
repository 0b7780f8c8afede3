/**
 * MLflow's trace RPCs (mlflow/server/handlers.py `_start_trace_v3` … `_deprecated_*_v2`) over a
 * TrackingStore's `traces` capability. Requests and answers are MLflow's JSON: TraceInfoV3 with
 * protobuf Timestamp/Duration strings, spans as OpenTelemetry Span JSON; v2 routes answer TraceInfo v2.
 */
import {
  MlflowError,
  SPANS_IN_TRACKING_STORE,
  TRACE_KEYS,
  assertTraceId,
  spanToOtlpJson,
  traceInfoFromJson,
  traceInfoToJson,
} from '@mlflow-ts/format';
import type { Trace, TraceInfo, TraceState, TraceStore } from '@mlflow-ts/format';
import type { HandlerContext } from './handler-context.js';

export type Json = Record<string, unknown>;
/** `input`: the JSON body or query; `params`: path parameters. */
export type TraceHandler = (ctx: HandlerContext, input: Json, params: Record<string, string>) => Promise<Json>;

/** MLflow's REST handler cap on search_traces max_results. */
const SEARCH_MAX_RESULTS = 500;

export function traceStoreOf(ctx: HandlerContext): TraceStore {
  const t = ctx.tracking.traces;
  if (!t) throw new MlflowError('NOT_IMPLEMENTED', 'This tracking store does not support traces.');
  return t;
}

function str(input: Json, name: string, required = false): string | undefined {
  let v = input[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null || v === '') {
    if (required) throw MlflowError.invalidParameter(`Missing value for required parameter '${name}'.`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw MlflowError.invalidParameter(
      `Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a string.`,
    );
  return v;
}

function strings(input: Json, name: string): string[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  const arr = Array.isArray(v) ? v : [v];
  if (arr.length > 10_000)
    throw MlflowError.invalidParameter(`Too many values for parameter '${name}' (at most 10000).`);
  for (const x of arr)
    if (typeof x !== 'string')
      throw MlflowError.invalidParameter(
        `Invalid value ${JSON.stringify(x)} for parameter '${name}' supplied: expected strings.`,
      );
  return arr as string[];
}

function int(input: Json, name: string): number | undefined {
  let v = input[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw MlflowError.invalidParameter(
      `Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected an integer.`,
    );
  }
  return n;
}

function maxResults(input: Json): number | undefined {
  const n = int(input, 'max_results');
  if (n !== undefined && n > SEARCH_MAX_RESULTS) {
    throw MlflowError.invalidParameter(
      `Invalid value ${n} for parameter 'max_results' supplied: value must be at most ${SEARCH_MAX_RESULTS}.`,
    );
  }
  return n ?? 100;
}

const traceJson = (t: Trace): Json => ({ trace_info: traceInfoToJson(t.info), spans: t.spans.map(spanToOtlpJson) });

// ---- legacy v2 shapes ----

const V2_STATUS: Record<TraceState, string> = {
  STATE_UNSPECIFIED: 'TRACE_STATUS_UNSPECIFIED',
  OK: 'OK',
  ERROR: 'ERROR',
  IN_PROGRESS: 'IN_PROGRESS',
};
const V3_STATE: Record<string, TraceState> = {
  TRACE_STATUS_UNSPECIFIED: 'STATE_UNSPECIFIED',
  OK: 'OK',
  ERROR: 'ERROR',
  IN_PROGRESS: 'IN_PROGRESS',
};
const pairs = (m: Record<string, string>) => Object.entries(m).map(([key, value]) => ({ key, value }));

/** TraceInfoV2.from_v3 as JSON. */
export function traceInfoV2Json(info: TraceInfo): Json {
  const out: Json = {
    request_id: info.trace_id,
    experiment_id: info.trace_location.mlflow_experiment?.experiment_id,
    timestamp_ms: info.request_time,
  };
  if (info.execution_duration !== undefined) out.execution_time_ms = info.execution_duration;
  out.status = V2_STATUS[info.state];
  const md = pairs(info.trace_metadata);
  if (md.length) out.request_metadata = md;
  const tags = pairs(info.tags);
  if (tags.length) out.tags = tags;
  return out;
}

function kvMap(input: Json, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (Array.isArray(input[name]) ? input[name] : []) as Json[]) {
    if (typeof kv?.key !== 'string' || typeof kv.value !== 'string')
      throw MlflowError.invalidParameter(`Invalid value for parameter '${name}': expected key/value strings.`);
    out[kv.key] = kv.value;
  }
  return out;
}

async function setTag(ctx: HandlerContext, input: Json, params: Record<string, string>): Promise<Json> {
  const id = assertTraceId(params.trace_id);
  const key = str(input, 'key', true) as string;
  const v = input.value;
  if (v === undefined || v === null)
    throw MlflowError.invalidParameter("Missing value for required parameter 'value'.");
  if (typeof v !== 'string')
    throw MlflowError.invalidParameter("Invalid value for parameter 'value' supplied: expected a string.");
  await traceStoreOf(ctx).setTraceTag(id, key, v);
  return {};
}

async function deleteTag(ctx: HandlerContext, input: Json, params: Record<string, string>): Promise<Json> {
  const id = assertTraceId(params.trace_id);
  await traceStoreOf(ctx).deleteTraceTag(id, str(input, 'key', true) as string);
  return {};
}

async function deleteTraces(ctx: HandlerContext, input: Json): Promise<Json> {
  const n = await traceStoreOf(ctx).deleteTraces({
    experiment_id: str(input, 'experiment_id', true) as string,
    max_timestamp_millis: int(input, 'max_timestamp_millis'),
    max_traces: int(input, 'max_traces'),
    trace_ids: strings(input, 'request_ids'),
  });
  return { traces_deleted: n };
}

/** One search page (v3 and v2 alike), its trace infos written by `toJson`. */
async function searchPage(
  ctx: HandlerContext,
  experimentIds: string[],
  input: Json,
  toJson: (info: TraceInfo) => Json,
): Promise<Json> {
  const page = await traceStoreOf(ctx).searchTraces({
    experiment_ids: experimentIds,
    filter: str(input, 'filter'),
    max_results: maxResults(input),
    order_by: strings(input, 'order_by'),
    page_token: str(input, 'page_token'),
  });
  const out: Json = {};
  if (page.items.length) out.traces = page.items.map(toJson);
  if (page.next_page_token) out.next_page_token = page.next_page_token;
  return out;
}

export const TRACE_HANDLERS: Record<string, TraceHandler> = {
  async StartTraceV3(ctx, input) {
    const trace = input.trace as Json | undefined;
    if (!trace || typeof trace !== 'object')
      throw MlflowError.invalidParameter("Missing value for required parameter 'trace'.");
    const info = traceInfoFromJson(trace.trace_info);
    const stored = await traceStoreOf(ctx).startTrace(info);
    return { trace: { trace_info: traceInfoToJson(stored) } };
  },
  async GetTraceInfoV3(ctx, _input, params) {
    const info = await traceStoreOf(ctx).getTraceInfo(assertTraceId(params.trace_id));
    return { trace: { trace_info: traceInfoToJson(info) } };
  },
  async GetTrace(ctx, input) {
    const id = assertTraceId(str(input, 'trace_id', true));
    const store = traceStoreOf(ctx);
    const info = await store.getTraceInfo(id);
    const [trace] = await store.batchGetTraces([id]);
    const allowPartial = input.allow_partial === true || input.allow_partial === 'true';
    if (!trace && !allowPartial) throw MlflowError.notFound(`Trace with ID ${id} is not found.`);
    return { trace: trace ? traceJson(trace) : { trace_info: traceInfoToJson(info) } };
  },
  async BatchGetTraces(ctx, input) {
    const ids = strings(input, 'trace_ids');
    if (ids.length === 0) throw MlflowError.invalidParameter("Missing value for required parameter 'trace_ids'.");
    const traces = await traceStoreOf(ctx).batchGetTraces(ids.map((id) => assertTraceId(id)));
    return traces.length ? { traces: traces.map(traceJson) } : {};
  },
  async SearchTracesV3(ctx, input) {
    const locations = input.locations;
    if (!Array.isArray(locations) || locations.length === 0)
      throw MlflowError.invalidParameter("Missing value for required parameter 'locations'.");
    const experimentIds: string[] = [];
    for (const loc of locations as Json[]) {
      const id = (loc?.mlflow_experiment as Json | undefined)?.experiment_id;
      if (typeof id === 'string') experimentIds.push(id);
    }
    return searchPage(ctx, experimentIds, input, traceInfoToJson);
  },
  DeleteTracesV3: deleteTraces,
  SetTraceTagV3: setTag,
  DeleteTraceTagV3: deleteTag,
  async LinkTracesToRun(ctx, input) {
    const ids = strings(input, 'trace_ids');
    if (ids.length === 0) throw MlflowError.invalidParameter("Missing value for required parameter 'trace_ids'.");
    const runId = str(input, 'run_id', true) as string;
    await ctx.tracking.getRun(runId);
    await traceStoreOf(ctx).linkTracesToRun(
      ids.map((id) => assertTraceId(id)),
      runId,
    );
    return {};
  },

  // legacy v2 (MLflow 2.x clients; MLflow 3 still uses the v2 tag and delete routes)
  async StartTrace(ctx, input) {
    const experimentId = str(input, 'experiment_id', true) as string;
    const id = `tr-${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
    const stored = await traceStoreOf(ctx).startTrace({
      trace_id: id,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      request_time: int(input, 'timestamp_ms') ?? Date.now(),
      state: 'IN_PROGRESS',
      trace_metadata: kvMap(input, 'request_metadata'),
      tags: kvMap(input, 'tags'),
    });
    return { trace_info: traceInfoV2Json(stored) };
  },
  async EndTrace(ctx, input, params) {
    const id = assertTraceId(params.request_id);
    const store = traceStoreOf(ctx);
    const info = await store.getTraceInfo(id);
    const end = int(input, 'timestamp_ms') ?? Date.now();
    const status = str(input, 'status');
    const stored = await store.startTrace({
      ...info,
      execution_duration: end - info.request_time,
      state: status ? (V3_STATE[status] ?? info.state) : info.state,
      trace_metadata: { ...info.trace_metadata, ...kvMap(input, 'request_metadata') },
      tags: { ...info.tags, ...kvMap(input, 'tags') },
    });
    return { trace_info: traceInfoV2Json(stored) };
  },
  async GetTraceInfo(ctx, _input, params) {
    return { trace_info: traceInfoV2Json(await traceStoreOf(ctx).getTraceInfo(assertTraceId(params.request_id))) };
  },
  async SearchTraces(ctx, input) {
    const ids = strings(input, 'experiment_ids');
    if (ids.length === 0) throw MlflowError.invalidParameter("Missing value for required parameter 'experiment_ids'.");
    return searchPage(ctx, ids, input, traceInfoV2Json);
  },
  DeleteTraces: deleteTraces,
  SetTraceTag: (ctx, input, params) => setTag(ctx, input, { trace_id: params.request_id ?? '' }),
  DeleteTraceTag: (ctx, input, params) => deleteTag(ctx, input, { trace_id: params.request_id ?? '' }),
};

/** The spans of a trace as MLflow's `get-trace-artifact` UI helper sends them (`TraceData.to_dict()`). */
export async function traceArtifact(ctx: HandlerContext, requestId: string): Promise<Json> {
  const store = traceStoreOf(ctx);
  const id = assertTraceId(requestId);
  const info = await store.getTraceInfo(id);
  const [trace] = await store.batchGetTraces([id]);
  if (!trace && info.tags[TRACE_KEYS.spansLocation] === SPANS_IN_TRACKING_STORE) return { spans: [] };
  return { spans: trace?.spans ?? [] };
}
