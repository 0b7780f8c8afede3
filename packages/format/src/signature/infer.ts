/**
 * Schema inference from examples (mlflow/types/utils.py `_infer_schema`, mlflow/models/signature.py
 * `infer_signature`). Tabular data (row objects, `{columns, data}`, a dict of values) gives ColSpecs;
 * tensors, typed arrays and nested numeric lists give TensorSpecs with a variable first dimension.
 */
import { MlflowError } from '../errors.js';
import type { DataFrameInput, TensorDType } from '../model-input.js';
import { isPlainObject } from './enforce-columns.js';
import { dtypeOfTypedArray, isTensor, isTypedArray, nestedShape, flattenNested } from './tensor-data.js';
import {
  createSchema,
  type ColSpec,
  type ModelSignature,
  type ParamSchema,
  type ParamSpec,
  type PropertySpec,
  type Schema,
  type TensorSpec,
  type ValueType,
} from './types.js';

/** The MLflow type of one value; undefined for null (unknown until merged with others). */
export function inferValueType(v: unknown): ValueType | undefined {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return undefined;
  if (typeof v === 'boolean') return { type: 'boolean' };
  if (typeof v === 'number') return { type: Number.isInteger(v) ? 'long' : 'double' };
  if (typeof v === 'bigint') return { type: 'long' };
  if (typeof v === 'string') return { type: 'string' };
  if (v instanceof Uint8Array) return { type: 'binary' };
  if (v instanceof Date) return { type: 'datetime' };
  if (Array.isArray(v) || isTypedArray(v)) {
    const items = mergeTypes(Array.from(v as ArrayLike<unknown>).map(inferValueType), 'array items');
    return { type: 'array', items: items ?? { type: 'any' } };
  }
  if (isPlainObject(v)) {
    const properties: Record<string, PropertySpec> = {};
    for (const k of Object.keys(v).sort()) {
      const t = inferValueType(v[k]);
      properties[k] = { ...(t ?? { type: 'any' }), required: t !== undefined };
    }
    if (Object.keys(properties).length === 0)
      throw MlflowError.invalidParameter('Can not infer a type for an empty object.');
    return { type: 'object', properties };
  }
  throw MlflowError.invalidParameter(`Can not infer an MLflow type for value ${String(v)} of type ${typeof v}.`);
}

/** Merges the types of several values (MLflow's `_merge`): long+double → double, objects union their properties. */
function mergeTypes(types: (ValueType | undefined)[], where: string): ValueType | undefined {
  let acc: ValueType | undefined;
  for (const t of types) {
    if (t === undefined) continue;
    acc = acc === undefined ? t : mergeTwo(acc, t, where);
  }
  return acc;
}

function mergeTwo(a: ValueType, b: ValueType, where: string): ValueType {
  if (a.type === 'any') return b;
  if (b.type === 'any') return a;
  const nums = ['long', 'double'];
  if (nums.includes(a.type) && nums.includes(b.type))
    return { type: a.type === b.type ? a.type : 'double' } as ValueType;
  if (a.type === 'array' && b.type === 'array') return { type: 'array', items: mergeTwo(a.items, b.items, where) };
  if (a.type === 'object' && b.type === 'object') {
    const properties: Record<string, PropertySpec> = {};
    for (const k of [...new Set([...Object.keys(a.properties), ...Object.keys(b.properties)])].sort()) {
      const pa = a.properties[k];
      const pb = b.properties[k];
      if (pa && pb) properties[k] = { ...mergeTwo(pa, pb, where), required: pa.required && pb.required };
      else properties[k] = { ...(pa ?? pb)!, required: false };
    }
    return { type: 'object', properties };
  }
  if (a.type === b.type && a.type !== 'map') return a;
  throw MlflowError.invalidParameter(
    `Can not infer a schema: ${where} mix incompatible types ${a.type} and ${b.type}.`,
  );
}

function columnSpecs(columns: string[], rows: unknown[][]): ColSpec[] {
  return columns.map((name, j) => {
    const values = rows.map((r) => r[j]);
    const t = mergeTypes(values.map(inferValueType), `column '${name}'`);
    // A column holding a missing value is optional, as MLflow infers it.
    const required = t !== undefined && values.every((v) => inferValueType(v) !== undefined);
    return { ...(t ?? { type: 'any' }), name, required } as ColSpec;
  });
}

function tensorSpec(dtype: TensorDType, shape: number[], name?: string): TensorSpec {
  const spec: TensorSpec = {
    type: 'tensor',
    'tensor-spec': { dtype, shape: shape.length > 0 ? [-1, ...shape.slice(1)] : [-1] },
  };
  return name === undefined ? spec : { name, ...spec };
}

