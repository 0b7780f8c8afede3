/**
 * The `main` entry point. Run by `mlflow-ts run`, MLFLOW_RUN_ID is set, so `startRun()` resumes the
 * run the runner created (which already holds the MLproject parameters) and everything logs into it.
 */
import { parseArgs } from 'node:util';
import { logMetric, logMetrics, logParams, setTag, startRun } from '@mlflow-ts/client';
import { makeDataset, train } from './linear-regression.js';

const { values } = parseArgs({
  options: {
    'learning-rate': { type: 'string', default: '0.05' },
    epochs: { type: 'string', default: '60' },
    seed: { type: 'string', default: '7' },
  },
});
const learningRate = Number(values['learning-rate']);
const epochs = Number(values.epochs);
const seed = Number(values.seed);

await startRun({}, async () => {
  const data = makeDataset(200, seed);
  await logParams({ samples: data.y.length, model: 'linear-regression' });
  const result = train(data, learningRate, epochs);
  for (const [epoch, loss] of result.losses.entries()) await logMetric('loss', loss, { step: epoch });
  const final = result.losses.at(-1) ?? Number.NaN;
  await logMetrics({ final_loss: final, bias: result.bias });
  await setTag('weights', JSON.stringify(result.weights.map((w) => Number(w.toFixed(4)))));
  process.stdout.write(`learning_rate=${learningRate} epochs=${epochs} final loss=${final.toFixed(6)}\n`);
});
