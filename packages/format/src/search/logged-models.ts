/**
 * search_logged_models over models held in memory, as MLflow's FileStore answers it
 * (mlflow/utils/search_utils.py `SearchLoggedModelsUtils`): the filter language with
 * `metrics.`/`params.`/`tags.`/attributes, metric clauses restricted to the request's `datasets`,
 * structured `order_by` entries (metrics per dataset, attributes), tie-breakers
 * `creation_timestamp DESC, model_id ASC`, offset page tokens.
 */
import type { Metric, Page } from '../entities.js';
import { MlflowError } from '../errors.js';
import { LOGGED_MODEL_STATUS_NAMES } from '../logged-model.js';
import type { LoggedModel } from '../logged-model.js';
import type { LoggedModelDatasetFilter, LoggedModelOrderBy, SearchLoggedModelsRequest } from '../logged-model-store.js';
import { ENTITY_RULES } from './entity-rules.js';
import type { Identifier } from './entity-rules.js';
import { compileFilter } from './evaluate.js';
import type { ValueAccessor } from './evaluate.js';
import type { FilterNode } from './filter-node.js';
import { paginate } from './page-token.js';
import { parseFilter } from './parser.js';
import { resolveMaxResults } from './in-memory.js';

const onDataset = (m: Metric, d: LoggedModelDatasetFilter): boolean =>
  m.dataset_name === d.dataset_name && (!d.dataset_digest || m.dataset_digest === d.dataset_digest);

/** An attribute as filters and order_by see it (`status` as Python's `READY`, timestamps in ms). */
function attributeOf(model: LoggedModel, key: string): unknown {
  const info = model.info;
  switch (key) {
    case 'creation_timestamp':
      return info.creation_timestamp_ms;
    case 'last_updated_timestamp':
      return info.last_updated_timestamp_ms;
    case 'status':
      return LOGGED_MODEL_STATUS_NAMES[info.status];
    case 'name':
    case 'model_id':
    case 'model_type':
    case 'source_run_id':
      return info[key];
    default:
      return undefined;
  }
}

export function loggedModelValueAccessor(
  model: LoggedModel,
  datasets?: readonly LoggedModelDatasetFilter[],
): ValueAccessor {
  return (id: Identifier) => {
    switch (id.type) {
      case 'metric': {
        // MLflow takes the first of the model's metrics with that key (on one of the datasets, if given).
        const m = model.data.metrics.find(
          (x) => x.key === id.key && (!datasets?.length || datasets.some((d) => onDataset(x, d))),
        );
        return m?.value;
      }
      case 'param':
        return model.data.params.find((p) => p.key === id.key)?.value;
      case 'tag':
        return model.info.tags.find((t) => t.key === id.key)?.value;
      case 'attribute':
        return attributeOf(model, id.key);
      default:
        return undefined;
    }
  };
}

/** Whether a logged-model filter compares a metric anywhere (metric clauses then apply to `datasets`). */
export function hasMetricClause(node: FilterNode | null): boolean {
  if (node === null) return false;
  switch (node.kind) {
    case 'comparison':
      return node.identifier.type === 'metric';
    case 'not':
      return hasMetricClause(node.child);
    default:
      return node.children.some(hasMetricClause);
  }
}

/** A validated logged-model order_by entry: a metric (optionally on one dataset) or an attribute. */
export interface LoggedModelSortKey {
  metric?: string;
  attribute?: string;
  ascending: boolean;
  dataset_name?: string;
  dataset_digest?: string;
}

