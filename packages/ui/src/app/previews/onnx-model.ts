/**
 * An ONNX model's graph summary, decoded in the browser from its protobuf with @bufbuild/protobuf
 * (reflection over a descriptor, no generated code and no `eval`, so the UI's CSP holds). The
 * descriptor is a subset of onnx.proto (same names and field numbers): fields left out, such as
 * tensors' `raw_data` or nodes' attributes, are skipped on the wire, not copied.
 */
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import type { DescMessage } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';

type FieldSpec = [name: string, number: number, type: Type | string, repeated?: 'repeated'];

function message(name: string, fields: FieldSpec[]) {
  return {
    name,
    field: fields.map(([fieldName, number, type, repeated]) => ({
      name: fieldName,
      number,
      label: repeated ? Label.REPEATED : Label.OPTIONAL,
      ...(typeof type === 'string' ? { type: Type.MESSAGE, typeName: `.onnx.${type}` } : { type }),
    })),
  };
}

const ONNX_SUBSET = create(FileDescriptorProtoSchema, {
  name: 'onnx-subset.proto',
  package: 'onnx',
  syntax: 'proto2',
  messageType: [
    message('ModelProto', [
      ['ir_version', 1, Type.INT64],
      ['producer_name', 2, Type.STRING],
      ['producer_version', 3, Type.STRING],
      ['domain', 4, Type.STRING],
      ['model_version', 5, Type.INT64],
      ['doc_string', 6, Type.STRING],
      ['graph', 7, 'GraphProto'],
      ['opset_import', 8, 'OperatorSetIdProto', 'repeated'],
    ]),
    message('OperatorSetIdProto', [
      ['domain', 1, Type.STRING],
      ['version', 2, Type.INT64],
    ]),
    message('GraphProto', [
      ['node', 1, 'NodeProto', 'repeated'],
      ['name', 2, Type.STRING],
      ['initializer', 5, 'TensorProto', 'repeated'],
      ['input', 11, 'ValueInfoProto', 'repeated'],
      ['output', 12, 'ValueInfoProto', 'repeated'],
    ]),
    message('NodeProto', [
      ['op_type', 4, Type.STRING],
      ['domain', 7, Type.STRING],
    ]),
    message('TensorProto', [
      ['dims', 1, Type.INT64, 'repeated'],
      ['data_type', 2, Type.INT32],
      ['name', 8, Type.STRING],
    ]),
    message('ValueInfoProto', [
      ['name', 1, Type.STRING],
      ['type', 2, 'TypeProto'],
    ]),
    // TypeProto's `value` oneof, as plain optional fields: the same bytes on the wire.
    message('TypeProto', [
      ['tensor_type', 1, 'TypeTensor'],
      ['sequence_type', 4, 'TypeSequence'],
      ['map_type', 5, 'TypeMap'],
      ['sparse_tensor_type', 8, 'TypeTensor'],
      ['optional_type', 9, 'TypeSequence'],
    ]),
    message('TypeTensor', [
      ['elem_type', 1, Type.INT32],
      ['shape', 2, 'TensorShapeProto'],
    ]),
    message('TypeSequence', [['elem_type', 1, 'TypeProto']]),
    message('TypeMap', [
      ['key_type', 1, Type.INT32],
      ['value_type', 2, 'TypeProto'],
    ]),
    message('TensorShapeProto', [['dim', 1, 'Dimension', 'repeated']]),
    message('Dimension', [
      ['dim_value', 1, Type.INT64],
      ['dim_param', 2, Type.STRING],
    ]),
  ],
});

/** The decoded shapes of the subset (what reflection produces for the descriptor above). */
interface TypeTensor {
  elemType: number;
  shape?: { dim: { dimValue: bigint; dimParam: string }[] };
}
interface TypeProto {
  tensorType?: TypeTensor;
  sparseTensorType?: TypeTensor;
  sequenceType?: { elemType?: TypeProto };
  optionalType?: { elemType?: TypeProto };
  mapType?: { keyType: number; valueType?: TypeProto };
}
interface ValueInfo {
  name: string;
  type?: TypeProto;
}
interface ModelProto {
  irVersion: bigint;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: bigint;
  docString: string;
  opsetImport: { domain: string; version: bigint }[];
  graph?: {
    name: string;
    node: { opType: string; domain: string }[];
    initializer: { name: string; dims: bigint[]; dataType: number }[];
    input: ValueInfo[];
    output: ValueInfo[];
  };
}

