/**
 * OTLP/HTTP trace export bodies: `application/x-protobuf` decoded with protobufjs from
 * proto/otlp/trace-service.proto, or OTLP/JSON. Either way the result is MLflow span records grouped
 * by trace, the way MLflow's `/v1/traces` handler groups them for `log_spans`.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { MlflowError, base64ToHex, spanFromOtlp } from '@mlflow-ts/format';
import type { SpanRecord } from '@mlflow-ts/format';

let requestType: protobuf.Type | undefined;

function exportRequestType(): protobuf.Type {
  if (requestType) return requestType;
  const file = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto', 'otlp', 'trace-service.proto');
  if (!existsSync(file)) throw new Error(`mlflow-ts store-grpc: OTLP proto missing at ${file}`);
  const root = new protobuf.Root();
  root.loadSync(file);
  root.resolveAll();
  requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  return requestType;
}

/** Encodes an ExportTraceServiceRequest given as a plain object (protobufjs camelCase names). */
export function encodeOtlpRequest(message: Record<string, unknown>): Uint8Array {
  const type = exportRequestType();
  return type.encode(type.fromObject(message)).finish();
}

type Obj = Record<string, unknown>;

/** protobufjs-style (camelCase) AnyValue for a decoded attribute value. */
function anyValue(v: unknown): Obj {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v !== null && typeof v === 'object')
    return { kvlistValue: { values: Object.entries(v).map(([key, x]) => ({ key, value: anyValue(x) })) } };
  return {};
}

const idBytes = (b64: string) => Buffer.from(base64ToHex(b64), 'hex');

/** MLflow's stored span as an OTLP Span (what MLflow's exporter sends). */
function otlpSpan(s: SpanRecord): Obj {
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
    traceId: idBytes(s.trace_id),
    spanId: idBytes(s.span_id),
    ...(s.parent_span_id ? { parentSpanId: idBytes(s.parent_span_id) } : {}),
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

/** One OTLP export request carrying `spans` (protobuf bytes, as OTLP/HTTP and OTLP/gRPC send). */
export function encodeOtlpSpans(spans: SpanRecord[]): Uint8Array {
  return encodeOtlpRequest({ resourceSpans: [{ scopeSpans: [{ spans: spans.map(otlpSpan) }] }] });
}

function decodeProtobuf(body: Uint8Array): Obj {
  try {
    const type = exportRequestType();
    // Plain object of the fields actually set (oneofs included), int64 as decimal strings, bytes as bytes.
    return type.toObject(type.decode(body), { longs: String, defaults: false }) as Obj;
  } catch (e) {
    throw new MlflowError('BAD_REQUEST', `Invalid OpenTelemetry protobuf format: ${(e as Error).message}`);
  }
}

function decodeJson(body: Uint8Array): Obj {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Obj;
  } catch (e) {
    throw new MlflowError('BAD_REQUEST', `Invalid OpenTelemetry JSON format: ${(e as Error).message}`);
  }
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** Spans of one export request by MLflow trace id; `maxSpans` bounds the whole request. */
export function decodeOtlpSpans(body: Uint8Array, json: boolean, maxSpans: number): Map<string, SpanRecord[]> {
  const req = json ? decodeJson(body) : decodeProtobuf(body);
  const resourceSpans = list(req.resourceSpans ?? req.resource_spans);
  if (resourceSpans.length === 0)
    throw new MlflowError('BAD_REQUEST', 'Invalid OpenTelemetry protobuf format - no spans found');
  const byTrace = new Map<string, SpanRecord[]>();
  let count = 0;
  for (const rs of resourceSpans) {
    for (const ss of list(rs.scopeSpans ?? rs.scope_spans)) {
      for (const raw of list(ss.spans)) {
        if (++count > maxSpans) {
          throw MlflowError.invalidParameter(`An OTLP export may carry at most ${maxSpans} spans.`);
        }
        const { traceId, span } = spanFromOtlp(raw);
        const spans = byTrace.get(traceId);
        if (spans) spans.push(span);
        else byTrace.set(traceId, [span]);
      }
    }
  }
  return byTrace;
}
