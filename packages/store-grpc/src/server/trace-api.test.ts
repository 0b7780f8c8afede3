/**
 * Trace routes and OTLP ingestion over real HTTP on 127.0.0.1 (file store in a temp dir): OTLP
 * protobuf and JSON, the v2 routes, and bad input (MLflow's codes, nothing half-written).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from '../../test/helpers.js';
import { encodeOtlpRequest } from '../protocol/otlp-proto.js';

let s: TestServer;
let exp: string;
beforeAll(async () => {
  s = await startTestServer({ store: 'fs', grpcPort: undefined });
  exp = (await http(s.baseUrl, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'trace-api' })).json.experiment_id;
});
afterAll(async () => {
  await s?.close();
});

const v3 = (p: string) => `/api/3.0/mlflow${p}`;
let n = 1;
const otelTraceId = () => `${Date.now().toString(16).padStart(16, '0')}${(n++).toString(16).padStart(16, '0')}`;

function jsonSpan(traceHex: string, spanHex: string, name: string, parentHex?: string) {
  return {
    traceId: traceHex,
    spanId: spanHex,
    ...(parentHex ? { parentSpanId: parentHex } : {}),
    name,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000500000000',
    attributes: [
      { key: 'mlflow.spanType', value: { stringValue: 'LLM' } },
      { key: 'mlflow.spanInputs', value: { kvlistValue: { values: [{ key: 'q', value: { intValue: '3' } }] } } },
    ],
    status: { code: 1 },
  };
}
const otlpJson = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
const postOtlp = (body: string | Uint8Array, type = 'application/json', experiment: string | undefined = exp) =>
  fetch(`${s.baseUrl}/v1/traces`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'content-type': type, ...(experiment ? { 'x-mlflow-experiment-id': experiment } : {}) },
  });
const searchIds = async () =>
  (
    (
      await http(s.baseUrl, 'POST', v3('/traces/search'), {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }],
      })
    ).json.traces ?? []
  ).map((t: { trace_id: string }) => t.trace_id);

describe('OTLP /v1/traces', () => {
  it('ingests OTLP/JSON and OTLP protobuf spans; the trace then reads back with its spans', async () => {
    const hex = otelTraceId();
    const res = await postOtlp(otlpJson([jsonSpan(hex, '00000000000000a1', 'root')]));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"partialSuccess":null}');
    const bytes = encodeOtlpRequest({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(hex, 'hex'),
                  spanId: Buffer.from('00000000000000a2', 'hex'),
                  parentSpanId: Buffer.from('00000000000000a1', 'hex'),
                  name: 'child',
                  startTimeUnixNano: '1700000000100000000',
                  endTimeUnixNano: '1700000000200000000',
                  status: { code: 1 },
                  attributes: [{ key: 'tokens', value: { intValue: 7 } }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect((await postOtlp(bytes, 'application/x-protobuf')).status).toBe(200);
    const got = await http(s.baseUrl, 'GET', v3(`/traces/batchGet?trace_ids=tr-${hex}`));
    expect(got.status).toBe(200);
    const [trace] = got.json.traces;
    expect(trace.trace_info).toMatchObject({
      trace_id: `tr-${hex}`,
      state: 'OK',
      request_time: '2023-11-14T22:13:20Z',
      execution_duration: '0.500s',
    });
    expect(trace.trace_info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
    expect(trace.spans.map((x: { name: string }) => x.name)).toEqual(['root', 'child']);
    expect(trace.spans[0].attributes).toContainEqual({
      key: 'mlflow.spanInputs',
      value: { kvlist_value: { values: [{ key: 'q', value: { int_value: 3 } }] } },
    });
    expect(trace.spans[1].attributes).toContainEqual({ key: 'tokens', value: { int_value: 7 } });
    const full = await http(s.baseUrl, 'GET', v3(`/traces/get?trace_id=tr-${hex}`));
    expect(full.json.trace.spans).toHaveLength(2);
    const artifact = await http(s.baseUrl, 'GET', `/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-${hex}`);
    expect(artifact.json.spans.map((x: { name: string }) => x.name)).toEqual(['root', 'child']);
  });

  it('refuses malformed bodies, wrong content types, a missing experiment header and oversized batches; writes nothing', async () => {
    const before = await searchIds();
    const garbage = await postOtlp(new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]), 'application/x-protobuf');
    expect(garbage.status).toBe(400);
    expect((await garbage.json()).detail).toMatch(/Invalid OpenTelemetry protobuf format/);
    expect((await postOtlp('{"resourceSpans": [', 'application/json')).status).toBe(400);
    expect((await postOtlp(JSON.stringify({ resourceSpans: [] }), 'application/json')).status).toBe(400);
    expect((await postOtlp(otlpJson([jsonSpan(otelTraceId(), '01', 'short-id')]))).status).toBe(400);
    expect((await postOtlp(otlpJson([jsonSpan(otelTraceId(), '00000000000000a1', 'x')]), 'text/plain')).status).toBe(
      400,
    );
    expect(
      (await postOtlp(otlpJson([jsonSpan(otelTraceId(), '00000000000000a1', 'x')]), 'application/json', '')).status,
    ).toBe(422);
    const unknownExp = await postOtlp(
      otlpJson([jsonSpan(otelTraceId(), '00000000000000a1', 'x')]),
      'application/json',
      '424242',
    );
    expect(unknownExp.status).toBe(404);
    const hex = otelTraceId();
    const many = Array.from({ length: 10_001 }, (_, i) =>
      jsonSpan(hex, (i + 1).toString(16).padStart(16, '0'), `s${i}`),
    );
    const big = await postOtlp(otlpJson(many));
    expect(big.status).toBe(400);
    expect((await big.json()).error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(await searchIds()).toEqual(before);
  });
});

describe('trace REST routes', () => {
  it('refuses trace ids with path characters (INVALID_PARAMETER_VALUE) and creates nothing', async () => {
    for (const id of ['..%2F..%2Fescape', 'tr-a%2Fb', 'tr-..', '%2e%2e%2f', 'tr-a%5Cb']) {
      const r = await http(s.baseUrl, 'GET', v3(`/traces/${id}`));
      expect(r.status, id).toBe(400);
      expect(r.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect((await http(s.baseUrl, 'PATCH', v3(`/traces/${id}/tags`), { key: 'k', value: 'v' })).status).toBe(400);
    }
    for (const trace_id of ['../../escape', 'tr-x/../../y', '.', 'a'.repeat(300)]) {
      const r = await http(s.baseUrl, 'POST', v3('/traces'), {
        trace: {
          trace_info: {
            trace_id,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2025-01-01T00:00:00Z',
            state: 'OK',
          },
        },
      });
      expect(r.status, trace_id).toBe(400);
      expect(r.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect(existsSync(join(s.dir, 'mlruns', 'escape'))).toBe(false);
    expect(existsSync(join(s.dir, 'y'))).toBe(false);
    const tracesDir = join(s.dir, 'mlruns', exp, 'traces');
    for (const name of existsSync(tracesDir) ? readdirSync(tracesDir) : []) expect(name).toMatch(/^tr-[0-9a-f]{32}$/);
  });

  it('unknown traces and bad filters get MLflow codes', async () => {
    expect((await http(s.baseUrl, 'GET', v3('/traces/tr-00000000000000000000000000000000'))).json.error_code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    const bad = await http(s.baseUrl, 'POST', v3('/traces/search'), {
      locations: [{ mlflow_experiment: { experiment_id: exp } }],
      filter: 'params.x = 1',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const tooMany = await http(s.baseUrl, 'POST', v3('/traces/search'), {
      locations: [{ mlflow_experiment: { experiment_id: exp } }],
      max_results: 501,
    });
    expect(tooMany.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('serves the legacy v2 start / end / get / search routes and link-to-run', async () => {
    const started = await http(s.baseUrl, 'POST', '/api/2.0/mlflow/traces', {
      experiment_id: exp,
      timestamp_ms: 1_700_000_000_000,
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(started.status).toBe(200);
    const id = started.json.trace_info.request_id;
    expect(started.json.trace_info).toMatchObject({
      experiment_id: exp,
      timestamp_ms: 1_700_000_000_000,
      status: 'IN_PROGRESS',
    });
    const ended = await http(s.baseUrl, 'PATCH', `/api/2.0/mlflow/traces/${id}`, {
      timestamp_ms: 1_700_000_000_250,
      status: 'OK',
    });
    expect(ended.json.trace_info).toMatchObject({ request_id: id, execution_time_ms: 250, status: 'OK' });
    const info = await http(s.baseUrl, 'GET', `/api/2.0/mlflow/traces/${id}/info`);
    expect(info.json.trace_info.tags).toContainEqual({ key: 'k', value: 'v' });
    const found = await http(
      s.baseUrl,
      'GET',
      `/api/2.0/mlflow/traces?experiment_ids=${exp}&filter=${encodeURIComponent("tags.k = 'v'")}`,
    );
    expect(found.json.traces.map((t: { request_id: string }) => t.request_id)).toEqual([id]);
    const run = await http(s.baseUrl, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp });
    const runId = run.json.run.info.run_id;
    expect(
      (await http(s.baseUrl, 'POST', '/api/2.0/mlflow/traces/link-to-run', { trace_ids: [id], run_id: runId })).status,
    ).toBe(200);
    const linked = await http(s.baseUrl, 'POST', v3('/traces/search'), {
      locations: [{ mlflow_experiment: { experiment_id: exp } }],
      filter: `run_id = '${runId}'`,
    });
    expect(linked.json.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual([id]);
  });
});
