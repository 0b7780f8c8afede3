/**
 * The checks MLflow's scoring server makes while it *parses* an `inputs` / `instances` payload
 * against the model's schema (mlflow/utils/proto_json_utils.py `_cast_schema_type` and
 * `convert_data_type`), before schema enforcement. They fail with BAD_REQUEST, where enforcement
 * failures are INVALID_PARAMETER_VALUE: a client of MLflow's server sees the same codes from ours.
 */
import { MlflowError } from '../errors.js';
import type { ModelInput } from '../model-input.js';
import { isPlainObject } from './enforce-columns.js';
import { hasInputNames, isTensorSpec, type ColSpec, type Schema, type TensorSpec } from './types.js';

type Conversion = 'float' | 'int';

/** Which Python conversion numpy applies to a string leaf for this spec, if it can fail. */
function conversionOf(spec: ColSpec | TensorSpec | undefined): Conversion | undefined {
  if (spec === undefined) return undefined;
  if (isTensorSpec(spec)) {
    const d = spec['tensor-spec'].dtype;
    if (d.startsWith('float')) return 'float';
    if (d.startsWith('int') || d.startsWith('uint')) return 'int';
    return undefined;
  }
  if (spec.type === 'float' || spec.type === 'double') return 'float';
  if (spec.type === 'integer' || spec.type === 'long') return 'int';
  return undefined;
}

const PY_FLOAT =
  /^\s*[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i;
const PY_INT = /^\s*[+-]?\d+(_\d+)*\s*$/;

function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The first string leaf numpy could not convert, as Python's ValueError text; iterative, linear in the leaves. */
function conversionError(value: unknown, conversion: Conversion): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === 'string') {
      if (conversion === 'float' && !PY_FLOAT.test(v)) return `could not convert string to float: ${pyRepr(v)}`;
      if (conversion === 'int' && !PY_INT.test(v)) return `invalid literal for int() with base 10: ${pyRepr(v)}`;
    }
  }
  return undefined;
}

function invalidInput(detail: string): MlflowError {
  return new MlflowError('BAD_REQUEST', `Invalid input. ${detail}`);
}

/**
 * Throws BAD_REQUEST where MLflow's payload parsing would: a dict of inputs for a model whose
 * signature has no input names, or a string value numpy cannot convert to the schema's number type.
 * Data frames (`dataframe_split`, `dataframe_records`, CSV) are checked by enforcement alone.
 */
export function checkServingInput(input: ModelInput, schema: Schema | undefined): void {
  if (schema === undefined || schema.length === 0 || input.kind === 'dataframe') return;
  const specs = schema as (ColSpec | TensorSpec)[];
  const named = hasInputNames(schema);
  if (!named && input.kind === 'tensors') {
    throw invalidInput(
      'Failed to parse input data. This model contains an un-named  model signature which expects a single ' +
        "n-dimensional array or a single value as input, however, an input of type <class 'dict'> was found.",
    );
  }
  const byName = new Map(specs.flatMap((s) => (s.name === undefined ? [] : [[s.name, s] as const])));
  const columns: [unknown, ColSpec | TensorSpec | undefined][] = [];
  if (input.kind === 'tensors') {
    for (const [k, v] of Object.entries(input.tensors)) columns.push([v, byName.get(k)]);
  } else if (Array.isArray(input.value) && input.value.some(isPlainObject)) {
    for (const row of input.value) {
      if (isPlainObject(row)) for (const [k, v] of Object.entries(row)) columns.push([v, byName.get(k)]);
    }
  } else {
    columns.push([input.value, specs[0]]);
  }
  for (const [value, spec] of columns) {
    const conversion = conversionOf(spec);
    const problem = conversion && conversionError(value, conversion);
    if (problem) throw invalidInput(problem);
  }
}
