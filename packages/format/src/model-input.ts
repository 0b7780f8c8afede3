/**
 * The one canonical form every scoring payload, CSV file and input example is parsed into, and that
 * schema enforcement turns into what a flavor's `predict` receives.
 */

/** numpy dtype names as MLflow writes them in TensorSpec. */
export type TensorDType =
  | 'float16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'str'
  | 'object'
  | 'bytes';

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | unknown[];

/** A dense tensor: flat row-major data plus shape. */
export interface Tensor {
  dtype: TensorDType;
  shape: number[];
  data: TensorData;
}

/** Tabular input: named columns, row-major values (a pandas DataFrame in MLflow). */
export interface DataFrameInput {
  kind: 'dataframe';
  columns: string[];
  rows: unknown[][];
}

/** Tensor-shaped input (`instances` / `inputs`): one unnamed array, or named arrays. Values are nested JSON arrays until enforcement. */
export interface TensorInput {
  kind: 'tensor';
  value: unknown;
}
export interface NamedTensorsInput {
  kind: 'tensors';
  tensors: Record<string, unknown>;
}

export type ModelInput = DataFrameInput | TensorInput | NamedTensorsInput;

/** What schema enforcement yields: typed columns or typed tensors. */
export type EnforcedInput =
  | { kind: 'dataframe'; columns: string[]; rows: unknown[][] }
  | { kind: 'tensor'; tensor: Tensor }
  | { kind: 'tensors'; tensors: Record<string, Tensor> };

export interface ParsedPayload {
  input: ModelInput;
  params?: Record<string, unknown>;
}

/** MLflow-shaped prediction: a list (one output) or a map of output name → list, or rows. */
export type Prediction = unknown[] | Record<string, unknown>;
