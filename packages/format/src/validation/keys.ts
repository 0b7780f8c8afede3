/**
 * Metric, param and tag keys and values (mlflow/utils/validation.py). Keys become file names in the
 * FileStore, so besides the character set MLflow requires that a key is its own normalised path.
 */
import { MlflowError } from '../errors.js';
import { appendToJsonPath, exceedsMaximumLength, invalidValue, missingValue } from './messages.js';

export const MAX_ENTITY_KEY_LENGTH = 250;
export const MAX_PARAM_VALUE_LENGTH = 6000;
export const MAX_TAG_VALUE_LENGTH = 8000;
export const MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;

const VALID_KEY = /^[/\w.\- :]*$/;
const BAD_CHARACTERS_MESSAGE =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

/** Python's `posixpath.normpath`. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  let leading = path.startsWith('/') ? 1 : 0;
  // POSIX allows exactly two leading slashes to mean something else; three or more collapse to one.
  if (leading && path.startsWith('//') && !path.startsWith('///')) leading = 2;
  const out: string[] = [];
  for (const comp of path.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!leading && out.length === 0) || (out.length > 0 && out[out.length - 1] === '..')) {
      out.push(comp);
    } else if (out.length > 0) {
      out.pop();
    }
  }
  const joined = '/'.repeat(leading) + out.join('/');
  return joined || '.';
}

/** True when `name` would resolve to a different file name (MLflow's `path_not_unique`). */
export function pathNotUnique(name: string): boolean {
  const norm = posixNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

function badPathMessage(name: string): string {
  return (
    'Names may be treated as files in certain cases, and must not resolve to other names when treated as such. ' +
    `This name would resolve to '${posixNormpath(name)}'`
  );
}

/**
 * Length check with MLflow's truncation rule: over-long values are cut to `limit` when `truncate`
 * (MLflow's default, env MLFLOW_TRUNCATE_LONG_VALUES), otherwise rejected.
 */
export function validateLengthLimit(entityName: string, limit: number, value: string, truncate = false): string {
  if (value.length <= limit) return value;
  if (truncate) return value.slice(0, limit);
  const preview = value.length > 40 ? `${value.slice(0, 40)}...` : value;
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `${exceedsMaximumLength(entityName, limit)}: '${preview}' has ${value.length} characters`,
  );
}

function validateKey(entityName: string, key: unknown, path: string): string {
  if (key === undefined || key === null) throw new MlflowError('INVALID_PARAMETER_VALUE', missingValue(path));
  if (typeof key !== 'string') {
    throw new MlflowError('INVALID_PARAMETER_VALUE', invalidValue(path, key, `${entityName} must be a string`));
  }
  if (!VALID_KEY.test(key))
    throw new MlflowError('INVALID_PARAMETER_VALUE', invalidValue(path, key, BAD_CHARACTERS_MESSAGE));
  if (pathNotUnique(key))
    throw new MlflowError('INVALID_PARAMETER_VALUE', invalidValue(path, key, badPathMessage(key)));
  validateLengthLimit(entityName, MAX_ENTITY_KEY_LENGTH, key);
  return key;
}

export function validateMetricKey(key: unknown, path = 'key'): string {
  return validateKey('Metric name', key, path);
}

export function validateParamKey(key: unknown, path = 'key'): string {
  return validateKey('Param key', key, path);
}

export function validateTagKey(key: unknown, path = 'key'): string {
  return validateKey('Tag key', key, path);
}

export interface TruncateOptions {
  /** Cut over-long values instead of rejecting them (MLflow's default). */
  truncate?: boolean;
}

function validateValue(
  entityName: string,
  limit: number,
  value: unknown,
  path: string,
  opts?: TruncateOptions,
): string {
  if (value === undefined || value === null) throw new MlflowError('INVALID_PARAMETER_VALUE', missingValue(path));
  if (typeof value !== 'string') {
    throw new MlflowError('INVALID_PARAMETER_VALUE', invalidValue(path, value, `${entityName} must be a string`));
  }
  return validateLengthLimit(entityName, limit, value, opts?.truncate ?? true);
}

/** Returns the value, truncated to 6000 characters when longer (unless `truncate: false`). */
export function validateParamValue(value: unknown, path = 'value', opts?: TruncateOptions): string {
  return validateValue('Param value', MAX_PARAM_VALUE_LENGTH, value, path, opts);
}

/** Returns the value, truncated to 8000 characters when longer (unless `truncate: false`). */
export function validateTagValue(value: unknown, path = 'value', opts?: TruncateOptions): string {
  return validateValue('Tag value', MAX_TAG_VALUE_LENGTH, value, path, opts);
}

type KeyValue = { key: string; value: string };

/** Checks the key, then the value (at `path.key` / `path.value`), returning the pair as validated. */
function validatePair(
  pair: { key: unknown; value: unknown },
  path: string,
  validateKey: (key: unknown, path: string) => string,
  validateValue: (value: unknown, path: string, opts?: TruncateOptions) => string,
  opts: TruncateOptions | undefined,
): KeyValue {
  const key = validateKey(pair.key, appendToJsonPath(path, 'key'));
  return { key, value: validateValue(pair.value, appendToJsonPath(path, 'value'), opts) };
}

/** Validates a param and returns it with its value possibly truncated. */
export function validateParam(param: { key: unknown; value: unknown }, path = '', opts?: TruncateOptions): KeyValue {
  return validatePair(param, path, validateParamKey, validateParamValue, opts);
}

/** Validates a run tag and returns it with its value possibly truncated. */
export function validateTag(tag: { key: unknown; value: unknown }, path = '', opts?: TruncateOptions): KeyValue {
  return validatePair(tag, path, validateTagKey, validateTagValue, opts);
}

/** Experiment tags are never truncated: value ≤5000. */
export function validateExperimentTag(tag: { key: unknown; value: unknown }): { key: string; value: string } {
  const key = validateTagKey(tag.key, 'key');
  const value = validateValue('Tag value', MAX_EXPERIMENT_TAG_VALUE_LENGTH, tag.value, 'value', { truncate: false });
  return { key, value };
}
