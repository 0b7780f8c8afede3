/**
 * `mlflow-ts ui`: MLflow's `mlflow ui`, a local tracking server with the web UI over ./mlruns
 * (default http://127.0.0.1:5000/). Same store, artifact and port options as `server`, without the
 * production knobs (gRPC, auth).
 */
import { Command } from 'commander';
import { type ServerStoreOptions, serveArtifactsValue, withServerStoreOptions } from '../server/common-options.js';
import type { CliContext } from '../../cli-context.js';
import { runServer } from '../server/index.js';
import { untilStopped } from '../../until-stopped.js';

export type UiCommandOptions = ServerStoreOptions;

/** `mlflow-ts ui`'s server: `runServer` with the UI on; resolves when `signal` aborts and it has shut down. */
export function runUi(ctx: Pick<CliContext, 'print'>, o: UiCommandOptions, signal: AbortSignal): Promise<void> {
  return runServer(ctx, { ...o, ui: true }, signal);
}

export function uiCommand(ctx: CliContext): Command {
  return withServerStoreOptions(
    new Command('ui').description("run a local tracking server with the web UI (MLflow's `mlflow ui`)"),
  ).action(async (raw: Omit<UiCommandOptions, 'serveArtifacts'> & { serveArtifacts: boolean | string }) => {
    const o: UiCommandOptions = { ...raw, serveArtifacts: serveArtifactsValue(raw.serveArtifacts) };
    await untilStopped((signal) => runUi(ctx, o, signal));
  });
}
