import { describe, expect, it } from 'vitest';
import { bytesToBase64, hexToBytes, pythonJsonDumps } from '@mlflow-ts/format';
import type { SpanRecord } from '@mlflow-ts/format';
import type { SqlTrackingStore } from '../src/tracking/index.js';
import { openStore } from './tracking/stores.js';

// The trace conformance suite runs through createSqlStore in test/tracking/conformance.test.ts.

/** `fn` on a fresh composed store with one new experiment; the store removed after. */
async function inExperiment(
  dialect: 'sqlite' | 'postgresql',
  name: string,
  fn: (store: SqlTrackingStore, experimentId: string) => Promise<void>,
): Promise<void> {
  const { store, cleanup } = await openStore(dialect);
  try {
    await fn(store, await store.createExperiment({ name }));
  } finally {
    await cleanup();
  }
}

const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');

function span(traceHex: string, id: number, parent: number | undefined, startMs: number): SpanRecord {
  return {
    trace_id: bytesToBase64(hexToBytes(traceHex)),
    span_id: bytesToBase64(hexToBytes(hex(id, 8))),
    parent_span_id: parent === undefined ? null : bytesToBase64(hexToBytes(hex(parent, 8))),
    name: `s${id}`,
    start_time_unix_nano: startMs * 1_000_000,
    end_time_unix_nano: (startMs + 1) * 1_000_000,
    events: [],
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: {
      'mlflow.traceRequestId': pythonJsonDumps(`tr-${traceHex}`),
      'mlflow.spanType': pythonJsonDumps('LLM'),
    },
  };
}

