/**
 * The columnar runs search on a real server over a real store: the same runs, in the same order, with
 * the same values as runs/search answers for the same query; windows of one snapshot; bad input as
 * MLflow's error codes; runs/search's permission rule.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from '../../test/helpers.js';
import type { ColumnarRunsReply } from './columnar-runs.js';

const URL = '/ajax-api/2.0/mlflow-ts/runs/search-columnar';
const api = (p: string) => `/api/2.0/mlflow${p}`;

type Columnar = ColumnarRunsReply;

/** A run as runs/search answers it (the fields compared). */
interface SearchedRun {
  info: { run_id: string; run_name: string; start_time: number | string; status: string };
  data: Record<string, { key: string; value: unknown }[] | undefined>;
}

/** Column `id` of a reply as plain values per row (undefined = not set). */
function decode(r: Columnar, id: string): unknown[] {
  const c = r.columns.find((x) => x.id === id)!;
  if (c.type === 'number') return c.values.map((v) => (v === null ? undefined : v));
  return c.codes.map((k) => (k < 0 ? undefined : c.dict[k]));
}

/** What runs/search says, as the same per-row values. */
function expected(runs: SearchedRun[], id: string): unknown[] {
  const [kind, key] = [id.slice(0, id.indexOf('.')), id.slice(id.indexOf('.') + 1)];
  return runs.map((r) => (r.data[kind] ?? []).find((e) => e.key === key)?.value);
}

