/** The logged-model REST routes beyond the store calls: artifact listing and download, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from '../../test/helpers.js';

let server: TestServer;
let modelId: string;
beforeAll(async () => {
  server = await startTestServer({ store: 'fs' });
  const created = await http(server.baseUrl, 'POST', '/api/2.0/mlflow/logged-models', {
    experiment_id: '0',
    name: 'clf',
  });
  modelId = created.json.model.info.model_id;
  const put = await fetch(
    `${server.baseUrl}/api/2.0/mlflow-artifacts/artifacts/0/models/${modelId}/artifacts/sub/MLmodel`,
    { method: 'PUT', body: 'flavors: {}\n' },
  );
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await server?.close();
});

describe('logged-model REST routes', () => {
  it('lists the model’s artifacts (root and a directory)', async () => {
    const root = await http(server.baseUrl, 'GET', `/api/2.0/mlflow/logged-models/${modelId}/artifacts/directories`);
    expect(root.status).toBe(200);
    expect(root.json).toEqual({
      root_uri: `mlflow-artifacts:/0/models/${modelId}/artifacts`,
      files: [{ path: 'sub', is_dir: true }],
    });
    const sub = await http(
      server.baseUrl,
      'GET',
      `/api/2.0/mlflow/logged-models/${modelId}/artifacts/directories?artifact_directory_path=sub`,
    );
    expect(sub.json.files).toEqual([{ path: 'sub/MLmodel', is_dir: false, file_size: 12 }]);
    const bad = await http(
      server.baseUrl,
      'GET',
      `/api/2.0/mlflow/logged-models/${modelId}/artifacts/directories?artifact_directory_path=../x`,
    );
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('downloads a file through ajax-api …/artifacts/files (the UI route)', async () => {
    const ok = await http(
      server.baseUrl,
      'GET',
      `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=sub/MLmodel`,
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('flavors: {}\n');
    const missing = await http(server.baseUrl, 'GET', `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files`);
    expect([missing.status, missing.json.error_code]).toEqual([400, 'BAD_REQUEST']);
    const traversal = await http(
      server.baseUrl,
      'GET',
      `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=..%2F..%2Fmeta.yaml`,
    );
    expect([traversal.status, traversal.json.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    const unknown = await http(
      server.baseUrl,
      'GET',
      '/ajax-api/2.0/mlflow/logged-models/m-0/artifacts/files?artifact_file_path=MLmodel',
    );
    expect([unknown.status, unknown.json.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  it('answers MLflow’s codes for bad names, ids and requests, and writes nothing', async () => {
    for (const name of ['a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b"]) {
      const r = await http(server.baseUrl, 'POST', '/api/2.0/mlflow/logged-models', { experiment_id: '0', name });
      expect([r.status, r.json.error_code], name).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    }
    const search = await http(server.baseUrl, 'POST', '/api/2.0/mlflow/logged-models/search', {
      experiment_ids: ['0'],
    });
    expect(search.json.models.map((m: { info: { name: string } }) => m.info.name)).toEqual(['clf']);
    expect((await http(server.baseUrl, 'POST', '/api/2.0/mlflow/logged-models/search', {})).json.error_code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect((await http(server.baseUrl, 'POST', '/api/2.0/mlflow/logged-models', {})).json.error_code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    for (const [method, p] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['DELETE', '/tags/k'],
      ['PATCH', '/tags'],
      ['POST', '/params'],
    ] as const) {
      const body =
        method === 'PATCH' && p === '' ? { status: 'LOGGED_MODEL_READY' } : method === 'GET' ? undefined : {};
      const r = await http(
        server.baseUrl,
        method,
        `/api/2.0/mlflow/logged-models/m-00000000000000000000000000000000${p}`,
        body,
      );
      expect([r.status, r.json.error_code], `${method} ${p}`).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    }
    const dotted = await http(server.baseUrl, 'GET', '/api/2.0/mlflow/logged-models/..%2F..%2Fetc');
    expect(dotted.status).toBe(404);
    const badStatus = await http(server.baseUrl, 'PATCH', `/api/2.0/mlflow/logged-models/${modelId}`, {
      status: 'NOPE',
    });
    expect(badStatus.status).toBe(400);
  });
});
