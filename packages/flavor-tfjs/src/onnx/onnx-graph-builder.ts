/**
 * A small builder for an ONNX graph: nodes, float/int64 initializers and unique value names, encoded
 * as a ModelProto with onnx-proto (opset 13, the first with single-axis Softmax as TF.js computes it).
 */
import type { OnnxProto } from '@mlflow-ts/format/node';

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

export type AttributeValue = number | number[] | string;

interface NodeEntry {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
  name: string;
}

interface InitializerEntry {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

export interface GraphIo {
  name: string;
  /** A number is a fixed dimension, a string a symbolic one. */
  shape: (number | string)[];
}

const FLOAT = 1;
const INT64 = 7;

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export class OnnxGraphBuilder {
  private readonly nodes: NodeEntry[] = [];
  private readonly initializers: InitializerEntry[] = [];
  private readonly used = new Set<string>();

  /** A value name not used yet, derived from `base`. */
  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Reserves a name chosen by the caller (graph inputs and outputs). */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  floatInitializer(base: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims, dataType: FLOAT, rawData: bytesOf(Float32Array.from(data)) });
    return name;
  }

  int64Initializer(base: string, values: number[]): string {
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: INT64,
      rawData: bytesOf(BigInt64Array.from(values, (v) => BigInt(v))),
    });
    return name;
  }

  /** Adds a node; returns its output name (`output` when given, else a fresh one from `base`). */
  node(
    op: string,
    inputs: string[],
    base: string,
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(`${base}/${op}`);
    this.nodes.push({ op, inputs, outputs: [out], attributes, name: this.fresh(`${base}/${op}_node`) });
    return out;
  }

  encode(
    onnx: OnnxProto,
    io: { inputs: GraphIo[]; outputs: GraphIo[]; graphName: string; producerVersion: string },
  ): Uint8Array {
    const T = onnx.AttributeProto.AttributeType;
    const attribute = (name: string, value: AttributeValue) => {
      if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
      if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
      return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
    };
    const valueInfo = (v: GraphIo) => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: FLOAT,
          shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = onnx.ModelProto.fromObject({
      irVersion: ONNX_IR_VERSION,
      producerName: 'mlflow-ts flavor-tfjs',
      producerVersion: io.producerVersion,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: io.graphName,
        input: io.inputs.map(valueInfo),
        output: io.outputs.map(valueInfo),
        initializer: this.initializers.map((t) => ({
          name: t.name,
          dims: t.dims,
          dataType: t.dataType,
          rawData: t.rawData,
        })),
        node: this.nodes.map((n) => ({
          name: n.name,
          opType: n.op,
          input: n.inputs,
          output: n.outputs,
          domain: '',
          attribute: Object.entries(n.attributes).map(([k, v]) => attribute(k, v)),
        })),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
