/** Auth: deny by default on every route (incl. unknown ones and gRPC), 403 for read-only writers. */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowError } from '@mlflow-ts/format';
import { createGrpcStore, createRestStore } from '../client/stores.js';
import { createStoreServer } from './index.js';
import { createMemoryTrackingStore } from '@mlflow-ts/format/testing';
import { http, rawGrpcCall, startTestServer, type TestServer } from '../../test/helpers.js';

const users = [
  { username: 'alice', password: 'alice-password-123', admin: true },
  { username: 'reader', password: 'reader-password-123', readOnly: true },
];
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ auth: { tokens: ['secret-token-0123456789'], users } });
});
afterAll(async () => {
  await s?.close();
});

const ROUTES: [string, string][] = [
  ['GET', '/api/2.0/mlflow/experiments/get?experiment_id=0'],
  ['POST', '/api/2.0/mlflow/experiments/create'],
  ['POST', '/api/2.0/mlflow/runs/search'],
  ['GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=a&metric_key=m'],
  ['DELETE', '/api/2.0/mlflow/registered-models/delete'],
  ['GET', '/api/2.0/mlflow-artifacts/artifacts?path=x'],
  ['PUT', '/api/2.0/mlflow-artifacts/artifacts/x/y.txt'],
  ['GET', '/get-artifact?run_id=a&path=b'],
  ['GET', '/version'],
  ['GET', '/no/such/route'],
  ['POST', '/api/2.0/mlflow/unknown/endpoint'],
  ['GET', '/'],
];

describe('REST auth', () => {
  it.each(ROUTES)('%s %s without credentials → 401 with WWW-Authenticate', async (method, path) => {
    const res = await fetch(s.baseUrl + path, {
      method,
      body: method === 'GET' ? undefined : '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
  });

  it('refuses wrong credentials and accepts a bearer token or basic auth', async () => {
    const path = '/api/2.0/mlflow/experiments/get?experiment_id=0';
    expect((await http(s.baseUrl, 'GET', path, undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect(
      (await http(s.baseUrl, 'GET', path, undefined, { authorization: basic('alice', 'nope-nope-nope') })).status,
    ).toBe(401);
    expect(
      (await http(s.baseUrl, 'GET', path, undefined, { authorization: 'Bearer secret-token-0123456789' })).status,
    ).not.toBe(401);
    expect(
      (await http(s.baseUrl, 'GET', path, undefined, { authorization: basic('alice', 'alice-password-123') })).status,
    ).not.toBe(401);
  });

  it('leaves /health open', async () => {
    expect((await http(s.baseUrl, 'GET', '/health')).text).toBe('OK');
  });

  it('gives read-only users reads (incl. POST searches) and 403 on writes', async () => {
    const auth = { authorization: basic('reader', 'reader-password-123') };
    const search = await http(s.baseUrl, 'POST', '/api/2.0/mlflow/experiments/search', { max_results: 10 }, auth);
    expect(search.status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/2.0/mlflow/experiments/create', { name: 'nope' }],
      ['POST', '/api/2.0/mlflow/runs/log-batch', { run_id: 'x' }],
      ['DELETE', '/api/2.0/mlflow/registered-models/delete', { name: 'x' }],
      ['PATCH', '/api/2.0/mlflow/model-versions/update', { name: 'x', version: '1' }],
      ['PUT', '/api/2.0/mlflow-artifacts/artifacts/a/b.txt', 'bytes'],
    ] as const) {
      const res = await http(s.baseUrl, method, path, body, auth);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error_code).toBe('PERMISSION_DENIED');
    }
  });

  it('works through the REST client with token or username/password', async () => {
    const byToken = createRestStore({ baseUrl: s.baseUrl, token: 'secret-token-0123456789' });
    const id = await byToken.tracking.createExperiment({ name: 'auth-rest' });
    const byUser = createRestStore({ baseUrl: s.baseUrl, username: 'reader', password: 'reader-password-123' });
    expect((await byUser.tracking.getExperiment(id)).name).toBe('auth-rest');
    await expect(byUser.tracking.createExperiment({ name: 'denied' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const anonymous = createRestStore({ baseUrl: s.baseUrl, retries: 0 });
    await expect(anonymous.tracking.getExperiment(id)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('gRPC auth', () => {
  it('needs credentials on every RPC and enforces read-only', async () => {
    const anonymous = createGrpcStore({ address: s.grpcAddress, retries: 0 });
    const err = await anonymous.tracking.searchExperiments().catch((e) => e);
    expect(MlflowError.isInstance(err) && err.code).toBe('UNAUTHENTICATED');
    await expect(anonymous.artifacts('mlflow-artifacts:/x').listArtifacts()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await anonymous.close();

    const reader = createGrpcStore({ address: s.grpcAddress, username: 'reader', password: 'reader-password-123' });
    expect((await reader.tracking.searchExperiments()).items.length).toBeGreaterThan(0);
    await expect(reader.tracking.createExperiment({ name: 'grpc-denied' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await expect(
      reader.artifacts('mlflow-artifacts:/x').writeArtifact('a.txt', new Uint8Array([1])),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await reader.close();

    const admin = createGrpcStore({ address: s.grpcAddress, token: 'secret-token-0123456789' });
    expect(await admin.tracking.createExperiment({ name: 'grpc-ok' })).toEqual(expect.any(String));
    await admin.close();
  });

  it('reports the gRPC status from the table and the MLflow code in metadata', async () => {
    const status = (await rawGrpcCall(s.grpcAddress, '/mlflow_ts.Tracking/GetExperiment', Buffer.alloc(0))).error!;
    expect(status.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(status.metadata.get('mlflow-error-code')).toEqual(['UNAUTHENTICATED']);
  });
});

describe('binding', () => {
  it('refuses a non-loopback host without auth unless insecure', async () => {
    const server = createStoreServer({
      tracking: createMemoryTrackingStore(),
      artifacts: { root: s.artifactsDir },
      host: '0.0.0.0',
      port: 0,
    });
    await expect(server.listen()).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await server.close();
  });
});