function tensorLikeSpec(v: unknown, name?: string): TensorSpec | undefined {
  if (isTensor(v)) return tensorSpec(v.dtype, v.shape, name);
  if (isTypedArray(v)) return tensorSpec(dtypeOfTypedArray(v), [v.length], name);
  return undefined;
}

/** Nested lists of numbers (or booleans) are tensors: all integers → int64, else float64. */
function numericNestedSpec(v: unknown): TensorSpec | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const shape = nestedShape(v);
  if (shape === undefined) return undefined;
  const flat = flattenNested(v);
  if (flat.every((x) => typeof x === 'boolean')) return tensorSpec('bool', shape);
  if (!flat.every((x) => typeof x === 'number' || typeof x === 'bigint')) return undefined;
  return tensorSpec(flat.every((x) => typeof x === 'bigint' || Number.isInteger(x)) ? 'int64' : 'float64', shape);
}

function isDataFrameLike(v: unknown): v is { columns: unknown[]; data: unknown[][] } | DataFrameInput {
  if (!isPlainObject(v)) return false;
  if (v.kind === 'dataframe' && Array.isArray(v.columns) && Array.isArray(v.rows)) return true;
  const keys = Object.keys(v).sort().join(',');
  return (keys === 'columns,data' || keys === 'data') && Array.isArray(v.data) && v.data.every((r) => Array.isArray(r));
}

export function inferSchema(value: unknown): Schema {
  const tensorLike = tensorLikeSpec(value);
  if (tensorLike) return [tensorLike];
  if (isPlainObject(value) && value.kind === 'tensor' && 'value' in value) return inferSchema(value.value);
  if (isPlainObject(value) && value.kind === 'tensors' && isPlainObject(value.tensors))
    return inferSchema(value.tensors);
  if (isDataFrameLike(value)) {
    const rows = 'rows' in value ? (value.rows as unknown[][]) : value.data;
    const width = rows.length > 0 ? rows[0]!.length : 0;
    const columns = Array.isArray(value.columns)
      ? value.columns.map(String)
      : Array.from({ length: width }, (_, i) => String(i));
    const specs = columnSpecs(columns, rows);
    // Positional columns (no names given) are an unnamed schema.
    return createSchema(
      Array.isArray(value.columns) ? specs : specs.map(({ name: _n, ...s }) => ({ ...s, required: true }) as ColSpec),
    );
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length > 0 && entries.every(([, v]) => tensorLikeSpec(v) !== undefined)) {
      return createSchema(entries.map(([k, v]) => tensorLikeSpec(v, k)!));
    }
    if (entries.length === 0) throw MlflowError.invalidParameter('Can not infer a schema from an empty object.');
    return createSchema(columnSpecs(Object.keys(value), [Object.values(value)]));
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isPlainObject)) {
      const columns = [...new Set(value.flatMap((r) => Object.keys(r as object)))];
      return createSchema(
        columnSpecs(
          columns,
          value.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])),
        ),
      );
    }
    const numeric = numericNestedSpec(value);
    if (numeric) return [numeric];
    const t = mergeTypes(value.map(inferValueType), 'list elements');
    if (t === undefined)
      throw MlflowError.invalidParameter('Can not infer a schema from a list of only nulls or an empty list.');
    return [{ ...t, required: true } as ColSpec];
  }
  const t = inferValueType(value);
  if (t === undefined) throw MlflowError.invalidParameter('Can not infer a schema from null.');
  return [{ ...t, required: true } as ColSpec];
}

export function inferParamSchema(params: Record<string, unknown>): ParamSchema {
  return Object.entries(params).map(([name, v]): ParamSpec => {
    const list = Array.isArray(v);
    const t = list ? mergeTypes(v.map(inferValueType), `param '${name}'`) : inferValueType(v);
    if (t === undefined)
      throw MlflowError.invalidParameter(`Can not infer a type for param '${name}' from ${JSON.stringify(v)}.`);
    if (
      t.type === 'binary' ||
      (t.type !== 'object' && !['boolean', 'integer', 'long', 'float', 'double', 'string', 'datetime'].includes(t.type))
    ) {
      throw MlflowError.invalidParameter(
        `Param '${name}' has unsupported type ${t.type}; params must be scalars, 1-D lists of scalars or objects.`,
      );
    }
    const def =
      v instanceof Date
        ? v.toISOString()
        : list
          ? (v as unknown[]).map((x) => (x instanceof Date ? x.toISOString() : x))
          : v;
    return { ...t, name, default: def, shape: list ? [-1] : null } as ParamSpec;
  });
}

export function inferSignature(input: unknown, output?: unknown, params?: Record<string, unknown>): ModelSignature {
  const sig: ModelSignature = { inputs: inferSchema(input) };
  if (output !== undefined) sig.outputs = inferSchema(output);
  if (params !== undefined && Object.keys(params).length > 0) sig.params = inferParamSchema(params);
  return sig;
}
