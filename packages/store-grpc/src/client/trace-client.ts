/**
 * A TraceStore over MLflow's trace RPCs, whatever carries them: REST (MLflow's routes and OTLP/HTTP)
 * or gRPC (our Traces service and OTLP/gRPC). Requests and answers are MLflow's trace JSON; the
 * transport maps an RPC name to its wire.
 */
import {
  assertTraceId,
  checkSpanBatch,
  spanFromOtlp,
  traceIdOfSpan,
  traceInfoFromJson,
  traceInfoToJson,
} from '@mlflow-ts/format';
import type { Trace, TraceInfo, TraceStore } from '@mlflow-ts/format';
import { encodeOtlpSpans } from '../protocol/otlp-proto.js';
import type { TraceRpcName } from '../protocol/trace-routes.js';

type Json = Record<string, unknown>;

export interface TraceTransport {
  call(name: TraceRpcName, request: Json): Promise<Json>;
  /** Sends one OTLP ExportTraceServiceRequest (protobuf bytes) into the experiment. */
  exportSpans(experimentId: string, body: Uint8Array): Promise<void>;
}

function traceOf(json: Json): Trace {
  return {
    info: traceInfoFromJson(json.trace_info),
    spans: ((json.spans ?? []) as Json[]).map((s) => spanFromOtlp(s).span),
  };
}

const infoOf = (out: Json): TraceInfo => traceInfoFromJson((out.trace as Json | undefined)?.trace_info);

export function createTraceClient(t: TraceTransport): TraceStore {
  return {
    specificationVersion: 'v1',
    async startTrace(info) {
      assertTraceId(info.trace_id);
      return infoOf(await t.call('StartTraceV3', { trace: { trace_info: traceInfoToJson(info) } }));
    },
    async getTraceInfo(traceId) {
      return infoOf(await t.call('GetTraceInfoV3', { trace_id: assertTraceId(traceId) }));
    },
    async batchGetTraces(traceIds) {
      if (traceIds.length === 0) return [];
      const out = await t.call('BatchGetTraces', { trace_ids: traceIds.map((id) => assertTraceId(id)) });
      return ((out.traces ?? []) as Json[]).map(traceOf);
    },
    async searchTraces(req) {
      const out = await t.call('SearchTracesV3', {
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
      if (typeof out.next_page_token === 'string' && out.next_page_token) page.next_page_token = out.next_page_token;
      return page;
    },
    async setTraceTag(traceId, key, value) {
      await t.call('SetTraceTagV3', { trace_id: assertTraceId(traceId), key, value });
    },
    async deleteTraceTag(traceId, key) {
      await t.call('DeleteTraceTagV3', { trace_id: assertTraceId(traceId), key });
    },
    async deleteTraces(req) {
      const out = await t.call('DeleteTracesV3', {
        experiment_id: req.experiment_id,
        max_timestamp_millis: req.max_timestamp_millis,
        max_traces: req.max_traces,
        request_ids: req.trace_ids,
      });
      return Number(out.traces_deleted ?? 0);
    },
    async linkTracesToRun(traceIds, runId) {
      await t.call('LinkTracesToRun', { trace_ids: traceIds.map((id) => assertTraceId(id)), run_id: runId });
    },
    async logSpans(experimentId, spans) {
      checkSpanBatch(spans.map(traceIdOfSpan));
      await t.exportSpans(experimentId, encodeOtlpSpans(spans));
    },
  };
}
