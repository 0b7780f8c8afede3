/**
 * MLflow 3 tracing for Node: `trace(fn)` and `startSpan(...)` build OpenTelemetry spans (sdk-trace-base)
 * carrying MLflow's span attributes (`mlflow.spanType`, `mlflow.spanInputs`, … JSON-encoded as MLflow
 * stores them); each finished trace is exported to the tracking URI: an HTTP(S) MLflow server (ours or
 * MLflow's, see mlflow-http-export.ts) or any store with the `traces` capability (`./mlruns`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MlflowError, SPANS_IN_TRACKING_STORE, TRACE_KEYS, pythonJsonDumps } from '@mlflow-ts/format';
import type { TraceStore } from '@mlflow-ts/format';
import { ROOT_CONTEXT, SpanStatusCode, trace as otelTrace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { authFromEnv, experimentIdFromEnv, trackingUriFromEnv } from '../env.js';
import type { StoreAuth, StoreRegistry } from '../store-registry.js';
import { defaultStoreRegistry } from '../store-registry.js';
import { postOtlpSpans, postStartTrace, uploadTraceData } from './mlflow-http-export.js';
import { spanRecordOf, traceInfoOf } from './span-record.js';

export interface TracingOptions {
  /** Default `MLFLOW_TRACKING_URI`, else `./mlruns`. */
  trackingUri?: string;
  /** Default `MLFLOW_EXPERIMENT_ID`, else "0". */
  experimentId?: string;
  auth?: StoreAuth;
  /** Resolves non-HTTP tracking URIs (default: the file store). */
  registry?: StoreRegistry;
  /** Called for each trace that could not be exported (default: console.warn); `flush()` rejects too. */
  onExportError?: (error: unknown) => void;
}

export interface SpanOptions {
  name: string;
  /** MLflow span type: LLM, CHAIN, RETRIEVER, TOOL, AGENT, EMBEDDING, PARSER, RERANKER, UNKNOWN… */
  spanType?: string;
  inputs?: unknown;
  attributes?: Record<string, unknown>;
}

export interface TraceOptions {
  name?: string;
  spanType?: string;
  attributes?: Record<string, unknown>;
  /** Names for the arguments in `mlflow.spanInputs` (default: read from the function's parameter list). */
  argNames?: string[];
}

/** The span handed to `startSpan`'s callback. */
export interface MlflowSpan {
  /** MLflow's trace id (`tr-<32 hex>`). */
  readonly traceId: string;
  readonly spanId: string;
  setInputs(inputs: unknown): void;
  setOutputs(outputs: unknown): void;
  setAttribute(key: string, value: unknown): void;
  addEvent(name: string, attributes?: Record<string, string | number | boolean>): void;
}

