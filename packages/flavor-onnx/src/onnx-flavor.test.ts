import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlavorConformance } from '@mlflow-ts/format/testing';
import { onnxFlavor } from './onnx-flavor.js';
import { buildMlpModel } from './testing/onnx-builders.js';

runFlavorConformance('onnx', async () => {
  const tmpDir = await mkdtemp(join(tmpdir(), 'onnx-conf-'));
  const rows = 3;
  return {
    flavor: onnxFlavor(),
    model: buildMlpModel({ inputSize: 16, hidden: 8, classes: 4 }),
    input: { kind: 'tensor', tensor: { dtype: 'float32', shape: [rows, 16], data: Float32Array.from({ length: rows * 16 }, (_, i) => (i % 7) / 7) } },
    tmpDir,
    cleanup: () => rm(tmpDir, { recursive: true, force: true }),
  };
});
