/**
 * Enforced input → session feeds, and session outputs → MLflow-shaped predictions, following
 * mlflow.onnx's `_OnnxModelWrapper.predict`.
 */
import { MlflowError, markFloatColumns, markFloatList } from '@mlflow-ts/format';
import type { EnforcedInput, Prediction, Tensor } from '@mlflow-ts/format';
import type { IoInfo, OnnxOutput } from './onnx-session.js';

/** ndarray input only for single-input models; DataFrame: whole frame for 1 input, else one column per input name. */
export function toFeeds(input: EnforcedInput, inputs: IoInfo[]): Record<string, Tensor> {
  if (input.kind === 'tensors') return input.tensors;
  if (input.kind === 'tensor') {
    if (inputs.length !== 1) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `The ONNX model has ${inputs.length} inputs [${inputs.map((i) => `'${i.name}'`).join(', ')}]; pass a dict of named inputs instead of a single array`,
      );
    }
    return { [inputs[0]!.name]: input.tensor };
  }
  const n = input.rows.length;
  if (inputs.length === 1) {
    const only = inputs[0]!;
    const cols = input.columns.length;
    const flat: unknown[] = new Array(n * cols);
    for (let r = 0; r < n; r++) for (let c = 0; c < cols; c++) flat[r * cols + c] = input.rows[r]![c];
    const shape = only.shape && only.shape.length === 1 && cols === 1 ? [n] : [n, cols];
    return { [only.name]: { dtype: only.dtype ?? 'float64', shape, data: flat } };
  }
  const feeds: Record<string, Tensor> = {};
  for (const spec of inputs) {
    const c = input.columns.indexOf(spec.name);
    if (c < 0) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Missing column '${spec.name}' for ONNX input '${spec.name}'; got columns [${input.columns.join(', ')}]`,
      );
    }
    const data = input.rows.map((row) => row[c]);
    // A [N, 1] input fed from one column gets the trailing 1 MLflow's 1-D `.values` would lack.
    const shape = spec.shape?.length === 2 && spec.shape[1] === 1 ? [n, 1] : [n];
    feeds[spec.name] = { dtype: spec.dtype ?? 'float64', shape, data };
  }
  return feeds;
}

function scalar(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? null : v;
  return v;
}

/** Flat row-major data + shape → nested JSON lists (int64 as numbers). */
export function toNestedList(t: Tensor): unknown {
  const data = t.data as ArrayLike<unknown>;
  if (t.shape.length === 0) return scalar(data[0]);
  const build = (dim: number, offset: number, stride: number): unknown[] => {
    const size = t.shape[dim]!;
    const inner = stride / Math.max(size, 1);
    const out: unknown[] = new Array(size);
    for (let i = 0; i < size; i++) {
      out[i] = dim === t.shape.length - 1 ? scalar(data[offset + i]) : build(dim + 1, offset + i * inner, inner);
    }
    return out;
  };
  const total = t.shape.reduce((a, b) => a * b, 1);
  return build(0, 0, total);
}

const isFloat = (o: OnnxOutput) => !('kind' in o) && o.dtype.startsWith('float');

/** The output as nested lists; a float tensor's lists are marked so its JSON says `4.0`, as numpy's `tolist()` would. */
function outputValue(o: OnnxOutput): unknown {
  if ('kind' in o) return o.rows;
  const value = toNestedList(o);
  return isFloat(o) && typeof value === 'object' && value !== null ? markFloatList(value) : value;
}

/**
 * As mlflow.onnx's `_OnnxModelWrapper.predict`: tensor input (an array or a dict of named arrays)
 * → `{output name: nested list}` for every output, one output included; DataFrame input (a
 * column-based signature, or none) → rows with one column per output, each output flattened
 * (MLflow builds a DataFrame from `reshape(-1)` of every output).
 */
export function toPredictionOf(outputs: Record<string, OnnxOutput>, inputKind: EnforcedInput['kind']): Prediction {
  const names = Object.keys(outputs);
  if (inputKind === 'dataframe') {
    const columns = names.map((n) => {
      const o = outputs[n]!;
      return 'kind' in o ? o.rows : Array.from(o.data as ArrayLike<unknown>, scalar);
    });
    const len = columns[0]?.length ?? 0;
    if (columns.every((c) => c.length === len)) {
      const rows = Array.from({ length: len }, (_, r) => Object.fromEntries(names.map((n, i) => [n, columns[i]![r]])));
      return markFloatColumns(
        rows,
        names.filter((n) => isFloat(outputs[n]!)),
      );
    }
  }
  return Object.fromEntries(names.map((n) => [n, outputValue(outputs[n]!)]));
}
