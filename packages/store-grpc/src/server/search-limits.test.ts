/**
 * Filters cannot stop the server: LIKE patterns that a backtracking matcher takes exponential time
 * on answer over REST (a pathological matcher would run into the test timeout), oversized filters
 * are refused naming the limit, and /health keeps answering while heavy filters are evaluated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from '../../test/helpers.js';
import { createGrpcStore } from '../client/stores.js';

let s: TestServer;
const api = (path: string) => `/api/2.0/mlflow${path}`;
const manyPercent = `${'%'.repeat(60)}x`;

beforeAll(async () => {
  s = await startTestServer();
  for (const name of ['alpha', 'beta-x', 'a-rather-longer-experiment-name-without-the-letter']) {
    await http(s.baseUrl, 'POST', api('/experiments/create'), { name });
  }
});
afterAll(async () => {
  await s?.close();
});

describe('LIKE in linear time', () => {
  it(`experiments: name LIKE '<60 × %>x'`, async () => {
    const res = await http(s.baseUrl, 'POST', api('/experiments/search'), {
      filter: `name LIKE '${manyPercent}'`,
      max_results: 100,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.experiments.map((e: { name: string }) => e.name)).toEqual(['beta-x']);
    const ci = await http(s.baseUrl, 'POST', api('/experiments/search'), {
      filter: `name ILIKE '${manyPercent.toUpperCase()}'`,
    });
    expect(ci.json.experiments.map((e: { name: string }) => e.name)).toEqual(['beta-x']);
  });

  it(`runs: tags.t LIKE '%_%_%_%x' on a 2,000-character tag`, async () => {
    const experiment_id = (await http(s.baseUrl, 'POST', api('/experiments/create'), { name: 'tags' })).json
      .experiment_id;
    const ids: string[] = [];
    for (const value of ['a'.repeat(2000), `${'a'.repeat(1999)}x`]) {
      const run = await http(s.baseUrl, 'POST', api('/runs/create'), { experiment_id, tags: [{ key: 't', value }] });
      ids.push(run.json.run.info.run_id);
    }
    const res = await http(s.baseUrl, 'POST', api('/runs/search'), {
      experiment_ids: [experiment_id],
      filter: "tags.t LIKE '%_%_%_%x'",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([ids[1]]);
    const not = await http(s.baseUrl, 'POST', api('/runs/search'), {
      experiment_ids: [experiment_id],
      filter: `tags.t NOT ILIKE '${manyPercent}'`,
    });
    expect(not.json.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([ids[0]]);
  });

  it('registered models and model versions', async () => {
    for (const name of ['model-x', 'model-y']) {
      await http(s.baseUrl, 'POST', api('/registered-models/create'), { name });
      await http(s.baseUrl, 'POST', api('/model-versions/create'), {
        name,
        source: 'mlflow-artifacts:/0/abc/artifacts/model',
      });
    }
    for (const [route, key] of [
      ['/registered-models/search', 'registered_models'],
      ['/model-versions/search', 'model_versions'],
    ]) {
      const res = await http(
        s.baseUrl,
        'GET',
        api(`${route}?filter=${encodeURIComponent(`name LIKE '${manyPercent}'`)}`),
      );
      expect(res.status, res.text).toBe(200);
      expect(res.json[key!].map((m: { name: string }) => m.name)).toEqual(['model-x']);
    }
  });

  it('over gRPC too', async () => {
    const store = createGrpcStore({ address: s.grpcAddress });
    try {
      const page = await store.tracking.searchExperiments({ filter: `name LIKE '${manyPercent}'` });
      expect(page.items.map((e) => e.name)).toEqual(['beta-x']);
      await expect(
        store.tracking.searchExperiments({ filter: `${'('.repeat(5000)}name = 'a'${')'.repeat(5000)}` }),
      ).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    } finally {
      await store.close();
    }
  });

  it('keeps answering /health while heavy filters are evaluated', async () => {
    const heavy = Array.from({ length: 8 }, () =>
      http(s.baseUrl, 'POST', api('/experiments/search'), {
        filter: `name LIKE '${'%_'.repeat(400)}%x' OR name ILIKE '${manyPercent}'`,
      }),
    );
    const health = await fetch(`${s.baseUrl}/health`);
    expect(await health.text()).toBe('OK');
    for (const res of await Promise.all(heavy)) expect(res.status, res.text).toBe(200);
  });
});

describe('bounded filters', () => {
  it.each([
    ['MAX_FILTER_LENGTH', `name = '${'x'.repeat(100_001)}'`],
    ['MAX_FILTER_CLAUSES', Array.from({ length: 1001 }, (_, i) => `name = 'e${i}'`).join(' OR ')],
    ['MAX_FILTER_NESTING', `${'('.repeat(5000)}name = 'a'${')'.repeat(5000)}`],
    ['MAX_LIKE_PATTERN_LENGTH', `name LIKE '${'%'.repeat(1001)}'`],
  ])('%s → 400 INVALID_PARAMETER_VALUE naming the limit', async (limit, filter) => {
    const res = await http(s.baseUrl, 'POST', api('/experiments/search'), { filter });
    expect(res.status, res.text.slice(0, 200)).toBe(400);
    expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.json.message).toContain(limit);
  });
});
