/**
 * Bad input gets a clean 4xx and no error body names a server path: non-ASCII artifact names,
 * deeply nested JSON, negative max_results, model names with NUL or 300 characters, and internal
 * errors whose detail (with absolute paths) stays in the server log.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '@mlflow-ts/format';
import { createFsRegistryStore } from '@mlflow-ts/store-fs';
import { http, rawHttp, startTestServer, type TestServer } from '../../test/helpers.js';
import { createGrpcStore } from '../client/stores.js';

let s: TestServer;
let runId: string;
let experimentId: string;
const logs: string[] = [];
let registryDir: string;
beforeAll(async () => {
  registryDir = await mkdtemp(join(tmpdir(), 'mlflow-ts-hygiene-registry-'));
  s = await startTestServer({
    store: 'fs',
    registry: createFsRegistryStore({ root: registryDir }),
    log: (m) => logs.push(m),
  });
  experimentId = await s.tracking.createExperiment({ name: 'hygiene' });
  runId = (await s.tracking.createRun({ experiment_id: experimentId })).info.run_id;
});
afterAll(async () => {
  await s?.close();
  await rm(registryDir, { recursive: true, force: true });
});

const api = (path: string) => `/api/2.0/mlflow${path}`;

const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  rawHttp(s.baseUrl, method, path, headers, body);

function expectNoServerPath(body: string): void {
  expect(body).not.toContain(s.dir);
  expect(body).not.toContain(tmpdir());
  expect(body).not.toMatch(/\/(?:tmp|home|root|var|usr|work)\//);
}

describe('non-ASCII artifact names', () => {
  it('uploads and downloads €.txt with an RFC 6266 filename* header', async () => {
    const put = await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${encodeURIComponent('€.txt')}`, 'euro');
    expect(put.status, put.body).toBe(200);
    const get = await raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${encodeURIComponent('€.txt')}`);
    expect(get.status, get.body).toBe(200);
    expect(get.body).toBe('euro');
    expect(String(get.headers['content-disposition'])).toContain("filename*=UTF-8''%E2%82%AC.txt");

    const up = await raw(
      'POST',
      `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent('日本 "q".txt')}`,
      'jp',
      { 'content-type': 'text/plain' },
    );
    expect(up.status, up.body).toBe(200);
    const viaRun = await raw('GET', `/get-artifact?run_id=${runId}&path=${encodeURIComponent('日本 "q".txt')}`);
    expect(viaRun.status, viaRun.body).toBe(200);
    expect(viaRun.body).toBe('jp');
    expect(String(viaRun.headers['content-disposition'])).toMatch(/^attachment; filename=".*"; filename\*=UTF-8''/);
  });
});

describe('deeply nested JSON', () => {
  it.each([
    ['objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
    ['arrays', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
    ['inside a field', `{"experiment_id":"0","tags":${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
  ])('%s → 400, not a stack overflow', async (_label, body) => {
    const res = await raw('POST', api('/runs/create'), body, { 'content-type': 'application/json' });
    expect(res.status, res.body.slice(0, 300)).toBe(400);
    expect(['INVALID_PARAMETER_VALUE', 'BAD_REQUEST', 'MALFORMED_REQUEST']).toContain(JSON.parse(res.body).error_code);
    expect(JSON.parse(res.body).message).toContain('MAX_JSON_DEPTH');
  });

  it('model_json nested deeply → 400', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await http(s.baseUrl, 'POST', api('/runs/log-model'), { run_id: runId, model_json: deep });
    expect(res.status, res.text.slice(0, 300)).toBe(400);
  });

  it('still accepts ordinary nesting', async () => {
    const res = await http(s.baseUrl, 'POST', api('/runs/log-batch'), {
      run_id: runId,
      tags: [{ key: 'k', value: '[[[[[[{"a":[1]}]]]]]]' }],
    });
    expect(res.status, res.text).toBe(200);
  });
});

describe('MLflow 4xx codes instead of 500', () => {
  it.each(['-1', '0', 'abc'])('get-history max_results=%s → 400', async (maxResults) => {
    await s.tracking.logMetric(runId, { key: 'm', value: 1, timestamp: 1, step: 0 });
    const res = await http(
      s.baseUrl,
      'GET',
      api(`/metrics/get-history?run_id=${runId}&metric_key=m&max_results=${maxResults}`),
    );
    expect(res.status, res.text).toBe(400);
    expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('get-history max_results=-1 over gRPC → INVALID_ARGUMENT', async () => {
    const store = createGrpcStore({ address: s.grpcAddress });
    try {
      await expect(store.tracking.getMetricHistory(runId, 'm', { max_results: -1 })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
    } finally {
      await store.close();
    }
  });

  it.each([
    ['NUL', 'bad\u0000name'],
    ['300 characters', 'm'.repeat(300)],
    ['130 × € (390 bytes)', '€'.repeat(130)],
  ])('registered model name with %s → 400 over REST and INVALID_ARGUMENT over gRPC', async (_label, name) => {
    const res = await http(s.baseUrl, 'POST', api('/registered-models/create'), { name });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expectNoServerPath(res.text);
    const store = createGrpcStore({ address: s.grpcAddress });
    try {
      await expect(store.registry.createRegisteredModel({ name })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
    } finally {
      await store.close();
    }
  });

  it('a tag key with NUL → 400', async () => {
    const res = await http(s.baseUrl, 'POST', api('/runs/set-tag'), { run_id: runId, key: 'a\u0000b', value: 'v' });
    expect(res.status, res.text).toBe(400);
    expectNoServerPath(res.text);
  });
});

describe('no error body names a server path', () => {
  it('an internal error (a file where a directory must be) answers 500 without paths; the log has the detail', async () => {
    const put = await raw('PUT', '/api/2.0/mlflow-artifacts/artifacts/plain.txt', 'x');
    expect(put.status).toBe(200);
    logs.length = 0;
    const res = await raw('PUT', '/api/2.0/mlflow-artifacts/artifacts/plain.txt/inner.txt', 'y');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expectNoServerPath(res.body);
    const body = JSON.parse(res.body);
    expect(typeof body.message).toBe('string');
    expect(body.stack_trace).toBeUndefined();
    if (res.status >= 500) expect(logs.join('\n')).toContain(s.artifactsDir);
  });

  it('a corrupt run meta.yaml: the answer names no server path', async () => {
    const run = await s.tracking.createRun({ experiment_id: experimentId });
    await writeFile(join(s.dir, 'mlruns', experimentId, run.info.run_id, 'meta.yaml'), '{{{{ not yaml: [');
    logs.length = 0;
    const res = await raw('GET', api(`/runs/get?run_id=${run.info.run_id}`));
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body).error_code).toBe('INVALID_STATE');
    expectNoServerPath(res.body);
  });

  it('gRPC statuses carry no server path either', async () => {
    const client = new grpc.Client(s.grpcAddress, grpc.credentials.createInsecure());
    const path = Buffer.from('plain.txt/inner.txt');
    const err = await new Promise<grpc.ServiceError | null>((resolve) => {
      const call = client.makeClientStreamRequest(
        '/mlflow_ts.Artifacts/Upload',
        (x: Buffer) => x,
        (x: Buffer) => x,
        new grpc.Metadata(),
        {},
        (e) => {
          client.close();
          resolve(e);
        },
      );
      call.write(Buffer.concat([Buffer.from([0x0a, path.length]), path]));
      call.end();
    });
    expect(err).not.toBeNull();
    expect(err?.code).not.toBe(GRPC_STATUS.OK);
    expectNoServerPath(err?.details ?? '');
  });
});
