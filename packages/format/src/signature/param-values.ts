/**
 * Inference parameters against a ParamSchema (mlflow/models/utils.py `_enforce_params_schema`):
 * unknown params are dropped, missing ones get their defaults, values are converted to their type.
 */
import { MlflowError } from '../errors.js';
import { enforceValue } from './value-enforce.js';
import type { ParamSchema, ParamSpec, ValueType } from './types.js';

function describeSpec(spec: ParamSpec): string {
  const shape = spec.shape === null ? '' : ` (shape: (${spec.shape.join(', ')},))`;
  return `'${spec.name}': ${spec.type} (default: ${JSON.stringify(spec.default)})${shape}`;
}

/** Checks `value` against one ParamSpec and returns it converted; throws INVALID_PARAMETER_VALUE. */
export function validateParamValue(spec: ParamSpec, value: unknown): unknown {
  const type: ValueType = spec.type === 'object' ? spec : { type: spec.type };
  const subject = `param ${describeSpec(spec)}`;
  if (value === null || value === undefined) return null;
  if (spec.shape !== null) {
    if (!Array.isArray(value) || value.some((x) => Array.isArray(x))) {
      throw MlflowError.invalidParameter(
        `Value must be a 1D array with shape (-1,) for param ${describeSpec(spec)}, received ${Array.isArray(value) ? 'a nested list' : typeof value}`,
      );
    }
    return value.map((x, i) => enforceValue(x, type, `${subject}[${i}]`));
  }
  if (Array.isArray(value)) {
    throw MlflowError.invalidParameter(
      `Failed to validate type and shape for ${subject}: expected a scalar ${spec.type} value, got a list`,
    );
  }
  return enforceValue(value, type, subject);
}

/**
 * Without a params schema every param is ignored (MLflow logs a warning and passes `{}`); with one,
 * the result holds exactly the schema's params.
 */
export function enforceParams(
  params: Record<string, unknown> | undefined | null,
  schema?: ParamSchema,
): Record<string, unknown> {
  if (schema === undefined) return {};
  const given = params ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw MlflowError.invalidParameter(
      `Parameters must be a dictionary. Got type '${Array.isArray(given) ? 'list' : typeof given}'.`,
    );
  }
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const spec of schema) {
    if (Object.prototype.hasOwnProperty.call(given, spec.name)) {
      try {
        out[spec.name] = validateParamValue(spec, given[spec.name]);
      } catch (e) {
        problems.push(`('${spec.name}', ${JSON.stringify(MlflowError.isInstance(e) ? e.message : String(e))})`);
      }
    } else {
      out[spec.name] = validateParamValue(spec, spec.default);
    }
  }
  if (problems.length > 0) throw MlflowError.invalidParameter(`Invalid parameters found: {${problems.join(', ')}}`);
  return out;
}