/** MLflow's `parse_order_by_for_logged_models`: one order_by entry checked, with MLflow's messages. */
export function parseLoggedModelOrderBy(o: LoggedModelOrderBy): LoggedModelSortKey {
  if (typeof o !== 'object' || o === null)
    throw MlflowError.invalidParameter('`order_by` must be a list of dictionaries.');
  const field = o.field_name;
  if (field === undefined || field === null || field === '') {
    throw MlflowError.invalidParameter('`field_name` in the `order_by` clause must be specified.');
  }
  const ascending = o.ascending ?? true;
  if (typeof ascending !== 'boolean') {
    throw MlflowError.invalidParameter(
      `Value of \`ascending\` in the \`order_by\` clause must be a boolean, got ${typeof ascending} for field ${field}.`,
    );
  }
  if (o.dataset_digest && !o.dataset_name) {
    throw MlflowError.invalidParameter('`dataset_digest` can only be specified if `dataset_name` is also specified.');
  }
  const ds = {
    ...(o.dataset_name ? { dataset_name: o.dataset_name } : {}),
    ...(o.dataset_digest ? { dataset_digest: o.dataset_digest } : {}),
  };
  if (field.includes('.')) {
    const [entity, key] = [field.slice(0, field.indexOf('.')), field.slice(field.indexOf('.') + 1)];
    if (entity !== 'metrics')
      throw MlflowError.invalidParameter(`Invalid order by field name: ${entity}, only \`metrics.<name>\` is allowed.`);
    return { metric: key, ascending, ...ds };
  }
  const name = field.trim();
  const rules = ENTITY_RULES.logged_models;
  const canonical = rules.aliases[name] ?? name;
  if (!rules.orderByAttributes.includes(canonical))
    throw MlflowError.invalidParameter(`Invalid order by field name: ${name}.`);
  return { attribute: canonical, ascending, ...ds };
}

function sortValue(model: LoggedModel, key: LoggedModelSortKey): unknown {
  if (key.attribute !== undefined) return attributeOf(model, key.attribute);
  let latest: Metric | undefined;
  for (const m of model.data.metrics) {
    if (m.key !== key.metric) continue;
    if (key.dataset_name && m.dataset_name !== key.dataset_name) continue;
    if (key.dataset_digest && m.dataset_digest !== key.dataset_digest) continue;
    if (!latest || m.timestamp > latest.timestamp) latest = m;
  }
  return latest?.value;
}

/** Missing values last in either direction (MLflow's `_LoggedModelMetricComp` / `_Reversor`). */
function compare(a: unknown, b: unknown, ascending: boolean): number {
  const missA = a === undefined || a === null;
  const missB = b === undefined || b === null;
  if (missA || missB) return missA === missB ? 0 : missA ? 1 : -1;
  if (a === b) return 0;
  const lt = (a as number | string) < (b as number | string);
  return (lt ? -1 : 1) * (ascending ? 1 : -1);
}

export function searchLoggedModelsInMemory(
  models: readonly LoggedModel[],
  req: Omit<SearchLoggedModelsRequest, 'experiment_ids'> & { experiment_ids?: string[] },
): Page<LoggedModel> {
  const datasets = req.datasets ?? [];
  if (datasets.some((d) => !d?.dataset_name)) {
    throw MlflowError.invalidParameter('`dataset_name` in the `datasets` clause must be specified.');
  }
  const maxResults = resolveMaxResults('logged_models', req.max_results);
  const node = parseFilter(req.filter, 'logged_models');
  const predicate = compileFilter(node);
  const keys = (req.order_by ?? []).map(parseLoggedModelOrderBy);
  if (!keys.some((k) => k.attribute === 'creation_timestamp'))
    keys.push({ attribute: 'creation_timestamp', ascending: false });
  if (!keys.some((k) => k.attribute === 'model_id')) keys.push({ attribute: 'model_id', ascending: true });

  const ids = req.experiment_ids ? new Set(req.experiment_ids) : undefined;
  let selected = ids ? models.filter((m) => ids.has(m.info.experiment_id)) : [...models];
  if (datasets.length > 0 && !hasMetricClause(node)) {
    selected = selected.filter((m) => m.data.metrics.some((x) => datasets.some((d) => onDataset(x, d))));
  }
  selected = selected.filter((m) => predicate(loggedModelValueAccessor(m, datasets)));
  const decorated = selected.map((m) => ({ m, v: keys.map((k) => sortValue(m, k)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compare(x.v[i], y.v[i], keys[i]!.ascending);
      if (c !== 0) return c;
    }
    return 0;
  });
  return paginate(
    decorated.map((d) => d.m),
    maxResults,
    req.page_token,
  );
}
