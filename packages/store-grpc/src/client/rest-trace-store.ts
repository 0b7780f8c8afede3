/**
 * The trace client over MLflow's REST trace routes (v3, plus the v2 link-to-run route) and
 * OTLP/HTTP protobuf for spans, as MLflow's RestStore speaks them: works against our server and MLflow's.
 */
import { MlflowError } from '@mlflow-ts/format';
import type { TraceStore } from '@mlflow-ts/format';
import { MLFLOW_EXPERIMENT_ID_HEADER, OTLP_TRACES_PATH, traceRouteOf } from '../protocol/trace-routes.js';
import { errorFromResponse } from './rest-transport.js';
import type { HttpClient } from './rest-transport.js';
import { createTraceClient } from './trace-client.js';

type Json = Record<string, unknown>;

/** `:name` path parameters come out of the request; GET requests send the rest as the query. */
function requestOf(name: string, request: Json): { method: string; path: string; body?: string } {
  const route = traceRouteOf(name);
  if (!route) throw new Error(`no REST route for ${name}`);
  const rest: Json = { ...request };
  const path = route.path.replace(/:(\w+)/g, (_, param: string) => {
    const value = String(rest[param] ?? '');
    delete rest[param];
    return encodeURIComponent(value);
  });
  const url = `/api/${route.version}.0/mlflow${path}`;
  if (route.method !== 'GET') return { method: route.method, path: url, body: JSON.stringify(rest) };
  const query = new URLSearchParams();
  for (const [key, v] of Object.entries(rest))
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) query.append(key, String(item));
  const q = query.toString();
  return { method: 'GET', path: q ? `${url}?${q}` : url };
}

export function createRestTraceStore(http: HttpClient): TraceStore {
  return createTraceClient({
    async call(name, request) {
      const { method, path, body } = requestOf(name, request);
      const res = await http.fetch(
        path,
        body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body },
      );
      if (!res.ok) throw await errorFromResponse(res, `${method} ${path.split('?')[0]}`);
      return (await res.json()) as Json;
    },
    async exportSpans(experimentId, body) {
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
  });
}
