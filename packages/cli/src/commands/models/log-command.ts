/**
 * `mlflow-ts models log --flavor <onnx|tfjs|package|path> --file <model> [--run-id ID | --experiment-name N]
 * [--artifact-path model] [--registered-model-name M]`: saves with any flavor the CLI knows (built-in
 * or plugin), uploads under the run's artifacts, records `mlflow.log-model.history`, optionally
 * registers a version (format's `logSavedModel`).
 */
import { Command } from 'commander';
import { logSavedModel } from '@mlflow-ts/format/node';
import type { CliContext } from '../../cli-context.js';
import { withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';
import { flavorSaver, withSaveFlags } from './save-command.js';
import type { SaveFlags } from './save-command.js';

interface LogFlags extends SaveFlags {
  runId?: string;
  experimentName?: string;
  experimentId?: string;
  artifactPath: string;
  registeredModelName?: string;
  backendStoreUri?: string;
}

export function modelsLogCommand(ctx: CliContext): Command {
  return withStoreOption(
    withSaveFlags(new Command('log').description('Log a model file to a run (and optionally register it)')),
  )
    .option('--run-id <id>', 'log into this run (default: a new run)')
    .option('--experiment-name <name>', 'experiment of the new run (created if missing)')
    .option('--experiment-id <id>', 'experiment id of the new run (default: 0)')
    .option('--artifact-path <path>', 'run-relative artifact path', 'model')
    .option('--registered-model-name <name>', 'also register the logged model under this name')
    .action(async (opts: LogFlags) => {
      if (opts.runId && (opts.experimentName || opts.experimentId))
        throw new UsageError('Use --run-id or --experiment-name/--experiment-id, not both');
      // The flavor and the model file are checked before a run is created for them.
      const { save } = await flavorSaver(opts);
      const client = ctx.client(opts.backendStoreUri);
      let runId = opts.runId;
      let created = false;
      if (!runId) {
        let experimentId = opts.experimentId ?? '0';
        if (opts.experimentName) {
          const exp = await client.getExperimentByName(opts.experimentName);
          experimentId = exp ? exp.experiment_id : await client.createExperiment(opts.experimentName);
        }
        runId = (await client.createRun(experimentId)).info.run_id;
        created = true;
      }
      const stores = await client.stores();
      try {
        const info = await logSavedModel(stores, runId, opts.artifactPath, save, {
          ...(opts.registeredModelName ? { registeredModelName: opts.registeredModelName } : {}),
        });
        ctx.print(`Logged model to ${info.modelUri} (run ${info.runId})`);
        if (info.modelVersion)
          ctx.print(`Registered model '${info.modelVersion.name}' version ${info.modelVersion.version}`);
        if (created) await client.setTerminated(runId, 'FINISHED');
      } catch (e) {
        if (created) await client.setTerminated(runId, 'FAILED').catch(() => undefined);
        throw e;
      }
    });
}
