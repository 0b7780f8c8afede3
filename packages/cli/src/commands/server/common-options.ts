/** The options `server` and `ui` share: stores, artifacts, where to listen. */
import { InvalidArgumentError, Option, type Command } from 'commander';

/** What `withServerStoreOptions` parses. */
export interface ServerStoreOptions {
  backendStoreUri: string;
  registryStoreUri?: string;
  defaultArtifactRoot?: string;
  serveArtifacts: boolean;
  artifactsDestination: string;
  host: string;
  port: number;
}

export function parsePort(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n > 65535)
      throw new InvalidArgumentError(`${name} must be a port number (0-65535), got '${value}'.`);
    return n;
  };
}

/** `--backend-store-uri`, `--registry-store-uri`, `--default-artifact-root`, `--[no-]serve-artifacts`,
 * `--artifacts-destination`, `--host`, `-p/--port`, with MLflow's environment variables. */
export function withServerStoreOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--backend-store-uri <uri>',
        'local mlruns directory or file: URI, or MLflow database: sqlite:///path.db, postgresql://user:password@host:port/db',
      )
        .env('MLFLOW_BACKEND_STORE_URI')
        .default('./mlruns'),
    )
    .addOption(
      new Option('--registry-store-uri <uri>', 'model registry store (default: the backend store)').env(
        'MLFLOW_REGISTRY_STORE_URI',
      ),
    )
    .addOption(
      new Option(
        '--default-artifact-root <uri>',
        'artifact root for new experiments (default: mlflow-artifacts:/ when serving artifacts)',
      ).env('MLFLOW_DEFAULT_ARTIFACT_ROOT'),
    )
    .addOption(
      new Option('--serve-artifacts', 'proxy artifact uploads and downloads through the server (default)')
        .env('MLFLOW_SERVE_ARTIFACTS')
        .default(true),
    )
    .addOption(new Option('--no-serve-artifacts', 'clients access artifact storage directly'))
    .addOption(
      new Option('--artifacts-destination <dir>', 'where proxied artifacts are stored')
        .env('MLFLOW_ARTIFACTS_DESTINATION')
        .default('./mlartifacts'),
    )
    .addOption(new Option('--host <host>', 'interface to bind').env('MLFLOW_HOST').default('127.0.0.1'))
    .addOption(
      new Option('-p, --port <port>', 'HTTP port').env('MLFLOW_PORT').default(5000).argParser(parsePort('--port')),
    );
}

/** `--serve-artifacts` as parsed: true/false from the flags, a string from MLFLOW_SERVE_ARTIFACTS. */
export function serveArtifactsValue(raw: boolean | string): boolean {
  return typeof raw === 'string' ? !/^(false|0|no)$/i.test(raw) : raw;
}
