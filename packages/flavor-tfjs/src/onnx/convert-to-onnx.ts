/**
 * `convertToOnnx`: a TF.js LayersModel whose layers form a single chain (Sequential, or a functional
 * model without branches) as ONNX ModelProto bytes with the same input and output names, so the
 * converted model keeps the tfjs model's signature and serves the same payloads.
 */
import type { LayersModel, layers } from '@tensorflow/tfjs';
import { MlflowError } from '@mlflow-ts/format';
import { importOnnxProto } from '@mlflow-ts/format/node';
import { importTfjs } from '../lazy-tfjs.js';
import { modelIo } from '../model-source.js';
import { LAYER_CONVERTERS, toTfLayout, unsupported } from './layer-converters.js';
import type { Value } from './layer-converters.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';
import type { GraphIo } from './onnx-graph-builder.js';

/** Keras layer class names `convertToOnnx` handles. */
export const ONNX_CONVERTIBLE_LAYERS: readonly string[] = Object.keys(LAYER_CONVERTERS);

function onnxShape(shape: (number | null)[] | undefined, batchName: string): (number | string)[] {
  return (shape ?? [null]).map((d, i) => (d == null || d < 0 ? (i === 0 ? batchName : `${batchName}_${i}`) : d));
}

/** The layer's one inbound layer, or an error naming why the chain cannot be followed. */
function inboundLayers(layer: layers.Layer): layers.Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: layers.Layer[] }[] }).inboundNodes ?? [];
  if (nodes.length > 1) throw unsupported(layer, 'layers applied more than once (shared layers) are not supported');
  return nodes[0]?.inboundLayers ?? [];
}

export interface ConvertToOnnxOptions {
  /** Graph input/output names (default: the model's own layer names), e.g. a saved signature's. */
  inputName?: string;
  outputName?: string;
}

export async function convertToOnnx(model: LayersModel, opts: ConvertToOnnxOptions = {}): Promise<Uint8Array> {
  const [tf, onnx] = await Promise.all([importTfjs(), importOnnxProto('to convert models to ONNX')]);
  const io = modelIo(model);
  if (io.inputs.length !== 1 || io.outputs.length !== 1) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Cannot convert model '${model.name}' to ONNX: only models with one input and one output are supported (it has ${io.inputs.length} inputs, ${io.outputs.length} outputs)`,
    );
  }
  const input = { ...io.inputs[0]!, ...(opts.inputName ? { name: opts.inputName } : {}) };
  const output = { ...io.outputs[0]!, ...(opts.outputName ? { name: opts.outputName } : {}) };
  if (input.name === output.name) output.name = `${output.name}_output`;
  const graph = new OnnxGraphBuilder();
  graph.reserve(input.name);
  graph.reserve(output.name);
  const ctx = { tf, graph };
  let x: Value = { name: input.name, layout: input.shape?.length === 4 ? 'nhwc' : 'plain' };
  let previous: layers.Layer | undefined;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const convert = LAYER_CONVERTERS[className];
    if (!convert) {
      throw unsupported(layer, `this layer type is not supported (supported: ${ONNX_CONVERTIBLE_LAYERS.join(', ')})`);
    }
    const inbound = inboundLayers(layer);
    if (inbound.length > 1)
      throw unsupported(layer, 'layers with several inputs are not supported; only single chains of layers convert');
    if (previous && inbound.length === 1 && inbound[0] !== previous) {
      throw unsupported(
        layer,
        `its input comes from '${inbound[0]!.name}', not the layer before it; only single chains of layers convert`,
      );
    }
    x = convert(ctx, layer, x);
    previous = layer;
  }
  x = toTfLayout(ctx, x, output.name);
  graph.node('Identity', [x.name], output.name, {}, output.name);
  const inputs: GraphIo[] = [{ name: input.name, shape: onnxShape(input.shape, 'batch') }];
  const outputs: GraphIo[] = [{ name: output.name, shape: onnxShape(output.shape, 'batch') }];
  return graph.encode(onnx, { inputs, outputs, graphName: model.name, producerVersion: tf.version.tfjs });
}
