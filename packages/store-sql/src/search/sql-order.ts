/**
 * order_by clauses (`parseOrderBy` from @mlflow-ts/format) as SQL ORDER BY terms, equal to the
 * in-memory order: present values in order, then NaN, then missing, in both directions (MLflow's
 * `CASE` ranks); strings by code point (`COLLATE "C"` on PostgreSQL, BINARY on SQLite).
 */
import { sql } from 'kysely';
import type { FilterNode, Identifier, OrderByClause } from '@mlflow-ts/format';
import type { SqlExpr, SqlSearchScope } from './sql-filter.js';

/** Comparators that hold only for a present, non-NaN metric (NaN compares false, as IEEE's). */
const METRIC_PRESENT: ReadonlySet<string> = new Set(['=', '>', '>=', '<', '<=', 'BETWEEN']);
/** Comparators that hold only for a present param/tag value. */
const VALUE_PRESENT: ReadonlySet<string> = new Set(['=', '>', '>=', '<', '<=', 'LIKE', 'ILIKE', 'IN', 'IS NOT NULL']);

const idKey = (id: Identifier) => `${id.type}\u0000${id.key}`;

/**
 * Identifiers the filter's top-level AND requires present (and not NaN): ordering on one of them needs
 * no NaN/missing rank, which lets the database walk an index in order and stop at the page's end.
 */
export function presentInFilter(filter: FilterNode | null): Set<string> {
  const out = new Set<string>();
  const visit = (node: FilterNode) => {
    if (node.kind === 'and') for (const c of node.children) visit(c);
    else if (node.kind === 'comparison') {
      const ok =
        node.identifier.type === 'metric'
          ? METRIC_PRESENT
          : node.identifier.type === 'param' || node.identifier.type === 'tag'
            ? VALUE_PRESENT
            : undefined;
      if (
        ok?.has(node.comparator) &&
        node.value !== null &&
        !(typeof node.value === 'number' && Number.isNaN(node.value))
      ) {
        out.add(idKey(node.identifier));
      }
    }
  };
  if (filter) visit(filter);
  return out;
}

export function compileSqlOrderBy(
  clauses: readonly OrderByClause[],
  scope: SqlSearchScope,
  present: ReadonlySet<string> = new Set(),
): SqlExpr[] {
  const terms: SqlExpr[] = [];
  for (const clause of clauses) {
    const src = scope.resolve(clause.identifier);
    if (src.kind !== 'scalar') throw new Error(`cannot order by a many-valued identifier (${clause.identifier.key})`);
    const value = src.type === 'string' && scope.dialect === 'postgresql' ? sql`${src.value} COLLATE "C"` : src.value;
    if (present.has(idKey(clause.identifier))) {
      terms.push(clause.ascending ? sql`${value} ASC` : sql`${value} DESC`);
      continue;
    }
    const rank = src.isNan
      ? sql`(CASE WHEN ${src.isNan} THEN 1 WHEN ${src.value} IS NULL THEN 2 ELSE 0 END)`
      : sql`(CASE WHEN ${src.value} IS NULL THEN 1 ELSE 0 END)`;
    terms.push(sql`${rank} ASC`, clause.ascending ? sql`${value} ASC` : sql`${value} DESC`);
  }
  return terms;
}
