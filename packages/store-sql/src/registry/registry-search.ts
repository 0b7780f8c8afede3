/**
 * search_registered_models / search_model_versions over MLflow's tables: the filter language
 * through the shared translator (every value bound), MLflow's orders and tie-breakers, offset page
 * tokens, and MLflow's prompt rule: prompts (the `mlflow.prompt.is_prompt` = 'true' tag) are left
 * out unless the filter asks for them, and a missing prompt tag reads as 'false'.
 */
import { sql } from 'kysely';
import { IS_PROMPT_TAG, MlflowError, parseFilter, parseOrderBy, resolveMaxResults } from '@mlflow-ts/format';
import type {
  FilterNode,
  Identifier,
  ModelVersion,
  OrderByClause,
  Page,
  RegisteredModel,
  SearchRegistryRequest,
} from '@mlflow-ts/format';
import type { SqlDialectName } from '../connect.js';
import { columnMap, compileSqlFilter, compileSqlOrderBy, JoinSet, pageWindow, toPage } from '../search/index.js';
import type { SqlExpr, SqlSearchScope, ValueSource } from '../search/index.js';
import { modelEntities, STAGE_DELETED_INTERNAL, versionEntities } from './registry-rows.js';
import type { ModelRow, VersionRow } from './registry-rows.js';
import type { Db } from '../tracking/transactions.js';

const col = (alias: string, column: string): SqlExpr => sql.raw(`${alias}.${column}`);

/** The value of tag `key` of the row: a LEFT JOIN on (row, key), one per distinct key. */
function tagValue(joins: JoinSet, table: 'registered_model_tags' | 'model_version_tags', key: string): ValueSource {
  const a = joins.add(`${table}:${key}`, (alias) => {
    const on =
      table === 'registered_model_tags'
        ? sql`${col(alias, 'name')} = rm.name`
        : sql`${col(alias, 'name')} = mv.name AND ${col(alias, 'version')} = mv.version`;
    return sql`LEFT JOIN ${sql.raw(table)} ${sql.raw(alias)} ON ${on} AND ${col(alias, '"key"')} = ${key}`;
  });
  const value = key === IS_PROMPT_TAG ? sql`COALESCE(${col(a, 'value')}, 'false')` : col(a, 'value');
  return { kind: 'scalar', value, type: 'string' };
}

function unknownKey(id: Identifier): never {
  throw MlflowError.invalidParameter(`Invalid ${id.type} key '${id.key}'`);
}

const MODEL_COLUMNS = columnMap(
  { name: 'name' },
  { creation_timestamp: 'creation_time', last_updated_timestamp: 'last_updated_time' },
);

const VERSION_COLUMNS = columnMap(
  { name: 'name', run_id: 'run_id', source_path: 'source' },
  { version_number: 'version', creation_timestamp: 'creation_time', last_updated_timestamp: 'last_updated_time' },
);

function scope(dialect: SqlDialectName, joins: JoinSet, entity: 'models' | 'versions'): SqlSearchScope {
  const [alias, columns, tags] =
    entity === 'models'
      ? ['rm', MODEL_COLUMNS, 'registered_model_tags' as const]
      : ['mv', VERSION_COLUMNS, 'model_version_tags' as const];
  return {
    dialect,
    resolve(id: Identifier): ValueSource {
      if (id.type === 'tag') return tagValue(joins, tags, id.key);
      const c = id.type === 'attribute' ? columns[id.key] : undefined;
      if (!c) return unknownKey(id);
      return { kind: 'scalar', value: col(alias, c.column), type: c.type };
    },
  };
}

/** MLflow's `_is_querying_prompt`: the filter asks for prompts (`= 'true'` or `!= 'false'` on the tag). */
function asksForPrompts(node: FilterNode | null): boolean {
  if (node === null) return false;
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(asksForPrompts);
    case 'not':
      return asksForPrompts(node.child);
    case 'comparison': {
      if (node.identifier.type !== 'tag' || node.identifier.key !== IS_PROMPT_TAG || typeof node.value !== 'string')
        return false;
      const v = node.value.toLowerCase();
      return (node.comparator === '=' && v === 'true') || (node.comparator === '!=' && v === 'false');
    }
  }
}

/** Rows of models (or versions of models) that are prompts: MLflow's anti-join on the tag. */
function notPrompt(entity: 'models' | 'versions'): SqlExpr {
  const [table, alias] = entity === 'models' ? ['registered_model_tags', 'rm'] : ['model_version_tags', 'mv'];
  return sql`NOT EXISTS (SELECT 1 FROM ${sql.raw(table)} p WHERE p.name = ${col(alias, 'name')} AND p."key" = ${IS_PROMPT_TAG} AND p.value = 'true')`;
}

