import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlavorRegistry } from '@mlflow-ts/format';
import { onnxFlavor, saveModel } from '@mlflow-ts/flavor-onnx';
import { buildMlpModel } from '@mlflow-ts/flavor-onnx/testing';
import { loadModel } from './load-model.js';
import { createScoringServer } from './scoring-server.js';
import type { ScoringServer } from './scoring-server.js';
import type { ServableModel } from './servable-model.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(repoRoot, 'fixtures');
const registry = createFlavorRegistry([onnxFlavor()]);

let tmp: string;
let server: ScoringServer;
let mlp: ServableModel;
let regressor: ServableModel;
let mul: ServableModel;
const logLines: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'serve-'));
  await saveModel(buildMlpModel({ inputSize: 6, hidden: 5, classes: 3 }), path.join(tmp, 'mlp'));
  await saveModel(
    path.join(fixtures, 'mlflow/tests/resources/onnx/tf_model_multiple_inputs_float32.onnx'),
    path.join(tmp, 'mul'),
  );
  mlp = await loadModel(path.join(tmp, 'mlp'), { registry });
  regressor = await loadModel(path.join(fixtures, 'zakharovart01__mlops/onnx_model'), { registry });
  mul = await loadModel(`file://${path.join(tmp, 'mul')}`, { registry });
  server = await createScoringServer({
    models: [
      { name: 'mlp', model: mlp },
      { name: 'regressor', model: regressor, version: '1' },
      { name: 'mul', model: mul },
    ],
    port: 0,
    bodyLimit: 4096,
    log: (l) => logLines.push(l),
  });
});
afterAll(async () => {
  await server?.close();
  await Promise.all([mlp, regressor, mul].map((m) => m?.dispose()));
  await rm(tmp, { recursive: true, force: true });
});

async function post(route: string, body: string, contentType = 'application/json') {
  const r = await fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, text, json, type: r.headers.get('content-type') };
}

const row = (i: number) => Array.from({ length: 6 }, (_, j) => (((i + 1) * (j + 2)) % 5) / 5);