let modelSchema: DescMessage | undefined;

function schema(): DescMessage {
  modelSchema ??= createFileRegistry(ONNX_SUBSET, () => undefined).getMessage('onnx.ModelProto');
  if (!modelSchema) throw new Error('onnx.ModelProto missing from the descriptor');
  return modelSchema;
}

/** TensorProto.DataType names and element sizes in bits (0: not fixed-size, e.g. strings). */
const DATA_TYPES: [name: string, bits: number][] = [
  ['undefined', 0],
  ['float32', 32],
  ['uint8', 8],
  ['int8', 8],
  ['uint16', 16],
  ['int16', 16],
  ['int32', 32],
  ['int64', 64],
  ['string', 0],
  ['bool', 8],
  ['float16', 16],
  ['float64', 64],
  ['uint32', 32],
  ['uint64', 64],
  ['complex64', 64],
  ['complex128', 128],
  ['bfloat16', 16],
  ['float8e4m3fn', 8],
  ['float8e4m3fnuz', 8],
  ['float8e5m2', 8],
  ['float8e5m2fnuz', 8],
  ['uint4', 4],
  ['int4', 4],
  ['float4e2m1', 4],
];

export function elementTypeName(code: number): string {
  return DATA_TYPES[code]?.[0] ?? `type ${code}`;
}

function tensorType(t: TypeTensor, kind: string): string {
  const dims = t.shape
    ? t.shape.dim.map((d) => (d.dimParam ? d.dimParam : d.dimValue > 0n ? String(d.dimValue) : '?'))
    : undefined;
  return `${kind}${elementTypeName(t.elemType)}${dims ? `[${dims.join(', ')}]` : ''}`;
}

/** A value's type as a short string: `float32[N, 4]`, `sequence<map<int64, float32>>`. */
export function describeType(t: TypeProto | undefined): string {
  if (!t) return '?';
  if (t.tensorType) return tensorType(t.tensorType, '');
  if (t.sparseTensorType) return tensorType(t.sparseTensorType, 'sparse ');
  if (t.sequenceType) return `sequence<${describeType(t.sequenceType.elemType)}>`;
  if (t.optionalType) return `optional<${describeType(t.optionalType.elemType)}>`;
  if (t.mapType) return `map<${elementTypeName(t.mapType.keyType)}, ${describeType(t.mapType.valueType)}>`;
  return '?';
}

export interface OnnxSummary {
  irVersion: number;
  producer: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graphName: string;
  opsets: { domain: string; version: number }[];
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
  nodeCount: number;
  /** Node counts by operator (`domain.op` outside the default domain), most used first. */
  ops: { op: string; count: number }[];
  initializers: { count: number; bytes: number };
}

/** Decodes a serialized ModelProto into its summary (throws on bytes that are not one). */
export function summarizeOnnx(bytes: Uint8Array): OnnxSummary {
  const model = fromBinary(schema(), bytes, { readUnknownFields: false }) as unknown as ModelProto;
  const graph = model.graph;
  if (!graph) throw new Error('Not an ONNX model: it has no graph');
  const initialized = new Set(graph.initializer.map((t) => t.name));
  const ops = new Map<string, number>();
  for (const n of graph.node) {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    ops.set(op, (ops.get(op) ?? 0) + 1);
  }
  let bits = 0;
  for (const t of graph.initializer) {
    const size = t.dims.reduce((n, d) => n * Number(d), 1);
    bits += size * (DATA_TYPES[t.dataType]?.[1] ?? 0);
  }
  const value = (v: ValueInfo) => ({ name: v.name, type: describeType(v.type) });
  return {
    irVersion: Number(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    domain: model.domain,
    modelVersion: Number(model.modelVersion),
    docString: model.docString,
    graphName: graph.name,
    opsets: model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    // Before IR version 4 initializers were also listed as graph inputs: those are weights, not inputs.
    inputs: graph.input.filter((v) => !initialized.has(v.name)).map(value),
    outputs: graph.output.map(value),
    nodeCount: graph.node.length,
    ops: [...ops].map(([op, count]) => ({ op, count })).sort((a, b) => b.count - a.count || a.op.localeCompare(b.op)),
    initializers: { count: graph.initializer.length, bytes: Math.ceil(bits / 8) },
  };
}
