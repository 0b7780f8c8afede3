/**
 * Path traversal: every attempt is refused with 400 INVALID_PARAMETER_VALUE and nothing outside
 * the artifact root is read or written (a canary file beside the root, a symlink planted inside).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, rawHttp, startTestServer, type TestServer } from '../../test/helpers.js';

let s: TestServer;
let runId: string;
beforeAll(async () => {
  s = await startTestServer({ grpcPort: undefined });
  await writeFile(join(s.dir, 'secret.txt'), 'top secret');
  await mkdir(join(s.dir, 'outside'), { recursive: true });
  await mkdir(s.artifactsDir, { recursive: true });
  await symlink(join(s.dir, 'outside'), join(s.artifactsDir, 'escape'));
  await symlink(join(s.dir, 'secret.txt'), join(s.artifactsDir, 'secret-link.txt'));
  const exp = await s.tracking.createExperiment({ name: 'traversal' });
  runId = (await s.tracking.createRun({ experiment_id: exp })).info.run_id;
});
afterAll(async () => {
  await s?.close();
});

/** Raw request: fetch would normalise `..` segments away before sending. */
const raw = (method: string, path: string, body?: string) =>
  rawHttp(s.baseUrl, method, path, body ? { 'content-type': 'application/octet-stream' } : {}, body);

const ATTACKS = [
  '../secret.txt',
  '..%2fsecret.txt',
  '%2e%2e%2fsecret.txt',
  '%252e%252e%252fsecret.txt',
  'a/../../secret.txt',
  '..\\secret.txt',
  'a%5c..%5c..%5csecret.txt',
  '%2fetc%2fpasswd',
  'a/b%23frag',
  'a/b%3bparam',
  'a/b%3fq',
  'escape/pwned.txt',
  'secret-link.txt',
];

describe('proxied artifact API', () => {
  it.each(ATTACKS)('GET and PUT %s → 400', async (attack) => {
    const get = await raw('GET', `/api/2.0/mlflow-artifacts/artifacts/${attack}`);
    expect(get.status, get.body).toBe(400);
    expect(JSON.parse(get.body).error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(get.body).not.toContain('top secret');
    const put = await raw('PUT', `/api/2.0/mlflow-artifacts/artifacts/${attack}`, 'pwned');
    expect(put.status, put.body).toBe(400);
    const del = await raw('DELETE', `/api/2.0/mlflow-artifacts/artifacts/${attack}`);
    expect(del.status, del.body).toBe(400);
  });

  it.each(['../', '%2e%2e', 'escape', '/etc', 'a\\..\\..'])('list ?path=%s → 400', async (attack) => {
    const res = await raw('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${attack}`);
    expect(res.status, res.body).toBe(400);
  });

  it('wrote nothing outside the root', async () => {
    expect(await readdir(join(s.dir, 'outside'))).toEqual([]);
    expect(existsSync(join(s.dir, 'pwned'))).toBe(false);
    expect(existsSync(join(s.dir, 'secret.txt'))).toBe(true);
  });
});

describe('run artifact endpoints and stored URIs', () => {
  it.each(['../../../secret.txt', '%2e%2e%2f%2e%2e%2fsecret.txt', '/etc/passwd', 'a\\b', 'x#y'])(
    'artifacts/list and get-artifact path=%s → 400',
    async (attack) => {
      const list = await raw(
        'GET',
        `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent(attack)}`,
      );
      expect(list.status, list.body).toBe(400);
      const file = await raw('GET', `/get-artifact?run_id=${runId}&path=${encodeURIComponent(attack)}`);
      expect(file.status, file.body).toBe(400);
    },
  );

  it.each([
    `file://${'/etc'}`,
    '/etc/passwd-dir',
    'mlflow-artifacts:/../../outside',
    'mlflow-artifacts:/%2e%2e/outside',
    'runs:/abc/model',
    's3://bucket/a#frag',
  ])('experiments/create artifact_location=%s → 400', async (location) => {
    const res = await http(s.baseUrl, 'POST', '/api/2.0/mlflow/experiments/create', {
      name: `t-${Math.random()}`,
      artifact_location: location,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it.each(['file:///etc/passwd', '/etc', '../../secret', 'mlflow-artifacts:/a/%252e%252e/%252e%252e/b'])(
    'model-versions/create source=%s → 400',
    async (source) => {
      await http(s.baseUrl, 'POST', '/api/2.0/mlflow/registered-models/create', { name: 'trav-model' });
      const res = await http(s.baseUrl, 'POST', '/api/2.0/mlflow/model-versions/create', {
        name: 'trav-model',
        source,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    },
  );
});
