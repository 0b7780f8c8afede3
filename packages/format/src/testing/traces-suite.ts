/**
 * The trace-store conformance suite (MLflow 3 tracing). Every TrackingStore with `traces` runs it:
 *
 *   runTraceStoreConformance('fs', async () => ({ store: createFsStore({ root }) }));
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SpanRecord, TraceInfo } from '../trace-entities.js';
import { bytesToBase64, hexToBytes, pythonJsonDumps } from '../trace-json.js';
import type { TraceStore } from '../trace-store.js';
import type { TrackingStore } from '../tracking-store.js';
import { withSuiteSetup, expectMlflowError, uniqueName } from './conformance-helpers.js';

export interface TraceStoreSetup {
  store: TrackingStore;
  cleanup?: () => Promise<void>;
}

const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
let counter = Math.floor(Math.random() * 1e9);

/** A fresh OTel trace id (hex) and its MLflow id. */
export function newTraceIds(): { otel: string; mlflow: string } {
  const otel = `${hex(Date.now(), 8)}${hex(counter++, 8)}`;
  return { otel, mlflow: `tr-${otel}` };
}

export function makeSpan(o: {
  traceHex: string;
  spanId: number;
  parentId?: number;
  name: string;
  startMs: number;
  endMs?: number;
  error?: boolean;
  attributes?: Record<string, unknown>;
}): SpanRecord {
  const attrs: Record<string, string> = { 'mlflow.traceRequestId': pythonJsonDumps(`tr-${o.traceHex}`) };
  for (const [k, v] of Object.entries(o.attributes ?? {})) attrs[k] = pythonJsonDumps(v);
  return {
    trace_id: bytesToBase64(hexToBytes(o.traceHex)),
    span_id: bytesToBase64(hexToBytes(hex(o.spanId, 8))),
    parent_span_id: o.parentId === undefined ? null : bytesToBase64(hexToBytes(hex(o.parentId, 8))),
    name: o.name,
    start_time_unix_nano: o.startMs * 1_000_000,
    end_time_unix_nano: o.endMs === undefined ? null : o.endMs * 1_000_000,
    events: [],
    status: { code: o.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK', message: '' },
    attributes: attrs,
  };
}

export function makeTraceInfo(experimentId: string, traceId: string, o: Partial<TraceInfo> = {}): TraceInfo {
  return {
    trace_id: traceId,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
    request_time: 1_700_000_000_000,
    execution_duration: 25,
    state: 'OK',
    trace_metadata: { 'mlflow.trace_schema.version': '3' },
    tags: { 'mlflow.traceName': 'pipeline' },
    ...o,
  };
}

export function runTraceStoreConformance(name: string, setup: () => Promise<TraceStoreSetup>): void {
  describe(`TraceStore conformance: ${name}`, () => {
    const ctx = withSuiteSetup(setup, (s): TrackingStore => s.store);
    const traces = (): TraceStore => {
      const t = ctx.get().traces;
      if (!t) throw new Error('store has no traces capability');
      return t;
    };
    const experiment = () => ctx.get().createExperiment({ name: uniqueName('traces') });

    it('startTrace stores the info with MLflow artifact and spans location tags', async () => {
      const exp = await experiment();
      const { mlflow: id } = newTraceIds();
      const back = await traces().startTrace(
        makeTraceInfo(exp, id, { request_preview: '{"q": 1}', client_request_id: 'c-1' }),
      );
      const location = (await ctx.get().getExperiment(exp)).artifact_location;
      expect(back.tags['mlflow.artifactLocation']).toBe(`${location}/traces/${id}/artifacts`);
      // A store that keeps spans says so once it has them (always, in MLflow's SQL store).
      expect([undefined, 'TRACKING_STORE']).toContain(back.tags['mlflow.trace.spansLocation']);
      const got = await traces().getTraceInfo(id);
      expect(got).toEqual(back);
      expect(got.request_preview).toBe('{"q": 1}');
      expect(got.client_request_id).toBe('c-1');
      expect(got.execution_duration).toBe(25);
    });

    it('rejects unknown experiments, unknown traces and trace ids with path characters', async () => {
      await expectMlflowError(
        traces().startTrace(makeTraceInfo('987654321', newTraceIds().mlflow)),
        'RESOURCE_DOES_NOT_EXIST',
      );
      await expectMlflowError(traces().getTraceInfo(newTraceIds().mlflow), 'RESOURCE_DOES_NOT_EXIST');
      const exp = await experiment();
      for (const bad of ['../escape', 'tr-a/b', 'tr-..', '', 'tr-%2e%2e', 'a\\b']) {
        await expectMlflowError(traces().startTrace(makeTraceInfo(exp, bad)), 'INVALID_PARAMETER_VALUE');
        await expectMlflowError(traces().getTraceInfo(bad), 'INVALID_PARAMETER_VALUE');
      }
      expect((await traces().searchTraces({ experiment_ids: [exp] })).items).toEqual([]);
    });

    it('logSpans then startTrace: batchGetTraces returns complete traces with spans root first', async () => {
      const exp = await experiment();
      const { otel, mlflow: id } = newTraceIds();
      const t0 = 1_700_000_100_000;
      const child = makeSpan({
        traceHex: otel,
        spanId: 2,
        parentId: 1,
        name: 'child',
        startMs: t0 + 5,
        endMs: t0 + 8,
        attributes: { 'mlflow.spanType': 'LLM' },
      });
      await traces().logSpans(exp, [child]);
      const partial = await traces().getTraceInfo(id);
      expect(partial.state).toBe('IN_PROGRESS');
      expect(partial.request_time).toBe(t0 + 5);
      const root = makeSpan({
        traceHex: otel,
        spanId: 1,
        name: 'root',
        startMs: t0,
        endMs: t0 + 10,
        attributes: { 'mlflow.spanInputs': { q: 'x' } },
      });
      await traces().logSpans(exp, [root]);
      const inferred = await traces().getTraceInfo(id);
      expect(inferred.state).toBe('OK');
      expect(inferred.request_time).toBe(t0);
      expect(inferred.execution_duration).toBe(10);
      const stats = JSON.stringify({ total_size_bytes: 10, num_spans: 2 });
      await traces().startTrace(
        makeTraceInfo(exp, id, {
          request_time: t0,
          execution_duration: 10,
          trace_metadata: { 'mlflow.trace.sizeStats': stats },
        }),
      );
      const started = await traces().getTraceInfo(id);
      expect(started.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      expect(started.trace_metadata['mlflow.trace.sizeStats']).toBe(stats);
      const [trace] = await traces().batchGetTraces([id, newTraceIds().mlflow]);
      expect(trace?.info.trace_id).toBe(id);
      expect(trace?.spans.map((s) => s.name)).toEqual(['root', 'child']);
      expect(trace?.spans[0]?.attributes['mlflow.spanInputs']).toBe('{"q": "x"}');
      expect(trace?.spans[1]?.parent_span_id).toBe(root.span_id);
      // Re-sent spans replace, never duplicate.
      await traces().logSpans(exp, [child]);
      expect((await traces().batchGetTraces([id]))[0]?.spans).toHaveLength(2);
    });

    it('batchGetTraces skips traces whose spans have not all arrived', async () => {
      const exp = await experiment();
      const { otel, mlflow: id } = newTraceIds();
      await traces().logSpans(exp, [makeSpan({ traceHex: otel, spanId: 1, name: 'root', startMs: 1, endMs: 2 })]);
      await traces().startTrace(
        makeTraceInfo(exp, id, { trace_metadata: { 'mlflow.trace.sizeStats': '{"num_spans": 3}' } }),
      );
      expect(await traces().batchGetTraces([id])).toEqual([]);
    });

    it('logSpans rejects spans of several traces and unknown experiments', async () => {
      const exp = await experiment();
      const a = newTraceIds();
      const b = newTraceIds();
      await expectMlflowError(
        traces().logSpans(exp, [
          makeSpan({ traceHex: a.otel, spanId: 1, name: 'a', startMs: 1 }),
          makeSpan({ traceHex: b.otel, spanId: 1, name: 'b', startMs: 1 }),
        ]),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(traces().getTraceInfo(a.mlflow), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(
        traces().logSpans('987654321', [makeSpan({ traceHex: a.otel, spanId: 1, name: 'a', startMs: 1 })]),
        'RESOURCE_DOES_NOT_EXIST',
      );
    });

    describe('searchTraces', () => {
      let exp = '';
      const ids: string[] = [];
      beforeAll(async () => {
        exp = await experiment();
        for (let i = 0; i < 5; i++) {
          const { mlflow: id } = newTraceIds();
          ids.push(id);
          await traces().startTrace(
            makeTraceInfo(exp, id, {
              request_time: 1_700_000_000_000 + i * 1000,
              execution_duration: 100 - i * 10,
              state: i === 3 ? 'ERROR' : 'OK',
              tags: { 'mlflow.traceName': i % 2 ? 'odd' : 'even', idx: String(i) },
              trace_metadata: { 'mlflow.user': i < 2 ? 'alice' : 'bob' },
            }),
          );
        }
      });
      const search = async (filter?: string, order_by?: string[]) =>
        (await traces().searchTraces({ experiment_ids: [exp], filter, order_by })).items.map((t) =>
          ids.indexOf(t.trace_id),
        );

      it('orders by timestamp DESC by default and filters by status, name, tags, metadata and times', async () => {
        expect(await search()).toEqual([4, 3, 2, 1, 0]);
        expect(await search("attributes.status = 'ERROR'")).toEqual([3]);
        expect(await search("trace.status != 'ERROR'")).toEqual([4, 2, 1, 0]);
        expect(await search("status IN ('ERROR', 'IN_PROGRESS')")).toEqual([3]);
        expect(await search("trace.name = 'odd'")).toEqual([3, 1]);
        expect(await search("tags.idx = '2'")).toEqual([2]);
        expect(await search("tags.`mlflow.traceName` LIKE 'ev%'")).toEqual([4, 2, 0]);
        expect(await search("metadata.`mlflow.user` = 'alice'")).toEqual([1, 0]);
        expect(await search("request_metadata.`mlflow.user` ILIKE 'BO_'")).toEqual([4, 3, 2]);
        expect(await search(`timestamp_ms > ${1_700_000_002_000}`)).toEqual([4, 3]);
        expect(await search('execution_time_ms <= 70')).toEqual([4, 3]);
        expect(
          await search(`attributes.timestamp_ms >= ${1_700_000_001_000} AND tags.idx != '2' AND trace.name = 'even'`),
        ).toEqual([4]);
        expect(await search("tags.missing = 'x'")).toEqual([]);
        expect(await search(`request_id = '${ids[1]}'`)).toEqual([1]);
      });

      it('orders by attributes and pages with tokens', async () => {
        expect(await search(undefined, ['timestamp_ms ASC'])).toEqual([0, 1, 2, 3, 4]);
        expect(await search(undefined, ['execution_time_ms'])).toEqual([4, 3, 2, 1, 0]);
        const first = await traces().searchTraces({ experiment_ids: [exp], max_results: 2 });
        expect(first.items.map((t) => ids.indexOf(t.trace_id))).toEqual([4, 3]);
        expect(first.next_page_token).toBeTruthy();
        const second = await traces().searchTraces({
          experiment_ids: [exp],
          max_results: 2,
          page_token: first.next_page_token,
        });
        expect(second.items.map((t) => ids.indexOf(t.trace_id))).toEqual([2, 1]);
        const third = await traces().searchTraces({
          experiment_ids: [exp],
          max_results: 2,
          page_token: second.next_page_token,
        });
        expect(third.items.map((t) => ids.indexOf(t.trace_id))).toEqual([0]);
        expect(third.next_page_token).toBeUndefined();
      });

      it('rejects bad filters, order_by and page tokens with INVALID_PARAMETER_VALUE', async () => {
        for (const f of [
          "params.x = '1'",
          "tags.x > 'a'",
          "timestamp_ms = 'abc'",
          'status = 5',
          "span.name = 'x'",
          "tags.x = 'a' OR tags.y = 'b'",
          "tags.x RLIKE '(a+)+$'",
          'nonsense',
        ]) {
          await expectMlflowError(
            traces().searchTraces({ experiment_ids: [exp], filter: f }),
            'INVALID_PARAMETER_VALUE',
          );
        }
        await expectMlflowError(
          traces().searchTraces({ experiment_ids: [exp], order_by: ['tags.x'] }),
          'INVALID_PARAMETER_VALUE',
        );
        await expectMlflowError(
          traces().searchTraces({ experiment_ids: [exp], page_token: 'garbage!' }),
          'INVALID_PARAMETER_VALUE',
        );
      });
    });

    it('sets and deletes tags; deleting a missing tag is RESOURCE_DOES_NOT_EXIST', async () => {
      const exp = await experiment();
      const { mlflow: id } = newTraceIds();
      await traces().startTrace(makeTraceInfo(exp, id));
      await traces().setTraceTag(id, 'reviewed', 'yes');
      expect((await traces().getTraceInfo(id)).tags.reviewed).toBe('yes');
      expect(
        (await traces().searchTraces({ experiment_ids: [exp], filter: "tags.reviewed = 'yes'" })).items,
      ).toHaveLength(1);
      await traces().deleteTraceTag(id, 'reviewed');
      expect((await traces().getTraceInfo(id)).tags.reviewed).toBeUndefined();
      await expectMlflowError(traces().deleteTraceTag(id, 'reviewed'), 'RESOURCE_DOES_NOT_EXIST');
      await expectMlflowError(traces().setTraceTag(id, '../x', 'v'), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(traces().setTraceTag(newTraceIds().mlflow, 'k', 'v'), 'RESOURCE_DOES_NOT_EXIST');
    });

    it('deletes traces by id and by max_timestamp_millis / max_traces', async () => {
      const exp = await experiment();
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { mlflow: id } = newTraceIds();
        ids.push(id);
        await traces().startTrace(makeTraceInfo(exp, id, { request_time: 1000 + i }));
      }
      expect(
        await traces().deleteTraces({ experiment_id: exp, trace_ids: [ids[3] as string, newTraceIds().mlflow] }),
      ).toBe(1);
      await expectMlflowError(traces().getTraceInfo(ids[3] as string), 'RESOURCE_DOES_NOT_EXIST');
      expect(await traces().deleteTraces({ experiment_id: exp, max_timestamp_millis: 1002, max_traces: 1 })).toBe(1);
      await expectMlflowError(traces().getTraceInfo(ids[0] as string), 'RESOURCE_DOES_NOT_EXIST');
      expect(await traces().deleteTraces({ experiment_id: exp, max_timestamp_millis: 1001 })).toBe(1);
      expect((await traces().searchTraces({ experiment_ids: [exp] })).items.map((t) => t.trace_id)).toEqual([ids[2]]);
      await expectMlflowError(traces().deleteTraces({ experiment_id: exp }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(
        traces().deleteTraces({ experiment_id: exp, trace_ids: [ids[2] as string], max_traces: 1 }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(
        traces().deleteTraces({ experiment_id: exp, max_timestamp_millis: 5, max_traces: 0 }),
        'INVALID_PARAMETER_VALUE',
      );
    });

    it('links traces to a run (run_id filter)', async () => {
      const exp = await experiment();
      const run = await ctx.get().createRun({ experiment_id: exp });
      const { mlflow: id } = newTraceIds();
      const { mlflow: other } = newTraceIds();
      await traces().startTrace(makeTraceInfo(exp, id));
      await traces().startTrace(makeTraceInfo(exp, other));
      await traces().linkTracesToRun([id], run.info.run_id);
      expect((await traces().getTraceInfo(id)).trace_metadata['mlflow.sourceRun']).toBe(run.info.run_id);
      const found = await traces().searchTraces({ experiment_ids: [exp], filter: `run_id = '${run.info.run_id}'` });
      expect(found.items.map((t) => t.trace_id)).toEqual([id]);
    });
  });
}
