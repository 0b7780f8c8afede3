/**
 * MLflow's model-signature types (mlflow/types/schema.py) as plain data. The shapes mirror the JSON
 * MLflow writes, so a `ColSpec` here reads like the entry in an MLmodel `signature.inputs` string.
 */
import { MlflowError } from '../errors.js';
import type { TensorDType } from '../model-input.js';

/** MLflow's scalar column types. */
export const DATA_TYPES = ['boolean', 'integer', 'long', 'float', 'double', 'string', 'binary', 'datetime'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** The numeric numpy dtypes (floats first), those a tensor of numbers may have. */
export const NUMERIC_TENSOR_DTYPES: readonly TensorDType[] = [
  'float16',
  'float32',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
];

/** numpy dtype names accepted in a TensorSpec. */
export const TENSOR_DTYPES: readonly TensorDType[] = [...NUMERIC_TENSOR_DTYPES, 'bool', 'str', 'object', 'bytes'];

export interface ScalarType {
  type: DataType;
}
export interface ArrayType {
  type: 'array';
  items: ValueType;
}
/** Object property: its type plus `required`. Properties are kept sorted by name, as MLflow does. */
export type PropertySpec = ValueType & { required: boolean };
export interface ObjectType {
  type: 'object';
  properties: Record<string, PropertySpec>;
}
/** A map with string keys. */
export interface MapType {
  type: 'map';
  values: ValueType;
}
export interface AnyType {
  type: 'any';
}
/** Spark ML vector: an array of doubles. */
export interface SparkMLVectorType {
  type: 'sparkml_vector';
}

/** Any type a column, array item, object property or map value can have. */
export type ValueType = ScalarType | ArrayType | ObjectType | MapType | AnyType | SparkMLVectorType;

/** One column of a column-based schema. */
export type ColSpec = ValueType & { name?: string; required: boolean };

export interface TensorSpec {
  name?: string;
  type: 'tensor';
  'tensor-spec': { dtype: TensorDType; shape: number[] };
}

/** A non-empty list of all-ColSpec or all-TensorSpec entries (see `createSchema`). */
export type Schema = ColSpec[] | TensorSpec[];

/** One inference parameter: scalar (`shape: null`) or 1-D list (`shape: [-1]`). */
export type ParamSpec = (ScalarType | ObjectType) & { name: string; default: unknown; shape: number[] | null };
export type ParamSchema = ParamSpec[];

export interface ModelSignature {
  inputs: Schema;
  outputs?: Schema;
  params?: ParamSchema;
}

export function isTensorSpec(spec: ColSpec | TensorSpec): spec is TensorSpec {
  return spec.type === 'tensor';
}

export function isTensorSchema(schema: Schema): schema is TensorSpec[] {
  return schema.length > 0 && isTensorSpec(schema[0]!);
}

export function hasInputNames(schema: Schema): boolean {
  return schema.length > 0 && schema[0]!.name !== undefined;
}

function specRequired(spec: ColSpec | TensorSpec): boolean {
  return isTensorSpec(spec) ? true : spec.required;
}

/** Names of the inputs, or their indices when the schema is unnamed (MLflow's `input_names`). */
export function inputNames(schema: Schema): (string | number)[] {
  return (schema as (ColSpec | TensorSpec)[]).map((s, i) => s.name ?? i);
}

export function requiredInputNames(schema: Schema): (string | number)[] {
  return (schema as (ColSpec | TensorSpec)[]).flatMap((s, i) => (specRequired(s) ? [s.name ?? i] : []));
}

/**
 * Checks MLflow's Schema invariants and returns the list typed as a Schema: not empty, no mix of
 * ColSpec and TensorSpec, all named or all unnamed, names unique, several TensorSpecs must be named,
 * unnamed inputs cannot be optional.
 */
export function createSchema(inputs: readonly (ColSpec | TensorSpec)[]): Schema {
  if (!Array.isArray(inputs)) {
    throw MlflowError.invalidParameter(`Inputs of Schema must be a list, got type ${typeof inputs}`);
  }
  if (inputs.length === 0) throw MlflowError.invalidParameter('Creating Schema with empty inputs is not allowed.');
  const named = inputs.filter((x) => x.name !== undefined).length;
  if (named !== 0 && named !== inputs.length) {
    const names = inputs.map((x) => (x.name === undefined ? 'None' : `'${x.name}'`)).join(', ');
    throw MlflowError.invalidParameter(
      `Creating Schema with a combination of named and unnamed inputs is not allowed. Got input names [${names}]`,
    );
  }
  const tensors = inputs.filter(isTensorSpec).length;
  if (tensors !== 0 && tensors !== inputs.length) {
    throw MlflowError.invalidParameter(
      'Creating Schema with a combination of ColSpec and TensorSpec is not supported. Please choose one of ColSpec or TensorSpec',
    );
  }
  if (tensors > 1 && named === 0) {
    throw MlflowError.invalidParameter(
      'Creating Schema with multiple unnamed TensorSpecs is not supported. Please provide names for each TensorSpec.',
    );
  }
  if (named === 0 && inputs.some((x) => !specRequired(x))) {
    throw MlflowError.invalidParameter(
      'Creating Schema with unnamed optional inputs is not supported. Please name all inputs or make all inputs required.',
    );
  }
  const seen = new Set<string>();
  for (const x of inputs) {
    if (x.name === undefined) continue;
    if (seen.has(x.name)) throw MlflowError.invalidParameter(`Duplicated input name '${x.name}' in Schema.`);
    seen.add(x.name);
  }
  return [...inputs] as Schema;
}

/** Human-readable type, used in error messages (close to MLflow's reprs). */
export function describeType(t: ValueType | TensorSpec): string {
  switch (t.type) {
    case 'tensor':
      return `Tensor('${t['tensor-spec'].dtype}', ${pyTuple(t['tensor-spec'].shape)})`;
    case 'array':
      return `Array(${describeType(t.items)})`;
    case 'object':
      return `{${Object.entries(t.properties)
        .map(([k, p]) => `${k}: ${describeType(p)} (${p.required ? 'required' : 'optional'})`)
        .join(', ')}}`;
    case 'map':
      return `Map(str -> ${describeType(t.values)})`;
    case 'any':
      return 'Any';
    case 'sparkml_vector':
      return 'SparkML vector';
    default:
      return t.type;
  }
}

/** A shape the way Python prints a tuple: `(-1,)`, `(-1, 4)`. */
export function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
