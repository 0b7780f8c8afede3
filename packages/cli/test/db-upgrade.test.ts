/**
 * `mlflow-ts db upgrade` as a user runs it (the built CLI, one process each) on databases MLflow 2.22 made
 * (packages/store-sql/test/fixtures): two upgrades at once are safe, the result is MLflow 3.6's head with
 * every row kept, and revisions it cannot start from get one clear line.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectSql, ensureSchema, MLFLOW_ALEMBIC_HEAD, readSchemaState } from '@mlflow-ts/store-sql';
import { repoRoot } from './cli-harness.js';
import { builtCliSuite } from './server-harness.js';
import { runBuiltCli } from './built-cli.js';

const fixtures = path.join(repoRoot, 'packages/store-sql/test/fixtures');
const suite = builtCliSuite('mlflow-ts-db-upgrade-');

async function postgres222(): Promise<string> {
  const uri = await suite.postgres();
  // The recorded pg_dump is stored gzip-compressed (packages/store-sql/test/fixtures/README.md).
  execFileSync('psql', [uri, '-q', '-v', 'ON_ERROR_STOP=1'], {
    input: gunzipSync(readFileSync(path.join(fixtures, 'mlflow-2.22-postgres.sql.gz'))),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return uri;
}

async function expectAtHeadWithRows(uri: string): Promise<void> {
  const conn = await connectSql(uri);
  try {
    expect(await readSchemaState(conn)).toEqual({ kind: 'revision', revision: MLFLOW_ALEMBIC_HEAD });
    await ensureSchema(conn);
    expect(await conn.db.selectFrom('experiments').select('name').orderBy('experiment_id').execute()).toEqual([
      { name: 'Default' },
      { name: 'upgrade-me' },
    ]);
    expect(await conn.db.selectFrom('metrics').select(['key', 'value', 'step']).orderBy('step').execute()).toEqual([
      { key: 'loss', value: 0.5, step: 0 },
      { key: 'loss', value: 0.25, step: 1 },
    ]);
    expect(await conn.db.selectFrom('registered_models').select('name').execute()).toEqual([{ name: 'reg-model' }]);
    expect(await conn.db.selectFrom('inputs').select('step').execute()).toEqual([{ step: 0 }]);
  } finally {
    await conn.close();
  }
}

function expectUpgradedOnce(results: { code: number | null; stdout: string; stderr: string }[], uri: string): void {
  for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
  const lines = results.map((r) => r.stdout.trim()).sort();
  expect(lines).toEqual(
    [
      `${uri} is already at ${MLFLOW_ALEMBIC_HEAD}`,
      `Upgraded ${uri} from 0584bdc529eb to ${MLFLOW_ALEMBIC_HEAD} (12 migrations)`,
    ].sort(),
  );
}

describe('mlflow-ts db upgrade', () => {
  it('SQLite: two upgrades at once, one applies MLflow 2.22 → 3.6, the other finds head; rows kept', async () => {
    const file = path.join(suite.tmp, 'mlflow.db');
    copyFileSync(path.join(fixtures, 'mlflow-2.22.db'), file);
    const uri = `sqlite:///${file}`;
    const results = await Promise.all([runBuiltCli(['db', 'upgrade', uri]), runBuiltCli(['db', 'upgrade', uri])]);
    expectUpgradedOnce(results, uri);
    expect(results.map((r) => r.stderr).join('')).toContain('[12/12] bf29a5ff90ea: add jobs table');
    await expectAtHeadWithRows(uri);
    const again = await runBuiltCli(['db', 'upgrade', uri, '--json']);
    expect(JSON.parse(again.stdout)).toEqual({
      database: uri,
      from: MLFLOW_ALEMBIC_HEAD,
      to: MLFLOW_ALEMBIC_HEAD,
      applied: [],
    });
  });

  it('PostgreSQL: two upgrades at once under the advisory lock; rows kept', async () => {
    const uri = await postgres222();
    const shown = uri.replace(/:[^:@/]*@/, ':***@');
    const results = await Promise.all([runBuiltCli(['db', 'upgrade', uri]), runBuiltCli(['db', 'upgrade', uri])]);
    expectUpgradedOnce(results, shown);
    expect(results.map((r) => r.stdout + r.stderr).join('')).not.toContain(new URL(uri).password);
    await expectAtHeadWithRows(uri);
  });

  it("a revision older than MLflow 2.14 is one line naming MLflow's mlflow db upgrade, and nothing changes", async () => {
    const uri = await postgres222();
    execFileSync('psql', [uri, '-qc', "UPDATE alembic_version SET version_num = 'acf3f17fdcc7'"], { stdio: 'pipe' });
    const r = await runBuiltCli(['db', 'upgrade', uri]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^Error \(INVALID_STATE\): .*revision acf3f17fdcc7, older than MLflow 2\.14.*`mlflow db upgrade postgresql:/,
    );
    const conn = await connectSql(uri);
    expect(await readSchemaState(conn)).toEqual({ kind: 'revision', revision: 'acf3f17fdcc7' });
    await conn.close();
  });

  it('not a database URI, or an unreachable database: one clear line, exit 1', async () => {
    const notDb = await runBuiltCli(['db', 'upgrade', './mlruns']);
    expect(notDb).toMatchObject({ code: 1 });
    expect(notDb.stderr).toContain("'./mlruns' is not a database URI");
    const down = await runBuiltCli(['db', 'upgrade', 'postgresql://u:secret@127.0.0.1:1/db']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toBe(
      'Error (TEMPORARILY_UNAVAILABLE): Cannot connect to postgresql://u:***@127.0.0.1:1/db: connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});
