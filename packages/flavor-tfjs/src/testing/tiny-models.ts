/**
 * Tiny TensorFlow.js models with seeded weights for tests: small enough to build and run in
 * milliseconds on the pure-JS CPU backend, deterministic so two builds give the same predictions.
 */
import * as tf from '@tensorflow/tfjs';

/** Dense(8, relu) → Dense(outputs, activation) on `inputs` features, glorot-seeded weights. */
export function tinyMlp(
  inputs: number,
  outputs: number,
  activation: 'linear' | 'softmax' | 'sigmoid' = 'linear',
  seed = 1,
): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        units: 8,
        inputShape: [inputs],
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 1 }),
      }),
      tf.layers.dense({
        units: outputs,
        activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }),
        biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 3 }),
      }),
    ],
  });
}

/** Conv2D(4, 3×3, same, relu) → MaxPool(2) → Conv2D(3, 2×2, valid, tanh) → Flatten → Dropout → Dense(classes, softmax). */
export function tinyCnn(size = 8, channels = 1, classes = 3, seed = 11): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const bias = (s: number) => tf.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed: s });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [size, size, channels],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(seed),
        biasInitializer: bias(seed + 1),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 3,
        kernelSize: 2,
        strides: 1,
        padding: 'valid',
        activation: 'tanh',
        kernelInitializer: init(seed + 2),
        biasInitializer: bias(seed + 3),
      }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({
        units: classes,
        activation: 'softmax',
        kernelInitializer: init(seed + 4),
        biasInitializer: bias(seed + 5),
      }),
    ],
  });
}
