/**
 * The `search` entry point: starts one `main` run per learning rate as nested runs of this run
 * (`run()` from inside an active run sets `mlflow.parentRunId`), waits for all of them, and logs the
 * best one. The grid runs concurrently through `synchronous: false` handles.
 */
import { parseArgs } from 'node:util';
import { getClient, logMetric, logParams, run, setTag, startRun } from '@mlflow-ts/client';

const { values } = parseArgs({
  options: {
    'learning-rates': { type: 'string', default: '0.005,0.02,0.1' },
    epochs: { type: 'string', default: '60' },
  },
});
const learningRates = (values['learning-rates'] ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

await startRun({}, async () => {
  const handles = await Promise.all(
    learningRates.map((lr) =>
      run('.', {
        entryPoint: 'main',
        parameters: { learning_rate: lr, epochs: values.epochs ?? '60' },
        synchronous: false,
      }),
    ),
  );
  const ok = await Promise.all(handles.map((h) => h.wait()));
  if (ok.includes(false))
    throw new Error(
      `some training runs failed: ${handles
        .filter((_, i) => !ok[i])
        .map((h) => h.runId)
        .join(', ')}`,
    );
  const client = getClient();
  const results = await Promise.all(
    handles.map(async (h, i) => {
      const r = await client.getRun(h.runId);
      const loss = r.data.metrics.find((m) => m.key === 'final_loss')?.value ?? Number.POSITIVE_INFINITY;
      return { runId: h.runId, learningRate: learningRates[i] ?? '', loss };
    }),
  );
  results.sort((a, b) => a.loss - b.loss);
  const best = results[0];
  if (!best) throw new Error('no learning rates to search');
  await logParams({ best_learning_rate: best.learningRate, best_run_id: best.runId });
  await logMetric('best_final_loss', best.loss);
  await setTag('child_runs', results.map((r) => r.runId).join(','));
  for (const r of results)
    process.stdout.write(`learning_rate=${r.learningRate} final_loss=${r.loss.toFixed(6)} run=${r.runId}\n`);
  process.stdout.write(`best learning_rate=${best.learningRate} (run ${best.runId})\n`);
});
