/**
 * `input_example.json` / `serving_input_example.json` and the MLmodel `saved_input_example_info`
 * (mlflow/models/utils.py `_Example`). A DataFrameInput is a pandas DataFrame (`dataframe`, split
 * orient); tensors and typed arrays are `ndarray`; any other JSON-able value is `json_object`.
 */
import { MlflowError } from '../errors.js';
import type { ModelInput } from '../model-input.js';
import { bytesToBase64 } from './base64.js';
import { isPlainObject } from './enforce-columns.js';
import { toPythonJson } from './python-json.js';
import { isTensor, isTypedArray, tensorToNested } from './tensor-data.js';

export interface SavedInputExampleInfo {
  artifact_path: string;
  type: 'dataframe' | 'ndarray' | 'json_object' | 'sparse_matrix_csr' | 'sparse_matrix_csc';
  pandas_orient?: 'split' | 'values';
  serving_input_path?: string;
  /** "true" when the example file holds `{"inputs": ..., "params": ...}`. */
  params?: string;
  /** Older writers mark ndarray examples stored in TF-serving form. */
  format?: string;
}

export interface SavedInputExample {
  info: SavedInputExampleInfo;
  inputExampleJson: string;
  servingInputExampleJson: string;
}

const LLM_KEYS = ['messages', 'prompt', 'input'];

/** JSON-able form: NaN → null (MLflow writes missing values as null), bytes → base64, dates → ISO. */
function jsonable(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return bytesToBase64(v);
  if (v instanceof Date) return v.toISOString();
  if (isTensor(v)) return jsonable(tensorToNested(v));
  if (isTypedArray(v)) return Array.from(v as ArrayLike<unknown>, jsonable);
  if (Array.isArray(v)) return v.map(jsonable);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonable(x)]));
  return v;
}

function isNdarray(v: unknown): boolean {
  if (isTensor(v) || isTypedArray(v)) return true;
  return isPlainObject(v) && Object.keys(v).length > 0 && Object.values(v).every((x) => isTensor(x) || isTypedArray(x));
}

export function saveInputExample(example: unknown, params?: Record<string, unknown>): SavedInputExample {
  const info: SavedInputExampleInfo = {
    artifact_path: 'input_example.json',
    type: 'json_object',
    serving_input_path: 'serving_input_example.json',
  };
  let data: unknown;
  let serving: Record<string, unknown>;
  const frame =
    isPlainObject(example) && example.kind === 'dataframe'
      ? (example as { columns: string[]; rows: unknown[][] })
      : undefined;
  if (frame) {
    const positional = frame.columns.every((c, i) => c === String(i));
    const rows = jsonable(frame.rows);
    data = positional ? { data: rows } : { columns: [...frame.columns], data: rows };
    info.type = 'dataframe';
    info.pandas_orient = positional ? 'values' : 'split';
    serving = { dataframe_split: data };
  } else {
    let value = example;
    if (isPlainObject(example) && example.kind === 'tensor' && 'value' in example) value = example.value;
    else if (isPlainObject(example) && example.kind === 'tensors' && isPlainObject(example.tensors))
      value = example.tensors;
    if (isNdarray(value)) info.type = 'ndarray';
    if (value === undefined) throw MlflowError.invalidParameter('An input example is required; got undefined.');
    data = jsonable(value);
    // LLM-shaped dicts are sent to the server as they are (unified LLM input).
    serving =
      isPlainObject(data) && info.type === 'json_object' && LLM_KEYS.some((k) => k in (data as object))
        ? { ...(data as object) }
        : { inputs: data };
  }
  let fileData = data;
  if (params !== undefined) {
    info.params = 'true';
    fileData = { inputs: data, params: jsonable(params) };
    serving.params = jsonable(params);
  }
  return { info, inputExampleJson: toPythonJson(fileData), servingInputExampleJson: toPythonJson(serving, 2) };
}

function parseExample(jsonText: string): unknown {
  try {
    return JSON.parse(jsonText);
  } catch (e) {
    throw MlflowError.invalidParameter(`Failed to parse input example JSON: ${(e as Error).message}`);
  }
}

function denseFromSparse(d: Record<string, unknown>, type: string): unknown[][] {
  const [rows, cols] = d.shape as [number, number];
  const out = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const data = d.data as number[];
  const indices = d.indices as number[];
  const indptr = d.indptr as number[];
  for (let major = 0; major + 1 < indptr.length; major++) {
    for (let k = indptr[major]!; k < indptr[major + 1]!; k++) {
      if (type === 'sparse_matrix_csr') out[major]![indices[k]!] = data[k]!;
      else out[indices[k]!]![major] = data[k]!;
    }
  }
  return out;
}

/** The example as a ModelInput (what `mlflow.models.Model.load_input_example` gives a pyfunc). */
export function loadInputExample(jsonText: string, info: SavedInputExampleInfo): ModelInput {
  let parsed = parseExample(jsonText);
  if (info.params === 'true' && isPlainObject(parsed)) parsed = parsed.inputs;
  switch (info.type) {
    case 'dataframe': {
      if (!isPlainObject(parsed) || !Array.isArray(parsed.data)) {
        throw MlflowError.invalidParameter(
          `Input example of type dataframe must be {"columns": [...], "data": [[...]]}; got ${jsonText.slice(0, 100)}`,
        );
      }
      const rows = parsed.data.map((r) => (Array.isArray(r) ? r : [r]));
      const columns = Array.isArray(parsed.columns)
        ? parsed.columns.map(String)
        : Array.from({ length: rows[0]?.length ?? 0 }, (_, i) => String(i));
      return { kind: 'dataframe', columns, rows };
    }
    case 'ndarray': {
      // 2.x wrote ndarray examples in TF-serving form: {"inputs": ...}.
      if (info.format === 'tf-serving' && isPlainObject(parsed) && ('inputs' in parsed || 'instances' in parsed)) {
        parsed = parsed.inputs ?? parsed.instances;
      }
      return isPlainObject(parsed) ? { kind: 'tensors', tensors: parsed } : { kind: 'tensor', value: parsed };
    }
    case 'sparse_matrix_csr':
    case 'sparse_matrix_csc':
      if (!isPlainObject(parsed))
        throw MlflowError.invalidParameter(
          'Sparse input example must be an object with data, indices, indptr and shape.',
        );
      return { kind: 'tensor', value: denseFromSparse(parsed, info.type) };
    case 'json_object':
      return isPlainObject(parsed) ? { kind: 'tensors', tensors: parsed } : { kind: 'tensor', value: parsed };
    default:
      throw MlflowError.invalidParameter(
        `This version of mlflow-ts can not load example of type ${String((info as { type: unknown }).type)}`,
      );
  }
}

/** The params saved with an example (`params: "true"` in its info), if any. */
export function loadInputExampleParams(
  jsonText: string,
  info: SavedInputExampleInfo,
): Record<string, unknown> | undefined {
  if (info.params !== 'true') return undefined;
  const parsed = parseExample(jsonText);
  return isPlainObject(parsed) && isPlainObject(parsed.params) ? parsed.params : undefined;
}
