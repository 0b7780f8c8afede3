/**
 * Trace wire forms: `TraceInfo` ↔ MLflow's TraceInfoV3 JSON (protobuf Timestamp / Duration strings),
 * and `SpanRecord` ↔ OpenTelemetry's Span message (what BatchGetTraces answers and OTLP carries).
 * Mirrors mlflow/entities/span.py (`to_otel_proto`, `from_otel_proto`) and trace_info.py.
 */
import { MlflowError } from './errors.js';
import type { SpanRecord, TraceInfo, TraceLocation, TraceState } from './trace-entities.js';
import { TRACE_KEYS, TRACE_STATES, mlflowTraceIdFromOtel } from './trace-entities.js';

/** Protobuf JSON Timestamp at ms precision: no fraction for whole seconds, else 3 digits. */
export function formatProtoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

export function parseProtoTimestamp(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.length > 64)
    throw MlflowError.invalidParameter(`Invalid value for '${field}': expected an RFC 3339 timestamp.`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) throw MlflowError.invalidParameter(`Invalid value for '${field}': '${value}' is not an RFC 3339 timestamp.`);
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base))
    throw MlflowError.invalidParameter(`Invalid value for '${field}': '${value}' is not an RFC 3339 timestamp.`);
  return base + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1000);
}

export function formatProtoDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const secs = Math.floor(abs / 1000);
  const frac = abs % 1000;
  return frac === 0 ? `${sign}${secs}s` : `${sign}${secs}.${String(frac).padStart(3, '0')}s`;
}

