/**
 * `mlflow-ts db migrate <from> <to>`: copies everything between two stores (an mlruns folder,
 * `sqlite:///…`, `postgresql://…`, either way and SQL → SQL), losing nothing: experiments, runs
 * with their ids (where the target can import them), every metric point, params, tags, datasets,
 * logged models, traces, the registry; artifacts with `--artifacts`. A journal (next to the target,
 * or in `--state`) makes it resumable after a kill and idempotent: run it again and it finishes.
 */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';
import { runMigration, type MigrateCliOptions, withCopyScopeOptions } from './migrate-run.js';

export function dbMigrateCommand(ctx: CliContext): Command {
  return withCopyScopeOptions(
    new Command('migrate')
      .description('copy everything from one store to another (mlruns folder, sqlite:///…, postgresql://…); resumable')
      .argument('<from>', 'source: an mlruns path, file: URI, sqlite:///path.db or postgresql://…')
      .argument('<to>', 'target: an mlruns path, file: URI, sqlite:///path.db or postgresql://…')
      .option(
        '--artifacts',
        "copy artifact files too, into the target's artifact locations (default: runs keep pointing at the source's)",
      )
      .option('--default-artifact-root <uri>', 'where the target puts artifacts of new experiments (with --artifacts)'),
    {
      state: 'folder for the resume journal (default: next to the target)',
      experimentIds: 'comma-separated source experiment ids (default: all, deleted ones too)',
      json: 'print a JSON summary',
    },
  ).action(async (from: string, to: string, o: MigrateCliOptions) => {
    await runMigration(ctx, from, to, o, {
      verb: 'migrate',
      journalSide: 'target',
      check: (_source, target) => {
        if (target.kind === 'rest')
          throw new UsageError(`'${to}' is a tracking server: use \`mlflow-ts sync ${from} ${to}\``);
      },
      artifactLocations: (opts) => (opts.artifacts ? 'target' : 'keep'),
    });
  });
}
