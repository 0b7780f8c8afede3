/**
 * `mlflow-ts models predict -m <uri> -i input.json|csv [-o out.json] [-t json|csv]`: MLflow's
 * `{"predictions": …}` for a file. CSV input is streamed in chunks (progress bar on a TTY stderr), so
 * a file larger than memory still scores.
 */
import { readFile, writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { MlflowError, parseScoringPayload } from '@mlflow-ts/format';
import type { Prediction } from '@mlflow-ts/format';
import { loadModel } from '@mlflow-ts/serve';
import type { CliContext } from '../../cli-context.js';
import { parseInteger, withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';
import { modelStores } from './model-location.js';
import { csvChunks } from './csv-chunks.js';
import { flavorRegistryFor, withModelLoadingOptions } from './flavors.js';

/** Appends a chunk's prediction: lists concatenate, maps of lists concatenate per key. */
export function appendPrediction(acc: Prediction | undefined, next: Prediction): Prediction {
  if (acc === undefined) return Array.isArray(next) ? [...next] : { ...next };
  if (Array.isArray(acc) && Array.isArray(next)) {
    for (const x of next) acc.push(x);
    return acc;
  }
  if (!Array.isArray(acc) && !Array.isArray(next)) {
    for (const [k, v] of Object.entries(next)) {
      const prev = acc[k];
      if (!Array.isArray(prev) || !Array.isArray(v))
        throw new MlflowError('INTERNAL_ERROR', `Cannot join chunked predictions for output '${k}'`);
      for (const x of v) prev.push(x);
    }
    return acc;
  }
  throw new MlflowError('INTERNAL_ERROR', 'Chunked predictions changed shape between chunks');
}

export function modelsPredictCommand(ctx: CliContext): Command {
  return withModelLoadingOptions(
    withStoreOption(new Command('predict'))
      .description('Score a JSON or CSV file with a model and write {"predictions": ...}')
      .requiredOption('-m, --model-uri <uri>', 'model directory, file:, runs:/, models:/ or artifact URI')
      .requiredOption('-i, --input-path <file>', 'input file (JSON scoring payload or CSV with a header row)')
      .option('-o, --output-path <file>', 'where to write the predictions (default: stdout)')
      .addOption(new Option('-t, --content-type <type>', 'input format').choices(['json', 'csv']).default('json'))
      .option('--chunk-rows <n>', 'rows per model call for CSV input', parseInteger('--chunk-rows'), 10_000),
  ).action(
    async (opts: {
      modelUri: string;
      inputPath: string;
      outputPath?: string;
      contentType: 'json' | 'csv';
      chunkRows: number;
      envManager: string;
      flavor: string[];
      backendStoreUri?: string;
    }) => {
      if (opts.envManager !== 'local')
        throw new UsageError(`--env-manager '${opts.envManager}' is not supported (use 'local')`);
      const registry = await flavorRegistryFor(opts.flavor);
      const model = await loadModel(opts.modelUri, {
        registry,
        stores: await modelStores(ctx, opts.backendStoreUri, opts.modelUri),
      });
      try {
        let predictions: Prediction | undefined;
        if (opts.contentType === 'json') {
          const text = await readFile(opts.inputPath, 'utf8').catch(() => {
            throw new UsageError(`Cannot read input file '${opts.inputPath}'`);
          });
          const parsed = parseScoringPayload(text, 'application/json');
          predictions = await model.predict(parsed.input, parsed.params);
        } else {
          const bar = ctx.io.stderrIsTTY
            ? new cliProgress.SingleBar(
                { format: 'predict [{bar}] {percentage}% | {rows} rows', stream: process.stderr, hideCursor: true },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
          let rows = 0;
          try {
            for await (const c of csvChunks(opts.inputPath, opts.chunkRows)) {
              if (bar && rows === 0) bar.start(c.totalBytes, 0, { rows: 0 });
              const parsed = parseScoringPayload(c.csv, 'text/csv');
              predictions = appendPrediction(predictions, await model.predict(parsed.input, parsed.params));
              rows += c.rows;
              bar?.update(c.bytesRead, { rows });
            }
          } finally {
            bar?.stop();
          }
        }
        const out = `${JSON.stringify({ predictions: predictions ?? [] })}\n`;
        if (opts.outputPath) await writeFile(opts.outputPath, out);
        else ctx.io.stdout(out);
      } finally {
        await model.dispose();
      }
    },
  );
}
