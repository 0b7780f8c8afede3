/**
 * MLflow's `AuthServiceClient` flows (users, experiment and registered-model permissions) and the
 * permission checks they set up: the requests MLflow 3.6's Python client sent, with its credentials,
 * replayed against our server and answered as MLflow's basic-auth server answered them
 * (test/fixtures/mlflow3-auth, recorded by hand with client.py). Then the same permissions on gRPC,
 * and our revocable tokens.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcStore } from '../../client/stores.js';
import { http, comparableAnswer, startTestServer, type TestServer } from '../../../test/helpers.js';

interface Exchange {
  method: string;
  path: string;
  authorization?: string;
  request?: unknown;
  status: number;
  response?: unknown;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const exchanges = JSON.parse(
  await readFile(path.join(here, '../../../test/fixtures/mlflow3-auth/exchanges.json'), 'utf8'),
) as Exchange[];
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

const normalise = (v: unknown) => comparableAnswer(v, (k) => /_(timestamp|time)$/.test(k));

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    store: 'fs',
    auth: {
      database: path.join(
        await import('node:os').then((os) => os.tmpdir()),
        `auth-replay-${process.pid}-${Date.now()}.db`,
      ),
      admin: { username: 'admin', password: 'password1234' },
    },
  });
});
afterAll(async () => {
  await s?.close();
});

describe("MLflow 3.6's AuthServiceClient flows, replayed", () => {
  it('answers every recorded request as MLflow did, with the same credentials', async () => {
    expect(exchanges.length).toBeGreaterThan(20);
    // Ids the two servers give differently (our file store numbers experiments its own way).
    const ids = new Map<string, string>();
    const mapIds = (text: string) =>
      [...ids].reduce((t, [theirs, ours]) => t.replaceAll(`experiment_id=${theirs}`, `experiment_id=${ours}`), text);
    for (const x of exchanges) {
      let body = x.request;
      if (body && typeof body === 'object' && 'experiment_id' in body) {
        const e = (body as { experiment_id: string }).experiment_id;
        body = { ...body, experiment_id: ids.get(e) ?? e };
      }
      const r = await http(
        s.baseUrl,
        x.method,
        mapIds(x.path),
        body,
        x.authorization ? { authorization: x.authorization } : {},
      );
      const call = `${x.authorization ? Buffer.from(x.authorization.slice(6), 'base64').toString().split(':')[0] : '-'} ${x.method} ${x.path}`;
      expect({ call, status: r.status }).toEqual({ call, status: x.status });
      if (x.path.endsWith('/experiments/create') && r.status === 200) {
        ids.set(
          (x.response as { experiment_id: string }).experiment_id,
          (r.json as { experiment_id: string }).experiment_id,
        );
      }
      if (x.status !== 200 || x.response === undefined) continue;
      const theirs = JSON.parse(
        JSON.stringify(x.response)
          .replace(/"experiment_id":"(\w+)"/g, (_m, id: string) => `"experiment_id":"${ids.get(id) ?? id}"`)
          .replace(/mlflow-artifacts:\/(\w+)/g, (_m, id: string) => `mlflow-artifacts:/${ids.get(id) ?? id}`),
      );
      expect(normalise(r.json), call).toEqual(normalise(theirs));
    }
  });
});

/** REST calls with `authorization`'s credentials. */
const by = (authorization: string) => (method: string, path: string, body?: unknown) =>
  http(s.baseUrl, method, path, body, { authorization });

