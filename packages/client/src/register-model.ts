/**
 * MLflow's `mlflow.register_model(model_uri, name)`: creates the registered model when missing, then a
 * version whose source is the model's storage location. A `runs:/<id>/<path>` URI is turned into
 * the run's artifact location (as MLflow does), so any reader of the registry can fetch the files
 * without the run, and the version keeps the run id.
 */
import { MlflowError, parseModelUri } from '@mlflow-ts/format';
import type { ModelVersion, Run } from '@mlflow-ts/format';

export interface RegisterModelOptions {
  tags?: Record<string, string>;
  description?: string;
  /** Points this alias (e.g. `champion`) at the new version. */
  alias?: string;
}

/** The registry and tracking calls `registerModel` needs (an `MlflowClient` has them all). */
export interface RegisterModelClient {
  getRun(runId: string): Promise<Run>;
  createRegisteredModel(name: string, opts?: { tags?: Record<string, string>; description?: string }): Promise<unknown>;
  createModelVersion(
    name: string, source: string, opts?: { runId?: string; tags?: Record<string, string>; description?: string },
  ): Promise<ModelVersion>;
  setRegisteredModelAlias(name: string, alias: string, version: string | number): Promise<void>;
}

export async function registerModel(
  client: RegisterModelClient, modelUri: string, name: string, opts: RegisterModelOptions = {},
): Promise<ModelVersion> {
  try {
    await client.createRegisteredModel(name);
  } catch (e) {
    if (!(MlflowError.isInstance(e) && e.code === 'RESOURCE_ALREADY_EXISTS')) throw e;
  }
  let source = modelUri;
  let runId: string | undefined;
  const parsed = parseModelUri(modelUri);
  if (parsed.kind === 'runs') {
    runId = parsed.runId;
    const run = await client.getRun(parsed.runId);
    const sub = parsed.path.replace(/^\/+|\/+$/g, '');
    source = sub ? `${run.info.artifact_uri.replace(/\/+$/, '')}/${sub}` : run.info.artifact_uri;
  }
  const version = await client.createModelVersion(name, source, {
    ...(runId !== undefined ? { runId } : {}),
    ...(opts.tags ? { tags: opts.tags } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
  });
  if (opts.alias) await client.setRegisteredModelAlias(name, opts.alias, version.version);
  return version;
}