describe('MLflow routes', () => {
  it('/ping, /health, /version', async () => {
    for (const p of ['/ping', '/health']) {
      const r = await fetch(`${server.url}${p}`);
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('\n');
    }
    expect(await (await fetch(`${server.url}/version`)).text()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('/invocations answers inputs, instances, dataframe_split and dataframe_records the same way', async () => {
    const rows = [row(0), row(1)];
    const a = await post('/invocations', JSON.stringify({ inputs: rows }));
    expect(a.status, a.text).toBe(200);
    // MLflow's onnx wrapper answers tensor input with {output name: array}, one output included.
    expect(Object.keys(a.json.predictions)).toEqual(['probabilities']);
    const p = a.json.predictions.probabilities as number[][];
    expect(p).toHaveLength(2);
    expect(p[0]!.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    const b = await post('/invocations', JSON.stringify({ instances: rows }));
    expect(b.json.predictions).toEqual({ probabilities: p });
    const split = await post(
      '/invocations',
      JSON.stringify({ dataframe_split: { columns: ['a', 'b', 'c', 'd', 'e', 'f'], data: rows } }),
    );
    expect(split.status, split.text).toBe(400); // a named tensor input needs a column of its name
    expect(mlp.signature?.inputs).toHaveLength(1);
  });

  it('a model without signature (the genuine MLflow fixture) takes data frames and CSV whole', async () => {
    const other = await createScoringServer({ models: [{ name: 'regressor', model: regressor }], port: 0, log: false });
    try {
      const x = Array.from({ length: 10 }, () => 0);
      const cols = x.map((_, i) => `c${i}`);
      const send = (body: string, ct = 'application/json') =>
        fetch(`${other.url}/invocations`, { method: 'POST', headers: { 'content-type': ct }, body }).then(
          async (r) => ({ status: r.status, json: (await r.json()) as any }),
        );
      const split = await send(JSON.stringify({ dataframe_split: { columns: cols, data: [x] } }));
      expect(split.status).toBe(200);
      expect(split.json.predictions[0].variable).toBeCloseTo(150.434, 3);
      const records = await send(JSON.stringify({ dataframe_records: [Object.fromEntries(cols.map((c) => [c, 0]))] }));
      expect(records.json).toEqual(split.json);
      const csv = await send(`${cols.join(',')}\n${x.join(',')}\n`, 'text/csv');
      expect(csv.json).toEqual(split.json);
    } finally {
      await other.close();
    }
  });

  it('a named tensor schema needs a column of that name, as in MLflow', async () => {
    const csv = `${['a', 'b', 'c', 'd', 'e', 'f'].join(',')}\n${row(0).join(',')}\n`;
    const r = await post('/invocations', csv, 'text/csv');
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/missing inputs \['input'\]/);
  });

  it('415 text for other content types', async () => {
    const r = await post('/invocations', 'x', 'text/plain');
    expect(r.status).toBe(415);
    expect(r.type).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/text\/csv/);
  });

  it('400 naming the problem: bad JSON, wrong shape, wrong dtype', async () => {
    const bad = await post('/invocations', '{"inputs": ');
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('BAD_REQUEST');
    const two = await post('/invocations', JSON.stringify({ inputs: [row(0)], instances: [row(0)] }));
    expect(two.status).toBe(400);
    const shape = await post('/invocations', JSON.stringify({ inputs: [[1, 2, 3]] }));
    expect(shape.status).toBe(400);
    expect(shape.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(shape.json.message).toMatch(/shape/i);
    expect(shape.json.message).toMatch(/input/);
    const dtype = await post('/invocations', JSON.stringify({ inputs: [['a', 'b', 'c', 'd', 'e', 'f']] }));
    expect(dtype.status).toBe(400);
    // Rejected while parsing against the schema, as MLflow's scoring server does: BAD_REQUEST.
    expect(dtype.json).toMatchObject({
      error_code: 'BAD_REQUEST',
      message: "Invalid input. could not convert string to float: 'a'",
    });
  });

  it('413 beyond the body limit', async () => {
    const r = await post('/invocations', JSON.stringify({ inputs: Array.from({ length: 200 }, (_, i) => row(i)) }));
    expect(r.status).toBe(413);
    expect(r.json.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
  });
});

describe('KServe v2', () => {
  it('health, server and model metadata, readiness', async () => {
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const meta = await (await fetch(`${server.url}/v2/models/mlp`)).json();
    expect(meta).toMatchObject({
      name: 'mlp',
      platform: 'mlflow-ts_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 6] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
    });
    expect((await fetch(`${server.url}/v2/models/regressor/versions/1/ready`)).status).toBe(200);
    const missing = await fetch(`${server.url}/v2/models/nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatch(/nope/);
  });

  it('infer on a named model; multi-input model gets named tensors', async () => {
    const data = [...row(0), ...row(1)];
    const r = await post(
      '/v2/models/mlp/infer',
      JSON.stringify({ id: 'r1', inputs: [{ name: 'input', shape: [2, 6], datatype: 'FP32', data }] }),
    );
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({
      model_name: 'mlp',
      id: 'r1',
      outputs: [{ name: 'probabilities', shape: [2, 3], datatype: 'FP32' }],
    });
    const inv = await post('/invocations', JSON.stringify({ inputs: [row(0), row(1)] }));
    expect(r.json.outputs[0].data).toEqual(inv.json.predictions.probabilities.flat());
    const a = Array.from({ length: 10 }, (_, i) => i);
    const m = await post(
      '/v2/models/mul/infer',
      JSON.stringify({
        inputs: [
          { name: 'first_input:0', shape: [10], datatype: 'FP32', data: a },
          { name: 'second_input:0', shape: [10], datatype: 'FP32', data: a.map(() => 2) },
        ],
      }),
    );
    expect(m.status, m.text).toBe(200);
    expect(m.json.outputs[0]).toMatchObject({ name: 'output:0', shape: [10], data: a.map((v) => v * 2) });
  });

  it('400 for a missing input or a shape/data mismatch, naming it', async () => {
    const missing = await post(
      '/v2/models/mul/infer',
      JSON.stringify({
        inputs: [{ name: 'first_input:0', shape: [10], datatype: 'FP32', data: new Array(10).fill(1) }],
      }),
    );
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(/second_input:0/);
    const mismatch = await post(
      '/v2/models/mlp/infer',
      JSON.stringify({ inputs: [{ name: 'input', shape: [2, 6], datatype: 'FP32', data: [1, 2] }] }),
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error).toMatch(/'input'.*12 values but data has 2/);
  });
});

describe('metrics and logging', () => {
  it('exposes request counts and latency in Prometheus text; logs one line per request', async () => {
    await fetch(`${server.url}/ping`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/mlflow_ts_serving_requests_total\{route="\/invocations",method="POST",status="200"\} \d+/);
    expect(text).toMatch(/mlflow_ts_serving_requests_total\{route="\/invocations",method="POST",status="415"\} 1/);
    expect(text).toMatch(
      /mlflow_ts_serving_request_duration_seconds_bucket\{route="\/ping",method="GET",le="\+Inf"\} \d+/,
    );
    expect(text).toMatch(/mlflow_ts_serving_batch_size_count\{model="mlp"\} \d+/);
    expect(logLines.some((l) => / "GET \/ping" 200 [\d.]+ms$/.test(l))).toBe(true);
  });
});
