/**
 * Cross-site writes and DNS rebinding, over real HTTP: a web page on another origin cannot write
 * (simple `text/plain`, form or multipart uploads included), clients that send no Origin (curl,
 * Python, our own) and the same-origin UI can, and a Host header that is not this server's is
 * refused with 403 (MLflow 3's security middleware: `--allowed-hosts`, `--cors-allowed-origins`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp, startTestServer, type TestServer } from '../../test/helpers.js';

const send = (server: TestServer, method: string, path: string, headers: Record<string, string>, body?: string) =>
  rawHttp(server.baseUrl, method, path, headers, body);

let s: TestServer;
let runId: string;
let artifactDir: string;
beforeAll(async () => {
  s = await startTestServer({ store: 'fs', grpcPort: undefined });
  const exp = await s.tracking.createExperiment({ name: 'xsite' });
  const run = await s.tracking.createRun({ experiment_id: exp });
  runId = run.info.run_id;
  artifactDir = join(s.artifactsDir, exp, runId, 'artifacts');
});
afterAll(async () => {
  await s?.close();
});

const upload = (name: string) => `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${name}`;
const EVIL = 'https://evil.example';

describe('cross-origin writes are refused', () => {
  it.each([
    ['text/plain', { 'content-type': 'text/plain', origin: EVIL }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL }],
    ['multipart', { 'content-type': 'multipart/form-data; boundary=x', origin: EVIL }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' }],
    ['Origin: null (sandboxed frame, file:)', { 'content-type': 'text/plain', origin: 'null' }],
    ['a look-alike of the server host', { 'content-type': 'text/plain', origin: 'http://127.0.0.1.evil.example' }],
  ])('upload-artifact with %s → 403, nothing written', async (label, headers) => {
    const name = `xsite-${label.replace(/\W+/g, '-')}.txt`;
    const res = await send(s, 'POST', upload(name), headers, 'pwned');
    expect(res.status, res.body).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({
      error_code: 'PERMISSION_DENIED',
      message: expect.stringContaining('Cross-origin request blocked'),
    });
    expect(existsSync(join(artifactDir, name))).toBe(false);
  });

  it('JSON writes, artifact PUT and DELETE from another origin → 403; reads are not blocked', async () => {
    const create = await send(
      s,
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { 'content-type': 'application/json', origin: EVIL },
      '{"name":"evil"}',
    );
    expect(create.status).toBe(403);
    expect(await s.tracking.getExperimentByName('evil')).toBeFalsy();
    expect((await send(s, 'PUT', '/api/2.0/mlflow-artifacts/artifacts/evil.txt', { origin: EVIL }, 'x')).status).toBe(
      403,
    );
    expect(existsSync(join(s.artifactsDir, 'evil.txt'))).toBe(false);
    expect((await send(s, 'DELETE', '/api/2.0/mlflow-artifacts/artifacts/x', { origin: EVIL })).status).toBe(403);
    expect((await send(s, 'PATCH', '/api/2.0/mlflow/runs/update', { origin: EVIL }, '{}')).status).toBe(403);
    const read = await send(s, 'GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, { origin: EVIL });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('writes that are allowed', () => {
  it.each([
    ['no Origin (curl, Python, Node clients)', {}],
    ['the same origin', { origin: 'SELF' }],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin', origin: 'SELF' }],
    ['Sec-Fetch-Site: none (typed by the user)', { 'sec-fetch-site': 'none' }],
    ['a localhost origin on another port (MLflow allows these)', { origin: 'http://localhost:3000' }],
  ])('upload-artifact with %s → 200', async (label, extra) => {
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    for (const [k, v] of Object.entries(extra)) headers[k] = v === 'SELF' ? s.baseUrl : v;
    const name = `ok-${label.replace(/\W+/g, '-')}.txt`;
    const res = await send(s, 'POST', upload(name), headers, 'fine');
    expect(res.status, res.body).toBe(200);
    expect(existsSync(join(artifactDir, name))).toBe(true);
  });
});

describe('Host header (DNS rebinding)', () => {
  it.each(['evil.example', 'evil.example:5000', 'localhost.evil.example', '127.0.0.1.nip.io:80'])(
    'Host: %s → 403 with a clear message',
    async (host) => {
      const res = await send(s, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { host });
      expect(res.status, res.body).toBe(403);
      const body = JSON.parse(res.body);
      expect(body.error_code).toBe('PERMISSION_DENIED');
      expect(body.message).toContain('Invalid Host header - possible DNS rebinding attack detected');
      expect(body.message).toContain('--allowed-hosts');
    },
  );

  it.each(['localhost', 'localhost:1234', 'LOCALHOST:5000', '127.0.0.1', '127.0.0.2:8080', '[::1]', '[::1]:5000'])(
    'Host: %s → 200',
    async (host) => {
      const res = await send(s, 'GET', '/api/2.0/mlflow/experiments/search?max_results=1', { host });
      expect(res.status, res.body).toBe(200);
    },
  );

  it('answers /health and /version whatever the Host', async () => {
    expect((await send(s, 'GET', '/health', { host: 'evil.example' })).body).toBe('OK');
    expect((await send(s, 'GET', '/version', { host: 'evil.example' })).status).toBe(200);
  });
});

describe('configuration', () => {
  let custom: TestServer;
  beforeAll(async () => {
    custom = await startTestServer({
      grpcPort: undefined,
      allowedHosts: ['mlflow.example.com', '*.internal.example:*'],
      corsAllowedOrigins: ['https://app.example'],
    });
  });
  afterAll(async () => {
    await custom?.close();
  });

  it('allowedHosts replaces the defaults (wildcards allowed)', async () => {
    const path = '/api/2.0/mlflow/experiments/search?max_results=1';
    expect((await send(custom, 'GET', path, { host: 'mlflow.example.com' })).status).toBe(200);
    expect((await send(custom, 'GET', path, { host: 'a.internal.example:5000' })).status).toBe(200);
    expect((await send(custom, 'GET', path, { host: 'mlflow.example.com.evil' })).status).toBe(403);
    expect((await send(custom, 'GET', path, { host: 'evil.example' })).status).toBe(403);
  });

  it('corsAllowedOrigins may write, answers preflight and gets CORS headers', async () => {
    const headers = { host: 'mlflow.example.com', origin: 'https://app.example', 'content-type': 'application/json' };
    const create = await send(custom, 'POST', '/api/2.0/mlflow/experiments/create', headers, '{"name":"from-app"}');
    expect(create.status, create.body).toBe(200);
    expect(create.headers['access-control-allow-origin']).toBe('https://app.example');
    const preflight = await send(custom, 'OPTIONS', '/api/2.0/mlflow/experiments/create', {
      host: 'mlflow.example.com',
      origin: 'https://app.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    const evil = await send(
      custom,
      'POST',
      '/api/2.0/mlflow/experiments/create',
      { ...headers, origin: EVIL },
      '{"name":"evil"}',
    );
    expect(evil.status).toBe(403);
  });

  it("allowedHosts ['*'] and disableSecurityMiddleware turn the checks off", async () => {
    const open = await startTestServer({ grpcPort: undefined, allowedHosts: ['*'] });
    const off = await startTestServer({ grpcPort: undefined, disableSecurityMiddleware: true });
    try {
      expect((await send(open, 'GET', '/api/2.0/mlflow/experiments/search', { host: 'anything.example' })).status).toBe(
        200,
      );
      expect(
        (
          await send(
            open,
            'POST',
            '/api/2.0/mlflow/experiments/create',
            { origin: EVIL, 'content-type': 'application/json' },
            '{"name":"e"}',
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await send(
            off,
            'POST',
            '/api/2.0/mlflow/experiments/create',
            { host: 'x.example', origin: EVIL, 'content-type': 'application/json' },
            '{"name":"e"}',
          )
        ).status,
      ).toBe(200);
    } finally {
      await open.close();
      await off.close();
    }
  });
});
