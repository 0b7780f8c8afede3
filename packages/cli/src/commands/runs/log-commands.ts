/** `runs log-metric|log-param|set-tag|end`: logging from shell scripts, one value per call. */
import type { Command } from 'commander';
import type { RunStatus } from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import { parseInteger, parseNumber, withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';

interface LogOpts {
  backendStoreUri?: string;
  runId?: string;
  key: string;
  value: string;
}

/** `--run-id`, else $MLFLOW_RUN_ID (set by `mlflow run` style launchers). */
function runIdOf(ctx: CliContext, o: { runId?: string }): string {
  const id = o.runId ?? ctx.io.env.MLFLOW_RUN_ID;
  if (!id) throw new UsageError('missing --run-id (or $MLFLOW_RUN_ID)');
  return id;
}

export function addLogCommands(cmd: Command, ctx: CliContext): void {
  withStoreOption(cmd.command('log-metric').description('log one metric value'))
    .option('--run-id <id>', 'run id (default: $MLFLOW_RUN_ID)')
    .requiredOption('--key <key>', 'metric key')
    .requiredOption('--value <number>', 'metric value (NaN and Infinity allowed)', parseNumber)
    .option('--step <n>', 'step', parseInteger('--step'), 0)
    .option('--timestamp <ms>', 'ms since epoch (default: now)', parseInteger('--timestamp'))
    .action(async (o: Omit<LogOpts, 'value'> & { value: number; step: number; timestamp?: number }) => {
      await ctx.client(o.backendStoreUri).logMetric(runIdOf(ctx, o), o.key, o.value, {
        step: o.step,
        ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}),
      });
    });

  // log-param and set-tag: one key, one string value.
  for (const [name, description, what, log] of [
    ['log-param', 'log one parameter (immutable once logged)', 'param', 'logParam'],
    ['set-tag', 'set one run tag', 'tag', 'setTag'],
  ] as const) {
    withStoreOption(cmd.command(name).description(description))
      .option('--run-id <id>', 'run id (default: $MLFLOW_RUN_ID)')
      .requiredOption('--key <key>', `${what} key`)
      .requiredOption('--value <value>', `${what} value`)
      .action(async (o: LogOpts) => {
        await ctx.client(o.backendStoreUri)[log](runIdOf(ctx, o), o.key, o.value);
      });
  }

  withStoreOption(cmd.command('end').description('end a run (status FINISHED unless --status)'))
    .option('--run-id <id>', 'run id (default: $MLFLOW_RUN_ID)')
    .option('--status <status>', 'FINISHED, FAILED or KILLED', 'FINISHED')
    .action(async (o: { backendStoreUri?: string; runId?: string; status: string }) => {
      const status = o.status.toUpperCase();
      if (!['FINISHED', 'FAILED', 'KILLED'].includes(status)) {
        throw new UsageError(`--status must be FINISHED, FAILED or KILLED, got '${o.status}'`);
      }
      await ctx.client(o.backendStoreUri).setTerminated(runIdOf(ctx, o), status as RunStatus);
    });
}
