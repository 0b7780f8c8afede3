/**
 * Sends finished traces to an MLflow tracking server the way MLflow 3.6's Python client does:
 * spans over OTLP/HTTP protobuf (`POST /v1/traces`, `x-mlflow-experiment-id`), then the trace info
 * (`POST /api/3.0/mlflow/traces`). A server that cannot keep spans (MLflow on a FileStore answers
 * 501 to OTLP) gets the spans as `traces.json` uploaded to the trace's `mlflow-artifacts:` location.
 */
import { MlflowError, errorCodeForHttpStatus, formatProtoDuration, formatProtoTimestamp } from '@mlflow-ts/format';
import type { SpanRecord, TraceInfo } from '@mlflow-ts/format';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { StoreAuth } from '../store-registry.js';

export interface HttpTraceTarget {
  /** `http(s)://host:port` of an MLflow tracking server (ours or MLflow's). */
  trackingUri: string;
  auth?: StoreAuth;
}

function headers(target: HttpTraceTarget, extra: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (target.auth?.token) h.authorization = `Bearer ${target.auth.token}`;
  else if (target.auth?.username !== undefined) {
    h.authorization = `Basic ${Buffer.from(`${target.auth.username}:${target.auth.password ?? ''}`).toString('base64')}`;
  }
  return h;
}

async function failure(res: Response, what: string): Promise<MlflowError> {
  const text = await res.text();
  let message = text;
  let code = errorCodeForHttpStatus(res.status);
  try {
    const j = JSON.parse(text) as { error_code?: string; message?: string; detail?: string };
    message = j.message ?? j.detail ?? text;
    if (j.error_code) code = j.error_code as typeof code;
  } catch {
    // not JSON: keep the text
  }
  return new MlflowError(code, `${what} failed (${res.status}): ${message}`);
}

/**
 * MLflow stores every span attribute JSON-encoded; OTLP carries the decoded value (an object
 * becomes a kvlist), as MLflow's `Span.to_otel_proto` sends it.
 */
function decodedAttributes(span: ReadableSpan): ReadableSpan {
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (typeof v !== 'string') {
      attributes[k] = v;
      continue;
    }
    try {
      attributes[k] = JSON.parse(v);
    } catch {
      attributes[k] = v;
    }
  }
  return new Proxy(span, { get: (t, p, r) => (p === 'attributes' ? attributes : Reflect.get(t, p, r)) });
}

/** true: the server kept the spans; false: it cannot (501/404), use the artifact upload. */
export async function postOtlpSpans(
  target: HttpTraceTarget,
  experimentId: string,
  spans: readonly ReadableSpan[],
): Promise<boolean> {
  const body = ProtobufTraceSerializer.serializeRequest(spans.map(decodedAttributes));
  if (!body) throw new MlflowError('INTERNAL_ERROR', 'Could not serialize spans as OTLP protobuf.');
  const res = await fetch(new URL('/v1/traces', target.trackingUri), {
    method: 'POST',
    body: Buffer.from(body),
    headers: headers(target, { 'content-type': 'application/x-protobuf', 'x-mlflow-experiment-id': experimentId }),
  });
  if (res.ok) {
    await res.arrayBuffer();
    return true;
  }
  if (res.status === 501 || res.status === 404) {
    await res.arrayBuffer();
    return false;
  }
  throw await failure(res, 'OTLP span export');
}

/** StartTraceV3; returns the tags the server added (artifact and spans location). */
export async function postStartTrace(target: HttpTraceTarget, info: TraceInfo): Promise<Record<string, string>> {
  const traceInfo: Record<string, unknown> = {
    trace_id: info.trace_id,
    trace_location: info.trace_location,
    request_time: formatProtoTimestamp(info.request_time),
    state: info.state,
    trace_metadata: info.trace_metadata,
    tags: info.tags,
  };
  if (info.execution_duration !== undefined)
    traceInfo.execution_duration = formatProtoDuration(info.execution_duration);
  if (info.request_preview !== undefined) traceInfo.request_preview = info.request_preview;
  if (info.response_preview !== undefined) traceInfo.response_preview = info.response_preview;
  const res = await fetch(new URL('/api/3.0/mlflow/traces', target.trackingUri), {
    method: 'POST',
    body: JSON.stringify({ trace: { trace_info: traceInfo } }),
    headers: headers(target, { 'content-type': 'application/json' }),
  });
  if (!res.ok) throw await failure(res, 'start trace');
  const json = (await res.json()) as { trace?: { trace_info?: { tags?: Record<string, string> } } };
  return json.trace?.trace_info?.tags ?? {};
}

/** `traces.json` to an `mlflow-artifacts:/` location through the server's proxied artifact API. */
export async function uploadTraceData(
  target: HttpTraceTarget,
  artifactLocation: string,
  spans: SpanRecord[],
): Promise<void> {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactLocation);
  if (!m)
    throw MlflowError.invalidParameter(
      `Cannot upload trace data to '${artifactLocation}': only mlflow-artifacts: locations are supported over HTTP.`,
    );
  const path = `${(m[1] ?? '').replace(/\/+$/, '')}/traces.json`.split('/').map(encodeURIComponent).join('/');
  const res = await fetch(new URL(`/api/2.0/mlflow-artifacts/artifacts/${path}`, target.trackingUri), {
    method: 'PUT',
    body: JSON.stringify({ spans }),
    headers: headers(target, { 'content-type': 'application/octet-stream' }),
  });
  if (!res.ok) throw await failure(res, 'trace data upload');
  await res.arrayBuffer();
}
