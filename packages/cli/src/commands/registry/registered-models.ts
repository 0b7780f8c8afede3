/** `mlflow-ts registered-models create|list|get|rename|delete` over the tracking URI's model registry. */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import {
  collectKeyValue,
  withSearchOptions,
  searchArgs,
  type SearchOpts,
  type StoreOpts,
  storeCommand,
} from '../../options.js';
import { printRegisteredModel, printRegisteredModels } from './registry-output.js';

export function registeredModelsCommand(ctx: CliContext): Command {
  const cmd = new Command('registered-models').description('create, list and manage registered models');

  storeCommand(cmd, 'create', 'create a registered model')
    .requiredOption('-n, --name <name>', 'registered model name')
    .option('-d, --description <text>', 'description')
    .option('-t, --tag <key=value>', 'model tag (repeatable)', collectKeyValue)
    .action(async (o: StoreOpts & { name: string; description?: string; tag?: Record<string, string> }) => {
      const model = await ctx.client(o.backendStoreUri).createRegisteredModel(o.name, {
        ...(o.description !== undefined ? { description: o.description } : {}),
        ...(o.tag ? { tags: o.tag } : {}),
      });
      if (o.json) ctx.printJson({ registered_model: model });
      else ctx.print(`Created registered model '${model.name}'.`);
    });

  withSearchOptions(storeCommand(cmd, 'list', 'list registered models').alias('search'), {
    filterExample: `"name LIKE 'wine%'"`,
    orderExample: "'last_updated_timestamp DESC'",
    maxResults: [1000, 100],
    what: 'listing',
  }).action(async (o: StoreOpts & SearchOpts) => {
    const page = await ctx.client(o.backendStoreUri).searchRegisteredModels({
      ...searchArgs(o),
    });
    if (o.json)
      return ctx.printJson({ registered_models: page.items, next_page_token: page.next_page_token || undefined });
    printRegisteredModels(ctx, page.items, page.next_page_token);
  });

  storeCommand(cmd, 'get', 'show one registered model')
    .requiredOption('-n, --name <name>', 'registered model name')
    .action(async (o: StoreOpts & { name: string }) => {
      const model = await ctx.client(o.backendStoreUri).getRegisteredModel(o.name);
      if (o.json) return ctx.printJson({ registered_model: model });
      printRegisteredModel(ctx, model);
    });

  storeCommand(cmd, 'rename', 'rename a registered model (its versions follow)')
    .requiredOption('-n, --name <name>', 'current name')
    .requiredOption('--new-name <name>', 'new name')
    .action(async (o: StoreOpts & { name: string; newName: string }) => {
      const model = await ctx.client(o.backendStoreUri).renameRegisteredModel(o.name, o.newName);
      if (o.json) return ctx.printJson({ registered_model: model });
      ctx.print(`Renamed registered model '${o.name}' to '${model.name}'.`);
    });

  storeCommand(cmd, 'delete', 'delete a registered model and all its versions')
    .requiredOption('-n, --name <name>', 'registered model name')
    .action(async (o: StoreOpts & { name: string }) => {
      await ctx.client(o.backendStoreUri).deleteRegisteredModel(o.name);
      if (o.json) return ctx.printJson({});
      ctx.print(`Deleted registered model '${o.name}'.`);
    });

  return cmd;
}
