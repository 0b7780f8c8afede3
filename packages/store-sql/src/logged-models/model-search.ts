/**
 * search_logged_models as one SQL query over MLflow's tables, with `searchLoggedModelsInMemory`'s
 * semantics: the filter language through the shared translator (params and tags as LEFT JOINs,
 * a metric as the model's latest value for that key on the request's datasets), `datasets` alone
 * keeping models with a metric on one of them, `order_by` entries (metrics per dataset, missing
 * last either way; attributes), then `creation_timestamp DESC, model_id ASC`, offset page tokens.
 */
import { sql } from 'kysely';
import {
  MlflowError,
  hasMetricClause,
  parseFilter,
  parseLoggedModelOrderBy,
  resolveMaxResults,
} from '@mlflow-ts/format';
import type {
  Identifier,
  LoggedModelDatasetFilter,
  LoggedModelOrderBy,
  Page,
  SearchLoggedModelsRequest,
} from '@mlflow-ts/format';
import type { SqlDialectName } from '../connect.js';
import { compileSqlFilter, JoinSet, pageWindow, toPage } from '../search/index.js';
import type { SqlExpr, SqlSearchScope, ValueSource } from '../search/index.js';
import type { Db } from '../tracking/transactions.js';

const M = 'logged_models';

const ATTRIBUTES: Readonly<Record<string, { column: SqlExpr; type: 'string' | 'number' }>> = {
  name: { column: sql.raw(`${M}.name`), type: 'string' },
  model_id: { column: sql.raw(`${M}.model_id`), type: 'string' },
  model_type: { column: sql.raw(`${M}.model_type`), type: 'string' },
  source_run_id: { column: sql.raw(`${M}.source_run_id`), type: 'string' },
  // Filters compare Python's enum names (`status = 'READY'`); the column holds the proto number.
  status: {
    column: sql.raw(
      `(CASE ${M}.status WHEN 0 THEN 'UNSPECIFIED' WHEN 1 THEN 'PENDING' WHEN 2 THEN 'READY' WHEN 3 THEN 'FAILED' END)`,
    ),
    type: 'string',
  },
  creation_timestamp: { column: sql.raw(`${M}.creation_timestamp_ms`), type: 'number' },
  last_updated_timestamp: { column: sql.raw(`${M}.last_updated_timestamp_ms`), type: 'number' },
};

function datasetCondition(datasets: readonly LoggedModelDatasetFilter[]): SqlExpr {
  if (datasets.length === 0) return sql`(1 = 1)`;
  return sql`(${sql.join(
    datasets.map((d) =>
      d.dataset_digest
        ? sql`(mm.dataset_name = ${d.dataset_name} AND mm.dataset_digest = ${d.dataset_digest})`
        : sql`(mm.dataset_name = ${d.dataset_name})`,
    ),
    sql` OR `,
  )})`;
}

/** The model's value of metric `key` on `datasets`: its latest point (by step, then timestamp). */
function metricValue(
  key: string,
  datasets: readonly LoggedModelDatasetFilter[],
  latestBy: 'step' | 'timestamp',
): SqlExpr {
  const order =
    latestBy === 'step'
      ? sql`mm.metric_step DESC, mm.metric_timestamp_ms DESC, mm.metric_value DESC`
      : sql`mm.metric_timestamp_ms DESC, mm.metric_step DESC, mm.metric_value DESC`;
  return sql`(SELECT mm.metric_value FROM logged_model_metrics mm WHERE mm.model_id = ${sql.raw(`${M}.model_id`)}
    AND mm.metric_name = ${key} AND ${datasetCondition(datasets)} ORDER BY ${order} LIMIT 1)`;
}

function scope(dialect: SqlDialectName, joins: JoinSet, datasets: readonly LoggedModelDatasetFilter[]): SqlSearchScope {
  const keyed = (
    table: 'logged_model_params' | 'logged_model_tags',
    keyCol: string,
    valueCol: string,
    key: string,
  ): SqlExpr => {
    const a = joins.add(
      `${table}:${key}`,
      (alias) =>
        sql`LEFT JOIN ${sql.raw(table)} ${sql.raw(alias)} ON ${sql.raw(`${alias}.model_id`)} = ${sql.raw(`${M}.model_id`)} AND ${sql.raw(`${alias}.${keyCol}`)} = ${key}`,
    );
    return sql.raw(`${a}.${valueCol}`);
  };
  return {
    dialect,
    resolve(id: Identifier): ValueSource {
      switch (id.type) {
        case 'metric':
          return { kind: 'scalar', value: metricValue(id.key, datasets, 'step'), type: 'number' };
        case 'param':
          return {
            kind: 'scalar',
            value: keyed('logged_model_params', 'param_key', 'param_value', id.key),
            type: 'string',
          };
        case 'tag':
          return { kind: 'scalar', value: keyed('logged_model_tags', 'tag_key', 'tag_value', id.key), type: 'string' };
        case 'attribute': {
          const a = ATTRIBUTES[id.key];
          if (!a) throw MlflowError.invalidParameter(`Invalid attribute key '${id.key}' specified.`);
          return { kind: 'scalar', value: a.column, type: a.type };
        }
        default:
          throw MlflowError.invalidParameter(`Invalid entity type '${id.type}' for logged models.`);
      }
    },
  };
}

