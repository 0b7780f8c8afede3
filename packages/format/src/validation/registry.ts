/** Model registry names, versions, aliases and stages (mlflow/utils/validation.py, model_registry). */
import { MODEL_VERSION_STAGES, type ModelVersionStage } from '../entities.js';
import { MlflowError } from '../errors.js';
import { missingValue, notIntegerValue } from './messages.js';

export const MAX_REGISTERED_MODEL_ALIAS_LENGTH = 255;
export const MAX_REGISTRY_TAG_VALUE_LENGTH = 100000;
/**
 * MLflow's SQL schema keeps names in a VARCHAR(256) and its FileStore uses the name as a directory
 * name, which file systems cap at 255 bytes: the limit both stores can hold.
 */
const MAX_REGISTERED_MODEL_NAME_BYTES = 255;

const ALIAS = /^[\w-]*$/;
const VERSION_ALIAS = /^[vV]\d+$/;

function fail(message: string): never {
  throw new MlflowError('INVALID_PARAMETER_VALUE', message);
}

/**
 * Non-empty; the FileStore keeps a model per directory, so path separators, `%` and the names `.`
 * and `..` are refused everywhere to keep every store interchangeable.
 */
export function validateRegisteredModelName(name: unknown): string {
  if (name === undefined || name === null || name === '') fail(missingValue('name'));
  if (typeof name !== 'string') fail(`Registered model name must be a string, got ${JSON.stringify(name)}`);
  if (name.includes('\0'))
    fail(`Invalid registered model name: ${JSON.stringify(name)}. Names may not contain NUL characters.`);
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_REGISTERED_MODEL_NAME_BYTES) {
    fail(
      `Registered model name '${name.slice(0, 40)}...' is too long: ${bytes} bytes in UTF-8, the limit is ${MAX_REGISTERED_MODEL_NAME_BYTES} (MAX_REGISTERED_MODEL_NAME_BYTES).`,
    );
  }
  if (/[/\\%]/.test(name) || name === '.' || name === '..') {
    fail(
      `Invalid registered model name: '${name}'. Names may not contain path separators ('/', '\\') or '%', nor be '.' or '..'.`,
    );
  }
  return name;
}

export interface ModelAliasOptions {
  /**
   * Reserved names (`latest`, `v<digits>`) are refused when setting an alias; reading through them
   * (`models:/name@latest`) is allowed.
   */
  allowReserved?: boolean;
}

export function validateModelAlias(alias: unknown, opts?: ModelAliasOptions): string {
  if (alias === undefined || alias === null || alias === '') fail('Registered model alias name cannot be empty.');
  if (typeof alias !== 'string' || !ALIAS.test(alias)) {
    fail(
      `Invalid alias name: '${String(alias)}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > MAX_REGISTERED_MODEL_ALIAS_LENGTH) {
    fail(
      `'Registered model alias name' exceeds the maximum length of ${MAX_REGISTERED_MODEL_ALIAS_LENGTH} characters: '${alias.slice(0, 40)}...'`,
    );
  }
  if (!opts?.allowReserved) {
    if (alias.toLowerCase() === 'latest') fail(`'latest' alias name (case insensitive) is reserved: '${alias}'.`);
    if (VERSION_ALIAS.test(alias)) fail(`Version alias name '${alias}' is reserved.`);
  }
  return alias;
}

/** Python's `int(version)`: optional sign and surrounding whitespace, decimal digits only. */
export function validateModelVersion(version: unknown): number {
  const text = typeof version === 'number' ? String(version) : version;
  if (typeof text !== 'string' || !/^\s*[+-]?\d+\s*$/.test(text)) fail(notIntegerValue('version', version));
  return Number.parseInt(text.trim(), 10);
}

/** Case-insensitive stage name → canonical form (`staging` → `Staging`). */
export function canonicalStage(stage: unknown): ModelVersionStage {
  if (typeof stage === 'string') {
    const found = MODEL_VERSION_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
    if (found) return found;
  }
  fail(`Invalid Model Version stage: ${String(stage)}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`);
}

/** Registry tags: key like run tags (≤250), value ≤100000, never truncated. */
export function validateRegistryTagValue(value: unknown): string {
  if (typeof value !== 'string') fail(missingValue('value'));
  if (value.length > MAX_REGISTRY_TAG_VALUE_LENGTH) {
    fail(
      `'Tag value' exceeds the maximum length of ${MAX_REGISTRY_TAG_VALUE_LENGTH} characters (${value.length} characters)`,
    );
  }
  return value;
}
