/**
 * MLflow's JSON mapping, driven by protobufjs reflection of our .proto files:
 * - `toMlflowJson` turns a handler's plain response into MLflow's JSON (unset and empty repeated
 *   fields omitted, int64 as numbers, enums as names, NaN/±Infinity as strings).
 * - `coerceRequest` checks and normalises a JSON body or a query string against a request message,
 *   with MLflow's error messages (`Invalid value … for parameter '…' supplied: …`).
 */
import { MlflowError } from '@mlflow-ts/format';
import type protobuf from 'protobufjs';

type FieldPlan = {
  name: string;
  repeated: boolean;
  kind: 'plain' | 'double' | 'enum' | 'message';
  sub?: protobuf.Type;
  names?: Record<number, string>;
};
const plans = new WeakMap<protobuf.Type, FieldPlan[]>();

/** Per message type, in field-number order (the order MLflow's JSON lists fields in). */
function planOf(type: protobuf.Type): FieldPlan[] {
  let plan = plans.get(type);
  if (plan) return plan;
  plan = [...type.fieldsArray]
    .sort((a, b) => a.id - b.id)
    .map((f): FieldPlan => {
      f.resolve();
      const rt = f.resolvedType;
      if (rt && 'valuesById' in rt)
        return { name: f.name, repeated: f.repeated, kind: 'enum', names: (rt as protobuf.Enum).valuesById };
      if (rt) return { name: f.name, repeated: f.repeated, kind: 'message', sub: rt as protobuf.Type };
      return {
        name: f.name,
        repeated: f.repeated,
        kind: f.type === 'double' || f.type === 'float' ? 'double' : 'plain',
      };
    });
  plans.set(type, plan);
  return plan;
}

type FlatMapper = (src: Record<string, unknown>) => Record<string, unknown>;
const flatMappers = new WeakMap<protobuf.Type, FlatMapper | null>();

/**
 * For a message of scalar fields only (Metric, Param, RunTag, FileInfo…): a mapper compiled once with
 * the field names as literals, so mapping a 10k-point history stays monomorphic instead of walking
 * the plan per point. Field names come from our own .proto files (identifiers), never from input.
 */
function flatMapperOf(type: protobuf.Type): FlatMapper | null {
  let m = flatMappers.get(type);
  if (m !== undefined) return m;
  const plan = planOf(type);
  m = null;
  if (
    plan.every((f) => !f.repeated && (f.kind === 'plain' || f.kind === 'double') && /^[a-z_][a-z0-9_]*$/.test(f.name))
  ) {
    const body = plan
      .map(
        (f) =>
          `v = src.${f.name}; if (v !== undefined && v !== null) o.${f.name} = ${
            f.kind === 'double' ? "typeof v === 'number' && !Number.isFinite(v) ? String(v) : v" : 'v'
          };`,
      )
      .join('\n');
    m = new Function('src', `const o = {}; let v;\n${body}\nreturn o;`) as FlatMapper;
  }
  flatMappers.set(type, m);
  return m;
}

function jsonValue(f: FieldPlan, v: unknown): unknown {
  switch (f.kind) {
    case 'double':
      return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    case 'enum':
      return typeof v === 'number' ? (f.names![v] ?? v) : v;
    case 'message':
      return toMlflowJson(f.sub!, v as object);
    default:
      return v;
  }
}

/**
 * protobufjs's JSON mapping (toObject with int64 as numbers, enums as names, `json: true`) applied
 * straight to a plain entity: unknown keys dropped, unset and empty repeated fields omitted,
 * NaN/±Infinity as strings. Walking the reflected fields directly skips the fromObject/toObject
 * round trip, which costs more than the JSON itself on large histories.
 */
export function toMlflowJson(type: protobuf.Type, value: object): Record<string, unknown> {
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of planOf(type)) {
    const v = src[f.name];
    if (v === undefined || v === null) continue;
    if (f.repeated) {
      const list = v as unknown[];
      if (list.length === 0) continue;
      const arr = new Array(list.length);
      const flat = f.kind === 'message' ? flatMapperOf(f.sub!) : null;
      if (flat) for (let i = 0; i < list.length; i++) arr[i] = flat(list[i] as Record<string, unknown>);
      else for (let i = 0; i < list.length; i++) arr[i] = jsonValue(f, list[i]);
      out[f.name] = arr;
    } else out[f.name] = jsonValue(f, v);
  }
  return out;
}

function invalid(path: string, value: unknown, why: string): MlflowError {
  return MlflowError.invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied: ${why}`,
  );
}

const INT_TYPES = new Set([
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
]);
const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

function coerceScalar(field: protobuf.Field, value: unknown, path: string): unknown {
  const t = field.type;
  if (field.resolvedType && 'values' in field.resolvedType) {
    const values = (field.resolvedType as protobuf.Enum).values;
    // `values` inherits the id → name map, so only its own keys are names.
    if (typeof value === 'string' && Object.hasOwn(values, value)) return value;
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
    const name = n === undefined ? undefined : (field.resolvedType as protobuf.Enum).valuesById[n];
    if (name === undefined) throw invalid(path, value, `expected one of ${Object.keys(values).join(', ')}`);
    return name;
  }
  if (field.resolvedType) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalid(path, value, 'expected an object');
    return coerceMessage(field.resolvedType as protobuf.Type, value as Record<string, unknown>, `${path}.`);
  }
  if (t === 'string') {
    if (typeof value === 'string') return value;
    // MLflow stringifies legacy numeric experiment ids; accepting any number is the same leniency.
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    throw invalid(path, value, 'expected a string');
  }
  if (t === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalid(path, value, "expected a boolean ('true' or 'false')");
  }
  if (INT_TYPES.has(t)) {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : Number.NaN;
    if (!Number.isSafeInteger(n)) throw invalid(path, value, 'expected an integer');
    return n;
  }
  if (t === 'double' || t === 'float') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string') {
      if (value in NON_FINITE) return NON_FINITE[value];
      const n = Number(value);
      if (value.trim() !== '' && !Number.isNaN(n)) return n;
    }
    throw invalid(path, value, 'expected a number');
  }
  if (t === 'bytes') {
    if (typeof value === 'string') return value;
    throw invalid(path, value, 'expected base64 bytes');
  }
  return value;
}

function coerceMessage(type: protobuf.Type, input: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const field = type.fields[key];
    if (!field || raw === null || raw === undefined) continue; // unknown fields are ignored, as in MLflow
    const path = `${prefix}${key}`;
    if (field.repeated) {
      const list = Array.isArray(raw) ? raw : [raw];
      out[key] = list.map((v, i) => coerceScalar(field, v, `${path}[${i}]`));
    } else {
      out[key] = coerceScalar(field, Array.isArray(raw) && !field.resolvedType ? raw[0] : raw, path);
    }
  }
  return out;
}

/** Checks a parsed JSON body (or query object) against `type`; returns the normalised request. */
export function coerceRequest(type: protobuf.Type, input: unknown): Record<string, unknown> {
  let body = input;
  // Old clients sent a JSON string containing JSON; MLflow decodes it a second time.
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw MlflowError.invalidParameter(`Request body is not a JSON object: ${JSON.stringify(body).slice(0, 100)}`);
    }
  }
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw MlflowError.invalidParameter(`Request body must be a JSON object, got ${JSON.stringify(body).slice(0, 100)}`);
  }
  return coerceMessage(type, body as Record<string, unknown>, '');
}
