/**
 * `registerModel`: MLflow's `mlflow.register_model` for a model logged in a run — the registered
 * model is created when missing, a version is created from the run's artifact location, and an
 * optional alias is pointed at it.
 */
import type { MlflowClient } from '@mlflow-ts/client';
import { MlflowError } from '@mlflow-ts/format';
import type { ModelVersion } from '@mlflow-ts/format';

export interface RegisterModelOptions {
  /** Alias to point at the new version, e.g. `champion`. */
  alias?: string;
  tags?: Record<string, string>;
  description?: string;
}

export async function registerModel(
  client: MlflowClient, name: string, runId: string, artifactPath: string, opts: RegisterModelOptions = {},
): Promise<ModelVersion> {
  try {
    await client.createRegisteredModel(name);
  } catch (e) {
    if (!(MlflowError.isInstance(e) && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
  }
  const run = await client.getRun(runId);
  // The artifact location, not runs:/…, so any reader of the registry can fetch it without the run.
  const source = `${run.info.artifact_uri.replace(/\/+$/, '')}/${artifactPath.replace(/^\/+|\/+$/g, '')}`;
  const version = await client.createModelVersion(name, source, {
    runId,
    ...(opts.tags ? { tags: opts.tags } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
  });
  if (opts.alias) await client.setRegisteredModelAlias(name, opts.alias, version.version);
  return version;
}
