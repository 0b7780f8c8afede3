/**
 * Model outputs in MLflow's response shapes (mlflow/pyfunc/scoring_server `_get_jsonable_obj`):
 * one tensor → nested list (`ndarray.tolist()`), several → `{name: nested list}`, and for data-frame
 * inputs (ONNX pyfunc) a frame with one flattened column per output → row records.
 */
import { MlflowError } from '../errors.js';
import type { Prediction, Tensor } from '../model-input.js';
import { bytesToBase64 } from './base64.js';
import { isPlainObject } from './enforce-columns.js';
import { isTensor, tensorElement, tensorToNested } from './tensor-data.js';

export interface ToPredictionOptions {
  /**
   * `records`: one row object per element, each output flattened (`reshape(-1)`), as the ONNX pyfunc
   * answers data-frame inputs. Default `auto`: a single output gives a nested list, several a map.
   */
  orient?: 'auto' | 'records';
}

function flat(t: Tensor): unknown[] {
  const n = t.shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => tensorElement(t, i));
}

export function toPrediction(output: Tensor | Record<string, Tensor>, opts: ToPredictionOptions = {}): Prediction {
  const named: Record<string, Tensor> | undefined = isTensor(output) ? undefined : output;
  if (opts.orient === 'records') {
    const outputs = named ?? { 0: output as Tensor };
    const columns = Object.entries(outputs).map(([k, t]) => [k, flat(t)] as const);
    const n = columns.length > 0 ? columns[0]![1].length : 0;
    const bad = columns.find(([, c]) => c.length !== n);
    if (bad)
      throw MlflowError.invalidParameter(
        `Output '${bad[0]}' has ${bad[1].length} values but '${columns[0]![0]}' has ${n}; a data frame needs equal lengths.`,
      );
    return Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map(([k, c]) => [k, c[i]])));
  }
  if (named === undefined) return tensorToNested(output as Tensor) as unknown[];
  const names = Object.keys(named);
  if (names.length === 1) return tensorToNested(named[names[0]!]!) as unknown[];
  return Object.fromEntries(names.map((k) => [k, tensorToNested(named[k]!)]));
}

/**
 * A value safe for `JSON.stringify` in MLflow's response conventions: NaN/±Infinity as the strings
 * "NaN"/"Infinity"/"-Infinity", BigInt → number, bytes → base64, dates → ISO strings, tensors → lists.
 */
export function toMlflowJsonValue(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array && !(value instanceof Uint8ClampedArray)) return bytesToBase64(value);
  if (value instanceof Date) return value.toISOString();
  if (isTensor(value)) return toMlflowJsonValue(tensorToNested(value));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<unknown>, toMlflowJsonValue);
  if (Array.isArray(value)) return value.map(toMlflowJsonValue);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toMlflowJsonValue(v)]));
  return value;
}