interface SortKey {
  value: SqlExpr;
  type: 'string' | 'number';
  ascending: boolean;
  attribute?: string;
}

/** One order_by entry, checked by format's `parseLoggedModelOrderBy` (MLflow's rules), as SQL. */
function sortKey(o: LoggedModelOrderBy): SortKey {
  const k = parseLoggedModelOrderBy(o);
  if (k.metric !== undefined) {
    const ds: LoggedModelDatasetFilter[] = k.dataset_name
      ? [{ dataset_name: k.dataset_name, ...(k.dataset_digest ? { dataset_digest: k.dataset_digest } : {}) }]
      : [];
    return { value: metricValue(k.metric, ds, 'timestamp'), type: 'number', ascending: k.ascending };
  }
  const canonical = k.attribute ?? '';
  const a = ATTRIBUTES[canonical];
  if (!a) throw MlflowError.invalidParameter(`Invalid order by field name: ${canonical}.`);
  return { value: a.column, type: a.type, ascending: k.ascending, attribute: canonical };
}

function orderTerms(keys: readonly SortKey[], dialect: SqlDialectName): SqlExpr[] {
  const terms: SqlExpr[] = [];
  for (const k of keys) {
    const v = k.type === 'string' && dialect === 'postgresql' ? sql`${k.value} COLLATE "C"` : k.value;
    terms.push(sql`(CASE WHEN ${k.value} IS NULL THEN 1 ELSE 0 END) ASC`, k.ascending ? sql`${v} ASC` : sql`${v} DESC`);
  }
  return terms;
}

/** The ids of one page of matching models, in order. */
export async function searchLoggedModelIds(
  db: Db,
  dialect: SqlDialectName,
  req: SearchLoggedModelsRequest,
): Promise<Page<string>> {
  const datasets = req.datasets ?? [];
  if (datasets.some((d) => !d?.dataset_name)) {
    throw MlflowError.invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
  }
  const maxResults = resolveMaxResults('logged_models', req.max_results);
  const node = parseFilter(req.filter, 'logged_models');
  const keys = (req.order_by ?? []).map(sortKey);
  if (!keys.some((k) => k.attribute === 'creation_timestamp')) {
    keys.push({
      value: sql.raw(`${M}.creation_timestamp_ms`),
      type: 'number',
      ascending: false,
      attribute: 'creation_timestamp',
    });
  }
  if (!keys.some((k) => k.attribute === 'model_id')) {
    keys.push({ value: sql.raw(`${M}.model_id`), type: 'string', ascending: true, attribute: 'model_id' });
  }
  const window = pageWindow(maxResults, req.page_token);
  const experimentIds = (req.experiment_ids ?? []).filter((id) => /^\d{1,10}$/.test(id)).map(Number);
  if (experimentIds.length === 0) return { items: [] };

  const joins = new JoinSet();
  const where = compileSqlFilter(node, scope(dialect, joins, datasets));
  const onDatasets =
    datasets.length > 0 && !hasMetricClause(node)
      ? sql`EXISTS (SELECT 1 FROM logged_model_metrics mm WHERE mm.model_id = ${sql.raw(`${M}.model_id`)} AND ${datasetCondition(datasets)})`
      : sql`(1 = 1)`;
  const query = sql<{
    model_id: string;
  }>`SELECT ${sql.raw(`${M}.model_id`)} AS model_id FROM ${sql.raw(M)} ${joins.toSql()}
    WHERE ${sql.raw(`${M}.experiment_id`)} IN (${sql.join(experimentIds.map((n) => sql`${n}`))})
      AND COALESCE(${sql.raw(`${M}.lifecycle_stage`)}, 'active') <> 'deleted'
      AND ${onDatasets} AND ${where}
    ORDER BY ${sql.join(orderTerms(keys, dialect))} ${window.limitSql}`;
  const rows = (await query.execute(db)).rows.map((r) => r.model_id);
  return toPage(rows, window);
}