describe.each(['sqlite', 'postgresql'] as const)("traces on MLflow's tables (%s)", (dialect) => {
  it("fills previews from the root span and sums token usage, as MLflow's log_spans", async () => {
    await inExperiment(dialect, 'spans-derived', async (store, exp) => {
      const traceHex = 'cd'.repeat(16);
      const root = span(traceHex, 1, undefined, 1000);
      root.attributes['mlflow.spanInputs'] = pythonJsonDumps({ messages: [{ role: 'user', content: 'what is 2+2?' }] });
      root.attributes['mlflow.spanOutputs'] = pythonJsonDumps('four');
      const child = span(traceHex, 2, 1, 1001);
      child.attributes['mlflow.chat.tokenUsage'] = pythonJsonDumps({
        input_tokens: 5,
        output_tokens: 2,
        total_tokens: 7,
      });
      await store.traces.logSpans(exp, [child]);
      await store.traces.logSpans(exp, [root, { ...child, span_id: bytesToBase64(hexToBytes(hex(3, 8))) }]);
      const info = await store.traces.getTraceInfo(`tr-${traceHex}`);
      expect(info.request_preview).toBe('what is 2+2?');
      expect(info.response_preview).toBe('"four"');
      expect(info.trace_metadata['mlflow.trace.tokenUsage']).toBe(
        '{"input_tokens": 10, "output_tokens": 4, "total_tokens": 14}',
      );
    });
  });

  it('takes concurrent span batches of one new trace from several connections without losing a span', async () => {
    await inExperiment(dialect, 'spans-concurrent', async (store, exp) => {
      const traceHex = 'ef'.repeat(16);
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 50 }, (_, i) => span(traceHex, 2 + b * 50 + i, 1, 2000 + b * 50 + i)),
      );
      batches.push([span(traceHex, 1, undefined, 1500)]);
      await Promise.all(batches.map((spans) => store.traces.logSpans(exp, spans)));
      const [trace] = await store.traces.batchGetTraces([`tr-${traceHex}`]);
      expect(trace?.spans).toHaveLength(401);
      expect(trace?.spans[0]?.name).toBe('s1');
      expect(trace?.info).toMatchObject({ state: 'OK', request_time: 1500, execution_duration: 2000 + 399 + 1 - 1500 });
      expect(Object.keys(trace?.info.tags ?? {}).sort()).toEqual([
        'mlflow.artifactLocation',
        'mlflow.trace.spansLocation',
      ]);
    });
  });

  it("stores span content ASCII-only as Python's json.dumps does, and reads it back unchanged", async () => {
    await inExperiment(dialect, 'spans-ascii', async (store, exp) => {
      const traceHex = '34'.repeat(16);
      const root = span(traceHex, 1, undefined, 1000);
      root.attributes['mlflow.spanInputs'] = pythonJsonDumps({ q: 'café ☕ 😀' });
      root.attributes.twice = JSON.stringify(pythonJsonDumps({ a: 1 }));
      await store.traces.logSpans(exp, [root]);
      const row = await store.connection.db
        .selectFrom('spans')
        .select('content')
        .where('trace_id', '=', `tr-${traceHex}`)
        .executeTakeFirstOrThrow();
      expect(row.content).toContain('caf\\u00e9 \\u2615 \\ud83d\\ude00');
      expect(/[^\x20-\x7e]/.test(row.content)).toBe(false);
      const [trace] = await store.traces.batchGetTraces([`tr-${traceHex}`]);
      expect(trace?.spans[0]?.attributes['mlflow.spanInputs']).toBe('{"q": "café ☕ 😀"}');
      // A value OTLP ingestion dumped twice is stored once, as MLflow's sanitize_attributes does.
      expect(trace?.spans[0]?.attributes.twice).toBe('{"a": 1}');
    });
  });

  it('refuses malformed spans and oversized batches with INVALID_PARAMETER_VALUE, writing nothing', async () => {
    await inExperiment(dialect, 'spans-bad', async (store, exp) => {
      const traceHex = '12'.repeat(16);
      const good = span(traceHex, 1, undefined, 1000);
      const bad: SpanRecord[] = [
        { ...good, span_id: 'not base64!' },
        { ...good, span_id: bytesToBase64(hexToBytes('00ff')) },
        { ...good, trace_id: bytesToBase64(hexToBytes('ab')) },
        { ...good, parent_span_id: '%%%%' },
        { ...good, start_time_unix_nano: -1 },
        { ...good, attributes: { a: 1 as unknown as string } },
      ];
      for (const b of bad) {
        await expect(store.traces.logSpans(exp, [good, b])).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      }
      const many = Array.from({ length: 10_001 }, (_, i) => span(traceHex, i + 1, i === 0 ? undefined : 1, 1000 + i));
      await expect(store.traces.logSpans(exp, many)).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      for (const [table, column] of [
        ['trace_info', 'request_id'],
        ['spans', 'trace_id'],
      ] as const) {
        const rows = await store.connection.db
          .selectFrom(table)
          .select(column)
          .where(column, '=', `tr-${traceHex}`)
          .execute();
        expect(rows, table).toEqual([]);
      }
    });
  });

  it('writes spans as MLflow does (hex ids, type, status, to_dict JSON) and a large batch in one call', async () => {
    await inExperiment(dialect, 'spans-rows', async (store, exp) => {
      const traceHex = 'ab'.repeat(16);
      const spans = [span(traceHex, 1, undefined, 1000)];
      for (let i = 2; i <= 2000; i++) spans.push(span(traceHex, i, 1, 1000 + i));
      await store.traces.logSpans(exp, spans);
      const conn = store.connection;
      const rows = await conn.db
        .selectFrom('spans')
        .selectAll()
        .where('trace_id', '=', `tr-${traceHex}`)
        .orderBy('span_id')
        .execute();
      expect(rows).toHaveLength(2000);
      expect(rows[0]).toMatchObject({
        span_id: hex(1, 8),
        parent_span_id: null,
        name: 's1',
        type: 'LLM',
        status: 'OK',
        experiment_id: Number(exp),
        duration_ns: 1_000_000,
        content: pythonJsonDumps(spans[0]),
      });
      expect(rows[1]?.parent_span_id).toBe(hex(1, 8));
      const [trace] = await store.traces.batchGetTraces([`tr-${traceHex}`]);
      expect(trace?.spans).toHaveLength(2000);
      expect(trace?.spans[0]).toEqual(spans[0]);
      const info = await store.traces.getTraceInfo(`tr-${traceHex}`);
      expect(info).toMatchObject({ state: 'OK', request_time: 1000, execution_duration: 2001 });
      // A trace linked to a run through MLflow's entity association alone is found by run_id.
      const run = await store.createRun({ experiment_id: exp });
      await conn.db
        .insertInto('entity_associations')
        .values({
          association_id: 'a-1',
          source_type: 'trace',
          source_id: `tr-${traceHex}`,
          destination_type: 'run',
          destination_id: run.info.run_id,
          created_time: 1,
        })
        .execute();
      const found = await store.traces.searchTraces({ experiment_ids: [exp], filter: `run_id = '${run.info.run_id}'` });
      expect(found.items.map((t) => t.trace_id)).toEqual([`tr-${traceHex}`]);
      expect(await store.traces.deleteTraces({ experiment_id: exp, trace_ids: [`tr-${traceHex}`] })).toBe(1);
      expect(
        await conn.db.selectFrom('spans').select('span_id').where('trace_id', '=', `tr-${traceHex}`).execute(),
      ).toEqual([]);
    });
  });
});
