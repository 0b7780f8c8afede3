/**
 * Reading and writing schema JSON the way mlflow/types/schema.py does (`from_json_dict` / `to_dict`),
 * with keys written in MLflow's order so that a string read from an MLmodel is written back unchanged.
 */
import { MlflowError } from '../errors.js';
import type { TensorDType } from '../model-input.js';
import { toPythonJson } from './python-json.js';
import {
  DATA_TYPES,
  TENSOR_DTYPES,
  createSchema,
  type ColSpec,
  type DataType,
  type ObjectType,
  type ParamSchema,
  type ParamSpec,
  type PropertySpec,
  type Schema,
  type TensorSpec,
  type ValueType,
} from './types.js';
import { validateParamValue } from './param-values.js';

type Json = Record<string, unknown>;

function invalid(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJsonText(json: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch (e) {
    throw invalid(`Failed to parse ${what} JSON ${JSON.stringify(json)}: ${(e as Error).message}`);
  }
}

/** Reads a type body (`{"type": ..., "items"|"properties"|"values": ...}`), ignoring name/required. */
export function valueTypeFromJson(d: unknown, where: string): ValueType {
  if (!isRecord(d) || typeof d.type !== 'string') {
    throw invalid(`Missing keys in ${where} JSON. Expected to find key \`type\`, got ${JSON.stringify(d)}`);
  }
  switch (d.type) {
    case 'array':
      if (!isRecord(d.items))
        throw invalid(`Missing keys in Array JSON (${where}). Expected to find keys \`items\` and \`type\``);
      return { type: 'array', items: valueTypeFromJson(d.items, `${where} items`) };
    case 'object':
      return objectTypeFromJson(d, where);
    case 'map':
      if (!isRecord(d.values))
        throw invalid(`Missing keys in Map JSON (${where}). Expected to find keys \`values\` and \`type\``);
      return { type: 'map', values: valueTypeFromJson(d.values, `${where} values`) };
    case 'any':
      return { type: 'any' };
    case 'sparkml_vector':
      return { type: 'sparkml_vector' };
    default:
      if (!(DATA_TYPES as readonly string[]).includes(d.type)) {
        throw invalid(
          `Unsupported type '${d.type}' in ${where}, expected one of [${DATA_TYPES.map((t) => `'${t}'`).join(', ')}]`,
        );
      }
      return { type: d.type as DataType };
  }
}

function objectTypeFromJson(d: Json, where: string): ObjectType {
  if (!isRecord(d.properties) || Object.values(d.properties).some((p) => !isRecord(p))) {
    throw invalid(`Expected properties of Object (${where}) to be a dictionary of Property JSON`);
  }
  const names = Object.keys(d.properties).sort();
  if (names.length === 0) throw invalid(`Creating Object with empty properties is not allowed (${where}).`);
  const properties: Record<string, PropertySpec> = {};
  for (const name of names) {
    const p = d.properties[name] as Json;
    properties[name] = {
      ...valueTypeFromJson(p, `property '${name}'`),
      required: requiredFlag(p.required, `property '${name}'`),
    };
  }
  return { type: 'object', properties };
}

function requiredFlag(v: unknown, where: string): boolean {
  // Files written before `required` existed (MLflow ≤ 2.8) lack it: everything was required then.
  if (v === undefined || v === null) return true;
  if (typeof v !== 'boolean')
    throw invalid(`Expected 'required' of ${where} to be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function colSpecFromJson(d: Json, i: number): ColSpec {
  if (d.name !== undefined && d.name !== null && typeof d.name !== 'string') {
    throw invalid(`Expected name of input ${i} to be a string, got ${JSON.stringify(d.name)}`);
  }
  const where = typeof d.name === 'string' ? `ColSpec '${d.name}'` : `ColSpec ${i}`;
  const spec = { ...valueTypeFromJson(d, where), required: requiredFlag(d.required, where) } as ColSpec;
  if (typeof d.name === 'string') spec.name = d.name;
  return spec;
}

function tensorSpecFromJson(d: Json, i: number): TensorSpec {
  const ts = d['tensor-spec'];
  if (!isRecord(ts) || !('dtype' in ts) || !('shape' in ts)) {
    throw invalid(`Missing keys in TensorSpec JSON (input ${i}). Expected to find keys \`dtype\` and \`shape\``);
  }
  if (typeof ts.dtype !== 'string' || !(TENSOR_DTYPES as readonly string[]).includes(ts.dtype)) {
    throw invalid(
      `Unsupported tensor dtype ${JSON.stringify(ts.dtype)} for input ${i}; expected one of ${TENSOR_DTYPES.join(', ')}`,
    );
  }
  if (!Array.isArray(ts.shape) || ts.shape.some((x) => !Number.isInteger(x) || x < -1)) {
    throw invalid(
      `Invalid tensor shape ${JSON.stringify(ts.shape)} for input ${i}; expected a list of integers (-1 = variable)`,
    );
  }
  const spec: TensorSpec = {
    type: 'tensor',
    'tensor-spec': { dtype: ts.dtype as TensorDType, shape: ts.shape as number[] },
  };
  if (d.name !== undefined && d.name !== null) {
    if (typeof d.name !== 'string')
      throw invalid(`Expected name of input ${i} to be a string, got ${JSON.stringify(d.name)}`);
    return { name: d.name, ...spec };
  }
  return spec;
}

