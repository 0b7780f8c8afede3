/**
 * One onnxruntime InferenceSession plus what MLflow's onnx pyfunc does around it: session options
 * from MLmodel, float64 → float32 feeds for `tensor(float)` inputs, and ZipMap outputs as rows of maps.
 */
import { readFile } from 'node:fs/promises';
import { MlflowError, NUMERIC_TENSOR_DTYPES } from '@mlflow-ts/format';
import type { Tensor, TensorDType } from '@mlflow-ts/format';
import { importOnnxRuntime } from './lazy-imports.js';
import type { Ort } from './lazy-imports.js';
import { cutZipMaps, zipRows } from './zipmap.js';
import type { ZipMapOutput } from './zipmap.js';

type OrtTensor = InstanceType<Ort['Tensor']>;
type OrtSession = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export interface OnnxRuntimeOptions {
  /** Execution providers, in MLflow's names (`CPUExecutionProvider`) or onnxruntime-node's (`cpu`). Default: CPU. */
  providers?: string[];
  /** MLflow's `onnx_session_options` (snake_case keys as in MLmodel). */
  sessionOptions?: Record<string, unknown> | null;
}

export interface IoInfo {
  name: string;
  /** numpy-style dtype (`float32`, `int64`, `str`, …); undefined for non-tensor values. */
  dtype?: TensorDType;
  /** -1 for symbolic or unknown dimensions; undefined when the rank is unknown. */
  shape?: number[];
  isTensor: boolean;
}

/** A tensor output, or ZipMap rows. */
export type OnnxOutput = Tensor | { kind: 'rows'; rows: Record<string, number>[] };

export interface OnnxSession {
  readonly inputs: IoInfo[];
  readonly outputs: IoInfo[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, OnnxOutput>>;
  release(): Promise<void>;
}

const ORT_TO_NUMPY: Record<string, TensorDType> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
  string: 'str',
};

const PROVIDERS: Record<string, string> = {
  CPUExecutionProvider: 'cpu',
  CUDAExecutionProvider: 'cuda',
  TensorrtExecutionProvider: 'tensorrt',
  DmlExecutionProvider: 'dml',
  CoreMLExecutionProvider: 'coreml',
  WebGpuExecutionProvider: 'webgpu',
};

const OPT_LEVEL: Record<string, 'disabled' | 'basic' | 'extended' | 'all'> = {
  0: 'disabled',
  1: 'basic',
  2: 'extended',
  99: 'all',
};

/** MLflow applies only these keys of `onnx_session_options` at load; so do we. */
export function toOrtSessionOptions(opts: OnnxRuntimeOptions): Record<string, unknown> {
  const so = opts.sessionOptions ?? {};
  const out: Record<string, unknown> = {
    executionProviders: (opts.providers ?? ['cpu']).map((p) => PROVIDERS[p] ?? p),
  };
  if (so.intra_op_num_threads != null) out.intraOpNumThreads = Number(so.intra_op_num_threads);
  if (so.inter_op_num_threads != null) out.interOpNumThreads = Number(so.inter_op_num_threads);
  if (so.execution_mode != null) {
    const m = String(so.execution_mode)
      .toLowerCase()
      .replace(/^execution_mode\.ort_/, '');
    if (m !== 'sequential' && m !== 'parallel') {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `onnx_session_options.execution_mode must be 'sequential' or 'parallel', got '${m}'`,
      );
    }
    out.executionMode = m;
  }
  if (so.graph_optimization_level != null) {
    const level = OPT_LEVEL[String(so.graph_optimization_level)];
    if (!level) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `onnx_session_options.graph_optimization_level must be 0, 1, 2 or 99, got ${String(so.graph_optimization_level)}`,
      );
    }
    out.graphOptimizationLevel = level;
  }
  if (so.extra_session_config && typeof so.extra_session_config === 'object') out.extra = so.extra_session_config;
  return out;
}