export interface MlflowTracing {
  trace<A extends unknown[], R>(fn: (...args: A) => R, opts?: TraceOptions): (...args: A) => R;
  startSpan<R>(opts: SpanOptions, fn: (span: MlflowSpan) => R): R;
  /** The id of the last trace whose root span ended. */
  readonly lastTraceId: string | undefined;
  /** Waits for every finished trace to be exported; rejects with the export errors, if any. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const DEFAULT_SPAN_TYPE = 'UNKNOWN';

function paramNames(fn: (...args: never[]) => unknown): string[] | undefined {
  const m = /^(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*)?\(([^)]*)\)|^(?:async\s+)?([\w$]+)\s*=>/.exec(fn.toString());
  const list = (m?.[1] ?? m?.[2] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.every((p) => /^[\w$]+$/.test(p)) ? list : undefined;
}

function wrap(span: Span): MlflowSpan {
  const ctx = span.spanContext();
  return {
    traceId: `tr-${ctx.traceId}`,
    spanId: ctx.spanId,
    setInputs: (v) => span.setAttribute(TRACE_KEYS.spanInputs, pythonJsonDumps(v)),
    setOutputs: (v) => span.setAttribute(TRACE_KEYS.spanOutputs, pythonJsonDumps(v)),
    setAttribute: (k, v) => span.setAttribute(k, pythonJsonDumps(v)),
    addEvent: (name, attributes) => span.addEvent(name, attributes),
  };
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

export function createMlflowTracing(opts: TracingOptions = {}): MlflowTracing {
  const trackingUri = opts.trackingUri ?? trackingUriFromEnv(process.env);
  const experimentId = opts.experimentId ?? experimentIdFromEnv(process.env) ?? '0';
  const auth = opts.auth ?? authFromEnv(process.env);
  const isHttp = /^https?:/i.test(trackingUri);
  const onError =
    opts.onExportError ??
    ((e: unknown) => console.warn(`[mlflow-ts] trace export failed: ${(e as Error).message ?? e}`));
  let storePromise: Promise<TraceStore> | undefined;
  const traceStore = (): Promise<TraceStore> =>
    (storePromise ??= (opts.registry ?? defaultStoreRegistry())
      .resolve(trackingUri, { env: process.env, auth })
      .then((s) => {
        if (!s.tracking.traces)
          throw new MlflowError('NOT_IMPLEMENTED', `The tracking store at '${trackingUri}' does not support traces.`);
        return s.tracking.traces;
      }));

  const buffers = new Map<string, ReadableSpan[]>();
  const pending = new Set<Promise<void>>();
  const errors: unknown[] = [];
  let lastTraceId: string | undefined;

  async function exportTrace(root: ReadableSpan, spans: ReadableSpan[]): Promise<void> {
    const records = spans.map(spanRecordOf);
    const info = traceInfoOf(root, experimentId, spans.length, JSON.stringify({ spans: records }).length);
    if (isHttp) {
      const target = { trackingUri, auth };
      const kept = await postOtlpSpans(target, experimentId, spans);
      const tags = await postStartTrace(target, info);
      if (!kept || tags[TRACE_KEYS.spansLocation] !== SPANS_IN_TRACKING_STORE) {
        const location = tags[TRACE_KEYS.artifactLocation];
        if (!location)
          throw new MlflowError(
            'INTERNAL_ERROR',
            `The server gave trace ${info.trace_id} no artifact location for its spans.`,
          );
        await uploadTraceData(target, location, records);
      }
      return;
    }
    const store = await traceStore();
    await store.logSpans(experimentId, records);
    await store.startTrace(info);
  }

  const processor: SpanProcessor = {
    onStart: () => {},
    onEnd(span) {
      const traceId = span.spanContext().traceId;
      const list = buffers.get(traceId) ?? [];
      list.push(span);
      if (span.parentSpanContext) {
        buffers.set(traceId, list);
        return;
      }
      buffers.delete(traceId);
      lastTraceId = `tr-${traceId}`;
      const p = exportTrace(span, list).catch((e: unknown) => {
        errors.push(e);
        onError(e);
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('mlflow-ts');
  const active = new AsyncLocalStorage<Span>();

  function startSpan<R>(o: SpanOptions, fn: (span: MlflowSpan) => R): R {
    const parent = active.getStore();
    const ctx = parent ? otelTrace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const span = tracer.startSpan(o.name, {}, ctx);
    const s = wrap(span);
    span.setAttribute(TRACE_KEYS.requestId, pythonJsonDumps(s.traceId));
    span.setAttribute(TRACE_KEYS.spanType, pythonJsonDumps(o.spanType ?? DEFAULT_SPAN_TYPE));
    for (const [k, v] of Object.entries(o.attributes ?? {})) s.setAttribute(k, v);
    if (o.inputs !== undefined) s.setInputs(o.inputs);
    const fail = (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${err.name}: ${err.message}` });
      span.end();
    };
    let result: R;
    try {
      result = active.run(span, () => fn(s));
    } catch (e) {
      fail(e);
      throw e;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (v) => {
          span.setStatus({ code: SpanStatusCode.OK });
          span.end();
          return v;
        },
        (e: unknown) => {
          fail(e);
          throw e;
        },
      ) as R;
    }
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    return result;
  }

  return {
    trace(fn, o = {}) {
      const names = o.argNames ?? paramNames(fn as (...args: never[]) => unknown);
      const name = o.name ?? (fn.name || 'trace');
      return (...args) => {
        const inputs =
          names && names.length >= args.length
            ? Object.fromEntries(args.map((a, i) => [names[i] as string, a]))
            : { args };
        return startSpan(
          {
            name,
            spanType: o.spanType,
            inputs,
            attributes: { ...o.attributes, 'mlflow.spanFunctionName': fn.name || name },
          },
          (span) => {
            const out = fn(...args);
            if (isPromiseLike(out))
              return Promise.resolve(out).then((v) => {
                span.setOutputs(v);
                return v;
              }) as unknown as ReturnType<typeof fn>;
            span.setOutputs(out);
            return out;
          },
        );
      };
    },
    startSpan,
    get lastTraceId() {
      return lastTraceId;
    },
    async flush() {
      while (pending.size) await Promise.all([...pending]);
      if (errors.length) {
        const all = errors.splice(0);
        throw all.length === 1 ? all[0] : new AggregateError(all, `${all.length} traces could not be exported`);
      }
    },
    async shutdown() {
      await this.flush();
      await provider.shutdown();
    },
  };
}

let defaultTracing: MlflowTracing | undefined;

/** Sets the tracing `trace` and `startSpan` use (replacing an earlier one, which is flushed first). */
export async function configureTracing(opts: TracingOptions = {}): Promise<MlflowTracing> {
  const old = defaultTracing;
  defaultTracing = createMlflowTracing(opts);
  await old?.shutdown();
  return defaultTracing;
}

const tracing = (): MlflowTracing => (defaultTracing ??= createMlflowTracing());

/** Wraps `fn` so every call is a span (a trace when no span is active), like `@mlflow.trace`. */
export function trace<A extends unknown[], R>(fn: (...args: A) => R, opts?: TraceOptions): (...args: A) => R {
  return (...args) => tracing().trace(fn, opts)(...args);
}

/** Runs `fn` inside a span (child of the active one), like `with mlflow.start_span(...)`. */
export function startSpan<R>(opts: SpanOptions, fn: (span: MlflowSpan) => R): R {
  return tracing().startSpan(opts, fn);
}

/** Waits until every finished trace of the default tracing is exported. */
export function flushTraces(): Promise<void> {
  return tracing().flush();
}
