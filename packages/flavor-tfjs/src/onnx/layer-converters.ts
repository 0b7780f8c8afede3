/**
 * One converter per Keras layer class. TF.js keeps images NHWC; ONNX Conv/MaxPool want NCHW. Each
 * value carries its layout and Transpose nodes are added only where an op needs the other one, so
 * Conv→Pool→Conv chains stay NCHW and Flatten/Dense see TF.js's own NHWC order (Flatten order matters:
 * the Dense weights after it were trained on NHWC-flattened features).
 */
import { MlflowError } from '@mlflow-ts/format';
import type { Tensor as TfTensor, layers } from '@tensorflow/tfjs';
import type { Tfjs } from '../lazy-tfjs.js';
import type { OnnxGraphBuilder } from './onnx-graph-builder.js';

export type Layout = 'nhwc' | 'nchw' | 'plain';

export interface Value {
  name: string;
  layout: Layout;
}

export interface ConvertContext {
  tf: Tfjs;
  graph: OnnxGraphBuilder;
}

type Layer = layers.Layer;
type Converter = (ctx: ConvertContext, layer: Layer, x: Value) => Value;

export function unsupported(layer: Layer, why: string): MlflowError {
  return new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Cannot convert layer '${layer.name}' of type ${layer.getClassName()} to ONNX: ${why}`,
  );
}

/** The value in TF.js's own layout (NHWC for images). */
export function toTfLayout(ctx: ConvertContext, x: Value, base: string): Value {
  if (x.layout !== 'nchw') return x;
  return { name: ctx.graph.node('Transpose', [x.name], base, { perm: [0, 2, 3, 1] }), layout: 'nhwc' };
}

function toNchw(ctx: ConvertContext, layer: Layer, x: Value): Value {
  if (x.layout === 'nchw') return x;
  if (x.layout !== 'nhwc') throw unsupported(layer, 'it needs a rank-4 (batch, height, width, channels) input');
  return { name: ctx.graph.node('Transpose', [x.name], layer.name, { perm: [0, 3, 1, 2] }), layout: 'nchw' };
}

function config(layer: Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

function pair(v: unknown, fallback: number): number[] {
  if (Array.isArray(v)) return v.length === 1 ? [v[0], v[0]] : [v[0], v[1]];
  return typeof v === 'number' ? [v, v] : [fallback, fallback];
}

/** The layer's weights as Float32Arrays (kernel first, then bias), read once. */
function weights(layer: Layer): { data: Float32Array; shape: number[] }[] {
  return layer.getWeights().map((w: TfTensor) => ({ data: w.dataSync() as Float32Array, shape: w.shape }));
}

const ACTIVATIONS: Record<string, (ctx: ConvertContext, x: Value, base: string) => Value> = {
  linear: (_ctx, x) => x,
  relu: (ctx, x, base) => ({ name: ctx.graph.node('Relu', [x.name], base), layout: x.layout }),
  sigmoid: (ctx, x, base) => ({ name: ctx.graph.node('Sigmoid', [x.name], base), layout: x.layout }),
  tanh: (ctx, x, base) => ({ name: ctx.graph.node('Tanh', [x.name], base), layout: x.layout }),
  elu: (ctx, x, base) => ({ name: ctx.graph.node('Elu', [x.name], base), layout: x.layout }),
  selu: (ctx, x, base) => ({ name: ctx.graph.node('Selu', [x.name], base), layout: x.layout }),
  softplus: (ctx, x, base) => ({ name: ctx.graph.node('Softplus', [x.name], base), layout: x.layout }),
  softsign: (ctx, x, base) => ({ name: ctx.graph.node('Softsign', [x.name], base), layout: x.layout }),
  hardSigmoid: (ctx, x, base) => ({
    name: ctx.graph.node('HardSigmoid', [x.name], base, { alpha: 0.2, beta: 0.5 }),
    layout: x.layout,
  }),
  // Softmax over the last axis, which is the channel axis only in TF.js's layout.
  softmax: (ctx, x, base) => {
    const v = toTfLayout(ctx, x, base);
    return { name: ctx.graph.node('Softmax', [v.name], base, { axis: -1 }), layout: v.layout };
  },
};

export function applyActivation(ctx: ConvertContext, layer: Layer, x: Value, activation: unknown): Value {
  const key = typeof activation === 'string' ? activation : 'linear';
  const f = ACTIVATIONS[key];
  if (!f)
    throw unsupported(
      layer,
      `activation '${key}' is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`,
    );
  return f(ctx, x, layer.name);
}

const dense: Converter = (ctx, layer, input) => {
  const c = config(layer);
  const x = toTfLayout(ctx, input, layer.name);
  const [kernel, bias] = weights(layer);
  const w = ctx.graph.floatInitializer(`${layer.name}/kernel`, kernel!.shape, kernel!.data);
  let out = ctx.graph.node('MatMul', [x.name, w], layer.name);
  if (c.useBias !== false && bias)
    out = ctx.graph.node(
      'Add',
      [out, ctx.graph.floatInitializer(`${layer.name}/bias`, bias.shape, bias.data)],
      layer.name,
    );
  return applyActivation(ctx, layer, { name: out, layout: x.layout === 'nhwc' ? 'nhwc' : 'plain' }, c.activation);
};

function padding(layer: Layer, p: unknown): Record<string, string> {
  // TF's 'same' puts the odd pixel of padding at the end, as ONNX SAME_UPPER does.
  if (p === 'same') return { auto_pad: 'SAME_UPPER' };
  if (p === 'valid' || p === undefined) return { auto_pad: 'VALID' };
  throw unsupported(layer, `padding '${String(p)}' is not supported (valid or same)`);
}

function checkChannelsLast(layer: Layer, c: Record<string, unknown>): void {
  if (c.dataFormat !== undefined && c.dataFormat !== 'channelsLast')
    throw unsupported(layer, `dataFormat '${String(c.dataFormat)}' is not supported (channelsLast only)`);
}

const conv2d: Converter = (ctx, layer, input) => {
  const c = config(layer);
  checkChannelsLast(layer, c);
  const x = toNchw(ctx, layer, input);
  const [kernel, bias] = layer.getWeights();
  // TF.js kernels are [kh, kw, in, out]; ONNX wants [out, in, kh, kw].
  const k = ctx.tf.tidy(() => ctx.tf.transpose(kernel!, [3, 2, 0, 1]));
  const inputs = [x.name, ctx.graph.floatInitializer(`${layer.name}/kernel`, k.shape, k.dataSync() as Float32Array)];
  k.dispose();
  if (c.useBias !== false && bias)
    inputs.push(ctx.graph.floatInitializer(`${layer.name}/bias`, bias.shape, bias.dataSync() as Float32Array));
  const kernelShape = [kernel!.shape[0]!, kernel!.shape[1]!];
  const out = ctx.graph.node('Conv', inputs, layer.name, {
    kernel_shape: kernelShape,
    strides: pair(c.strides, 1),
    dilations: pair(c.dilationRate, 1),
    group: 1,
    ...padding(layer, c.padding),
  });
  return applyActivation(ctx, layer, { name: out, layout: 'nchw' }, c.activation);
};

function pooling(op: 'MaxPool' | 'AveragePool'): Converter {
  return (ctx, layer, input) => {
    const c = config(layer);
    checkChannelsLast(layer, c);
    const x = toNchw(ctx, layer, input);
    const size = pair(c.poolSize, 2);
    const attrs: Record<string, number | number[] | string> = {
      kernel_shape: size,
      strides: c.strides == null ? size : pair(c.strides, 1),
      ...padding(layer, c.padding),
    };
    // TF averages over the valid pixels only, never the padding.
    if (op === 'AveragePool') attrs.count_include_pad = 0;
    return { name: ctx.graph.node(op, [x.name], layer.name, attrs), layout: 'nchw' };
  };
}

const flatten: Converter = (ctx, layer, input) => {
  const x = toTfLayout(ctx, input, layer.name);
  return { name: ctx.graph.node('Flatten', [x.name], layer.name, { axis: 1 }), layout: 'plain' };
};

const reshape: Converter = (ctx, layer, input) => {
  const target = (config(layer).targetShape as number[] | undefined) ?? [];
  const x = toTfLayout(ctx, input, layer.name);
  // 0 copies the batch dimension from the input.
  const shape = ctx.graph.int64Initializer(`${layer.name}/shape`, [0, ...target.map((d) => (d == null ? -1 : d))]);
  return {
    name: ctx.graph.node('Reshape', [x.name, shape], layer.name),
    layout: target.length === 3 ? 'nhwc' : 'plain',
  };
};

const identity: Converter = (_ctx, _layer, x) => x;

const activation: Converter = (ctx, layer, x) => applyActivation(ctx, layer, x, config(layer).activation);

const relu: Converter = (ctx, layer, x) => {
  const maxValue = config(layer).maxValue;
  if (maxValue != null) throw unsupported(layer, 'ReLU with maxValue is not supported');
  return applyActivation(ctx, layer, x, 'relu');
};

const softmax: Converter = (ctx, layer, x) => {
  const axis = config(layer).axis;
  if (axis !== undefined && axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) {
    throw unsupported(layer, `softmax over axis ${JSON.stringify(axis)} is not supported (last axis only)`);
  }
  return applyActivation(ctx, layer, x, 'softmax');
};

/** Keras class name → converter. */
export const LAYER_CONVERTERS: Record<string, Converter> = {
  InputLayer: identity,
  Dense: dense,
  Conv2D: conv2d,
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  Flatten: flatten,
  Reshape: reshape,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Activation: activation,
  ReLU: relu,
  Softmax: softmax,
};
