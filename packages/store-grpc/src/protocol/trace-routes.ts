/**
 * MLflow's trace REST routes (service.proto `since` major 2 or 3): path parameters in fastify's
 * `:name` form. v3 routes are served under `/api/3.0/mlflow` and `/ajax-api/3.0/mlflow`, v2 under
 * the 2.0 prefixes. Trace JSON (Timestamp/Duration strings, map fields, OTel spans) is written by
 * the trace handlers themselves rather than the reflected proto mapping of rpc-routes.ts.
 */
import type { HttpMethod } from './rpc-routes.js';

export interface TraceRoute {
  name: string;
  method: HttpMethod;
  path: string;
  version: 2 | 3;
  read?: boolean;
}

const ROUTES = [
  { name: 'StartTraceV3', method: 'POST', path: '/traces', version: 3 },
  { name: 'SearchTracesV3', method: 'POST', path: '/traces/search', version: 3, read: true },
  { name: 'BatchGetTraces', method: 'GET', path: '/traces/batchGet', version: 3, read: true },
  { name: 'GetTrace', method: 'GET', path: '/traces/get', version: 3, read: true },
  { name: 'DeleteTracesV3', method: 'POST', path: '/traces/delete-traces', version: 3 },
  { name: 'GetTraceInfoV3', method: 'GET', path: '/traces/:trace_id', version: 3, read: true },
  { name: 'SetTraceTagV3', method: 'PATCH', path: '/traces/:trace_id/tags', version: 3 },
  { name: 'DeleteTraceTagV3', method: 'DELETE', path: '/traces/:trace_id/tags', version: 3 },
  { name: 'StartTrace', method: 'POST', path: '/traces', version: 2 },
  { name: 'SearchTraces', method: 'GET', path: '/traces', version: 2, read: true },
  { name: 'EndTrace', method: 'PATCH', path: '/traces/:request_id', version: 2 },
  { name: 'GetTraceInfo', method: 'GET', path: '/traces/:request_id/info', version: 2, read: true },
  { name: 'SetTraceTag', method: 'PATCH', path: '/traces/:request_id/tags', version: 2 },
  { name: 'DeleteTraceTag', method: 'DELETE', path: '/traces/:request_id/tags', version: 2 },
  { name: 'DeleteTraces', method: 'POST', path: '/traces/delete-traces', version: 2 },
  { name: 'LinkTracesToRun', method: 'POST', path: '/traces/link-to-run', version: 2 },
] as const satisfies readonly TraceRoute[];
export const TRACE_ROUTES: readonly TraceRoute[] = ROUTES;

/** What the authorizer is asked about for an OTLP export (REST `/v1/traces` and gRPC `TraceService/Export`). */
export const OTLP_EXPORT_RPC = 'ExportTraces';

/** Trace RPC names as the authorizer sees them (permissions.ts gives none a rule yet: admins only). */
export type TraceRpcName = (typeof ROUTES)[number]['name'] | typeof OTLP_EXPORT_RPC;

export function traceRouteOf(name: string): TraceRoute | undefined {
  return TRACE_ROUTES.find((r) => r.name === name);
}

export function traceRoutePrefixes(version: 2 | 3): string[] {
  return [`/api/${version}.0/mlflow`, `/ajax-api/${version}.0/mlflow`];
}

/** OTLP/HTTP trace ingestion (MLflow's FastAPI `otel_router`). */
export const OTLP_TRACES_PATH = '/v1/traces';
export const MLFLOW_EXPERIMENT_ID_HEADER = 'x-mlflow-experiment-id';