/**
 * `x IN ()` is no SQL (PostgreSQL refuses it) and the parser empties a run_id list whose values
 * cannot be run ids: an empty IN is false for a present value and unknown for a missing one, which
 * `x = '' AND x != ''` is too (and its NOT, an empty NOT IN).
 */
function withoutEmptyLists(node: FilterNode | null): FilterNode | null {
  if (node === null) return null;
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((c) => withoutEmptyLists(c) as FilterNode) };
    case 'not':
      return { kind: 'not', child: withoutEmptyLists(node.child) as FilterNode };
    case 'comparison': {
      if (
        (node.comparator !== 'IN' && node.comparator !== 'NOT IN') ||
        !Array.isArray(node.value) ||
        node.value.length > 0
      )
        return node;
      const eq: FilterNode = { kind: 'comparison', identifier: node.identifier, comparator: '=', value: '' };
      const ne: FilterNode = { kind: 'comparison', identifier: node.identifier, comparator: '!=', value: '' };
      const never: FilterNode = { kind: 'and', children: [eq, ne] };
      return node.comparator === 'IN' ? never : { kind: 'not', child: never };
    }
  }
}

const attr = (key: string, ascending: boolean): OrderByClause => ({
  identifier: { type: 'attribute', key },
  ascending,
});
const hasKey = (clauses: readonly OrderByClause[], key: string) =>
  clauses.some((c) => c.identifier.type === 'attribute' && c.identifier.key === key);

interface Compiled {
  joins: JoinSet;
  where: SqlExpr;
  orderBy: SqlExpr[];
}

/** MLflow's recommended order_by key for registered models, `timestamp`, sorts by the last update. */
function modelOrderBy(orderBy: string[] | undefined): string[] | undefined {
  if (!Array.isArray(orderBy)) return orderBy;
  return orderBy.map((o) =>
    typeof o === 'string' ? o.replace(/^(\s*)timestamp(?=\s|$)/, '$1last_updated_timestamp') : o,
  );
}

function compile(dialect: SqlDialectName, entity: 'models' | 'versions', req: SearchRegistryRequest): Compiled {
  const searchEntity = entity === 'models' ? 'registered_models' : 'model_versions';
  const filter = withoutEmptyLists(parseFilter(req.filter, searchEntity));
  let clauses = parseOrderBy(entity === 'models' ? modelOrderBy(req.order_by) : req.order_by, searchEntity);
  if (entity === 'models') {
    if (!hasKey(clauses, 'name')) clauses = [...clauses, attr('name', true)];
  } else {
    if (clauses.length === 0) clauses = [attr('last_updated_timestamp', false)];
    if (!hasKey(clauses, 'name')) clauses = [...clauses, attr('name', true)];
    if (!hasKey(clauses, 'version_number')) clauses = [...clauses, attr('version_number', false)];
  }
  const joins = new JoinSet();
  const s = scope(dialect, joins, entity);
  const parts = [compileSqlFilter(filter, s)];
  if (!asksForPrompts(filter)) parts.push(notPrompt(entity));
  if (entity === 'versions') parts.push(sql`mv.current_stage <> ${STAGE_DELETED_INTERNAL}`);
  return { joins, where: sql.join(parts, sql` AND `), orderBy: compileSqlOrderBy(clauses, s) };
}

/** One page of an entity's rows (`select` names the columns) under the request's filter and order. */
async function searchPage<Row>(
  db: Db,
  dialect: SqlDialectName,
  entity: 'models' | 'versions',
  req: SearchRegistryRequest,
  select: string,
): Promise<Page<Row>> {
  const maxResults = resolveMaxResults(entity === 'models' ? 'registered_models' : 'model_versions', req.max_results);
  const { joins, where, orderBy } = compile(dialect, entity, req);
  const window = pageWindow(maxResults, req.page_token);
  const rows = await sql<Row>`SELECT ${sql.raw(select)} ${joins.toSql()}
    WHERE ${where} ORDER BY ${sql.join(orderBy)} ${window.limitSql}`.execute(db);
  return toPage(rows.rows, window);
}

export async function searchRegisteredModels(
  db: Db,
  dialect: SqlDialectName,
  req: SearchRegistryRequest,
): Promise<Page<RegisteredModel>> {
  const page = await searchPage<ModelRow>(
    db,
    dialect,
    'models',
    req,
    'rm.name, rm.creation_time, rm.last_updated_time, rm.description FROM registered_models rm',
  );
  return { ...page, items: await modelEntities(db, page.items) };
}

export async function searchModelVersions(
  db: Db,
  dialect: SqlDialectName,
  req: SearchRegistryRequest,
): Promise<Page<ModelVersion>> {
  const page = await searchPage<VersionRow>(db, dialect, 'versions', req, 'mv.* FROM model_versions mv');
  return { ...page, items: await versionEntities(db, page.items, false) };
}
