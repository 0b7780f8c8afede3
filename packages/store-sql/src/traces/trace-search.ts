/**
 * search_traces as one SQL query with `searchTracesInMemory`'s semantics: MLflow's trace filter
 * (`parseTraceFilter`: tags and metadata as LEFT JOINs, attributes as trace_info columns, `run_id`
 * as the `mlflow.sourceRun` metadata or MLflow's trace→run entity association), every value bound;
 * order `timestamp_ms DESC, request_id ASC` by default (MLflow's index on (experiment_id,
 * timestamp_ms) serves it), missing values last; offset page tokens.
 */
import { sql } from 'kysely';
import { parseTraceFilter, parseTraceOrderBy, resolveTraceMaxResults, TRACE_KEYS } from '@mlflow-ts/format';
import type {
  ComparisonNode,
  FilterNode,
  Identifier,
  Page,
  SearchTracesRequest,
  TraceIdentifier,
} from '@mlflow-ts/format';
import type { SqlDialectName } from '../connect.js';
import {
  compileSqlFilter,
  JoinSet,
  pageWindow,
  type SqlExpr,
  type SqlSearchScope,
  toPage,
  type ValueSource,
} from '../search/index.js';
import type { Db } from '../tracking/transactions.js';

const T = 'trace_info';
const ATTRIBUTES: Readonly<Record<string, { column: SqlExpr; type: 'string' | 'number' }>> = {
  request_id: { column: sql.raw(`${T}.request_id`), type: 'string' },
  timestamp_ms: { column: sql.raw(`${T}.timestamp_ms`), type: 'number' },
  execution_time_ms: { column: sql.raw(`${T}.execution_time_ms`), type: 'number' },
  end_time_ms: { column: sql.raw(`(${T}.timestamp_ms + ${T}.execution_time_ms)`), type: 'number' },
  status: { column: sql.raw(`${T}.status`), type: 'string' },
  client_request_id: { column: sql.raw(`${T}.client_request_id`), type: 'string' },
  experiment_id: { column: sql.raw(`${T}.experiment_id`), type: 'number' },
};

// The shared translator speaks the run filter's identifier types; trace metadata rides on 'param'.
const toIdentifier = (id: TraceIdentifier): Identifier => ({
  type: id.type === 'metadata' ? 'param' : id.type,
  key: id.key,
});

function traceScope(dialect: SqlDialectName, joins: JoinSet): SqlSearchScope {
  const keyed = (table: 'trace_tags' | 'trace_request_metadata', key: string): SqlExpr => {
    const a = joins.add(
      `${table}:${key}`,
      (alias) =>
        sql`LEFT JOIN ${sql.raw(table)} ${sql.raw(alias)} ON ${sql.raw(`${alias}.request_id`)} = ${sql.raw(`${T}.request_id`)} AND ${sql.raw(`${alias}.key`)} = ${key}`,
    );
    return sql.raw(`${a}.value`);
  };
  return {
    dialect,
    resolve(id: Identifier): ValueSource {
      if (id.type === 'tag') return { kind: 'scalar', value: keyed('trace_tags', id.key), type: 'string' };
      if (id.type === 'param') {
        const value = keyed('trace_request_metadata', id.key);
        if (id.key !== TRACE_KEYS.sourceRun) return { kind: 'scalar', value, type: 'string' };
        // MLflow's link_traces_to_run records an entity association (no metadata): read either.
        return {
          kind: 'scalar',
          type: 'string',
          value: sql`COALESCE(${value}, (SELECT ea.destination_id FROM entity_associations ea WHERE ea.source_type = 'trace'
            AND ea.source_id = ${sql.raw(`${T}.request_id`)} AND ea.destination_type = 'run' ORDER BY ea.created_time LIMIT 1))`,
        };
      }
      const a = ATTRIBUTES[id.key];
      if (!a) throw new Error(`no trace attribute ${id.key}`);
      return { kind: 'scalar', value: a.column, type: a.type };
    },
  };
}

/** One page of matching trace ids, in order. */
export async function searchTraceIds(
  db: Db,
  dialect: SqlDialectName,
  experimentIds: readonly number[],
  req: SearchTracesRequest,
): Promise<Page<string>> {
  const maxResults = resolveTraceMaxResults(req.max_results);
  const clauses = parseTraceFilter(req.filter);
  const order = parseTraceOrderBy(req.order_by);
  const window = pageWindow(maxResults, req.page_token);
  if (experimentIds.length === 0) return { items: [] };
  const node: FilterNode | null =
    clauses.length === 0
      ? null
      : {
          kind: 'and',
          children: clauses.map(
            (c): ComparisonNode => ({
              kind: 'comparison',
              identifier: toIdentifier(c.id),
              comparator: c.comparator as ComparisonNode['comparator'],
              value: c.value,
            }),
          ),
        };
  const joins = new JoinSet();
  const where = compileSqlFilter(node, traceScope(dialect, joins));
  const terms: SqlExpr[] = [];
  for (const o of order) {
    const a = ATTRIBUTES[o.key];
    if (!a) continue;
    const v = a.type === 'string' && dialect === 'postgresql' ? sql`${a.column} COLLATE "C"` : a.column;
    // Missing values last either way (MLflow's _apply_reversor); never missing on NOT NULL columns.
    if (o.key === 'execution_time_ms' || o.key === 'end_time_ms')
      terms.push(sql`(CASE WHEN ${a.column} IS NULL THEN 1 ELSE 0 END) ASC`);
    terms.push(o.ascending ? sql`${v} ASC` : sql`${v} DESC`);
  }
  const query = sql<{
    request_id: string;
  }>`SELECT ${sql.raw(`${T}.request_id`)} AS request_id FROM ${sql.raw(T)} ${joins.toSql()}
    WHERE ${sql.raw(`${T}.experiment_id`)} IN (${sql.join(experimentIds.map((n) => sql`${n}`))}) AND ${where}
    ORDER BY ${sql.join(terms)} ${window.limitSql}`;
  const rows = (await query.execute(db)).rows.map((r) => r.request_id);
  return toPage(rows, window);
}
