/**
 * `mlflow-ts models …`: every subcommand of the one `models` group, each in its own file here —
 * inspect, validate-input, serve, predict, save, log, generate-dockerfile, convert, register.
 */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { collect, withJsonOption, withStoreOption } from '../../options.js';
import { flavorRegistryFor } from './flavors.js';
import { inspectModel, printModelReport } from './inspect.js';
import { resolveModel } from './model-location.js';
import { validateInput } from './validate-input.js';
import { modelsConvertCommand } from './convert-command.js';
import { modelsGenerateDockerfileCommand } from './dockerfile-command.js';
import { modelsLogCommand } from './log-command.js';
import { modelsPredictCommand } from './predict-command.js';
import { modelsRegisterCommand } from './register-command.js';
import { modelsSaveCommand } from './save-command.js';
import { modelsServeCommand } from './serve-command.js';

export type { ServeHooks } from './serve-command.js';

export function modelsCommand(ctx: CliContext): Command {
  const cmd = new Command('models').description('inspect, check, save, log, register, convert and serve MLflow models');

  withJsonOption(
    withStoreOption(
      cmd.command('inspect').description('show and validate a model: flavors, signature, example, sizes'),
    ),
  )
    .argument(
      '<model>',
      'model directory, MLmodel file, file: URI, runs:/<run_id>/<path> or models:/<name>/<version|stage|latest> or models:/<name>@<alias>',
    )
    .option('--flavor <module>', 'also consider this flavor package or module path (repeatable)', collect, [])
    .action(async (model: string, o: { backendStoreUri?: string; json?: boolean; flavor: string[] }) => {
      const registry = await flavorRegistryFor(o.flavor);
      const local = await resolveModel(ctx, o.backendStoreUri, model);
      try {
        const report = await inspectModel(local.dir, registry);
        if (local.remote) report.path = local.source; // the URI, not where it resolved or downloaded to
        if (o.json) ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        else printModelReport(ctx, report);
      } finally {
        await local.cleanup();
      }
    });

  withStoreOption(
    cmd
      .command('validate-input')
      .description("check an input file against the model's signature and print it normalized"),
  )
    .argument('<model>', 'model directory, MLmodel file or model URI')
    .requiredOption('-i, --input <file>', 'input file (scoring JSON body or CSV)')
    .option('-t, --content-type <type>', 'json or csv', 'json')
    .action(async (model: string, o: { backendStoreUri?: string; input: string; contentType: string }) => {
      const local = await resolveModel(ctx, o.backendStoreUri, model);
      try {
        ctx.io.stdout(`${JSON.stringify(await validateInput(ctx, local.dir, o.input, o.contentType), null, 2)}\n`);
      } finally {
        await local.cleanup();
      }
    });

  return cmd
    .addCommand(modelsServeCommand(ctx))
    .addCommand(modelsPredictCommand(ctx))
    .addCommand(modelsSaveCommand(ctx))
    .addCommand(modelsLogCommand(ctx))
    .addCommand(modelsGenerateDockerfileCommand(ctx))
    .addCommand(modelsConvertCommand(ctx))
    .addCommand(modelsRegisterCommand(ctx));
}
