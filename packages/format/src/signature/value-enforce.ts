/**
 * Converting one JSON value to an MLflow column type. The scoring server casts JSON columns to the
 * schema's dtype before its strict checks (pandas `astype`), so values that cast losslessly are
 * accepted (an integer for a double column, "3" for a long column); lossy casts are errors, worded
 * like MLflow's ("Can not safely convert float64 to int64.").
 */
import { MlflowError } from '../errors.js';
import { base64ToBytes } from './base64.js';
import { describeType, type DataType, type ValueType } from './types.js';

const NUMPY_NAME: Record<DataType, string> = {
  boolean: 'bool',
  integer: 'int32',
  long: 'int64',
  float: 'float32',
  double: 'float64',
  string: 'str',
  binary: 'bytes',
  datetime: 'datetime64[ns]',
};

/** The numpy-ish name of the type a JSON value would have in a pandas column. */
export function jsonValueKind(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'datetime64[ns]';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'bigint' ? v.toString() : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function mismatch(subject: string, detail: string): MlflowError {
  return MlflowError.invalidParameter(`Incompatible input types for ${subject}. ${detail}`);
}

function expected(subject: string, t: ValueType, v: unknown): MlflowError {
  return mismatch(subject, `Expected type ${describeType(t)}, got ${jsonValueKind(v)} value ${preview(v)}.`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

function numberFrom(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    if (!Number.isNaN(n) || /^[+-]?nan$/i.test(v.trim())) return n;
  }
  return undefined;
}

function enforceScalar(v: unknown, t: DataType, subject: string): unknown {
  const target = NUMPY_NAME[t];
  switch (t) {
    case 'integer':
    case 'long': {
      const n = numberFrom(v);
      if (n === undefined) throw expected(subject, { type: t }, v);
      if (!Number.isInteger(n)) throw mismatch(subject, `Can not safely convert float64 to ${target}.`);
      if (t === 'integer' && (n < -(2 ** 31) || n >= 2 ** 31))
        throw mismatch(subject, `Can not safely convert int64 to ${target}: ${n} is out of range.`);
      return n;
    }
    case 'float':
    case 'double': {
      const n = typeof v === 'boolean' ? undefined : numberFrom(v);
      if (n === undefined) throw expected(subject, { type: t }, v);
      return t === 'float' ? Math.fround(n) : n;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 0 || v === 1) return v === 1;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      throw expected(subject, { type: t }, v);
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      throw expected(subject, { type: t }, v);
    case 'binary': {
      if (v instanceof Uint8Array) return v;
      const bytes = typeof v === 'string' ? base64ToBytes(v) : undefined;
      if (bytes === undefined)
        throw mismatch(
          subject,
          `Expected type binary (base64 string or bytes), got ${jsonValueKind(v)} value ${preview(v)}.`,
        );
      return bytes;
    }
    case 'datetime': {
      if (v instanceof Date) return v;
      // Naive ISO times (no zone) are UTC, as pandas reads them.
      const d = typeof v === 'string' ? new Date(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v) ? `${v}Z` : v) : undefined;
      if (d === undefined || Number.isNaN(d.getTime())) {
        throw mismatch(subject, `Failed to convert ${jsonValueKind(v)} value ${preview(v)} to datetime.`);
      }
      return d;
    }
  }
}

/**
 * Converts a non-null value to `t`, or throws INVALID_PARAMETER_VALUE naming `subject`
 * (e.g. "column age") and the expected type. Nulls inside arrays/maps/objects follow `required`.
 */
export function enforceValue(v: unknown, t: ValueType, subject: string): unknown {
  switch (t.type) {
    case 'any':
      return v;
    case 'array':
    case 'sparkml_vector': {
      if (!Array.isArray(v)) throw expected(subject, t, v);
      const items: ValueType = t.type === 'array' ? t.items : { type: 'double' };
      return v.map((x, i) => {
        if (x === null || x === undefined) {
          if (items.type === 'any') return null;
          throw mismatch(`${subject}[${i}]`, `Expected type ${describeType(items)}, got None.`);
        }
        return enforceValue(x, items, `${subject}[${i}]`);
      });
    }
    case 'map': {
      if (!isPlainObject(v)) throw expected(subject, t, v);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = x === null && t.values.type === 'any' ? null : enforceValue(x, t.values, `${subject}['${k}']`);
      }
      return out;
    }
    case 'object': {
      if (!isPlainObject(v)) throw expected(subject, t, v);
      const extra = Object.keys(v).filter((k) => !(k in t.properties));
      if (extra.length > 0) {
        throw mismatch(
          subject,
          `Invalid properties not defined in the schema found: [${extra.map((k) => `'${k}'`).join(', ')}] (expected ${describeType(t)}).`,
        );
      }
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(t.properties)) {
        const x = v[k];
        if (x === undefined || x === null) {
          if (p.required)
            throw mismatch(subject, `Missing required properties: ['${k}'] (expected ${describeType(t)}).`);
          continue;
        }
        out[k] = enforceValue(x, p, `${subject}['${k}']`);
      }
      return out;
    }
    default:
      return enforceScalar(v, t.type, subject);
  }
}
