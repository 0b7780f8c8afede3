/**
 * PostgreSQL's param and tag value indexes are partial btrees (values of at most 1000 UTF-8 bytes):
 * equality filters on short literals add the index's predicate, long values are still stored and
 * found, and the hash indexes of earlier versions are dropped when a store opens the database.
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '@mlflow-ts/format';
import { JoinSet, compileSqlFilter } from '../../src/search/index.js';
import { runSearchScope } from '../../src/tracking/search-scopes.js';
import { suiteStore } from './stores.js';

const compiled = (dialect: 'sqlite' | 'postgresql', filter: string) => {
  const joins = new JoinSet();
  const where = compileSqlFilter(parseFilter(filter, 'runs'), runSearchScope(dialect, joins, 'filter'));
  return where.compile(compiler);
};

/** Compiles without a database. */
const compiler = new Kysely<Record<string, never>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('the partial value index guard in compiled filters', () => {
  it.each([
    ["params.p = 'adam'", true],
    [`params.p = '${'x'.repeat(1000)}'`, true],
    [`params.p = '${'x'.repeat(1001)}'`, false],
    [`tags.t = '${'é'.repeat(500)}'`, true],
    [`tags.t = '${'é'.repeat(501)}'`, false],
    ["params.p != 'adam'", false],
    ["params.p LIKE 'ad%'", false],
  ])('%s → guarded: %s', (filter, guarded) => {
    expect(compiled('postgresql', filter).sql.includes('octet_length(j1.value) <= 1000')).toBe(guarded);
    expect(compiled('sqlite', filter).sql).not.toContain('octet_length');
  });
});

describe('param and tag value indexes on PostgreSQL', () => {
  const store = suiteStore('postgresql');
  const indexes = async () =>
    (
      await sql<{ indexname: string; indexdef: string }>`SELECT indexname, indexdef FROM pg_indexes
        WHERE indexname LIKE 'mlflow_ts_%' ORDER BY indexname`.execute(store().store.connection.db)
    ).rows;

  it('opens with btree (key, value, run_uuid) partial indexes, and drops the hash indexes of earlier versions', async () => {
    await sql`CREATE INDEX mlflow_ts_params_value ON params USING hash (value)`.execute(store().store.connection.db);
    await sql`CREATE INDEX mlflow_ts_tags_value ON tags USING hash (value)`.execute(store().store.connection.db);
    const reopened = await store().reopen();
    const defs = (await indexes()).filter((i) => /params|tags/.test(i.indexname));
    expect(defs.map((i) => i.indexname)).toEqual([
      'mlflow_ts_params_key_short_value',
      'mlflow_ts_tags_key_short_value',
    ]);
    for (const d of defs) expect(d.indexdef).toMatch(/USING btree \(key, value, run_uuid\) WHERE \(octet_length/);
    expect(reopened).toBeDefined();
  });

  it('stores values on both sides of the limit and finds each by equality, OR and LIKE', async () => {
    const exp = await store().store.createExperiment({ name: 'value-limits' });
    const values = ['x'.repeat(1000), 'x'.repeat(1001), 'é'.repeat(500), 'é'.repeat(501), 'y'.repeat(6000)];
    const ids: string[] = [];
    for (const v of values) {
      const { info } = await store().store.createRun({ experiment_id: exp, tags: [{ key: 't', value: v }] });
      await store().store.logBatch(info.run_id, { params: [{ key: 'p', value: v }] });
      ids.push(info.run_id);
    }
    const found = async (filter: string) =>
      (await store().store.searchRuns({ experiment_ids: [exp], filter })).items.map((r) => r.info.run_id).sort();
    for (const [i, v] of values.entries()) {
      expect(await found(`params.p = '${v}'`)).toEqual([ids[i]]);
      expect(await found(`tags.t = '${v}'`)).toEqual([ids[i]]);
    }
    expect(await found(`params.p = '${values[0]}' OR params.p = '${values[1]}'`)).toEqual([ids[0], ids[1]].sort());
    expect(await found("params.p LIKE 'x%'")).toEqual([ids[0], ids[1]].sort());
  });
});
