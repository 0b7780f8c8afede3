import { flavorScratchDir, runFlavorConformance } from '@mlflow-ts/format/testing';
import { onnxFlavor } from './onnx-flavor.js';
import { buildOnnxModel } from './testing/onnx-builders.js';

/** y = x·W + b with small weights, so the expected predictions can be worked out by hand. */
const W = [
  [1, -1],
  [2, 0.5],
];
const b = [0.5, -0.5];
const affine = buildOnnxModel({
  inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
  outputs: [{ name: 'y', type: 'float32', shape: ['batch', 2] }],
  initializers: [
    { name: 'W', dims: [2, 2], data: Float32Array.from(W.flat()) },
    { name: 'b', dims: [2], data: Float32Array.from(b) },
  ],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
    { op: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
  ],
});

runFlavorConformance('onnx', async () => {
  return {
    flavor: onnxFlavor(),
    model: affine,
    input: {
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [3, 2], data: Float32Array.from([1, 2, 0, -1, 0.5, 0.25]) },
    },
    // Output `y` = [x1 + 2·x2 + 0.5, −x1 + 0.5·x2 − 0.5] per row, by hand (all exact in float32).
    expected: {
      y: [
        [5.5, -0.5],
        [-1.5, -1],
        [1.5, -0.875],
      ],
    },
    ...(await flavorScratchDir('onnx-conf-')),
  };
});
