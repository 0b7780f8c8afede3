import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFlavorConformance } from '@mlflow-ts/format/testing';
import { tfjsFlavor } from './tfjs-flavor.js';
import { tinyCnn, tinyMlp } from './testing/tiny-models.js';

runFlavorConformance('tfjs (Dense MLP)', async () => {
  const tmpDir = await mkdtemp(path.join(tmpdir(), 'tfjs-conf-'));
  return {
    flavor: tfjsFlavor(),
    model: tinyMlp(3, 2, 'softmax'),
    input: { kind: 'tensor', tensor: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 0, 0, 1]) } },
    tmpDir,
    cleanup: () => rm(tmpDir, { recursive: true, force: true }),
  };
});

runFlavorConformance('tfjs (CNN)', async () => {
  const tmpDir = await mkdtemp(path.join(tmpdir(), 'tfjs-conf-'));
  return {
    flavor: tfjsFlavor(),
    model: tinyCnn(6, 1, 3),
    input: { kind: 'tensor', tensor: { dtype: 'float64', shape: [1, 6, 6, 1], data: Float64Array.from({ length: 36 }, (_, i) => (i % 7) / 7) } },
    tmpDir,
    cleanup: () => rm(tmpDir, { recursive: true, force: true }),
  };
});
