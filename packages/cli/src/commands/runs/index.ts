/** `mlflow-ts runs list|describe|create|delete|restore` plus the shell-script loggers in log-commands.ts. */
import { Command } from 'commander';
import { MlflowError, type Run, type RunStatus, type ViewType } from '@mlflow-ts/format';
import { getRunResponse, searchRunsResponse } from '@mlflow-ts/client';
import type { CliContext } from '../../cli-context.js';
import {
  collect,
  collectKeyValue,
  viewOption,
  withSearchOptions,
  searchArgs,
  type StoreOpts,
  storeCommand,
  addLifecycleCommands,
} from '../../options.js';
import { formatTable, formatTime } from '../../output.js';
import { UsageError } from '../../usage-error.js';
import { addLogCommands } from './log-commands.js';

function describeRun(ctx: CliContext, run: Run): void {
  const { info, data } = run;
  ctx.print(`Run Id:          ${info.run_id}`);
  ctx.print(`Run Name:        ${info.run_name}`);
  ctx.print(`Experiment Id:   ${info.experiment_id}`);
  ctx.print(`Status:          ${info.status}`);
  ctx.print(`Lifecycle Stage: ${info.lifecycle_stage}`);
  ctx.print(`Start Time:      ${formatTime(info.start_time)}`);
  if (info.end_time !== undefined) ctx.print(`End Time:        ${formatTime(info.end_time)}`);
  ctx.print(`Artifact URI:    ${info.artifact_uri}`);
  const section = (title: string, rows: string[][]) => {
    if (rows.length === 0) return;
    ctx.print('');
    ctx.print(title);
    for (const r of rows) ctx.print(`  ${r.join('  ')}`);
  };
  section(
    'Params:',
    data.params.map((p) => [`${p.key}:`, p.value]),
  );
  section(
    'Metrics:',
    data.metrics.map((m) => [`${m.key}:`, String(m.value), `(step ${m.step})`]),
  );
  section(
    'Tags:',
    data.tags.map((t) => [`${t.key}:`, t.value]),
  );
}

export function runsCommand(ctx: CliContext): Command {
  const cmd = new Command('runs').description('list, inspect, create and log to runs');

  withSearchOptions(
    storeCommand(cmd, 'list', 'search the runs of experiments')
      .option('--experiment-id <id>', 'experiment id (repeatable; default: $MLFLOW_EXPERIMENT_ID)', collect)
      .addOption(viewOption()),
    {
      filterExample: `"metrics.rmse < 1 and params.model = 'tree'"`,
      orderExample: "'metrics.rmse DESC'",
      maxResults: [50000, 1000],
    },
  ).action(
    async (
      o: StoreOpts & {
        experimentId?: string[];
        view: ViewType;
        filter?: string;
        orderBy?: string[];
        maxResults: number;
        pageToken?: string;
      },
    ) => {
      const ids = o.experimentId ?? (ctx.io.env.MLFLOW_EXPERIMENT_ID ? [ctx.io.env.MLFLOW_EXPERIMENT_ID] : undefined);
      if (!ids) throw new UsageError('missing --experiment-id (or $MLFLOW_EXPERIMENT_ID)');
      const page = await ctx.client(o.backendStoreUri).searchRuns(ids, {
        runViewType: o.view,
        ...searchArgs(o),
      });
      if (o.json) return ctx.printJson(searchRunsResponse(page));
      ctx.print(
        formatTable(
          ['Date', 'Name', 'ID', 'Status'],
          page.items.map((r) => [formatTime(r.info.start_time), r.info.run_name, r.info.run_id, r.info.status]),
        ),
      );
      if (page.next_page_token) ctx.print(`(more results: --page-token ${page.next_page_token})`);
    },
  );

  storeCommand(cmd, 'describe', 'show a run: info, params, metrics, tags')
    .requiredOption('--run-id <id>', 'run id')
    .action(async (o: StoreOpts & { runId: string }) => {
      const run = await ctx.client(o.backendStoreUri).getRun(o.runId);
      if (o.json) ctx.printJson(getRunResponse(run));
      else describeRun(ctx, run);
    });

  storeCommand(cmd, 'create', 'create a run and print its id')
    .option('--experiment-id <id>', 'experiment id (default: $MLFLOW_EXPERIMENT_ID, else 0)')
    .option('--experiment-name <name>', 'experiment name (must exist)')
    .option('--run-name <name>', 'run name (default: a generated one)')
    .option('--description <text>', 'run description (tag mlflow.note.content)')
    .option('-t, --tags <key=value>', 'run tag (repeatable)', collectKeyValue)
    .option('--status <status>', 'end the run at once with FINISHED, FAILED or KILLED')
    .option('--parent-run-id <id>', 'make it a child of this run')
    .action(
      async (
        o: StoreOpts & {
          experimentId?: string;
          experimentName?: string;
          runName?: string;
          description?: string;
          tags?: Record<string, string>;
          status?: string;
          parentRunId?: string;
        },
      ) => {
        if (o.experimentId !== undefined && o.experimentName !== undefined) {
          throw new UsageError('give at most one of --experiment-id and --experiment-name');
        }
        const status = o.status?.toUpperCase();
        if (status !== undefined && !['FINISHED', 'FAILED', 'KILLED'].includes(status)) {
          throw new UsageError(`--status must be FINISHED, FAILED or KILLED, got '${o.status}'`);
        }
        const client = ctx.client(o.backendStoreUri);
        let experimentId = o.experimentId ?? ctx.io.env.MLFLOW_EXPERIMENT_ID ?? '0';
        if (o.experimentName !== undefined) {
          const experiment = await client.getExperimentByName(o.experimentName);
          if (!experiment) throw MlflowError.notFound(`Could not find experiment with name '${o.experimentName}'`);
          experimentId = experiment.experiment_id;
        }
        const tags: Record<string, string> = { ...o.tags };
        if (o.runName !== undefined) tags['mlflow.runName'] = o.runName;
        if (o.description !== undefined) tags['mlflow.note.content'] = o.description;
        if (o.parentRunId !== undefined) {
          await client.getRun(o.parentRunId); // the parent must exist
          tags['mlflow.parentRunId'] = o.parentRunId;
        }
        let run = await client.createRun(experimentId, {
          tags,
          ...(o.runName !== undefined ? { runName: o.runName } : {}),
        });
        if (status !== undefined) {
          await client.setTerminated(run.info.run_id, status as RunStatus);
          run = await client.getRun(run.info.run_id);
        }
        if (o.json) ctx.printJson(getRunResponse(run));
        else ctx.print(run.info.run_id);
      },
    );

  addLifecycleCommands(
    cmd,
    {
      id: ['--run-id <id>', 'run id', 'runId'],
      descriptions: { delete: 'mark a run deleted', restore: 'restore a deleted run' },
      act: async (verb, uri, id) => {
        const client = ctx.client(uri);
        await (verb === 'delete' ? client.deleteRun(id) : client.restoreRun(id));
        return `Run with ID ${id} has been ${verb}d.`;
      },
    },
    (l) => ctx.print(l),
  );

  addLogCommands(cmd, ctx);
  return cmd;
}
