/**
 * What the user typed after `-m` (a model directory, an MLmodel file, `file:`, `runs:/`, `models:/`
 * or an artifact URI) as a local directory holding MLmodel, through format's one `downloadModel`.
 * The tracking URI's stores (`--backend-store-uri`, else MLFLOW_TRACKING_URI) are opened only for
 * URIs that need them, so a local model never touches `./mlruns`.
 */
import { parseModelUri } from '@mlflow-ts/format';
import type { ModelUriStores } from '@mlflow-ts/format';
import { downloadModel } from '@mlflow-ts/format/node';
import type { CliContext } from '../../cli-context.js';

export interface LocalModel {
  /** The directory holding `MLmodel`. */
  dir: string;
  /** What the user asked for, for messages. */
  source: string;
  /** True when the user named it by a model URI (runs:/, models:/, an artifact URI), not a local path. */
  remote: boolean;
  cleanup(): Promise<void>;
}

/** The stores `uri` resolves through: none for a local model, else the tracking URI's. */
export async function modelStores(
  ctx: CliContext,
  backendStoreUri: string | undefined,
  uri: string,
): Promise<ModelUriStores> {
  if (parseModelUri(uri).kind === 'file') return {};
  return ctx.client(backendStoreUri).stores();
}

export async function resolveModel(
  ctx: CliContext,
  backendStoreUri: string | undefined,
  uri: string,
): Promise<LocalModel> {
  const local = await downloadModel(uri, await modelStores(ctx, backendStoreUri, uri));
  return { dir: local.dir, source: uri, remote: parseModelUri(uri).kind !== 'file', cleanup: local.cleanup };
}
