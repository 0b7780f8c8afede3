/**
 * `mlflow-ts db upgrade <uri>` (MLflow's `mlflow db upgrade`): brings an MLflow database from MLflow 2.14's
 * schema (or any revision up to 3.6) to MLflow 3.6's alembic head, in one transaction under the schema lock:
 * an interrupted or failed upgrade leaves the database at its old revision, and two at once are safe.
 */
import { Command } from 'commander';
import { connectSql, isSqlStoreUri, MLFLOW_ALEMBIC_HEAD, upgradeSchema } from '@mlflow-ts/store-sql';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';

export function dbUpgradeCommand(ctx: CliContext): Command {
  return new Command('upgrade')
    .description(
      `upgrade an MLflow database (MLflow 2.14 or later) to MLflow 3.6's schema (revision ${MLFLOW_ALEMBIC_HEAD})`,
    )
    .argument('<url>', 'database URI: sqlite:///path/mlflow.db or postgresql://user:password@host:port/db')
    .option('--json', 'print the result as JSON')
    .action(async (url: string, o: { json?: boolean }) => {
      if (!isSqlStoreUri(url))
        throw new UsageError(`'${url}' is not a database URI: use sqlite:///path/mlflow.db or postgresql://…`);
      const conn = await connectSql(url, { poolSize: 1 });
      try {
        const result = await upgradeSchema(conn, {
          onStep: (m, i, total) => {
            if (!o.json) ctx.io.stderr(`[${i + 1}/${total}] ${m.revision}: ${m.description}\n`);
          },
        });
        if (o.json) ctx.print(JSON.stringify({ database: conn.displayUri, ...result }, null, 2));
        else if (result.from === null)
          ctx.print(`${conn.displayUri} was empty: created MLflow's schema at ${result.to}`);
        else if (result.applied.length === 0) ctx.print(`${conn.displayUri} is already at ${result.to}`);
        else
          ctx.print(
            `Upgraded ${conn.displayUri} from ${result.from} to ${result.to} (${result.applied.length} migrations)`,
          );
      } finally {
        await conn.close();
      }
    });
}
