/**
 * What MLflow's SqlAlchemyStore.log_spans derives from spans as it stores them
 * (mlflow/tracing/otel/translation `translate_span_when_storing`, mlflow/tracing/utils/truncation.py):
 * attributes dumped twice by OTLP ingestion stored once, the trace's request/response previews from
 * the root span's inputs/outputs, and the `mlflow.trace.tokenUsage` metadata summed over spans.
 * (MLflow also maps OpenInference/GenAI/Traceloop attribute conventions; those are not mapped here.)
 */
import { MlflowError, pythonJsonDumps, TRACE_KEYS } from '@mlflow-ts/format';
import type { SpanRecord } from '@mlflow-ts/format';

export const TOKEN_USAGE_METADATA = 'mlflow.trace.tokenUsage';
const CHAT_USAGE_ATTRIBUTE = 'mlflow.chat.tokenUsage';
const TOKEN_KEYS = ['input_tokens', 'output_tokens', 'total_tokens'] as const;
/** TRACE_REQUEST_RESPONSE_PREVIEW_MAX_LENGTH_OSS. */
const PREVIEW_MAX_LENGTH = 1000;

function tryParse(s: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) as unknown };
  } catch {
    return { ok: false };
  }
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** MLflow's `sanitize_attributes`: a value that is a JSON string of a JSON string or object is stored once-dumped. */
export function sanitizeAttributes(attributes: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    // Only a JSON string can hold a dumped value, and only one starting (after spaces) with `"` or `{`
    // can hold a string or an object: everything else is kept without parsing (the common case).
    const once = typeof value === 'string' && value.startsWith('"') ? tryParse(value) : { ok: false as const };
    if (once.ok && typeof once.value === 'string' && /^\s*["{]/.test(once.value)) {
      const twice = tryParse(once.value);
      if (twice.ok && (typeof twice.value === 'string' || isDict(twice.value))) {
        out[key] = once.value;
        continue;
      }
    }
    out[key] = value;
  }
  return out;
}

/** The span as MLflow stores it in `spans.content` (attributes sanitized). */
export function spanForStorage(span: SpanRecord): SpanRecord {
  return { ...span, attributes: sanitizeAttributes(span.attributes) };
}

const isMessage = (item: unknown): item is Record<string, unknown> =>
  isDict(item) && 'role' in item && 'content' in item;

function extractMessages(obj: unknown): Record<string, unknown>[] | null {
  if (!isDict(obj)) return null;
  const { messages, choices, input, output } = obj;
  if (Array.isArray(messages) && messages.length > 0) return messages.filter(isMessage);
  if (Array.isArray(choices) && choices.length > 0 && isDict(choices[0]) && isMessage(choices[0].message))
    return [choices[0].message];
  if (Array.isArray(input) && input.length > 0) return input.filter(isMessage);
  if (Array.isArray(output) && output.length > 0) return output.filter(isMessage);
  if ('request' in obj) return extractMessages(obj.request);
  return null;
}

function textOf(message: Record<string, unknown>): string | undefined {
  const content = message.content;
  if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === 'string') return part;
      if (isDict(part) && (part.type === 'text' || part.type === 'output_text'))
        return typeof part.text === 'string' ? part.text : undefined;
    }
    return undefined;
  }
  return typeof content === 'string' ? content : '';
}

/** MLflow's `_get_truncated_preview` of a span's inputs/outputs attribute (a JSON string). */
export function truncatedPreview(raw: string, role: 'user' | 'assistant'): string {
  const parsed = tryParse(raw);
  let content: string | undefined;
  if (parsed.ok) {
    const messages = extractMessages(parsed.value);
    if (messages && messages.length > 0) {
      const msg =
        [...messages].reverse().find((m) => m.role === role) ??
        (messages[messages.length - 1] as Record<string, unknown>);
      content = textOf(msg);
    }
  }
  const text = content || raw;
  const chars = [...text];
  return chars.length <= PREVIEW_MAX_LENGTH ? text : `${chars.slice(0, PREVIEW_MAX_LENGTH - 3).join('')}...`;
}

