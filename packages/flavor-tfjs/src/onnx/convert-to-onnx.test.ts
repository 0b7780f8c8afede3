import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '@mlflow-ts/flavor-onnx/testing';
import { convertToOnnx } from './convert-to-onnx.js';
import { tinyCnn, tinyMlp } from '../testing/tiny-models.js';

const SAMPLES = 100;

/** Runs the converted model and the tfjs model on the same seeded batch; returns the largest difference. */
async function maxDifference(
  model: tf.LayersModel,
  featureShape: number[],
  seed: number,
): Promise<{ diff: number; outputShape: readonly number[] }> {
  const bytes = await convertToOnnx(model);
  const session = await ort.InferenceSession.create(bytes);
  try {
    const rnd = seededRandom(seed);
    const size = featureShape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: SAMPLES * size }, () => rnd() * 4 - 2);
    const shape = [SAMPLES, ...featureShape];
    const expected = tf.tidy(() => (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync());
    expect(session.inputNames).toEqual([model.inputNames?.[0] ?? model.inputs[0]!.name]);
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, shape) });
    const out = result[session.outputNames[0]!]!;
    const actual = out.data as Float32Array;
    expect(actual.length).toBe(expected.length);
    let diff = 0;
    for (let i = 0; i < actual.length; i++) diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    return { diff, outputShape: out.dims };
  } finally {
    await session.release();
  }
}

describe('convertToOnnx', () => {
  it('converts a Dense MLP (relu, softmax) that agrees with tfjs on 100 random inputs within 1e-4', async () => {
    const model = tinyMlp(5, 4, 'softmax');
    const { diff, outputShape } = await maxDifference(model, [5], 1);
    expect(outputShape).toEqual([SAMPLES, 4]);
    expect(diff).toBeLessThan(1e-4);
  });

  it('converts sigmoid/tanh/linear activations and Activation layers', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 6,
          inputShape: [3],
          activation: 'tanh',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
        tf.layers.activation({ activation: 'sigmoid' }),
        tf.layers.dense({
          units: 2,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
          biasInitializer: 'ones',
        }),
      ],
    });
    expect((await maxDifference(model, [3], 2)).diff).toBeLessThan(1e-4);
  });

  it('converts a small CNN (Conv2D same/valid + MaxPool + Flatten + Dropout + Dense) within 1e-4, NHWC flatten order kept', async () => {
    const model = tinyCnn(8, 2, 3);
    const { diff, outputShape } = await maxDifference(model, [8, 8, 2], 3);
    expect(outputShape).toEqual([SAMPLES, 3]);
    expect(diff).toBeLessThan(1e-4);
  });

  it('converts strided same-padded convolutions, average pooling and Reshape', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.reshape({ inputShape: [49], targetShape: [7, 7, 1] }),
        tf.layers.conv2d({
          filters: 2,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
          biasInitializer: 'ones',
        }),
        tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({
          units: 2,
          activation: 'sigmoid',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
        }),
      ],
    });
    expect((await maxDifference(model, [49], 4)).diff).toBeLessThan(1e-4);
  });

  it('names the unsupported layer (LSTM) in a clear INVALID_PARAMETER_VALUE error', async () => {
    const model = tf.sequential({
      layers: [tf.layers.lstm({ units: 2, inputShape: [3, 4], name: 'my_lstm' }), tf.layers.dense({ units: 1 })],
    });
    await expect(convertToOnnx(model)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(
        /^Cannot convert layer 'my_lstm' of type LSTM to ONNX: this layer type is not supported/,
      ),
    });
  });

  it('refuses branching graphs and unsupported activations, naming the layer', async () => {
    const input = tf.input({ shape: [3] });
    const a = tf.layers.dense({ units: 2, name: 'left' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, name: 'right' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    await expect(convertToOnnx(tf.model({ inputs: input, outputs: sum }))).rejects.toThrow(
      /Cannot convert layer '(right|sum)' of type (Dense|Add) to ONNX/,
    );
    const swish = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'swish', name: 'sw' })],
    });
    await expect(convertToOnnx(swish)).rejects.toThrow(
      /Cannot convert layer 'sw' of type Dense to ONNX: activation 'swish' is not supported/,
    );
  });
});
