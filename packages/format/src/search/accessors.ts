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

function keyedLookup<T extends { key: string }>(items: readonly T[], pick: (item: T) => unknown): (key: string) => unknown {
  let map: Map<string, unknown> | undefined;
  return (key) => {
    if (items.length <= LINEAR_LIMIT) {
      // Last wins, matching what a Map built in order would hold.
      for (let i = items.length - 1; i >= 0; i--) if (items[i]!.key === key) return pick(items[i]!);
      return undefined;
    }
    if (!map) {
      map = new Map();
      for (const item of items) map.set(item.key, pick(item));
    }
    return map.get(key);
  };
}

const valueOf = (kv: { value: unknown }) => kv.value;

export function runValueAccessor(run: Run): ValueAccessor {
  const metric = keyedLookup(run.data.metrics, valueOf);
  const param = keyedLookup(run.data.params, valueOf);
  const tag = keyedLookup(run.data.tags, valueOf);
  let datasets: DatasetValue[] | undefined;
  return (id: Identifier) => {
    switch (id.type) {
      case 'metric':
        return metric(id.key);
      case 'param':
        return param(id.key);
      case 'tag':
        return tag(id.key);
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
  const tag = keyedLookup(e.tags, valueOf);
  return (id: Identifier) => {
    if (id.type === 'tag') return tag(id.key);
    if (id.type !== 'attribute') return undefined;
    if (id.key === 'experiment_id') return idSortValue(e.experiment_id);
    return (e as unknown as Record<string, unknown>)[id.key];
  };
}

export function registeredModelValueAccessor(m: RegisteredModel): ValueAccessor {
  const tag = keyedLookup(m.tags, valueOf);
  return (id: Identifier) => {
    if (id.type === 'tag') return tag(id.key);
    if (id.type !== 'attribute') return undefined;
    return (m as unknown as Record<string, unknown>)[id.key];
  };
}

export function modelVersionValueAccessor(v: ModelVersion): ValueAccessor {
  const tag = keyedLookup(v.tags, valueOf);
  return (id: Identifier) => {
    if (id.type === 'tag') return tag(id.key);
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