export function parseProtoDuration(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  const m = typeof value === 'string' ? /^(-?)(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(value) : null;
  if (!m) throw MlflowError.invalidParameter(`Invalid value for '${field}': expected a duration such as '0.325s'.`);
  const ms = Number(m[2]) * 1000 + Math.floor(Number(`0.${m[3] ?? '0'}`) * 1000);
  return m[1] === '-' ? -ms : ms;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw MlflowError.invalidParameter(`Invalid value for '${field}': expected a map of strings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string')
      throw MlflowError.invalidParameter(`Invalid value for '${field}.${k}': expected a string.`);
    out[k] = v;
  }
  return out;
}

/** MLflow's TraceInfoV3 JSON, fields in proto field order. */
export function traceInfoToJson(info: TraceInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { trace_id: info.trace_id };
  if (info.client_request_id !== undefined) out.client_request_id = info.client_request_id;
  out.trace_location = info.trace_location;
  out.request_time = formatProtoTimestamp(info.request_time);
  if (info.execution_duration !== undefined) out.execution_duration = formatProtoDuration(info.execution_duration);
  out.state = info.state;
  if (Object.keys(info.trace_metadata).length) out.trace_metadata = info.trace_metadata;
  if (Object.keys(info.tags).length) out.tags = info.tags;
  if (info.request_preview !== undefined) out.request_preview = info.request_preview;
  if (info.response_preview !== undefined) out.response_preview = info.response_preview;
  return out;
}

/** Reads MLflow's TraceInfoV3 JSON (a StartTraceV3 body's `trace.trace_info`), with MLflow's codes on bad input. */
export function traceInfoFromJson(json: unknown): TraceInfo {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw MlflowError.invalidParameter("Missing value for required parameter 'trace.trace_info'.");
  const j = json as Record<string, unknown>;
  const str = (k: string): string | undefined => {
    const v = j[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw MlflowError.invalidParameter(`Invalid value for '${k}': expected a string.`);
    return v;
  };
  const loc = (j.trace_location ?? {}) as Record<string, unknown>;
  const exp = (loc.mlflow_experiment ?? {}) as Record<string, unknown>;
  const location: TraceLocation = { type: (loc.type as TraceLocation['type']) ?? 'MLFLOW_EXPERIMENT' };
  if (typeof exp.experiment_id === 'string') location.mlflow_experiment = { experiment_id: exp.experiment_id };
  const state = (j.state ?? 'STATE_UNSPECIFIED') as TraceState;
  if (!TRACE_STATES.includes(state))
    throw MlflowError.invalidParameter(`Invalid value for 'state': '${String(j.state)}'.`);
  const info: TraceInfo = {
    trace_id: str('trace_id') ?? '',
    trace_location: location,
    request_time: j.request_time === undefined ? 0 : parseProtoTimestamp(j.request_time, 'request_time'),
    state,
    trace_metadata: stringMap(j.trace_metadata, 'trace_metadata'),
    tags: stringMap(j.tags, 'tags'),
  };
  const client = str('client_request_id');
  if (client !== undefined) info.client_request_id = client;
  if (j.execution_duration !== undefined && j.execution_duration !== null)
    info.execution_duration = parseProtoDuration(j.execution_duration, 'execution_duration');
  const reqPreview = str('request_preview');
  if (reqPreview !== undefined) info.request_preview = reqPreview;
  const resPreview = str('response_preview');
  if (resPreview !== undefined) info.response_preview = resPreview;
  return info;
}

// ---- attribute values: Python's json.dumps (", " / ": " separators, ensure_ascii=False) ----

/** `json.dumps(value, ensure_ascii=False)` as MLflow writes span attributes. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJsonDumps(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(String(value));
}

/** An OTLP AnyValue in protobuf JSON with snake_case names (MLflow's `message_to_json`). */
export type AnyValueJson = Record<string, unknown>;

export function toAnyValue(value: unknown): AnyValueJson {
  if (typeof value === 'boolean') return { bool_value: value };
  if (typeof value === 'string') return { string_value: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int_value: value } : { double_value: value };
  if (Array.isArray(value)) return { array_value: { values: value.map(toAnyValue) } };
  if (value !== null && typeof value === 'object') {
    return {
      kvlist_value: {
        values: Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: toAnyValue(v) })),
      },
    };
  }
  return { string_value: String(value) };
}

/** Decodes an AnyValue from protobufjs (camelCase) or OTLP JSON (camelCase or snake_case). */
export function fromAnyValue(v: unknown, depth = 0): unknown {
  if (depth > 64) throw MlflowError.invalidParameter('OTLP attribute value is nested too deeply.');
  if (v === null || typeof v !== 'object') return null;
  const a = v as Record<string, unknown>;
  const pick = (camel: string, snake: string) => (a[camel] !== undefined ? a[camel] : a[snake]);
  const s = pick('stringValue', 'string_value');
  if (s !== undefined && s !== null) return String(s);
  const b = pick('boolValue', 'bool_value');
  if (b !== undefined && b !== null) return Boolean(b);
  const i = pick('intValue', 'int_value');
  if (i !== undefined && i !== null) return Number(typeof i === 'object' ? String(i) : i);
  const d = pick('doubleValue', 'double_value');
  if (d !== undefined && d !== null) return Number(d);
  const arr = pick('arrayValue', 'array_value') as { values?: unknown[] } | undefined;
  if (arr) return (arr.values ?? []).map((x) => fromAnyValue(x, depth + 1));
  const kv = pick('kvlistValue', 'kvlist_value') as { values?: { key?: string; value?: unknown }[] } | undefined;
  if (kv)
    return Object.fromEntries((kv.values ?? []).map((e) => [String(e.key ?? ''), fromAnyValue(e.value, depth + 1)]));
  const by = pick('bytesValue', 'bytes_value');
  if (by !== undefined && by !== null) return by instanceof Uint8Array ? bytesToBase64(by) : String(by);
  return null;
}

// ---- ids ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      B64[(n >> 18) & 63]! +
      B64[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function base64ToHex(b64: string): string {
  const bin = globalThis.atob(b64);
  let s = '';
  for (let i = 0; i < bin.length; i++) s += bin.charCodeAt(i).toString(16).padStart(2, '0');
  return s;
}

/** An id from protobufjs (bytes), OTLP JSON (hex, per the OTLP/JSON spec) or MLflow JSON (base64) → hex of `size` bytes. */
function idHex(v: unknown, size: number, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  let hex: string | undefined;
  if (v instanceof Uint8Array) hex = v.length === 0 ? undefined : bytesToHex(v);
  else if (typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v) && v.length === size * 2) hex = v.toLowerCase();
  // MLflow's own JSON (protobuf JSON mapping of bytes) carries ids in base64.
  else if (typeof v === 'string' && v.length === Math.ceil(size / 3) * 4 && /^[A-Za-z0-9+/]+=*$/.test(v))
    hex = base64ToHex(v);
  if (hex === undefined && v instanceof Uint8Array) return undefined;
  if (hex === undefined || hex.length !== size * 2)
    throw MlflowError.invalidParameter(`Invalid OTLP span: '${field}' must be ${size} bytes.`);
  return hex;
}

function nanos(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = Number(typeof v === 'object' ? String(v) : v);
  if (!Number.isFinite(n) || n < 0)
    throw MlflowError.invalidParameter('Invalid OTLP span: timestamps must be non-negative integers.');
  return n;
}

const STATUS_CODES: Record<string, string> = { 0: 'STATUS_CODE_UNSET', 1: 'STATUS_CODE_OK', 2: 'STATUS_CODE_ERROR' };

/**
 * One OTLP span (protobufjs-decoded or OTLP JSON) → MLflow's span record and its MLflow trace id,
 * as `Span.from_otel_proto` does: `mlflow.traceRequestId` first, attribute values JSON-dumped.
 */
export function spanFromOtlp(span: Record<string, unknown>): { traceId: string; span: SpanRecord } {
  const g = (camel: string, snake: string) => (span[camel] !== undefined ? span[camel] : span[snake]);
  const traceHex = idHex(g('traceId', 'trace_id'), 16, 'trace_id');
  const spanHex = idHex(g('spanId', 'span_id'), 8, 'span_id');
  if (!traceHex || !spanHex)
    throw MlflowError.invalidParameter('Invalid OTLP span: trace_id and span_id are required.');
  const parentHex = idHex(g('parentSpanId', 'parent_span_id'), 8, 'parent_span_id');
  const traceId = mlflowTraceIdFromOtel(traceHex);
  const attributes: Record<string, string> = { [TRACE_KEYS.requestId]: pythonJsonDumps(traceId) };
  for (const kv of (span.attributes ?? []) as { key?: string; value?: unknown }[]) {
    attributes[String(kv.key ?? '')] = pythonJsonDumps(fromAnyValue(kv.value));
  }
  const status = (span.status ?? {}) as Record<string, unknown>;
  const code =
    STATUS_CODES[String(status.code ?? 0)] ??
    (typeof status.code === 'string' && status.code.startsWith('STATUS_CODE_') ? status.code : 'STATUS_CODE_UNSET');
  const events = ((span.events ?? []) as Record<string, unknown>[]).map((e) => ({
    name: String(e.name ?? ''),
    time_unix_nano: nanos(e.timeUnixNano ?? e.time_unix_nano) ?? 0,
    attributes: Object.fromEntries(
      ((e.attributes ?? []) as { key?: string; value?: unknown }[]).map((kv) => [
        String(kv.key ?? ''),
        fromAnyValue(kv.value),
      ]),
    ),
  }));
  const end = nanos(g('endTimeUnixNano', 'end_time_unix_nano'));
  return {
    traceId,
    span: {
      trace_id: bytesToBase64(hexToBytes(traceHex)),
      span_id: bytesToBase64(hexToBytes(spanHex)),
      parent_span_id: parentHex ? bytesToBase64(hexToBytes(parentHex)) : null,
      name: String(span.name ?? ''),
      start_time_unix_nano: nanos(g('startTimeUnixNano', 'start_time_unix_nano')) ?? 0,
      end_time_unix_nano: end === 0 ? null : (end ?? null),
      events,
      status: { code, message: typeof status.message === 'string' ? status.message : '' },
      attributes,
    },
  };
}

/** MLflow's `Span.to_otel_proto()` as protobuf JSON (snake_case, int64 as numbers), fields in proto order. */
export function spanToOtlpJson(span: SpanRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { trace_id: span.trace_id, span_id: span.span_id };
  if (span.parent_span_id) out.parent_span_id = span.parent_span_id;
  out.name = span.name;
  out.start_time_unix_nano = span.start_time_unix_nano;
  if (span.end_time_unix_nano) out.end_time_unix_nano = span.end_time_unix_nano;
  out.attributes = Object.entries(span.attributes).map(([key, raw]) => {
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // MLflow keeps a value it cannot load as the raw string.
    }
    // MLflow leaves the AnyValue unset for None, so the JSON has no `value`.
    return value === null ? { key } : { key, value: toAnyValue(value) };
  });
  if (span.events?.length) {
    out.events = span.events.map((e) => ({
      time_unix_nano: e.time_unix_nano,
      name: e.name,
      attributes: Object.entries(e.attributes ?? {}).map(([key, v]) => ({ key, value: toAnyValue(v) })),
    }));
  }
  const status: Record<string, unknown> = {};
  if (span.status.message) status.message = span.status.message;
  if (span.status.code !== 'STATUS_CODE_UNSET') status.code = span.status.code;
  out.status = status;
  return out;
}

/** The OTel trace id of a span record as MLflow's trace id (`tr-<hex>`). */
export function traceIdOfSpan(span: SpanRecord): string {
  return mlflowTraceIdFromOtel(base64ToHex(span.trace_id));
}
