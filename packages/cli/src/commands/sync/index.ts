/**
 * `mlflow-ts sync <mlruns> <http(s)://server>`: pushes runs logged offline (a cluster node, a laptop
 * on a plane) to any MLflow-compatible tracking server, ours or MLflow's, over MLflow's REST API:
 * experiments by name, runs with every metric point (log-batch in MLflow's limits), params, tags,
 * datasets, logged models, traces, the registry and artifacts (through the server's artifact proxy).
 * MLflow's CreateRun cannot take a run id, so each server run is tagged `mlflow-ts.sync.sourceRunId`
 * and the mapping kept in a journal in the mlruns folder: running it again is safe and brings over
 * only what is new (a run still RUNNING offline is completed on the next sync).
 */
import { Command } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';
import { runMigration, type MigrateCliOptions, withCopyScopeOptions } from '../db/migrate-run.js';

export function syncCommand(ctx: CliContext): Command {
  return withCopyScopeOptions(
    new Command('sync')
      .description(
        'push runs logged offline in an mlruns folder to an MLflow tracking server; idempotent and resumable',
      )
      .argument('<mlruns>', 'the local mlruns folder (or file: URI)')
      .argument(
        '<server>',
        'the tracking server, http(s)://host:port (MLFLOW_TRACKING_TOKEN / USERNAME / PASSWORD apply)',
      )
      .option('--no-artifacts', 'leave artifact files out'),
    {
      state: 'folder for the sync journal (default: the mlruns folder)',
      experimentIds: 'comma-separated local experiment ids (default: all)',
      json: 'print a JSON summary (with the local → server run id mapping)',
    },
  ).action(async (from: string, to: string, o: MigrateCliOptions) => {
    await runMigration(ctx, from, to, o, {
      verb: 'sync',
      journalSide: 'source',
      check: (source, target) => {
        if (source.kind !== 'fs')
          throw new UsageError(
            `'${from}' is not an mlruns folder: sync pushes a local mlruns folder (use \`mlflow-ts db migrate\` between stores)`,
          );
        if (target.kind !== 'rest') throw new UsageError(`'${to}' is not a tracking server URL (http:// or https://)`);
      },
      artifactLocations: () => 'target',
    });
  });
}
