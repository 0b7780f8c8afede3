/**
 * The statements of MLflow's head DDL that make given tables (table, constraints, indexes), in head order.
 * Tables a migration creates are created with exactly the text MLflow's store has at head, so an upgraded
 * database equals a new one statement by statement (SQLite) and catalog entry by catalog entry (PostgreSQL).
 */
import type { SqlDialectName } from '../connect.js';
import { POSTGRES_HEAD_DDL } from '../schema/postgres-head.js';
import { SQLITE_HEAD_DDL } from '../schema/sqlite-head.js';

/** The table a head DDL statement belongs to, or undefined for statements on no table. */
function statementTable(statement: string): string | undefined {
  const m =
    /^CREATE TABLE "?([a-z_]+)"? \(/.exec(statement) ??
    /^ALTER TABLE ONLY ([a-z_]+)\n/.exec(statement) ??
    /^CREATE (?:UNIQUE )?INDEX [a-z_]+ ON ([a-z_]+) /.exec(statement);
  return m?.[1];
}

export function headStatementsFor(dialect: SqlDialectName, tables: readonly string[]): string[] {
  const ddl = dialect === 'sqlite' ? SQLITE_HEAD_DDL : POSTGRES_HEAD_DDL;
  const wanted = new Set(tables);
  const out = ddl.filter((s) => {
    const table = statementTable(s);
    return table !== undefined && wanted.has(table);
  });
  for (const table of tables) {
    if (!out.some((s) => statementTable(s) === table && s.startsWith('CREATE TABLE'))) {
      throw new Error(`MLflow's head DDL has no table ${table}`);
    }
  }
  return out;
}

/** The head CREATE TABLE statement of one table. */
export function headCreateTable(dialect: SqlDialectName, table: string): string {
  const statement = headStatementsFor(dialect, [table]).find((s) => s.startsWith('CREATE TABLE'));
  if (statement === undefined) throw new Error(`MLflow's head DDL has no table ${table}`);
  return statement;
}
