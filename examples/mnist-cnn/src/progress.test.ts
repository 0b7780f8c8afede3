import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ProgressBarCallback } from './progress.js';

it('draws one bar over every batch of every epoch, with the batch loss and accuracy', async () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => {
    text += String(c);
  });
  const x = tf.ones([8, 3]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2);
  await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [new ProgressBarCallback(4, 2, out)] });
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^epoch 1\/2 .* 0\/4 batches \| loss - \| acc -$/);
  expect(lines.at(-1)).toMatch(/^epoch 2\/2 .* 100% \| 4\/4 batches \| loss \d+\.\d{4} \| acc \d\.\d{3}$/);
});
