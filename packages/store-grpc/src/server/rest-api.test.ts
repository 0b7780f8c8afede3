/**
 * MLflow's documented REST requests, sent raw over HTTP to a real server on 127.0.0.1, checking
 * the exact JSON bodies and statuses MLflow answers with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from '../../test/helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ store: 'fs', grpcPort: undefined });
});
afterAll(async () => {
  await s?.close();
});

const api = (path: string) => `/api/2.0/mlflow${path}`;

describe('tracking REST API', () => {
  let experimentId: string;
  let runId: string;

  it('creates and gets an experiment (mlflow-artifacts:/ location, empty tags omitted)', async () => {
    const created = await http(s.baseUrl, 'POST', api('/experiments/create'), { name: 'rest-exp' });
    expect(created.status).toBe(200);
    expect(Object.keys(created.json)).toEqual(['experiment_id']);
    experimentId = created.json.experiment_id;
    expect(typeof experimentId).toBe('string');

    const got = await http(s.baseUrl, 'GET', api(`/experiments/get?experiment_id=${experimentId}`));
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toMatch(/^application\/json/);
    const e = got.json.experiment;
    expect(e).toEqual({
      experiment_id: experimentId,
      name: 'rest-exp',
      artifact_location: `mlflow-artifacts:/${experimentId}`,
      lifecycle_stage: 'active',
      last_update_time: expect.any(Number),
      creation_time: expect.any(Number),
    });
    const byName = await http(s.baseUrl, 'GET', api('/experiments/get-by-name?experiment_name=rest-exp'));
    expect(byName.json.experiment.experiment_id).toBe(experimentId);
  });

  it('answers a duplicate name with RESOURCE_ALREADY_EXISTS and HTTP 400', async () => {
    const dup = await http(s.baseUrl, 'POST', api('/experiments/create'), { name: 'rest-exp' });
    expect(dup.status).toBe(400);
    expect(dup.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(typeof dup.json.message).toBe('string');
  });

  it('creates a run: both run_id and run_uuid, int64 numbers, no end_time, run name tag', async () => {
    const res = await http(s.baseUrl, 'POST', api('/runs/create'), {
      experiment_id: experimentId,
      run_name: 'first-run',
      start_time: 1700000000000,
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(res.status).toBe(200);
    const { info, data } = res.json.run;
    runId = info.run_id;
    expect(info).toEqual({
      run_id: runId,
      run_uuid: runId,
      run_name: 'first-run',
      experiment_id: experimentId,
      user_id: expect.any(String),
      status: 'RUNNING',
      start_time: 1700000000000,
      artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(data.metrics).toBeUndefined();
    expect(data.params).toBeUndefined();
    expect(data.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'a' },
        { key: 'mlflow.runName', value: 'first-run' },
      ]),
    );
  });

  it('logs a batch (NaN as "NaN") and reads the history back', async () => {
    const batch = await http(s.baseUrl, 'POST', api('/runs/log-batch'), {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1700000000001, step: 0 },
        { key: 'loss', value: 'NaN', timestamp: 1700000000002, step: 1 },
        { key: 'acc', value: 0.9, timestamp: 1700000000003, step: 1 },
      ],
      params: [{ key: 'lr', value: '0.01' }],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    expect(batch.status).toBe(200);
    expect(batch.json).toEqual({});

    const hist = await http(
      s.baseUrl,
      'GET',
      api(`/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=100`),
    );
    expect(hist.status).toBe(200);
    expect(hist.text).toContain('"NaN"');
    expect(hist.json).toEqual({
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1700000000001, step: 0 },
        { key: 'loss', value: 'NaN', timestamp: 1700000000002, step: 1 },
      ],
    });
    // the legacy run_uuid alias works for get-history and runs/get
    const legacy = await http(s.baseUrl, 'GET', api(`/runs/get?run_uuid=${runId}`));
    expect(legacy.json.run.data.params).toEqual([{ key: 'lr', value: '0.01' }]);
  });

  it('searches runs with a filter, order_by and a page token; no hits is {}', async () => {
    const second = await http(s.baseUrl, 'POST', api('/runs/create'), {
      experiment_id: experimentId,
      run_name: 'second-run',
      start_time: 1700000001000,
    });
    const secondId = second.json.run.info.run_id;
    await http(s.baseUrl, 'POST', api('/runs/log-metric'), {
      run_id: secondId,
      key: 'acc',
      value: 0.95,
      timestamp: 1700000001001,
      step: 1,
    });
    await http(s.baseUrl, 'POST', api('/runs/log-parameter'), { run_uuid: secondId, key: 'lr', value: '0.01' });

    const filter = "metrics.acc > 0.5 and params.lr = '0.01'";
    const page1 = await http(s.baseUrl, 'POST', api('/runs/search'), {
      experiment_ids: [experimentId],
      filter,
      order_by: ['metrics.acc DESC'],
      max_results: 1,
    });
    expect(page1.status).toBe(200);
    expect(page1.json.runs.map((r: any) => r.info.run_id)).toEqual([secondId]);
    expect(typeof page1.json.next_page_token).toBe('string');
    const page2 = await http(s.baseUrl, 'POST', api('/runs/search'), {
      experiment_ids: [experimentId],
      filter,
      order_by: ['metrics.acc DESC'],
      max_results: 1,
      page_token: page1.json.next_page_token,
    });
    expect(page2.json.runs.map((r: any) => r.info.run_id)).toEqual([runId]);
    expect(page2.json.next_page_token).toBeUndefined();

    const none = await http(s.baseUrl, 'POST', api('/runs/search'), {
      experiment_ids: [experimentId],
      filter: 'metrics.acc > 5',
    });
    expect(none.status).toBe(200);
    expect(none.json).toEqual({});
  });

  it('reads GET repeated keys (get-history-bulk-interval) and the ajax-api twin', async () => {
    const res = await http(
      s.baseUrl,
      'GET',
      `/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&run_ids=${runId}&metric_key=acc`,
    );
    expect(res.status).toBe(200);
    expect(res.json.metrics.every((m: any) => m.run_id === runId && m.key === 'acc')).toBe(true);
    const bulk = await http(
      s.baseUrl,
      'GET',
      `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${runId}&metric_key=loss`,
    );
    expect(bulk.json.metrics).toHaveLength(2);
  });

  it('applies MLflow request checks: required, content type, malformed JSON, bool strings, 404 and 405', async () => {
    const missing = await http(s.baseUrl, 'GET', api('/experiments/get'));
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "Missing value for required parameter 'experiment_id'.",
    });
    const empty = await http(s.baseUrl, 'POST', api('/experiments/create'), { name: '' });
    expect(empty.json.message).toBe("Missing value for required parameter 'name'.");

    const noType = await fetch(s.baseUrl + api('/experiments/create'), {
      method: 'POST',
      body: '{"name":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(noType.status).toBe(400);
    expect(((await noType.json()) as any).error_code).toBe('INVALID_PARAMETER_VALUE');

    const bad = await http(s.baseUrl, 'POST', api('/experiments/create'), '{"name": ');
    expect(bad.status).toBe(400);

    const badType = await http(s.baseUrl, 'POST', api('/runs/log-metric'), {
      run_id: runId,
      key: 'k',
      value: 'abc',
      timestamp: 1,
    });
    expect(badType.status).toBe(400);
    expect(badType.json.message).toContain("parameter 'value'");

    const badBool = await http(s.baseUrl, 'POST', api('/model-versions/transition-stage'), {
      name: 'm',
      version: '1',
      stage: 'Staging',
      archive_existing_versions: 'yes',
    });
    expect(badBool.status).toBe(400);

    const notFound = await http(s.baseUrl, 'GET', api('/runs/get?run_id=0123456789abcdef0123456789abcdef'));
    expect(notFound.status).toBe(404);
    expect(notFound.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    expect((await http(s.baseUrl, 'GET', api('/no/such/endpoint'))).status).toBe(404);
    expect((await http(s.baseUrl, 'GET', api('/runs/create'))).status).toBe(405);
  });

  it('serves /health and /version', async () => {
    const health = await http(s.baseUrl, 'GET', '/health');
    expect([health.status, health.text]).toEqual([200, 'OK']);
    expect((await http(s.baseUrl, 'GET', '/version')).text).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('proxies artifacts: PUT, GET, list, run artifacts/list, get-artifact, DELETE', async () => {
    const base = `${experimentId}/${runId}/artifacts`;
    const bytes = 'artifact_path: model\nflavors: {}\n';
    const put = await fetch(`${s.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${base}/model/MLmodel`, {
      method: 'PUT',
      body: bytes,
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({});

    const get = await fetch(`${s.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${base}/model/MLmodel`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-disposition')).toBe('attachment; filename=MLmodel');
    expect(await get.text()).toBe(bytes);

    const list = await http(
      s.baseUrl,
      'GET',
      `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`${base}/model`)}`,
    );
    expect(list.json).toEqual({ files: [{ path: 'MLmodel', is_dir: false, file_size: bytes.length }] });

    const runList = await http(s.baseUrl, 'GET', api(`/artifacts/list?run_id=${runId}`));
    expect(runList.json).toEqual({ root_uri: `mlflow-artifacts:/${base}`, files: [{ path: 'model', is_dir: true }] });
    const runListSub = await http(s.baseUrl, 'GET', api(`/artifacts/list?run_id=${runId}&path=model`));
    expect(runListSub.json.files).toEqual([{ path: 'model/MLmodel', is_dir: false, file_size: bytes.length }]);

    const viaRun = await fetch(`${s.baseUrl}/get-artifact?run_id=${runId}&path=model/MLmodel`);
    expect(await viaRun.text()).toBe(bytes);

    const del = await fetch(`${s.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${base}/model`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const gone = await fetch(`${s.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${base}/model/MLmodel`);
    expect(gone.status).toBe(404);
  });
});

describe('registry REST API', () => {
  it('creates a model and a version, uses PATCH and DELETE with JSON bodies', async () => {
    const created = await http(s.baseUrl, 'POST', api('/registered-models/create'), { name: 'reg-model' });
    expect(created.status).toBe(200);
    expect(created.json.registered_model).toMatchObject({ name: 'reg-model', creation_timestamp: expect.any(Number) });
    expect(created.json.registered_model.latest_versions).toBeUndefined();

    const mv = await http(s.baseUrl, 'POST', api('/model-versions/create'), {
      name: 'reg-model',
      source: 'mlflow-artifacts:/1/abc/artifacts/model',
    });
    expect(mv.status).toBe(200);
    expect(mv.json.model_version).toMatchObject({
      name: 'reg-model',
      version: '1',
      current_stage: 'None',
      status: 'READY',
    });

    const upd = await http(s.baseUrl, 'PATCH', api('/model-versions/update'), {
      name: 'reg-model',
      version: '1',
      description: 'd',
    });
    expect(upd.json.model_version.description).toBe('d');

    const latest = await http(
      s.baseUrl,
      'GET',
      api('/registered-models/get-latest-versions?name=reg-model&stages=None'),
    );
    expect(latest.json.model_versions.map((v: any) => v.version)).toEqual(['1']);

    const unknownAlias = await http(s.baseUrl, 'GET', api('/registered-models/alias?name=reg-model&alias=nope'));
    expect(unknownAlias.status).toBe(400);
    expect(unknownAlias.json.error_code).toBe('INVALID_PARAMETER_VALUE');

    const del = await http(s.baseUrl, 'DELETE', api('/registered-models/delete'), { name: 'reg-model' });
    expect(del.status).toBe(200);
    const after = await http(s.baseUrl, 'GET', api('/registered-models/get?name=reg-model'));
    expect(after.status).toBe(404);
  });
});

describe('body limits', () => {
  it('refuses a JSON body over bodyLimit with 400, while artifact uploads stream past it', async () => {
    const small = await startTestServer({ bodyLimit: 1024, grpcPort: undefined });
    try {
      const big = await http(small.baseUrl, 'POST', api('/experiments/create'), { name: 'x'.repeat(4096) });
      expect(big.status).toBe(400);
      expect(big.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      const put = await fetch(`${small.baseUrl}/api/2.0/mlflow-artifacts/artifacts/big/file.bin`, {
        method: 'PUT',
        body: new Uint8Array(64 * 1024),
      });
      expect(put.status).toBe(200);
      const listed = await http(small.baseUrl, 'GET', '/api/2.0/mlflow-artifacts/artifacts?path=big');
      expect(listed.json).toEqual({ files: [{ path: 'file.bin', is_dir: false, file_size: 64 * 1024 }] });
    } finally {
      await small.close();
    }
  });
});
