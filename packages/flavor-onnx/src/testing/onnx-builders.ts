/**
 * Small ONNX graphs built in code with `onnx-proto`, for tests and benchmarks: no binary fixtures to
 * keep in sync, and weights come from a seeded generator so every run sees the same model.
 */
import { seededRandom } from '@mlflow-ts/format/testing';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool' | 'string';

const ELEM: Record<ElemType, number> = { float32: 1, float64: 11, int64: 7, int32: 6, bool: 9, string: 8 };

export interface ValueInfo {
  name: string;
  type: ElemType;
  /** A number is a fixed dimension, a string a symbolic one (`batch`). */
  shape: (number | string)[];
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[] | string>;
  domain?: string;
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface GraphSpec {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: NodeSpec[];
  initializers?: Initializer[];
  opset?: number;
}

function valueInfo(v: ValueInfo) {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.type],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: number | number[] | string) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
}

/** Encodes a graph as ONNX model bytes (IR 8, default opset 13). */
export function buildOnnxModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.fromObject({
    irVersion: 8,
    producerName: 'mlflow-ts-tests',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'g',
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map((t) => ({
        name: t.name,
        dims: t.dims,
        dataType: 1,
        rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
      node: spec.nodes.map((n, i) => ({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        domain: n.domain ?? '',
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function randomWeights(n: number, scale: number, rnd: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rnd() * 2 - 1) * scale;
  return out;
}

/** MatMul+Add+Relu+MatMul+Add+Softmax: `input` float32 [batch, inputSize] → `probabilities` [batch, classes]. */
export function buildMlpModel(
  opts: { inputSize?: number; hidden?: number; classes?: number; seed?: number } = {},
): Uint8Array {
  const { inputSize = 784, hidden = 128, classes = 10, seed = 42 } = opts;
  const rnd = seededRandom(seed);
  return buildOnnxModel({
    inputs: [{ name: 'input', type: 'float32', shape: ['batch', inputSize] }],
    outputs: [{ name: 'probabilities', type: 'float32', shape: ['batch', classes] }],
    initializers: [
      { name: 'W1', dims: [inputSize, hidden], data: randomWeights(inputSize * hidden, 1 / Math.sqrt(inputSize), rnd) },
      { name: 'b1', dims: [hidden], data: randomWeights(hidden, 0.1, rnd) },
      { name: 'W2', dims: [hidden, classes], data: randomWeights(hidden * classes, 1 / Math.sqrt(hidden), rnd) },
      { name: 'b2', dims: [classes], data: randomWeights(classes, 0.1, rnd) },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['input', 'W1'], outputs: ['h0'] },
      { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
      { op: 'Relu', inputs: ['h1'], outputs: ['h2'] },
      { op: 'MatMul', inputs: ['h2', 'W2'], outputs: ['l0'] },
      { op: 'Add', inputs: ['l0', 'b2'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attributes: { axis: -1 } },
    ],
  });
}

/** Conv(8×3×3, pad 1)+Relu+MaxPool(2)+Flatten+Gemm: `image` float32 [batch,1,size,size] → `logits` [batch, classes]. */
export function buildCnnModel(
  opts: { size?: number; filters?: number; classes?: number; seed?: number } = {},
): Uint8Array {
  const { size = 28, filters = 8, classes = 10, seed = 7 } = opts;
  const rnd = seededRandom(seed);
  const flat = filters * (size / 2) * (size / 2);
  return buildOnnxModel({
    inputs: [{ name: 'image', type: 'float32', shape: ['batch', 1, size, size] }],
    outputs: [{ name: 'logits', type: 'float32', shape: ['batch', classes] }],
    initializers: [
      { name: 'K', dims: [filters, 1, 3, 3], data: randomWeights(filters * 9, 1 / 3, rnd) },
      { name: 'kb', dims: [filters], data: randomWeights(filters, 0.1, rnd) },
      { name: 'W', dims: [flat, classes], data: randomWeights(flat * classes, 1 / Math.sqrt(flat), rnd) },
      { name: 'b', dims: [classes], data: randomWeights(classes, 0.1, rnd) },
    ],
    nodes: [
      {
        op: 'Conv',
        inputs: ['image', 'K', 'kb'],
        outputs: ['c'],
        attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
      },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'], attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'W', 'b'], outputs: ['logits'] },
    ],
  });
}
