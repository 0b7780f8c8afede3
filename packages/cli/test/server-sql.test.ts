/**
 * `mlflow-ts server` over MLflow's SQL database, as users run it (the built CLI, real processes, real
 * SQLite files and PostgreSQL databases): `--workers 2` on one port, two servers on one PostgreSQL database
 * serving one consistent store to concurrent writers and readers, and SIGKILL mid-`log_batch` on SQLite and
 * PostgreSQL: every acknowledged batch is in the database, no batch is there in part.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectSql } from '@mlflow-ts/store-sql';
import { stopProcess } from './built-cli.js';
import { builtCliSuite, callApi as call, logBatchesUntilKilled } from './server-harness.js';

const suite = builtCliSuite('mlflow-ts-server-sql-');
const postgres = () => suite.postgres('mlflow_ts_server');
const startServer = (uri: string, ...more: string[]) =>
  suite.startServer(
    [
      '--backend-store-uri',
      uri,
      '--port',
      '0',
      '--no-ui',
      '--artifacts-destination',
      path.join(suite.tmp, 'mlartifacts'),
      ...more,
    ],
    { cwd: suite.tmp },
  );

/** The child processes of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

type RunResponse = { run: { info: { run_id: string } } };

describe('mlflow-ts server over SQL', () => {
  it('SQLite: --workers 2 share one port and serve one store; SIGTERM stops primary and workers', async () => {
    const uri = `sqlite:///${path.join(suite.tmp, 'workers.db')}`;
    const { p, url } = await startServer(uri, '--workers', '2');
    expect(p.stdout()).toMatch(/\(2 workers\)/);
    const pid = p.child.pid!;
    const workers = childrenOf(pid);
    expect(workers).toHaveLength(2);
    // Many connections, so both workers take some: every write is seen by every later read.
    const { experiment_id } = await call<{ experiment_id: string }>(url, 'experiments/create', { name: 'w' });
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call<RunResponse>(url, 'runs/create', { experiment_id, run_name: `r${i}` })),
    );
    for (const r of runs)
      await call(url, 'runs/log-metric', { run_id: r.run.info.run_id, key: 'm', value: 1, timestamp: 1, step: 0 });
    const found = await call<{ runs: unknown[] }>(url, 'runs/search', {
      experiment_ids: [experiment_id],
      filter: 'metrics.m = 1',
      max_results: 100,
    });
    expect(found.runs).toHaveLength(20);
    const exit = await stopProcess(p);
    expect(exit.code).toBe(0);
    expect(workers.filter((w) => readdirSync('/proc').includes(String(w)))).toEqual([]);
  });

  it('PostgreSQL: two servers on one database, concurrent writers and readers through both see one store', async () => {
    const uri = await postgres();
    const [a, b] = await Promise.all([startServer(uri), startServer(uri)]);
    const urls = [a.url, b.url];
    // Experiment names stay unique across servers.
    const names = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        urls.map((url) =>
          call(url, 'experiments/create', { name: `exp-${i}` }).then(
            () => 'ok',
            (e: { code?: string }) => e.code ?? 'error',
          ),
        ),
      ).flat(),
    );
    expect(names.filter((r) => r === 'ok')).toHaveLength(20);
    expect(names.filter((r) => r !== 'ok').every((r) => r === 'RESOURCE_ALREADY_EXISTS')).toBe(true);
    // Writers on each server; after each acknowledged batch, a reader on the other server sees it whole.
    const { run } = await call<RunResponse>(a.url, 'runs/create', { experiment_id: '0', run_name: 'shared' });
    const runId = run.info.run_id;
    const writer = async (w: number) => {
      const [mine, other] = [urls[w % 2]!, urls[(w + 1) % 2]!];
      for (let bn = 0; bn < 15; bn++) {
        const metrics = Array.from({ length: 50 }, (_, i) => ({
          key: `w${w}`,
          value: bn * 100 + i,
          timestamp: 1000 + bn,
          step: bn,
        }));
        await call(mine, 'runs/log-batch', {
          run_id: runId,
          metrics,
          params: [{ key: `w${w}.b${bn}`, value: String(bn) }],
        });
        const h = await call<{ metrics?: { step: number }[] }>(
          other,
          `metrics/get-history?run_id=${runId}&metric_key=w${w}`,
        );
        expect(h.metrics ?? []).toHaveLength((bn + 1) * 50);
      }
    };
    // Registry version numbers are assigned by the database: distinct under concurrency across servers.
    await call(a.url, 'registered-models/create', { name: 'shared-model' });
    const versions = Array.from({ length: 20 }, (_, i) =>
      call<{ model_version: { version: string } }>(urls[i % 2]!, 'model-versions/create', {
        name: 'shared-model',
        source: `s3://b/m${i}`,
      }),
    );
    const [created] = await Promise.all([Promise.all(versions), ...[0, 1, 2, 3].map(writer)]);
    expect(created.map((v) => Number(v.model_version.version)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    // Both servers answer the same.
    const views = await Promise.all(
      urls.map((url) =>
        call<{ run: { data: { params: unknown[]; metrics: unknown[] } } }>(url, `runs/get?run_id=${runId}`),
      ),
    );
    expect(views[0]!.run.data.params).toHaveLength(60);
    expect(views[0]).toEqual(views[1]);
    const searches = await Promise.all(
      urls.map((url) => call(url, 'experiments/search', { max_results: 100, order_by: ['name'] })),
    );
    expect(searches[0]).toEqual(searches[1]);
    await Promise.all([stopProcess(a.p), stopProcess(b.p)]);
  });

  it('--registry-store-uri on SQLite beside a file tracking store: the registry lives in the database', async () => {
    const file = path.join(suite.tmp, 'registry.db');
    const { p, url } = await startServer(
      path.join(suite.tmp, 'mlruns-reg'),
      '--registry-store-uri',
      `sqlite:///${file}`,
    );
    const { run } = await call<RunResponse>(url, 'runs/create', { experiment_id: '0' });
    await call(url, 'registered-models/create', { name: 'in-sql' });
    const mv = await call<{ model_version: { version: string; run_id: string } }>(url, 'model-versions/create', {
      name: 'in-sql',
      source: 's3://bucket/model',
      run_id: run.info.run_id,
    });
    expect(mv.model_version).toMatchObject({ version: '1', run_id: run.info.run_id });
    await stopProcess(p);
    const conn = await connectSql(`sqlite:///${file}`);
    try {
      expect(
        await conn.db.selectFrom('model_versions').select(['name', 'version', 'source', 'run_id']).execute(),
      ).toEqual([{ name: 'in-sql', version: 1, source: 's3://bucket/model', run_id: run.info.run_id }]);
      expect(await conn.db.selectFrom('runs').select('run_uuid').execute()).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  for (const dialect of ['sqlite', 'postgresql'] as const) {
    it(`${dialect}: SIGKILL while 4 clients log batches: every acknowledged batch present, none in part`, async () => {
      const uri = dialect === 'sqlite' ? `sqlite:///${path.join(suite.tmp, 'kill.db')}` : await postgres();
      const { p, url } = await startServer(uri);
      const { run } = await call<RunResponse>(url, 'runs/create', { experiment_id: '0' });
      const runId = run.info.run_id;
      const acked = await logBatchesUntilKilled(p, url, runId, 100);
      // Read the database itself, as MLflow would.
      const conn = await connectSql(uri);
      try {
        const metrics = await conn.db
          .selectFrom('metrics')
          .select(['key', 'step'])
          .where('run_uuid', '=', runId)
          .execute();
        const params = await conn.db
          .selectFrom('params')
          .select(['key', 'value'])
          .where('run_uuid', '=', runId)
          .execute();
        const tags = await conn.db.selectFrom('tags').select('key').where('run_uuid', '=', runId).execute();
        for (let c = 0; c < 4; c++) {
          const perStep = new Map<number, number>();
          for (const m of metrics)
            if (m.key === `m${c}`) perStep.set(Number(m.step), (perStep.get(Number(m.step)) ?? 0) + 1);
          for (const b of acked[c]!) expect(perStep.get(b), `client ${c} batch ${b}`).toBe(100);
          for (const [b, n] of perStep) {
            expect(n, `client ${c} batch ${b} is whole`).toBe(100);
            expect(
              params.some((x) => x.key === `c${c}.p${b}` && x.value === String(b)),
              `client ${c} batch ${b} param`,
            ).toBe(true);
            expect(
              tags.some((x) => x.key === `c${c}.t${b}`),
              `client ${c} batch ${b} tag`,
            ).toBe(true);
          }
          // No params or tags of a batch whose metrics are absent.
          for (const x of params)
            if (x.key.startsWith(`c${c}.p`)) expect(perStep.get(Number(x.key.slice(`c${c}.p`.length)))).toBe(100);
        }
      } finally {
        await conn.close();
      }
      // A new server on the database serves all of it.
      const again = await startServer(uri);
      const h = await call<{ metrics: unknown[] }>(again.url, `metrics/get-history?run_id=${runId}&metric_key=m0`);
      expect(h.metrics.length).toBeGreaterThanOrEqual(acked[0]!.length * 100);
      await stopProcess(again.p);
    });
  }
});
