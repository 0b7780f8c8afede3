/**
 * Dense tensors from nested JSON arrays and back: shape discovery, numpy-like dtype casts into typed
 * arrays, and float16 bits (there is no Float16Array in Node 20; onnxruntime takes float16 data as a
 * Uint16Array of IEEE half bits).
 */
import { MlflowError } from '../errors.js';
import type { Tensor, TensorData, TensorDType } from '../model-input.js';

export function isTensor(v: unknown): v is Tensor {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Partial<Tensor>;
  return typeof t.dtype === 'string' && Array.isArray(t.shape) && (Array.isArray(t.data) || ArrayBuffer.isView(t.data));
}

export function isTypedArray(v: unknown): v is Exclude<TensorData, unknown[]> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** The numpy dtype a typed array holds (Uint8Array reads as uint8; bool tensors say so in their dtype). */
export function dtypeOfTypedArray(a: ArrayBufferView): TensorDType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof BigUint64Array) return 'uint64';
  return 'uint8';
}

/** Shape of a rectangular nested list (`[]` for a scalar); undefined when ragged. Typed arrays are leaves-lists. */
export function nestedShape(v: unknown): number[] | undefined {
  if (isTypedArray(v)) return [v.length];
  if (!Array.isArray(v)) return [];
  if (v.length === 0) return [0];
  const first = nestedShape(v[0]);
  if (first === undefined) return undefined;
  for (let i = 1; i < v.length; i++) {
    const s = nestedShape(v[i]);
    if (s === undefined || s.length !== first.length || s.some((d, j) => d !== first[j])) return undefined;
  }
  return [v.length, ...first];
}

export function flattenNested(v: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(v)) for (const x of v) flattenNested(x, out);
  else if (isTypedArray(v)) for (const x of Array.from(v as ArrayLike<unknown>)) out.push(x);
  else out.push(v);
  return out;
}

/** [min, max exclusive] of each integer dtype. */
const INT_RANGES: Partial<Record<TensorDType, [number, number]>> = {
  int8: [-(2 ** 7), 2 ** 7],
  int16: [-(2 ** 15), 2 ** 15],
  int32: [-(2 ** 31), 2 ** 31],
  int64: [-(2 ** 63), 2 ** 63],
  uint8: [0, 2 ** 8],
  uint16: [0, 2 ** 16],
  uint32: [0, 2 ** 32],
  uint64: [0, 2 ** 64],
};

function toNumber(v: unknown, dtype: TensorDType, subject: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v === null && dtype.startsWith('float')) return NaN; // np.array([None], dtype=float) gives nan
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw MlflowError.invalidParameter(
    `Failed to convert ${subject} to dtype ${dtype}: value ${JSON.stringify(v) ?? String(v)} is not a number.`,
  );
}

/** Float → IEEE 754 half bits (round to nearest even). */
export function toHalfBits(x: number): number {
  const f32 = new Float32Array([x]);
  const u = new Uint32Array(f32.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The typed array of each integer dtype whose values fit a JavaScript number. */
const SMALL_INT_ARRAYS = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
} as const;

/**
 * Casts flat values to `dtype` as `np.array(values, dtype)` would, except that a non-integer is an
 * error for integer dtypes (numpy would truncate it silently).
 */
export function castTensorData(values: ArrayLike<unknown>, dtype: TensorDType, subject: string): TensorData {
  const n = values.length;
  const ints = (): number[] => Array.from(values, (v) => checkedInt(v, dtype, subject));
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values, (v) => toNumber(v, dtype, subject));
    case 'float64':
      return Float64Array.from(values, (v) => toNumber(v, dtype, subject));
    case 'float16':
      return Uint16Array.from(values, (v) => toHalfBits(toNumber(v, dtype, subject)));
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
      return SMALL_INT_ARRAYS[dtype].from(ints());
    case 'int64':
      return BigInt64Array.from(
        Array.from(values, (v) => (typeof v === 'bigint' ? v : BigInt(checkedInt(v, dtype, subject)))),
      );
    case 'uint64':
      return BigUint64Array.from(
        Array.from(values, (v) => (typeof v === 'bigint' ? v : BigInt(checkedInt(v, dtype, subject)))),
      );
    case 'bool':
      return Uint8Array.from(values, (v) => {
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (v === 0 || v === 1) return v;
        throw MlflowError.invalidParameter(
          `Failed to convert ${subject} to dtype bool: value ${JSON.stringify(v)} is not a boolean.`,
        );
      });
    case 'str':
      return Array.from(values, (v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
        throw MlflowError.invalidParameter(
          `Failed to convert ${subject} to dtype str: value ${JSON.stringify(v)} is not a string.`,
        );
      });
    default:
      return Array.from({ length: n }, (_, i) => values[i]);
  }
}

function checkedInt(v: unknown, dtype: TensorDType, subject: string): number {
  const x = toNumber(v, dtype, subject);
  if (!Number.isInteger(x)) {
    throw MlflowError.invalidParameter(
      `Failed to convert ${subject} to dtype ${dtype}: can not safely convert non-integer value ${x} to ${dtype}.`,
    );
  }
  const range = INT_RANGES[dtype]!;
  if (x < range[0] || x >= range[1])
    throw MlflowError.invalidParameter(`Failed to convert ${subject} to dtype ${dtype}: value ${x} is out of range.`);
  return x;
}

/** One element of tensor data as a JSON-able value (BigInt → number, bool → boolean, half → number). */
export function tensorElement(t: Tensor, i: number): unknown {
  const v = (t.data as ArrayLike<unknown>)[i];
  if (typeof v === 'bigint') return Number(v);
  if (t.dtype === 'bool') return v === 1 || v === true;
  if (t.dtype === 'float16' && t.data instanceof Uint16Array) return fromHalfBits(v as number);
  return v;
}

/** The tensor as nested lists (`ndarray.tolist()`). */
export function tensorToNested(t: Tensor): unknown {
  let pos = 0;
  const build = (dim: number): unknown => {
    if (dim === t.shape.length) return tensorElement(t, pos++);
    return Array.from({ length: t.shape[dim]! }, () => build(dim + 1));
  };
  return build(0);
}
