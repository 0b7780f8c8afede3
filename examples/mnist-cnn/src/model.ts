/**
 * A small CNN that trains in seconds on the pure-JS CPU backend and converts to ONNX as is. The
 * pure-JS backend's convolution gradients are slow, so the image is averaged down to 14×14 first:
 * that makes the convolution four times cheaper and still reaches ~95% on MNIST.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from './mnist-data.js';

export function buildCnn(learningRate = 0.005): tf.Sequential {
  const model = tf.sequential({
    name: 'mnist_cnn',
    layers: [
      tf.layers.averagePooling2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], poolSize: 2, name: 'downsample' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dropout({ rate: 0.2, name: 'dropout' }),
      tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', name: 'probabilities' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
