/**
 * A TraceStore over MLflow's REST trace routes (v3, plus the v2 link-to-run route) and OTLP/HTTP
 * protobuf for spans, as MLflow's RestStore speaks them: works against our server and MLflow's.
 */
import {
  MlflowError,
  assertTraceId,
  base64ToHex,
  checkSpanBatch,
  spanFromOtlp,
  traceIdOfSpan,
  traceInfoFromJson,
  traceInfoToJson,
} from '@mlflow-ts/format';
import type { SpanRecord, Trace, TraceInfo, TraceStore } from '@mlflow-ts/format';
import { encodeOtlpRequest } from '../protocol/otlp-proto.js';
import { MLFLOW_EXPERIMENT_ID_HEADER, OTLP_TRACES_PATH } from '../protocol/trace-routes.js';
import { errorFromResponse } from './rest-transport.js';
import type { HttpClient } from './rest-transport.js';

type Json = Record<string, unknown>;
const V3 = '/api/3.0/mlflow';

/** protobufjs-style (camelCase) AnyValue for a decoded attribute value. */
function anyValue(v: unknown): Json {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v !== null && typeof v === 'object')
    return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
  return {};
}

function otlpSpan(s: SpanRecord): Json {
  const attributes = Object.entries(s.attributes).map(([key, raw]) => {
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      // a raw string stays a string
    }
    return { key, value: anyValue(v) };
  });
  const code = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 }[s.status.code] ?? 0;
  return {
    traceId: Buffer.from(base64ToHex(s.trace_id), 'hex'),
    spanId: Buffer.from(base64ToHex(s.span_id), 'hex'),
    ...(s.parent_span_id ? { parentSpanId: Buffer.from(base64ToHex(s.parent_span_id), 'hex') } : {}),
    name: s.name,
    startTimeUnixNano: String(s.start_time_unix_nano),
    ...(s.end_time_unix_nano ? { endTimeUnixNano: String(s.end_time_unix_nano) } : {}),
    attributes,
    events: (s.events ?? []).map((e) => ({
      timeUnixNano: String(e.time_unix_nano),
      name: e.name,
      attributes: Object.entries(e.attributes ?? {}).map(([key, v]) => ({ key, value: anyValue(v) })),
    })),
    status: { code, ...(s.status.message ? { message: s.status.message } : {}) },
  };
}

function traceOf(json: Json): Trace {
  return {
    info: traceInfoFromJson(json.trace_info),
    spans: ((json.spans ?? []) as Json[]).map((s) => spanFromOtlp(s).span),
  };
}

export function createRestTraceStore(http: HttpClient): TraceStore {
  async function call(method: string, path: string, body?: unknown): Promise<Json> {
    const res = await http.fetch(
      path,
      body === undefined
        ? { method }
        : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    if (!res.ok) throw await errorFromResponse(res, `${method} ${path.split('?')[0]}`);
    return (await res.json()) as Json;
  }
  const tracePath = (id: string) => `${V3}/traces/${encodeURIComponent(assertTraceId(id))}`;

  return {
    specificationVersion: 'v1',
    async startTrace(info: TraceInfo) {
      assertTraceId(info.trace_id);
      const out = await call('POST', `${V3}/traces`, { trace: { trace_info: traceInfoToJson(info) } });
      return traceInfoFromJson((out.trace as Json | undefined)?.trace_info);
    },
    async getTraceInfo(traceId) {
      const out = await call('GET', tracePath(traceId));
      return traceInfoFromJson((out.trace as Json | undefined)?.trace_info);
    },
    async batchGetTraces(traceIds) {
      if (traceIds.length === 0) return [];
      const q = traceIds.map((id) => `trace_ids=${encodeURIComponent(assertTraceId(id))}`).join('&');
      const out = await call('GET', `${V3}/traces/batchGet?${q}`);
      return ((out.traces ?? []) as Json[]).map(traceOf);
    },
    async searchTraces(req) {
      const out = await call('POST', `${V3}/traces/search`, {
        locations: req.experiment_ids.map((experiment_id) => ({
          type: 'MLFLOW_EXPERIMENT',
          mlflow_experiment: { experiment_id },
        })),
        filter: req.filter,
        max_results: req.max_results,
        order_by: req.order_by,
        page_token: req.page_token,
      });
      const page: { items: TraceInfo[]; next_page_token?: string } = {
        items: ((out.traces ?? []) as Json[]).map(traceInfoFromJson),
      };
      if (typeof out.next_page_token === 'string') page.next_page_token = out.next_page_token;
      return page;
    },
    async setTraceTag(traceId, key, value) {
      await call('PATCH', `${tracePath(traceId)}/tags`, { key, value });
    },
    async deleteTraceTag(traceId, key) {
      await call('DELETE', `${tracePath(traceId)}/tags`, { key });
    },
    async deleteTraces(req) {
      const out = await call('POST', `${V3}/traces/delete-traces`, {
        experiment_id: req.experiment_id,
        max_timestamp_millis: req.max_timestamp_millis,
        max_traces: req.max_traces,
        request_ids: req.trace_ids,
      });
      return Number(out.traces_deleted ?? 0);
    },
    async linkTracesToRun(traceIds, runId) {
      await call('POST', '/api/2.0/mlflow/traces/link-to-run', {
        trace_ids: traceIds.map((id) => assertTraceId(id)),
        run_id: runId,
      });
    },
    async logSpans(experimentId, spans) {
      checkSpanBatch(spans.map(traceIdOfSpan));
      const body = encodeOtlpRequest({ resourceSpans: [{ scopeSpans: [{ spans: spans.map(otlpSpan) }] }] });
      const res = await http.fetch(OTLP_TRACES_PATH, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': 'application/x-protobuf', [MLFLOW_EXPERIMENT_ID_HEADER]: experimentId },
      });
      if (res.status === 501)
        throw new MlflowError(
          'NOT_IMPLEMENTED',
          'The server does not keep spans (REST OTLP span logging is not supported).',
        );
      if (!res.ok) throw await errorFromResponse(res, `POST ${OTLP_TRACES_PATH}`);
      await res.arrayBuffer();
    },
  };
}
