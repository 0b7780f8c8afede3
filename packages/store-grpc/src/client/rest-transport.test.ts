/** The REST client's wire habits: retries on 429/503 and connection errors, auth headers, MLflow's GET encoding. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRestStore } from './stores.js';

let server: Server;
let baseUrl: string;
const seen: { method: string; url: string; auth?: string; body: string }[] = [];
let failuresLeft = 0;

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const c of req) text += c;
  return text;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: await body(req) });
    if (failuresLeft > 0) {
      failuresLeft--;
      res.writeHead(failuresLeft % 2 ? 429 : 503).end('busy');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url!.startsWith('/api/2.0/mlflow/metrics/get-history')) {
      res.end(
        JSON.stringify({
          metrics: [
            { key: 'm', value: 'NaN', timestamp: '5', step: 1 },
            { key: 'm', value: 'Infinity', timestamp: 6 },
          ],
        }),
      );
    } else
      res.end(
        JSON.stringify({
          experiment: {
            experiment_id: '7',
            name: 'e',
            artifact_location: 'x',
            lifecycle_stage: 'active',
            unknown_field: 1,
          },
        }),
      );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

it('retries 429 and 503 with backoff, then succeeds; sends the bearer token', async () => {
  failuresLeft = 3;
  seen.length = 0;
  const remote = createRestStore({ baseUrl, token: 't0k', retries: 4 });
  const exp = await remote.tracking.getExperiment('7');
  expect(exp).toEqual({ experiment_id: '7', name: 'e', artifact_location: 'x', lifecycle_stage: 'active', tags: [] });
  expect(seen).toHaveLength(4);
  expect(
    seen.every((r) => r.auth === 'Bearer t0k' && r.url === '/api/2.0/mlflow/experiments/get?experiment_id=7'),
  ).toBe(true);
});

it('gives up after the configured retries with the status-derived code', async () => {
  failuresLeft = 10;
  const remote = createRestStore({ baseUrl, retries: 1 });
  await expect(remote.tracking.getExperiment('7')).rejects.toMatchObject({
    code: expect.stringMatching(/TEMPORARILY_UNAVAILABLE|REQUEST_LIMIT_EXCEEDED/),
  });
  failuresLeft = 0;
});

it('maps connection errors to TEMPORARILY_UNAVAILABLE after retrying', async () => {
  const remote = createRestStore({ baseUrl: 'http://127.0.0.1:1', retries: 1 });
  await expect(remote.tracking.getExperiment('1')).rejects.toMatchObject({ code: 'TEMPORARILY_UNAVAILABLE' });
});

it('sends basic auth, MLflow GET encoding and reads NaN/Infinity and string int64s', async () => {
  seen.length = 0;
  const remote = createRestStore({ baseUrl, username: 'u', password: 'p:w' });
  const page = await remote.tracking.getMetricHistory('r1', 'm', { max_results: 10 });
  expect(seen[0]!.auth).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  const url = new URL(seen[0]!.url, baseUrl);
  expect(url.pathname).toBe('/api/2.0/mlflow/metrics/get-history');
  expect(Object.fromEntries(url.searchParams)).toEqual({
    run_id: 'r1',
    run_uuid: 'r1',
    metric_key: 'm',
    max_results: '10',
  });
  expect(page.items).toEqual([
    { key: 'm', value: Number.NaN, timestamp: 5, step: 1 },
    { key: 'm', value: Number.POSITIVE_INFINITY, timestamp: 6, step: 0 },
  ]);
  seen.length = 0;
  await remote.tracking.logMetric('r1', { key: 'm', value: Number.NaN, timestamp: 1, step: 0 });
  expect(seen[0]!.method).toBe('POST');
  expect(JSON.parse(seen[0]!.body)).toEqual({
    run_id: 'r1',
    run_uuid: 'r1',
    key: 'm',
    value: 'NaN',
    timestamp: 1,
    step: 0,
  });
});