describe('permissions on REST and gRPC', () => {
  const admin = basic('admin', 'password1234');
  let experimentId: string;

  it('a READ user reads and is refused writes, over REST and over gRPC', async () => {
    expect(
      (await by(admin)('POST', '/api/2.0/mlflow/users/create', { username: 'reader1', password: 'reader-password' }))
        .status,
    ).toBe(200);
    experimentId = (await by(admin)('POST', '/api/2.0/mlflow/experiments/create', { name: 'perm-exp' })).json
      .experiment_id;
    const grant = await by(admin)('POST', '/api/2.0/mlflow/experiments/permissions/create', {
      experiment_id: experimentId,
      username: 'reader1',
      permission: 'READ',
    });
    expect(grant.status).toBe(200);
    const reader = basic('reader1', 'reader-password');
    expect((await by(reader)('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`)).status).toBe(200);
    const write = await by(reader)('POST', '/api/2.0/mlflow/runs/create', { experiment_id: experimentId });
    expect(write.status).toBe(403);
    expect(write.json.error_code).toBe('PERMISSION_DENIED');

    const grpcReader = createGrpcStore({ address: s.grpcAddress, username: 'reader1', password: 'reader-password' });
    try {
      expect((await grpcReader.tracking.getExperiment(experimentId)).name).toBe('perm-exp');
      await expect(grpcReader.tracking.createRun({ experiment_id: experimentId })).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
    } finally {
      await grpcReader.close?.();
    }
  });

  it('the creator of an experiment gets MANAGE; NO_PERMISSIONS hides it from searches and artifacts', async () => {
    await by(admin)('POST', '/api/2.0/mlflow/users/create', { username: 'maker1', password: 'maker-password' });
    const maker = basic('maker1', 'maker-password');
    const own = (await by(maker)('POST', '/api/2.0/mlflow/experiments/create', { name: 'makers-exp' })).json
      .experiment_id;
    const perm = await by(maker)(
      'GET',
      `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${own}&username=maker1`,
    );
    expect(perm.json.experiment_permission.permission).toBe('MANAGE');
    // maker manages their experiment, so may shut reader1 out of it
    expect(
      (
        await by(maker)('POST', '/api/2.0/mlflow/experiments/permissions/create', {
          experiment_id: own,
          username: 'reader1',
          permission: 'NO_PERMISSIONS',
        })
      ).status,
    ).toBe(200);
    const reader = basic('reader1', 'reader-password');
    const found = await by(reader)('POST', '/api/2.0/mlflow/experiments/search', { max_results: 100 });
    const names = (found.json.experiments as { name: string }[]).map((e) => e.name);
    expect(names).toContain('perm-exp');
    expect(names).not.toContain('makers-exp');
    expect((await by(reader)('GET', `/api/2.0/mlflow-artifacts/artifacts/${own}/x.txt`)).status).toBe(403);
    // …but not someone else's experiment
    const notHis = await by(maker)('POST', '/api/2.0/mlflow/experiments/permissions/create', {
      experiment_id: experimentId,
      username: 'maker1',
      permission: 'MANAGE',
    });
    expect(notHis.status).toBe(403);
  });

  it('routes without a rule (traces) are for admins only', async () => {
    const reader = basic('reader1', 'reader-password');
    const r = await by(reader)('POST', '/api/3.0/mlflow/traces/search', { locations: [] });
    expect(r.status).toBe(403);
  });

  it('revocable tokens work as their user until revoked', async () => {
    const reader = basic('reader1', 'reader-password');
    const made = await by(reader)('POST', '/api/2.0/mlflow-ts/tokens/create', { name: 'ci' });
    expect(made.status).toBe(200);
    const bearer = { authorization: `Bearer ${made.json.token}` };
    expect(
      (await http(s.baseUrl, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, undefined, bearer))
        .status,
    ).toBe(200);
    expect(
      (await by(reader)('POST', '/api/2.0/mlflow-ts/tokens/revoke', { id: made.json.access_token.id })).status,
    ).toBe(200);
    expect(
      (await http(s.baseUrl, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, undefined, bearer))
        .status,
    ).toBe(401);
  });

  it('only admins manage users; a user reads only themselves', async () => {
    const reader = basic('reader1', 'reader-password');
    expect(
      (await by(reader)('POST', '/api/2.0/mlflow/users/create', { username: 'x1', password: 'x-password-1' })).status,
    ).toBe(403);
    expect((await by(reader)('GET', '/api/2.0/mlflow/users/get?username=maker1')).status).toBe(403);
    expect((await by(reader)('GET', '/api/2.0/mlflow/users/get?username=reader1')).json.user.username).toBe('reader1');
    const short = await by(admin)('POST', '/api/2.0/mlflow/users/create', { username: 'x2', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