/** The previews the root span of a batch gives a trace that has none yet. */
export function rootPreviews(spans: readonly SpanRecord[]): { request?: string; response?: string } {
  const root = spans.find((s) => !s.parent_span_id);
  if (!root) return {};
  const out: { request?: string; response?: string } = {};
  const inputs = root.attributes[TRACE_KEYS.spanInputs];
  const outputs = root.attributes[TRACE_KEYS.spanOutputs];
  if (inputs) out.request = truncatedPreview(inputs, 'user');
  if (outputs) out.response = truncatedPreview(outputs, 'assistant');
  return out;
}

type Usage = Record<string, unknown>;

function addUsage(current: Usage, more: unknown): Usage {
  if (!isDict(more)) return current;
  const out: Usage = { ...current };
  for (const k of TOKEN_KEYS) {
    const a = Number(out[k] ?? 0);
    const b = Number(more[k] ?? 0);
    out[k] = (Number.isFinite(a) ? a : 0) + (Number.isFinite(b) ? b : 0);
  }
  return out;
}

/**
 * The new `mlflow.trace.tokenUsage` value after these spans (Python's json.dumps of the summed
 * counts), or undefined when no span reports usage.
 */
export function tokenUsageAfter(existing: string | undefined, spans: readonly SpanRecord[]): string | undefined {
  let batch: Usage | undefined;
  for (const s of spans) {
    const raw = s.attributes[CHAT_USAGE_ATTRIBUTE];
    if (!raw) continue;
    const parsed = tryParse(raw);
    if (parsed.ok && isDict(parsed.value)) batch = addUsage(batch ?? {}, parsed.value);
  }
  if (!batch) return undefined;
  let current: Usage = {};
  if (existing) {
    const parsed = tryParse(existing);
    if (parsed.ok && isDict(parsed.value)) current = parsed.value;
  }
  return pythonJsonDumps(addUsage(current, batch));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function idBytes(v: unknown): number {
  if (typeof v !== 'string' || !BASE64.test(v) || v.length % 4 !== 0) return -1;
  return (v.length / 4) * 3 - (v.endsWith('==') ? 2 : v.endsWith('=') ? 1 : 0);
}

/**
 * A span record from a caller, checked before anything is written: base64 ids of 16 (trace) and 8
 * (span, parent) bytes, a name, non-negative integer times, a status code and string attributes.
 */
export function checkSpanRecord(span: SpanRecord, index: number): void {
  const bad = (what: string): never => {
    throw MlflowError.invalidParameter(`Invalid span at index ${index}: ${what}.`);
  };
  if (typeof span !== 'object' || span === null) bad('expected an object');
  if (idBytes(span.trace_id) !== 16) bad("'trace_id' must be the base64 of 16 bytes");
  if (idBytes(span.span_id) !== 8) bad("'span_id' must be the base64 of 8 bytes");
  if (span.parent_span_id !== null && span.parent_span_id !== undefined && idBytes(span.parent_span_id) !== 8) {
    bad("'parent_span_id' must be the base64 of 8 bytes");
  }
  if (typeof span.name !== 'string') bad("'name' must be a string");
  const time = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!time(span.start_time_unix_nano)) bad("'start_time_unix_nano' must be a non-negative number");
  if (span.end_time_unix_nano !== null && span.end_time_unix_nano !== undefined && !time(span.end_time_unix_nano)) {
    bad("'end_time_unix_nano' must be a non-negative number");
  }
  if (typeof span.status?.code !== 'string') bad("'status.code' must be a string");
  if (typeof span.attributes !== 'object' || span.attributes === null) bad("'attributes' must be an object");
  for (const v of Object.values(span.attributes))
    if (typeof v !== 'string') bad('attribute values must be JSON-encoded strings');
}
