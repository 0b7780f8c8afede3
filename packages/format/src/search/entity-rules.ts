/**
 * What each searchable entity accepts: identifier prefixes, attribute keys and their aliases,
 * comparators and value types (MLflow's mlflow/utils/search_utils.py, per entity class).
 */

export type SearchEntity = 'runs' | 'experiments' | 'registered_models' | 'model_versions' | 'logged_models';

export type IdentifierType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export interface Identifier {
  type: IdentifierType;
  /** Canonical key: aliases (`created`, `"run name"`) are already translated. */
  key: string;
}

/** Every spelling MLflow accepts before the dot, mapped to the canonical type. */
export const IDENTIFIER_PREFIXES: Readonly<Record<string, IdentifierType>> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'param',
  parameters: 'param',
  param: 'param',
  params: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

export type ValueKind = 'number' | 'integer' | 'string';

export const NUMERIC_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='] as const;
export const STRING_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'] as const;

interface AttributeRule {
  value: ValueKind;
  /** `IN (...)` / `NOT IN (...)` allowed. */
  list?: boolean;
}

interface EntityRules {
  types: readonly IdentifierType[];
  attributes: Readonly<Record<string, AttributeRule>>;
  /** Alias → canonical attribute key, for filters and order_by. */
  aliases: Readonly<Record<string, string>>;
  orderByTypes: readonly IdentifierType[];
  orderByAttributes: readonly string[];
}

const RUN_ALIASES = {
  created: 'start_time',
  Created: 'start_time',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
};

export const ENTITY_RULES: Readonly<Record<SearchEntity, EntityRules>> = {
  runs: {
    types: ['metric', 'param', 'tag', 'attribute', 'dataset'],
    attributes: {
      run_id: { value: 'string', list: true },
      run_name: { value: 'string' },
      status: { value: 'string' },
      user_id: { value: 'string' },
      artifact_uri: { value: 'string' },
      start_time: { value: 'integer' },
      end_time: { value: 'integer' },
    },
    aliases: RUN_ALIASES,
    orderByTypes: ['metric', 'param', 'tag', 'attribute'],
    orderByAttributes: ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time'],
  },
  experiments: {
    types: ['attribute', 'tag'],
    attributes: {
      name: { value: 'string' },
      creation_time: { value: 'integer' },
      last_update_time: { value: 'integer' },
    },
    aliases: {},
    orderByTypes: ['attribute'],
    orderByAttributes: ['name', 'experiment_id', 'creation_time', 'last_update_time'],
  },
  registered_models: {
    types: ['attribute', 'tag'],
    attributes: { name: { value: 'string' } },
    aliases: {},
    orderByTypes: ['attribute'],
    orderByAttributes: ['name', 'creation_timestamp', 'last_updated_timestamp'],
  },
  model_versions: {
    types: ['attribute', 'tag'],
    attributes: {
      name: { value: 'string' },
      run_id: { value: 'string', list: true },
      source_path: { value: 'string' },
      version_number: { value: 'integer' },
    },
    aliases: {},
    orderByTypes: ['attribute'],
    orderByAttributes: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'],
  },
  // SearchLoggedModelsUtils: every attribute allows IN / NOT IN.
  logged_models: {
    types: ['metric', 'param', 'tag', 'attribute'],
    attributes: {
      name: { value: 'string', list: true },
      model_id: { value: 'string', list: true },
      model_type: { value: 'string', list: true },
      status: { value: 'string', list: true },
      source_run_id: { value: 'string', list: true },
      creation_timestamp: { value: 'integer' },
      last_updated_timestamp: { value: 'integer' },
    },
    aliases: { creation_time: 'creation_timestamp', last_updated_time: 'last_updated_timestamp' },
    orderByTypes: ['metric', 'attribute'],
    orderByAttributes: [
      'name',
      'model_id',
      'model_type',
      'status',
      'source_run_id',
      'creation_timestamp',
      'last_updated_timestamp',
    ],
  },
};

export const DATASET_KEYS = ['name', 'digest', 'context'] as const;

/** Value kind and whether lists are allowed for an identifier (already validated). */
export function valueRule(entity: SearchEntity, id: Identifier): AttributeRule {
  switch (id.type) {
    case 'metric':
      return { value: 'number' };
    case 'param':
    case 'tag':
      return { value: 'string' };
    case 'dataset':
      return { value: 'string', list: true };
    case 'attribute':
      return ENTITY_RULES[entity].attributes[id.key] ?? { value: 'string' };
  }
}

export function describeTypes(types: readonly IdentifierType[]): string {
  const spell: Record<IdentifierType, string> = {
    metric: 'metrics',
    param: 'params',
    tag: 'tags',
    attribute: 'attributes',
    dataset: 'datasets',
  };
  return types.map((t) => `'${spell[t]}'`).join(', ');
}
