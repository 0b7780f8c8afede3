import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlavorRegistry } from '@mlflow-ts/format';
import { onnxFlavor, saveModel } from '@mlflow-ts/flavor-onnx';
import { buildMlpModel } from '@mlflow-ts/flavor-onnx/testing';
import { loadModel } from './load-model.js';
import { createScoringServer } from './scoring-server.js';
import type { ScoringServer } from './scoring-server.js';
import type { ServableModel } from './servable-model.js';

let tmp: string;
let model: ServableModel;
let batched: ScoringServer;
let plain: ScoringServer;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'serve-batch-'));
  await saveModel(buildMlpModel({ inputSize: 32, hidden: 16, classes: 4 }), path.join(tmp, 'mlp'));
  model = await loadModel(path.join(tmp, 'mlp'), { registry: createFlavorRegistry([onnxFlavor()]) });
  // A long delay makes the merge deterministic: every request of the burst lands in the same window.
  batched = await createScoringServer({
    models: [{ name: 'mlp', model }],
    port: 0,
    log: false,
    maxBatchSize: 64,
    maxBatchDelayMs: 50,
  });
  plain = await createScoringServer({ models: [{ name: 'mlp', model }], port: 0, log: false });
});
afterAll(async () => {
  await Promise.all([batched?.close(), plain?.close()]);
  await model?.dispose();
  await rm(tmp, { recursive: true, force: true });
});

const rows = (seed: number, n: number) =>
  Array.from({ length: n }, (_, r) =>
    Array.from({ length: 32 }, (_, j) => (((seed + 1) * (r + 3) * (j + 5)) % 11) / 11),
  );

async function invoke(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

function batchStats(metrics: string): { count: number; sum: number; requestsSum: number } {
  const num = (re: RegExp) => Number(re.exec(metrics)?.[1] ?? NaN);
  return {
    count: num(/mlflow_ts_serving_batch_size_count\{model="mlp"\} (\d+)/),
    sum: num(/mlflow_ts_serving_batch_size_sum\{model="mlp"\} (\d+)/),
    requestsSum: num(/mlflow_ts_serving_batch_requests_sum\{model="mlp"\} (\d+)/),
  };
}

describe('dynamic batching over HTTP', () => {
  it('merges concurrent requests into fewer model calls; answers equal unbatched ones', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => ({ inputs: rows(i, 1 + (i % 3)) }));
    const merged = await Promise.all(bodies.map((b) => invoke(batched.url, b)));
    const alone: { status: number; json: any }[] = [];
    for (const b of bodies) alone.push(await invoke(plain.url, b));
    merged.forEach((m, i) => {
      expect(m.status).toBe(200);
      expect(m.json.predictions.probabilities).toHaveLength(bodies[i]!.inputs.length);
      (m.json.predictions.probabilities as number[][]).forEach((r, k) =>
        r.forEach((v, j) => expect(v).toBeCloseTo(alone[i]!.json.predictions.probabilities[k][j], 6)),
      );
    });
    const stats = batchStats(await (await fetch(`${batched.url}/metrics`)).text());
    const totalRows = bodies.reduce((n, b) => n + b.inputs.length, 0);
    expect(stats.sum).toBe(totalRows);
    expect(stats.count).toBeLessThan(bodies.length);
    expect(stats.sum / stats.count).toBeGreaterThan(1);
    const plainStats = batchStats(await (await fetch(`${plain.url}/metrics`)).text());
    expect(plainStats.count).toBe(bodies.length);
  });

  it('an idle batching server answers a lone request without waiting out the batch delay', async () => {
    // A delay far beyond the test timeout: waiting it out fails the test instead of timing it.
    const slow = await createScoringServer({
      models: [{ name: 'mlp', model }],
      port: 0,
      log: false,
      maxBatchSize: 64,
      maxBatchDelayMs: 3_600_000,
    });
    try {
      await invoke(slow.url, { inputs: rows(0, 1) });
      const r = await invoke(slow.url, { inputs: rows(1, 2) });
      expect(r.status).toBe(200);
      expect(r.json.predictions.probabilities).toHaveLength(2);
    } finally {
      await slow.close();
    }
  });

  it('a bad request in a burst fails alone with 400 naming the problem', async () => {
    const good = invoke(batched.url, { inputs: rows(1, 2) });
    const bad = invoke(batched.url, { inputs: [[1, 2, 3]] });
    const [g, b] = await Promise.all([good, bad]);
    expect(g.status).toBe(200);
    expect(b.status).toBe(400);
    expect(b.json.message).toMatch(/shape/i);
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses connections', async () => {
    const s = await createScoringServer({
      models: [{ name: 'mlp', model }],
      port: 0,
      log: false,
      maxBatchSize: 8,
      maxBatchDelayMs: 200,
    });
    // A request whose body is only half sent when close starts: in flight, not yet in the batcher.
    const body = JSON.stringify({ inputs: rows(2, 1) });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        `${s.url}/invocations`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        closing = s.close();
        setTimeout(() => req.end(body.slice(20)), 30);
      }, 60);
    });
    let closing: Promise<void> | undefined;
    const r = await answer;
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text).predictions.probabilities).toHaveLength(1);
    await closing;
    await expect(fetch(`${s.url}/ping`)).rejects.toThrow();
  });
});