function ioInfo(m: { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] }): IoInfo {
  if (!m.isTensor) return { name: m.name, isTensor: false };
  return {
    name: m.name,
    isTensor: true,
    dtype: ORT_TO_NUMPY[m.type ?? ''] ?? 'object',
    shape: m.shape?.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

/** Opens a session on a model file path (external data next to it resolves) or on model bytes. */
export async function createOnnxSession(
  source: string | Uint8Array,
  opts: OnnxRuntimeOptions = {},
): Promise<OnnxSession> {
  const ort = await importOnnxRuntime();
  const sessionOptions = toOrtSessionOptions(opts) as Parameters<Ort['InferenceSession']['create']>[1];
  let session: OrtSession =
    typeof source === 'string'
      ? await ort.InferenceSession.create(source, sessionOptions)
      : await ort.InferenceSession.create(source, sessionOptions);
  const declaredOutputs = session.outputMetadata.map((m) => ioInfo(m as Parameters<typeof ioInfo>[0]));
  let zipMaps: ZipMapOutput[] = [];
  const nonTensor = declaredOutputs.filter((o) => !o.isTensor).map((o) => o.name);
  if (nonTensor.length > 0) {
    const bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
    const rewritten = await cutZipMaps(bytes, nonTensor);
    await session.release();
    session = await ort.InferenceSession.create(rewritten.bytes, sessionOptions);
    zipMaps = rewritten.zipMaps;
  }
  const inputs = session.inputMetadata.map((m) => ioInfo(m as Parameters<typeof ioInfo>[0]));
  const fetchToOutput = new Map(zipMaps.map((z) => [z.tensor, z]));
  const s = session;
  return {
    inputs,
    outputs: declaredOutputs,
    async run(feeds) {
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const input of inputs) {
        const t = feeds[input.name];
        if (!t) {
          throw new MlflowError(
            'INVALID_PARAMETER_VALUE',
            `Missing input '${input.name}' for the ONNX model; it expects [${inputs.map((i) => `'${i.name}'`).join(', ')}]`,
          );
        }
        ortFeeds[input.name] = toOrtTensor(ort, input, t);
      }
      const result = await s.run(ortFeeds);
      const out: Record<string, OnnxOutput> = {};
      for (const name of s.outputNames) {
        const v = result[name] as OrtTensor;
        const zip = fetchToOutput.get(name);
        if (zip) out[zip.output] = { kind: 'rows', rows: zipRows(zip.labels, v.dims, v.data as Float32Array) };
        else out[name] = fromOrtTensor(v);
      }
      return out;
    },
    release: () => s.release(),
  };
}

const NUMERIC = new Set<TensorDType>(NUMERIC_TENSOR_DTYPES);
const FLOATS = new Set<TensorDType>(['float16', 'float32', 'float64']);

const TYPED: Partial<Record<TensorDType, (n: number) => ArrayLike<unknown> & { [i: number]: unknown }>> = {
  float32: (n) => new Float32Array(n),
  float64: (n) => new Float64Array(n),
  int8: (n) => new Int8Array(n),
  int16: (n) => new Int16Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
  uint8: (n) => new Uint8Array(n),
  uint16: (n) => new Uint16Array(n),
  uint32: (n) => new Uint32Array(n),
  uint64: (n) => new BigUint64Array(n),
  bool: (n) => new Uint8Array(n),
};

const NUMPY_TO_ORT: Partial<Record<TensorDType, string>> = { str: 'string', object: 'string', bytes: 'string' };

/**
 * Casts a feed to the input's element type where that loses nothing MLflow would keep: float64 →
 * float32 (MLflow does this for `tensor(float)`), integers → floats, narrower → wider integers.
 */
function toOrtTensor(ort: Ort, input: IoInfo, t: Tensor): OrtTensor {
  const want = input.dtype ?? t.dtype;
  const have = t.dtype;
  const dims = t.shape;
  if (want === have || (want === 'str' && (have === 'object' || have === 'bytes'))) {
    return make(ort, want, t.data, dims);
  }
  const castable =
    NUMERIC.has(want) && NUMERIC.has(have) && (FLOATS.has(want) || !FLOATS.has(have)) && !(want === 'float16');
  if (!castable) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Input '${input.name}' has dtype ${have} but the ONNX model expects ${want}; cannot convert safely`,
    );
  }
  const n = t.data.length;
  const out = TYPED[want]!(n);
  const big = want === 'int64' || want === 'uint64';
  for (let i = 0; i < n; i++) {
    const v = (t.data as ArrayLike<unknown>)[i];
    out[i] = big ? BigInt(v as number | bigint) : Number(v);
  }
  return make(ort, want, out, dims);
}

function make(ort: Ort, dtype: TensorDType, data: unknown, dims: number[]): OrtTensor {
  const type = NUMPY_TO_ORT[dtype] ?? dtype;
  let d = data;
  if (type === 'string') d = Array.from(data as ArrayLike<unknown>, (v) => String(v));
  else if (type === 'bool' && !(data instanceof Uint8Array))
    d = Uint8Array.from(data as ArrayLike<unknown>, (v) => (v ? 1 : 0));
  else if (Array.isArray(data)) {
    const typed = TYPED[dtype]!(data.length);
    const big = dtype === 'int64' || dtype === 'uint64';
    for (let i = 0; i < data.length; i++) typed[i] = big ? BigInt(data[i] as number) : Number(data[i]);
    d = typed;
  }
  return new ort.Tensor(type as 'float32', d as Float32Array, dims);
}

function fromOrtTensor(v: OrtTensor): Tensor {
  const dtype = ORT_TO_NUMPY[v.type] ?? 'object';
  const data = v.type === 'bool' ? Array.from(v.data as Uint8Array, (b) => b !== 0) : v.data;
  return { dtype, shape: [...v.dims], data: data as Tensor['data'] };
}