for (const store of ['memory', 'fs'] as const) {
  describe(`columnar runs search (${store} store)`, () => {
    let s: TestServer;
    let exp: string;
    const post = (body: unknown) => http(s.baseUrl, 'POST', URL, body);
    beforeAll(async () => {
      s = await startTestServer({ store });
      exp = (await http(s.baseUrl, 'POST', api('/experiments/create'), { name: 'cols' })).json.experiment_id;
      for (let i = 0; i < 37; i++) {
        const run = (
          await http(s.baseUrl, 'POST', api('/runs/create'), {
            experiment_id: exp,
            run_name: `r${i}`,
            start_time: 1_700_000_000_000 + i * 1000,
          })
        ).json.run;
        const metrics = [{ key: 'loss', value: i === 5 ? 'NaN' : 1 / (i + 1), timestamp: 1, step: 0 }];
        if (i % 3 === 0) metrics.push({ key: 'acc', value: i / 100, timestamp: 1, step: 0 });
        await http(s.baseUrl, 'POST', api('/runs/log-batch'), {
          run_id: run.info.run_id,
          metrics,
          params: [{ key: 'lr', value: String(i % 4) }, ...(i % 2 ? [{ key: 'opt', value: 'adam' }] : [])],
          tags: i % 5 === 0 ? [{ key: 'team', value: `t${i % 2}` }] : [],
        });
      }
    });
    afterAll(async () => {
      await s?.close();
    });

    const cols = ['metrics.loss', 'metrics.acc', 'params.lr', 'params.opt', 'tags.team'];

    it('answers the runs, order and values runs/search answers for the same filter and order', async () => {
      const query = {
        experiment_ids: [exp],
        filter: "params.lr = '1' OR params.lr = '2' OR tags.team = 't0'",
        order_by: ['metrics.loss ASC'],
      };
      const refRes = await http(s.baseUrl, 'POST', api('/runs/search'), { ...query, max_results: 1000 });
      expect(refRes.status, refRes.text).toBe(200);
      const ref = refRes.json.runs as SearchedRun[];
      expect(ref?.length, JSON.stringify(ref)).toBeGreaterThan(10);
      const res = await post({ ...query, columns: cols, include_keys: true });
      expect(res.status, res.text).toBe(200);
      const r = res.json as Columnar;
      expect(r.total).toBe(ref.length);
      expect(r.count).toBe(ref.length);
      expect(r.attributes.run_id).toEqual(ref.map((x: SearchedRun) => x.info.run_id));
      expect(r.attributes.run_name).toEqual(ref.map((x: SearchedRun) => x.info.run_name));
      expect(r.attributes.start_time).toEqual(ref.map((x: SearchedRun) => Number(x.info.start_time)));
      expect(r.attributes.status.codes.map((k) => r.attributes.status.dict[k])).toEqual(
        ref.map((x: SearchedRun) => x.info.status),
      );
      for (const id of cols) expect(decode(r, id), id).toEqual(expected(ref, id));
      // metrics are numbers, not strings; the NaN of run r5 as MLflow's JSON writes it
      expect(r.columns.find((c) => c.id === 'metrics.loss')!.type).toBe('number');
      const all = (await post({ experiment_ids: [exp], columns: ['metrics.loss'] })).json as Columnar;
      expect(decode(all, 'metrics.loss')[all.attributes.run_name.indexOf('r5')]).toBe('NaN');
      // params are dictionary-encoded: 4 distinct learning rates at most
      const lr = r.columns.find((c) => c.id === 'params.lr')!;
      expect(lr.type === 'string' && lr.dict.length).toBeLessThanOrEqual(3);
      expect(r.keys).toEqual({
        metrics: ['acc', 'loss'],
        params: ['lr', 'opt'],
        tags: expect.arrayContaining(['team']),
      });
    });

    it('windows one snapshot; a new search sees new runs, the snapshot does not', async () => {
      const q = { experiment_ids: [exp], order_by: ['attributes.start_time DESC'], columns: ['params.lr'] };
      const first = (await post({ ...q, limit: 10 })).json as Columnar;
      expect(first.total).toBe(37);
      expect(first.count).toBe(10);
      const ids = [...first.attributes.run_id];
      for (let offset = 10; offset < 37; offset += 10) {
        const w = (await post({ ...q, limit: 10, offset, snapshot: first.snapshot })).json as Columnar;
        expect(w.snapshot).toBe(first.snapshot);
        expect(w.offset).toBe(offset);
        ids.push(...w.attributes.run_id);
      }
      const ref = (await http(s.baseUrl, 'POST', api('/runs/search'), { ...q, max_results: 100 })).json
        .runs as SearchedRun[];
      expect(ids).toEqual(ref.map((x: SearchedRun) => x.info.run_id));
      await http(s.baseUrl, 'POST', api('/runs/create'), { experiment_id: exp, start_time: 1_800_000_000_000 });
      const old = (await post({ ...q, limit: 5, snapshot: first.snapshot })).json as Columnar;
      expect(old.total).toBe(37);
      const fresh = (await post({ ...q, limit: 5 })).json as Columnar;
      expect(fresh.total).toBe(38);
      expect(fresh.snapshot).not.toBe(first.snapshot);
      // a snapshot of another query is not reused for this one
      const other = (await post({ ...q, filter: "params.lr = '1'", snapshot: first.snapshot })).json as Columnar;
      expect(other.snapshot).not.toBe(first.snapshot);
      expect(other.total).toBe(9);
      // past the end: an empty window, the total still told
      const past = (await post({ ...q, offset: 1000 })).json as Columnar;
      expect([past.count, past.attributes.run_id.length, past.total]).toEqual([0, 0, 38]);
    });

    it.each([
      [{}, 'INVALID_PARAMETER_VALUE', /experiment_ids/],
      [{ experiment_ids: 'x' }, 'INVALID_PARAMETER_VALUE', /experiment_ids/],
      [{ experiment_ids: ['0'], columns: ['loss'] }, 'INVALID_PARAMETER_VALUE', /'loss'/],
      [{ experiment_ids: ['0'], columns: ['attributes.x'] }, 'INVALID_PARAMETER_VALUE', /attributes\.x/],
      [{ experiment_ids: ['0'], limit: -1 }, 'INVALID_PARAMETER_VALUE', /limit/],
      [{ experiment_ids: ['0'], limit: 1.5 }, 'INVALID_PARAMETER_VALUE', /limit/],
      [{ experiment_ids: ['0'], offset: 'a' }, 'INVALID_PARAMETER_VALUE', /offset/],
      [{ experiment_ids: ['0'], run_view_type: 'SOME' }, 'INVALID_PARAMETER_VALUE', /run_view_type/],
      [{ experiment_ids: ['0'], include_keys: 'yes' }, 'INVALID_PARAMETER_VALUE', /include_keys/],
      [
        { experiment_ids: ['0'], limit: 50_000, columns: Array.from({ length: 100 }, (_, i) => `metrics.m${i}`) },
        'INVALID_PARAMETER_VALUE',
        /cells/,
      ],
      [{ experiment_ids: ['0'], filter: 'metrics.loss >>> 1' }, 'INVALID_PARAMETER_VALUE', /./],
      [{ experiment_ids: ['0'], order_by: ['nope.x ASC'] }, 'INVALID_PARAMETER_VALUE', /./],
    ])('refuses %j with %s', async (body, code, message) => {
      const res = await post(body);
      expect(res.status, res.text).toBe(400);
      expect(res.json.error_code).toBe(code);
      expect(res.json.message).toMatch(message);
    });

    it('refuses bodies that are not JSON objects, and a missing content type', async () => {
      for (const body of ['{nope', '[1]']) {
        const res = await http(s.baseUrl, 'POST', URL, body);
        expect(res.status, res.text).toBe(400);
        expect(res.json.error_code).toBe('MALFORMED_REQUEST');
      }
      const res = await fetch(s.baseUrl + URL, { method: 'POST', body: '{}' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
      const unknown = await post({ experiment_ids: ['424242'] });
      expect(unknown.status, unknown.text).toBe(200);
      expect((unknown.json as Columnar).total).toBe(0);
    });
  });
}

describe('columnar metric histories', () => {
  const HISTORY = '/ajax-api/2.0/mlflow-ts/metrics/get-history-bulk-interval';
  let s: TestServer;
  const ids: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({ store: 'fs' });
    const exp = (await http(s.baseUrl, 'POST', api('/experiments/create'), { name: 'hist' })).json.experiment_id;
    for (let i = 0; i < 130; i++) {
      const run = (await http(s.baseUrl, 'POST', api('/runs/create'), { experiment_id: exp })).json.run;
      ids.push(run.info.run_id);
      const metrics = Array.from({ length: 40 }, (_, k) => ({
        key: 'loss',
        value: k === 7 && i === 3 ? 'NaN' : (i + 1) / (k + 1),
        timestamp: 1000 + k,
        step: k * 2,
      }));
      await http(s.baseUrl, 'POST', api('/runs/log-batch'), { run_id: run.info.run_id, metrics });
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  it("answers MLflow's bulk-interval points for more than 100 runs in one request, one series per run", async () => {
    for (const max_results of [2500, 9]) {
      const res = await http(s.baseUrl, 'POST', HISTORY, { run_ids: ids, metric_key: 'loss', max_results });
      expect(res.status, res.text).toBe(200);
      const series = res.json.series as { run_id: string; steps: number[]; timestamps: number[]; values: unknown[] }[];
      expect(series.map((x) => x.run_id)).toEqual(ids);
      // the reference: MLflow's endpoint, 100 runs at a time
      for (const chunk of [ids.slice(0, 100), ids.slice(100)]) {
        const q = `${chunk.map((id) => `run_ids=${id}`).join('&')}&metric_key=loss&max_results=${max_results}`;
        const ref = (await http(s.baseUrl, 'GET', `${api('/metrics/get-history-bulk-interval')}?${q}`)).json
          .metrics as { run_id: string; step: number; timestamp: number; value: unknown }[];
        for (const id of chunk) {
          const mine = series.find((x) => x.run_id === id)!;
          const theirs = ref.filter((m) => m.run_id === id);
          expect(mine.steps).toEqual(theirs.map((m) => Number(m.step)));
          expect(mine.timestamps).toEqual(theirs.map((m) => Number(m.timestamp)));
          expect(mine.values).toEqual(theirs.map((m) => m.value));
        }
      }
      if (max_results === 2500) {
        expect(series[0]!.steps).toHaveLength(40);
        expect(series[3]!.values[7]).toBe('NaN');
      } else expect(series[0]!.steps.length).toBeLessThan(40);
    }
    const zoom = (
      await http(s.baseUrl, 'POST', HISTORY, {
        run_ids: ids.slice(0, 2),
        metric_key: 'loss',
        start_step: 10,
        end_step: 20,
      })
    ).json.series as { steps: number[] }[];
    expect(zoom[0]!.steps).toEqual([10, 12, 14, 16, 18, 20]);
  });

  it.each([
    [{ metric_key: 'loss' }, /run_ids/],
    [{ run_ids: ['a'] }, /metric_key/],
    [{ run_ids: Array.from({ length: 1001 }, (_, i) => `r${i}`), metric_key: 'loss' }, /1001/],
    [{ run_ids: ['a'], metric_key: 'loss', max_results: 0 }, /max_results/],
    [{ run_ids: ['a'], metric_key: 'loss', max_results: '5' }, /max_results/],
    [{ run_ids: ['a'], metric_key: 'loss', start_step: 3 }, /start step or end step/],
  ])('refuses %j', async (body, message) => {
    const res = await http(s.baseUrl, 'POST', HISTORY, body);
    expect(res.status, res.text).toBe(400);
    expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.json.message).toMatch(message);
  });
});

describe('columnar runs search: the permissions of runs/search', () => {
  let s: TestServer;
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const admin = basic('admin', 'password1234');
  beforeAll(async () => {
    s = await startTestServer({
      auth: {
        database: path.join(tmpdir(), `columnar-auth-${process.pid}-${Date.now()}.db`),
        admin: { username: 'admin', password: 'password1234' },
        defaultPermission: 'NO_PERMISSIONS',
      },
    });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a user reads the experiments granted to them and is refused the others; no credentials: 401', async () => {
    const as = (auth: string) => (p: string, body: unknown) =>
      http(s.baseUrl, 'POST', p, body, { authorization: auth });
    const byAdmin = as(admin);
    expect((await byAdmin(api('/users/create'), { username: 'u1', password: 'u1-password-1234' })).status).toBe(200);
    const mine = (await byAdmin(api('/experiments/create'), { name: 'mine' })).json.experiment_id;
    const theirs = (await byAdmin(api('/experiments/create'), { name: 'theirs' })).json.experiment_id;
    await byAdmin(api('/runs/create'), { experiment_id: mine });
    const grant = await byAdmin(api('/experiments/permissions/create'), {
      experiment_id: mine,
      username: 'u1',
      permission: 'READ',
    });
    expect(grant.status, grant.text).toBe(200);
    const user = as(basic('u1', 'u1-password-1234'));
    const ok = await user(URL, { experiment_ids: [mine] });
    expect(ok.status, ok.text).toBe(200);
    expect((ok.json as Columnar).total).toBe(1);
    for (const ids of [[theirs], [mine, theirs]]) {
      const search = await user(api('/runs/search'), { experiment_ids: ids });
      const columnar = await user(URL, { experiment_ids: ids });
      expect([columnar.status, columnar.json.error_code]).toEqual([search.status, search.json.error_code]);
      expect(columnar.json.error_code).toBe('PERMISSION_DENIED');
    }
    expect((await http(s.baseUrl, 'POST', URL, { experiment_ids: [mine] })).status).toBe(401);
    // the metric histories: get-history-bulk-interval's rule (read on each run's experiment)
    const HISTORY = '/ajax-api/2.0/mlflow-ts/metrics/get-history-bulk-interval';
    const mineRun = (await byAdmin(api('/runs/create'), { experiment_id: mine })).json.run.info.run_id;
    const theirRun = (await byAdmin(api('/runs/create'), { experiment_id: theirs })).json.run.info.run_id;
    expect((await user(HISTORY, { run_ids: [mineRun], metric_key: 'm' })).status).toBe(200);
    const refused = await user(HISTORY, { run_ids: [mineRun, theirRun], metric_key: 'm' });
    expect([refused.status, refused.json.error_code]).toEqual([403, 'PERMISSION_DENIED']);
  });
});
