/**
 * MLflow's validation message formats (mlflow/utils/validation.py), reproduced so that clients
 * matching on message text behave the same against mlflow-ts.
 */
import { MlflowError } from '../errors.js';

/** Python's `json.dumps(value, sort_keys=True, separators=(",", ":"))` for the values we report. */
function formatValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (value === undefined) return 'null';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function invalidValue(path: string, value: unknown, message?: string): string {
  const v = formatValue(value);
  return message
    ? `Invalid value ${v} for parameter '${path}' supplied: ${message}`
    : `Invalid value ${v} for parameter '${path}' supplied.`;
}

export function missingValue(path: string): string {
  return `Missing value for required parameter '${path}'.`;
}

export function notIntegerValue(path: string, value: unknown): string {
  return `Parameter '${path}' must be an integer, got '${String(value)}'.`;
}

export function exceedsMaximumLength(path: string, limit: number): string {
  return `'${path}' exceeds the maximum length of ${limit} characters`;
}

export function invalidParameter(message: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', message);
}

/** `a` + `.b` → `a.b`; empty prefix → `b` (MLflow's `append_to_json_path`). */
export function appendToJsonPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
