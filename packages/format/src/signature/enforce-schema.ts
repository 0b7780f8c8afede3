/**
 * `enforceSchema`: what pyfunc `predict` does before calling the model (mlflow/models/utils.py
 * `_enforce_schema`). Column schemas yield a checked data frame in schema order; tensor schemas yield
 * typed tensors. Every failure is INVALID_PARAMETER_VALUE naming the column or input and its type.
 */
import type { EnforcedInput, ModelInput } from '../model-input.js';
import { enforceColumnSchema } from './enforce-columns.js';
import { enforceTensorSchema } from './enforce-tensors.js';
import { isTensorSchema, type ColSpec, type Schema } from './types.js';

export function enforceSchema(input: ModelInput, schema: Schema): EnforcedInput {
  if (isTensorSchema(schema)) return enforceTensorSchema(input, schema);
  return enforceColumnSchema(input, schema as ColSpec[]);
}
