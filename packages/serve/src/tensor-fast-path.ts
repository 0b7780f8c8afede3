/**
 * A per-request shortcut for the common case of tensor signatures: nested JSON arrays of plain
 * numbers are written straight into one typed array of the spec's dtype, checking rank, fixed
 * dimensions and rectangularity on the way. The general `enforceSchema` (from @mlflow-ts/format)
 * builds shape lists per row, a flat `unknown[]` and then the typed array, which costs more than the
 * model call for small models.
 *
 * The shortcut only ever answers when `enforceSchema` would produce the identical result; anything
 * else (ragged lists, strings, booleans, nulls, empty dimensions, data frames, dtypes it does not
 * know) returns undefined and the caller falls back to `enforceSchema`, which also owns every error
 * message.
 */
import { isTensorSchema } from '@mlflow-ts/format';
import type { EnforcedInput, ModelInput, Schema, Tensor, TensorDType, TensorSpec } from '@mlflow-ts/format';

type Writable = Float32Array | Float64Array | Int32Array | BigInt64Array;

interface LeafKind {
  alloc(n: number): Writable;
  /** Writes `v` at `i`; false when `v` is not a value enforceSchema would convert the same way. */
  put(out: Writable, i: number, v: unknown): boolean;
}

const floats = (alloc: (n: number) => Writable): LeafKind => ({
  alloc,
  put: (out, i, v) => {
    if (typeof v !== 'number') return false;
    (out as Float32Array)[i] = v;
    return true;
  },
});

// Integers must be integral and in range (enforceSchema refuses what numpy would truncate or wrap).
const LEAVES: Partial<Record<TensorDType, LeafKind>> = {
  float32: floats((n) => new Float32Array(n)),
  float64: floats((n) => new Float64Array(n)),
  int32: {
    alloc: (n) => new Int32Array(n),
    put: (out, i, v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) return false;
      (out as Int32Array)[i] = v;
      return true;
    },
  },
  int64: {
    alloc: (n) => new BigInt64Array(n),
    put: (out, i, v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 63) || v >= 2 ** 63) return false;
      (out as BigInt64Array)[i] = BigInt(v);
      return true;
    },
  },
};

/** Nested arrays → a tensor matching `spec`, or undefined when the general path must decide. */
export function fastTensor(value: unknown, spec: TensorSpec): Tensor | undefined {
  const { dtype, shape: expected } = spec['tensor-spec'];
  const leaf = LEAVES[dtype];
  const rank = expected.length;
  if (!leaf || rank === 0) return undefined;
  const shape = new Array<number>(rank);
  let cur = value;
  let total = 1;
  for (let d = 0; d < rank; d++) {
    if (!Array.isArray(cur) || cur.length === 0) return undefined;
    const want = expected[d]!;
    if (want !== -1 && want !== cur.length) return undefined;
    shape[d] = cur.length;
    total *= cur.length;
    cur = cur[0];
  }
  const out = leaf.alloc(total);
  const width = shape[rank - 1]!;
  let at = 0;
  // Iterative walk over the outer dimensions; the innermost one is a tight loop.
  const fill = (arr: unknown[], d: number): boolean => {
    if (d === rank - 1) {
      if (arr.length !== width) return false;
      for (let i = 0; i < width; i++) if (!leaf.put(out, at++, arr[i])) return false;
      return true;
    }
    const n = shape[d]!;
    if (arr.length !== n) return false;
    for (let i = 0; i < n; i++) {
      const sub = arr[i];
      if (!Array.isArray(sub) || !fill(sub, d + 1)) return false;
    }
    return true;
  };
  if (!fill(value as unknown[], 0)) return undefined;
  return { dtype, shape, data: out };
}

export type FastEnforce = (input: ModelInput) => EnforcedInput | undefined;

/**
 * The shortcut for `schema`, or undefined when the schema is not one it handles (column schemas,
 * dtypes other than float32/float64/int32/int64, scalar specs).
 */
export function compileFastEnforce(schema: Schema): FastEnforce | undefined {
  if (!isTensorSchema(schema)) return undefined;
  const specs = schema as TensorSpec[];
  if (specs.some((s) => s.type !== 'tensor' || !LEAVES[s['tensor-spec'].dtype] || s['tensor-spec'].shape.length === 0))
    return undefined;
  const named = specs[0]!.name !== undefined;
  if (!named) {
    if (specs.length !== 1) return undefined;
    const spec = specs[0]!;
    return (input) => {
      if (input.kind !== 'tensor') return undefined;
      const tensor = fastTensor(input.value, spec);
      return tensor && { kind: 'tensor', tensor };
    };
  }
  if (specs.some((s) => s.name === undefined)) return undefined;
  return (input) => {
    let dict: Record<string, unknown>;
    if (input.kind === 'tensors') dict = input.tensors;
    else if (input.kind === 'tensor' && specs.length === 1 && Array.isArray(input.value))
      dict = { [specs[0]!.name!]: input.value };
    else return undefined;
    const tensors: Record<string, Tensor> = {};
    for (const s of specs) {
      const t = fastTensor(dict[s.name!], s);
      if (!t) return undefined;
      tensors[s.name!] = t;
    }
    return { kind: 'tensors', tensors };
  };
}
