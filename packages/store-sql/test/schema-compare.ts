/**
 * MLflow 3.6's recorded schema and the comparisons against it (as `schema.test.ts` checks a new database):
 * SQLite statement by statement of `sqlite_master`, PostgreSQL column by column, constraint by constraint,
 * index by index of the catalog query that recorded MLflow's own database.
 */
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';

export const fixturePath = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(fixturePath(name), 'utf8'));

/** The catalog query that recorded test/fixtures/mlflow-3.6-postgres-catalog.json from MLflow's own database. */
export const PG_CATALOG = readFileSync(fixturePath('postgres-catalog.sql'), 'utf8');

export interface SqliteMasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

export function readSqliteMaster(file: string): SqliteMasterRow[] {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    return raw
      .prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
      .all() as SqliteMasterRow[];
  } finally {
    raw.close();
  }
}

export function readSqliteRevision(file: string): unknown[] {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    return raw.prepare('SELECT version_num FROM alembic_version').all();
  } finally {
    raw.close();
  }
}

/**
 * The order of a table's named CHECK constraints, which alembic's SQLite batch rebuild writes in the order of
 * SQLAlchemy's `Table.constraints`, a Python set (string hashing is randomized per process): MLflow's own
 * databases differ there run to run (the recorded 2.22 `runs` table lists `source_type` before
 * `runs_lifecycle_stage`, the recorded 3.6 one after). Only consecutive `CONSTRAINT <name> CHECK` lines are
 * sorted; every other character is compared as it is.
 */
export function sortNamedChecks(statement: string | null): string | null {
  if (statement === null) return null;
  const lines = statement.split('\n');
  const isCheck = (line: string) => /^\tCONSTRAINT \w+ CHECK \(/.test(line);
  for (let i = 0; i < lines.length; ) {
    if (!isCheck(lines[i] ?? '')) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && isCheck(lines[j] ?? '')) j++;
    // Every line but the table's last ends with ', '; sort the bodies, keep the separators where they were.
    const bodies = lines
      .slice(i, j)
      .map((l) => l.replace(/, $/, ''))
      .sort();
    const ends = lines.slice(i, j).map((l) => (l.endsWith(', ') ? ', ' : ''));
    for (let k = i; k < j; k++) lines[k] = `${bodies[k - i] ?? ''}${ends[k - i] ?? ''}`;
    i = j;
  }
  return lines.join('\n');
}

/** Table by table, then statement by statement (autoindexes included), against MLflow 3.6's sqlite_master. */
export function expectSqliteHeadSchema(rows: SqliteMasterRow[], options: { checkOrderFree?: boolean } = {}): void {
  const expected = fixture('mlflow-3.6-sqlite-schema.json') as { sqlite_master: SqliteMasterRow[] };
  const norm = (r: SqliteMasterRow | undefined) =>
    r && options.checkOrderFree ? { ...r, sql: sortNamedChecks(r.sql) } : r;
  expect(rows.map((r) => r.name)).toEqual(expected.sqlite_master.map((r) => r.name));
  for (const [i, row] of rows.entries()) expect(norm(row)).toEqual(norm(expected.sqlite_master[i]));
}

export interface PgCatalog {
  columns: { table: string }[];
  constraints: unknown[];
  indexes: unknown[];
}

export async function readPostgresCatalog(uri: string): Promise<PgCatalog> {
  const client = new pg.Client({ connectionString: uri });
  await client.connect();
  try {
    return (await client.query(PG_CATALOG)).rows[0].json_build_object as PgCatalog;
  } finally {
    await client.end();
  }
}

export function expectPostgresHeadCatalog(catalog: PgCatalog): void {
  const expected = fixture('mlflow-3.6-postgres-catalog.json') as PgCatalog;
  const tables = (c: PgCatalog) => [...new Set(c.columns.map((x) => x.table))];
  expect(tables(catalog)).toEqual(tables(expected));
  for (const table of tables(expected)) {
    const pick = (c: PgCatalog) => c.columns.filter((x) => x.table === table);
    expect({ table, columns: pick(catalog) }).toEqual({ table, columns: pick(expected) });
  }
  expect(catalog.constraints).toEqual(expected.constraints);
  expect(catalog.indexes).toEqual(expected.indexes);
}
