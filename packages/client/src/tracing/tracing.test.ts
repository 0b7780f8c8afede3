/**
 * The TypeScript tracing API against our real server on 127.0.0.1 (OTLP spans + StartTraceV3, read
 * back over MLflow's REST routes) and against a local `mlruns` directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import type { StoreServer } from '@mlflow-ts/store-grpc/server';
import { createMlflowTracing } from './mlflow-tracing.js';
import type { MlflowTracing } from './mlflow-tracing.js';

function pipelineOf(tracing: MlflowTracing) {
  const retrieve = tracing.trace(async (query: string) => [`doc about ${query}`], {
    name: 'retrieve',
    spanType: 'RETRIEVER',
  });
  return tracing.trace(
    async function pipeline(question: string) {
      const docs = await retrieve(question);
      return tracing.startSpan({ name: 'generate', spanType: 'LLM', inputs: { docs } }, async (span) => {
        span.setAttribute('model', 'tiny');
        const answer = `answer to ${question}`;
        span.setOutputs(answer);
        return answer;
      });
    },
    { attributes: { team: 'ml' } },
  );
}

describe('tracing to our server over HTTP', () => {
  let dir: string;
  let server: StoreServer;
  let base: string;
  let exp: string;
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(base + p, {
      method,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON answers
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-tracing-'));
    const tracking = createFsTrackingStore({
      root: path.join(dir, 'mlruns'),
      defaultArtifactRoot: 'mlflow-artifacts:/',
    });
    server = createStoreServer({ tracking, artifacts: { root: path.join(dir, 'mlartifacts') }, port: 0 });
    base = `http://127.0.0.1:${(await server.listen()).httpPort}`;
    exp = (await api('POST', '/api/2.0/mlflow/experiments/create', { name: 'ts-tracing' })).json.experiment_id;
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports a traced function with nested spans as MLflow stores it', async () => {
    const tracing = createMlflowTracing({ trackingUri: base, experimentId: exp });
    expect(await pipelineOf(tracing)('what is mlflow?')).toBe('answer to what is mlflow?');
    await tracing.flush();
    const id = tracing.lastTraceId as string;
    expect(id).toMatch(/^tr-[0-9a-f]{32}$/);
    const { json } = await api('GET', `/api/3.0/mlflow/traces/batchGet?trace_ids=${id}`);
    const [t] = json.traces;
    expect(t.trace_info).toMatchObject({
      trace_id: id,
      state: 'OK',
      tags: { 'mlflow.traceName': 'pipeline', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
    });
    expect(t.trace_info.trace_metadata['mlflow.traceInputs']).toBe('{"question": "what is mlflow?"}');
    expect(t.trace_info.request_preview).toBe('{"question": "what is mlflow?"}');
    expect(t.trace_info.response_preview).toBe('"answer to what is mlflow?"');
    expect(t.spans.map((s: { name: string }) => s.name)).toEqual(['pipeline', 'retrieve', 'generate']);
    const attr = (s: { attributes: { key: string; value: unknown }[] }, key: string) =>
      s.attributes.find((a) => a.key === key)?.value;
    expect(attr(t.spans[0], 'mlflow.spanInputs')).toEqual({
      kvlist_value: { values: [{ key: 'question', value: { string_value: 'what is mlflow?' } }] },
    });
    expect(attr(t.spans[0], 'team')).toEqual({ string_value: 'ml' });
    expect(attr(t.spans[1], 'mlflow.spanType')).toEqual({ string_value: 'RETRIEVER' });
    expect(attr(t.spans[2], 'model')).toEqual({ string_value: 'tiny' });
    expect(t.spans[1].parent_span_id).toBe(t.spans[0].span_id);
    expect(t.spans[2].parent_span_id).toBe(t.spans[0].span_id);
    const found = await api('POST', '/api/3.0/mlflow/traces/search', {
      locations: [{ mlflow_experiment: { experiment_id: exp } }],
      filter: "trace.name = 'pipeline'",
    });
    expect(found.json.traces.map((x: { trace_id: string }) => x.trace_id)).toContain(id);
  });

  it('records a failing function as an ERROR trace with the exception event', async () => {
    const tracing = createMlflowTracing({ trackingUri: base, experimentId: exp });
    const failing = tracing.trace(
      () => {
        throw new TypeError('boom');
      },
      { name: 'failing' },
    );
    expect(() => failing()).toThrow('boom');
    await tracing.flush();
    const { json } = await api('GET', `/api/3.0/mlflow/traces/batchGet?trace_ids=${tracing.lastTraceId}`);
    const [t] = json.traces;
    expect(t.trace_info.state).toBe('ERROR');
    expect(t.spans[0].status).toEqual({ message: 'TypeError: boom', code: 'STATUS_CODE_ERROR' });
    expect(t.spans[0].events[0].name).toBe('exception');
  });

  it('reports export errors from flush (unknown experiment)', async () => {
    const tracing = createMlflowTracing({ trackingUri: base, experimentId: '999999', onExportError: () => {} });
    await tracing.trace(async () => 1, { name: 'lost' })();
    await expect(tracing.flush()).rejects.toThrow(/404|not exist|Could not find/i);
  });
});

describe('tracing to a local mlruns directory', () => {
  it('writes the trace on MLflow FileStore layout through the store', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-tracing-local-'));
    try {
      const root = path.join(dir, 'mlruns');
      const tracing = createMlflowTracing({ trackingUri: root, experimentId: '0' });
      await pipelineOf(tracing)('local?');
      await tracing.flush();
      const store = createFsTrackingStore({ root });
      const [t] = await store.traces!.batchGetTraces([tracing.lastTraceId as string]);
      expect(t?.spans.map((s) => s.name)).toEqual(['pipeline', 'retrieve', 'generate']);
      expect(t?.spans[1]?.attributes['mlflow.spanType']).toBe('"RETRIEVER"');
      expect(
        fs.existsSync(path.join(root, '0', 'traces', tracing.lastTraceId as string, 'artifacts', 'traces.json')),
      ).toBe(true);
      await store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
