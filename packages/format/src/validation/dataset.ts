/** Dataset and input-tag limits for log-inputs (mlflow/utils/validation.py). */
import { MlflowError } from '../errors.js';

export const DATASET_LIMITS = {
  name: 500,
  digest: 36,
  source: 65535,
  schema: 1048575,
  profile: 16777215,
} as const;
export const MAX_INPUT_TAG_KEY_LENGTH = 255;
export const MAX_INPUT_TAG_VALUE_LENGTH = 500;

function fail(message: string): never {
  throw new MlflowError('INVALID_PARAMETER_VALUE', message);
}

interface DatasetLike {
  name?: unknown;
  digest?: unknown;
  source_type?: unknown;
  source?: unknown;
  schema?: unknown;
  profile?: unknown;
}

export function validateDataset(dataset: DatasetLike | null | undefined): void {
  if (!dataset) fail('Dataset cannot be None');
  const { name, digest, source_type, source, schema, profile } = dataset;
  const required = { name, digest, source_type, source };
  const missing = Object.entries(required)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k]) => k);
  if (missing.length > 0) {
    fail(
      `Dataset must have name, digest, source_type and source (missing ${missing.join(', ')} in dataset ${JSON.stringify(name ?? null)})`,
    );
  }
  const sizes: [string, unknown, number, string][] = [
    ['name', name, DATASET_LIMITS.name, 'length'],
    ['digest', digest, DATASET_LIMITS.digest, 'length'],
    ['source', source, DATASET_LIMITS.source, 'size'],
    ['schema', schema, DATASET_LIMITS.schema, 'size'],
    ['profile', profile, DATASET_LIMITS.profile, 'size'],
  ];
  for (const [field, value, limit, word] of sizes) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') fail(`Dataset ${field} must be a string, got ${JSON.stringify(value)}`);
    if (value.length > limit) {
      fail(
        `Dataset ${field} exceeds the maximum ${word} of ${limit} (dataset '${String(name)}', ${value.length} characters)`,
      );
    }
  }
}

export function validateInputTag(tag: { key?: unknown; value?: unknown } | null | undefined): void {
  if (!tag) fail('InputTag cannot be None');
  if (typeof tag.key !== 'string' || typeof tag.value !== 'string') {
    fail(`InputTag must have key and value, got ${JSON.stringify(tag)}`);
  }
  if (tag.key.length > MAX_INPUT_TAG_KEY_LENGTH) {
    fail(`InputTag key exceeds the maximum length of ${MAX_INPUT_TAG_KEY_LENGTH}: '${tag.key.slice(0, 40)}...'`);
  }
  if (tag.value.length > MAX_INPUT_TAG_VALUE_LENGTH) {
    fail(`InputTag value exceeds the maximum length of ${MAX_INPUT_TAG_VALUE_LENGTH} (key '${tag.key}')`);
  }
}

/** A dataset input as log-inputs carries it: the dataset plus its tags (e.g. `mlflow.data.context`). */
export function validateDatasetInput(input: {
  dataset?: DatasetLike;
  tags?: { key?: unknown; value?: unknown }[];
}): void {
  validateDataset(input.dataset);
  for (const tag of input.tags ?? []) validateInputTag(tag);
}
