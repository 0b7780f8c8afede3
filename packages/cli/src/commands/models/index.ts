/**
 * `mlflow-ts models inspect|validate-input`. The serving work adds `models serve|predict` through
 * its own group of the same name (merged in main.ts).
 */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { collect, withJsonOption, withStoreOption } from '../../options.js';
import { flavorRegistryFor } from '../serving/flavors.js';
import { inspectModel, printModelReport } from './inspect.js';
import { resolveModel } from './model-location.js';
import { validateInput } from './validate-input.js';

export function modelsCommand(ctx: CliContext): Command {
  const cmd = new Command('models').description('inspect and check MLflow models');

  withJsonOption(withStoreOption(cmd.command('inspect').description('show and validate a model: flavors, signature, example, sizes')))
    .argument('<model>', 'model directory, MLmodel file, file: URI, runs:/<run_id>/<path> or models:/<name>/<version|stage|latest> or models:/<name>@<alias>')
    .option('--flavor <module>', 'also consider this flavor package or module path (repeatable)', collect, [])
    .action(async (model: string, o: { backendStoreUri?: string; json?: boolean; flavor: string[] }) => {
      const registry = await flavorRegistryFor(o.flavor);
      const local = await resolveModel(() => ctx.client(o.backendStoreUri), model);
      try {
        const report = await inspectModel(local.dir, registry);
        if (local.remote) report.path = local.source; // not the temporary download directory
        if (o.json) ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        else printModelReport(ctx, report);
      } finally {
        await local.cleanup();
      }
    });

  withStoreOption(cmd.command('validate-input').description("check an input file against the model's signature and print it normalized"))
    .argument('<model>', 'model directory, MLmodel file or model URI')
    .requiredOption('-i, --input <file>', 'input file (scoring JSON body or CSV)')
    .option('-t, --content-type <type>', 'json or csv', 'json')
    .action(async (model: string, o: { backendStoreUri?: string; input: string; contentType: string }) => {
      const local = await resolveModel(() => ctx.client(o.backendStoreUri), model);
      try {
        ctx.io.stdout(`${JSON.stringify(await validateInput(ctx, local.dir, o.input, o.contentType), null, 2)}\n`);
      } finally {
        await local.cleanup();
      }
    });

  return cmd;
}
