/**
 * Value accessors for the four searchable entities: how an identifier (`metrics.acc`,
 * `attributes.start_time`, `tags.team`, `datasets.name`) reads a value from the wire-shaped entity.
 * Missing values are `undefined`. Lookups over key/value arrays are linear for small arrays and
 * switch to a lazily built Map for big ones, so a search over 10k runs stays cheap.
 */
import type { Experiment, ModelVersion, RegisteredModel, Run } from '../entities.js';
import type { Identifier } from './entity-rules.js';
import type { DatasetValue, ValueAccessor } from './evaluate.js';

/** The tag MLflow puts on a dataset input to say how it was used ("train", "eval", …). */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

const LINEAR_LIMIT = 16;

/** Indexes of big key/value arrays, built on first use and kept while the array lives. */
const indexes = new WeakMap<readonly { key: string }[], Map<string, unknown>>();

/** The value under `key` (last one wins, as a Map built in order would hold). */
function lookup(items: readonly { key: string; value: unknown }[], key: string): unknown {
  if (items.length <= LINEAR_LIMIT) {
    for (let i = items.length - 1; i >= 0; i--) if (items[i]!.key === key) return items[i]!.value;
    return undefined;
  }
  let map = indexes.get(items);
  if (!map) {
    map = new Map();
    for (const item of items) map.set(item.key, item.value);
    indexes.set(items, map);
  }
  return map.get(key);
}

export function runValueAccessor(run: Run): ValueAccessor {
  let datasets: DatasetValue[] | undefined;
  return (id: Identifier) => {
    switch (id.type) {
      case 'metric':
        return lookup(run.data.metrics, id.key);
      case 'param':
        return lookup(run.data.params, id.key);
      case 'tag':
        return lookup(run.data.tags, id.key);
      case 'attribute':
        return (run.info as unknown as Record<string, unknown>)[id.key === 'created' ? 'start_time' : id.key];
      case 'dataset':
        datasets ??= (run.inputs?.dataset_inputs ?? []).map((input) => ({
          name: input.dataset.name,
          digest: input.dataset.digest,
          context: input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value,
        }));
        return datasets;
    }
  };
}

/** Digit-only IDs compare as integers (BigInt: FS IDs have 18 digits), others as strings. */
function idSortValue(id: string): bigint | string {
  return /^\d+$/.test(id) ? BigInt(id) : id;
}

export function experimentValueAccessor(e: Experiment): ValueAccessor {
  return (id: Identifier) => {
    if (id.type === 'tag') return lookup(e.tags, id.key);
    if (id.type !== 'attribute') return undefined;
    if (id.key === 'experiment_id') return idSortValue(e.experiment_id);
    return (e as unknown as Record<string, unknown>)[id.key];
  };
}

/**
 * MLflow marks prompts with this tag and its clients append ``tags.`mlflow.prompt.is_prompt` != 'true'``
 * to every registered-model and model-version search. MLflow's stores read a model *without* the tag
 * as not a prompt (mlflow/utils/search_utils.py): here the missing tag reads as 'false', so that
 * `!= 'true'` and `= 'false'` match plain models.
 */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

function registryTag(tags: readonly { key: string; value: unknown }[], key: string): unknown {
  const value = lookup(tags, key);
  return value === undefined && key === IS_PROMPT_TAG ? 'false' : value;
}

export function registeredModelValueAccessor(m: RegisteredModel): ValueAccessor {
  return (id: Identifier) => {
    if (id.type === 'tag') return registryTag(m.tags, id.key);
    if (id.type !== 'attribute') return undefined;
    return (m as unknown as Record<string, unknown>)[id.key];
  };
}

export function modelVersionValueAccessor(v: ModelVersion): ValueAccessor {
  return (id: Identifier) => {
    if (id.type === 'tag') return registryTag(v.tags, id.key);
    if (id.type !== 'attribute') return undefined;
    switch (id.key) {
      case 'version_number':
        return Number.parseInt(v.version, 10);
      case 'source_path':
        return v.source;
      default:
        return (v as unknown as Record<string, unknown>)[id.key];
    }
  };
}
