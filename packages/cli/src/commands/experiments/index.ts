/** `mlflow-ts experiments create|search|get|rename|delete|restore`. */
import { Command } from 'commander';
import { MlflowError, type ViewType } from '@mlflow-ts/format';
import { createExperimentResponse, getExperimentResponse, searchExperimentsResponse } from '@mlflow-ts/client';
import type { CliContext } from '../../cli-context.js';
import {
  collectKeyValue,
  viewOption,
  withSearchOptions,
  withStoreOption,
  searchArgs,
  type SearchOpts,
  type StoreOpts,
  storeCommand,
  addLifecycleCommands,
} from '../../options.js';
import { formatTable, formatTime } from '../../output.js';
import { UsageError } from '../../usage-error.js';

export function experimentsCommand(ctx: CliContext): Command {
  const cmd = new Command('experiments').description('create, search and manage experiments');

  storeCommand(cmd, 'create', 'create an experiment and print its id')
    .requiredOption('-n, --experiment-name <name>', 'name of the new experiment')
    .option('-l, --artifact-location <uri>', 'where its runs store artifacts (default: under the store root)')
    .option('-t, --tag <key=value>', 'experiment tag (repeatable)', collectKeyValue)
    .action(
      async (o: StoreOpts & { experimentName: string; artifactLocation?: string; tag?: Record<string, string> }) => {
        const id = await ctx.client(o.backendStoreUri).createExperiment(o.experimentName, {
          ...(o.artifactLocation !== undefined ? { artifactLocation: o.artifactLocation } : {}),
          ...(o.tag ? { tags: o.tag } : {}),
        });
        if (o.json) ctx.printJson(createExperimentResponse(id));
        else ctx.print(`Created experiment '${o.experimentName}' with id ${id}`);
      },
    );

  withSearchOptions(storeCommand(cmd, 'search', 'list experiments').addOption(viewOption()), {
    filterExample: `"name LIKE 'prod-%'"`,
    orderExample: "'name ASC'",
    maxResults: [50000, 1000],
  }).action(async (o: StoreOpts & SearchOpts & { view: ViewType }) => {
    const page = await ctx.client(o.backendStoreUri).searchExperiments({
      viewType: o.view,
      ...searchArgs(o),
    });
    if (o.json) return ctx.printJson(searchExperimentsResponse(page));
    ctx.print(
      formatTable(
        ['Experiment Id', 'Name', 'Artifact Location', 'Lifecycle', 'Created'],
        page.items.map((e) => [
          e.experiment_id,
          e.name,
          e.artifact_location,
          e.lifecycle_stage,
          formatTime(e.creation_time),
        ]),
      ),
    );
    if (page.next_page_token) ctx.print(`(more results: --page-token ${page.next_page_token})`);
  });

  storeCommand(cmd, 'get', 'show one experiment by id or name')
    .option('-x, --experiment-id <id>', 'experiment id')
    .option('-n, --experiment-name <name>', 'experiment name')
    .action(async (o: StoreOpts & { experimentId?: string; experimentName?: string }) => {
      if ((o.experimentId === undefined) === (o.experimentName === undefined)) {
        throw new UsageError('give exactly one of --experiment-id or --experiment-name');
      }
      const client = ctx.client(o.backendStoreUri);
      const experiment =
        o.experimentId !== undefined
          ? await client.getExperiment(o.experimentId)
          : await client.getExperimentByName(o.experimentName ?? '');
      if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${o.experimentName}'`);
      if (o.json) return ctx.printJson(getExperimentResponse(experiment));
      ctx.print(`Experiment Id:     ${experiment.experiment_id}`);
      ctx.print(`Name:              ${experiment.name}`);
      ctx.print(`Artifact Location: ${experiment.artifact_location}`);
      ctx.print(`Lifecycle Stage:   ${experiment.lifecycle_stage}`);
      if (experiment.creation_time !== undefined)
        ctx.print(`Created:           ${formatTime(experiment.creation_time)}`);
      if (experiment.last_update_time !== undefined)
        ctx.print(`Last Updated:      ${formatTime(experiment.last_update_time)}`);
      for (const t of experiment.tags) ctx.print(`Tag:               ${t.key}=${t.value}`);
    });

  withStoreOption(cmd.command('rename').description('rename an active experiment'))
    .requiredOption('-x, --experiment-id <id>', 'experiment id')
    .requiredOption('--new-name <name>', 'the new name')
    .action(async (o: StoreOpts & { experimentId: string; newName: string }) => {
      await ctx.client(o.backendStoreUri).renameExperiment(o.experimentId, o.newName);
      ctx.print(`Experiment with id ${o.experimentId} has been renamed to '${o.newName}'.`);
    });

  addLifecycleCommands(
    cmd,
    {
      id: ['-x, --experiment-id <id>', 'experiment id', 'experimentId'],
      descriptions: {
        delete: 'mark an experiment (and its runs) deleted',
        restore: 'restore a deleted experiment (and its runs)',
      },
      // MLflow's own words, "ID" and "id" included.
      act: async (verb, uri, id) => {
        const client = ctx.client(uri);
        if (verb === 'delete') {
          await client.deleteExperiment(id);
          return `Experiment with ID ${id} has been deleted.`;
        }
        await client.restoreExperiment(id);
        return `Experiment with id ${id} has been restored.`;
      },
    },
    (l) => ctx.print(l),
  );

  return cmd;
}
