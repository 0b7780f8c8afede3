/** What the SQL store must do beyond the conformance suite: MLflow's rows, atomic batches, concurrency, bound filters, errors. */
import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteValue } from '@mlflow-ts/format';
import { expectMlflowError } from '@mlflow-ts/format/testing';
import { connectSql, fromDbBool } from '../../src/connect.js';
import { createSqlStore } from '../../src/sql-store.js';
import { DIALECTS, openStore, type OpenedStore } from './stores.js';

const m = (key: string, value: number, step: number, timestamp = 1000 + step) => ({ key, value, timestamp, step });

describe.each(DIALECTS)('SQL tracking store on %s', (dialect) => {
  let s: OpenedStore;
  beforeAll(async () => {
    s = await openStore(dialect);
  });
  afterAll(async () => {
    await s.cleanup();
  });
  const db = () => s.store.connection.db;

  it('writes the rows MLflow writes: Default experiment 0, ids from the database, artifact URIs, runs.name, latest_metrics', async () => {
    const exp0 = await db()
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', 0)
      .executeTakeFirstOrThrow();
    expect(exp0).toMatchObject({ name: 'Default', lifecycle_stage: 'active' });
    expect(exp0.artifact_location).toMatch(/\/0$/);
    const a = await s.store.createExperiment({ name: `rows-a-${dialect}` });
    const b = await s.store.createExperiment({ name: `rows-b-${dialect}` });
    expect(Number(b)).toBe(Number(a) + 1);
    const expRow = await db()
      .selectFrom('experiments')
      .selectAll()
      .where('experiment_id', '=', Number(a))
      .executeTakeFirstOrThrow();
    const run = await s.store.createRun({ experiment_id: a, run_name: 'named', start_time: 5 });
    const row = await db()
      .selectFrom('runs')
      .selectAll()
      .where('run_uuid', '=', run.info.run_id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'named',
      status: 'RUNNING',
      lifecycle_stage: 'active',
      source_type: 'UNKNOWN',
      start_time: 5,
      end_time: null,
      deleted_time: null,
      artifact_uri: `${expRow.artifact_location}/${run.info.run_id}/artifacts`,
    });
    await s.store.logMetric(run.info.run_id, m('nan', NaN, 3));
    await s.store.logMetric(run.info.run_id, m('nan', 7, 2));
    const latest = await db()
      .selectFrom('latest_metrics')
      .selectAll()
      .where('run_uuid', '=', run.info.run_id)
      .execute();
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ key: 'nan', value: 0, step: 3, timestamp: 1003 });
    expect(fromDbBool(latest[0]?.is_nan)).toBe(true);
    await s.store.setTag(run.info.run_id, { key: 'mlflow.runName', value: 'renamed' });
    expect(
      (await db().selectFrom('runs').select('name').where('run_uuid', '=', run.info.run_id).executeTakeFirstOrThrow())
        .name,
    ).toBe('renamed');
    await s.store.deleteRun(run.info.run_id);
    const deleted = await db()
      .selectFrom('runs')
      .select(['lifecycle_stage', 'deleted_time'])
      .where('run_uuid', '=', run.info.run_id)
      .executeTakeFirstOrThrow();
    expect(deleted.lifecycle_stage).toBe('deleted');
    expect(deleted.deleted_time).toBeGreaterThan(0);
    expect((await s.store.listDeletedRuns()).map((r) => r.run_id)).toContain(run.info.run_id);
  });

  it('skips a duplicate metric point (same key, value, timestamp, step) as MLflow does', async () => {
    const exp = await s.store.createExperiment({ name: `dups-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp });
    await s.store.logMetric(info.run_id, m('x', 1, 0));
    await s.store.logMetric(info.run_id, m('x', 1, 0));
    await s.store.logBatch(info.run_id, { metrics: [m('x', 1, 0), m('x', 1, 0), m('x', 2, 0)] });
    expect((await s.store.getMetricHistory(info.run_id, 'x')).items.map((p) => p.value)).toEqual([1, 2]);
  });

  it('a batch that fails inside the transaction leaves nothing behind', async () => {
    const exp = await s.store.createExperiment({ name: `atomic-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp, run_name: 'atomic' });
    await s.store.logParam(info.run_id, { key: 'fixed', value: '1' });
    // The metric names a logged model that does not exist: the database refuses it after params and metrics went in.
    await expectMlflowError(
      s.store.logBatch(info.run_id, {
        params: [{ key: 'p_new', value: 'v' }],
        metrics: [m('a', 1, 0), { ...m('b', 2, 0), model_id: 'm-missing' }],
        tags: [{ key: 't', value: 'v' }],
      }),
      'RESOURCE_DOES_NOT_EXIST',
    );
    // A changed param: refused, and the new param and the metrics of the same batch are not written either.
    await expectMlflowError(
      s.store.logBatch(info.run_id, {
        params: [
          { key: 'p_other', value: 'v' },
          { key: 'fixed', value: '2' },
        ],
        metrics: [m('a', 1, 0)],
        tags: [{ key: 't', value: 'v' }],
      }),
      'INVALID_PARAMETER_VALUE',
    );
    const run = await s.store.getRun(info.run_id);
    expect(run.data.params).toEqual([{ key: 'fixed', value: '1' }]);
    expect(run.data.metrics).toEqual([]);
    expect(run.data.tags.map((t) => t.key)).toEqual(['mlflow.runName']);
    expect(await db().selectFrom('metrics').select('key').where('run_uuid', '=', info.run_id).execute()).toEqual([]);
  });

  it('keeps latest_metrics right under two connections logging to one run at once', async () => {
    const other = await s.reopen();
    const exp = await s.store.createExperiment({ name: `concurrent-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp });
    const batches = 20;
    const work = Array.from({ length: batches }, (_, i) => {
      const store = i % 2 === 0 ? s.store : other;
      const metrics = Array.from({ length: 50 }, (_, j) => m(`k${j % 5}`, i * 1000 + j, i * 50 + j));
      return store.logBatch(info.run_id, { metrics, params: [{ key: `p${i}`, value: String(i) }] });
    });
    await Promise.all(work);
    const run = await other.getRun(info.run_id);
    expect(run.data.params).toHaveLength(batches);
    const latest = Object.fromEntries(run.data.metrics.map((x) => [x.key, x.step]));
    expect(latest).toEqual({ k0: 995, k1: 996, k2: 997, k3: 998, k4: 999 });
    expect((await s.store.getMetricHistory(info.run_id, 'k0')).items).toHaveLength(batches * 10);
  });

  it('stores and finds the longest param and tag values MLflow allows, incompressible', async () => {
    const exp = await s.store.createExperiment({ name: `long-values-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp });
    const noise = (n: number) => randomBytes(n).toString('base64').slice(0, n);
    const param = noise(6000);
    const tag = noise(8000);
    await s.store.logBatch(info.run_id, {
      params: [{ key: 'long', value: param }],
      tags: [{ key: 'long', value: tag }],
    });
    const found = await s.store.searchRuns({
      experiment_ids: [exp],
      filter: `params.long = ${quoteValue(param)} AND tags.long = ${quoteValue(tag)}`,
    });
    expect(found.items.map((r) => r.info.run_id)).toEqual([info.run_id]);
  });

  it('binds filter values: quotes and SQL in values match literally and change nothing', async () => {
    const exp = await s.store.createExperiment({ name: `inject-${dialect}` });
    const evil = `x' OR '1'='1"; DROP TABLE runs; --`;
    const { info } = await s.store.createRun({ experiment_id: exp, tags: [{ key: 'evil', value: evil }] });
    await s.store.createRun({ experiment_id: exp, tags: [{ key: 'evil', value: 'plain' }] });
    const found = await s.store.searchRuns({ experiment_ids: [exp], filter: `tags.evil = ${quoteValue(evil)}` });
    expect(found.items.map((r) => r.info.run_id)).toEqual([info.run_id]);
    for (const filter of [
      "tags.evil = '''; DROP TABLE runs; --'",
      "params.`a'; DROP TABLE params; --` = 'x'",
      "tags.evil LIKE '%'' OR 1=1 --'",
    ]) {
      expect((await s.store.searchRuns({ experiment_ids: [exp], filter })).items).toEqual([]);
    }
    expect((await s.store.searchRuns({ experiment_ids: [exp] })).items).toHaveLength(2);
    expect(
      (await s.store.searchExperiments({ filter: `name = ${quoteValue(`inject-${dialect}`)}` })).items,
    ).toHaveLength(1);
  });

  it('refuses bad page tokens and experiment ids cleanly', async () => {
    const exp = await s.store.createExperiment({ name: `tokens-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp });
    for (const token of ['garbage', btoa('{"offset": -1}'), btoa('[]'), btoa('{"offset": "1; DROP TABLE runs"}')]) {
      await expectMlflowError(
        s.store.searchRuns({ experiment_ids: [exp], page_token: token }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(s.store.searchExperiments({ page_token: token }), 'INVALID_PARAMETER_VALUE');
      await expectMlflowError(
        s.store.getMetricHistory(info.run_id, 'x', { max_results: 2, page_token: token }),
        'INVALID_PARAMETER_VALUE',
      );
    }
    await expectMlflowError(s.store.getExperiment('not-a-number'), 'RESOURCE_DOES_NOT_EXIST');
    await expectMlflowError(s.store.getExperiment('99999999999999999999'), 'RESOURCE_DOES_NOT_EXIST');
    expect((await s.store.searchRuns({ experiment_ids: ['abc'] })).items).toEqual([]);
  });

  it("a value longer than MLflow's column is INVALID_PARAMETER_VALUE where the database enforces it (PostgreSQL)", async () => {
    const name = `long-${dialect}-${'n'.repeat(300)}`;
    if (dialect === 'postgresql') {
      const e = await expectMlflowError(s.store.createExperiment({ name }), 'INVALID_PARAMETER_VALUE');
      expect(e.message).toMatch(/longer than/);
      expect(await s.store.getExperimentByName(name)).toBeNull();
    } else {
      // SQLite does not enforce VARCHAR lengths, and MLflow's SQLite store accepts the name too.
      expect((await s.store.getExperiment(await s.store.createExperiment({ name }))).name).toBe(name);
    }
    const relative = await s.store.createExperiment({ name: `rel-${dialect}`, artifact_location: 'some/dir' });
    expect((await s.store.getExperiment(relative)).artifact_location).toBe(`${process.cwd()}/some/dir`);
  });

  it('hard-deletes runs and experiments for gc', async () => {
    const exp = await s.store.createExperiment({ name: `gc-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp });
    await s.store.logBatch(info.run_id, {
      metrics: [m('a', 1, 0)],
      params: [{ key: 'p', value: 'v' }],
      tags: [{ key: 't', value: 'v' }],
    });
    await s.store.logInputs(info.run_id, {
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'train' }],
          dataset: { name: 'd', digest: 'x', source_type: 'local', source: '{}' },
        },
      ],
    });
    await expectMlflowError(s.store.hardDeleteRun(info.run_id), 'INVALID_PARAMETER_VALUE');
    await s.store.deleteRun(info.run_id);
    await s.store.hardDeleteRun(info.run_id);
    await expectMlflowError(s.store.getRun(info.run_id), 'RESOURCE_DOES_NOT_EXIST');
    const second = await s.store.createRun({ experiment_id: exp });
    await s.store.logMetric(second.info.run_id, m('b', 1, 0));
    await expectMlflowError(s.store.hardDeleteExperiment(exp), 'INVALID_PARAMETER_VALUE');
    await s.store.deleteExperiment(exp);
    await s.store.hardDeleteExperiment(exp);
    await expectMlflowError(s.store.getExperiment(exp), 'RESOURCE_DOES_NOT_EXIST');
    await expectMlflowError(s.store.getRun(second.info.run_id), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('a read-only database gives a clear error and keeps what was written', async () => {
    const exp = await s.store.createExperiment({ name: `ro-${dialect}` });
    const { info } = await s.store.createRun({ experiment_id: exp });
    let ro: Awaited<ReturnType<typeof createSqlStore>>;
    if (dialect === 'sqlite') {
      ro = await createSqlStore({ uri: s.uri });
      await sql`PRAGMA query_only = ON`.execute(ro.connection.db);
    } else {
      const admin = await connectSql(s.uri);
      const name = new URL(s.uri).pathname.slice(1);
      await sql.raw(`ALTER DATABASE ${name} SET default_transaction_read_only = on`).execute(admin.db);
      await admin.close();
      ro = await createSqlStore({ uri: s.uri });
    }
    try {
      const e = await expectMlflowError(ro.logMetric(info.run_id, m('a', 1, 0)), 'PERMISSION_DENIED');
      expect(e.message).toMatch(/read-only/);
      expect(e.message).not.toMatch(/\n\s+at /);
      expect((await ro.getRun(info.run_id)).info.run_id).toBe(info.run_id);
    } finally {
      await ro.close();
      if (dialect === 'postgresql') {
        const admin = await connectSql(s.uri);
        const name = new URL(s.uri).pathname.slice(1);
        await sql
          .raw(`ALTER DATABASE ${name} SET default_transaction_read_only = off`)
          .execute(admin.db)
          .catch(() => {});
        await admin.close();
      }
    }
  });
});

describe('SQL tracking store on SQLite only', () => {
  let sq: OpenedStore;
  beforeAll(async () => {
    sq = await openStore('sqlite');
  });
  afterAll(async () => {
    await sq.cleanup();
  });

  it('writers of one process take turns on one SQLite file, however its URI is spelled', async () => {
    const file = new URL(sq.uri.replace(/^sqlite:\/\/\//, 'file://')).pathname;
    const other = await createSqlStore({ uri: `sqlite:///${relative(process.cwd(), file)}` });
    try {
      const exp = await sq.store.createExperiment({ name: 'spelled-twice' });
      const { info } = await sq.store.createRun({ experiment_id: exp });
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : sq.store).logBatch(info.run_id, { metrics: [m('k', i, i)] }),
        ),
      );
      expect((await other.getMetricHistory(info.run_id, 'k')).items).toHaveLength(10);
    } finally {
      await other.close();
    }
  });
});
