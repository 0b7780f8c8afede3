/** `mlflow-ts metrics history`: every logged value of one metric, in log order. */
import { Command } from 'commander';
import { getMetricHistoryResponse } from '@mlflow-ts/client';
import type { CliContext } from '../../cli-context.js';
import { storeCommand } from '../../options.js';
import { formatTable, formatTime } from '../../output.js';

export function metricsCommand(ctx: CliContext): Command {
  const cmd = new Command('metrics').description('read metric histories');

  storeCommand(cmd, 'history', 'print the full history of a metric')
    .requiredOption('--run-id <id>', 'run id')
    .requiredOption('--key <key>', 'metric key')
    .action(async (o: { backendStoreUri?: string; runId: string; key: string; json?: boolean }) => {
      const metrics = await ctx.client(o.backendStoreUri).getMetricHistory(o.runId, o.key);
      // The whole history in one body, as MLflow's server answers a request whose max_results covers it.
      if (o.json) return ctx.printJson(getMetricHistoryResponse({ items: metrics }));
      ctx.print(
        formatTable(
          ['Step', 'Value', 'Timestamp'],
          metrics.map((m) => [String(m.step), String(m.value), `${formatTime(m.timestamp)} (${m.timestamp})`]),
        ),
      );
    });

  return cmd;
}
