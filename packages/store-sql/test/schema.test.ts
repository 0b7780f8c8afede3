import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MlflowError } from '@mlflow-ts/format';
import { connectSql, ensureSchema, MLFLOW_ALEMBIC_HEAD, readSchemaState } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

// The catalog query that recorded test/fixtures/mlflow-3.6-postgres-catalog.json from MLflow's own database.
const PG_CATALOG = readFileSync(new URL('./fixtures/postgres-catalog.sql', import.meta.url), 'utf8');

const dirs: string[] = [];
const dbs: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const d of dbs) await d.drop();
});

describe('SQLite: MLflow 3.6 schema at head', () => {
  it('an empty file gets exactly the sqlite_master MLflow creates, and alembic head', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-'));
    dirs.push(dir);
    const uri = `sqlite:///${join(dir, 'mlflow.db')}`;
    const conn = await connectSql(uri);
    await ensureSchema(conn);
    await ensureSchema(conn); // idempotent
    await conn.close();
    const raw = new BetterSqlite3(join(dir, 'mlflow.db'), { readonly: true });
    const rows = raw.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
    const version = raw.prepare('SELECT version_num FROM alembic_version').all();
    raw.close();
    const expected = fixture('mlflow-3.6-sqlite-schema.json');
    expect(version).toEqual([{ version_num: MLFLOW_ALEMBIC_HEAD }]);
    expect(expected.alembic_version).toEqual([MLFLOW_ALEMBIC_HEAD]);
    // Table by table, then statement by statement (autoindexes included).
    expect(rows.map((r) => (r as { name: string }).name)).toEqual(
      expected.sqlite_master.map((r: { name: string }) => r.name),
    );
    for (const [i, row] of rows.entries()) expect(row).toEqual(expected.sqlite_master[i]);
  });

  it('a database at another revision is refused, naming mlflow-ts db upgrade', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sql-'));
    dirs.push(dir);
    const file = join(dir, 'old.db');
    const raw = new BetterSqlite3(file);
    raw.exec(
      "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); INSERT INTO alembic_version VALUES ('0584bdc529eb')",
    );
    raw.close();
    const conn = await connectSql(`sqlite:///${file}`);
    expect(await readSchemaState(conn)).toEqual({ kind: 'revision', revision: '0584bdc529eb' });
    const err = await ensureSchema(conn).catch((e: unknown) => e);
    await conn.close();
    expect(MlflowError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/revision 0584bdc529eb.*mlflow-ts db upgrade/);
  });
});

describe('PostgreSQL: MLflow 3.6 schema at head', () => {
  it("an empty database gets MLflow's catalog column by column, constraint by constraint, index by index", async () => {
    const tdb = await createTestDatabase();
    dbs.push(tdb);
    // Two servers starting at once on one empty database: one creates the schema, the other waits and opens it.
    const [a, b] = await Promise.all([connectSql(tdb.uri), connectSql(tdb.uri)]);
    await Promise.all([ensureSchema(a), ensureSchema(b)]);
    await Promise.all([a.close(), b.close()]);
    const client = new pg.Client({ connectionString: tdb.uri });
    await client.connect();
    const catalog = (await client.query(PG_CATALOG)).rows[0].json_build_object;
    const version = (await client.query('SELECT version_num FROM alembic_version')).rows;
    await client.end();
    const expected = fixture('mlflow-3.6-postgres-catalog.json');
    expect(version).toEqual([{ version_num: MLFLOW_ALEMBIC_HEAD }]);
    const tables = (c: { columns: { table: string }[] }) => [...new Set(c.columns.map((x) => x.table))];
    expect(tables(catalog)).toEqual(tables(expected));
    for (const table of tables(expected)) {
      const pick = (c: { columns: { table: string }[] }) => c.columns.filter((x) => x.table === table);
      expect({ table, columns: pick(catalog) }).toEqual({ table, columns: pick(expected) });
    }
    expect(catalog.constraints).toEqual(expected.constraints);
    expect(catalog.indexes).toEqual(expected.indexes);
  });

  it('a wrong password is one clear error naming the database, with the password redacted', async () => {
    const tdb = await createTestDatabase();
    dbs.push(tdb);
    const bad = new URL(tdb.uri);
    bad.password = 'definitely-wrong';
    const err = await connectSql(bad.toString()).catch((e: unknown) => e);
    expect(MlflowError.isInstance(err)).toBe(true);
    expect((err as Error).message).toContain('Cannot connect to postgresql://mlflow_ts_test:***@127.0.0.1');
    expect((err as Error).message).not.toContain('definitely-wrong');
  });
});