/** Builds a Schema from its parsed JSON list. */
export function schemaFromJson(list: unknown): Schema {
  if (!Array.isArray(list)) throw invalid(`Schema JSON must be a list, got ${JSON.stringify(list)}`);
  return createSchema(
    list.map((d, i) => {
      if (!isRecord(d) || typeof d.type !== 'string')
        throw invalid(`Missing keys in schema entry ${i}. Expected to find key \`type\``);
      return d.type === 'tensor' ? tensorSpecFromJson(d, i) : colSpecFromJson(d, i);
    }),
  );
}

export function parseSchemaJson(json: string): Schema {
  return schemaFromJson(parseJsonText(json, 'schema'));
}

/** The JSON-able form of a type body, keys in MLflow's order. */
export function valueTypeToJson(t: ValueType): Json {
  switch (t.type) {
    case 'array':
      return { type: 'array', items: valueTypeToJson(t.items) };
    case 'object': {
      const properties: Json = {};
      for (const name of Object.keys(t.properties).sort()) {
        const p = t.properties[name]!;
        properties[name] = { ...valueTypeToJson(p), required: p.required };
      }
      return { type: 'object', properties };
    }
    case 'map':
      return { type: 'map', values: valueTypeToJson(t.values) };
    default:
      return { type: t.type };
  }
}

export function schemaToDict(schema: Schema): Json[] {
  return (schema as (ColSpec | TensorSpec)[]).map((s) => {
    if (s.type === 'tensor') {
      const ts = (s as TensorSpec)['tensor-spec'];
      const body = { type: 'tensor', 'tensor-spec': { dtype: ts.dtype, shape: [...ts.shape] } };
      return s.name === undefined ? body : { name: s.name, ...body };
    }
    const c = s as ColSpec;
    const d = valueTypeToJson(c);
    if (c.name !== undefined) d.name = c.name;
    d.required = c.required;
    return d;
  });
}

export function schemaToJson(schema: Schema): string {
  return toPythonJson(schemaToDict(schema));
}

/** Reads a ParamSchema JSON list; `dtype` is accepted for `type`, and defaults are checked against their type. */
export function paramSchemaFromJson(list: unknown): ParamSchema {
  if (!Array.isArray(list)) throw invalid(`ParamSchema JSON must be a list, got ${JSON.stringify(list)}`);
  const seen = new Set<string>();
  return list.map((d, i) => {
    if (!isRecord(d) || d.name === undefined || !('default' in d) || (d.type === undefined && d.dtype === undefined)) {
      throw invalid(
        `Missing keys in ParamSpec JSON. Expected to find keys \`name\`, \`type\`(or \`dtype\`) and \`default\`. Received: ${JSON.stringify(d)} (entry ${i})`,
      );
    }
    const name = String(d.name);
    if (seen.has(name)) throw invalid(`Duplicated parameters found in schema: ['${name}']`);
    seen.add(name);
    const typeName = d.type ?? d.dtype;
    let body: { type: DataType } | ObjectType;
    if (typeName === 'object') body = objectTypeFromJson(d, `param '${name}'`);
    else if (typeName === 'binary')
      throw invalid(`Binary type is not supported for parameters, ParamSpec '${name}' has dtype 'binary'`);
    else if (typeof typeName === 'string' && (DATA_TYPES as readonly string[]).includes(typeName))
      body = { type: typeName as DataType };
    else
      throw invalid(
        `Unsupported type '${String(typeName)}' for param '${name}', expected one of ${DATA_TYPES.filter((t) => t !== 'binary').join(', ')}`,
      );
    const shape = d.shape === undefined || d.shape === null ? null : d.shape;
    if (shape !== null && !(Array.isArray(shape) && shape.length === 1 && shape[0] === -1)) {
      throw invalid(
        `Shape must be None for scalar or dictionary value, or (-1,) for 1D array value for ParamSpec '${name}', received ${JSON.stringify(shape)}`,
      );
    }
    const spec = { name, ...body, default: d.default, shape } as ParamSpec;
    validateParamValue(spec, d.default);
    return spec;
  });
}

export function paramSchemaToDict(params: ParamSchema): Json[] {
  return params.map((p) => {
    const d: Json = {
      name: p.name,
      default: p.default instanceof Date ? p.default.toISOString() : p.default,
      shape: p.shape,
    };
    Object.assign(d, valueTypeToJson(p.type === 'object' ? p : { type: p.type }));
    return d;
  });
}

export function parseParamSchemaJson(json: string): ParamSchema {
  return paramSchemaFromJson(parseJsonText(json, 'params schema'));
}

export function paramSchemaToJson(params: ParamSchema): string {
  return toPythonJson(paramSchemaToDict(params));
}
