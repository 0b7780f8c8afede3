/** `mlflow-ts model-versions list|get|set-alias|delete-alias|transition|delete`. */
import { Command, Option } from 'commander';
import { MODEL_VERSION_STAGES, quoteValue } from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import {
  withJsonOption,
  withSearchOptions,
  withStoreOption,
  searchArgs,
  type SearchOpts,
  type StoreOpts,
  storeCommand,
} from '../../options.js';
import { UsageError } from '../../usage-error.js';
import { printModelVersion, printModelVersions } from './registry-output.js';

interface VersionOpts extends StoreOpts {
  name: string;
  version: string;
}

const nameOption = () => new Option('-n, --name <name>', 'registered model name').makeOptionMandatory();
const versionOption = () => new Option('-v, --version <version>', 'model version number').makeOptionMandatory();

export function modelVersionsCommand(ctx: CliContext): Command {
  const cmd = new Command('model-versions').description(
    'list model versions, move them between stages and point aliases at them',
  );

  withSearchOptions(
    withJsonOption(
      withStoreOption(
        cmd.command('list').alias('search').description('list model versions (all models, or one with --name)'),
      ),
    ).option('-n, --name <name>', 'only versions of this registered model'),
    {
      filterExample: `"run_id = '…'" or "tags.k = 'v'"`,
      orderExample: "'version_number DESC'",
      maxResults: [200000, 10_000],
      what: 'listing',
    },
  ).action(async (o: StoreOpts & SearchOpts & { name?: string }) => {
    const filter = [
      o.name !== undefined ? `name = ${quoteValue(o.name)}` : undefined,
      o.filter ? `(${o.filter})` : undefined,
    ]
      .filter(Boolean)
      .join(' AND ');
    const page = await ctx.client(o.backendStoreUri).searchModelVersions({
      ...searchArgs(o, filter),
    });
    if (o.json)
      return ctx.printJson({ model_versions: page.items, next_page_token: page.next_page_token || undefined });
    printModelVersions(ctx, page.items, page.next_page_token);
  });

  storeCommand(cmd, 'get', 'show one model version, by --version or --alias')
    .addOption(nameOption())
    .option('-v, --version <version>', 'model version number')
    .option('-a, --alias <alias>', 'alias pointing at the version')
    .action(async (o: StoreOpts & { name: string; version?: string; alias?: string }) => {
      if ((o.version === undefined) === (o.alias === undefined))
        throw new UsageError('give exactly one of --version or --alias');
      const client = ctx.client(o.backendStoreUri);
      const mv =
        o.version !== undefined
          ? await client.getModelVersion(o.name, o.version)
          : await client.getModelVersionByAlias(o.name, o.alias!);
      if (o.json) return ctx.printJson({ model_version: mv });
      printModelVersion(ctx, mv);
    });

  withJsonOption(
    withStoreOption(cmd.command('set-alias').description('point an alias at a version (moving it if it exists)')),
  )
    .addOption(nameOption())
    .requiredOption('-a, --alias <alias>', 'alias name')
    .addOption(versionOption())
    .action(async (o: VersionOpts & { alias: string }) => {
      await ctx.client(o.backendStoreUri).setRegisteredModelAlias(o.name, o.alias, o.version);
      if (o.json) return ctx.printJson({});
      ctx.print(`Alias '${o.alias}' of model '${o.name}' now points to version ${o.version}.`);
    });

  storeCommand(cmd, 'delete-alias', 'remove an alias')
    .addOption(nameOption())
    .requiredOption('-a, --alias <alias>', 'alias name')
    .action(async (o: StoreOpts & { name: string; alias: string }) => {
      await ctx.client(o.backendStoreUri).deleteRegisteredModelAlias(o.name, o.alias);
      if (o.json) return ctx.printJson({});
      ctx.print(`Deleted alias '${o.alias}' of model '${o.name}'.`);
    });

  storeCommand(cmd, 'transition', 'move a version to another stage')
    .addOption(nameOption())
    .addOption(versionOption())
    .requiredOption('-s, --stage <stage>', `target stage: ${MODEL_VERSION_STAGES.join(', ')} (any case)`)
    .option(
      '--archive-existing-versions',
      'archive the versions now in the target stage (Staging/Production only)',
      false,
    )
    .action(async (o: VersionOpts & { stage: string; archiveExistingVersions: boolean }) => {
      const mv = await ctx
        .client(o.backendStoreUri)
        .transitionModelVersionStage(o.name, o.version, o.stage, o.archiveExistingVersions);
      if (o.json) return ctx.printJson({ model_version: mv });
      ctx.print(`Model '${mv.name}' version ${mv.version} is now in stage ${mv.current_stage}.`);
    });

  storeCommand(cmd, 'delete', 'delete a model version (its aliases go with it)')
    .addOption(nameOption())
    .addOption(versionOption())
    .action(async (o: VersionOpts) => {
      await ctx.client(o.backendStoreUri).deleteModelVersion(o.name, o.version);
      if (o.json) return ctx.printJson({});
      ctx.print(`Deleted version ${o.version} of model '${o.name}'.`);
    });

  return cmd;
}
