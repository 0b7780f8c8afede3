/**
 * skl2onnx classifiers end in a ZipMap node whose output is a sequence of maps; onnxruntime-node
 * cannot return non-tensor values, so before creating the session we cut each ZipMap off the graph,
 * fetch its input tensor (probabilities, [batch, classes]) and zip it with the class labels here.
 */
import { MlflowError } from '@mlflow-ts/format';
import { importOnnxProto } from '@mlflow-ts/format/node';

export interface ZipMapOutput {
  /** The graph output name MLflow users see (e.g. `output_probability`). */
  output: string;
  /** The tensor now fetched in its place. */
  tensor: string;
  labels: (string | number)[];
}

export interface RewrittenModel {
  bytes: Uint8Array;
  zipMaps: ZipMapOutput[];
}

function longToNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}

/** Rewrites every non-tensor graph output produced by a ZipMap; any other non-tensor output is an error. */
export async function cutZipMaps(modelBytes: Uint8Array, nonTensorOutputs: string[]): Promise<RewrittenModel> {
  const onnx = await importOnnxProto('to read ZipMap outputs');
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph as InstanceType<typeof onnx.GraphProto> | null | undefined;
  if (!graph) throw new MlflowError('INVALID_PARAMETER_VALUE', 'The ONNX model has no graph');
  const zipMaps: ZipMapOutput[] = [];
  for (const output of nonTensorOutputs) {
    const idx = graph.node.findIndex((n) => n.opType === 'ZipMap' && (n.output ?? []).includes(output));
    const node = graph.node[idx] as InstanceType<typeof onnx.NodeProto> | undefined;
    if (!node) {
      throw new MlflowError(
        'NOT_IMPLEMENTED',
        `ONNX output '${output}' is not a tensor and not produced by a ZipMap node; onnxruntime-node cannot return it`,
      );
    }
    const ints = node.attribute.find((a) => a.name === 'classlabels_int64s');
    const strings = node.attribute.find((a) => a.name === 'classlabels_strings');
    const labels = ints
      ? (ints.ints ?? []).map(longToNumber)
      : (strings?.strings ?? []).map((s) => new TextDecoder().decode(s));
    const tensor = node.input[0]!;
    graph.node.splice(idx, 1);
    const o = graph.output.findIndex((v) => v.name === output);
    graph.output[o] = onnx.ValueInfoProto.fromObject({ name: tensor, type: { tensorType: { elemType: 1 } } });
    zipMaps.push({ output, tensor, labels });
  }
  return { bytes: onnx.ModelProto.encode(model).finish(), zipMaps };
}

/** `[batch, classes]` probabilities → one `{label: probability}` object per row, as ZipMap would give. */
export function zipRows(
  labels: (string | number)[],
  shape: readonly number[],
  data: ArrayLike<number>,
): Record<string, number>[] {
  const classes = shape.length >= 2 ? shape[shape.length - 1]! : labels.length;
  const rows = classes === 0 ? 0 : data.length / classes;
  const out: Record<string, number>[] = [];
  for (let r = 0; r < rows; r++) {
    const row: Record<string, number> = {};
    for (let c = 0; c < classes; c++) row[String(labels[c] ?? c)] = data[r * classes + c]!;
    out.push(row);
  }
  return out;
}
