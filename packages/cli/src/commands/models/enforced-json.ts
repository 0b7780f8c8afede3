/**
 * JSON form of schema-enforced input, for `models validate-input`: tensors as nested arrays with
 * their dtype and shape, 64-bit integers as numbers (strings when beyond 2^53), bytes as base64.
 */
import type { EnforcedInput, Tensor } from '@mlflow-ts/format';

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, jsonValue);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), jsonValue(x)]));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonValue(x)]));
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/** Row-major flat data → nested arrays of `shape`. */
function nest(flat: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat;
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < shape[0]!; i++) out.push(nest(flat.slice(i * inner, (i + 1) * inner), shape.slice(1)));
  return out;
}

function tensorJson(t: Tensor): Record<string, unknown> {
  // bytes tensors hold one Uint8Array per element; a Uint8Array *as the data* is a uint8 tensor
  const flat = Array.isArray(t.data) ? t.data : Array.from(t.data as unknown as ArrayLike<unknown>);
  return { dtype: t.dtype, shape: t.shape, data: nest(flat.map(jsonValue), t.shape) };
}

export function enforcedInputToJson(input: EnforcedInput): Record<string, unknown> {
  switch (input.kind) {
    case 'dataframe':
      return { kind: 'dataframe', columns: input.columns, rows: input.rows.map((r) => r.map(jsonValue)) };
    case 'tensor':
      return { kind: 'tensor', ...tensorJson(input.tensor) };
    case 'tensors':
      return {
        kind: 'tensors',
        tensors: Object.fromEntries(Object.entries(input.tensors).map(([k, t]) => [k, tensorJson(t)])),
      };
  }
}

export { jsonValue };
