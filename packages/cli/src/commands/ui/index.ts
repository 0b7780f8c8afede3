/**
 * `mlflow-ts ui`: MLflow's `mlflow ui`, a local tracking server with the web UI over ./mlruns
 * (default http://127.0.0.1:5000/). Same store, artifact and port options as `server`, without the
 * production knobs (gRPC, auth).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../../cli-context.js';
import { runServer } from '../server/index.js';
import { untilStopped } from '../../until-stopped.js';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError(`--port must be a port number (0-65535), got '${value}'.`);
  return n;
}

export interface UiCommandOptions {
  backendStoreUri: string;
  registryStoreUri?: string;
  defaultArtifactRoot?: string;
  serveArtifacts: boolean;
  artifactsDestination: string;
  host: string;
  port: number;
}

/** `mlflow-ts ui`'s server: `runServer` with the UI on; resolves when `signal` aborts and it has shut down. */
export function runUi(ctx: Pick<CliContext, 'print'>, o: UiCommandOptions, signal: AbortSignal): Promise<void> {
  return runServer(ctx, { ...o, ui: true }, signal);
}

export function uiCommand(ctx: CliContext): Command {
  return new Command('ui')
    .description("run a local tracking server with the web UI (MLflow's `mlflow ui`)")
    .addOption(
      new Option('--backend-store-uri <uri>', 'local mlruns directory or file: URI')
        .env('MLFLOW_BACKEND_STORE_URI')
        .default('./mlruns'),
    )
    .addOption(
      new Option('--registry-store-uri <uri>', 'model registry store (default: the backend store)').env(
        'MLFLOW_REGISTRY_STORE_URI',
      ),
    )
    .addOption(
      new Option('--default-artifact-root <uri>', 'artifact root for new experiments').env(
        'MLFLOW_DEFAULT_ARTIFACT_ROOT',
      ),
    )
    .option('--serve-artifacts', 'proxy artifact uploads and downloads through the server (default)', true)
    .option('--no-serve-artifacts', 'clients access artifact storage directly')
    .addOption(
      new Option('--artifacts-destination <dir>', 'where proxied artifacts are stored')
        .env('MLFLOW_ARTIFACTS_DESTINATION')
        .default('./mlartifacts'),
    )
    .addOption(new Option('--host <host>', 'interface to bind').env('MLFLOW_HOST').default('127.0.0.1'))
    .addOption(new Option('-p, --port <port>', 'HTTP port').env('MLFLOW_PORT').default(5000).argParser(port))
    .action(async (o: UiCommandOptions) => {
      await untilStopped((signal) => runUi(ctx, o, signal));
    });
}
