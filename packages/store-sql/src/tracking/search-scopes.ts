/**
 * How search-runs and search-experiments identifiers read their values from MLflow's tables:
 * attributes are columns of `runs` / `experiments`; metrics (`latest_metrics`), params and tags
 * are LEFT JOINs on (run, key), one per distinct key; datasets are an EXISTS over the run's
 * dataset inputs. Keys are bound parameters; aliases are generated (`j1`, `j2`, …).
 */
import { sql } from 'kysely';
import type { Identifier } from '@mlflow-ts/format';
import { DATASET_CONTEXT_TAG, RUN_NAME_TAG } from '@mlflow-ts/format';
import type { SqlDialectName } from '../connect.js';
import { shortValueIndex } from '../schema/extra-indexes.js';
import { columnMap, type JoinSet } from '../search/index.js';
import type { SqlExpr, SqlSearchScope, ValueSource } from '../search/index.js';

const col = (alias: string, column: string): SqlExpr => sql.raw(`${alias}.${column}`);

const RUN_COLUMNS = columnMap(
  { run_id: 'run_uuid', run_name: 'name', status: 'status', user_id: 'user_id', artifact_uri: 'artifact_uri' },
  { start_time: 'start_time', end_time: 'end_time' },
);

function keyedJoin(joins: JoinSet, table: 'latest_metrics' | 'params' | 'tags', key: string): string {
  return joins.add(
    `${table}:${key}`,
    (a) =>
      sql`LEFT JOIN ${sql.raw(table)} ${sql.raw(a)} ON ${col(a, 'run_uuid')} = runs.run_uuid AND ${col(a, 'key')} = ${key}`,
  );
}

/**
 * Runs (the main table is `runs`). `purpose` 'filter' reads `run_name` from the `mlflow.runName`
 * tag as MLflow's SQL store does (runs logged by MLflow ≤ 1.29 have no name column); order_by
 * reads the column, as MLflow does.
 */
export function runSearchScope(dialect: SqlDialectName, joins: JoinSet, purpose: 'filter' | 'order'): SqlSearchScope {
  return {
    dialect,
    resolve(id: Identifier): ValueSource {
      switch (id.type) {
        case 'metric': {
          const a = keyedJoin(joins, 'latest_metrics', id.key);
          return { kind: 'scalar', value: col(a, 'value'), type: 'number', isNan: col(a, 'is_nan') };
        }
        case 'param':
        case 'tag': {
          const value = col(keyedJoin(joins, id.type === 'param' ? 'params' : 'tags', id.key), 'value');
          const index = dialect === 'postgresql' ? shortValueIndex(value) : undefined;
          return { kind: 'scalar', value, type: 'string', ...(index ? { index } : {}) };
        }
        case 'attribute': {
          if (id.key === 'run_name' && purpose === 'filter') {
            return { kind: 'scalar', value: col(keyedJoin(joins, 'tags', RUN_NAME_TAG), 'value'), type: 'string' };
          }
          const c = RUN_COLUMNS[id.key === 'created' ? 'start_time' : id.key];
          if (!c) throw new Error(`no run attribute ${id.key}`);
          return { kind: 'scalar', value: col('runs', c.column), type: c.type };
        }
        case 'dataset':
          return { kind: 'multi', exists: (where) => datasetExists(id.key, where) };
      }
    },
  };
}

function datasetExists(field: string, where: (value: SqlExpr) => SqlExpr): SqlExpr {
  const base = sql`FROM inputs di JOIN datasets dd ON dd.dataset_uuid = di.source_id`;
  const scope = sql`di.source_type = 'DATASET' AND di.destination_type = 'RUN' AND di.destination_id = runs.run_uuid`;
  if (field === 'context') {
    return sql`EXISTS (SELECT 1 ${base} LEFT JOIN input_tags dt ON dt.input_uuid = di.input_uuid AND dt.name = ${DATASET_CONTEXT_TAG} WHERE ${scope} AND ${where(sql.raw('dt.value'))})`;
  }
  const column = field === 'digest' ? 'dd.digest' : 'dd.name';
  return sql`EXISTS (SELECT 1 ${base} WHERE ${scope} AND ${where(sql.raw(column))})`;
}

const EXPERIMENT_COLUMNS = columnMap(
  { name: 'name' },
  { experiment_id: 'experiment_id', creation_time: 'creation_time', last_update_time: 'last_update_time' },
);

/** Experiments (the main table is `experiments`); tags are `experiment_tags`. */
export function experimentSearchScope(dialect: SqlDialectName, joins: JoinSet): SqlSearchScope {
  return {
    dialect,
    resolve(id: Identifier): ValueSource {
      if (id.type === 'tag') {
        const a = joins.add(
          `tag:${id.key}`,
          (alias) =>
            sql`LEFT JOIN experiment_tags ${sql.raw(alias)} ON ${col(alias, 'experiment_id')} = experiments.experiment_id AND ${col(alias, 'key')} = ${id.key}`,
        );
        return { kind: 'scalar', value: col(a, 'value'), type: 'string' };
      }
      const c = id.type === 'attribute' ? EXPERIMENT_COLUMNS[id.key] : undefined;
      if (!c) throw new Error(`no experiment identifier ${id.type}.${id.key}`);
      return { kind: 'scalar', value: col('experiments', c.column), type: c.type };
    },
  };
}
