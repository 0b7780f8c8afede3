/**
 * order_by clauses (`parseOrderBy` from @mlflow-ts/format) as SQL ORDER BY terms, equal to the
 * in-memory order: present values in order, then NaN, then missing, in both directions (MLflow's
 * `CASE` ranks); strings by code point (`COLLATE "C"` on PostgreSQL, BINARY on SQLite).
 */
import { sql } from 'kysely';
import type { OrderByClause } from '@mlflow-ts/format';
import type { SqlExpr, SqlSearchScope } from './sql-filter.js';

export function compileSqlOrderBy(clauses: readonly OrderByClause[], scope: SqlSearchScope): SqlExpr[] {
  const terms: SqlExpr[] = [];
  for (const clause of clauses) {
    const src = scope.resolve(clause.identifier);
    if (src.kind !== 'scalar') throw new Error(`cannot order by a many-valued identifier (${clause.identifier.key})`);
    const rank = src.isNan
      ? sql`(CASE WHEN ${src.isNan} THEN 1 WHEN ${src.value} IS NULL THEN 2 ELSE 0 END)`
      : sql`(CASE WHEN ${src.value} IS NULL THEN 1 ELSE 0 END)`;
    const value = src.type === 'string' && scope.dialect === 'postgresql' ? sql`${src.value} COLLATE "C"` : src.value;
    terms.push(sql`${rank} ASC`, clause.ascending ? sql`${value} ASC` : sql`${value} DESC`);
  }
  return terms;
}
