/**
 * `mlflow-ts db …`: database commands. Each subcommand lives in its own file of this folder and is
 * added here (`upgrade`: MLflow's `mlflow db upgrade`).
 */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { dbUpgradeCommand } from './upgrade.js';
import { dbMigrateCommand } from './migrate.js';

export function dbCommand(ctx: CliContext): Command {
  return new Command('db')
    .description("manage MLflow's SQL database (SQLite, PostgreSQL)")
    .addCommand(dbUpgradeCommand(ctx))
    .addCommand(dbMigrateCommand(ctx));
}
