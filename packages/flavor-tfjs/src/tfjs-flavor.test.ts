import * as tf from '@tensorflow/tfjs';
import { flavorScratchDir, runFlavorConformance } from '@mlflow-ts/format/testing';
import { tfjsFlavor } from './tfjs-flavor.js';

const scratch = () => flavorScratchDir('tfjs-conf-');

/** Dense(2, softmax) on 3 features with set weights, so the expected predictions can be worked out by hand. */
function knownDense(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.dense({ name: 'probs', units: 2, inputShape: [3], activation: 'softmax' })],
  });
  model.layers[0]?.setWeights([
    tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, -1],
    ]),
    tf.tensor1d([0, 0.5]),
  ]);
  return model;
}

/** Conv2D with one 2×2 all-ones kernel, no bias, then Flatten: each output is the sum of a 2×2 window. */
function knownConv(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [3, 3, 1], filters: 1, kernelSize: 2, padding: 'valid', useBias: false }),
      tf.layers.flatten({ name: 'windows' }),
    ],
  });
  model.layers[0]?.setWeights([tf.ones([2, 2, 1, 1])]);
  return model;
}

/** Softmax by hand, for the expected values below. */
function softmax(logits: number[]): number[] {
  const exps = logits.map((z) => Math.exp(z));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

runFlavorConformance('tfjs (Dense, softmax)', async () => ({
  flavor: tfjsFlavor(),
  model: knownDense(),
  input: {
    kind: 'tensor',
    tensor: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 0, 0, 1]) },
  },
  // logits = [x1 + x3, x2 − x3 + 0.5]: (0.5, −1, 2) → [2.5, −2.5], (0, 0, 1) → [1, −0.5].
  expected: { probs: [softmax([2.5, -2.5]), softmax([1, -0.5])] },
  ...(await scratch()),
}));

runFlavorConformance('tfjs (Conv2D)', async () => ({
  flavor: tfjsFlavor(),
  model: knownConv(),
  input: {
    kind: 'tensor',
    tensor: { dtype: 'float64', shape: [1, 3, 3, 1], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) },
  },
  // The 2×2 windows of [[1, 2, 3], [4, 5, 6], [7, 8, 9]] sum to 12, 16, 24, 28.
  expected: { windows: [[12, 16, 24, 28]] },
  ...(await scratch()),
}));
