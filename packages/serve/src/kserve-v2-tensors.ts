/**
 * Open Inference Protocol (KServe v2) REST tensors ↔ the canonical ModelInput / MLflow predictions.
 * Request tensors are flat (or nested) `data` plus `shape`; they become nested lists and go through
 * the same signature enforcement as `/invocations`.
 */
import { MlflowError } from '@mlflow-ts/format';
import type { ModelInput, ModelSignature, Prediction, TensorDType } from '@mlflow-ts/format';

export interface V2Tensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
  parameters?: Record<string, unknown>;
}

export interface V2InferRequest {
  id?: string;
  inputs: V2Tensor[];
  parameters?: Record<string, unknown>;
  outputs?: { name: string }[];
}

const V2_OF_NUMPY: Record<string, string> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  str: 'BYTES',
  object: 'BYTES',
  bytes: 'BYTES',
};
const V2_DATATYPES = new Set(Object.values(V2_OF_NUMPY));

export function v2Datatype(dtype: TensorDType | string): string {
  return V2_OF_NUMPY[dtype] ?? 'BYTES';
}

function flatten(v: unknown, out: unknown[]): unknown[] {
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(v);
  return out;
}

function nest(flat: unknown[], shape: number[], offset = 0, dim = 0): unknown {
  if (dim === shape.length) return flat[offset];
  const size = shape[dim]!;
  const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => nest(flat, shape, offset + i * stride, dim + 1));
}

function shapeOf(v: unknown): number[] {
  const shape: number[] = [];
  let cur = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/** Validates the body and builds the ModelInput (one tensor → unnamed unless the signature has several inputs). */
export function v2RequestToModelInput(
  body: unknown,
  signature?: ModelSignature,
): { input: ModelInput; params?: Record<string, unknown> } {
  const req = body as Partial<V2InferRequest> | null;
  if (!req || typeof req !== 'object' || !Array.isArray(req.inputs) || req.inputs.length === 0) {
    throw new MlflowError(
      'BAD_REQUEST',
      "Invalid inference request: expected an object with a non-empty 'inputs' list",
    );
  }
  const tensors: Record<string, unknown> = {};
  for (const [i, t] of req.inputs.entries()) {
    const where = `inputs[${i}]${t && typeof t === 'object' && typeof t.name === 'string' ? ` ('${t.name}')` : ''}`;
    if (
      !t ||
      typeof t.name !== 'string' ||
      !Array.isArray(t.shape) ||
      !Array.isArray(t.data) ||
      typeof t.datatype !== 'string'
    ) {
      throw new MlflowError('BAD_REQUEST', `Invalid tensor ${where}: needs name, shape, datatype and data`);
    }
    if (!V2_DATATYPES.has(t.datatype)) {
      throw new MlflowError('BAD_REQUEST', `Invalid tensor ${where}: unknown datatype '${t.datatype}'`);
    }
    const flat = flatten(t.data, []);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || size !== flat.length) {
      throw new MlflowError(
        'BAD_REQUEST',
        `Invalid tensor ${where}: shape [${t.shape.join(', ')}] holds ${size} values but data has ${flat.length}`,
      );
    }
    tensors[t.name] = nest(flat, t.shape);
  }
  const names = Object.keys(tensors);
  const several = (signature?.inputs.length ?? 1) > 1;
  const input: ModelInput =
    names.length === 1 && !several ? { kind: 'tensor', value: tensors[names[0]!] } : { kind: 'tensors', tensors };
  return req.parameters && Object.keys(req.parameters).length ? { input, params: req.parameters } : { input };
}

function inferDatatype(flat: unknown[]): string {
  if (flat.every((v) => typeof v === 'boolean')) return 'BOOL';
  if (flat.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'INT64';
  if (flat.every((v) => typeof v === 'number' || v === null)) return 'FP64';
  return 'BYTES';
}

function outputTensor(name: string, value: unknown, signature?: ModelSignature): V2Tensor {
  const shape = shapeOf(value);
  let data = flatten(value, []);
  const spec = (
    signature?.outputs as { name?: string; type: string; 'tensor-spec'?: { dtype: string } }[] | undefined
  )?.find((s, i) => (s.name ?? `output-${i}`) === name);
  let datatype = spec?.['tensor-spec'] ? v2Datatype(spec['tensor-spec'].dtype) : inferDatatype(data);
  if (data.some((v) => v !== null && typeof v === 'object')) {
    datatype = 'BYTES';
    data = data.map((v) => JSON.stringify(v));
  }
  return { name, shape, datatype, data };
}

/** A prediction (one list, or a map of output name → list) as v2 `outputs`. */
export function predictionToV2Outputs(
  p: Prediction,
  signature?: ModelSignature,
  wanted?: { name: string }[],
): V2Tensor[] {
  let outputs: V2Tensor[];
  if (Array.isArray(p)) {
    const first = (signature?.outputs as { name?: string }[] | undefined)?.[0]?.name ?? 'output-0';
    outputs = [outputTensor(first, p, signature)];
  } else {
    outputs = Object.entries(p).map(([k, v]) => outputTensor(k, v, signature));
  }
  if (wanted?.length) {
    const names = new Set(wanted.map((w) => w.name));
    const missing = [...names].filter((n) => !outputs.some((o) => o.name === n));
    if (missing.length)
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Unknown requested output(s) ${missing.map((m) => `'${m}'`).join(', ')}; the model returns ${outputs.map((o) => `'${o.name}'`).join(', ')}`,
      );
    outputs = outputs.filter((o) => names.has(o.name));
  }
  return outputs;
}

/** `/v2/models/{name}` metadata tensors from a signature's tensor or column specs. */
export function signatureToV2Metadata(schema: unknown): { name: string; datatype: string; shape: number[] }[] {
  if (!Array.isArray(schema)) return [];
  return schema.map((s: { name?: string; type: string; 'tensor-spec'?: { dtype: string; shape: number[] } }, i) => {
    const name = s.name ?? `input-${i}`;
    if (s['tensor-spec']) return { name, datatype: v2Datatype(s['tensor-spec'].dtype), shape: s['tensor-spec'].shape };
    const col: Record<string, string> = {
      boolean: 'BOOL',
      integer: 'INT32',
      long: 'INT64',
      float: 'FP32',
      double: 'FP64',
    };
    return { name, datatype: col[s.type] ?? 'BYTES', shape: [-1] };
  });
}
